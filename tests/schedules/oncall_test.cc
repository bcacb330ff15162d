// Proves rotations hand off at local wall-clock time across DST, custom rotations by elapsed time,
// restrict windows (also across midnight), layer precedence, overrides, and gaps before `start`.
#include <catch2/catch.hpp>

#include "schedules/schedules.h"
#include "tests/schedules/fixtures.h"

using namespace std::chrono_literals;
using config::RotationType;
using fixtures::Local;
using fixtures::MakeLayer;
using fixtures::T;
using fixtures::Windows;
using schedules::OnCallAt;
using schedules::Shift;
using schedules::Shifts;

namespace {
// Expected values worked out by hand (day counts from the rotation start, member
// k mod n) and cross-checked with Python's zoneinfo for the UTC offsets.
struct Expect {
  const char* engineer;  // nullptr: a gap
  const char* source;
  const char* start;
  const char* end;
};

void CheckShifts(const std::vector<Shift>& got, const std::vector<Expect>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    INFO("shift " << i << " starting " << base::FormatInstant(got[i].start));
    if (want[i].engineer) {
      CHECK(got[i].engineer == std::optional<std::string>(want[i].engineer));
    } else {
      CHECK_FALSE(got[i].engineer);
    }
    CHECK(got[i].source == want[i].source);
    CHECK(got[i].start == T(want[i].start));
    CHECK(got[i].end == T(want[i].end));
  }
}

config::Schedule OneLayer(config::Layer layer) {
  config::Schedule s;
  s.name = "test";
  s.layers.push_back(std::move(layer));
  return s;
}
}  // namespace

TEST_CASE("a daily rotation keeps 20:00 New York time across both DST changes") {
  auto cfg = fixtures::SampleConfig();
  config::Schedule nights = cfg.schedules["video-sme-primary"];
  nights.layers.resize(1);
  nights.overrides.clear();
  // Start 2026-11-01 20:00 EST (the evening after fall-back) = 01:00Z.
  auto s = OnCallAt(nights, T("2026-11-01T19:00:00-05:00"));
  CHECK_FALSE(s.engineer);  // before start nobody is on call
  CHECK(s.end == T("2026-11-02T01:00:00Z"));
  s = OnCallAt(nights, T("2026-11-02T01:00:00Z"));
  CHECK(s.engineer == "alice");
  CHECK(s.start == T("2026-11-02T01:00:00Z"));
  CHECK(s.end == T("2026-11-03T01:00:00Z"));
  // 132 days later: 2027-03-13 20:00 EST -> 2027-03-14 20:00 EDT, 23 hours, member 132 % 5 = dana.
  s = OnCallAt(nights, T("2027-03-14T12:00:00Z"));
  CHECK(s.engineer == "dana");
  CHECK(s.source == "nights-and-weekends");
  CHECK(s.start == T("2027-03-14T01:00:00Z"));
  CHECK(s.end == T("2027-03-15T00:00:00Z"));
  // And back: 2027-11-06 20:00 EDT (00:00Z) -> 2027-11-07 20:00 EST (01:00Z), 25 hours;
  // 370 days from start, member 370 % 5 = alice.
  s = OnCallAt(nights, T("2027-11-07T12:00:00Z"));
  CHECK(s.engineer == "alice");
  CHECK(s.start == T("2027-11-07T00:00:00Z"));
  CHECK(s.end == T("2027-11-08T01:00:00Z"));
}

TEST_CASE("handoffs at a skipped or repeated local time") {
  // 02:30 does not exist on 2026-03-08 in New York: the handoff is at 03:00 EDT.
  auto skipped = OneLayer(MakeLayer("l", "America/New_York", RotationType::kDaily,
                                    Local(2026, 3, 1, 2, 30), {"a", "b"}));
  CheckShifts(Shifts(skipped, T("2026-03-07T07:30:00Z"), T("2026-03-09T06:30:00Z")),
              {{"a", "l", "2026-03-07T07:30:00Z", "2026-03-08T07:00:00Z"},
               {"b", "l", "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"}});
  // 01:30 happens twice on 2026-11-01: the handoff is at the first (EDT, 05:30Z).
  // Day 6 from the start (a), day 7 (b) lasts 25 hours.
  auto repeated = OneLayer(MakeLayer("l", "America/New_York", RotationType::kDaily,
                                     Local(2026, 10, 25, 1, 30), {"a", "b"}));
  CheckShifts(Shifts(repeated, T("2026-10-31T05:30:00Z"), T("2026-11-02T06:30:00Z")),
              {{"a", "l", "2026-10-31T05:30:00Z", "2026-11-01T05:30:00Z"},
               {"b", "l", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"}});
}

TEST_CASE("a weekly rotation started in summer time hands off at 09:00 in winter") {
  // Start Monday 2026-07-06 09:00 EDT. 16 weeks later the week spans fall-back:
  // Mon 2026-10-26 09:00 EDT (13:00Z) to Mon 2026-11-02 09:00 EST (14:00Z) = 169 hours.
  auto layer = OneLayer(MakeLayer("weekly", "America/New_York", RotationType::kWeekly,
                                  Local(2026, 7, 6, 9, 0), {"a", "b", "c"}));
  auto s = OnCallAt(layer, T("2026-11-01T12:00:00Z"));
  CHECK(s.engineer == "b");  // 16 % 3
  CHECK(s.start == T("2026-10-26T13:00:00Z"));
  CHECK(s.end == T("2026-11-02T14:00:00Z"));
  s = OnCallAt(layer, T("2026-11-02T14:00:00Z"));
  CHECK(s.engineer == "c");  // 17 % 3
  CHECK(s.end == T("2026-11-09T14:00:00Z"));
  CHECK_FALSE(OnCallAt(layer, T("2026-07-06T12:59:59.999Z")).engineer);
  CHECK(OnCallAt(layer, T("2026-07-06T13:00:00Z")).engineer == "a");
}

TEST_CASE("a custom rotation advances by elapsed time, even across DST") {
  auto cfg = fixtures::SampleConfig();
  // enterprise-support: 12h from 2026-01-01T00:00Z over [erin, dana, chen, bob].
  // 2026-11-24T14:02Z is 327 days + 14h in: handoff 655, 655 % 4 = bob.
  auto s = OnCallAt(cfg.schedules["enterprise-support"], T("2026-11-24T14:02:00Z"));
  CHECK(s.engineer == "bob");
  CHECK(s.source == "layer-1");
  CHECK(s.start == T("2026-11-24T12:00:00Z"));
  CHECK(s.end == T("2026-11-25T00:00:00Z"));
  // Started 2026-03-07 20:00 EST (01:00Z Mar 8): 12 hours later is 09:00 EDT, not 08:00.
  auto ny = OneLayer(MakeLayer("c", "America/New_York", RotationType::kCustom,
                               Local(2026, 3, 7, 20, 0), {"x", "y"}, {}, 12h));
  s = OnCallAt(ny, T("2026-03-08T13:00:00Z"));
  CHECK(s.engineer == "y");
  CHECK(s.start == T("2026-03-08T13:00:00Z"));
  CHECK(s.end == T("2026-03-09T01:00:00Z"));
}

TEST_CASE("layers: later layers win where they have someone, during the US/UK DST gap") {
  auto cfg = fixtures::SampleConfig();
  const auto& primary = cfg.schedules["video-sme-primary"];
  // Wed 2027-03-17: New York on EDT (UTC-4), London still on GMT. London 08-16 GMT =
  // 08-16Z; New York 11-20 EDT = 15-24Z, so New York wins 15-16Z. London week 19
  // (from Mon 2027-03-15) = erin; New York week 19 = bob; nights day 135 = alice,
  // day 136 = bob.
  CheckShifts(Shifts(primary, T("2027-03-17T00:00:00Z"), T("2027-03-18T06:00:00Z")),
              {{"alice", "nights-and-weekends", "2027-03-17T00:00:00Z", "2027-03-17T08:00:00Z"},
               {"erin", "london", "2027-03-17T08:00:00Z", "2027-03-17T15:00:00Z"},
               {"bob", "new-york", "2027-03-17T15:00:00Z", "2027-03-18T00:00:00Z"},
               {"bob", "nights-and-weekends", "2027-03-18T00:00:00Z", "2027-03-18T06:00:00Z"}});
  // A week earlier both are on standard time: London 08-16Z, New York 16-01Z (so
  // New York still has Tuesday evening until 01:00Z), nights hand off at 20:00 EST =
  // 01:00Z (day 128 = chen, day 129 = erin). London week 18 = chen, New York week
  // 18 = alice.
  CheckShifts(Shifts(primary, T("2027-03-10T00:00:00Z"), T("2027-03-11T02:00:00Z")),
              {{"alice", "new-york", "2027-03-10T00:00:00Z", "2027-03-10T01:00:00Z"},
               {"chen", "nights-and-weekends", "2027-03-10T01:00:00Z", "2027-03-10T08:00:00Z"},
               {"chen", "london", "2027-03-10T08:00:00Z", "2027-03-10T16:00:00Z"},
               {"alice", "new-york", "2027-03-10T16:00:00Z", "2027-03-11T01:00:00Z"},
               {"erin", "nights-and-weekends", "2027-03-11T01:00:00Z", "2027-03-11T02:00:00Z"}});
}

TEST_CASE("an override across layer handoffs wins over every layer") {
  auto cfg = fixtures::SampleConfig();
  const auto& primary = cfg.schedules["video-sme-primary"];
  // dana overrides from Thu 2026-12-24 20:00 EST (25th 01:00Z) to Sat 26th 08:00 EST
  // (13:00Z), hiding the nights handoffs and Friday's London and New York windows.
  // Before: London week 7 = erin (08-16Z), New York week 7 = bob (16-01Z). After:
  // nights day 54 = erin until Sat 20:00 EST (27th 01:00Z).
  CheckShifts(Shifts(primary, T("2026-12-24T12:00:00Z"), T("2026-12-27T00:00:00Z")),
              {{"erin", "london", "2026-12-24T12:00:00Z", "2026-12-24T16:00:00Z"},
               {"bob", "new-york", "2026-12-24T16:00:00Z", "2026-12-25T01:00:00Z"},
               {"dana", "override", "2026-12-25T01:00:00Z", "2026-12-26T13:00:00Z"},
               {"erin", "nights-and-weekends", "2026-12-26T13:00:00Z", "2026-12-27T00:00:00Z"}});
  auto s = OnCallAt(primary, T("2026-12-25T12:00:00Z"));
  CHECK(s.engineer == "dana");
  CHECK(s.source == "override");
  CHECK(s.start == T("2026-12-25T01:00:00Z"));
  CHECK(s.end == T("2026-12-26T13:00:00Z"));

  // Overlapping overrides: the later one listed wins where they overlap; an override
  // of the engineer already on call is still a separate shift (another source).
  auto one =
      OneLayer(MakeLayer("base", "UTC", RotationType::kWeekly, Local(2026, 1, 5, 0, 0), {"a"}));
  one.overrides.push_back({"x", T("2026-02-02T10:00:00Z"), T("2026-02-02T14:00:00Z")});
  one.overrides.push_back({"y", T("2026-02-02T12:00:00Z"), T("2026-02-02T13:00:00Z")});
  one.overrides.push_back({"a", T("2026-02-02T16:00:00Z"), T("2026-02-02T17:00:00Z")});
  CheckShifts(Shifts(one, T("2026-02-02T09:00:00Z"), T("2026-02-02T18:00:00Z")),
              {{"a", "base", "2026-02-02T09:00:00Z", "2026-02-02T10:00:00Z"},
               {"x", "override", "2026-02-02T10:00:00Z", "2026-02-02T12:00:00Z"},
               {"y", "override", "2026-02-02T12:00:00Z", "2026-02-02T13:00:00Z"},
               {"x", "override", "2026-02-02T13:00:00Z", "2026-02-02T14:00:00Z"},
               {"a", "base", "2026-02-02T14:00:00Z", "2026-02-02T16:00:00Z"},
               {"a", "override", "2026-02-02T16:00:00Z", "2026-02-02T17:00:00Z"},
               {"a", "base", "2026-02-02T17:00:00Z", "2026-02-02T18:00:00Z"}});
}

TEST_CASE("restrict windows crossing midnight, and gaps where no layer has anyone") {
  // Fridays 22:00 to Saturdays 06:00 London time only; nobody otherwise.
  auto night =
      OneLayer(MakeLayer("fri-night", "Europe/London", RotationType::kWeekly,
                         Local(2026, 6, 1, 0, 0), {"n", "m"}, {{config::Weekday::kFri, 22h, 6h}}));
  // Fri 2026-06-05 22:00 BST = 21:00Z to Sat 06:00 BST = 05:00Z; week 0 = n.
  CheckShifts(Shifts(night, T("2026-06-05T12:00:00Z"), T("2026-06-13T00:00:00Z")),
              {{nullptr, "", "2026-06-05T12:00:00Z", "2026-06-05T21:00:00Z"},
               {"n", "fri-night", "2026-06-05T21:00:00Z", "2026-06-06T05:00:00Z"},
               {nullptr, "", "2026-06-06T05:00:00Z", "2026-06-12T21:00:00Z"},
               {"m", "fri-night", "2026-06-12T21:00:00Z", "2026-06-13T00:00:00Z"}});
  // London springs forward on Sunday 2027-03-28 at 01:00Z, inside a Saturday-night
  // window: Sat 22:00 GMT (22:00Z) to Sun 06:00 BST (05:00Z) = 7 hours.
  auto sat =
      OneLayer(MakeLayer("sat-night", "Europe/London", RotationType::kWeekly,
                         Local(2027, 1, 4, 0, 0), {"p"}, {{config::Weekday::kSat, 22h, 6h}}));
  auto s = OnCallAt(sat, T("2027-03-28T02:00:00Z"));
  CHECK(s.engineer == "p");
  CHECK(s.start == T("2027-03-27T22:00:00Z"));
  CHECK(s.end == T("2027-03-28T05:00:00Z"));

  // Under a daily base layer the restricted layer takes over only inside its window.
  auto two = night;
  two.layers.insert(two.layers.begin(),
                    MakeLayer("base", "UTC", RotationType::kDaily, Local(2026, 6, 1, 0, 0), {"d"}));
  CheckShifts(Shifts(two, T("2026-06-05T20:00:00Z"), T("2026-06-06T08:00:00Z")),
              {{"d", "base", "2026-06-05T20:00:00Z", "2026-06-05T21:00:00Z"},
               {"n", "fri-night", "2026-06-05T21:00:00Z", "2026-06-06T05:00:00Z"},
               {"d", "base", "2026-06-06T05:00:00Z", "2026-06-06T08:00:00Z"}});
}

TEST_CASE("adjacent shifts of the same engineer and source merge; OnCallAt finds their ends") {
  // One member on a daily rotation: one shift, however many handoffs.
  auto solo = OneLayer(
      MakeLayer("solo", "Europe/London", RotationType::kDaily, Local(2026, 3, 1, 9, 0), {"s"}));
  CheckShifts(Shifts(solo, T("2026-03-20T00:00:00Z"), T("2026-04-05T00:00:00Z")),
              {{"s", "solo", "2026-03-20T00:00:00Z", "2026-04-05T00:00:00Z"}});
  auto s = OnCallAt(solo, T("2026-03-20T00:00:00Z"));
  CHECK(s.engineer == "s");
  CHECK(s.start == T("2026-03-01T09:00:00Z"));  // the first handoff, within the horizon
  CHECK(s.end == T("2026-03-20T00:00:00Z") + std::chrono::days(400));  // clamped
}
