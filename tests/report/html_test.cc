// Proves the html report's figures and its safety: the charts judge the same clocks as the
// report (compliance per level per day, first responses binned against the level's target),
// and the page is self-contained and escapes every text from the log.
//
// Given/when/then over hand-made case histories (report_samples.h); instants are UTC.
#include "report/html.h"

#include <catch2/catch.hpp>
#include <string>

#include "report/charts.h"
#include "report/format.h"
#include "report/html_svg.h"
#include "report/report.h"
#include "tests/report/report_samples.h"

namespace {

using report::Charts;
using report::ChartsBuilder;
using report::ReportBuilder;
using report::ReportOptions;
using report_testing::Story;
using report_testing::T;

// Given: level 1 met after 3 minutes on Tuesday the 10th and breached unanswered on the
// 11th; level 2 met after 50 minutes of its hour on the 10th.
std::vector<Story> ThreeCases() {
  std::vector<Story> cases;
  cases.emplace_back("case-a");
  cases.back().Open("2026-11-10T14:00:00Z", 1);
  cases.back().Route("2026-11-10T14:00:00Z", 1, "2026-11-10T14:15:00Z");
  cases.back().Step("2026-11-10T14:00:00Z", 0, 0, {"p1"});
  cases.back().Ack("2026-11-10T14:03:00Z", "p1");
  cases.emplace_back("case-b");
  cases.back().Open("2026-11-11T10:00:00Z", 1);
  cases.back().Route("2026-11-11T10:00:00Z", 1, "2026-11-11T10:15:00Z");
  cases.back().Step("2026-11-11T10:00:00Z", 0, 0, {"p2"});
  cases.back().Breach("2026-11-11T10:15:00Z", "2026-11-11T10:15:00Z");
  cases.emplace_back("case-c");
  cases.back().Open("2026-11-10T16:00:00Z", 2);
  cases.back().Route("2026-11-10T16:00:00Z", 2, "2026-11-10T17:00:00Z", router::ReasonCode::kOpened,
                     "always", 3600);
  cases.back().Step("2026-11-10T16:00:00Z", 0, 0, {"p1"});
  cases.back().Ack("2026-11-10T16:50:00Z", "p1");
  return cases;
}

Charts ChartsOf(const std::vector<Story>& cases, const char* from, const char* to) {
  ChartsBuilder b(ReportOptions{T(from), T(to), report::GroupBy::kLevel, nullptr});
  for (const Story& s : cases) b.AddCase(s.summary());
  return b.Finish();
}

report::Report ReportOf(const std::vector<Story>& cases, const char* from, const char* to) {
  ReportBuilder b(ReportOptions{T(from), T(to), report::GroupBy::kLevel, nullptr});
  for (const Story& s : cases) b.AddCase(s.summary());
  return b.Finish();
}

}  // namespace

TEST_CASE("Charts: compliance per level per UTC day of the clock's start", "[report][html]") {
  // When: the window runs from 06:00 on the 10th to the end of the 11th: two days.
  const Charts c = ChartsOf(ThreeCases(), "2026-11-10T06:00:00Z", "2026-11-12T00:00:00Z");
  CHECK(c.first_day == T("2026-11-10T00:00:00Z"));
  CHECK(c.bucket_days == 1);
  REQUIRE(c.buckets == 2);
  REQUIRE(c.daily.size() == 2);
  const auto& l1 = c.daily.at(1);
  REQUIRE(l1.size() == 2);
  CHECK(l1[0].met == 1);
  CHECK(l1[0].Compliance() == 1.0);
  CHECK(l1[1].breached == 1);
  CHECK(l1[1].Compliance() == 0.0);
  const auto& l2 = c.daily.at(2);
  CHECK(l2[0].met == 1);
  CHECK(l2[1].clocks == 0);
  CHECK_FALSE(l2[1].Compliance());
}

TEST_CASE("Charts: first responses binned by fifths of the level's target", "[report][html]") {
  const Charts c = ChartsOf(ThreeCases(), "2026-11-10T00:00:00Z", "2026-11-12T00:00:00Z");
  REQUIRE(c.levels.size() == 2);
  const report::LevelDistribution& l1 = c.levels[0];
  CHECK(l1.level == 1);
  CHECK(l1.target_s == 900);
  CHECK(l1.responded == 1);
  CHECK(l1.bins[0] == 1);  // 3 minutes: within the first fifth (0 .. 3m]
  CHECK(l1.within_target == 1);
  CHECK(l1.breached_unanswered == 1);
  const report::LevelDistribution& l2 = c.levels[1];
  CHECK(l2.target_s == 3600);
  CHECK(l2.bins[4] == 1);  // 50 minutes: the last fifth before the hour (48m .. 60m]

  SECTION("a response exactly at the target is the last bin within it; later ones beyond") {
    std::vector<Story> cases;
    const char* acks[] = {"2026-11-10T14:15:00Z", "2026-11-10T14:15:01Z", "2026-11-10T14:45:00Z"};
    for (int i = 0; i < 3; ++i) {
      cases.emplace_back("case-" + std::to_string(i));
      cases.back().Open("2026-11-10T14:00:00Z", 1);
      cases.back().Route("2026-11-10T14:00:00Z", 1, "2026-11-10T14:15:00Z");
      cases.back().Ack(acks[i], "p1");
    }
    const Charts late = ChartsOf(cases, "2026-11-10T00:00:00Z", "2026-11-11T00:00:00Z");
    const auto& bins = late.levels[0].bins;
    CHECK(bins[4] == 1);                           // 15m 00s: at the target
    CHECK(bins[5] == 1);                           // 15m 01s: just past it
    CHECK(bins[report::kHistogramBins - 1] == 1);  // 45m: beyond twice the target
    CHECK(late.levels[0].within_target == 1);
  }
}

TEST_CASE("Charts: a long window is drawn in buckets of several days", "[report][html]") {
  const Charts c = ChartsOf(ThreeCases(), "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z");
  // 365 days in at most 120 buckets: 4 days each, 92 buckets.
  CHECK(c.bucket_days == 4);
  CHECK(c.buckets == 92);
  // 2026-11-10 is day 313 of the year (0-based): bucket 78; the 11th too.
  CHECK(c.daily.at(1)[78].clocks == 2);
}

TEST_CASE("An empty window has no buckets and draws no point", "[report][html]") {
  const Charts c = ChartsOf(ThreeCases(), "2026-11-10T12:00:00Z", "2026-11-10T12:00:00Z");
  CHECK(c.daily.empty());
  CHECK(c.levels.empty());
  const std::string svg = report::ComplianceSvg(c, 0.95);
  CHECK(svg.find("no clocks in the window") != std::string::npos);
  CHECK(svg.find("NaN") == std::string::npos);
}

TEST_CASE("HtmlEscape makes log text safe in elements and attributes", "[report][html]") {
  CHECK(report::HtmlEscape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&#39;");
  CHECK(report::HtmlEscape("plain") == "plain");
}

TEST_CASE("The page: figures, escaped text, nothing fetched", "[report][html]") {
  // Given a case whose id carries markup, as a hostile feed could send.
  std::vector<Story> cases = ThreeCases();
  cases.emplace_back("case-<script>alert(1)</script>");
  cases.back().Open("2026-11-11T12:00:00Z", 1);
  cases.back().Route("2026-11-11T12:00:00Z", 1, "2026-11-11T12:15:00Z");
  cases.back().Step("2026-11-11T12:00:00Z", 0, 0, {"p\"1"});
  const char* from = "2026-11-10T00:00:00Z";
  const char* to = "2026-11-12T00:00:00Z";
  const std::string page =
      report::RenderHtml(ReportOf(cases, from, to), ChartsOf(cases, from, to), {0.95});

  CHECK(page.starts_with("<!DOCTYPE html>"));
  CHECK(page.ends_with("</html>\n"));
  // The total: 2 met, 2 breached (one unanswered past its due at the window's end).
  CHECK(page.find("id=\"kpi-compliance\">50.0%</div>") != std::string::npos);
  CHECK(page.find("Breaches (2)") != std::string::npos);
  CHECK(page.find("D-case-b") != std::string::npos);
  CHECK(page.find("target 15m") != std::string::npos);
  CHECK(page.find("target 1h") != std::string::npos);
  CHECK(page.find("goal 95.0%") != std::string::npos);
  // Escaped wherever it appears; no markup of the log's survives.
  CHECK(page.find("case-&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(page.find("p&quot;1") != std::string::npos);
  CHECK(page.find("<script") == std::string::npos);
  // Self-contained: no reference to anything outside the file, and every number is finite.
  for (const char* fetch : {"src=", "href=", "url(", "@import", "https:"}) {
    INFO(fetch);
    CHECK(page.find(fetch) == std::string::npos);
  }
  CHECK(page.find("NaN") == std::string::npos);
  CHECK(page.find("inf\"") == std::string::npos);
  CHECK(page.find("@media print") != std::string::npos);
}

TEST_CASE("TargetLabel and HtmlTime read as people write them", "[report][html]") {
  CHECK(report::TargetLabel(900, false) == "15m");
  CHECK(report::TargetLabel(3600, false) == "1h");
  CHECK(report::TargetLabel(43200, true) == "12bh");
  CHECK(report::TargetLabel(90, false) == "90s");
  CHECK(report::HtmlTime(T("2026-11-10T16:00:00Z")) ==
        "<time datetime=\"2026-11-10T16:00:00Z\">2026-11-10 16:00Z</time>");
  CHECK(report::HtmlTime(T("2026-11-10T16:00:30Z")) ==
        "<time datetime=\"2026-11-10T16:00:30Z\">2026-11-10 16:00:30Z</time>");
}
