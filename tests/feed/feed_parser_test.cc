// Proves the feed parser accepts the real feed shapes (EventBridge envelope, bare
// CaseDetails) and rejects every kind of malformed message with a precise reason.
#include "feed/feed_parser.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "engine/layouts.h"
#include "feed/kafka_ingest.h"
#include "tests/test_support.h"

namespace {

using router::FeedEvent;
using router::FeedParser;
using router::FeedRejection;

const std::map<std::string, int> kSeverities = {
    {"critical", 1}, {"urgent", 2}, {"high", 3}, {"normal", 4}, {"low", 4}};

std::string Envelope(const std::string& detail, const std::string& top = "") {
  return R"({"version":"0","id":"ev-1","detail-type":"Support Case Update","source":"aws.support",)"
         R"("account":"111122223333","time":"2026-11-24T14:02:11Z",)" +
         top + R"("detail":)" + detail + "}";
}

const std::string kDetails =
    R"({"caseId":"case-111122223333-muen-2026-1","displayId":"77","subject":"s","status":"opened",)"
    R"("serviceCode":"medialive","categoryCode":"c","severityCode":"critical",)"
    R"("submittedBy":"a@b","timeCreated":"2026-11-24T14:02:09Z","language":"en"})";

std::string Reason(const std::string& bytes, size_t max = 64 * 1024) {
  FeedParser p({max, kSeverities});
  auto r = p.Parse(bytes);
  if (auto* rej = std::get_if<FeedRejection>(&r)) return rej->reason;
  return "accepted";
}

}  // namespace

TEST_CASE("every line of the sample feed parses") {
  std::ifstream in(testing_support::SharedDir() / "samples" / "case-events.jsonl");
  REQUIRE(in);
  FeedParser p({64 * 1024, kSeverities});
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    auto r = p.Parse(line);
    INFO(line);
    REQUIRE(std::holds_alternative<FeedEvent>(r));
    ++n;
  }
  CHECK(n >= 5);
}

TEST_CASE("an envelope with case details becomes a CreateCase with its details") {
  FeedParser p({64 * 1024, kSeverities});
  auto r = p.Parse(Envelope(R"({"case-id":"case-111122223333-muen-2026-1","display-id":"77",)"
                            R"("communication-id":"","event-name":"CreateCase","origin":"",)"
                            R"("case":)" +
                            kDetails + "}"));
  REQUIRE(std::holds_alternative<FeedEvent>(r));
  const auto& ev = std::get<FeedEvent>(r);
  CHECK(ev.event_id == "ev-1");
  CHECK(ev.case_id == "case-111122223333-muen-2026-1");
  CHECK(ev.display_id == "77");
  CHECK(ev.account == "111122223333");
  CHECK(ev.action == router::FeedAction::kCreateCase);
  CHECK(ev.origin == router::Origin::kNone);
  CHECK(base::FormatInstant(ev.at) == "2026-11-24T14:02:11Z");
  REQUIRE(ev.details);
  CHECK(ev.details->severity_code == "critical");
  CHECK(ev.details->service_code == "medialive");
  REQUIRE(ev.details->time_created);
  CHECK(base::FormatInstant(*ev.details->time_created) == "2026-11-24T14:02:09Z");
}

TEST_CASE("communications carry origin and communication id") {
  FeedParser p({64 * 1024, kSeverities});
  auto r = p.Parse(Envelope(R"({"case-id":"c-1","communication-id":"m-9",)"
                            R"("event-name":"AddCommunicationToCase","origin":"CUSTOMER"})"));
  REQUIRE(std::holds_alternative<FeedEvent>(r));
  CHECK(std::get<FeedEvent>(r).origin == router::Origin::kCustomer);
  CHECK(std::get<FeedEvent>(r).communication_id == "m-9");
  CHECK(std::get<FeedEvent>(r).action == router::FeedAction::kAddCommunication);
  CHECK_FALSE(std::get<FeedEvent>(r).details);
}

TEST_CASE("a bare CaseDetails object is a CreateCase keyed by content") {
  FeedParser p({64 * 1024, kSeverities});
  auto r = p.Parse(kDetails);
  REQUIRE(std::holds_alternative<FeedEvent>(r));
  const auto& ev = std::get<FeedEvent>(r);
  CHECK(ev.action == router::FeedAction::kCreateCase);
  CHECK(ev.account == "111122223333");
  CHECK(ev.event_id.rfind("casedetails/case-111122223333-muen-2026-1/", 0) == 0);
  CHECK(base::FormatInstant(ev.at) == "2026-11-24T14:02:09Z");
  auto again = p.Parse(kDetails);
  CHECK(std::get<FeedEvent>(again).event_id == ev.event_id);
  CHECK(Reason(R"({"caseId":"c-2","severityCode":"low"})") ==
        "field timeCreated missing (bare CaseDetails)");
}

TEST_CASE("malformed messages are rejected with a precise reason") {
  const std::string create = R"("event-name":"CreateCase","origin":"","case":)";
  CHECK(Reason("") == "empty message");
  CHECK(Reason("{not json").rfind("invalid JSON", 0) == 0);
  CHECK(Reason(std::string("\xff\xfe\x00\x01junk", 8)) == "not UTF-8");
  CHECK(Reason("[1,2]") == "expected a JSON object, got array");
  CHECK(Reason(R"({"id":"x"})") ==
        "field detail missing (neither an envelope nor a bare CaseDetails)");
  CHECK(Reason(Envelope(R"({"event-name":"ResolveCase"})")) == "field detail.case-id missing");
  CHECK(Reason(Envelope(R"({"case-id":42,"event-name":"ResolveCase"})")) ==
        "field detail.case-id: expected string, got number");
  CHECK(Reason(Envelope(R"({"case-id":"c","event-name":"Foo"})")) ==
        "unknown event-name 'Foo' in detail.event-name");
  CHECK(Reason(Envelope(R"({"case-id":"c","event-name":"ResolveCase","origin":"BOT"})")) ==
        "unknown origin 'BOT' in detail.origin");
  CHECK(Reason(Envelope(R"({"case-id":"c","event-name":"CreateCase"})")) ==
        "CreateCase without case details (detail.case missing)");
  std::string bad_sev = kDetails;
  bad_sev.replace(bad_sev.find("critical"), 8, "sev9");
  CHECK(Reason(Envelope(R"({"case-id":"case-111122223333-muen-2026-1",)" + create + bad_sev +
                        "}")) == "unknown severity 'sev9' in detail.case.severityCode");
  std::string bad_created = kDetails;
  bad_created.replace(bad_created.find("2026-11-24T14:02:09Z"), 20, "yesterday");
  CHECK(Reason(Envelope(R"({"case-id":"case-111122223333-muen-2026-1",)" + create + bad_created +
                        "}")) == "bad timestamp in detail.case.timeCreated: 'yesterday'");
  CHECK(Reason(Envelope(R"({"case-id":"other",)" + create + kDetails + "}")) ==
        "detail.case.caseId 'case-111122223333-muen-2026-1' does not match detail.case-id "
        "'other'");
  std::string bad_time = Envelope(R"({"case-id":"c","event-name":"ResolveCase"})");
  bad_time.replace(bad_time.find("2026-11-24T14:02:11Z"), 20, "2026-13-45T99:00:00");
  CHECK(Reason(bad_time) == "bad timestamp in time: '2026-13-45T99:00:00'");
  CHECK(Reason(std::string(100, ' ') + "{}", 50) == "message too large (102 bytes > 50)");
  std::string wrong_detail = Envelope(R"("a string")");
  CHECK(Reason(wrong_detail) == "field detail: expected object, got string");
}

TEST_CASE("the partition key is the account, from the envelope or the case id") {
  CHECK(router::FeedPartitionKey(Envelope(R"({"case-id":"c"})")) == "111122223333");
  CHECK(router::FeedPartitionKey(kDetails) == "111122223333");
  CHECK(router::FeedPartitionKey(R"({"detail":{"case-id":"case-444455556666-x"}})") ==
        "444455556666");
  CHECK(router::FeedPartitionKey(R"({"detail":{"case-id":"odd-id"}})") == "odd-id");
  CHECK(router::FeedPartitionKey("junk").empty());
}

TEST_CASE("dead letters round-trip, binary payloads as base64") {
  router::DeadLetter d{"not UTF-8", "support.cases", 3, 42, std::string("\xff\x00\x01z", 4)};
  auto enc = router::EncodeDeadLetter(d);
  CHECK(enc.find("\"payload_encoding\":\"base64\"") != std::string::npos);
  auto back = router::DecodeDeadLetter(enc);
  REQUIRE(back.ok());
  CHECK(*back == d);
  router::DeadLetter t{"unknown event-name 'Foo'", "t", 0, 7, "{\"a\":\"b\"}"};
  auto back2 = router::DecodeDeadLetter(router::EncodeDeadLetter(t));
  REQUIRE(back2.ok());
  CHECK(*back2 == t);
  CHECK(router::DeadLetterKey("t", 2, 10) < router::DeadLetterKey("t", 2, 9'000));
  CHECK(router::DecodeOffset(router::EncodeOffset(123456789)) == 123456789);
  CHECK_FALSE(router::DecodeOffset("12x"));
}
