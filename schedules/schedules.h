// schedules: pure, exact time arithmetic over the configuration — business
// calendars, SLA clocks, on-call rotations, layers and overrides, and which
// calendars govern a case. No clock, no I/O beyond the OS tz database that
// config already resolved. Every function is deterministic and thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/time.h"
#include "config/config.h"

namespace schedules {

using base::Timestamp;

// ---------------------------------------------------------------------------
// Business time over one calendar. "Open" instants are those inside a weekly
// window, in the calendar's zone, on a day that is not a holiday.

// True when `t` is inside an open window of `cal`.
bool IsOpen(const config::Calendar& cal, Timestamp t);

// The instant at which `open_time` of open time has passed since `t`.
// Add(cal, t, 0) is the first open instant at or after t. Exact to the
// millisecond; jumps whole closed spans (no minute stepping).
Timestamp Add(const config::Calendar& cal, Timestamp t, std::chrono::milliseconds open_time);

// Open time elapsed in [from, to); zero when to <= from.
std::chrono::milliseconds Elapsed(const config::Calendar& cal, Timestamp from, Timestamp to);

// The next instant strictly after `t` at which the calendar opens or closes.
// Returns nullopt for a calendar that never changes (always open or never open).
std::optional<Timestamp> NextChange(const config::Calendar& cal, Timestamp t);

// ---------------------------------------------------------------------------
// On-call.

// Who is on call in a schedule over [start, end), and why.
struct Shift {
  std::optional<std::string> engineer;  // nullopt: nobody (a gap)
  Timestamp start;
  Timestamp end;
  std::string source;  // layer name, or "override"; empty for a gap
};

// The shift containing `at`: who is on call, from which layer or override, and
// until when (the next change of engineer or source). `start` is the instant
// that shift began (searching back at most one rotation period or override span).
Shift OnCallAt(const config::Schedule& schedule, Timestamp at);

// The final schedule over [from, to): consecutive shifts that tile the range
// exactly, adjacent shifts of the same engineer and source merged, gaps shown
// with engineer nullopt. REQUIRES: from < to.
std::vector<Shift> Shifts(const config::Schedule& schedule, Timestamp from, Timestamp to);

// ---------------------------------------------------------------------------
// Which calendars govern a case.

struct CaseCalendars {
  const config::Customer* customer = nullptr;  // nullptr: unknown account
  bool fallback = false;           // unknown account or service out of scope
  const config::Calendar* coverage = nullptr;  // when the specialist team is on the clock
  const config::Calendar* business = nullptr;  // the customer's business calendar
  std::string plan;                // effective plan name ("enterprise" for fallback)
  std::string reason;              // one line for explanations: why these calendars
};

// Resolves coverage and business calendars per DESIGN.md:
// enterprise -> coverage `always`; launch -> customer's calendar; annual ->
// customer's calendar, or the plan's addon_24x7_coverage with add-on oncall_24x7
// unless the service is in services.excluded_from_24x7. Business: enterprise ->
// `always`, launch/annual -> the customer's calendar. An unknown account or an
// out-of-scope service is a fallback case under the enterprise plan.
// REQUIRES: config has an `always`-style calendar referenced by the enterprise plan.
CaseCalendars ResolveCalendars(const config::Config& config, const std::string& account,
                               const std::string& service);

// The calendar that the level's target counts on: business for a `bh` target,
// coverage otherwise.
const config::Calendar& ClockCalendar(const CaseCalendars& calendars,
                                      const config::DurationSpec& target);

struct Due {
  int level = 0;
  Timestamp due;
  const config::Calendar* clock = nullptr;  // the calendar the target counts on
  CaseCalendars calendars;
  std::string first_schedule;  // the schedule that gets the first page
};

// When the first response is due for a case opened at `opened`.
// Returns nullopt when the severity code is not in severity_map.
std::optional<Due> FirstResponseDue(const config::Config& config, const std::string& account,
                                    const std::string& service, const std::string& severity_code,
                                    Timestamp opened);

}  // namespace schedules
