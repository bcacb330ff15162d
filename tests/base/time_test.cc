// Proves ISO 8601 instants parse with every offset form, reject what is
// ambiguous or malformed, and round-trip through FormatInstant.
#include <catch2/catch.hpp>

#include "base/time.h"

using base::FormatInstant;
using base::ParseInstant;

TEST_CASE("instants with Z and offsets parse to the same UTC instant") {
  auto z = ParseInstant("2026-11-24T14:02:11Z");
  REQUIRE(z);
  CHECK(FormatInstant(*z) == "2026-11-24T14:02:11Z");
  CHECK(ParseInstant("2026-11-24T09:02:11-05:00") == z);
  CHECK(ParseInstant("2026-11-24T15:02:11+0100") == z);
  CHECK(ParseInstant("2026-11-24T14:02:11.000Z") == z);
}

TEST_CASE("milliseconds survive and are printed only when present") {
  auto t = ParseInstant("2026-03-08T06:59:59.5Z");
  REQUIRE(t);
  CHECK(FormatInstant(*t) == "2026-03-08T06:59:59.500Z");
  CHECK(FormatInstant(*ParseInstant("2026-03-08T07:00Z")) == "2026-03-08T07:00:00Z");
}

TEST_CASE("ambiguous or malformed instants are refused") {
  const char* bad[] = {"2026-11-24T14:02:11",   "2026-11-24",          "2026-13-01T00:00Z",
                       "2026-02-30T00:00Z",     "2026-11-24T14:61Z",   "yesterday",
                       "2026-11-24T14:02:11Zx", "2026-11-24T14:02+5", ""};
  for (const char* text : bad) {
    INFO(text);
    CHECK_FALSE(ParseInstant(text));
  }
}
