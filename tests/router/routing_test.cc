// Proves the routing rules of Decide/Evolve given/when/then on the sample
// configuration, with every expected instant worked out by hand (DESIGN.md
// "Escalation semantics, precisely"): routing, step timing, warning and breach,
// deferral, fallback, stop by ack / AWS communication / resolution, severity
// change, reopen, customer follow-up, and that the fold rebuilds the state.
#include <catch2/catch.hpp>

#include "router/decide.h"
#include "router/reason_text.h"
#include "tests/router/samples.h"

namespace {

using namespace router;
using router_testing::T;

const char* kNorthwind = "111122223333";  // annual + 24x7 add-on, us-east-business, EAE alice
const char* kContoso = "444455556666";    // launch, uk-business, EAE chen

FeedEvent Open(const char* account, const char* service, const char* severity, const char* at) {
  FeedEvent fe;
  fe.event_id = std::string("open-") + at;
  fe.case_id = "c";
  fe.account = account;
  fe.action = FeedAction::kCreateCase;
  fe.at = T(at);
  CaseDetails d;
  d.case_id = "c";
  d.service_code = service;
  d.severity_code = severity;
  fe.details = d;
  return fe;
}

FeedEvent Feed(FeedAction action, const char* at, Origin origin = Origin::kNone,
               const char* severity = "") {
  FeedEvent fe;
  fe.event_id = std::string("ev-") + at + std::to_string(static_cast<int>(action));
  fe.case_id = "c";
  fe.action = action;
  fe.origin = origin;
  fe.at = T(at);
  if (action == FeedAction::kAddCommunication) fe.communication_id = fe.event_id;
  if (*severity) {
    CaseDetails d;
    d.severity_code = severity;
    fe.details = d;
  }
  return fe;
}

struct World {
  CaseState state;
  std::vector<Event> last;  // the events of the last input
  // Decides and folds one input (the Tick's instant is also `now`).
  World& When(const Input& in) {
    auto config = router_testing::SmallConfig();
    Timestamp now = std::visit([](const auto& i) { return i.at; }, in);
    Decision d = Decide(state, in, Context{*config, now});
    REQUIRE_FALSE(d.rejected());
    for (const auto& e : d.events) state = Evolve(std::move(state), e);
    last = d.events;
    return *this;
  }
};

// "<type> <instant>" plus the engineer for pages: the timeline of some events.
std::vector<std::string> Timeline(const std::vector<Event>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) {
    std::string line = std::string(TypeName(e)) + " " + base::FormatInstant(AtOf(e));
    if (const auto* p = std::get_if<Paged>(&e)) line += " " + p->engineer + " via " + p->target;
    if (const auto* x = std::get_if<Escalated>(&e))
      line += " c" + std::to_string(x->cycle) + "s" + std::to_string(x->step);
    if (std::holds_alternative<HandoffChecked>(e)) continue;  // bookkeeping
    out.push_back(line);
  }
  return out;
}

template <typename E>
const E& First(const std::vector<Event>& events) {
  for (const auto& e : events)
    if (const auto* x = std::get_if<E>(&e)) return *x;
  FAIL("no event of the wanted type");
  throw std::logic_error("unreachable");
}

template <typename E>
const E& Last(const std::vector<Event>& events) {
  for (auto it = events.rbegin(); it != events.rend(); ++it)
    if (const auto* x = std::get_if<E>(&*it)) return *x;
  FAIL("no event of the wanted type");
  throw std::logic_error("unreachable");
}

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("an opening routes the case and fires step 0 at once; the routed event explains it") {
  // Northwind (annual + 24x7) Sev1 on MediaLive, Tuesday 14:02:11Z: coverage
  // `always`, target 15m of wall-clock time.
  World w;
  w.When(Open(kNorthwind, "medialive", "critical", "2026-11-24T14:02:11Z"));
  const auto& r = First<Routed>(w.last);
  CHECK(r.level == 1);
  CHECK(r.coverage == "always");
  CHECK(r.business == "us-east-business");
  CHECK(r.plan == "annual");
  CHECK_FALSE(r.fallback);
  CHECK(r.clock == "always");
  CHECK(r.clock_start == T("2026-11-24T14:02:11Z"));
  CHECK(r.due == T("2026-11-24T14:17:11Z"));
  CHECK(r.warning_at == T("2026-11-24T14:13:26Z"));  // 75% of 15m = 11m15s
  CHECK_FALSE(r.candidates.empty());
  CHECK(r.reason.code == ReasonCode::kOpened);
  CHECK(r.calendars.code == ReasonCode::kPlanAddon24x7);
  CHECK(ReasonText(r) ==
        "opened: annual plan with oncall_24x7: coverage always, business us-east-business; level "
        "1 target 15m on the always clock, due 2026-11-24T14:17:11Z");
  // 14:02 UTC = 09:02 New York: alice (EAE) is inside Northwind's business hours.
  const auto& p = First<Paged>(w.last);
  CHECK(p.engineer == "alice");
  CHECK(p.target == "designated_eae");
  CHECK(p.step == 0);
  CHECK(w.state.next_action_at == T("2026-11-24T14:07:11Z"));  // step 1 at +5m
  REQUIRE(w.state.escalation);
  CHECK(w.state.escalation->due == T("2026-11-24T14:17:11Z"));
}

TEST_CASE("ticks fire steps, warning, breach and the next cycle at their own instants") {
  World w;
  w.When(Open(kNorthwind, "medialive", "critical", "2026-11-24T14:02:11Z"));
  w.When(Tick{"c", T("2026-11-24T14:17:11Z")});
  // Level 1: step 1 at +5m (secondary: bob's week), step 2 at +10m (EDM femi,
  // gus), the warning at +11m15s, then at +15m the breach, and cycle 1 starts
  // over (breach before step at one instant).
  Lines got = Timeline(w.last);
  Lines want = {"escalated 2026-11-24T14:07:11Z c0s1",
                "paged 2026-11-24T14:07:11Z bob via schedule/video-sme-secondary",
                "escalated 2026-11-24T14:12:11Z c0s2",
                "paged 2026-11-24T14:12:11Z femi via edm",
                "paged 2026-11-24T14:12:11Z gus via gus",
                "sla_warning 2026-11-24T14:13:26Z",
                "breached 2026-11-24T14:17:11Z"};
  REQUIRE(got.size() >= want.size() + 1);
  CHECK(Lines(got.begin(), got.begin() + want.size()) == want);
  CHECK(got[want.size()] == "escalated 2026-11-24T14:17:11Z c1s0");
  REQUIRE(w.state.escalation);
  CHECK(w.state.escalation->breached);
  CHECK(w.state.escalation->warned);
  CHECK(w.state.next_action_at == T("2026-11-24T14:22:11Z"));  // cycle 1 step 1
  // A tick before the next instant does nothing.
  w.When(Tick{"c", T("2026-11-24T14:22:10Z")});
  CHECK(w.last.empty());
}

TEST_CASE("the first response or the resolution fires what was due before it, then stops") {
  struct Row {
    const char* name;
    Input stop;
    Lines timeline;
  };
  std::vector<Row> rows = {
      {"ack",
       Acknowledge{"c", "bob", T("2026-11-24T14:09:00Z")},
       {"escalated 2026-11-24T14:07:11Z c0s1",
        "paged 2026-11-24T14:07:11Z bob via schedule/video-sme-secondary",
        "acknowledged 2026-11-24T14:09:00Z", "responded 2026-11-24T14:09:00Z"}},
      {"AWS communication",
       Feed(FeedAction::kAddCommunication, "2026-11-24T14:07:11Z", Origin::kAws),
       // Step 1 is due AT the response, not strictly before: it never fires.
       {"communication_added 2026-11-24T14:07:11Z", "responded 2026-11-24T14:07:11Z"}},
      {"resolution",
       Feed(FeedAction::kResolveCase, "2026-11-24T14:12:11Z"),
       {"escalated 2026-11-24T14:07:11Z c0s1",
        "paged 2026-11-24T14:07:11Z bob via schedule/video-sme-secondary",
        "case_resolved 2026-11-24T14:12:11Z"}},
  };
  for (const auto& row : rows) {
    SECTION(row.name) {
      World w;
      w.When(Open(kNorthwind, "medialive", "critical", "2026-11-24T14:02:11Z"));
      w.When(row.stop);
      CHECK(Timeline(w.last) == row.timeline);
      CHECK_FALSE(w.state.next_action_at.has_value());
      REQUIRE(w.state.escalation);
      CHECK(w.state.escalation->stopped);
      w.When(Tick{"c", T("2026-11-25T00:00:00Z")});
      CHECK(w.last.empty());  // nothing fires after the stop
    }
  }
}

TEST_CASE("a case opened outside coverage pages the fallback at once; the policy waits") {
  // Contoso (launch, uk-business Mon-Fri 9-17 London) Sev2, Saturday 10:00Z.
  World w;
  w.When(Open(kContoso, "medialive", "urgent", "2026-11-28T10:00:00Z"));
  const auto& r = First<Routed>(w.last);
  CHECK(r.deferred);
  CHECK(r.coverage == "uk-business");
  // 1h of uk-business time from Saturday: Monday 09:00-10:00 London (GMT).
  CHECK(r.due == T("2026-11-30T10:00:00Z"));
  CHECK(r.first_step_at == T("2026-11-30T09:00:00Z"));
  const auto& p = First<Paged>(w.last);
  CHECK(p.cause == PageCause::kDeferred);
  CHECK(p.target == "schedule/enterprise-support");
  CHECK(p.at == T("2026-11-28T10:00:00Z"));
  CHECK(w.state.next_action_at == T("2026-11-30T09:00:00Z"));
}

TEST_CASE("a launch-plan Sev2 on Friday 16:55 counts only business time over the weekend") {
  World w;
  w.When(Open(kContoso, "medialive", "urgent", "2026-11-27T16:55:00Z"));
  const auto& r = First<Routed>(w.last);
  CHECK_FALSE(r.deferred);
  // 5 minutes on Friday, 55 on Monday from 09:00.
  CHECK(r.due == T("2026-11-30T09:55:00Z"));
  // Step 1 at +20m: Friday's 5 minutes, then Monday 09:15. (The next action
  // itself is earlier: the primary's shift change is watched for a handoff.)
  REQUIRE(w.state.escalation);
  CHECK(w.state.escalation->next_step_at == T("2026-11-30T09:15:00Z"));
  CHECK(w.state.escalation->warning_at == T("2026-11-30T09:40:00Z"));
}

TEST_CASE("an unknown account is a fallback case: the fallback schedule, repeated by level") {
  World w;
  w.When(Open("999900001111", "medialive", "critical", "2026-11-24T14:00:00Z"));
  const auto& r = First<Routed>(w.last);
  CHECK(r.fallback);
  CHECK(r.plan == "enterprise");
  CHECK(r.steps == 1);
  CHECK(r.repeat == 2);  // level 1's repeat
  CHECK(First<Paged>(w.last).target == "schedule/enterprise-support");
  // The next page: one target duration (15m) later, after the warning.
  w.When(Tick{"c", T("2026-11-24T14:15:00Z")});
  CHECK(Timeline(w.last).back().rfind("paged 2026-11-24T14:15:00Z", 0) == 0);
}

TEST_CASE("a severity change restarts the new level's policy; a passed due breaches at once") {
  // Sev2 (1h, due 15:02:11) upgraded to Sev1 at 14:30: the new due is
  // add(opened, 15m) = 14:17:11, already past: breached at the change; level
  // 1's step 0 fires at the change.
  World w;
  w.When(Open(kNorthwind, "medialive", "urgent", "2026-11-24T14:02:11Z"));
  w.When(
      Feed(FeedAction::kAddCommunication, "2026-11-24T14:30:00Z", Origin::kCustomer, "critical"));
  const auto& c = First<SeverityChanged>(w.last);
  CHECK(c.to_level == 1);
  CHECK(c.due == T("2026-11-24T14:17:11Z"));
  const auto& b = First<Breached>(w.last);
  CHECK(b.at == T("2026-11-24T14:30:00Z"));
  CHECK(b.at_severity_change);
  const auto& rt = First<Routed>(w.last);
  CHECK_FALSE(rt.clock_start.has_value());
  CHECK(rt.policy_base == T("2026-11-24T14:30:00Z"));
  // The routing names the change as it was, from the old code to the new.
  CHECK(rt.reason.code == ReasonCode::kSeverityChanged);
  CHECK(rt.reason.from_severity == "urgent");
  CHECK(rt.reason.severity == "critical");
  CHECK_THAT(ReasonText(rt), Catch::StartsWith("severity urgent -> critical: level 1's policy"));
  const auto& x = Last<Escalated>(w.last);
  CHECK(x.at == T("2026-11-24T14:30:00Z"));
  CHECK(x.cycle == 0);
  CHECK(x.step == 0);
  CHECK(w.state.level == 1);
  CHECK(w.state.next_action_at == T("2026-11-24T14:35:00Z"));  // level 1 step 1: +5m
  // Level 2's step 1 (was 14:22:11) fired before the change.
  CHECK(Timeline(w.last)[0] == "escalated 2026-11-24T14:22:11Z c0s1");
}

TEST_CASE("a reopen starts a new clock at the reopen instant") {
  World w;
  w.When(Open(kNorthwind, "medialive", "critical", "2026-11-24T14:02:11Z"));
  w.When(Acknowledge{"c", "alice", T("2026-11-24T14:03:00Z")});
  w.When(Feed(FeedAction::kResolveCase, "2026-11-24T15:00:00Z"));
  w.When(Feed(FeedAction::kReopenCase, "2026-11-25T08:00:00Z"));
  const auto& r = First<Routed>(w.last);
  CHECK(r.clock_start == T("2026-11-25T08:00:00Z"));
  CHECK(r.due == T("2026-11-25T08:15:00Z"));
  CHECK(w.state.awaiting_response);
  CHECK(w.state.next_action_at == T("2026-11-25T08:05:00Z"));
}

TEST_CASE("a customer follow-up after a response pages the owner on a next-response clock") {
  World w;
  w.When(Open(kNorthwind, "medialive", "critical", "2026-11-24T14:02:11Z"));
  w.When(Acknowledge{"c", "bob", T("2026-11-24T14:04:00Z")});
  w.When(Feed(FeedAction::kAddCommunication, "2026-11-24T16:00:00Z", Origin::kCustomer));
  const auto& c = First<CommunicationAdded>(w.last);
  CHECK(c.starts_clock);
  CHECK(c.due == T("2026-11-24T16:15:00Z"));
  const auto& r = First<Routed>(w.last);
  CHECK(r.owner == "bob");
  const auto& p = First<Paged>(w.last);
  CHECK(p.engineer == "bob");
  CHECK(p.at == T("2026-11-24T16:00:00Z"));
  // Again one target later (level 1 repeats twice), with its own warning and breach.
  w.When(Tick{"c", T("2026-11-24T16:15:00Z")});
  CHECK(Timeline(w.last) ==
        Lines{"sla_warning 2026-11-24T16:11:15Z", "breached 2026-11-24T16:15:00Z",
              "escalated 2026-11-24T16:15:00Z c1s0", "paged 2026-11-24T16:15:00Z bob via bob"});
}

TEST_CASE("Evolve needs nothing but the events: the fold and the projection round-trip") {
  World w;
  w.When(Open(kContoso, "mediapackage", "high", "2026-11-24T14:05:40Z"));
  w.When(Tick{"c", T("2026-11-24T16:30:00Z")});  // a handoff at 16:00, step 1 at 16:05:40
  CHECK(Timeline(w.last) == Lines{"paged 2026-11-24T16:00:00Z alice via schedule/video-sme-primary",
                                  "escalated 2026-11-24T16:05:40Z c0s1",
                                  "paged 2026-11-24T16:05:40Z chen via designated_eae",
                                  "paged 2026-11-24T16:05:40Z alice via familiar"});
  REQUIRE(w.state.escalation);
  auto decoded = DecodeCaseState(EncodeCaseState(w.state));
  REQUIRE(decoded.ok());
  CHECK(*decoded == w.state);
}
