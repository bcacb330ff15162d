#include "explain/words.h"

#include <chrono>
#include <cstdio>

namespace explain {

std::string At(base::Timestamp t) {
  if (t == base::Timestamp::max()) return "never";
  return base::FormatInstant(t);
}

std::string At(const std::optional<base::Timestamp>& t) { return t ? At(*t) : std::string("-"); }

std::string Target(int64_t secs, bool business) {
  std::string unit = business ? "bh" : "h";
  if (secs % 3600 == 0) return std::to_string(secs / 3600) + unit;
  if (secs % 60 == 0)
    return std::to_string(secs / 60) + "m" + (business ? " of business time" : "");
  return std::to_string(secs) + "s";
}

std::string Span(base::Timestamp from, base::Timestamp to) {
  const auto ms = (to - from).count();
  if (ms < 1000) return std::to_string(ms) + " ms";
  if (ms < 60'000) {
    char s[32];
    std::snprintf(s, sizeof s, "%.1f s", static_cast<double>(ms) / 1000);
    return s;
  }
  return std::to_string(ms / 60'000) + " min";
}

std::string Elapsed(base::Timestamp from, base::Timestamp to) {
  auto m = std::chrono::duration_cast<std::chrono::minutes>(to - from).count();
  if (m < 120) return std::to_string(m) + " min";
  return std::to_string(m / 60) + " h " + std::to_string(m % 60) + " min";
}

}  // namespace explain
