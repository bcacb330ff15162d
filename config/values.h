// Parsers for the scalar notations of the configuration file (durations, times
// of day, weekly windows, weekday ranges, dates, local date-times, fractions).
// Internal to config/: each works on the text of one YAML scalar and returns
// either the typed value or a message naming the offending text, which the
// caller locates in the file. Pure: no YAML, no clock, no I/O.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/config.h"

namespace config::values {

// "90s", "15m", "1h", "2d" or "12bh": a non-negative whole number and a unit.
// errors: anything else ("15x", "-1m", "1.5h", "", a number without unit, an
// amount above 10 years).
base::Result<DurationSpec> ParseDuration(std::string_view text);

// "HH:MM" with two-digit fields, 00:00..23:59, or 24:00 when `allow_24` (an
// end). errors: other shapes, out-of-range fields.
base::Result<std::chrono::minutes> ParseTimeOfDay(std::string_view text, bool allow_24);

// A start-end pair of times of day: "09:00-17:00".
struct DailyWindow {
  std::chrono::minutes start{0};
  std::chrono::minutes end{0};
  friend bool operator==(const DailyWindow&, const DailyWindow&) = default;
};

// One or several windows separated by commas: "09:00-12:00,13:00-17:00".
// `end` may be 24:00. When `allow_overnight` an end at or before its start
// means the window ends on the next day ("22:00-06:00"); otherwise that is an
// error. A start equal to its end is always an error (use 00:00-24:00).
base::Result<std::vector<DailyWindow>> ParseWindows(std::string_view text, bool allow_overnight);

// A weekday key: "mon", "mon-fri", "fri-mon" (wrapping past Sunday),
// "mon-sun", or a comma list of those ("mon,wed", "mon-wed,fri").
// Three-letter names, case-insensitive. Returns the days in the order written,
// without duplicates. errors: unknown names, empty items.
base::Result<std::vector<Weekday>> ParseWeekdays(std::string_view text);

// "2026-11-26": a valid calendar date. errors: other shapes, invalid dates.
base::Result<std::chrono::year_month_day> ParseDate(std::string_view text);

// "2026-11-01T20:00" or "2026-11-01T20:00:30": a local wall-clock date-time
// without offset. errors: other shapes, an offset or Z (a local time is
// interpreted in a zone given beside it).
base::Result<std::chrono::local_seconds> ParseLocalDateTime(std::string_view text);

// "75%" or "0.75": a fraction in (0, 1]. errors: other shapes, out of range.
base::Result<double> ParseFraction(std::string_view text);

// A whole number in [min, max] written in decimal ("3", "-2"). errors: other
// shapes or out of range.
base::Result<int> ParseInt(std::string_view text, int min, int max);

// "true" or "false" (YAML 1.2's core booleans). errors: anything else, including yes/no/on/off,
// whose meaning a reader might not guess.
base::Result<bool> ParseBool(std::string_view text);

// The three-letter name of a weekday: "mon".
const char* WeekdayName(Weekday day);

}  // namespace config::values
