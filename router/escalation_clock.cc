#include "router/escalation_clock.h"

#include <cmath>

#include "base/check.h"
#include "schedules/schedules.h"

namespace router {

Timestamp ClockAdd(const config::Calendar& clock, Timestamp from, Duration open_time) {
  CHECK(open_time >= Duration::zero());
  return schedules::Add(clock, from, open_time);
}

Duration OpenTime(const config::DurationSpec& spec) {
  return std::chrono::duration_cast<Duration>(spec.amount);
}

Timestamp StepInstant(const config::Calendar& clock, Timestamp base,
                      const config::DurationSpec& target, int cycle,
                      const config::DurationSpec& after) {
  CHECK(cycle >= 0);
  return ClockAdd(clock, base, OpenTime(target) * cycle + OpenTime(after));
}

Timestamp DueInstant(const config::Calendar& clock, Timestamp opened,
                     const config::DurationSpec& target) {
  return ClockAdd(clock, opened, OpenTime(target));
}

Timestamp WarningInstant(const config::Calendar& clock, Timestamp opened,
                         const config::DurationSpec& target, double fraction) {
  CHECK(fraction >= 0);
  const auto ms = std::llround(fraction * static_cast<double>(OpenTime(target).count()));
  return ClockAdd(clock, opened, Duration(ms));
}

}  // namespace router
