// The arithmetic of one case's escalation clock. A case has one clock: the
// level's target decides its calendar (a plain duration counts on the coverage
// calendar, a `bh` duration on the business calendar) and every delay, the
// warning, the due instant and the repeats count open time on that calendar.
//
// Pure: no clock, no I/O. Thread-safe (reads only its arguments).
#pragma once

#include "base/time.h"
#include "config/config.h"

namespace router {

using base::Duration;
using base::Timestamp;

// add(T, d): the instant at which `open_time` of the clock's open time has
// passed since `from`; add(T, 0) is the first open instant at or after T.
// REQUIRES: open_time >= 0.
Timestamp ClockAdd(const config::Calendar& clock, Timestamp from, Duration open_time);

// The amount of a target or delay as open time; a `bh` duration counts the
// same amount on the clock's calendar (the flag only chose the calendar).
Duration OpenTime(const config::DurationSpec& spec);

// When step `after` of cycle `cycle` fires for a policy that started at
// `base` (the opening, or the severity change):
// add(base, cycle × target + after). REQUIRES: cycle >= 0.
Timestamp StepInstant(const config::Calendar& clock, Timestamp base,
                      const config::DurationSpec& target, int cycle,
                      const config::DurationSpec& after);

// The first response due instant: add(opened, target).
Timestamp DueInstant(const config::Calendar& clock, Timestamp opened,
                     const config::DurationSpec& target);

// The SLA warning instant: add(opened, fraction × target), the fraction of
// the target rounded to the millisecond. REQUIRES: 0 <= fraction.
Timestamp WarningInstant(const config::Calendar& clock, Timestamp opened,
                         const config::DurationSpec& target, double fraction);

}  // namespace router
