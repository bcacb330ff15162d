// Proves serve routes live: a Sev1 opened now pages step 0 over ZeroMQ, the next step
// fires on its timer within a second, an ack stops the rest; a restart resends the outbox.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/time.h"
#include "tests/feed/child_process.h"
#include "tests/feed/dev_broker.h"
#include "tests/test_support.h"

namespace {

using ingest_test::Broker;
using ingest_test::ChildProcess;
using nlohmann::json;
using testing_support::TempDir;
using Clock = std::chrono::system_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kAccount[] = "111122223333";  // annual + 24x7: medialive is covered always

std::string Bin() { return testing_support::EscalatorBin(); }

base::Timestamp Now() { return std::chrono::floor<milliseconds>(Clock::now()); }

// The sample config with a level-1 policy fast enough for a test and independent
// of who is on call: alice at once, bob after `bob_s` seconds, gus after `gus_s`.
std::string WriteConfig(const TempDir& dir, int bob_s = 3, int gus_s = 10) {
  std::string text =
      testing_support::ReadFile(testing_support::SharedDir() / "samples" / "config.yaml");
  std::regex level1(R"(  1: \{repeat: 2, steps: \[[^\n]*\n[^\n]*\n[^\n]*\]\}\n)");
  std::string replaced = std::regex_replace(
      text, level1,
      "  1: {repeat: 0, steps: [{after: 0s, notify: [alice]}, {after: " + std::to_string(bob_s) +
          "s, notify: [bob]},\n                         {after: " + std::to_string(gus_s) +
          "s, notify: [gus]}]}\n");
  REQUIRE(replaced != text);
  auto path = dir.path() / "config.yaml";
  testing_support::WriteFile(path, replaced);
  return path.string();
}

std::string CreateCase(const std::string& case_id, base::Timestamp at) {
  json j = {{"version", "0"},
            {"id", "env-" + case_id},
            {"detail-type", "Support Case Update"},
            {"source", "aws.support"},
            {"account", kAccount},
            {"time", base::FormatInstant(at)},
            {"region", "us-east-1"},
            {"resources", json::array()},
            {"detail",
             {{"case-id", case_id},
              {"display-id", "77"},
              {"communication-id", ""},
              {"event-name", "CreateCase"},
              {"origin", ""},
              {"case",
               {{"caseId", case_id},
                {"displayId", "77"},
                {"subject", "channel down"},
                {"status", "opened"},
                {"serviceCode", "medialive"},
                {"categoryCode", "other"},
                {"severityCode", "critical"},
                {"submittedBy", "ops@northwind.example"},
                {"timeCreated", base::FormatInstant(at)},
                {"language", "en"}}}}}};
  return j.dump();
}

void Publish(const Broker& broker, const TempDir& dir, const std::string& line) {
  auto path = dir.path() / "feed.jsonl";
  testing_support::WriteFile(path, line + "\n");
  auto r = ingest_test::Run({Bin(), "publish", "--brokers", broker.bootstrap, path.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

std::vector<std::string> ServeArgs(const Broker& b, const std::string& config,
                                   const std::string& data) {
  return {Bin(),
          "serve",
          "--config",
          config,
          "--data",
          data,
          "--brokers",
          b.bootstrap,
          "--session-timeout-ms",
          "6000",
          "--heartbeat-interval-ms",
          "1000",
          "--summary-interval-s",
          "1"};
}

// A pager client for one engineer, JSON lines on stdout.
std::unique_ptr<ChildProcess> StartPager(const std::string& endpoint, const std::string& engineer,
                                         int timeout_s, const std::string& err_path) {
  return std::make_unique<ChildProcess>(
      std::vector<std::string>{Bin(), "pager", "--endpoint", endpoint, "--engineer", engineer,
                               "--format", "json", "--count", "1", "--timeout",
                               std::to_string(timeout_s)},
      err_path);
}

// Polls a child's stderr file until it mentions `what`, or a deadline.
bool WaitForText(const std::string& path, const std::string& what, seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    if (s.str().find(what) != std::string::npos) return true;
    std::this_thread::sleep_for(milliseconds(50));
  }
  return false;
}

std::vector<json> LogOf(const std::string& data, const std::string& case_id) {
  auto r = ingest_test::Run({Bin(), "log", "--data", data, "--case", case_id, "--format", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::vector<json> out;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

std::vector<json> OfType(const std::vector<json>& log, const std::string& type) {
  std::vector<json> out;
  for (const auto& e : log) {
    if (e.at("type") == type) out.push_back(e);
  }
  return out;
}

std::string Dump(const std::vector<json>& log) {
  std::string s;
  for (const auto& e : log) s += e.dump() + "\n";
  return s;
}

void StopServe(ChildProcess& serve, const std::string& err_path) {
  serve.Signal(SIGTERM);
  auto code = serve.Wait(seconds(30));
  INFO(testing_support::ReadFile(err_path));
  REQUIRE(code);
  REQUIRE(*code == 0);
}

}  // namespace

TEST_CASE("serve pages step 0 over ZeroMQ, fires the next step on time, and an ack stops it") {
  TempDir dir;
  const std::string d = dir.str();
  Broker broker(2, d + "/broker.err");
  const std::string config = WriteConfig(dir);
  const std::string data = d + "/data";
  const std::string endpoint = "ipc://" + d + "/pager.sock";
  auto args = ServeArgs(broker, config, data);
  args.insert(args.end(), {"--pager-endpoint", endpoint, "--pager-grace-ms", "0"});
  ChildProcess serve(args, d + "/serve.err");
  auto alice = StartPager(endpoint, "alice", 60, d + "/alice.err");
  auto bob = StartPager(endpoint, "bob", 60, d + "/bob.err");
  auto gus = StartPager(endpoint, "gus", 25, d + "/gus.err");
  for (const char* who : {"alice", "bob", "gus"}) {
    INFO(who << ": " << testing_support::ReadFile(d + "/" + who + ".err"));
    REQUIRE(WaitForText(d + "/" + who + ".err", "connected", seconds(20)));
  }
  // serve is up (the pagers connected to it) and consuming once it logs an assignment.
  REQUIRE(WaitForText(d + "/serve.err", "assigned", seconds(30)));

  const std::string case_id = "case-shell-live-1";
  const base::Timestamp opened = Now();
  Publish(broker, dir, CreateCase(case_id, opened));

  auto alice_page = alice->ReadLine(seconds(30));
  INFO(testing_support::ReadFile(d + "/serve.err"));
  REQUIRE(alice_page);
  auto a = json::parse(*alice_page);
  CHECK(a.at("case") == case_id);
  CHECK(a.at("engineer") == "alice");
  CHECK(a.at("step") == 0);
  CHECK(a.at("seq").get<uint64_t>() > 0);

  auto bob_page = bob->ReadLine(seconds(30));
  const base::Timestamp bob_arrived = Now();
  REQUIRE(bob_page);
  auto b = json::parse(*bob_page);
  CHECK(b.at("case") == case_id);
  CHECK(b.at("step") == 1);
  // The step is due at opened + 3 s: its timer fired within a second of that
  // (plus the time to hand the page to ZeroMQ and read it back).
  const base::Timestamp step1_due = opened + seconds(3);
  CHECK(bob_arrived >= step1_due);
  CHECK(bob_arrived - step1_due < milliseconds(1500));

  auto ack = ingest_test::Run(
      {Bin(), "ack", "--brokers", broker.bootstrap, "--case", case_id, "--engineer", "bob"});
  INFO(ack.err);
  REQUIRE(ack.exit_code == 0);
  CHECK(ack.out.find("acknowledged case " + case_id + " as bob") != std::string::npos);

  // A malformed command is a dead letter with its reason, and stops nothing.
  {
    auto path = dir.path() / "bad-command.jsonl";
    testing_support::WriteFile(path, R"({"type":"ack","case":")" + case_id + "\"}\n");
    auto r = ingest_test::Run({Bin(), "publish", "--brokers", broker.bootstrap, "--topic",
                               "escalator.commands", path.string()});
    REQUIRE(r.exit_code == 0);
  }

  // gus's step (opened + 10 s) must never come: his pager times out empty.
  auto gus_code = gus->Wait(seconds(40));
  REQUIRE(gus_code);
  CHECK(*gus_code == 1);
  CHECK_FALSE(gus->ReadLine(milliseconds(100)));
  REQUIRE(Now() > opened + seconds(11));

  StopServe(serve, d + "/serve.err");
  auto log = LogOf(data, case_id);
  INFO(Dump(log));
  REQUIRE(OfType(log, "routed").size() == 1);
  auto paged = OfType(log, "paged");
  REQUIRE(paged.size() == 2);
  CHECK(paged[0].at("engineer") == "alice");
  CHECK(paged[1].at("engineer") == "bob");
  REQUIRE(OfType(log, "acknowledged").size() == 1);
  CHECK(OfType(log, "acknowledged")[0].at("engineer") == "bob");
  REQUIRE(OfType(log, "responded").size() == 1);
  auto letters = ingest_test::Run({Bin(), "dead-letters", "--data", data, "--format", "json"});
  REQUIRE(letters.exit_code == 0);
  INFO(letters.out);
  CHECK_THAT(letters.out, Catch::Contains("escalator.commands"));
  CHECK_THAT(letters.out, Catch::Contains("field engineer missing"));
  // Nothing paged after the acknowledgement.
  bool acked = false;
  for (const auto& e : log) {
    if (e.at("type") == "acknowledged") acked = true;
    if (acked) CHECK(e.at("type") != "paged");
  }
}

TEST_CASE("a restarted serve fires overdue timers at once and resends the outbox") {
  TempDir dir;
  const std::string d = dir.str();
  Broker broker(2, d + "/broker.err");
  // bob's step comes late enough that the first serve (group join included) ends before it.
  const std::string config = WriteConfig(dir, 10, 60);
  const std::string data = d + "/data";
  const std::string case_id = "case-shell-restart-1";
  const base::Timestamp opened = Now();
  Publish(broker, dir, CreateCase(case_id, opened));
  {
    // No pager: the step-0 page stays in the outbox; bob's timer (opened + 10 s) is stored.
    auto args = ServeArgs(broker, config, data);
    args.push_back("--exit-when-caught-up");
    ChildProcess serve(args, d + "/serve1.err");
    auto code = serve.Wait(seconds(60));
    INFO(testing_support::ReadFile(d + "/serve1.err"));
    REQUIRE(code);
    REQUIRE(*code == 0);
  }
  auto first = LogOf(data, case_id);
  INFO(Dump(first));
  REQUIRE(OfType(first, "paged").size() == 1);
  // Let bob's step become overdue while serve is down.
  while (Now() < opened + seconds(11)) std::this_thread::sleep_for(milliseconds(50));

  const std::string endpoint = "ipc://" + d + "/pager.sock";
  auto alice = StartPager(endpoint, "alice", 60, d + "/alice.err");
  // bob acknowledges from his pager, like an engineer tapping "ack".
  auto bob = std::make_unique<ChildProcess>(
      std::vector<std::string>{Bin(), "pager", "--endpoint", endpoint, "--engineer", "bob",
                               "--format", "json", "--count", "1", "--timeout", "60", "--ack",
                               "--brokers", broker.bootstrap},
      d + "/bob.err");
  auto args = ServeArgs(broker, config, data);
  args.insert(args.end(),
              {"--pager-endpoint", endpoint, "--pager-grace-ms", "1500", "--log-level", "debug"});
  const base::Timestamp restarted = Now();
  ChildProcess serve(args, d + "/serve2.err");
  auto alice_page = alice->ReadLine(seconds(30));
  INFO(testing_support::ReadFile(d + "/serve2.err"));
  REQUIRE(alice_page);
  CHECK(json::parse(*alice_page).at("step") == 0);
  auto bob_page = bob->ReadLine(seconds(30));
  const base::Timestamp bob_arrived = Now();
  REQUIRE(bob_page);
  CHECK(json::parse(*bob_page).at("step") == 1);
  // Fired at once, sent once the 1.5 s grace for reconnecting pagers was over.
  CHECK(bob_arrived - restarted < seconds(5));
  auto bob_code = bob->Wait(seconds(30));
  INFO(testing_support::ReadFile(d + "/bob.err"));
  REQUIRE(bob_code);
  REQUIRE(*bob_code == 0);
  CHECK_THAT(testing_support::ReadFile(d + "/bob.err"), Catch::Contains("acknowledged case"));
  // The only message this serve consumes is bob's acknowledgement.
  REQUIRE(WaitForText(d + "/serve2.err", "batch: 1 messages", seconds(20)));
  StopServe(serve, d + "/serve2.err");
  CHECK_THAT(testing_support::ReadFile(d + "/serve2.err"), Catch::Contains("timers: 1 pending"));
  CHECK_THAT(testing_support::ReadFile(d + "/serve2.err"), Catch::Contains("timers: fired 1"));

  auto log = LogOf(data, case_id);
  INFO(Dump(log));
  auto paged = OfType(log, "paged");
  REQUIRE(paged.size() == 2);
  CHECK(paged[0].at("engineer") == "alice");
  CHECK(paged[1].at("engineer") == "bob");
  auto acks = OfType(log, "acknowledged");
  REQUIRE(acks.size() == 1);
  CHECK(acks[0].at("engineer") == "bob");
  CHECK(OfType(log, "responded").size() == 1);
}
