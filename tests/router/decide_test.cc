// Proves the feed-level rules of Decide, given/when/then: opening a case,
// idempotent redelivery, refusals with reasons, communications and first
// response, resolve/reopen, severity changes, acknowledgements (routing: routing_test.cc).
#include "router/decide.h"

#include <catch2/catch.hpp>

#include "router/reason_text.h"
#include "tests/router/samples.h"

namespace {

using namespace router;
using router_testing::T;

const std::string kCase = "case-111122223333-muen-2026-a1b2c3d4e5f60001";
const Timestamp kNow = T("2026-11-24T14:30:00Z");

CaseDetails Details(const std::string& severity = "urgent") {
  CaseDetails d;
  d.case_id = kCase;
  d.display_id = "1234560001";
  d.subject = "MediaLive channel input loss";
  d.status = "opened";
  d.service_code = "medialive";
  d.category_code = "channel-failure";
  d.severity_code = severity;
  d.submitted_by = "ops@northwind.example";
  d.time_created = T("2026-11-24T14:02:09Z");
  d.language = "en";
  return d;
}

FeedEvent Feed(FeedAction action, const std::string& id, const char* at,
               Origin origin = Origin::kNone, std::optional<CaseDetails> details = std::nullopt) {
  FeedEvent fe;
  fe.event_id = id;
  fe.case_id = kCase;
  fe.display_id = "1234560001";
  fe.account = "111122223333";
  fe.action = action;
  fe.origin = origin;
  fe.at = T(at);
  fe.details = std::move(details);
  if (action == FeedAction::kAddCommunication) fe.communication_id = "comm-" + id;
  return fe;
}

FeedEvent Create(const std::string& id = "ev-1", const std::string& severity = "urgent") {
  return Feed(FeedAction::kCreateCase, id, "2026-11-24T14:02:11Z", Origin::kNone,
              Details(severity));
}

// Given: the case state after these inputs (each decided and folded in turn).
CaseState Given(const std::vector<Input>& inputs) {
  auto config = router_testing::SmallConfig();
  CaseState s;
  for (const auto& in : inputs) {
    Decision d = Decide(s, in, Context{*config, kNow});
    REQUIRE_FALSE(d.rejected());
    for (const auto& e : d.events) s = Evolve(std::move(s), e);
  }
  return s;
}

Decision When(const CaseState& s, const Input& in) {
  auto config = router_testing::SmallConfig();
  return Decide(s, in, Context{*config, kNow});
}

// The feed-level event types of a decision (the routing events it also
// carries are the subject of routing_test.cc).
std::vector<std::string> Types(const Decision& d) {
  std::vector<std::string> out;
  for (const auto& e : d.events) {
    std::string_view t = TypeName(e);
    if (t == "routed" || t == "escalated" || t == "paged" || t == "handoff_checked" ||
        t == "sla_warning" || t == "breached")
      continue;
    out.emplace_back(t);
  }
  return out;
}

using Names = std::vector<std::string>;

void ThenRejected(const Decision& d, ReasonCode code, const std::string& reason_part) {
  REQUIRE(d.rejected());
  CHECK_THAT(*d.rejection, Catch::Contains(reason_part));
  REQUIRE(d.events.size() == 1);
  const auto& r = std::get<InputRejected>(d.events[0]);
  CHECK(r.reason.code == code);
  CHECK(ReasonText(r) == *d.rejection);
  CHECK(r.at == kNow);
  CHECK_FALSE(r.raw_summary.empty());
}

}  // namespace

TEST_CASE("CreateCase with details opens the case at the level of the severity map") {
  Decision d = When(CaseState{}, Create("ev-1", "urgent"));
  REQUIRE_FALSE(d.rejected());
  REQUIRE(Types(d) == Names{"case_opened"});
  const auto& o = std::get<CaseOpened>(d.events[0]);
  CHECK(o.case_id == kCase);
  CHECK(o.at == T("2026-11-24T14:02:11Z"));
  CHECK(o.level == 2);
  CHECK(o.severity_code == "urgent");
  CHECK(o.account == "111122223333");
  CHECK(o.service == "medialive");
  CHECK(o.category == "channel-failure");
  CHECK(o.display_id == "1234560001");
  CHECK(o.subject == "MediaLive channel input loss");
  CHECK(o.submitted_by == "ops@northwind.example");
  CHECK(o.time_created == T("2026-11-24T14:02:09Z"));
  CHECK(o.language == "en");
  CHECK(o.event_id == "ev-1");
  CHECK(std::get<CaseOpened>(When(CaseState{}, Create("ev-1", "low")).events[0]).level == 4);
}

TEST_CASE("a redelivered envelope changes nothing") {
  CaseState s = Given({Create("ev-1")});
  CHECK(When(s, Create("ev-1")).events.empty());
  FeedEvent comm =
      Feed(FeedAction::kAddCommunication, "ev-2", "2026-11-24T14:09:02Z", Origin::kAws);
  s = Given({Create("ev-1"), comm});
  Decision again = When(s, comm);
  CHECK(again.events.empty());
  CHECK_FALSE(again.rejected());
}

TEST_CASE("inputs for a case never opened are refused with a reason") {
  CaseState none;
  ThenRejected(
      When(none, Feed(FeedAction::kAddCommunication, "e", "2026-11-24T14:09:02Z", Origin::kAws)),
      ReasonCode::kNeverOpened, "AddCommunicationToCase for a case never opened");
  ThenRejected(When(none, Feed(FeedAction::kResolveCase, "e", "2026-11-24T14:09:02Z")),
               ReasonCode::kNeverOpened, "ResolveCase for a case never opened");
  ThenRejected(When(none, Feed(FeedAction::kReopenCase, "e", "2026-11-24T14:09:02Z")),
               ReasonCode::kNeverOpened, "ReopenCase for a case never opened");
  ThenRejected(When(none, Acknowledge{kCase, "alice", T("2026-11-24T14:09:02Z")}),
               ReasonCode::kAckNeverOpened, "acknowledgement for a case never opened");
}

TEST_CASE("malformed feed inputs are refused with a reason naming what is wrong") {
  ThenRejected(When(CaseState{}, Feed(FeedAction::kCreateCase, "e", "2026-11-24T14:02:11Z")),
               ReasonCode::kCreateWithoutDetails, "CreateCase without case details");
  ThenRejected(When(CaseState{}, Create("e", "panic")), ReasonCode::kUnknownSeverity,
               "unknown severityCode 'panic'");
  ThenRejected(When(CaseState{}, Create("e", "")), ReasonCode::kCreateWithoutSeverity,
               "CreateCase without severityCode");
  FeedEvent other = Create("e");
  other.details->case_id = "case-other";
  ThenRejected(When(CaseState{}, other), ReasonCode::kDetailsNameOtherCase,
               "case details name case 'case-other'");
  FeedEvent no_case = Create("e");
  no_case.case_id.clear();
  ThenRejected(When(CaseState{}, no_case), ReasonCode::kNoCaseId, "names no case id");

  CaseState s = Given({Create("ev-1")});
  ThenRejected(When(s, Create("ev-9")), ReasonCode::kAlreadyOpened,
               "CreateCase for a case already opened");
  ThenRejected(When(s, Feed(FeedAction::kAddCommunication, "ev-2", "2026-11-24T14:09:02Z",
                            Origin::kAws, Details("panic"))),
               ReasonCode::kUnknownSeverity, "unknown severityCode 'panic'");
}

TEST_CASE("the first AWS communication is the first response; later ones are not") {
  CaseState s = Given({Create("ev-1")});
  Decision d =
      When(s, Feed(FeedAction::kAddCommunication, "ev-2", "2026-11-24T14:09:02Z", Origin::kAws));
  REQUIRE(Types(d) == Names{"communication_added", "responded"});
  const auto& c = std::get<CommunicationAdded>(d.events[0]);
  CHECK(c.origin == Origin::kAws);
  CHECK(c.communication_id == "comm-ev-2");
  CHECK(c.event_id == "ev-2");
  CHECK_FALSE(c.starts_clock);
  const auto& r = std::get<Responded>(d.events[1]);
  CHECK(r.how == ResponseKind::kAwsCommunication);
  CHECK(r.by == "comm-ev-2");
  CHECK(r.at == T("2026-11-24T14:09:02Z"));

  s = Given({Create("ev-1"),
             Feed(FeedAction::kAddCommunication, "ev-2", "2026-11-24T14:09:02Z", Origin::kAws)});
  CHECK(Types(When(s, Feed(FeedAction::kAddCommunication, "ev-3", "2026-11-24T14:19:02Z",
                           Origin::kAws))) == Names{"communication_added"});
}

TEST_CASE(
    "a customer communication before any response starts nothing; after one it starts a "
    "next-response clock, which the next AWS communication answers") {
  CaseState s = Given({Create("ev-1")});
  Decision before = When(
      s, Feed(FeedAction::kAddCommunication, "ev-2", "2026-11-24T14:05:00Z", Origin::kCustomer));
  REQUIRE(Types(before) == Names{"communication_added"});
  CHECK_FALSE(std::get<CommunicationAdded>(before.events[0]).starts_clock);

  s = Given({Create("ev-1"), Acknowledge{kCase, "alice", T("2026-11-24T14:06:00Z")}});
  Decision after = When(
      s, Feed(FeedAction::kAddCommunication, "ev-3", "2026-11-24T16:00:00Z", Origin::kCustomer));
  REQUIRE(Types(after) == Names{"communication_added"});
  CHECK(std::get<CommunicationAdded>(after.events[0]).starts_clock);

  s = Given(
      {Create("ev-1"), Acknowledge{kCase, "alice", T("2026-11-24T14:06:00Z")},
       Feed(FeedAction::kAddCommunication, "ev-3", "2026-11-24T16:00:00Z", Origin::kCustomer)});
  CHECK(s.awaiting_response);
  CHECK(Types(When(s, Feed(FeedAction::kAddCommunication, "ev-4", "2026-11-24T16:20:00Z",
                           Origin::kAws))) == Names{"communication_added", "responded"});
}

TEST_CASE("resolve and reopen, each idempotent at the domain level") {
  CaseState s = Given({Create("ev-1")});
  Decision resolve = When(s, Feed(FeedAction::kResolveCase, "ev-2", "2026-11-24T15:00:00Z"));
  REQUIRE(Types(resolve) == Names{"case_resolved"});
  CHECK(std::get<CaseResolved>(resolve.events.back()).event_id == "ev-2");
  CHECK(Types(When(s, Feed(FeedAction::kReopenCase, "ev-3", "2026-11-24T15:00:00Z"))).empty());

  s = Given({Create("ev-1"), Feed(FeedAction::kResolveCase, "ev-2", "2026-11-24T15:00:00Z")});
  CHECK(Types(When(s, Feed(FeedAction::kResolveCase, "ev-3", "2026-11-24T15:10:00Z"))).empty());
  Decision reopen = When(s, Feed(FeedAction::kReopenCase, "ev-4", "2026-11-25T09:00:00Z"));
  REQUIRE(Types(reopen) == Names{"case_reopened"});
  CHECK(std::get<CaseReopened>(reopen.events[0]).at == T("2026-11-25T09:00:00Z"));
  // After the reopen a new clock runs: an AWS communication is a response again.
  s = Given({Create("ev-1"),
             Feed(FeedAction::kAddCommunication, "ev-5", "2026-11-24T14:09:02Z", Origin::kAws),
             Feed(FeedAction::kResolveCase, "ev-2", "2026-11-24T15:00:00Z"),
             Feed(FeedAction::kReopenCase, "ev-4", "2026-11-25T09:00:00Z")});
  CHECK(Types(When(s, Feed(FeedAction::kAddCommunication, "ev-6", "2026-11-25T09:10:00Z",
                           Origin::kAws))) == Names{"communication_added", "responded"});
}

TEST_CASE("details carrying another severityCode change the severity before the event itself") {
  CaseState s = Given({Create("ev-1", "urgent")});
  Decision d = When(s, Feed(FeedAction::kAddCommunication, "ev-2", "2026-11-24T14:10:00Z",
                            Origin::kCustomer, Details("critical")));
  REQUIRE(Types(d) == Names{"severity_changed", "communication_added"});
  const auto& c = std::get<SeverityChanged>(d.events[0]);
  CHECK(c.from_code == "urgent");
  CHECK(c.to_code == "critical");
  CHECK(c.from_level == 2);
  CHECK(c.to_level == 1);
  CHECK(c.at == T("2026-11-24T14:10:00Z"));
  // The same severity is no change.
  CHECK(Types(When(s, Feed(FeedAction::kResolveCase, "ev-3", "2026-11-24T15:00:00Z", Origin::kNone,
                           Details("urgent")))) == Names{"case_resolved"});
}

TEST_CASE("an acknowledgement is the first response; later ones are recorded, repeats ignored") {
  CaseState s = Given({Create("ev-1")});
  Decision first = When(s, Acknowledge{kCase, "alice", T("2026-11-24T14:04:00Z")});
  REQUIRE(Types(first) == Names{"acknowledged", "responded"});
  CHECK(std::get<Acknowledged>(first.events[0]).engineer == "alice");
  CHECK(std::get<Responded>(first.events[1]).how == ResponseKind::kAck);
  CHECK(std::get<Responded>(first.events[1]).by == "alice");

  s = Given({Create("ev-1"), Acknowledge{kCase, "alice", T("2026-11-24T14:04:00Z")}});
  CHECK(s.owner == "alice");
  CHECK(Types(When(s, Acknowledge{kCase, "bob", T("2026-11-24T14:05:00Z")})) ==
        Names{"acknowledged"});
  CHECK(When(s, Acknowledge{kCase, "alice", T("2026-11-24T14:06:00Z")}).events.empty());
  ThenRejected(When(s, Acknowledge{kCase, "mallory", T("2026-11-24T14:06:00Z")}),
               ReasonCode::kAckUnknownEngineer, "unknown engineer 'mallory'");
  ThenRejected(When(s, Acknowledge{kCase, "", T("2026-11-24T14:06:00Z")}),
               ReasonCode::kAckNoEngineer, "no engineer");
}

TEST_CASE("a tick before anything is due, or for a case never opened, decides nothing") {
  CaseState s = Given({Create("ev-1")});
  REQUIRE(s.next_action_at.has_value());
  Decision d = When(s, Tick{kCase, *s.next_action_at - std::chrono::milliseconds(1)});
  CHECK(d.events.empty());
  CHECK_FALSE(d.rejected());
  CHECK(When(CaseState{}, Tick{kCase, T("2026-11-24T15:00:00Z")}).events.empty());
}

TEST_CASE("a refused input leaves the case as it was, apart from counting the refusal") {
  CaseState s = Given({Create("ev-1")});
  Decision d = When(s, Create("ev-9"));
  REQUIRE(d.rejected());
  CaseState after = Evolve(s, d.events[0]);
  CHECK(after.rejected_inputs == 1);
  after.rejected_inputs = 0;
  after.seen_event_ids.pop_back();  // the refused envelope's id is remembered
  CHECK(after == s);
}
