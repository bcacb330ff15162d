// Weekly windows of wall-clock time made concrete: the UTC intervals a list of
// config::WeeklyWindow gives on one local day of a zone. Shared by business
// calendars (windows within a day, holidays removed) and layer restrictions
// (windows may cross midnight).
#pragma once

#include <optional>
#include <vector>

#include "config/config.h"
#include "schedules/zone_clock.h"

namespace schedules {

struct Interval {
  base::Timestamp start;
  base::Timestamp end;
};

// Appends to `out`, in window order, the non-empty UTC intervals of the windows
// of `windows` that start on local day `day` (days since 1970-01-01) through
// `clock`. A window whose end <= start (or ends 24:00) ends on the next local day.
// A window [s, e) is [first instant the clock reads s, first instant it reads e),
// so a window containing a skipped hour is shorter and one containing a
// repeated hour longer, by that hour (zone_clock.h).
void AppendDayIntervals(const std::vector<config::WeeklyWindow>& windows, int64_t day,
                        ZoneClock& clock, std::vector<Interval>& out);

// True when the local day is one of `holidays` (sorted).
bool IsHoliday(const std::vector<std::chrono::year_month_day>& holidays, int64_t day);

}  // namespace schedules
