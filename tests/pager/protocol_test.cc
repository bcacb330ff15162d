// The pager channel's messages: every message survives encode then decode, and bad frames
// are refused with a message naming what is wrong.
#include "pager/protocol.h"

#include <catch2/catch.hpp>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "tests/test_support.h"

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

namespace {

// One frame with one wrong field, and the field its refusal must name.
struct FrameRow {
  std::string field;
  std::string frame;
};

const std::string kPage = R"("seq":9,"case":"c","engineer":"e","at":"2026-11-24T03:00:00Z")";

// Every field a device sends, wrong.
const std::vector<FrameRow> kDeviceRows = {
    {"type", R"({"type":7})"},
    {"type", R"({"type":"shout"})"},
    {"engineer", R"({"type":"hello","engineer":"","device":"d"})"},
    {"engineer", R"({"type":"hello","engineer":5,"device":"d"})"},
    {"device", R"({"type":"hello","engineer":"e","device":""})"},
    {"device", R"({"type":"hello","engineer":"e"})"},
    {"version", R"({"type":"hello","engineer":"e","device":"d","version":"1"})"},
    {"version", R"({"type":"hello","engineer":"e","device":"d","version":2})"},
    {"version", R"({"type":"hello","engineer":"e","device":"d","version":0})"},
    {"page", R"({"type":"receipt","page":0})"},
    {"page", R"({"type":"receipt","page":-3})"},
    {"page", R"({"type":"ack","page":"7","ref":1})"},
    {"ref", R"({"type":"ack","page":7,"ref":"x"})"},
    {"ref", R"({"type":"ack","page":7,"ref":-1})"},
};

// Every field serve sends (a device reads them), wrong.
const std::vector<FrameRow> kServeRows = {
    {"type", R"({"type":"bye"})"},
    {"engineer", R"({"type":"welcome","engineer":"","device":"d","pending":0})"},
    {"device", R"({"type":"welcome","engineer":"e","device":7,"pending":0})"},
    {"pending", R"({"type":"welcome","engineer":"e","device":"d","pending":-1})"},
    {"seq", R"({"type":"page","seq":0,"case":"c","engineer":"e","at":"2026-11-24T03:00:00Z"})"},
    {"seq", R"({"type":"page","seq":"9","case":"c","engineer":"e","at":"2026-11-24T03:00:00Z"})"},
    {"case", R"({"type":"page","seq":9,"case":"","engineer":"e","at":"2026-11-24T03:00:00Z"})"},
    {"engineer", R"({"type":"page","seq":9,"case":"c","engineer":1,"at":"2026-11-24T03:00:00Z"})"},
    {"at", R"({"type":"page","seq":9,"case":"c","engineer":"e","at":"soon"})"},
    {"step", R"({"type":"page",)" + kPage + R"(,"step":"first"})"},
    {"target", R"({"type":"page",)" + kPage + R"(,"target":[1]})"},
    {"reason", R"({"type":"page",)" + kPage + R"(,"reason":{}})"},
    {"reason_code", R"({"type":"page",)" + kPage + R"(,"reason_code":3})"},
    {"display_id", R"({"type":"page",)" + kPage + R"(,"display_id":77})"},
    {"subject", R"({"type":"page",)" + kPage + R"(,"subject":false})"},
    {"customer", R"({"type":"page",)" + kPage + R"(,"customer":1})"},
    {"service", R"({"type":"page",)" + kPage + R"(,"service":1})"},
    {"severity", R"({"type":"page",)" + kPage + R"(,"severity":1})"},
    {"level", R"({"type":"page",)" + kPage + R"(,"level":"one"})"},
    {"due", R"({"type":"page",)" + kPage + R"(,"due":"later"})"},
    {"ref", R"({"type":"acked","ref":"r","page":1,"case":"c","result":"responded"})"},
    {"page", R"({"type":"acked","ref":1,"page":-1,"case":"c","result":"responded"})"},
    {"case", R"({"type":"acked","ref":1,"page":1,"case":5,"result":"responded"})"},
    {"result", R"({"type":"acked","ref":1,"page":1,"case":"c","result":""})"},
    {"detail", R"({"type":"acked","ref":1,"page":1,"case":"c","result":"refused","detail":[]})"},
    {"error", R"({"type":"error","error":404})"},
};

std::set<std::string> Keys(const std::string& source, const std::string& pattern) {
  std::set<std::string> out;
  const std::regex re(pattern);
  for (auto m = std::sregex_iterator(source.begin(), source.end(), re); m != std::sregex_iterator();
       ++m) {
    out.insert((*m)[1]);
  }
  return out;
}

}  // namespace

TEST_CASE("every field of every frame, wrong, is refused naming the field", "[pager][bad-input]") {
  for (const FrameRow& row : kDeviceRows) {
    INFO("device frame " << row.frame);
    auto r = pager::DecodeFromDevice(row.frame);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == base::Code::kInvalidInput);
    CHECK_THAT(r.status().message(), Catch::Contains(row.field));
  }
  for (const FrameRow& row : kServeRows) {
    INFO("serve frame " << row.frame);
    auto r = pager::DecodeFromServe(row.frame);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == base::Code::kInvalidInput);
    CHECK_THAT(r.status().message(), Catch::Contains(row.field));
  }
  // Each row's frame is right but for its field: the same frame with a good value decodes.
  CHECK(
      pager::DecodeFromDevice(R"({"type":"hello","engineer":"e","device":"d","version":1})").ok());
  CHECK(pager::DecodeFromServe(R"({"type":"page",)" + kPage + "}").ok());
}

TEST_CASE("every field the pager protocol reads has a wrong-value row", "[pager][bad-input]") {
  const auto dir = testing_support::SourceDir() / "pager";
  const std::string protocol = testing_support::ReadFile(dir / "protocol.cc");
  const std::string page = testing_support::ReadFile(dir / "page.cc");
  std::set<std::string> read = Keys(protocol, R"re((?:String|Number)\(\*j, "([a-z_]+)")re");
  for (const std::string& pattern : {std::string(R"re(j->find\("([a-z_]+)"\))re"),
                                     std::string(R"re(j\.find\("([a-z_]+)"\))re")}) {
    for (const std::string& k : Keys(protocol, pattern)) read.insert(k);
    for (const std::string& k : Keys(page, pattern)) read.insert(k);
  }
  for (const std::string& k : Keys(page, R"re((?:Require|Optional)String\(j, "([a-z_]+)")re")) {
    read.insert(k);
  }
  for (const std::string& k : Keys(page, R"re(\{(?:std::pair\{)?"([a-z_]+)", &p\.)re"))
    read.insert(k);
  REQUIRE(read.size() >= 20);  // 24 when written
  std::set<std::string> rows;
  for (const FrameRow& row : kDeviceRows) rows.insert(row.field);
  for (const FrameRow& row : kServeRows) rows.insert(row.field);
  for (const std::string& field : read) {
    INFO("pager/protocol.cc or pager/page.cc reads '" << field << "': give it a row");
    CHECK(rows.count(field) == 1);
  }
}
