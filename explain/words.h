// How the story writes instants, targets and spans: shared by the teller and the renderers.
// Internal to explain/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/time.h"

namespace explain {

// The instant in UTC ISO 8601; "never" for Timestamp::max() (a clock that cannot fall due).
std::string At(base::Timestamp t);
// As above; "-" when absent.
std::string At(const std::optional<base::Timestamp>& t);

// A response target: "4h", "12bh", "30m", "30m of business time", or seconds ("90s").
std::string Target(int64_t secs, bool business);

// A short span for delivery: "850 ms", "12.3 s", "4 min".
std::string Span(base::Timestamp from, base::Timestamp to);

// A span to a response: "45 min" under two hours, else "3 h 5 min".
std::string Elapsed(base::Timestamp from, base::Timestamp to);

}  // namespace explain
