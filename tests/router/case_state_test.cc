// Proves Evolve folds each event into the case state as the events' contract
// says (clock, response, timers, idempotency ids), and that the projection
// encoding round-trips and tolerates fields it does not know.
#include "router/case_state.h"

#include <catch2/catch.hpp>

#include "router/codec.h"
#include "tests/router/samples.h"

namespace {

using namespace router;
using router_testing::T;

const std::string kCase = "c-1";

CaseState Fold(const std::vector<Event>& events) {
  CaseState s;
  for (const auto& e : events) s = Evolve(std::move(s), e);
  return s;
}

CaseOpened Opened(const char* at = "2026-11-24T14:00:00Z") {
  return CaseOpened{kCase,    T(at), "123", "acct",       "subj", "medialive", "cat",
                    "urgent", 2,     "me",  std::nullopt, "en",   "ev-open"};
}

// A routed that starts (clock_start) or re-targets the escalation with a plan.
Routed Plan(const char* at, const char* due, bool starts_clock = true, int level = 2) {
  Routed r{kCase, T(at), level, "always", "us-east-business", "annual"};
  r.clock = "always";
  r.target_s = 3600;
  r.steps = 3;
  if (starts_clock) r.clock_start = T(at);
  r.due = T(due);
  r.first_step_at = T(at);
  r.next_action_at = T(at);
  return r;
}

}  // namespace

TEST_CASE("case_opened opens the case and starts the response clock") {
  CaseState s = Fold({Opened()});
  CHECK(s.opened);
  CHECK(s.status == CaseStatus::kOpen);
  CHECK(s.case_id == kCase);
  CHECK(s.account == "acct");
  CHECK(s.service == "medialive");
  CHECK(s.severity_code == "urgent");
  CHECK(s.level == 2);
  CHECK(s.opened_at == T("2026-11-24T14:00:00Z"));
  CHECK(s.clock_start == s.opened_at);
  CHECK(s.awaiting_response);
  CHECK(s.SawEventId("ev-open"));
  CHECK_FALSE(s.SawEventId("ev-other"));
}

TEST_CASE("routed and escalated set the due instant and the next timer, overwriting") {
  CaseState s = Fold({Opened(), Plan("2026-11-24T14:00:00Z", "2026-11-24T15:00:00Z")});
  REQUIRE(s.escalation);
  CHECK(s.escalation->due == T("2026-11-24T15:00:00Z"));
  CHECK(s.next_action_at == T("2026-11-24T14:00:00Z"));
  CHECK(s.coverage == "always");
  CHECK(s.plan == "annual");
  s = Evolve(s, Paged{kCase, T("2026-11-24T14:00:00Z"), "alice"});
  s = Evolve(s, Paged{kCase, T("2026-11-24T14:05:00Z"), "alice"});
  CHECK(s.paged == std::vector<std::string>{"alice"});
  CHECK(s.next_action_at == T("2026-11-24T14:00:00Z"));  // a page schedules nothing
  s = Evolve(s, Escalated{kCase, T("2026-11-24T14:05:00Z"), 1, 0, T("2026-11-24T14:10:00Z")});
  CHECK(s.escalation->current_step == 1);
  CHECK(s.next_action_at == T("2026-11-24T14:10:00Z"));
  s = Evolve(s, Escalated{kCase, T("2026-11-24T14:10:00Z"), 2, 0, std::nullopt});
  CHECK_FALSE(s.next_action_at.has_value());
}

TEST_CASE("the first response stops the clock and clears the timer; the acker owns the case") {
  Routed r{kCase, T("2026-11-24T14:00:00Z"), 2};
  r.next_action_at = T("2026-11-24T14:05:00Z");
  CaseState s = Fold({Opened(), r, Acknowledged{kCase, T("2026-11-24T14:03:00Z"), "bob"},
                      Responded{kCase, T("2026-11-24T14:03:00Z"), ResponseKind::kAck, "bob"},
                      Acknowledged{kCase, T("2026-11-24T14:04:00Z"), "alice"}});
  CHECK_FALSE(s.awaiting_response);
  CHECK(s.first_response_at == T("2026-11-24T14:03:00Z"));
  CHECK_FALSE(s.next_action_at.has_value());
  CHECK(s.owner == "bob");
  CHECK(s.acked_by == std::vector<std::string>{"bob", "alice"});
}

TEST_CASE("an AWS communication response does not make the communication id an owner") {
  CaseState s = Fold({Opened(), Responded{kCase, T("2026-11-24T14:03:00Z"),
                                          ResponseKind::kAwsCommunication, "comm-1"}});
  CHECK(s.first_response_at == T("2026-11-24T14:03:00Z"));
  CHECK(s.owner.empty());
}

TEST_CASE("a customer follow-up that starts a clock resets the running clock's marks") {
  CaseState s = Fold(
      {Opened(), Responded{kCase, T("2026-11-24T14:03:00Z"), ResponseKind::kAck, "bob"},
       CommunicationAdded{kCase, T("2026-11-24T16:00:00Z"), Origin::kCustomer, "comm-2", "ev-2",
                          true, T("2026-11-24T17:00:00Z"), T("2026-11-24T16:00:00Z")}});
  CHECK(s.awaiting_response);
  CHECK(s.clock_start == T("2026-11-24T16:00:00Z"));
  // Its due (17:00) is the escalation's, from the routed that follows it.
  CHECK(s.first_response_at == T("2026-11-24T14:03:00Z"));  // the first response stays
  CHECK(s.next_action_at == T("2026-11-24T16:00:00Z"));
}

TEST_CASE("severity change, breach, warning, resolve and reopen") {
  CaseState s =
      Fold({Opened(), Plan("2026-11-24T14:00:00Z", "2026-11-24T15:00:00Z"),
            SeverityChanged{kCase, T("2026-11-24T14:02:00Z"), "urgent", "critical", 2, 1, "ev-2",
                            T("2026-11-24T14:15:00Z"), T("2026-11-24T14:02:00Z")},
            Plan("2026-11-24T14:02:00Z", "2026-11-24T14:15:00Z", /*starts_clock=*/false, 1)});
  CHECK(s.level == 1);
  CHECK(s.severity_code == "critical");
  REQUIRE(s.escalation);
  CHECK(s.escalation->due == T("2026-11-24T14:15:00Z"));
  s = Evolve(s, SlaWarning{kCase, T("2026-11-24T14:11:15Z"), T("2026-11-24T14:15:00Z"),
                           T("2026-11-24T14:15:00Z")});
  CHECK(s.escalation->warned);
  s = Evolve(s, Breached{kCase, T("2026-11-24T14:15:00Z"), T("2026-11-24T14:15:00Z"),
                         T("2026-11-24T14:20:00Z")});
  CHECK(s.escalation->breached);
  CHECK(s.breach_count == 1);
  CHECK(s.next_action_at == T("2026-11-24T14:20:00Z"));  // a breach does not stop escalation
  s = Evolve(s, CaseResolved{kCase, T("2026-11-24T15:00:00Z"), "ev-3"});
  CHECK(s.status == CaseStatus::kResolved);
  CHECK_FALSE(s.awaiting_response);
  CHECK_FALSE(s.next_action_at.has_value());
  s = Evolve(s, CaseReopened{kCase, T("2026-11-25T09:00:00Z"), "ev-4", T("2026-11-25T09:00:00Z")});
  s = Evolve(s, Plan("2026-11-25T09:00:00Z", "2026-11-25T09:15:00Z"));  // the new clock
  CHECK(s.status == CaseStatus::kOpen);
  CHECK(s.reopen_count == 1);
  CHECK(s.awaiting_response);
  CHECK(s.clock_start == T("2026-11-25T09:00:00Z"));
  CHECK_FALSE(s.escalation->breached);
  CHECK_FALSE(s.escalation->warned);
  CHECK_FALSE(s.first_response_at.has_value());
  CHECK(s.breach_count == 1);
  CHECK(s.SawEventId("ev-4"));
}

TEST_CASE("the idempotency memory is bounded, oldest ids forgotten first") {
  CaseState s = Fold({Opened()});
  for (size_t i = 0; i < kSeenEventIds + 5; ++i) {
    s = Evolve(s, CommunicationAdded{kCase, T("2026-11-24T14:03:00Z"), Origin::kCustomer, "comm",
                                     "id-" + std::to_string(i)});
  }
  CHECK(s.seen_event_ids.size() == kSeenEventIds);
  CHECK_FALSE(s.SawEventId("ev-open"));
  CHECK_FALSE(s.SawEventId("id-4"));
  CHECK(s.SawEventId("id-5"));
  CHECK(s.SawEventId("id-" + std::to_string(kSeenEventIds + 4)));
}

TEST_CASE("a case remembers an envelope id as its 64-bit FNV-1a hash, a persisted value") {
  // Known answers of FNV-1a 64: a change here would forget every stored id.
  CHECK(EventIdHash("") == 0xcbf29ce484222325ull);
  CHECK(EventIdHash("a") == 0xaf63dc4c8601ec8cull);
  CHECK(EventIdHash("foobar") == 0x85944171f73967e8ull);
  CaseState s = Fold({Opened()});
  REQUIRE(s.seen_event_ids.size() == 1);
  CHECK(s.seen_event_ids[0] == EventIdHash("ev-open"));
}

TEST_CASE("a projection written before the id hashes decodes to the same state") {
  CaseState s = Fold({Opened()});
  s = Evolve(s, CommunicationAdded{kCase, T("2026-11-24T14:03:00Z"), Origin::kCustomer, "comm",
                                   "7e1c4a52-0b1f-4b54-9d2a-000000000002"});
  CaseState without_ids = s;
  without_ids.seen_event_ids.clear();
  // The earlier layout: one field 30 string per id, oldest first.
  std::string old_bytes = EncodeCaseState(without_ids);
  wire::Writer(&old_bytes).Bytes(30, "ev-open");
  wire::Writer(&old_bytes).Bytes(30, "7e1c4a52-0b1f-4b54-9d2a-000000000002");
  auto back = DecodeCaseState(old_bytes);
  REQUIRE(back.ok());
  CHECK(*back == s);
  CHECK(back->SawEventId("7e1c4a52-0b1f-4b54-9d2a-000000000002"));
  CHECK(EncodeCaseState(*back) == EncodeCaseState(s));
}

TEST_CASE("a projection written with the clock's facts beside the escalation decodes the same") {
  // Given a case routed, escalated to step 1, warned and breached: the escalation holds it all.
  CaseState s = Fold({Opened(), Plan("2026-11-24T14:00:00Z", "2026-11-24T15:00:00Z")});
  Escalated step{kCase, T("2026-11-24T14:20:00Z"), 1, 0, T("2026-11-24T14:40:00Z")};
  step.next_step = 2;
  step.next_step_at = T("2026-11-24T14:40:00Z");
  s = Evolve(s, step);
  s = Evolve(s, SlaWarning{kCase, T("2026-11-24T14:45:00Z"), T("2026-11-24T15:00:00Z")});
  s = Evolve(s, Breached{kCase, T("2026-11-24T15:00:00Z"), T("2026-11-24T15:00:00Z")});
  REQUIRE(s.escalation);
  // When it was stored by the earlier layout, which repeated them as fields 18 due, 21 warned,
  // 22 breached, 24 step and 25 cycle.
  std::string old_bytes = EncodeCaseState(s);
  wire::Writer old(&old_bytes);
  old.OptTime(18, T("2026-11-24T15:00:00Z"));
  old.Bool(21, true);
  old.Bool(22, true);
  old.Int(24, 1);
  old.Int(25, 0);
  // Then it loads the state the fold gives today, and is written back without them.
  auto back = DecodeCaseState(old_bytes);
  REQUIRE(back.ok());
  CHECK(*back == s);
  CHECK(back->escalation->due == T("2026-11-24T15:00:00Z"));
  CHECK((back->escalation->warned && back->escalation->breached));
  CHECK(back->escalation->current_step == 1);
  CHECK(EncodeCaseState(*back).size() < old_bytes.size());
}

TEST_CASE("a projection stored by the earlier layout loads, its clock's facts from field 33") {
  // Given the projection the earlier layout stored for the sample's unknown-account case after
  // its breach (fields 18 due, 21 warned and 22 breached beside the escalation, field 33).
  const std::string hex =
      "01080110011a2c636173652d3737373738383838393939392d6d75656e2d323032362d613162326333643465"
      "35663630303033220a313233343536303030332a0c373737373838383839393939320a616d617a6f6e2d7264"
      "733a066e6f726d616c400848a0f9addec1686206616c776179736a06616c77617973720a656e746572707269"
      "736578018001a0f9addec1688801019001a0b1c787c268a80101b00101b80102d20103626f6292020865f805"
      "1e7891b50182022f52445320696e7374616e6365206661696c6f76657220746f6f6b206c6f6e676572207468"
      "616e2065787065637465648a0280010a0c373737373838383839393939120a616d617a6f6e2d726473180820"
      "0138a0f9addec1684206616c776179734880a305500158a0f9addec168680270028001a0f9addec168880101"
      "900102980102a20112656e74657270726973652d737570706f7274aa0103626f62b801a0b1c787c268c001a0"
      "83a1fdc168c80101d00101";
  std::string bytes;
  for (size_t i = 0; i < hex.size(); i += 2) {
    bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  // When it is decoded, then the due, warning and breach are the escalation's.
  auto s = DecodeCaseState(bytes);
  REQUIRE(s.ok());
  CHECK(s->case_id == "case-777788889999-muen-2026-a1b2c3d4e5f60003");
  CHECK(s->breach_count == 1);
  REQUIRE(s->escalation);
  CHECK(s->escalation->due == T("2026-11-25T02:11:30Z"));
  CHECK(s->escalation->warned);
  CHECK(s->escalation->breached);
  // And the state written back in today's layout loads the same.
  auto again = DecodeCaseState(EncodeCaseState(*s));
  REQUIRE(again.ok());
  CHECK(*again == *s);
}

TEST_CASE("a projection whose id hashes are not whole 8-byte values is corrupt") {
  std::string bytes = EncodeCaseState(Fold({Opened()}));
  wire::Writer(&bytes).Bytes(34, "1234567");
  auto back = DecodeCaseState(bytes);
  REQUIRE_FALSE(back.ok());
  CHECK(back.status().code() == base::Code::kCorruption);
  CHECK(back.status().message().find("seen event ids of 7 bytes") != std::string::npos);
}

TEST_CASE("the case projection round-trips, and skips fields it does not know") {
  CaseState s;
  for (const auto& e : router_testing::EveryEventType()) s = Evolve(std::move(s), e);
  s = Evolve(s, Paged{s.case_id, T("2026-11-24T17:00:00Z"), "alice"});
  s = Evolve(s, Acknowledged{s.case_id, T("2026-11-24T17:01:00Z"), "alice"});
  std::string bytes = EncodeCaseState(s);
  auto back = DecodeCaseState(bytes);
  REQUIRE(back.ok());
  CHECK(*back == s);
  wire::Writer(&bytes).Bytes(99, "future");
  back = DecodeCaseState(bytes);
  REQUIRE(back.ok());
  CHECK(*back == s);
  CHECK_FALSE(DecodeCaseState(bytes.substr(0, bytes.size() - 3)).ok());
  CHECK_FALSE(DecodeCaseState("\x07").ok());
}
