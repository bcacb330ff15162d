// The pager channel's messages: every message survives encode then decode, and bad frames
// are refused with a message naming what is wrong.
#include "pager/protocol.h"

#include <catch2/catch.hpp>
#include <string>

namespace {

pager::Page SamplePage() {
  pager::Page p;
  p.seq = 42;
  p.case_id = "case-1";
  p.engineer = "alice";
  p.at = *base::ParseInstant("2026-11-24T03:00:00.250Z");
  p.step = 1;
  p.target = "schedule/primary";
  p.reason = "on call";
  p.level = 1;
  p.customer = "acme";
  p.due = base::ParseInstant("2026-11-24T03:15:00Z");
  return p;
}

}  // namespace

TEST_CASE("device messages survive encode then decode") {
  for (const pager::FromDevice& m :
       {pager::FromDevice{pager::Hello{"alice", "phone", 1}}, pager::FromDevice{pager::Receipt{7}},
        pager::FromDevice{pager::AckRequest{7, 3}}}) {
    auto back = pager::DecodeFromDevice(pager::Encode(m));
    REQUIRE(back.ok());
    CHECK(*back == m);
  }
}

TEST_CASE("serve messages survive encode then decode") {
  for (const pager::FromServe& m :
       {pager::FromServe{pager::Welcome{"alice", "phone", 2}}, pager::FromServe{SamplePage()},
        pager::FromServe{pager::AckAnswer{3, 7, "case-1", "responded", "first response"}},
        pager::FromServe{pager::ServeError{"say hello first"}}}) {
    auto back = pager::DecodeFromServe(pager::Encode(m));
    REQUIRE(back.ok());
    CHECK(*back == m);
  }
}

TEST_CASE("bad device frames are refused, naming the problem") {
  struct Row {
    std::string frame, expect;
  };
  const std::vector<Row> rows = {
      {"not json", "not JSON"},
      {"[1]", "expected an object"},
      {R"({"page":1})", "no \"type\""},
      {R"({"type":"shout"})", "unknown type 'shout'"},
      {R"({"type":"hello","engineer":"","device":"phone"})", "engineer is empty"},
      {R"({"type":"hello","engineer":"alice"})", "device"},
      {R"({"type":"receipt","page":0})", "page is 0"},
      {R"({"type":"receipt","page":"7"})", "page"},
      {R"({"type":"ack","page":7})", "ref"},
      {std::string(pager::kMaxMessageBytes + 1, ' '), "over the limit"},
  };
  for (const auto& row : rows) {
    INFO(row.frame.substr(0, 80));
    auto r = pager::DecodeFromDevice(row.frame);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == base::Code::kInvalidInput);
    CHECK_THAT(r.status().message(), Catch::Contains(row.expect));
  }
}
