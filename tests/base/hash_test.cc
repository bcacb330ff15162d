// Proves base::Fnv1a64 is FNV-1a 64 (the published test vectors) and keeps the values escalator
// persists: a case's envelope-id hash and the iCalendar UID with its historical basis.
#include "base/hash.h"

#include <catch2/catch.hpp>

TEST_CASE("Fnv1a64 gives FNV-1a 64's published values") {
  CHECK(base::Fnv1a64("") == 0xcbf29ce484222325ull);
  CHECK(base::Fnv1a64("a") == 0xaf63dc4c8601ec8cull);
  CHECK(base::Fnv1a64("foobar") == 0x85944171f73967e8ull);
  // Bytes above 0x7f hash as unsigned: the same on every platform, whatever char's sign.
  CHECK(base::Fnv1a64("\xff") == ((0xcbf29ce484222325ull ^ 0xffull) * 0x100000001b3ull));
  static_assert(base::Fnv1a64("a") == 0xaf63dc4c8601ec8cull, "usable at compile time");
}

TEST_CASE("Fnv1a64 from another basis: the iCalendar UID as first published") {
  // The first UID of `escalator ics` for video-sme-primary from 2026-12-24T12:00:00Z.
  CHECK(base::Fnv1a64("video-sme-primary|2026-12-24T12:00:00Z|erin", 1469598103934665603ull) ==
        0xc009c24d3cd2e0cbull);
}
