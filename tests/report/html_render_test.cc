// Proves the html report (and the retrospective) look right in a real browser: headless Chromium
// renders a report over simulated scenarios to a PNG that is not blank and shows the charts'
// colours, logs no console message (the page has no script: any message is an error, such as an
// SVG attribute it could not parse), and its DOM holds the figures `--format json` gives for the
// same log.
//
// Every Chromium run is bounded (60 s) and stopped by PID: its process group, and any process
// it left behind (crash handlers that detach), which this test collects as a subreaper.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/report/simulated_log.h"
#include "tests/test_support.h"

namespace {

using nlohmann::json;
using report_testing::ReportFile;
using report_testing::ScenarioFile;
using report_testing::SimulatedLog;
using testing_support::ReadFile;
using testing_support::RunCommand;
using testing_support::SourceDir;
using testing_support::TempDir;

constexpr const char* kChromium = "/usr/bin/chromium";
constexpr auto kBrowserTimeout = std::chrono::seconds(60);

// The PIDs of this process's children, from /proc (ppid is field 4 of /proc/PID/stat, after
// the command name in parentheses, which may itself hold spaces or parentheses).
std::vector<pid_t> Children() {
  std::vector<pid_t> out;
  const pid_t self = getpid();
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const size_t close = text.rfind(')');
    if (close == std::string::npos) continue;
    char state = 0;
    int ppid = 0;
    if (std::sscanf(text.c_str() + close + 1, " %c %d", &state, &ppid) == 2 && ppid == self) {
      out.push_back(static_cast<pid_t>(std::stoi(name)));
    }
  }
  return out;
}

// Kills and reaps every child left (the browser's detached helpers were reparented here,
// this process being a subreaper), each by its PID, until none remains or 10 s pass.
void StopLeftovers() {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::vector<pid_t> left = Children();
    if (left.empty()) return;
    for (pid_t pid : left) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }
  FAIL("processes left by chromium could not be stopped");
}

struct Browser {
  int exit_code = -1;
  bool timed_out = false;
  std::string out;
  std::string err;
};

// Runs headless Chromium on `page` with `flags` in a fresh profile and HOME under `dir`,
// bounded by kBrowserTimeout; stops everything it started before returning.
Browser RunChromium(const TempDir& dir, const std::string& page,
                    const std::vector<std::string>& flags) {
  static const bool subreaper = prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
  REQUIRE(subreaper);
  const std::string home = (dir.path() / "home").string();
  std::filesystem::create_directories(home);
  std::vector<std::string> argv{kChromium,
                                "--headless",
                                "--no-sandbox",
                                "--disable-gpu",
                                "--hide-scrollbars",
                                "--no-first-run",
                                "--enable-logging=stderr",
                                "--v=0",
                                "--user-data-dir=" + (dir.path() / "profile").string()};
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.push_back("file://" + page);
  const auto out_path = dir.path() / "browser.out";
  const auto err_path = dir.path() / "browser.err";

  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    setpgid(0, 0);  // its own group, so the browser's helpers can be stopped with it
    const int in = open("/dev/null", O_RDONLY);
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    setenv("HOME", home.c_str(), 1);  // crash reports and caches stay in the temp dir
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  setpgid(pid, pid);  // also here: whichever runs first, the group exists before a kill

  Browser b;
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + kBrowserTimeout;
  while (true) {
    if (waitpid(pid, &status, WNOHANG) == pid) break;
    if (std::chrono::steady_clock::now() > deadline) {
      b.timed_out = true;
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(-pid, SIGKILL);  // what is left of its group (renderers, zygotes)
  StopLeftovers();
  b.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  b.out = ReadFile(out_path);
  b.err = ReadFile(err_path);
  return b;
}

// The page's console messages as Chromium logs them ("...:CONSOLE:1] "msg", source: ...").
std::vector<std::string> ConsoleLines(const std::string& log) {
  std::vector<std::string> out;
  for (const auto& line : report_testing::Lines(log)) {
    if (line.find(":CONSOLE") != std::string::npos || line.find("Uncaught") != std::string::npos) {
      out.push_back(line);
    }
  }
  return out;
}

json PngColours(const std::string& png, const std::vector<std::string>& expected) {
  std::vector<std::string> argv{"/usr/bin/python3",
                                (SourceDir() / "tests/report/png_colours.py").string(), png};
  argv.insert(argv.end(), expected.begin(), expected.end());
  auto r = RunCommand(argv, 120);
  INFO("png_colours.py stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out);
}

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
    const Browser b = RunChromium(dir, page, {"--screenshot=" + png, "--window-size=1280,2000"});
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
    const Browser b = RunChromium(dir, page, {"--dump-dom"});
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
  const Browser shot = RunChromium(dir, page, {"--screenshot=" + png, "--window-size=1280,2000"});
  INFO("chromium stderr: " << shot.err);
  REQUIRE_FALSE(shot.timed_out);
  REQUIRE(shot.exit_code == 0);
  CHECK(ConsoleLines(shot.err).empty());
  // The running spans' green and the breached outcome's red are painted.
  const json colours = PngColours(png, {"27ae60", "c0392b"});
  INFO("png: " << colours.dump());
  CHECK(colours["non_background"].get<double>() > 0.02);
  CHECK(colours["found"] == json({"27ae60", "c0392b"}));
  const Browser dom = RunChromium(dir, page, {"--dump-dom"});
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
  const Browser b = RunChromium(dir, page, {"--screenshot=" + png, "--window-size=1280,2000"});
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
