// The dashboard in a real browser: headless Chromium loads serve's dashboard (`/#poll`: it
// polls, as an open event stream would keep the browser's virtual time from ending) while serve
// ingests cases published during the test. The DOM shows the open cases and who is on call,
// the screenshot is not blank, the console is clean, and a customer's subject made of HTML
// renders as text. The case page shows explain's timeline.
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/browser_support.h"
#include "tests/cli/serve_fixture.h"

namespace {

using browser_testing::Browser;
using browser_testing::ConsoleLines;
using browser_testing::RunChromium;
using ingest_test::Broker;
using nlohmann::json;
using testing_support::TempDir;
using namespace std::chrono_literals;

constexpr char kXss[] = "<script>alert(1)</script><img src=x onerror=alert(2)>";

// GET with curl (bounded); the status and body.
std::pair<int, std::string> Get(const std::string& url) {
  auto r = ingest_test::Run(
      {"/usr/bin/curl", "-sS", "--max-time", "10", "-w", "\n%{http_code}", url}, 20);
  REQUIRE(r.exit_code == 0);
  const size_t nl = r.out.rfind('\n');
  return {std::stoi(r.out.substr(nl + 1)), r.out.substr(0, nl)};
}

// Waits (20 s at most) until the API lists the case as open.
void WaitForOpen(const std::string& base, const std::string& case_id) {
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline) {
    auto [status, body] = Get(base + "/api/v1/cases?limit=1000");
    if (status == 200 && body.find("\"" + case_id + "\"") != std::string::npos) return;
    std::this_thread::sleep_for(50ms);
  }
  FAIL("case " << case_id << " never listed as open");
}

// Who the API says is on call in every schedule now.
std::set<std::string> OnCallNow(const std::string& base) {
  auto [status, body] = Get(base + "/api/v1/oncall");
  REQUIRE(status == 200);
  std::set<std::string> out;
  for (const json& o : json::parse(body)) {
    if (o["oncall"].is_string()) out.insert(o["oncall"].get<std::string>());
  }
  return out;
}

}  // namespace

TEST_CASE("headless Chromium shows serve's live dashboard and a case page", "[web][browser]") {
  REQUIRE(std::filesystem::exists(browser_testing::kChromium));
  TempDir dir;
  const std::string broker_err = (dir.path() / "broker.err").string();
  const std::string serve_err = (dir.path() / "serve.err").string();
  Broker broker(1, broker_err);
  // Later steps far off: the screen holds still between loads.
  const std::string config =
      serve_fixture::WriteConfig(dir, 600, 1200, "http: {read_open: true}\n");
  const std::string data = (dir.path() / "data").string();
  serve_fixture::HttpServe serve = serve_fixture::StartServeHttp(broker, config, data, serve_err);
  INFO("serve stderr: " << testing_support::ReadFile(serve_err));
  // Chromium's leftovers are stopped by PID after each run; these two are ours to keep.
  const std::vector<pid_t> keep{broker.proc.pid(), serve.proc->pid()};

  const std::string fire = "case-111122223333-fire-1", xss = "case-111122223333-xss-1";
  serve_fixture::Publish(
      broker, dir,
      serve_fixture::CreateCase(fire, serve_fixture::Now(), "encoder on fire", "4242"));
  WaitForOpen(serve.base, fire);

  {  // the DOM: open cases, who is on call, a hostile subject as text
    // Published just before the load: serve is still routing it as the page reads.
    serve_fixture::Publish(broker, dir,
                           serve_fixture::CreateCase(xss, serve_fixture::Now(), kXss, "6666"));
    WaitForOpen(serve.base, xss);
    const std::set<std::string> before = OnCallNow(serve.base);
    const Browser b =
        RunChromium(dir, serve.base + "/#poll", {"--virtual-time-budget=5000", "--dump-dom"}, keep);
    const std::set<std::string> after = OnCallNow(serve.base);
    INFO("chromium stderr: " << b.err);
    REQUIRE_FALSE(b.timed_out);
    REQUIRE(b.exit_code == 0);
    CHECK(ConsoleLines(b.err).empty());
    const std::string& dom = b.out;
    INFO("DOM: " << dom);
    // The open case: its subject in the cases table, its display id in the activity.
    CHECK(dom.find("<td class=\"subject\"><a href=\"/cases/" + fire + "\">encoder on fire</a>") !=
          std::string::npos);
    CHECK(dom.find("<a class=\"ref\" href=\"/cases/" + fire + "\">4242</a>") != std::string::npos);
    CHECK(dom.find("id=\"conn\" class=\"conn ok\">live<") != std::string::npos);
    // Who is on call, as the API says at that instant (before or after the load: a handoff
    // may fall between).
    bool oncall = false;
    for (const auto* names : {&before, &after}) {
      for (const std::string& name : *names) {
        oncall = oncall || dom.find("<td class=\"who\">" + name + "</td>") != std::string::npos;
      }
    }
    CHECK(oncall);
    CHECK(dom.find("<td class=\"schedule\">video-sme-primary</td>") != std::string::npos);
    // The hostile subject is text: escaped inside its cell, and no element made of it.
    CHECK(dom.find("<td class=\"subject\"><a href=\"/cases/" + xss +
                   "\">&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;</a>"
                   "</td>") != std::string::npos);
    CHECK(dom.find("<img") == std::string::npos);
    CHECK(dom.find("<script>alert") == std::string::npos);
    CHECK(dom.find(">6666<") != std::string::npos);
  }

  {  // the screenshot is not blank
    const std::string png = (dir.path() / "dashboard.png").string();
    const Browser b = RunChromium(
        dir, serve.base + "/#poll",
        {"--virtual-time-budget=5000", "--screenshot=" + png, "--window-size=1280,900"}, keep);
    INFO("chromium stderr: " << b.err);
    REQUIRE_FALSE(b.timed_out);
    REQUIRE(b.exit_code == 0);
    CHECK(ConsoleLines(b.err).empty());
    // The header's dark band (#101828) and the green "live" badge (#1a7f37: the page read the
    // API) are painted.
    const json colours = browser_testing::PngColours(png, {"101828", "1a7f37"});
    INFO("png: " << colours.dump());
    CHECK(colours["width"] == 1280);
    CHECK(colours["colours"].get<int>() > 10);
    CHECK(colours["non_background"].get<double>() > 0.05);
    CHECK(colours["found"] == json({"101828", "1a7f37"}));
  }

  {  // the case page shows explain's timeline
    const Browser b = RunChromium(dir, serve.base + "/cases/" + fire + "#poll",
                                  {"--virtual-time-budget=5000", "--dump-dom"}, keep);
    INFO("chromium stderr: " << b.err);
    REQUIRE_FALSE(b.timed_out);
    REQUIRE(b.exit_code == 0);
    CHECK(ConsoleLines(b.err).empty());
    const std::string& dom = b.out;
    INFO("DOM: " << dom);
    CHECK(dom.find("<h2 id=\"case-title\">4242: encoder on fire</h2>") != std::string::npos);
    CHECK(dom.find("<span class=\"kind\">opened</span>") != std::string::npos);
    CHECK(dom.find("OPENED  case 4242 \"encoder on fire\"</div>") != std::string::npos);
    CHECK(dom.find("<title>escalator: 4242</title>") != std::string::npos);
  }

  serve_fixture::StopServe(*serve.proc, serve_err);
}
