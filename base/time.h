// Time as a value. The pure core never reads a clock: every instant is an argument.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace base {

// An instant in UTC with millisecond resolution.
using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;
using Duration = std::chrono::milliseconds;

// Parses an ISO 8601 instant that carries its offset: "2026-11-24T14:02:11Z",
// "2026-11-24T09:02:11-05:00", "2026-11-24T14:02:11.250+00:00". Seconds and
// fractions are optional. Returns nullopt for anything else, including a time
// without an offset (which would be ambiguous).
std::optional<Timestamp> ParseInstant(std::string_view text);

// Formats an instant as UTC ISO 8601: "2026-11-24T14:02:11Z", with ".mmm"
// only when the milliseconds are not zero. Round-trips with ParseInstant.
std::string FormatInstant(Timestamp t);

// Milliseconds since the Unix epoch, for persisted encodings.
inline int64_t ToUnixMillis(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp FromUnixMillis(int64_t ms) { return Timestamp(Duration(ms)); }

}  // namespace base
