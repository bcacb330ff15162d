// Proves the explain library tells a case from its events alone: each page's path (delivered and
// acknowledged, dropped as answered, undelivered), one entry per event in seq order with its kind,
// and the text and JSON renderers over the same story.
#include "explain/story.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "explain/render.h"
#include "tests/router/samples.h"

namespace {

using router_testing::T;
using Events = std::vector<std::pair<uint64_t, router::Event>>;

const std::string kCase = "case-1";

// Given a case opened at 14:00 and routed; step 0 at once pages alice, bob and carol (pages 4, 5
// and 6). Alice's phone confirms hers two seconds later; carol's never does (delivery failed at
// 14:05); alice acknowledges at 14:03, which answers the case, so bob's page, still waiting in
// the outbox, is dropped at 14:03 without being sent. The case resolves at 15:00.
Events ThreePages() {
  using namespace router;
  const Timestamp opened = T("2026-11-24T14:00:00Z");
  // Only the fields the story reads are set: the rest keep their defaults.
  CaseOpened open;
  open.case_id = kCase;
  open.at = opened;
  Routed routed;
  routed.case_id = kCase;
  routed.at = opened;
  routed.level = 1;
  routed.plan = "always";
  routed.clock = "always";
  routed.target_s = 900;
  Escalated step;
  step.case_id = kCase;
  step.at = opened;
  Paged page;
  page.case_id = kCase;
  page.at = opened;
  page.target = "schedule/video-sme-primary";
  page.source = "london";
  Paged alice = page, bob = page, carol = page;
  alice.engineer = "alice";
  bob.engineer = "bob";
  carol.engineer = "carol";
  HandoffChecked handoff;
  handoff.case_id = kCase;
  handoff.at = opened;
  return {
      {1, open},
      {2, routed},
      {3, step},
      {4, alice},
      {5, bob},
      {6, carol},
      {7, handoff},
      {8, Delivered{kCase, T("2026-11-24T14:00:02Z"), "alice", "phone", 4}},
      {9, Acknowledged{kCase, T("2026-11-24T14:03:00Z"), "alice"}},
      {10, Responded{kCase, T("2026-11-24T14:03:00Z"), ResponseKind::kAck, "alice"}},
      {11, PageSuperseded{kCase, T("2026-11-24T14:03:00Z"), "bob", 5, SupersededBy::kResponse}},
      {12, DeliveryFailed{kCase, T("2026-11-24T14:05:00Z"), "carol", 6, 3}},
      {13, CaseResolved{kCase, T("2026-11-24T15:00:00Z"), "ev-13"}},
  };
}

}  // namespace

TEST_CASE("TellCase: a page paged, delivered and acknowledged", "[explain]") {
  const explain::Story s = explain::TellCase(kCase, ThreePages());
  CHECK(s.case_id == kCase);
  REQUIRE(s.pages.size() == 3);
  const explain::PagePath& p = s.pages[0];
  CHECK(p.id == 4);
  CHECK(p.engineer == "alice");
  CHECK(p.paged == T("2026-11-24T14:00:00Z"));
  CHECK(p.delivered == T("2026-11-24T14:00:02Z"));
  CHECK(p.device == "phone");
  CHECK(p.acked == T("2026-11-24T14:03:00Z"));
  CHECK_FALSE(p.failed);
  CHECK_FALSE(p.superseded);
  CHECK(explain::PageSummaryLine(p) ==
        "page 4 to alice: paged 2026-11-24T14:00:00Z -> delivered 2026-11-24T14:00:02Z (phone) "
        "-> acknowledged 2026-11-24T14:03:00Z");
  // The delivery's own line says how long the page took to arrive.
  CHECK(s.entries[7].text ==
        std::vector<std::string>{"2026-11-24T14:00:02Z  DELIVERED page 4 to alice's phone, 2.0 s "
                                 "after it was decided"});
}

TEST_CASE("TellCase: a page dropped as answered, and one undelivered", "[explain]") {
  const explain::Story s = explain::TellCase(kCase, ThreePages());
  REQUIRE(s.pages.size() == 3);
  // Bob's page never left: alice's acknowledgement answered the case first. Bob acknowledged
  // nothing, so his page is not acknowledged by hers.
  const explain::PagePath& dropped = s.pages[1];
  CHECK(dropped.id == 5);
  CHECK(dropped.engineer == "bob");
  CHECK(dropped.superseded == T("2026-11-24T14:03:00Z"));
  CHECK_FALSE(dropped.delivered);
  CHECK_FALSE(dropped.failed);
  CHECK_FALSE(dropped.acked);
  CHECK(explain::PageSummaryLine(dropped) ==
        "page 5 to bob: paged 2026-11-24T14:00:00Z -> dropped (answered first) "
        "2026-11-24T14:03:00Z");
  const explain::PagePath& undelivered = s.pages[2];
  CHECK(undelivered.id == 6);
  CHECK(undelivered.engineer == "carol");
  CHECK(undelivered.failed == T("2026-11-24T14:05:00Z"));
  CHECK_FALSE(undelivered.delivered);
  CHECK(undelivered.device.empty());
  CHECK_FALSE(undelivered.acked);
  CHECK(explain::PageSummaryLine(undelivered) ==
        "page 6 to carol: paged 2026-11-24T14:00:00Z -> delivery failed 2026-11-24T14:05:00Z");
}

TEST_CASE("TellCase: a page nothing became of yet", "[explain]") {
  Events events = ThreePages();
  events.resize(6);  // up to the pages: no receipt, failure, drop or acknowledgement yet
  const explain::Story s = explain::TellCase(kCase, events);
  REQUIRE(s.pages.size() == 3);
  CHECK(explain::PageSummaryLine(s.pages[0]) ==
        "page 4 to alice: paged 2026-11-24T14:00:00Z -> not delivered yet");
}

TEST_CASE("TellCase: one entry per event, in seq order, with its kind and instant", "[explain]") {
  const Events events = ThreePages();
  const explain::Story s = explain::TellCase(kCase, events);
  REQUIRE(s.entries.size() == events.size());
  std::vector<uint64_t> seqs;
  std::vector<std::string> kinds;
  for (size_t i = 0; i < s.entries.size(); ++i) {
    seqs.push_back(s.entries[i].seq);
    kinds.push_back(s.entries[i].kind);
    CHECK(s.entries[i].at == router::AtOf(events[i].second));
  }
  CHECK(seqs == std::vector<uint64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13});
  CHECK(kinds == std::vector<std::string>{"opened", "routed", "escalated", "paged", "paged",
                                          "paged", "handoff", "delivered", "acknowledged",
                                          "responded", "dropped", "undelivered", "resolved"});
  // A handoff check is told by the pages it sent: an entry with nothing to say.
  CHECK(s.entries[6].text.empty());
  CHECK(s.entries[3].text[0] ==
        "2026-11-24T14:00:00Z  PAGED   alice via schedule/video-sme-primary (layer london) [step] "
        "(page 4)");
  CHECK(s.entries[9].text ==
        std::vector<std::string>{"2026-11-24T14:03:00Z  RESPONDED first response: "
                                 "acknowledgement by alice, 3 min after the clock started; "
                                 "escalation stopped"});
}

TEST_CASE("KindOf: a distinct word for every event type, and text for all but the handoff check",
          "[explain]") {
  const std::vector<router::Event> all = router_testing::EveryEventType();
  Events events;
  for (size_t i = 0; i < all.size(); ++i) events.emplace_back(i + 1, all[i]);
  const explain::Story s = explain::TellCase("case-x", events);
  std::set<std::string> kinds;
  for (const auto& e : s.entries) {
    INFO(e.kind);
    kinds.insert(e.kind);
    CHECK(e.text.empty() == (e.kind == "handoff"));
  }
  CHECK(kinds.size() == all.size());
}

TEST_CASE("RenderText and StoryJson tell the same story", "[explain]") {
  const Events events = ThreePages();
  const explain::Story s = explain::TellCase(kCase, events);
  const std::string text = explain::RenderText(s);
  CHECK(text.rfind("case case-1\n2026-11-24T14:00:00Z  OPENED  case case-1", 0) == 0);
  CHECK_THAT(text, Catch::Contains("\npages (paged -> delivered -> acknowledged):\n  page 4 to "
                                   "alice: paged 2026-11-24T14:00:00Z -> delivered"));
  CHECK(text.back() == '\n');

  const nlohmann::ordered_json j = explain::StoryJson(s, events);
  CHECK(j["case"] == kCase);
  REQUIRE(j["story"].size() == events.size());
  CHECK(j["story"][3]["event"]["type"] == "paged");
  CHECK(j["story"][3]["event"]["seq"] == 4);
  CHECK(j["story"][3]["text"][0] == s.entries[3].text[0]);
  CHECK(j["story"][6]["text"] == nlohmann::ordered_json::array());
  REQUIRE(j["pages"].size() == 3);
  CHECK(j["pages"][1] == explain::PageSummaryLine(s.pages[1]));
  // The keys in the order `escalator explain --format json` has always printed them.
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  CHECK(keys == std::vector<std::string>{"case", "story", "pages"});
  CHECK(explain::RenderJson(s, events) == j.dump(2) + "\n");
}

TEST_CASE("A story with no page renders no page summary", "[explain]") {
  Events events = ThreePages();
  events.resize(3);  // opened, routed, a step that paged nobody yet
  const explain::Story s = explain::TellCase(kCase, events);
  CHECK(s.pages.empty());
  CHECK_THAT(explain::RenderText(s), !Catch::Contains("pages ("));
  CHECK(explain::StoryJson(s, events)["pages"] == nlohmann::ordered_json::array());
}
