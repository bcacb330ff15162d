// Proves the commands topic's message format: an acknowledgement survives encode
// then parse, and each malformed command is refused with a reason naming the problem.
#include <catch2/catch.hpp>
#include <string>

#include "feed/kafka_commands.h"

TEST_CASE("an acknowledgement command round-trips") {
  router::Acknowledge ack{"case-1", "alice", *base::ParseInstant("2026-11-24T03:00:00.5Z")};
  std::string wire = router::EncodeAckCommand(ack);
  CHECK(wire ==
        R"({"type":"ack","case":"case-1","engineer":"alice","at":"2026-11-24T03:00:00.500Z"})");
  auto back = router::ParseCommand(wire);
  REQUIRE(back.ok());
  CHECK(back->case_id == ack.case_id);
  CHECK(back->engineer == ack.engineer);
  CHECK(back->at == ack.at);
  // Offsets are accepted; extra fields ignored.
  back = router::ParseCommand(
      R"({"type":"ack","case":"c","engineer":"e","at":"2026-11-24T04:00:00+01:00","note":1})");
  REQUIRE(back.ok());
  CHECK(back->at == *base::ParseInstant("2026-11-24T03:00:00Z"));
}

TEST_CASE("a malformed command is refused with a reason") {
  struct Row {
    const char* payload;
    const char* expect;
  };
  const Row rows[] = {
      {"", "not JSON"},
      {"{\"type\":\"ack\"", "not JSON"},
      {"\"ack\"", "expected an object"},
      {R"({"case":"c","engineer":"e","at":"2026-11-24T03:00:00Z"})", "type missing"},
      {R"({"type":"resolve","case":"c"})", "unknown type 'resolve'"},
      {R"({"type":"ack","engineer":"e","at":"2026-11-24T03:00:00Z"})", "case missing"},
      {R"({"type":"ack","case":"","engineer":"e","at":"2026-11-24T03:00:00Z"})", "case is empty"},
      {R"({"type":"ack","case":"c","engineer":5,"at":"2026-11-24T03:00:00Z"})",
       "engineer: expected string"},
      {R"({"type":"ack","case":"c","engineer":"e"})", "at missing"},
      {R"({"type":"ack","case":"c","engineer":"e","at":"yesterday"})", "at: not an ISO 8601"},
  };
  for (const auto& row : rows) {
    INFO(row.payload);
    auto r = router::ParseCommand(row.payload);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == base::Code::kInvalidInput);
    CHECK_THAT(r.status().message(), Catch::Contains(row.expect));
  }
}
