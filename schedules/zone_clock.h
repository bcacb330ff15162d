// Local wall-clock time <-> UTC in one IANA zone, with the DST rules every
// schedules function shares. A local time maps to the FIRST instant at which
// the zone's clock shows it: on a fall-back day an ambiguous reading maps to
// its first (daylight) occurrence; a reading skipped by spring-forward maps to
// the instant the clock jumps (the end of the gap). The mapping is monotone,
// so consecutive local days tile the UTC line and a window [start, end) of
// wall-clock readings becomes one UTC interval.
#pragma once

#include <chrono>
#include <optional>

#include "base/time.h"

namespace date {
class time_zone;
}

namespace schedules {

// Local wall-clock time at millisecond resolution (the std local_t clock).
using LocalMs = std::chrono::local_time<std::chrono::milliseconds>;

// Converts between UTC and one zone's wall clock, remembering the last
// offset period it used so that runs of conversions in one DST regime cost
// a few comparisons. Not shared between threads: make one per call.
class ZoneClock {
 public:
  // REQUIRES: zone is a resolved zone from the tz database, or nullptr for UTC.
  explicit ZoneClock(const date::time_zone* zone) : zone_(zone) {}

  // The wall-clock reading at `t`.
  LocalMs ToLocal(base::Timestamp t);

  // The first instant at which the wall clock reads `local` (see file comment).
  base::Timestamp ToUtc(LocalMs local);

 private:
  void Load(base::Timestamp t);  // caches the offset period containing t
  void LoadPrevious();           // caches the period before it (begin_ > min)
  // ToUtc from the cached periods alone; nullopt when they cannot tell.
  std::optional<base::Timestamp> ToUtcCached(LocalMs local);

  const date::time_zone* zone_;
  bool valid_ = false;
  base::Timestamp begin_{};
  base::Timestamp end_{};
  std::chrono::milliseconds offset_{0};
  // The period before [begin_, end_), loaded only when a reading falls near
  // begin_ (where that period may show it too): its start and offset.
  bool previous_valid_ = false;
  base::Timestamp previous_begin_{};
  std::chrono::milliseconds previous_offset_{0};
};

// Whole local days since 1970-01-01 and the Monday-first weekday index of one.
inline int64_t LocalDayNumber(LocalMs t) {
  return std::chrono::floor<std::chrono::days>(t).time_since_epoch().count();
}
inline int WeekdayIndex(int64_t day) {  // 0 = Monday .. 6 = Sunday
  int64_t w = (day + 3) % 7;            // 1970-01-01 was a Thursday (index 3)
  return static_cast<int>(w < 0 ? w + 7 : w);
}
inline LocalMs LocalDayStart(int64_t day) { return LocalMs(std::chrono::days(day)); }

}  // namespace schedules
