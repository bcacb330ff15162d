#include "schedules/windows.h"

#include <algorithm>

namespace schedules {

void AppendDayIntervals(const std::vector<config::WeeklyWindow>& windows, int64_t day,
                        ZoneClock& clock, std::vector<Interval>& out) {
  const auto weekday = static_cast<config::Weekday>(WeekdayIndex(day));
  const LocalMs midnight = LocalDayStart(day);
  for (const auto& w : windows) {
    if (w.day != weekday) continue;
    LocalMs s = midnight + w.start;
    LocalMs e = midnight + w.end;
    if (w.end <= w.start) e += std::chrono::days(1);
    base::Timestamp us = clock.ToUtc(s);
    base::Timestamp ue = clock.ToUtc(e);
    if (ue > us) out.push_back({us, ue});
  }
}

bool IsHoliday(const std::vector<std::chrono::year_month_day>& holidays, int64_t day) {
  if (holidays.empty()) return false;
  std::chrono::year_month_day ymd{std::chrono::sys_days(std::chrono::days(day))};
  return std::binary_search(holidays.begin(), holidays.end(), ymd);
}

}  // namespace schedules
