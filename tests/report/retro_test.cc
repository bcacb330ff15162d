// Proves the retrospective's model: each clock's timeline in the order things happened, its
// running and paused spans on a business calendar (and one running span without the
// configuration), the clocks met closest to their due, the account filter and the window.
//
// Given/when/then over hand-made case histories (report_samples.h) and the scenario
// configuration: ny-business is Mon-Fri 09:00-17:00 New York, 14:00-22:00Z in November 2026.
#include "report/retro.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "report/retro_render.h"
#include "tests/report/report_samples.h"

namespace {

using report::EntryKind;
using report::Retro;
using report::RetroBuilder;
using report_testing::Story;
using report_testing::T;

// Given a level-2 case of Contoso's launch plan opened Friday 16:55 New York (21:55Z) with a
// 1h business-hours target: 5 minutes count on Friday, the clock pauses over the weekend, and
// the due is Monday 09:55 New York (14:55Z). eae2 is paged at 14:15Z Monday (delivered two
// seconds later), the warning comes at 14:40Z, and eae2 acknowledges at 14:50Z.
Story FridayLaunch() {
  Story s("case-f");
  s.Open("2026-11-13T21:55:00Z", 2, "444455556666");
  s.Route("2026-11-13T21:55:00Z", 2, "2026-11-16T14:55:00Z", router::ReasonCode::kOpened,
          "ny-business", 3600);
  s.Step("2026-11-13T21:55:00Z", 0, 0, {"p1"});
  const uint64_t page = s.Page("2026-11-16T14:15:00Z", "eae2", 1, 0);
  s.Delivered("2026-11-16T14:15:02Z", page);
  s.Warning("2026-11-16T14:40:00Z", "2026-11-16T14:55:00Z");
  s.Ack("2026-11-16T14:50:00Z", "eae2");
  return s;
}

Retro RetroOf(const std::vector<const Story*>& stories, const char* from, const char* to,
              const config::Config* config, const std::string& account = "") {
  RetroBuilder b({T(from), T(to), account, config});
  for (const Story* s : stories) b.AddCase(s->retro());
  return b.Finish();
}

}  // namespace

TEST_CASE("Retro: the timeline and the paused weekend of a business-hours clock",
          "[report][retro]") {
  const auto config = report_testing::TestConfig();
  const Story s = FridayLaunch();
  // When: the retrospective of that week.
  const Retro r = RetroOf({&s}, "2026-11-13T00:00:00Z", "2026-11-20T00:00:00Z", config.get());
  REQUIRE(r.cases.size() == 1);
  CHECK(r.cases[0].customer == "Contoso Streaming");
  REQUIRE(r.cases[0].clocks.size() == 1);
  const report::RetroClock& k = r.cases[0].clocks[0];

  // Then: met, 55 minutes on the clock (5 on Friday, 50 on Monday) and 64 hours paused.
  CHECK(k.outcome.outcome == report::Outcome::kMet);
  CHECK(k.stopped);
  CHECK(k.end == T("2026-11-16T14:50:00Z"));
  CHECK(k.calendar_known);
  REQUIRE(k.spans.size() == 3);
  CHECK(k.spans[0].running);
  CHECK(k.spans[0].to == T("2026-11-13T22:00:00Z"));
  CHECK_FALSE(k.spans[1].running);
  CHECK(k.spans[1].to == T("2026-11-16T14:00:00Z"));
  CHECK(k.spans[2].running);
  CHECK(k.running == std::chrono::minutes(55));
  CHECK(k.running == *k.outcome.first_response);
  CHECK(k.paused == std::chrono::hours(64));
  CHECK(k.margin == std::chrono::minutes(5));

  std::vector<std::string> lines;
  for (const auto& e : k.timeline) {
    lines.push_back(base::FormatInstant(e.at) + " " + report::EntryText(e, *k.clock));
  }
  CHECK(lines == std::vector<std::string>{
                     "2026-11-13T21:55:00Z clock started: case opened",
                     "2026-11-13T21:55:00Z routed: level 2, plan annual, target 1h on "
                     "ny-business, due 2026-11-16T14:55:00Z",
                     "2026-11-13T21:55:00Z escalated: cycle 0 step 0",
                     "2026-11-13T21:55:00Z paged p1 through schedule/primary",
                     "2026-11-16T14:15:00Z paged eae2 through schedule/primary",
                     "2026-11-16T14:15:02Z page to eae2 delivered",
                     "2026-11-16T14:40:00Z SLA warning: due 2026-11-16T14:55:00Z",
                     "2026-11-16T14:50:00Z acknowledged by eae2",
                     "2026-11-16T14:50:00Z responded: acknowledged by eae2",
                 });
  REQUIRE(r.closest.size() == 1);
  CHECK(r.summary.total.met == 1);
}

TEST_CASE("Retro: without the configuration a clock runs in wall time", "[report][retro]") {
  const Story s = FridayLaunch();
  const Retro r = RetroOf({&s}, "2026-11-13T00:00:00Z", "2026-11-20T00:00:00Z", nullptr);
  const report::RetroClock& k = r.cases.at(0).clocks.at(0);
  CHECK_FALSE(k.calendar_known);
  REQUIRE(k.spans.size() == 1);
  CHECK(k.spans[0].running);
  CHECK(k.paused == base::Duration(0));
  CHECK(k.margin == std::chrono::minutes(5));  // 14:50 to 14:55, wall time
  const std::string text = report::RenderRetroText(r);
  CHECK(text.find("wall time: calendar not in --config") != std::string::npos);
}

TEST_CASE("Retro: the clocks met closest to their due, at most five, breaches left out",
          "[report][retro]") {
  // Given seven level-1 clocks acknowledged 1 to 7 minutes before their 15-minute due, and one
  // never acknowledged.
  const auto config = report_testing::TestConfig();
  std::vector<Story> stories;
  stories.reserve(8);
  const char* acks[] = {"14:08", "14:13", "14:11", "14:14", "14:09", "14:12", "14:10"};
  for (int i = 0; i < 7; ++i) {
    stories.emplace_back("case-" + std::to_string(i));
    stories.back().Open("2026-11-10T14:00:00Z", 1);
    stories.back().Route("2026-11-10T14:00:00Z", 1, "2026-11-10T14:15:00Z");
    stories.back().Ack(("2026-11-10T" + std::string(acks[i]) + ":00Z").c_str(), "p1");
  }
  stories.emplace_back("case-late");
  stories.back().Open("2026-11-10T14:00:00Z", 1);
  stories.back().Route("2026-11-10T14:00:00Z", 1, "2026-11-10T14:15:00Z");
  std::vector<const Story*> all;
  for (const Story& s : stories) all.push_back(&s);

  const Retro r = RetroOf(all, "2026-11-10T00:00:00Z", "2026-11-11T00:00:00Z", config.get());
  CHECK(r.cases.size() == 8);
  REQUIRE(r.closest.size() == report::kClosest);
  std::vector<std::string> order;
  for (const auto& x : r.closest) {
    order.push_back(r.cases[x.c].summary->case_id + " " +
                    std::to_string(std::chrono::duration_cast<std::chrono::minutes>(
                                       *r.cases[x.c].clocks[x.clock].margin)
                                       .count()));
  }
  CHECK(order ==
        std::vector<std::string>{"case-3 1", "case-1 2", "case-5 3", "case-2 4", "case-6 5"});
  // The one never answered is breached by the window's end: due passed, no breach logged yet.
  const auto& late = r.cases.back();
  REQUIRE(late.summary->case_id == "case-late");
  CHECK(late.clocks[0].outcome.outcome == report::Outcome::kBreached);
  CHECK(late.clocks[0].timeline.back().kind == EntryKind::kDuePassed);
  CHECK_FALSE(late.clocks[0].stopped);
}

TEST_CASE("Retro: one account's cases, and only what happened by the window's end",
          "[report][retro]") {
  const auto config = report_testing::TestConfig();
  const Story contoso = FridayLaunch();
  Story northwind("case-n");
  northwind.Open("2026-11-13T22:00:00Z", 1);
  northwind.Route("2026-11-13T22:00:00Z", 1, "2026-11-13T22:15:00Z");
  northwind.Ack("2026-11-13T22:05:00Z", "p1");

  SECTION("--account keeps that account's cases, in the summary too") {
    const Retro r = RetroOf({&contoso, &northwind}, "2026-11-13T00:00:00Z", "2026-11-20T00:00:00Z",
                            config.get(), "111122223333");
    REQUIRE(r.cases.size() == 1);
    CHECK(r.cases[0].summary->case_id == "case-n");
    CHECK(r.summary.total.clocks == 1);
  }
  SECTION("a window ending Monday 14:30Z: Contoso's clock still runs, nothing later shows") {
    const Retro r = RetroOf({&contoso, &northwind}, "2026-11-13T00:00:00Z", "2026-11-16T14:30:00Z",
                            config.get());
    REQUIRE(r.cases.size() == 2);
    const report::RetroClock& k = r.cases[0].clocks[0];  // opened first
    CHECK(r.cases[0].summary->case_id == "case-f");
    CHECK(k.outcome.outcome == report::Outcome::kOpen);
    CHECK_FALSE(k.stopped);
    CHECK(k.end == T("2026-11-16T14:30:00Z"));
    CHECK(k.running == std::chrono::minutes(35));
    CHECK(k.timeline.back().kind == EntryKind::kDelivered);
    CHECK_FALSE(k.margin);
    REQUIRE(r.closest.size() == 1);
    CHECK(r.cases[r.closest[0].c].summary->case_id == "case-n");
  }
}

TEST_CASE("Retro html: one self-contained page, log text escaped", "[report][retro]") {
  Story s("case-<b>x</b>");
  s.Open("2026-11-10T14:00:00Z", 1);
  s.Route("2026-11-10T14:00:00Z", 1, "2026-11-10T14:15:00Z");
  s.Step("2026-11-10T14:00:00Z", 0, 0, {"p<1>"});
  const Retro r = RetroOf({&s}, "2026-11-10T00:00:00Z", "2026-11-11T00:00:00Z", nullptr);
  const std::string page = report::RenderRetroHtml(r, {});
  CHECK(page.starts_with("<!DOCTYPE html>"));
  CHECK(page.find("case-&lt;b&gt;x&lt;/b&gt;") != std::string::npos);
  CHECK(page.find("paged p&lt;1&gt; through") != std::string::npos);
  CHECK(page.find("<b>") == std::string::npos);
  CHECK(page.find("<script") == std::string::npos);
  CHECK(page.find("NaN") == std::string::npos);
  CHECK(page.find("class=\"chart timeline\"") != std::string::npos);
}
