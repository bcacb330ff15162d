// Proves Decide's reconciliation rules, given/when/then with hand-worked instants: a snapshot
// opens an open case the log does not know (its clock from timeCreated, its policy from the
// snapshot), changes severity, resolves and reopens, never undoes newer facts, and changes
// nothing the second time; and that the events say so through the codec and the JSON.
#include <catch2/catch.hpp>

#include "router/case_state.h"
#include "router/codec.h"
#include "router/decide.h"
#include "router/event_json.h"
#include "tests/router/samples.h"

namespace {

using namespace router;
using router_testing::T;

// Northwind (annual + 24x7): a medialive case's clock is wall-clock time.
const std::string kCase = "case-111122223333-muen-2026-a1b2c3d4e5f60009";

CaseDetails Details(const std::string& status, const std::string& severity = "critical") {
  CaseDetails d;
  d.case_id = kCase;
  d.display_id = "1234560009";
  d.subject = "MediaLive pipeline down";
  d.status = status;
  d.service_code = "medialive";
  d.category_code = "channel-failure";
  d.severity_code = severity;
  d.time_created = T("2026-11-24T14:00:00Z");
  return d;
}

// One case of a snapshot taken at `taken_at`, as the parser hands it over (its event id, as the
// parser's, names the instant).
FeedEvent Snap(const char* taken_at, const std::string& status,
               const std::string& severity = "critical", const std::string& id = "") {
  FeedEvent fe;
  fe.event_id =
      id.empty() ? "snapshot/111122223333/" + std::string(taken_at) + "/00000000000000aa" : id;
  fe.case_id = kCase;
  fe.display_id = "1234560009";
  fe.account = "111122223333";
  fe.action = FeedAction::kReconcile;
  fe.at = T(taken_at);
  fe.details = Details(status, severity);
  return fe;
}

FeedEvent Feed(FeedAction action, const std::string& id, const char* at,
               const std::string& severity = "critical") {
  FeedEvent fe;
  fe.event_id = id;
  fe.case_id = kCase;
  fe.account = "111122223333";
  fe.action = action;
  fe.at = T(at);
  if (action == FeedAction::kCreateCase) fe.details = Details("opened", severity);
  return fe;
}

Decision When(const CaseState& s, const Input& in) {
  auto config = router_testing::SmallConfig();
  // The instant a shell would pass: the input's own.
  return Decide(s, in, Context{*config, std::visit([](const auto& i) { return i.at; }, in)});
}

CaseState Fold(CaseState s, const Decision& d) {
  for (const auto& e : d.events) s = Evolve(std::move(s), e);
  return s;
}

// Given: the case after these inputs, each decided (none refused) and folded in turn.
CaseState Given(const std::vector<Input>& inputs) {
  CaseState s;
  for (const auto& in : inputs) {
    Decision d = When(s, in);
    REQUIRE_FALSE(d.rejected());
    s = Fold(std::move(s), d);
  }
  return s;
}

template <typename E>
std::vector<const E*> All(const Decision& d) {
  std::vector<const E*> out;
  for (const auto& e : d.events) {
    if (const auto* x = std::get_if<E>(&e)) out.push_back(x);
  }
  return out;
}

}  // namespace

TEST_CASE(
    "a snapshot opens an open case the log does not know: clock from timeCreated, policy "
    "from the snapshot") {
  // Given a critical case created at 14:00 whose CreateCase the feed lost, when the 15:00
  // snapshot lists it open:
  Decision d = When(CaseState{}, Snap("2026-11-24T15:00:00Z", "opened"));
  REQUIRE_FALSE(d.rejected());
  auto opened = All<CaseOpened>(d);
  REQUIRE(opened.size() == 1);
  CHECK(opened[0]->at == T("2026-11-24T14:00:00Z"));
  CHECK(opened[0]->reconciled_at == T("2026-11-24T15:00:00Z"));
  CHECK(opened[0]->level == 1);
  CHECK(opened[0]->event_id == "snapshot/111122223333/2026-11-24T15:00:00Z/00000000000000aa");
  // The customer's clock ran from 14:00: due 14:15 (15m), warning at 75% (14:11:15); the
  // escalation policy could not run before anyone knew, so it starts at 15:00.
  auto routed = All<Routed>(d);
  REQUIRE(routed.size() == 1);
  CHECK(routed[0]->clock_start == T("2026-11-24T14:00:00Z"));
  CHECK(routed[0]->due == T("2026-11-24T14:15:00Z"));
  CHECK(routed[0]->policy_base == T("2026-11-24T15:00:00Z"));
  CHECK(routed[0]->first_step_at == T("2026-11-24T15:00:00Z"));
  CHECK_FALSE(routed[0]->deferred);
  // The warning and the breach are facts at their own instants; step 0 pages at 15:00, when the
  // page can really leave, and nobody is paged before.
  auto warnings = All<SlaWarning>(d);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0]->at == T("2026-11-24T14:11:15Z"));
  auto breaches = All<Breached>(d);
  REQUIRE(breaches.size() == 1);
  CHECK(breaches[0]->at == T("2026-11-24T14:15:00Z"));
  CHECK(breaches[0]->due == T("2026-11-24T14:15:00Z"));
  auto steps = All<Escalated>(d);
  REQUIRE(steps.size() == 1);
  CHECK(steps[0]->step == 0);
  CHECK(steps[0]->at == T("2026-11-24T15:00:00Z"));
  auto pages = All<Paged>(d);
  REQUIRE_FALSE(pages.empty());
  for (const Paged* p : pages) CHECK(p->at == T("2026-11-24T15:00:00Z"));
  // Events of the decision never go back in time.
  for (size_t i = 1; i < d.events.size(); ++i) CHECK(AtOf(d.events[i - 1]) <= AtOf(d.events[i]));

  CaseState s = Fold(CaseState{}, d);
  CHECK(s.status == CaseStatus::kOpen);
  CHECK(s.opened_at == T("2026-11-24T14:00:00Z"));
  CHECK(s.opened_by_reconciliation);
  CHECK(s.last_fact_at == T("2026-11-24T15:00:00Z"));
  CHECK(s.breach_count == 1);
  // Step 1 (5m) counts from the snapshot.
  CHECK(s.next_action_at == T("2026-11-24T15:05:00Z"));
}

TEST_CASE("a snapshot taken at the case's creation opens it like the feed would") {
  Decision d = When(CaseState{}, Snap("2026-11-24T14:00:00Z", "opened"));
  REQUIRE(All<Routed>(d).size() == 1);
  CHECK(All<Routed>(d)[0]->policy_base == T("2026-11-24T14:00:00Z"));
  CHECK(All<Breached>(d).empty());
  CHECK(All<SlaWarning>(d).empty());
  CHECK(Fold(CaseState{}, d).next_action_at == T("2026-11-24T14:05:00Z"));
}

TEST_CASE("a resolved case the log does not know is left alone") {
  Decision d = When(CaseState{}, Snap("2026-11-24T15:00:00Z", "resolved"));
  CHECK_FALSE(d.rejected());
  CHECK(d.events.empty());
}

TEST_CASE("another severityCode in a snapshot is a severity change at taken_at") {
  CaseState s = Given({Feed(FeedAction::kCreateCase, "ev-1", "2026-11-24T14:00:00Z", "urgent")});
  REQUIRE(s.level == 2);
  Decision d = When(s, Snap("2026-11-24T14:30:00Z", "work-in-progress", "critical"));
  REQUIRE_FALSE(d.rejected());
  auto changed = All<SeverityChanged>(d);
  REQUIRE(changed.size() == 1);
  CHECK(changed[0]->at == T("2026-11-24T14:30:00Z"));
  CHECK(changed[0]->from_code == "urgent");
  CHECK(changed[0]->to_code == "critical");
  CHECK(changed[0]->reconciled_at == T("2026-11-24T14:30:00Z"));
  // As a severity change from the feed: the level-1 due (14:15) has passed, so breached now.
  auto breaches = All<Breached>(d);
  REQUIRE(breaches.size() == 1);
  CHECK(breaches[0]->at_severity_change);
  CaseState after = Fold(s, d);
  CHECK(after.level == 1);
  CHECK(after.status == CaseStatus::kOpen);
}

TEST_CASE("a case the log holds open and the snapshot shows resolved is resolved at taken_at") {
  CaseState s = Given({Feed(FeedAction::kCreateCase, "ev-1", "2026-11-24T14:00:00Z")});
  Decision d = When(s, Snap("2026-11-24T14:12:00Z", "resolved"));
  auto resolved = All<CaseResolved>(d);
  REQUIRE(resolved.size() == 1);
  CHECK(resolved[0]->at == T("2026-11-24T14:12:00Z"));
  CHECK(resolved[0]->reconciled_at == T("2026-11-24T14:12:00Z"));
  // What was due before the resolution fired first: steps 1 and 2 (14:05, 14:10), the warning.
  CHECK(All<Escalated>(d).size() == 2);
  CaseState after = Fold(s, d);
  CHECK(after.status == CaseStatus::kResolved);
  CHECK_FALSE(after.next_action_at.has_value());
}

TEST_CASE("a case the log holds resolved and the snapshot shows open is reopened at taken_at") {
  CaseState s = Given({Feed(FeedAction::kCreateCase, "ev-1", "2026-11-24T14:00:00Z"),
                       Feed(FeedAction::kResolveCase, "ev-2", "2026-11-24T14:03:00Z")});
  Decision d = When(s, Snap("2026-11-24T15:00:00Z", "reopened"));
  auto reopened = All<CaseReopened>(d);
  REQUIRE(reopened.size() == 1);
  CHECK(reopened[0]->at == T("2026-11-24T15:00:00Z"));
  CHECK(reopened[0]->reconciled_at == T("2026-11-24T15:00:00Z"));
  CaseState after = Fold(s, d);
  CHECK(after.status == CaseStatus::kOpen);
  CHECK(after.clock_start == T("2026-11-24T15:00:00Z"));
}

TEST_CASE("a snapshot that agrees with the log, or the same snapshot twice, changes nothing") {
  CaseState s = Given({Feed(FeedAction::kCreateCase, "ev-1", "2026-11-24T14:00:00Z")});
  CHECK(When(s, Snap("2026-11-24T14:12:00Z", "opened")).events.empty());

  // Once applied, the same snapshot again: nothing (an opening, a resolution).
  CaseState opened = Fold(CaseState{}, When(CaseState{}, Snap("2026-11-24T15:00:00Z", "opened")));
  CHECK(When(opened, Snap("2026-11-24T15:00:00Z", "opened")).events.empty());
  Decision resolve = When(s, Snap("2026-11-24T14:12:00Z", "resolved"));
  REQUIRE_FALSE(resolve.events.empty());
  CaseState resolved = Fold(s, resolve);
  CHECK(When(resolved, Snap("2026-11-24T14:12:00Z", "resolved")).events.empty());
  // Even under another event id (a snapshot re-sent with other bytes): the log knows as much.
  CHECK(When(resolved, Snap("2026-11-24T14:12:00Z", "opened", "critical", "other")).events.empty());
}

TEST_CASE("a snapshot taken before the log's latest fact of a case never undoes it") {
  // Resolved at 14:20 and reopened at 14:40 by the feed; a snapshot taken at 14:30 (resolved)
  // arrives after: the reopening stands.
  CaseState s = Given({Feed(FeedAction::kCreateCase, "ev-1", "2026-11-24T14:00:00Z"),
                       Feed(FeedAction::kResolveCase, "ev-2", "2026-11-24T14:20:00Z"),
                       Feed(FeedAction::kReopenCase, "ev-3", "2026-11-24T14:40:00Z")});
  CHECK(When(s, Snap("2026-11-24T14:30:00Z", "resolved")).events.empty());
  CHECK(When(s, Snap("2026-11-24T14:30:00Z", "opened", "low")).events.empty());
  // A snapshot after it is heard.
  CHECK(All<CaseResolved>(When(s, Snap("2026-11-24T14:50:00Z", "resolved"))).size() == 1);

  // An older snapshot against a newer reconciled fact: the 15:00 snapshot lowered the severity,
  // the 14:50 one (still urgent) comes late and changes nothing.
  CaseState lowered = Fold(s, When(s, Snap("2026-11-24T15:00:00Z", "opened", "urgent")));
  REQUIRE(lowered.severity_code == "urgent");
  CHECK(When(lowered, Snap("2026-11-24T14:50:00Z", "opened", "critical")).events.empty());
}

TEST_CASE("a CreateCase the feed delivers after a snapshot opened its case changes nothing") {
  CaseState s = Given({Snap("2026-11-24T15:00:00Z", "opened")});
  Decision d = When(s, Feed(FeedAction::kCreateCase, "ev-1", "2026-11-24T14:00:00Z"));
  CHECK_FALSE(d.rejected());
  CHECK(d.events.empty());
  // A case the feed opened still refuses a second CreateCase.
  CaseState fed = Given({Feed(FeedAction::kCreateCase, "ev-1", "2026-11-24T14:00:00Z")});
  CHECK(When(fed, Feed(FeedAction::kCreateCase, "ev-9", "2026-11-24T14:01:00Z")).rejected());
}

TEST_CASE("a reconciled case without a known severity is refused with a reason") {
  FeedEvent fe = Snap("2026-11-24T15:00:00Z", "opened", "apocalyptic");
  Decision d = When(CaseState{}, fe);
  REQUIRE(d.rejected());
  CHECK_THAT(*d.rejection, Catch::Contains("apocalyptic"));
}

TEST_CASE(
    "reconciled facts keep their snapshot instant through the codec, the JSON and the "
    "projection") {
  CaseState s = Given({Snap("2026-11-24T15:00:00Z", "opened")});
  Decision d = When(s, Snap("2026-11-24T15:30:00Z", "resolved"));
  std::vector<Event> events = When(CaseState{}, Snap("2026-11-24T15:00:00Z", "opened")).events;
  events.insert(events.end(), d.events.begin(), d.events.end());
  events.push_back(SeverityChanged{kCase, T("2026-11-24T15:10:00Z"), "critical", "urgent", 1, 2,
                                   "x", std::nullopt, std::nullopt, T("2026-11-24T15:10:00Z")});
  events.push_back(
      CaseReopened{kCase, T("2026-11-24T15:40:00Z"), "x", std::nullopt, T("2026-11-24T15:40:00Z")});
  int reconciled = 0;
  for (const Event& e : events) {
    auto back = DecodeEvent(EncodeEvent(e));
    REQUIRE(back.ok());
    CHECK(*back == e);
    auto j = EventToJson(1, e);
    if (j.contains("origin") && j["origin"] == "reconciliation") {
      ++reconciled;
      CHECK(j.contains("snapshot_taken_at"));
    }
  }
  CHECK(reconciled == 4);  // case_opened, case_resolved, severity_changed, case_reopened

  // A fact from the feed carries no field: its bytes are what they were before the field.
  CaseResolved fed{kCase, T("2026-11-24T15:30:00Z"), "ev-2"};
  CaseResolved snap = fed;
  snap.reconciled_at = T("2026-11-24T15:30:00Z");
  CHECK(EncodeEvent(fed).size() < EncodeEvent(snap).size());
  CHECK_FALSE(EventToJson(1, fed).contains("origin"));

  CaseState after = Fold(s, d);
  auto projected = DecodeCaseState(EncodeCaseState(after));
  REQUIRE(projected.ok());
  CHECK(*projected == after);
  CHECK(projected->last_fact_at == T("2026-11-24T15:30:00Z"));
  CHECK(projected->opened_by_reconciliation);
}
