// Proves the escalation state machine follows DESIGN.md "Escalation semantics, precisely": step and
// repeat instants, empty steps, handoffs and resumes, deferred and fallback cases, severity
// changes, warning, breach and stop; every instant below was worked out by hand from the sample.
#include "router/escalation.h"

#include <catch2/catch.hpp>

#include "tests/router/escalation/fixture.h"

using namespace escalation_test;
using namespace std::chrono_literals;
using router::AdvanceResult;
using router::EscalationState;

namespace {

// "24T15:00:00Z" for 2026-11-24T15:00:00Z: every scenario here is in November 2026.
std::string Short(Timestamp t) {
  auto s = base::FormatInstant(t);
  REQUIRE(s.rfind("2026-11-", 0) == 0);
  return s.substr(8);
}

// "<instant> <engineer> <cause> <target>" per page.
std::vector<std::string> Pages(const AdvanceResult& r) {
  std::vector<std::string> out;
  for (const auto& p : PagesOf(r))
    out.push_back(Short(p.at) + " " + p.engineer + " " + router::PageCauseName(p.cause) + " " +
                  p.target);
  return out;
}

// "<fired> c<cycle> s<step>", with " from <scheduled>" when brought forward, " empty" if nobody.
std::vector<std::string> Steps(const AdvanceResult& r) {
  std::vector<std::string> out;
  for (const auto& e : StepsOf(r)) {
    auto line = Short(e.at) + " c" + std::to_string(e.cycle) + " s" + std::to_string(e.step);
    if (e.scheduled != e.at) line += " from " + Short(*e.scheduled);
    if (e.empty) line += " empty";
    out.push_back(line);
  }
  return out;
}

std::vector<std::string> Instants(const std::vector<router::SlaWarning>& v) {
  std::vector<std::string> out;
  for (const auto& w : v) out.push_back(Short(w.at) + " due " + Short(w.due));
  return out;
}
std::vector<std::string> Instants(const std::vector<router::Breached>& v) {
  std::vector<std::string> out;
  for (const auto& b : v) out.push_back(Short(b.at) + " due " + Short(b.due));
  return out;
}

using Lines = std::vector<std::string>;

struct World {
  config::Config config = SampleConfig();
  router::EscalationContext Ctx() const { return {&config, nullptr, nullptr}; }

  EscalationState Open(const char* account, const char* service, int level, const char* opened) {
    auto s = router::Start(config, account, service, level, At(opened));
    REQUIRE(s.ok());
    return *s;
  }

  // Advance plus the invariants every result must keep: nothing due at or before `now` is
  // left, and an open, unanswered case whose policy still runs has a next action.
  AdvanceResult Go(const EscalationState& s, const char* now) {
    auto r = router::Advance(s, At(now), Ctx());
    Check(r, At(now));
    return r;
  }

  static void Check(const AdvanceResult& r, Timestamp now) {
    if (r.next_action_at) CHECK(*r.next_action_at > now);
    if (!r.state.stopped && !r.state.exhausted) CHECK(r.next_action_at.has_value());
    CHECK(r.next_action_at == router::NextActionAt(r.state));
    CHECK(r.finished == (!r.state.stopped && !r.next_action_at));
  }
};

}  // namespace

TEST_CASE("24x7 Sev1: steps at 0, 5 and 10 minutes, repeated every 15 minutes, twice") {
  // Given Northwind (annual + 24x7) opens a MediaLive Sev1 on Tue 24 Nov 15:00Z (10:00 NY):
  // coverage `always`, so the clock is wall-clock time.
  World w;
  auto s = w.Open(kNorthwind, "medialive", 1, "2026-11-24T15:00:00Z");
  CHECK_FALSE(s.deferred);
  CHECK(Short(s.due) == "24T15:15:00Z");
  CHECK(Short(s.warning_at) == "24T15:11:15Z");

  // When the clock reaches the opening, step 0 fires: the EAE (inside New York hours), familiar
  // (bob: on call in secondary and enterprise, ssai matches), the primary (erin, London layer).
  auto r = w.Go(s, "2026-11-24T15:00:00Z");
  CHECK(Pages(r) == Lines{"24T15:00:00Z alice step designated_eae",
                          "24T15:00:00Z bob step familiar",
                          "24T15:00:00Z erin step schedule/video-sme-primary"});
  REQUIRE(r.next_action_at);
  CHECK(Short(*r.next_action_at) == "24T15:05:00Z");
  const auto pages = PagesOf(r);
  REQUIRE(pages.size() == 3);
  REQUIRE(pages[1].candidates.size() == 2);
  CHECK(pages[1].candidates[0].engineer == "bob");
  CHECK(pages[2].source == "london");

  // Then nothing fires a millisecond before step 1.
  auto idle = w.Go(r.state, "2026-11-24T15:04:59.999Z");
  CHECK(PagesOf(idle).empty());
  CHECK(StepsOf(idle).empty());

  // When the clock reaches 15:40 every remaining step of the three cycles fires in order, the
  // warning at 75% and the breach at 15:15; the breach does not stop the escalation.
  r = w.Go(r.state, "2026-11-24T15:40:00Z");
  CHECK(Steps(r) == Lines{"24T15:05:00Z c0 s1", "24T15:10:00Z c0 s2", "24T15:15:00Z c1 s0",
                          "24T15:20:00Z c1 s1", "24T15:25:00Z c1 s2", "24T15:30:00Z c2 s0",
                          "24T15:35:00Z c2 s1", "24T15:40:00Z c2 s2"});
  CHECK(Pages(r) ==
        Lines{"24T15:05:00Z bob step schedule/video-sme-secondary", "24T15:10:00Z femi step edm",
              "24T15:10:00Z gus step gus", "24T15:15:00Z alice step designated_eae",
              "24T15:15:00Z bob step familiar", "24T15:15:00Z erin step schedule/video-sme-primary",
              "24T15:20:00Z bob step schedule/video-sme-secondary", "24T15:25:00Z femi step edm",
              "24T15:25:00Z gus step gus", "24T15:30:00Z alice step designated_eae",
              "24T15:30:00Z bob step familiar", "24T15:30:00Z erin step schedule/video-sme-primary",
              "24T15:35:00Z bob step schedule/video-sme-secondary", "24T15:40:00Z femi step edm",
              "24T15:40:00Z gus step gus"});
  CHECK(Instants(WarningsOf(r)) == Lines{"24T15:11:15Z due 24T15:15:00Z"});
  CHECK(Instants(BreachesOf(r)) == Lines{"24T15:15:00Z due 24T15:15:00Z"});
  CHECK(r.state.exhausted);
  CHECK(r.finished);

  // And after the last step of the last cycle nobody else is paged: not even the primary's
  // 16:00Z handoff to alice.
  auto later = w.Go(r.state, "2026-11-24T18:00:00Z");
  CHECK(PagesOf(later).empty());
  CHECK_FALSE(later.next_action_at);
}

TEST_CASE("business hours: a step due Friday 17:10 fires Monday") {
  // Given Contoso (launch, London 09-17) opens a MediaPackage Sev2 (1h on uk-business) on
  // Fri 27 Nov 16:30Z.
  World w;
  auto s = w.Open(kContoso, "mediapackage", 2, "2026-11-27T16:30:00Z");
  CHECK(s.clock_calendar == "uk-business");
  CHECK(Short(s.due) == "30T09:30:00Z");
  CHECK(Short(s.warning_at) == "30T09:15:00Z");

  // When Friday runs out: steps 0 (16:30) and 1 (16:50) fire; step 2 (+40m) is due Monday 09:10.
  auto r = w.Go(s, "2026-11-27T23:59:00Z");
  CHECK(Steps(r) == Lines{"27T16:30:00Z c0 s0", "27T16:50:00Z c0 s1"});
  // alice: familiar (mediapackage + live-linear) and on call in New York's layer: one page.
  CHECK(Pages(r) == Lines{"27T16:30:00Z alice step familiar",
                          "27T16:50:00Z chen step designated_eae",
                          "27T16:50:00Z bob step schedule/video-sme-secondary"});
  const auto pages = PagesOf(r);
  REQUIRE(pages.size() == 3);
  CHECK(pages[0].also_via == Lines{"schedule/video-sme-primary"});
  CHECK(WarningsOf(r).empty());

  // Then on Monday: step 2 at 09:10, the warning at 09:15, cycle 1 from 09:30 with the breach.
  r = w.Go(r.state, "2026-11-30T10:10:00Z");
  CHECK(Steps(r) == Lines{"30T09:10:00Z c0 s2", "30T09:30:00Z c1 s0", "30T09:50:00Z c1 s1",
                          "30T10:10:00Z c1 s2"});
  // At the 09:00 reopening bob is still the secondary: nobody new to page on resume.
  // Cycle 1 step 0: familiar is a 0-0 tie between bob and chen -> bob; the primary is chen.
  CHECK(Pages(r) == Lines{"30T09:10:00Z femi step edm", "30T09:30:00Z bob step familiar",
                          "30T09:30:00Z chen step schedule/video-sme-primary",
                          "30T09:50:00Z chen step designated_eae",
                          "30T09:50:00Z bob step schedule/video-sme-secondary",
                          "30T10:10:00Z femi step edm"});
  CHECK(Instants(WarningsOf(r)) == Lines{"30T09:15:00Z due 30T09:30:00Z"});
  CHECK(Instants(BreachesOf(r)) == Lines{"30T09:30:00Z due 30T09:30:00Z"});
  CHECK(r.finished);
}

TEST_CASE("a step that reaches nobody brings the next step forward; later steps keep theirs") {
  // Given a level-3 policy whose first step is only the designated EAE, and a Northwind Sev3
  // (4h on 24x7 coverage) opened Sat 28 Nov 08:00Z (03:00 New York): outside the EAE's hours.
  World w;
  w.config.escalation[3].steps = {S(Plain(0min), {"designated_eae"}),
                                  S(Plain(30min), {"schedule/video-sme-secondary"}),
                                  S(Plain(1h), {"edm"})};
  auto s = w.Open(kNorthwind, "medialive", 3, "2026-11-28T08:00:00Z");

  // When the case opens, step 0 reaches nobody, so step 1 fires at once; step 2 keeps 09:00.
  auto r = w.Go(s, "2026-11-28T08:00:00Z");
  CHECK(Steps(r) == Lines{"28T08:00:00Z c0 s0 empty", "28T08:00:00Z c0 s1 from 28T08:30:00Z"});
  CHECK(Pages(r) == Lines{"28T08:00:00Z bob step schedule/video-sme-secondary"});
  const auto pages = PagesOf(r);
  REQUIRE(pages.size() == 1);
  REQUIRE(pages[0].reason.scheduled);  // brought forward from its own instant
  CHECK(Short(*pages[0].reason.scheduled) == "28T08:30:00Z");
  const auto steps = StepsOf(r);
  REQUIRE(steps[0].targets.size() == 1);
  CHECK_FALSE(steps[0].targets[0].engineer);
  REQUIRE(r.next_action_at);
  CHECK(Short(*r.next_action_at) == "28T09:00:00Z");

  r = w.Go(r.state, "2026-11-28T09:00:00Z");
  CHECK(Steps(r) == Lines{"28T09:00:00Z c0 s2"});
  CHECK(Pages(r) == Lines{"28T09:00:00Z femi step edm"});
}

TEST_CASE("a handoff in the middle of a step pages the incoming on-call engineer") {
  // Given a Northwind Sev1 on Tue 17 Nov 15:58Z: step 0 pages alice (EAE, and familiar: a tie at
  // 4 with chen, by id) and chen (primary, London layer, until New York's window at 16:00Z).
  World w;
  auto s = w.Open(kNorthwind, "medialive", 1, "2026-11-17T15:58:00Z");
  auto r = w.Go(s, "2026-11-17T15:58:00Z");
  CHECK(Pages(r) == Lines{"17T15:58:00Z alice step designated_eae",
                          "17T15:58:00Z chen step schedule/video-sme-primary"});
  REQUIRE(r.next_action_at);
  CHECK(Short(*r.next_action_at) == "17T16:00:00Z");

  // When the primary hands off to New York (dana, week 2) at 16:00Z, before step 1 at 16:03Z,
  // dana is paged at 16:00Z for step 0; then step 1 pages the secondary (alice) at 16:03.
  r = w.Go(r.state, "2026-11-17T16:04:00Z");
  CHECK(Pages(r) == Lines{"17T16:00:00Z dana handoff schedule/video-sme-primary",
                          "17T16:03:00Z alice step schedule/video-sme-secondary"});
  const auto pages = PagesOf(r);
  REQUIRE(pages.size() == 2);
  CHECK(pages[0].source == "new-york");
  CHECK(pages[0].step == 0);
  CHECK(pages[0].cycle == 0);
}

TEST_CASE("when the clock resumes after a weekend, the schedule's new on-call is paged") {
  // Given a Contoso Sev2 opened Fri 27 Nov 16:50Z: step 0 pages alice (familiar and primary);
  // step 1 is due at add(16:50, 20m) = Monday 09:10.
  World w;
  auto s = w.Open(kContoso, "mediapackage", 2, "2026-11-27T16:50:00Z");
  auto r = w.Go(s, "2026-11-27T16:50:00Z");
  CHECK(Pages(r) == Lines{"27T16:50:00Z alice step familiar"});
  // The next check is the primary's handoff at 20:00 New York.
  REQUIRE(r.next_action_at);
  CHECK(Short(*r.next_action_at) == "28T01:00:00Z");

  // When that handoff comes with the clock stopped, nobody is paged, and the next check is the
  // clock's reopening on Monday.
  r = w.Go(r.state, "2026-11-28T01:00:00Z");
  CHECK(PagesOf(r).empty());
  REQUIRE(r.next_action_at);
  CHECK(Short(*r.next_action_at) == "30T09:00:00Z");

  // Then at Monday's 09:00 opening the primary is chen (London layer): paged on resume; step 1
  // follows at 09:10.
  r = w.Go(r.state, "2026-11-30T09:10:00Z");
  CHECK(Pages(r) == Lines{"30T09:00:00Z chen resume schedule/video-sme-primary",
                          "30T09:10:00Z chen step designated_eae",
                          "30T09:10:00Z bob step schedule/video-sme-secondary"});
  const auto pages = PagesOf(r);
  REQUIRE(pages.size() == 3);
  CHECK(pages[0].source == "london");
}

TEST_CASE("a case opened outside coverage pages the fallback at once, the policy at the opening") {
  // Given a Contoso Sev2 opened Saturday 28 Nov 10:00Z, outside uk-business.
  World w;
  auto s = w.Open(kContoso, "mediapackage", 2, "2026-11-28T10:00:00Z");
  CHECK(s.deferred);
  CHECK(Short(s.due) == "30T10:00:00Z");

  // When it opens: enterprise-support's on-call (shift 662: chen) is paged at once.
  auto r = w.Go(s, "2026-11-28T10:00:00Z");
  CHECK(Pages(r) == Lines{"28T10:00:00Z chen deferred schedule/enterprise-support"});
  CHECK(Steps(r) == Lines{"28T10:00:00Z c-1 s-1"});
  REQUIRE(r.next_action_at);
  CHECK(Short(*r.next_action_at) == "30T09:00:00Z");

  // Then the plan's policy starts at Monday's opening: 09:00, 09:20, 09:40; warning 09:45.
  r = w.Go(r.state, "2026-11-30T09:45:00Z");
  CHECK(Steps(r) == Lines{"30T09:00:00Z c0 s0", "30T09:20:00Z c0 s1", "30T09:40:00Z c0 s2"});
  CHECK(Pages(r) ==
        Lines{"30T09:00:00Z bob step familiar", "30T09:00:00Z chen step schedule/video-sme-primary",
              "30T09:20:00Z chen step designated_eae",
              "30T09:20:00Z bob step schedule/video-sme-secondary", "30T09:40:00Z femi step edm"});
  CHECK(Instants(WarningsOf(r)) == Lines{"30T09:45:00Z due 30T10:00:00Z"});
}

TEST_CASE(
    "fallback cases page the fallback on-call at the opening and every target, repeat times") {
  World w;
  struct Row {
    const char* name;
    const char* account;
    const char* service;
    int level;
    const char* opened;
    const char* until;
    Lines pages;
  };
  const Row rows[] = {
      // Unknown account, Sev1 (15m, repeat 2): bob holds shift 655 (12:00-24:00Z).
      {"unknown account",
       "999900001111",
       "medialive",
       1,
       "2026-11-24T13:00:00Z",
       "2026-11-24T23:00:00Z",
       {"24T13:00:00Z bob step schedule/enterprise-support",
        "24T13:15:00Z bob step schedule/enterprise-support",
        "24T13:30:00Z bob step schedule/enterprise-support"}},
      // Out-of-scope service for a known customer, Sev2 (1h, repeat 1).
      {"out-of-scope service",
       kNorthwind,
       "amazon-rds",
       2,
       "2026-11-24T13:00:00Z",
       "2026-11-24T23:00:00Z",
       {"24T13:00:00Z bob step schedule/enterprise-support",
        "24T14:00:00Z bob step schedule/enterprise-support"}},
      // Across the 12:00Z handoff (chen -> bob) inside the first cycle.
      {"handoff inside a fallback cycle",
       "999900001111",
       "medialive",
       1,
       "2026-11-24T11:50:00Z",
       "2026-11-24T23:00:00Z",
       {"24T11:50:00Z chen step schedule/enterprise-support",
        "24T12:00:00Z bob handoff schedule/enterprise-support",
        "24T12:05:00Z bob step schedule/enterprise-support",
        "24T12:20:00Z bob step schedule/enterprise-support"}},
  };
  for (const auto& row : rows) {
    SECTION(row.name) {
      auto s = w.Open(row.account, row.service, row.level, row.opened);
      CHECK(s.fallback);
      CHECK_FALSE(s.deferred);
      auto r = w.Go(s, row.until);
      CHECK(Pages(r) == row.pages);
      CHECK(r.finished);
    }
  }
}

TEST_CASE("a severity change restarts the new policy from the change and re-targets due") {
  World w;
  SECTION("already past the new due: breached at the change instant") {
    // Given a Northwind Sev4 (12bh) opened Tue 24 Nov 15:00Z; its step 0 pages the EAE.
    auto s = w.Open(kNorthwind, "medialive", 4, "2026-11-24T15:00:00Z");
    CHECK(Short(s.due) == "25T19:00:00Z");
    auto r = w.Go(s, "2026-11-24T15:00:00Z");
    CHECK(Pages(r) == Lines{"24T15:00:00Z alice step designated_eae"});

    // When it becomes Sev1 at 15:30: due = opened + 15m = 15:15, already past.
    auto c = router::ChangeSeverity(r.state, 1, At("2026-11-24T15:30:00Z"), w.Ctx());
    REQUIRE(c.ok());
    World::Check(*c, At("2026-11-24T15:30:00Z"));
    CHECK(c->state.level == 1);
    CHECK(c->state.clock_calendar == "always");
    CHECK(Short(c->state.due) == "24T15:15:00Z");
    CHECK(Instants(BreachesOf(*c)) == Lines{"24T15:30:00Z due 24T15:15:00Z"});
    CHECK(BreachesOf(*c)[0].at_severity_change);  // the fold marks the warning moot too
    CHECK(WarningsOf(*c).empty());
    // Then the Sev1 policy starts over at 15:30: step 0 now, step 1 at 15:35, cycle 1 at 15:45.
    CHECK(Steps(*c) == Lines{"24T15:30:00Z c0 s0"});
    CHECK(Pages(*c) == Lines{"24T15:30:00Z alice step designated_eae",
                             "24T15:30:00Z bob step familiar",
                             "24T15:30:00Z erin step schedule/video-sme-primary"});
    REQUIRE(c->next_action_at);
    CHECK(Short(*c->next_action_at) == "24T15:35:00Z");
    r = w.Go(c->state, "2026-11-24T15:45:00Z");
    CHECK(Steps(r) == Lines{"24T15:35:00Z c0 s1", "24T15:40:00Z c0 s2", "24T15:45:00Z c1 s0"});
    CHECK(BreachesOf(r).empty());  // one breach per clock
  }
  SECTION("before the new due: warning and breach follow the new target") {
    // Given a Northwind Sev3 (4h) opened 15:00Z, when it becomes Sev1 at 15:05.
    auto s = w.Open(kNorthwind, "medialive", 3, "2026-11-24T15:00:00Z");
    auto r = w.Go(s, "2026-11-24T15:00:00Z");
    CHECK(Pages(r) == Lines{"24T15:00:00Z erin step schedule/video-sme-primary"});
    auto c = router::ChangeSeverity(r.state, 1, At("2026-11-24T15:05:00Z"), w.Ctx());
    REQUIRE(c.ok());
    CHECK(BreachesOf(*c).empty());
    CHECK(Steps(*c) == Lines{"24T15:05:00Z c0 s0"});
    // Then: step 1 at 15:10, warning 15:11:15, step 2 and breach at 15:15, cycle 1 at 15:20.
    r = w.Go(c->state, "2026-11-24T15:20:00Z");
    CHECK(Steps(r) == Lines{"24T15:10:00Z c0 s1", "24T15:15:00Z c0 s2", "24T15:20:00Z c1 s0"});
    CHECK(Instants(WarningsOf(r)) == Lines{"24T15:11:15Z due 24T15:15:00Z"});
    CHECK(Instants(BreachesOf(r)) == Lines{"24T15:15:00Z due 24T15:15:00Z"});
    CHECK_FALSE(BreachesOf(r)[0].at_severity_change);  // due passed later, not at the change
  }
  SECTION("past the new warning instant: warned at the change") {
    auto s = w.Open(kNorthwind, "medialive", 3, "2026-11-24T15:00:00Z");
    auto c = router::ChangeSeverity(s, 1, At("2026-11-24T15:12:00Z"), w.Ctx());
    REQUIRE(c.ok());
    // What was due before the change fired first (the Sev3 step 0 at 15:00).
    CHECK(Steps(*c) == Lines{"24T15:00:00Z c0 s0", "24T15:12:00Z c0 s0"});
    CHECK(Instants(WarningsOf(*c)) == Lines{"24T15:12:00Z due 24T15:15:00Z"});
    CHECK(BreachesOf(*c).empty());
    REQUIRE(c->next_action_at);
    CHECK(Short(*c->next_action_at) == "24T15:15:00Z");
  }
  SECTION("a level without a policy is refused") {
    auto s = w.Open(kNorthwind, "medialive", 3, "2026-11-24T15:00:00Z");
    auto c = router::ChangeSeverity(s, 7, At("2026-11-24T15:12:00Z"), w.Ctx());
    CHECK_FALSE(c.ok());
    CHECK(c.status().message().find("level 7") != std::string::npos);
  }
}

TEST_CASE("the SLA warning fires at the configured fraction of the target") {
  World w;
  struct Row {
    double fraction;
    const char* account;
    int level;
    const char* opened;
    const char* warning;
    const char* due;
  };
  const Row rows[] = {
      {0.75, kNorthwind, 2, "2026-11-24T15:00:00Z", "24T15:45:00Z", "24T16:00:00Z"},
      {0.50, kNorthwind, 2, "2026-11-24T15:00:00Z", "24T15:30:00Z", "24T16:00:00Z"},
      // 12bh on us-east-business from Tue 10:00 NY: 9bh -> Wed 11:00 NY, due Wed 14:00 NY.
      {0.75, kNorthwind, 4, "2026-11-24T15:00:00Z", "25T16:00:00Z", "25T19:00:00Z"},
      // Across Thanksgiving and the weekend from Wed 15:00 NY.
      {0.75, kNorthwind, 4, "2026-11-25T20:00:00Z", "27T21:00:00Z", "30T16:00:00Z"},
  };
  for (const auto& row : rows) {
    INFO(row.opened << " level " << row.level << " fraction " << row.fraction);
    w.config.sla_warning_fraction = row.fraction;
    auto s = w.Open(row.account, "medialive", row.level, row.opened);
    auto r = w.Go(s, "2026-11-30T23:00:00Z");
    CHECK(Instants(WarningsOf(r)) == Lines{std::string(row.warning) + " due " + row.due});
    CHECK(Instants(BreachesOf(r)) == Lines{std::string(row.due) + " due " + row.due});
  }
}

TEST_CASE("a Sev4 across a holiday weekend escalates in business time only") {
  // Given a Northwind Sev4 (12bh, us-east-business) opened Wed 25 Nov 20:00Z (15:00 NY), the
  // day before Thanksgiving: step 1 (8bh) = 2h Wed + 6h Fri -> Fri 15:00 NY.
  World w;
  auto s = w.Open(kNorthwind, "medialive", 4, "2026-11-25T20:00:00Z");
  auto r = w.Go(s, "2026-11-30T23:00:00Z");
  CHECK(Steps(r) == Lines{"25T20:00:00Z c0 s0", "27T20:00:00Z c0 s1"});
  CHECK(Pages(r) == Lines{"25T20:00:00Z alice step designated_eae",
                          "27T20:00:00Z alice step schedule/video-sme-primary"});
}

TEST_CASE("the first response or the resolution cancels everything not yet fired") {
  World w;
  auto s = w.Open(kNorthwind, "medialive", 1, "2026-11-24T15:00:00Z");
  auto r = w.Go(s, "2026-11-24T15:00:00Z");
  struct Row {
    const char* stop_at;
    Lines pages;  // fired by Stop itself: what was due strictly before the stop
  };
  const Row rows[] = {
      {"2026-11-24T15:07:00Z", {"24T15:05:00Z bob step schedule/video-sme-secondary"}},
      {"2026-11-24T15:05:00Z", {}},  // a response at the step's instant wins
      {"2026-11-24T15:01:00Z", {}},
  };
  for (const auto& row : rows) {
    INFO(row.stop_at);
    auto stopped = router::Stop(r.state, At(row.stop_at), w.Ctx());
    World::Check(stopped, At(row.stop_at));
    CHECK(Pages(stopped) == row.pages);
    CHECK(stopped.state.stopped);
    CHECK(stopped.state.stopped_at == At(row.stop_at));
    CHECK_FALSE(stopped.next_action_at);
    CHECK_FALSE(stopped.finished);
    auto after = w.Go(stopped.state, "2026-11-24T18:00:00Z");
    CHECK(PagesOf(after).empty());
    CHECK(WarningsOf(after).empty());
    CHECK(BreachesOf(after).empty());
  }
}

TEST_CASE("Start refuses levels without a target or a policy") {
  World w;
  auto bad = router::Start(w.config, kNorthwind, "medialive", 9, At("2026-11-24T15:00:00Z"));
  CHECK_FALSE(bad.ok());
  w.config.escalation.erase(2);
  bad = router::Start(w.config, kNorthwind, "medialive", 2, At("2026-11-24T15:00:00Z"));
  CHECK_FALSE(bad.ok());
  CHECK(bad.status().message().find("policy") != std::string::npos);
}

TEST_CASE(
    "FirstTargets names the targets of the first step Advance fires, and what Start resolved") {
  // Given a deferred case, an unknown account, an out-of-scope service and a case in coverage.
  World w;
  struct Row {
    const char* account;
    const char* service;
    int level;
    const char* opened;
    Lines targets;
  };
  const Row rows[] = {
      {kContoso, "mediapackage", 2, "2026-11-28T10:00:00Z", {"schedule/enterprise-support"}},
      {"000000000000", "medialive", 1, "2026-11-24T15:00:00Z", {"schedule/enterprise-support"}},
      {kNorthwind, "ec2", 1, "2026-11-24T15:00:00Z", {"schedule/enterprise-support"}},
      {kNorthwind,
       "medialive",
       1,
       "2026-11-24T15:00:00Z",
       {"designated_eae", "familiar", "schedule/video-sme-primary"}},
  };
  for (const Row& row : rows) {
    INFO(row.account << " " << row.service);
    schedules::CaseCalendars cals;
    auto s = router::Start(w.config, row.account, row.service, row.level, At(row.opened), &cals);
    REQUIRE(s.ok());
    // When its first targets are asked for, and then its opening is advanced.
    Lines named;
    for (const auto& t : router::FirstTargets(*s, w.config)) named.push_back(t.text);
    auto r = w.Go(*s, row.opened);
    // Then they are the targets of the first step that fired, and the calendars are the case's.
    CHECK(named == row.targets);
    auto steps = StepsOf(r);
    REQUIRE_FALSE(steps.empty());
    Lines fired;
    for (const auto& t : steps.front().targets) fired.push_back(t.target);
    CHECK(fired == named);
    CHECK(cals.fallback == s->fallback);
    CHECK(cals.coverage != nullptr);
  }
  CHECK(router::SeverityLevel(w.config, "critical") == 1);
  CHECK_FALSE(router::SeverityLevel(w.config, "sev9"));
}

TEST_CASE("the events name the context's case, in the order they happened") {
  // Given a Contoso Sev2 opened Saturday 28 Nov 10:00Z (deferred), advanced as case "c-7".
  World w;
  auto s = w.Open(kContoso, "mediapackage", 2, "2026-11-28T10:00:00Z");
  auto ctx = w.Ctx();
  ctx.case_id = "c-7";

  // When it opens: the fallback step, then the page it sent (both step -1 of cycle -1).
  auto r = router::Advance(s, At("2026-11-28T10:00:00Z"), ctx);
  REQUIRE(r.events.size() == 2);
  const auto& step = std::get<router::Escalated>(r.events[0]);
  const auto& page = std::get<router::Paged>(r.events[1]);
  CHECK(step.case_id == "c-7");
  CHECK(page.case_id == "c-7");
  CHECK((page.step == -1 && page.cycle == -1));
  CHECK_FALSE(step.next_action_at);  // the caller knows the case's next timer

  // Then at Monday's opening: step 0 of cycle 0, then the two pages it sent.
  r = router::Advance(r.state, At("2026-11-30T09:00:00Z"), ctx);
  std::vector<std::string> types;
  for (const auto& e : r.events) {
    CHECK(router::CaseIdOf(e) == "c-7");
    types.emplace_back(router::TypeName(e));
  }
  CHECK(types == std::vector<std::string>{"escalated", "paged", "paged"});
}
