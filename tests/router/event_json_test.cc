// Proves the JSON rendering of events: the `escalator log` contract keys (seq,
// type, case, at in UTC ISO 8601) and each event's fields, plus the text form.
#include "router/event_json.h"

#include <catch2/catch.hpp>

#include "tests/router/samples.h"

using namespace router;
using router_testing::T;

TEST_CASE("every event renders seq, type, case and at first, then its fields") {
  uint64_t seq = 1;
  for (const Event& e : router_testing::EveryEventType()) {
    auto j = nlohmann::json::parse(EventJsonLine(seq, e));
    INFO(j.dump());
    CHECK(j["seq"] == seq);
    CHECK(j["type"] == std::string(TypeName(e)));
    CHECK(j["case"] == CaseIdOf(e));
    CHECK(j["at"] == base::FormatInstant(AtOf(e)));
    CHECK(j.size() > 4);
    std::string text = EventTextLine(seq, e);
    CHECK_THAT(text, Catch::StartsWith("#" + std::to_string(seq) + " "));
    CHECK_THAT(text, Catch::Contains(std::string(TypeName(e))));
    ++seq;
  }
}

TEST_CASE("the issue's required fields are present with their types") {
  auto events = router_testing::EveryEventType();
  auto find = [&](EventType t) {
    for (const auto& e : events)
      if (TypeOf(e) == t) return nlohmann::json::parse(EventJsonLine(7, e));
    FAIL("missing sample");
    return nlohmann::json();
  };
  auto paged = find(EventType::kPaged);
  CHECK(paged["engineer"] == "bob");
  CHECK(paged["step"] == 1);
  CHECK(paged["target"] == "schedule/video-sme-secondary");
  CHECK(paged["reason"] ==
        "cycle 2 step 1: clock resumed (us-east-business), bob now on call in video-sme-secondary "
        "(layer-1) until 2026-11-24T16:00:00Z");
  CHECK(paged["reason_code"] == "clock_resumed");
  CHECK(paged["reason_fields"]["calendar"] == "us-east-business");
  auto routed = find(EventType::kRouted);
  CHECK(routed["level"] == 1);
  CHECK(routed["coverage"] == "always");
  CHECK(routed["due"] == "2026-11-24T14:17:11Z");
  REQUIRE(routed["candidates"].size() == 2);
  CHECK(routed["candidates"][0]["engineer"] == "alice");
  CHECK(routed["candidates"][0]["score"] == 3.25);
  CHECK(find(EventType::kBreached)["due"] == "2026-11-24T14:17:11Z");
  CHECK(find(EventType::kSlaWarning)["due"] == "2026-11-24T14:17:11Z");
  CHECK(find(EventType::kCommunicationAdded)["origin"] == "CUSTOMER");
  CHECK(find(EventType::kResponded)["how"] == "aws_communication");
  CHECK(find(EventType::kCaseOpened)["level"] == 1);
}

TEST_CASE("absent optionals are left out, and invalid UTF-8 in customer text does not throw") {
  auto j = nlohmann::json::parse(
      EventJsonLine(1, CaseReopened{"c", T("2026-11-24T14:00:00.250Z"), "", std::nullopt}));
  CHECK(j["at"] == "2026-11-24T14:00:00.250Z");
  CHECK_FALSE(j.contains("next_action_at"));
  CHECK_FALSE(j.contains("event_id"));
  CaseOpened bad{"c", T("2026-11-24T14:00:00Z")};
  bad.subject = "broken \xff\xfe subject";
  CHECK_NOTHROW(nlohmann::json::parse(EventJsonLine(2, bad)));
}
