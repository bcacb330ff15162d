// Proves the fold of one case's events into clock summaries and each clock's judgement as of
// an instant: met, breached, open, resolved unanswered, next-response clocks, re-targeting,
// first response on the clock's own calendar, and the breach reason codes. Given/when/then
// over hand-made events; no clock, no log.
#include "report/outcome.h"

#include <catch2/catch.hpp>

#include "config/config.h"
#include "report/case_fold.h"
#include "tests/report/report_samples.h"

namespace {

using namespace report;
using namespace report_testing;
using router::ReasonCode;
using std::chrono::hours;
using std::chrono::minutes;

}  // namespace

TEST_CASE("A clock answered before its due is met, timed on its own clock", "[report]") {
  Story s("c1");
  s.Open("2026-11-10T10:00:00Z", 1);
  s.Route("2026-11-10T10:00:00Z", 1, "2026-11-10T10:15:00Z");
  s.Step("2026-11-10T10:00:00Z", 0, 0, {"p1"});
  s.Ack("2026-11-10T10:12:00Z", "p1");
  const CaseSummary& c = s.summary();
  REQUIRE(c.clocks.size() == 1);
  const ClockOutcome o = Evaluate(c.clocks[0], T("2026-11-11T00:00:00Z"), nullptr);
  CHECK(o.outcome == Outcome::kMet);
  CHECK_FALSE(o.resolved_unanswered);
  CHECK(o.first_response == minutes(12));
  CHECK(o.wall_clock);  // no config: wall time
  CHECK(o.to_ack == minutes(12));
  CHECK(o.pages == 1);
  CHECK(o.deepest_step == 1);
  CHECK(o.routing->level == 1);
}

TEST_CASE("Judged before its response, a clock within its target is open; past it, breached",
          "[report]") {
  Story s("c1");
  s.Open("2026-11-10T10:00:00Z", 2);
  s.Route("2026-11-10T10:00:00Z", 2, "2026-11-10T11:00:00Z");
  s.Ack("2026-11-10T11:30:00Z", "p1");  // late, and no breach in the log (it lags)
  const ClockSummary& clock = s.summary().clocks[0];
  CHECK(Evaluate(clock, T("2026-11-10T10:59:00Z"), nullptr).outcome == Outcome::kOpen);
  // At the due instant itself a response could still meet it.
  CHECK(Evaluate(clock, T("2026-11-10T11:00:00Z"), nullptr).outcome == Outcome::kOpen);
  const ClockOutcome overdue = Evaluate(clock, T("2026-11-10T11:10:00Z"), nullptr);
  CHECK(overdue.outcome == Outcome::kBreached);
  CHECK(overdue.breached_at == T("2026-11-10T11:00:00Z"));
  CHECK_FALSE(overdue.first_response);  // the response came after `to`
  const ClockOutcome later = Evaluate(clock, T("2026-11-12T00:00:00Z"), nullptr);
  CHECK(later.outcome == Outcome::kBreached);
  CHECK(later.first_response == minutes(90));
}

TEST_CASE("A logged breach is the clock's outcome, whatever comes after", "[report]") {
  Story s("c1");
  s.Open("2026-11-10T10:00:00Z", 1);
  s.Route("2026-11-10T10:00:00Z", 1, "2026-11-10T10:15:00Z");
  s.Breach("2026-11-10T10:15:00Z", "2026-11-10T10:15:00Z");
  s.Ack("2026-11-10T10:20:00Z", "p1");
  const ClockOutcome o = Evaluate(s.summary().clocks[0], T("2026-11-11T00:00:00Z"), nullptr);
  CHECK(o.outcome == Outcome::kBreached);
  CHECK(o.breached_at == T("2026-11-10T10:15:00Z"));
  CHECK(o.first_response == minutes(20));
}

TEST_CASE("Resolved before its due with no response: met and resolved unanswered", "[report]") {
  Story s("c1");
  s.Open("2026-11-10T10:00:00Z", 3);
  s.Route("2026-11-10T10:00:00Z", 3, "2026-11-10T14:00:00Z");
  s.Resolve("2026-11-10T14:00:00Z");  // at the due instant: still in time
  const ClockOutcome o = Evaluate(s.summary().clocks[0], T("2026-11-11T00:00:00Z"), nullptr);
  CHECK(o.outcome == Outcome::kMet);
  CHECK(o.resolved_unanswered);
  CHECK_FALSE(o.first_response);
  CHECK(o.to_resolve == hours(4));
}

TEST_CASE("A customer follow-up after a response starts a second, next-response clock",
          "[report]") {
  Story s("c1");
  s.Open("2026-11-10T10:00:00Z", 2);
  s.Route("2026-11-10T10:00:00Z", 2, "2026-11-10T11:00:00Z");
  s.Ack("2026-11-10T10:05:00Z", "p1");
  s.Route("2026-11-10T12:00:00Z", 2, "2026-11-10T13:00:00Z", ReasonCode::kFollowUpOwner);
  s.Step("2026-11-10T12:00:00Z", 0, 0, {"p1"});
  s.Ack("2026-11-10T12:30:00Z", "p1");
  const CaseSummary& c = s.summary();
  REQUIRE(c.clocks.size() == 2);
  CHECK(c.clocks[0].kind == ClockKind::kOpened);
  CHECK(c.clocks[1].kind == ClockKind::kFollowUp);
  CHECK(c.clocks[1].start == T("2026-11-10T12:00:00Z"));
  const ClockOutcome second = Evaluate(c.clocks[1], T("2026-11-11T00:00:00Z"), nullptr);
  CHECK(second.outcome == Outcome::kMet);
  CHECK(second.first_response == minutes(30));
  CHECK(second.pages == 1);
  // The first clock keeps its own response and pages.
  CHECK(Evaluate(c.clocks[0], T("2026-11-11T00:00:00Z"), nullptr).first_response == minutes(5));
}

TEST_CASE("A severity change re-targets the clock from the change on", "[report]") {
  Story s("c1");
  s.Open("2026-11-10T10:00:00Z", 1);
  s.Route("2026-11-10T10:00:00Z", 1, "2026-11-10T10:15:00Z");
  s.Retarget("2026-11-10T10:10:00Z", 3, "2026-11-10T14:00:00Z", "critical", "high");
  s.Ack("2026-11-10T11:00:00Z", "p1");
  const ClockSummary& clock = s.summary().clocks[0];
  const ClockOutcome before = Evaluate(clock, T("2026-11-10T10:05:00Z"), nullptr);
  CHECK(before.routing->level == 1);
  CHECK(before.outcome == Outcome::kOpen);
  const ClockOutcome after = Evaluate(clock, T("2026-11-11T00:00:00Z"), nullptr);
  CHECK(after.routing->level == 3);
  CHECK(after.outcome == Outcome::kMet);  // 11:00 is before the new due, 14:00
}

TEST_CASE("A severity raised after the response re-judges nothing: the clock had ended",
          "[report]") {
  Story s("c1");
  s.Open("2026-11-10T10:00:00Z", 3);
  s.Route("2026-11-10T10:00:00Z", 3, "2026-11-10T14:00:00Z");
  s.Ack("2026-11-10T11:00:00Z", "p1");
  // The router re-targets a stopped clock without a breach: level 1, due 10:15.
  s.Retarget("2026-11-10T12:00:00Z", 1, "2026-11-10T10:15:00Z", "high", "critical");
  const ClockOutcome o = Evaluate(s.summary().clocks[0], T("2026-11-11T00:00:00Z"), nullptr);
  CHECK(o.outcome == Outcome::kMet);
  CHECK(o.routing->level == 3);
}

TEST_CASE("A bh target counts business time: first response on the business calendar", "[report]") {
  auto config = TestConfig();
  Story s("c1");
  // Wed 2026-11-25 15:00 New York = 20:00Z; 2 business hours that day, Thanksgiving and the
  // Friday after are holidays, then the weekend: an ack on Mon 30th 10:30 NY = 15:30Z
  // comes after 2h + 1h30 = 3h30 of business time.
  s.Open("2026-11-25T20:00:00Z", 4);
  s.Route("2026-11-25T20:00:00Z", 4, "2026-12-01T16:00:00Z", ReasonCode::kOpened, "ny-business",
          12 * 3600, true);
  s.Ack("2026-11-30T15:30:00Z", "eae3");
  const ClockOutcome o = Evaluate(s.summary().clocks[0], T("2026-12-02T00:00:00Z"), config.get());
  CHECK(o.outcome == Outcome::kMet);
  CHECK(o.first_response == minutes(210));
  CHECK_FALSE(o.wall_clock);
  CHECK(o.to_ack == T("2026-11-30T15:30:00Z") - T("2026-11-25T20:00:00Z"));  // wall time
}

TEST_CASE("Pages: sent unless superseded; delivered and undelivered from receipts", "[report]") {
  Story s("c1");
  s.Open("2026-11-10T10:00:00Z", 1);
  s.Route("2026-11-10T10:00:00Z", 1, "2026-11-10T10:15:00Z");
  const uint64_t a = s.Page("2026-11-10T10:00:00Z", "p1");
  const uint64_t b = s.Page("2026-11-10T10:05:00Z", "s1");
  const uint64_t c = s.Page("2026-11-10T10:10:00Z", "edm1");
  s.Delivered("2026-11-10T10:00:02Z", a);
  s.Failed("2026-11-10T10:10:00Z", b);
  s.Ack("2026-11-10T10:11:00Z", "p1");
  s.Superseded("2026-11-10T10:11:00Z", c);
  const ClockOutcome o = Evaluate(s.summary().clocks[0], T("2026-11-11T00:00:00Z"), nullptr);
  CHECK(o.pages == 2);
  CHECK(o.delivered == 1);
  CHECK(o.undelivered == 1);
  // Before the failure was logged the page was neither.
  const ClockOutcome early = Evaluate(s.summary().clocks[0], T("2026-11-10T10:06:00Z"), nullptr);
  CHECK(early.pages == 2);
  CHECK(early.undelivered == 0);
}

TEST_CASE("Breach reasons come from the log's facts, one code per breached clock", "[report]") {
  const Timestamp to = T("2026-11-12T00:00:00Z");
  auto reason = [&](const Story& s) {
    const ClockSummary& clock = s.summary().clocks.back();
    const ClockOutcome o = Evaluate(clock, to, nullptr);
    REQUIRE(o.outcome == Outcome::kBreached);
    return ExplainBreach(clock, o, to);
  };
  auto opened = [](Story& s) { s.Open("2026-11-10T10:00:00Z", 1); };

  SECTION("not acknowledged in time: how many pages, to whom") {
    Story s("c1");
    opened(s);
    s.Route("2026-11-10T10:00:00Z", 1, "2026-11-10T10:15:00Z");
    s.Step("2026-11-10T10:00:00Z", 0, 0, {"p1"});
    s.Step("2026-11-10T10:05:00Z", 1, 0, {"s1", "eae1"});
    s.Breach("2026-11-10T10:15:00Z", "2026-11-10T10:15:00Z");
    const BreachReason r = reason(s);
    CHECK(r.code == BreachCode::kNotAcknowledgedInTime);
    CHECK(r.pages == 3);
    CHECK(r.engineers == std::vector<std::string>{"p1", "s1", "eae1"});
    CHECK(BreachDetail(r) ==
          "3 pages to p1, s1, eae1, none acknowledged by the due 2026-11-10T10:15:00Z");
  }
  SECTION("nobody on call: a step before the due reached nobody") {
    Story s("c1");
    opened(s);
    s.Route("2026-11-10T10:00:00Z", 1, "2026-11-10T10:15:00Z");
    s.Step("2026-11-10T10:00:00Z", 0, 0, {}, {"schedule/primary"});
    s.Step("2026-11-10T10:05:00Z", 1, 0, {"edm1"});
    s.Breach("2026-11-10T10:15:00Z", "2026-11-10T10:15:00Z");
    const BreachReason r = reason(s);
    CHECK(r.code == BreachCode::kNobodyOnCall);
    CHECK(BreachDetail(r) ==
          "reached nobody: cycle 0 step 0 at 2026-11-10T10:00:00Z (schedule/primary); 1 page to "
          "edm1 by the due 2026-11-10T10:15:00Z");
  }
  SECTION("pages not delivered") {
    Story s("c1");
    opened(s);
    s.Route("2026-11-10T10:00:00Z", 1, "2026-11-10T10:15:00Z");
    const uint64_t a = s.Page("2026-11-10T10:00:00Z", "p1");
    s.Failed("2026-11-10T10:05:00Z", a);
    s.Breach("2026-11-10T10:15:00Z", "2026-11-10T10:15:00Z");
    const BreachReason r = reason(s);
    CHECK(r.code == BreachCode::kPagesNotDelivered);
    CHECK(r.failed == 1);
  }
  SECTION("deferred outside coverage") {
    Story s("c1");
    opened(s);
    s.Route("2026-11-10T10:00:00Z", 1, "2026-11-10T14:15:00Z", ReasonCode::kOpened, "always", 900,
            false, /*deferred=*/true);
    s.Step("2026-11-10T10:00:00Z", -1, -1, {"g1"});
    s.Step("2026-11-10T14:00:00Z", 0, 0, {"p1"});
    s.Breach("2026-11-10T14:15:00Z", "2026-11-10T14:15:00Z");
    const BreachReason r = reason(s);
    CHECK(r.code == BreachCode::kDeferredOutsideCoverage);
    CHECK(r.first_step_at == T("2026-11-10T14:00:00Z"));
  }
  SECTION("fallback routing") {
    Story s("c1");
    opened(s);
    router::Reason why{ReasonCode::kUnknownAccount};
    why.account = "999900001111";
    s.Route("2026-11-10T10:00:00Z", 1, "2026-11-10T10:15:00Z", ReasonCode::kOpened, "always", 900,
            false, false, /*fallback=*/true, why);
    s.Step("2026-11-10T10:00:00Z", 0, 0, {"g1"});
    s.Breach("2026-11-10T10:15:00Z", "2026-11-10T10:15:00Z");
    const BreachReason r = reason(s);
    CHECK(r.code == BreachCode::kFallbackRouting);
    CHECK(BreachDetail(r).starts_with(
        "routed to the fallback schedule (unknown account 999900001111); 1 page to g1"));
  }
  SECTION("severity raised after the new target had passed") {
    Story s("c1");
    opened(s);
    s.Route("2026-11-10T10:00:00Z", 3, "2026-11-10T14:00:00Z");
    s.Step("2026-11-10T10:00:00Z", 0, 0, {"p1"});
    s.Retarget("2026-11-10T10:30:00Z", 1, "2026-11-10T10:15:00Z", "high", "critical");
    s.Breach("2026-11-10T10:30:00Z", "2026-11-10T10:15:00Z", /*at_severity_change=*/true);
    const BreachReason r = reason(s);
    CHECK(r.code == BreachCode::kSeverityRaisedPastTarget);
    CHECK(BreachDetail(r) ==
          "severity raised from high to critical (level 1) at 2026-11-10T10:30:00Z: the new due "
          "2026-11-10T10:15:00Z had already passed");
  }
}
