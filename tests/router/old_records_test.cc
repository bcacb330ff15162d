// Proves that records written before reasons were codes (issue 14) still
// decode, render their old sentences as-is, and keep them when re-encoded; and
// that new records carry codes and fields, never the sentence.
#include <catch2/catch.hpp>
#include <string>

#include "router/codec.h"
#include "router/decide.h"
#include "router/event_json.h"
#include "router/reason_text.h"
#include "tests/router/samples.h"

namespace {

using namespace router;
using router_testing::T;
using router_testing::Unhex;

// Bytes as the build before issue 14 (main at aae876a) wrote them: the first
// record of each type in the log of `escalator simulate --config
// tests/scenarios/data/config.yaml --input tests/scenarios/data/bad_lines.jsonl`
// (ops/bench/log_bytes --dump TYPE prints them).
const std::string kOldRouted = Unhex(
    "01060a2c636173652d3131313132323232333333332d6d75656e2d323032362d3563653061313030"
    "30303030303031311080f8e6b9b86818042206616c776179732a0b6e792d627573696e6573733206"
    "616e6e75616c428c016f70656e65643a20616e6e75616c20706c616e2077697468206f6e63616c6c"
    "5f323478373a20636f76657261676520616c776179732c20627573696e657373206e792d62757369"
    "6e6573733b206c6576656c203220746172676574203168206f6e2074686520616c7761797320636c"
    "6f636b2c2064756520323032362d31312d31305430353a30303a30305a4880f8e6b9b8685080b29e"
    "bdb8685a4a0a0270331100000000000008401a3b736b696c6c206d656469616c697665202b332e30"
    "303b2030206f70656e3b206f6e2063616c6c20696e207072696d61727920286c617965722d31295a"
    "4f0a0267311a496e6f20736b696c6c2c20776f726b666c6f77206f7220686973746f7279206d6174"
    "63683b2030206f70656e3b206f6e2063616c6c20696e2067656e6572616c20286c617965722d3129"
    "5a510a0273321a4b6e6f20736b696c6c2c20776f726b666c6f77206f7220686973746f7279206d61"
    "7463683b2030206f70656e3b206f6e2063616c6c20696e207365636f6e6461727920286c61796572"
    "2d31296080f8e6b9b8686a06616c7761797370a038800180f8e6b9b868900106980180f8e6b9b868"
    "a001c0c3b0bcb868");
const std::string kOldPaged = Unhex(
    "01070a2c636173652d3131313132323232333333332d6d75656e2d323032362d3563653061313030"
    "30303030303031311080f8e6b9b8681a02703332107363686564756c652f7072696d6172793a076c"
    "617965722d3142596379636c652030207374657020303a207363686564756c652f7072696d617279"
    "3a206f6e2063616c6c20696e207072696d61727920286c617965722d312920756e74696c20323032"
    "362d31312d31305431323a30303a30305a");
const std::string kOldEscalated = Unhex(
    "01080a2c636173652d3131313132323232333333332d6d75656e2d323032362d3563653061313030"
    "30303030303031311080f8e6b9b8682880b6f9bab8683080f8e6b9b86842680a107363686564756c"
    "652f7072696d617279120270331a077072696d61727922076c617965722d312880c8a2d5b8683a37"
    "6f6e2063616c6c20696e207072696d61727920286c617965722d312920756e74696c20323032362d"
    "31312d31305431323a30303a30305a50025880b6f9bab8686a077072696d6172797080c8a2d5b868");
const std::string kOldRejected = Unhex(
    "010d1080f8e6b9b8681a75696e76616c6964204a534f4e2028546865204a534f4e20646f63756d65"
    "6e742068617320616e20696d70726f706572207374727563747572653a206d697373696e67206f72"
    "207375706572666c756f757320636f6d6d61732c206272616365732c206d697373696e67206b6579"
    "732c206574632e2922106c696e6520322c203238206279746573");

template <typename E>
E Decoded(const std::string& bytes) {
  auto decoded = DecodeEvent(bytes);
  REQUIRE(decoded.ok());
  REQUIRE(std::holds_alternative<E>(*decoded));
  return std::get<E>(*decoded);
}

}  // namespace

TEST_CASE("an old routed record decodes to its sentence, as-is") {
  // Given the bytes of a routed event written with a reason sentence.
  // When it is decoded.
  const Routed r = Decoded<Routed>(kOldRouted);
  // Then the reason is prose carrying the old sentence, and renders as it.
  CHECK(r.reason.code == ReasonCode::kProse);
  CHECK(ReasonText(r) ==
        "opened: annual plan with oncall_24x7: coverage always, business ny-business; level 2 "
        "target 1h on the always clock, due 2026-11-10T05:00:00Z");
  REQUIRE(r.candidates.size() == 3);
  CHECK(r.candidates[0].prose == "skill medialive +3.00; 0 open; on call in primary (layer-1)");
  CHECK(ReasonText(r.candidates[0]) == r.candidates[0].prose);
  CHECK(r.candidates[0].skill.empty());
  // And the log's JSON keeps the sentence under "reason", with code "prose".
  const auto j = EventToJson(2, r);
  CHECK(j["reason"] == ReasonText(r));
  CHECK(j["reason_code"] == "prose");
  CHECK(j["candidates"][0]["why"] == r.candidates[0].prose);
}

TEST_CASE("old paged, escalated and input_rejected records render their sentences") {
  const Paged p = Decoded<Paged>(kOldPaged);
  CHECK(p.reason.code == ReasonCode::kProse);
  CHECK(ReasonText(p) ==
        "cycle 0 step 0: schedule/primary: on call in primary (layer-1) until "
        "2026-11-10T12:00:00Z");
  const Escalated e = Decoded<Escalated>(kOldEscalated);
  REQUIRE(e.targets.size() == 1);
  CHECK(e.targets[0].reason.code == ReasonCode::kProse);
  CHECK(ReasonText(e.targets[0]) == "on call in primary (layer-1) until 2026-11-10T12:00:00Z");
  const InputRejected x = Decoded<InputRejected>(kOldRejected);
  CHECK(x.reason.code == ReasonCode::kProse);
  CHECK(ReasonText(x) ==
        "invalid JSON (The JSON document has an improper structure: missing or superfluous "
        "commas, braces, missing keys, etc.)");
}

TEST_CASE("a decoded old record keeps its sentences when encoded again") {
  for (const std::string* bytes : {&kOldRouted, &kOldPaged, &kOldEscalated, &kOldRejected}) {
    auto old = DecodeEvent(*bytes);
    REQUIRE(old.ok());
    auto again = DecodeEvent(EncodeEvent(*old));
    REQUIRE(again.ok());
    CHECK(*again == *old);
  }
}

TEST_CASE("new records carry reason codes and fields, never the sentence") {
  // Given the sample configuration and a case opened at a time Northwind's
  // designated EAE is on shift.
  auto config = router_testing::SmallConfig();
  FeedEvent fe;
  fe.event_id = "ev-1";
  fe.case_id = "case-1";
  fe.account = "111122223333";
  fe.action = FeedAction::kCreateCase;
  fe.at = T("2026-11-24T14:02:11Z");
  CaseDetails d;
  d.service_code = "medialive";
  d.severity_code = "critical";
  fe.details = d;
  // When it is decided.
  Decision decision = Decide(CaseState{}, fe, Context{*config, fe.at});
  // Then every routed, escalated and paged event renders a sentence, yet its
  // bytes hold none of it.
  int reasons = 0;
  for (const Event& e : decision.events) {
    const std::string bytes = EncodeEvent(e);
    const auto j = EventToJson(1, e);
    std::string text;
    if (const auto* r = std::get_if<Routed>(&e)) {
      CHECK(r->reason.code == ReasonCode::kOpened);
      CHECK(r->calendars.code == ReasonCode::kPlanAddon24x7);
      text = ReasonText(*r);
      for (const auto& c : r->candidates) CHECK(bytes.find(ReasonText(c)) == std::string::npos);
    } else if (const auto* p = std::get_if<Paged>(&e)) {
      CHECK(p->reason.code != ReasonCode::kProse);
      text = ReasonText(*p);
    } else {
      continue;
    }
    ++reasons;
    INFO(text);
    CHECK(j["reason"] == text);
    CHECK(j["reason_code"] != "prose");
    CHECK(bytes.find(text) == std::string::npos);
    CHECK(bytes.find("on call in") == std::string::npos);
    CHECK(bytes.find("plan") == std::string::npos);
  }
  CHECK(reasons >= 2);
}
