// Proves the html report (and the retrospective) look right in a real browser: headless Chromium
// renders a report over simulated scenarios to a PNG that is not blank and shows the charts'
// colours, logs no console message (the page has no script: any message is an error, such as an
// SVG attribute it could not parse), and its DOM holds the figures `--format json` gives for the
// same log.
//
// Chromium runs through tests/browser_support.h (bounded, stopped by PID).
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/browser_support.h"
#include "tests/report/simulated_log.h"
#include "tests/test_support.h"

namespace {

using browser_testing::Browser;
using browser_testing::ConsoleLines;
using browser_testing::kChromium;
using browser_testing::PngColours;
using browser_testing::RunChromium;
using nlohmann::json;
using report_testing::ReportFile;
using report_testing::ScenarioFile;
using report_testing::SimulatedLog;
using testing_support::RunCommand;
using testing_support::TempDir;

std::string Percent1(double fraction) {
  char out[16];
  std::snprintf(out, sizeof out, "%.1f%%", fraction * 100.0);
  return out;
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("Headless Chromium renders the html report: not blank, no console error, the figures",
          "[report][html][browser]") {
  REQUIRE(std::filesystem::exists(kChromium));  // ops/bootstrap installs Debian's chromium
  // Given every scenario of the report tests in one log, over November 2026: breaches of each
  // code, levels 1 to 4, a follow-up clock.
  SimulatedLog log({ScenarioFile("all_scenarios.jsonl"), ReportFile("counts.jsonl"),
                    ReportFile("follow_up.jsonl")});
  const std::string from = "2026-11-01T00:00:00Z", to = "2026-12-08T00:00:00Z";
  TempDir dir;
  const std::string page = (dir.path() / "report.html").string();
  auto written = log.Report({"--from", from, "--to", to, "--format", "html", "--out", page,
                             "--config", report_testing::Config()});
  INFO("report stderr: " << written.err);
  REQUIRE(written.exit_code == 0);
  const json expected = log.ReportJson(from, to);
  REQUIRE(expected["breaches"].size() >= 5);

  SECTION("the screenshot shows the page and its charts") {
    const std::string png = (dir.path() / "report.png").string();
    const Browser b =
        RunChromium(dir, "file://" + page, {"--screenshot=" + png, "--window-size=1280,2000"});
    INFO("chromium stderr: " << b.err);
    REQUIRE_FALSE(b.timed_out);
    REQUIRE(b.exit_code == 0);
    CHECK(ConsoleLines(b.err).empty());
    // Level 1's red bars and the histograms' green bars are painted in their exact colours.
    const json colours = PngColours(png, {"c0392b", "27ae60"});
    INFO("png: " << colours.dump());
    CHECK(colours["width"] == 1280);
    CHECK(colours["colours"].get<int>() > 1);
    CHECK(colours["non_background"].get<double>() > 0.02);
    CHECK(colours["found"] == json({"27ae60", "c0392b"}));
  }

  SECTION("the DOM holds the json's figures") {
    const Browser b = RunChromium(dir, "file://" + page, {"--dump-dom"});
    INFO("chromium stderr: " << b.err);
    REQUIRE_FALSE(b.timed_out);
    REQUIRE(b.exit_code == 0);
    CHECK(ConsoleLines(b.err).empty());
    const std::string& dom = b.out;
    REQUIRE(dom.find("<h1>SLA compliance</h1>") != std::string::npos);
    const std::string compliance = Percent1(expected["total"]["compliance"].get<double>());
    CHECK(dom.find("id=\"kpi-compliance\">" + compliance + "<") != std::string::npos);
    CHECK(dom.find("id=\"kpi-clocks\">" + std::to_string(expected["total"]["clocks"].get<int>()) +
                   "<") != std::string::npos);
    CHECK(Count(dom, "<tr class=\"breach\"") == expected["breaches"].size());
    for (const json& breach : expected["breaches"]) {
      INFO("breach " << breach.dump());
      CHECK(dom.find("data-case=\"" + breach["case"].get<std::string>() + "\"") !=
            std::string::npos);
      CHECK(dom.find(">" + breach["reason"].get<std::string>() + "<") != std::string::npos);
    }
    for (const json& engineer : expected["engineers"]) {
      CHECK(dom.find("<td>" + engineer["engineer"].get<std::string>()) != std::string::npos);
    }
    CHECK(Count(dom, "<svg class=\"chart") == 1 + expected["groups"].size());
  }
}

TEST_CASE("Headless Chromium renders the retrospective: not blank, no console error",
          "[report][html][browser][retro]") {
  REQUIRE(std::filesystem::exists(kChromium));
  SimulatedLog log({ScenarioFile("all_scenarios.jsonl")});
  TempDir dir;
  const std::string page = (dir.path() / "retro.html").string();
  auto written =
      RunCommand({testing_support::EscalatorBin(), "retro", "--data", log.data(), "--from",
                  "2026-11-01T00:00:00Z", "--to", "2026-12-08T00:00:00Z", "--config",
                  report_testing::Config(), "--format", "html", "--out", page});
  INFO("retro stderr: " << written.err);
  REQUIRE(written.exit_code == 0);
  const std::string png = (dir.path() / "retro.png").string();
  const Browser shot =
      RunChromium(dir, "file://" + page, {"--screenshot=" + png, "--window-size=1280,2000"});
  INFO("chromium stderr: " << shot.err);
  REQUIRE_FALSE(shot.timed_out);
  REQUIRE(shot.exit_code == 0);
  CHECK(ConsoleLines(shot.err).empty());
  // The running spans' green and the breached outcome's red are painted.
  const json colours = PngColours(png, {"27ae60", "c0392b"});
  INFO("png: " << colours.dump());
  CHECK(colours["non_background"].get<double>() > 0.02);
  CHECK(colours["found"] == json({"27ae60", "c0392b"}));
  const Browser dom = RunChromium(dir, "file://" + page, {"--dump-dom"});
  REQUIRE(dom.exit_code == 0);
  CHECK(ConsoleLines(dom.err).empty());
  CHECK(dom.out.find("<h1>SLA retrospective</h1>") != std::string::npos);
  CHECK(Count(dom.out, "<article class=\"case\"") == 10);  // 11 clocks: one case reopened
  CHECK(Count(dom.out, "<svg class=\"chart timeline\"") == 11);
}

TEST_CASE("The browser checks catch what they are for: a blank page, a console error",
          "[report][html][browser]") {
  REQUIRE(std::filesystem::exists(kChromium));
  // Given a white page whose only content errs: a script error and an SVG attribute Chromium
  // cannot parse (what a NaN in a chart would be).
  TempDir dir;
  const std::string page = (dir.path() / "bad.html").string();
  testing_support::WriteFile(page,
                             "<!DOCTYPE html><html><body style=\"background:#fff\">"
                             "<script>undefinedFunction();</script>"
                             "<svg width=\"1\" height=\"1\"><rect width=\"NaN\" height=\"1\"/>"
                             "</svg></body></html>");
  const std::string png = (dir.path() / "bad.png").string();
  const Browser b =
      RunChromium(dir, "file://" + page, {"--screenshot=" + png, "--window-size=1280,2000"});
  INFO("chromium stderr: " << b.err);
  REQUIRE(b.exit_code == 0);
  const auto console = ConsoleLines(b.err);
  CHECK(console.size() == 2);
  CHECK(b.err.find("Uncaught ReferenceError") != std::string::npos);
  CHECK(b.err.find("attribute width") != std::string::npos);
  const json colours = PngColours(png, {"c0392b"});
  CHECK(colours["colours"] == 1);
  CHECK(colours["non_background"] == 0);
  CHECK(colours["found"].empty());
}
