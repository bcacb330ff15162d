// Business-time arithmetic over one calendar: walks local days, turning each
// day's windows into UTC intervals (windows.h), so closed spans — nights,
// weekends, holidays — are jumped whole and results are exact to the millisecond.
#include <algorithm>

#include "schedules/schedules.h"
#include "schedules/windows.h"

namespace schedules {

namespace {
using std::chrono::milliseconds;

// The local day containing t, one day earlier: a window of the previous day
// can still be open at t only on a zone whose clock falls back across midnight.
int64_t FirstDayToScan(ZoneClock& clock, Timestamp t) {
  return LocalDayNumber(clock.ToLocal(t)) - 1;
}

// The open intervals of `cal` starting on local day `day` (none on a holiday).
void OpenIntervals(const config::Calendar& cal, int64_t day, ZoneClock& clock,
                   std::vector<Interval>& out) {
  out.clear();
  if (IsHoliday(cal.holidays, day)) return;
  AppendDayIntervals(cal.hours, day, clock, out);
}

// The local day after which no holiday of `cal` can change anything.
int64_t LastHolidayDay(const config::Calendar& cal) {
  if (cal.holidays.empty()) return INT64_MIN / 4;
  return std::chrono::sys_days(cal.holidays.back()).time_since_epoch().count();
}
}  // namespace

bool IsOpen(const config::Calendar& cal, Timestamp t) {
  if (cal.always_open) return true;
  ZoneClock clock(cal.zone);
  std::vector<Interval> day_intervals;
  int64_t first = FirstDayToScan(clock, t);
  for (int64_t day = first; day <= first + 2; ++day) {
    OpenIntervals(cal, day, clock, day_intervals);
    for (const auto& iv : day_intervals)
      if (iv.start <= t && t < iv.end) return true;
  }
  return false;
}

Timestamp Add(const config::Calendar& cal, Timestamp t, milliseconds open_time) {
  if (cal.always_open) return t + std::max(open_time, milliseconds(0));
  if (cal.hours.empty()) return Timestamp::max();  // never opens
  ZoneClock clock(cal.zone);
  std::vector<Interval> day_intervals;
  milliseconds remaining = std::max(open_time, milliseconds(0));
  // Terminates: every week without a holiday has an open window and the
  // holidays are finite. The bound (ten years past the last holiday) only
  // guards a calendar whose every window is swallowed by DST gaps.
  const int64_t first = FirstDayToScan(clock, t);
  const int64_t limit =
      std::max(first, LastHolidayDay(cal)) + 3660 + remaining / std::chrono::days(1) * 7;
  for (int64_t day = first; day <= limit; ++day) {
    OpenIntervals(cal, day, clock, day_intervals);
    for (const auto& iv : day_intervals) {
      if (iv.end <= t) continue;
      Timestamp s = std::max(iv.start, t);
      milliseconds avail = iv.end - s;
      if (remaining <= avail) return s + remaining;
      remaining -= avail;
    }
  }
  return Timestamp::max();
}

milliseconds Elapsed(const config::Calendar& cal, Timestamp from, Timestamp to) {
  if (to <= from) return milliseconds(0);
  if (cal.always_open) return to - from;
  ZoneClock clock(cal.zone);
  std::vector<Interval> day_intervals;
  const int64_t first = FirstDayToScan(clock, from);
  const int64_t last = LocalDayNumber(clock.ToLocal(to)) + 1;
  milliseconds total{0};
  for (int64_t day = first; day <= last; ++day) {
    OpenIntervals(cal, day, clock, day_intervals);
    for (const auto& iv : day_intervals) {
      Timestamp s = std::max(iv.start, from);
      Timestamp e = std::min(iv.end, to);
      if (e > s) total += e - s;
    }
  }
  return total;
}

std::optional<Timestamp> NextChange(const config::Calendar& cal, Timestamp t) {
  if (cal.always_open || cal.hours.empty()) return std::nullopt;
  ZoneClock clock(cal.zone);
  std::vector<Interval> day_intervals;
  const int64_t first = FirstDayToScan(clock, t);
  // Past the last holiday a calendar that is open all week never changes:
  // scan two weeks beyond both before concluding so.
  const int64_t limit = std::max(first, LastHolidayDay(cal)) + 15;
  bool have = false;
  Timestamp cs{}, ce{};  // the merged open interval being built
  for (int64_t day = first; day <= limit; ++day) {
    OpenIntervals(cal, day, clock, day_intervals);
    for (const auto& iv : day_intervals) {
      if (have && iv.start <= ce) {
        ce = std::max(ce, iv.end);
        continue;
      }
      if (have) {
        if (cs > t) return cs;
        if (ce > t) return ce;
      }
      have = true;
      cs = iv.start;
      ce = iv.end;
    }
  }
  if (have && cs > t) return cs;
  return std::nullopt;  // open from before t through the scan: it never closes again
}

}  // namespace schedules
