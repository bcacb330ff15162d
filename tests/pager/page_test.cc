// Proves the page wire format: encode/decode round trip, a clear refusal of each
// malformed message, outbox entries turned into pages carrying their seq.
#include "pager/page.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "pager/protocol.h"

namespace {

pager::Page Sample() {
  pager::Page p;
  p.seq = 42;
  p.case_id = "case-1";
  p.engineer = "alice";
  p.at = *base::ParseInstant("2026-11-24T03:00:00.250Z");
  p.step = 1;
  p.target = "schedule/video-sme-primary";
  p.reason = "on call in layer weekly";
  return p;
}

}  // namespace

TEST_CASE("a page survives encode then decode unchanged") {
  auto p = Sample();
  auto back = pager::DecodePage(pager::EncodePage(p));
  REQUIRE(back.ok());
  CHECK(*back == p);
  p.target.clear();
  p.reason = "with \"quotes\" and ünïcode";
  back = pager::DecodePage(pager::EncodePage(p));
  REQUIRE(back.ok());
  CHECK(*back == p);
}

TEST_CASE("a malformed page is refused with a reason naming the problem") {
  struct Row {
    const char* json;
    const char* expect;
  };
  const Row rows[] = {
      {"not json", "not JSON"},
      {"[1,2]", "expected an object"},
      {R"({"case":"c","engineer":"e","at":"2026-11-24T03:00:00Z"})", "seq missing"},
      {R"({"seq":-1,"case":"c","engineer":"e","at":"2026-11-24T03:00:00Z"})", "seq"},
      {R"({"seq":"1","case":"c","engineer":"e","at":"2026-11-24T03:00:00Z"})", "seq"},
      {R"({"seq":1,"engineer":"e","at":"2026-11-24T03:00:00Z"})", "case missing"},
      {R"({"seq":1,"case":7,"engineer":"e","at":"2026-11-24T03:00:00Z"})", "case: expected string"},
      {R"({"seq":1,"case":"c","at":"2026-11-24T03:00:00Z"})", "engineer missing"},
      {R"({"seq":1,"case":"c","engineer":"","at":"2026-11-24T03:00:00Z"})", "engineer is empty"},
      {R"({"seq":1,"case":"c","engineer":"e"})", "at missing"},
      {R"({"seq":1,"case":"c","engineer":"e","at":"2026-11-24 03:00"})", "at: not an ISO"},
      {R"({"seq":1,"case":"c","engineer":"e","at":"2026-11-24T03:00:00Z","step":"x"})", "step"},
      {R"({"seq":1,"case":"c","engineer":"e","at":"2026-11-24T03:00:00Z","target":3})", "target"},
  };
  for (const auto& row : rows) {
    INFO(row.json);
    auto r = pager::DecodePage(row.json);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == base::Code::kInvalidInput);
    CHECK_THAT(r.status().message(), Catch::Contains(row.expect));
  }
}

TEST_CASE("an outbox entry becomes a page frame with its seq, keeping the router's extra fields") {
  std::string value = R"({"case":"case-9","engineer":"bob","at":"2026-11-24T03:05:00Z","step":2,)"
                      R"("target":"edm","reason":"the customer's EDM","cycle":0,"level":1,)"
                      R"("customer":"acme","due":"2026-11-24T03:20:00Z",)"
                      R"("delivery_failed_at":"2026-11-24T03:10:00Z"})";
  auto frame = pager::PageFrameFromOutbox(1234567, value);
  REQUIRE(frame.ok());
  auto j = nlohmann::json::parse(*frame);
  CHECK(j["type"] == "page");
  CHECK(j["seq"] == 1234567);
  CHECK(j["cycle"] == 0);
  CHECK_FALSE(j.contains("delivery_failed_at"));  // serve's bookkeeping, not the page's
  auto message = pager::DecodeFromServe(*frame);
  REQUIRE(message.ok());
  const auto& page = std::get<pager::Page>(*message);
  CHECK(page.seq == 1234567);
  CHECK(page.case_id == "case-9");
  CHECK(page.step == 2);
  CHECK(page.level == 1);
  CHECK(page.customer == "acme");
  CHECK(page.due == base::ParseInstant("2026-11-24T03:20:00Z"));
  CHECK(page.at == *base::ParseInstant("2026-11-24T03:05:00Z"));

  SECTION("a value that is not a page is corruption") {
    auto no_engineer = pager::PageFrameFromOutbox(5, R"({"case":"c","at":"2026-11-24T03:05:00Z"})");
    REQUIRE_FALSE(no_engineer.ok());
    CHECK(no_engineer.status().code() == base::Code::kCorruption);
    CHECK_THAT(no_engineer.status().message(), Catch::Contains("engineer missing"));
    CHECK_FALSE(pager::PageFrameFromOutbox(5, "[]").ok());
  }

  SECTION("the entry's seq and the page type win over the value's own (found by fuzzing)") {
    auto frame = pager::PageFrameFromOutbox(
        7, R"({"seq":3,"type":"acked","case":"c","engineer":"e","at":"2026-11-24T03:05:00Z"})");
    REQUIRE(frame.ok());
    auto message = pager::DecodeFromServe(*frame);
    REQUIRE(message.ok());
    REQUIRE(std::holds_alternative<pager::Page>(*message));
    CHECK(std::get<pager::Page>(*message).seq == 7);
  }
}

TEST_CASE("a page reads as one line for people") {
  CHECK(pager::FormatPageLine(Sample()) ==
        "2026-11-24T03:00:00.250Z  case case-1  step 1 via schedule/video-sme-primary: on call in "
        "layer weekly  (seq 42)");
}

TEST_CASE("a page's stable id ignores the seq and changes with any field it is made of") {
  const pager::Page p = Sample();
  const std::string id = pager::StablePageId(p);
  CHECK(id.size() == 16);
  CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
  pager::Page restored = p;
  restored.seq = 9001;  // the same paged event in another instance's log
  restored.subject = "subject as the new owner's projection has it";
  CHECK(pager::StablePageId(restored) == id);
  auto changed = [&](auto&& edit) {
    pager::Page q = p;
    edit(q);
    return pager::StablePageId(q) != id;
  };
  CHECK(changed([](pager::Page& q) { q.case_id = "case-2"; }));
  CHECK(changed([](pager::Page& q) { q.engineer = "bob"; }));
  CHECK(changed([](pager::Page& q) { q.step = 2; }));
  CHECK(changed([](pager::Page& q) { q.at += std::chrono::milliseconds(1); }));
  CHECK(changed([](pager::Page& q) { q.target = "edm"; }));
  // Fields joined without a separator would make these two alike.
  pager::Page a = p, b = p;
  a.case_id = "ab";
  a.engineer = "c";
  b.case_id = "a";
  b.engineer = "bc";
  CHECK(pager::StablePageId(a) != pager::StablePageId(b));
  // On the wire beside the seq, and the same after a round trip.
  auto j = nlohmann::json::parse(pager::EncodePage(p));
  CHECK(j.at("id") == id);
  auto back = pager::DecodePage(pager::EncodePage(p));
  REQUIRE(back.ok());
  CHECK(pager::StablePageId(*back) == id);
}
