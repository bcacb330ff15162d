// Proves step targets resolve per DESIGN.md at the instant a step fires: schedules, the designated
// EAE only inside the customer's calendar, EDM, named engineers, familiar ranking and dedupe.
#include "router/targets.h"

#include <catch2/catch.hpp>

#include "tests/router/escalation/fixture.h"

using namespace escalation_test;
using router::RoutingFacts;

namespace {

RoutingFacts Facts(const config::Config& c, const char* account, const std::string& service) {
  RoutingFacts f;
  f.config = &c;
  f.customer = c.FindCustomer(account);
  f.service = service;
  return f;
}

}  // namespace

TEST_CASE("schedule targets name who is on call, from which layer, until when") {
  const auto c = SampleConfig();
  const auto f = Facts(c, kNorthwind, "medialive");
  struct Row {
    const char* at;
    const char* target;
    const char* who;
    const char* source;
    const char* until;
  };
  // Worked out from the sample rotations (November: New York UTC-5, London UTC+0).
  const Row rows[] = {
      // Tue 24 Nov 15:00Z: London layer week 3 (erin) until New York's window opens at 16:00Z.
      {"2026-11-24T15:00:00Z", "schedule/video-sme-primary", "erin", "london",
       "2026-11-24T16:00:00Z"},
      // 16:30Z: New York layer week 3 (alice) until 20:00 New York.
      {"2026-11-24T16:30:00Z", "schedule/video-sme-primary", "alice", "new-york",
       "2026-11-25T01:00:00Z"},
      // Sat 28 Nov 10:00Z: nights-and-weekends handoff 26 (Fri 20:00 NY) -> bob, for a day.
      {"2026-11-28T10:00:00Z", "schedule/video-sme-primary", "bob", "nights-and-weekends",
       "2026-11-29T01:00:00Z"},
      // Christmas override.
      {"2026-12-25T12:00:00Z", "schedule/video-sme-primary", "dana", "override",
       "2026-12-26T13:00:00Z"},
      // Secondary: weekly from Mon 2 Nov 09:00 NY; week 3 (from 23 Nov 14:00Z) is bob.
      {"2026-11-24T15:00:00Z", "schedule/video-sme-secondary", "bob", "layer-1",
       "2026-11-30T14:00:00Z"},
      // Enterprise support: 12h shifts from 1 Jan; shift 655 (24 Nov 12:00Z) is bob.
      {"2026-11-24T13:00:00Z", "schedule/enterprise-support", "bob", "layer-1",
       "2026-11-25T00:00:00Z"},
  };
  for (const auto& row : rows) {
    INFO(row.at << " " << row.target);
    auto r = router::ResolveTarget(T(row.target), At(row.at), f);
    REQUIRE(r.engineer);
    CHECK(*r.engineer == row.who);
    CHECK(r.source == row.source);
    REQUIRE(r.until);
    CHECK(base::FormatInstant(*r.until) == row.until);
  }
}

TEST_CASE("designated_eae is the EAE inside the customer's calendar, else nobody") {
  const auto c = SampleConfig();
  struct Row {
    const char* account;
    const char* at;
    const char* who;  // "" = nobody
  };
  const Row rows[] = {
      {kNorthwind, "2026-11-24T15:00:00Z", "alice"},  // Tue 10:00 New York
      {kNorthwind, "2026-11-24T14:00:00Z", "alice"},  // 09:00 New York: the window opens
      {kNorthwind, "2026-11-24T13:59:00Z", ""},       // 08:59 New York
      {kNorthwind, "2026-11-24T22:00:00Z", ""},       // 17:00 New York: closed
      {kNorthwind, "2026-11-28T15:00:00Z", ""},       // Saturday
      {kNorthwind, "2026-11-26T15:00:00Z", ""},       // Thanksgiving: a holiday of us-east-business
      {kContoso, "2026-11-26T15:00:00Z", "chen"},     // the same instant in London is a workday
      {kContoso, "2026-12-28T10:00:00Z", ""},         // a uk-business holiday
      {"999900001111", "2026-11-24T15:00:00Z", ""},   // unknown account
  };
  for (const auto& row : rows) {
    INFO(row.account << " " << row.at);
    auto r =
        router::ResolveTarget(T("designated_eae"), At(row.at), Facts(c, row.account, "medialive"));
    if (*row.who) {
      REQUIRE(r.engineer);
      CHECK(*r.engineer == row.who);
    } else {
      CHECK_FALSE(r.engineer);
      CHECK(r.reason.code != router::ReasonCode::kDesignatedEae);
      CHECK(r.reason.code != router::ReasonCode::kProse);
    }
  }
}

TEST_CASE("edm and named engineers resolve directly; unknown names resolve to nobody") {
  const auto c = SampleConfig();
  const auto t = At("2026-11-28T03:00:00Z");  // a Saturday night: no calendar matters here
  auto f = Facts(c, kContoso, "mediapackage");
  CHECK(router::ResolveTarget(T("edm"), t, f).engineer == std::optional<std::string>("femi"));
  CHECK(router::ResolveTarget(T("gus"), t, f).engineer == std::optional<std::string>("gus"));
  CHECK_FALSE(router::ResolveTarget(T("zoe"), t, f).engineer);
  CHECK_FALSE(router::ResolveTarget(T("schedule/nope"), t, f).engineer);
  CHECK_FALSE(router::ResolveTarget(T("edm"), t, Facts(c, "999900001111", "medialive")).engineer);
}

TEST_CASE("familiar ranks everyone on shift: score, then fewest open cases, then id") {
  auto c = SampleConfig();
  c.schedules.clear();
  for (auto [name, who] : {std::pair{"a", "dana"},
                           {"b", "erin"},
                           {"c", "chen"},
                           {"d", "bob"},
                           {"e", "femi"},
                           {"f", "dana"}})
    c.schedules[name] = SoloSchedule(name, who);
  const auto at = At("2026-11-24T12:00:00Z");
  const std::vector<router::HandledCase> history = {
      {"chen", kContoso, at - std::chrono::hours(24 * 30)},  // one half-life: 2 x 0.5 = 1
      {"erin", kContoso, at - std::chrono::hours(24 * 30)},
      {"bob", kNorthwind, at - std::chrono::hours(1)},  // another customer: ignored
      {"femi", kContoso, at + std::chrono::hours(1)},   // after the instant: ignored
  };
  const std::map<std::string, int> open = {{"chen", 2}, {"erin", 1}};
  auto f = Facts(c, kContoso, "mediaconvert");
  f.history = &history;
  f.open_cases = &open;

  auto ranked = router::RankFamiliar(at, f);
  struct Want {
    const char* who;
    double score;
    int open;
  };
  // dana: skill mediaconvert +3, workflow vod +1. erin and chen tie at 1 (history) and erin has
  // fewer open cases. bob and femi tie at 0 with no open cases: by id. dana appears once.
  const Want want[] = {
      {"dana", 4.0, 0}, {"erin", 1.0, 1}, {"chen", 1.0, 2}, {"bob", 0.0, 0}, {"femi", 0.0, 0}};
  REQUIRE(ranked.size() == std::size(want));
  for (size_t i = 0; i < ranked.size(); ++i) {
    INFO(i);
    CHECK(ranked[i].engineer == want[i].who);
    CHECK(ranked[i].score == Approx(want[i].score));
    CHECK(ranked[i].open_cases == want[i].open);
    CHECK_FALSE(ranked[i].schedule.empty());
    CHECK_FALSE(ranked[i].layer.empty());
    CHECK(ranked[i].score ==
          Approx(ranked[i].skill_score + ranked[i].workflow_score + ranked[i].history_score));
  }
  CHECK(ranked[0].skill == "mediaconvert");
  CHECK(ranked[0].workflows == std::vector<std::string>{"vod"});
  CHECK(ranked[1].earlier_cases == 1);

  auto r = router::ResolveTarget(T("familiar"), at, f);
  REQUIRE(r.engineer);
  CHECK(*r.engineer == "dana");
  CHECK(r.candidates.size() == 5);

  // A case handled at the very instant counts the full 2 (no decay yet).
  const std::vector<router::HandledCase> fresh = {{"bob", kContoso, at}};
  f.history = &fresh;
  f.service = "mediastore";  // nobody has this skill; vod still counts for dana
  ranked = router::RankFamiliar(at, f);
  REQUIRE(ranked.size() == 5);
  CHECK(ranked[0].engineer == "bob");
  CHECK(ranked[0].score == Approx(2.0));
  CHECK(ranked[1].engineer == "dana");
}

TEST_CASE("familiar on the sample at a real instant, and nobody when nobody is on call") {
  const auto c = SampleConfig();
  // Tue 17 Nov 15:58Z: primary chen (london), secondary alice, enterprise dana. chen and alice
  // both score 4 for a Northwind MediaLive case; no open cases: alice by id.
  auto r = router::ResolveTarget(T("familiar"), At("2026-11-17T15:58:00Z"),
                                 Facts(c, kNorthwind, "medialive"));
  REQUIRE(r.engineer);
  CHECK(*r.engineer == "alice");
  REQUIRE(r.candidates.size() == 3);
  CHECK(r.candidates[1].engineer == "chen");
  CHECK(r.candidates[2].engineer == "dana");

  // Before any rotation starts nobody is on call anywhere.
  auto none = router::ResolveTarget(T("familiar"), At("2025-06-01T12:00:00Z"),
                                    Facts(c, kNorthwind, "medialive"));
  CHECK_FALSE(none.engineer);
}

TEST_CASE("one engineer reached by several targets of a step gets one page") {
  const auto c = SampleConfig();
  // Tue 24 Nov 16:30Z (11:30 New York): alice is the EAE, the best familiar match and on call
  // in the primary's New York layer.
  auto step = S(Plain(std::chrono::minutes(0)),
                {"designated_eae", "familiar", "schedule/video-sme-primary", "edm", "alice"});
  auto res =
      router::ResolveStep(step, At("2026-11-24T16:30:00Z"), Facts(c, kNorthwind, "medialive"));
  REQUIRE(res.pages.size() == 2);
  CHECK(res.pages[0].engineer == "alice");
  CHECK(res.pages[0].target == "designated_eae");
  CHECK(res.pages[0].also_via ==
        std::vector<std::string>{"familiar", "schedule/video-sme-primary", "alice"});
  CHECK(res.pages[0].reason.code == router::ReasonCode::kDesignatedEae);
  CHECK(res.pages[1].engineer == "femi");
  CHECK(res.targets.size() == 5);
  CHECK(res.schedules == std::vector<std::string>{"video-sme-primary"});
  CHECK_FALSE(res.empty());

  // The same step on a Saturday night: the EAE drops out, the others still reach people.
  auto night = router::ResolveStep(S(Plain(std::chrono::minutes(0)), {"designated_eae"}),
                                   At("2026-11-28T08:00:00Z"), Facts(c, kNorthwind, "medialive"));
  CHECK(night.empty());
  REQUIRE(night.targets.size() == 1);
  CHECK_FALSE(night.targets[0].engineer);
}
