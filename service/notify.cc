// sd_notify(3) over libsystemd: libsystemd gets the details right (abstract socket names,
// credentials, $WATCHDOG_PID), and it is a Debian package beside systemd itself.
#include "service/notify.h"

#include <systemd/sd-daemon.h>

#include <algorithm>
#include <cstdint>

namespace service {
namespace {

// sd_notify returns > 0 when sent, 0 without $NOTIFY_SOCKET, < 0 (-errno) on failure. Passing
// unset_environment=0 keeps $NOTIFY_SOCKET for the next call (and for every thread).
bool Send(const std::string& state) { return sd_notify(0, state.c_str()) > 0; }

}  // namespace

bool NotifyReady(const std::string& status) { return Send("READY=1\nSTATUS=" + status); }

bool NotifyStatus(const std::string& status) { return Send("STATUS=" + status); }

bool NotifyStopping() { return Send("STOPPING=1"); }

std::optional<std::chrono::microseconds> WatchdogInterval() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  // At least 1 us, so a caller sleeping for the interval never spins.
  return std::chrono::microseconds(std::max<uint64_t>(usec / 2, 1));
}

bool NotifyWatchdog() { return Send("WATCHDOG=1"); }

}  // namespace service
