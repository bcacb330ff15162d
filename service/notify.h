// Telling the service manager how the daemon is doing: systemd's notification protocol
// (sd_notify(3)) for a unit with Type=notify and WatchdogSec=. Outside systemd, or with a unit
// that asked for none of it, every call is a no-op, so the daemon calls them unconditionally.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace service {

// Each Notify* function sends one datagram to $NOTIFY_SOCKET and returns whether it was sent.
// Returns false, sending nothing, when $NOTIFY_SOCKET is unset (not run by systemd with
// Type=notify or NotifyAccess=) or the socket cannot be reached; the daemon goes on either way.
// Thread-safe: each call uses its own socket and only reads the environment, so no thread may
// change NOTIFY_SOCKET, WATCHDOG_USEC or WATCHDOG_PID while others call these.

// Tells systemd that start-up is complete ("READY=1") with a one-line human-readable status
// (`systemctl status` shows it). Until this is sent, `systemctl start` waits and dependants do
// not start; send it once, when the daemon serves. REQUIRES: `status` has no newline.
bool NotifyReady(const std::string& status);

// Updates the status line ("STATUS=..."), e.g. catching up or lagging.
// REQUIRES: `status` has no newline.
bool NotifyStatus(const std::string& status);

// Tells systemd that the daemon is shutting down on purpose ("STOPPING=1"), so the time it
// takes to persist the batch in hand is not mistaken for a hang.
bool NotifyStopping();

// How often to call NotifyWatchdog: half of $WATCHDOG_USEC (sd_watchdog_enabled(3) advises
// pinging at half the deadline). nullopt when the unit set no WatchdogSec=, or when
// $WATCHDOG_PID names another process (the variables were inherited, not meant for us).
std::optional<std::chrono::microseconds> WatchdogInterval();

// Tells systemd the daemon is alive ("WATCHDOG=1"). Call it from the main loop, at least every
// WatchdogInterval(), so a loop that stops turning gets the service restarted.
bool NotifyWatchdog();

}  // namespace service
