// Proves the page wire format: encode/decode round trip, a clear refusal of each
// malformed message, outbox entries turned into pages carrying their seq.
#include "pager/page.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

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

std::string Key(uint64_t seq) {
  std::string k(8, '\0');
  for (int i = 7; i >= 0; --i, seq >>= 8) k[i] = static_cast<char>(seq & 0xff);
  return k;
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

TEST_CASE("an outbox entry becomes a page with the key's seq, keeping the router's extra fields") {
  std::string value = R"({"case":"case-9","engineer":"bob","at":"2026-11-24T03:05:00Z","step":2,)"
                      R"("target":"edm","reason":"the customer's EDM","cycle":0,"level":1})";
  auto out = pager::FromOutbox(Key(1234567), value);
  REQUIRE(out.ok());
  CHECK(out->seq == 1234567);
  CHECK(out->engineer == "bob");
  auto j = nlohmann::json::parse(out->wire);
  CHECK(j["seq"] == 1234567);
  CHECK(j["level"] == 1);
  CHECK(j["cycle"] == 0);
  auto page = pager::DecodePage(out->wire);
  REQUIRE(page.ok());
  CHECK(page->case_id == "case-9");
  CHECK(page->step == 2);
  CHECK(page->target == "edm");
  CHECK(page->at == *base::ParseInstant("2026-11-24T03:05:00Z"));

  SECTION("a bad key or value is corruption") {
    auto short_key = pager::FromOutbox("1234", value);
    REQUIRE_FALSE(short_key.ok());
    CHECK(short_key.status().code() == base::Code::kCorruption);
    auto no_engineer = pager::FromOutbox(Key(5), R"({"case":"c","at":"2026-11-24T03:05:00Z"})");
    REQUIRE_FALSE(no_engineer.ok());
    CHECK_THAT(no_engineer.status().message(), Catch::Contains("engineer missing"));
    CHECK_FALSE(pager::FromOutbox(Key(5), "[]").ok());
  }
}

TEST_CASE("a page reads as one line for people") {
  CHECK(pager::FormatPageLine(Sample()) ==
        "2026-11-24T03:00:00.250Z  case case-1  step 1 via schedule/video-sme-primary: on call in "
        "layer weekly  (seq 42)");
}
