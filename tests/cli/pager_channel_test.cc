// Pages that arrive: serve (a real process, the embedded broker, a RocksDB log) and devices on
// the pager channel (`escalator pager` processes, or a pager::Device in the test), over ipc://
// and CURVE tcp:// on loopback. Each test stops every process it started.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "pager/curve.h"
#include "pager/device.h"
#include "tests/cli/serve_fixture.h"

namespace {

using namespace serve_fixture;
using ingest_test::Broker;
using ingest_test::ChildProcess;
using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using testing_support::TempDir;
using Steady = std::chrono::steady_clock;

// Lines a pager process printed until it exits or `limit` passes.
std::vector<std::string> LinesUntilExit(ChildProcess& p, milliseconds limit) {
  std::vector<std::string> lines;
  const auto deadline = Steady::now() + limit;
  while (Steady::now() < deadline) {
    auto line = p.ReadLine(milliseconds(100));
    if (line) {
      lines.push_back(*line);
    } else if (!p.running()) {
      break;
    }
  }
  return lines;
}

std::unique_ptr<ChildProcess> Pager(const std::string& endpoint, const std::string& engineer,
                                    const std::vector<std::string>& extra, const std::string& err) {
  std::vector<std::string> argv = {Bin(),        "pager",  "--endpoint", endpoint,
                                   "--engineer", engineer, "--format",   "json"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return std::make_unique<ChildProcess>(argv, err);
}

// A config whose level-1 policy pages alice at once and bob 60 s later: pages stay alice's.
std::string AliceOnlyConfig(const TempDir& dir, const std::string& pager_yaml = "") {
  return WriteConfig(dir, 60, 120, pager_yaml);
}

}  // namespace

TEST_CASE("a device that connects after its page was decided gets it once; explain tells it") {
  TempDir dir;
  const std::string d = dir.str();
  Broker broker(1, d + "/broker.err");
  const std::string config = AliceOnlyConfig(dir);
  const std::string data = d + "/data";
  const std::string endpoint = "ipc://" + d + "/pager.sock";
  auto serve = StartServe(broker, config, data, endpoint, d + "/serve.err");
  Publish(broker, dir, CreateCase("case-late-device", Now()));
  auto paged = WaitForEvents(data, "case-late-device", "paged", 1);
  REQUIRE(paged.size() == 1);
  std::this_thread::sleep_for(seconds(3));  // nobody is connected: the page waits

  auto alice = Pager(endpoint, "alice", {"--timeout", "6"}, d + "/alice.err");
  auto lines = LinesUntilExit(*alice, milliseconds(15000));
  INFO(testing_support::ReadFile(d + "/alice.err") << testing_support::ReadFile(d + "/serve.err"));
  REQUIRE(lines.size() == 1);  // resends (none expected once confirmed) are not shown again
  CHECK(json::parse(lines[0]).at("seq") == paged[0].at("seq"));
  auto delivered = WaitForEvents(data, "case-late-device", "delivered", 1);
  REQUIRE(delivered.size() == 1);
  CHECK(delivered[0].at("engineer") == "alice");
  CHECK(delivered[0].at("device") == "default");
  CHECK(delivered[0].at("paged_seq") == paged[0].at("seq"));

  StopServe(*serve, d + "/serve.err");
  auto explain = ingest_test::Run({Bin(), "explain", "--data", data, "--case", "case-late-device"});
  INFO(explain.out);
  CHECK_THAT(explain.out, Catch::Contains("DELIVERED page"));
  CHECK_THAT(
      explain.out,
      Catch::Matches(R"([\s\S]*page \d+ to alice: paged \S+ -> delivered \S+ \(default\)[\s\S]*)"));
}

TEST_CASE("a device killed mid-stream gets every page pending while it was away, none twice") {
  TempDir dir;
  const std::string d = dir.str();
  Broker broker(1, d + "/broker.err");
  const std::string config = AliceOnlyConfig(dir);
  const std::string data = d + "/data";
  const std::string endpoint = "ipc://" + d + "/pager.sock";
  const std::string seen = d + "/alice.seen";
  auto serve = StartServe(broker, config, data, endpoint, d + "/serve.err");
  auto alice = Pager(endpoint, "alice", {"--seen-file", seen, "--timeout", "60"}, d + "/a1.err");
  REQUIRE(WaitForText(d + "/a1.err", "connected", seconds(20)));
  std::set<uint64_t> shown;
  for (int i = 0; i < 3; ++i) Publish(broker, dir, CreateCase("case-k" + std::to_string(i), Now()));
  for (int i = 0; i < 3; ++i) {
    auto line = alice->ReadLine(milliseconds(20000));
    REQUIRE(line);
    REQUIRE(shown.insert(json::parse(*line).at("seq").get<uint64_t>()).second);
  }
  // Killed while more pages come: these are decided while it is away.
  for (int i = 3; i < 6; ++i) Publish(broker, dir, CreateCase("case-k" + std::to_string(i), Now()));
  alice->Signal(SIGKILL);
  REQUIRE(alice->Wait(seconds(10)));
  // What it printed before it died counts as shown (its seen-file has those pages).
  while (auto line = alice->ReadLine(milliseconds(200))) {
    REQUIRE(shown.insert(json::parse(*line).at("seq").get<uint64_t>()).second);
  }
  for (int i = 3; i < 6; ++i) {
    REQUIRE(WaitForEvents(data, "case-k" + std::to_string(i), "paged", 1).size() == 1);
  }
  auto again = Pager(endpoint, "alice", {"--seen-file", seen, "--timeout", "8"}, d + "/a2.err");
  auto lines = LinesUntilExit(*again, milliseconds(20000));
  INFO(testing_support::ReadFile(d + "/a2.err"));
  for (const auto& line : lines) {
    const uint64_t seq = json::parse(line).at("seq").get<uint64_t>();
    CHECK(shown.insert(seq).second);  // never a page shown before the kill
  }
  CHECK(shown.size() == 6);  // every page, once
  for (int i = 0; i < 6; ++i) {
    CHECK(WaitForEvents(data, "case-k" + std::to_string(i), "delivered", 1).size() == 1);
  }
  StopServe(*serve, d + "/serve.err");
}

TEST_CASE("serve killed between a page and its receipt delivers it after the restart, then never") {
  TempDir dir;
  const std::string d = dir.str();
  Broker broker(1, d + "/broker.err");
  const std::string config = AliceOnlyConfig(dir);
  const std::string data = d + "/data";
  const std::string endpoint = "ipc://" + d + "/pager.sock";
  {
    auto serve = StartServe(broker, config, data, endpoint, d + "/serve1.err");
    Publish(broker, dir, CreateCase("case-crash", Now()));
    REQUIRE(WaitForEvents(data, "case-crash", "paged", 1).size() == 1);
    serve->Signal(SIGKILL);  // no device ever confirmed it
    REQUIRE(serve->Wait(seconds(10)));
  }
  {
    auto serve = StartServe(broker, config, data, endpoint, d + "/serve2.err");
    auto alice = Pager(endpoint, "alice", {"--count", "1", "--timeout", "30"}, d + "/a1.err");
    auto lines = LinesUntilExit(*alice, milliseconds(30000));
    INFO(testing_support::ReadFile(d + "/serve2.err"));
    REQUIRE(lines.size() == 1);
    CHECK(json::parse(lines[0]).at("case") == "case-crash");
    REQUIRE(WaitForEvents(data, "case-crash", "delivered", 1).size() == 1);
    StopServe(*serve, d + "/serve2.err");
  }
  {
    // Confirmed: a restarted serve has nothing for alice.
    auto serve = StartServe(broker, config, data, endpoint, d + "/serve3.err");
    auto alice = Pager(endpoint, "alice", {"--timeout", "4"}, d + "/a2.err");
    auto lines = LinesUntilExit(*alice, milliseconds(15000));
    CHECK(lines.empty());
    StopServe(*serve, d + "/serve3.err");
  }
  CHECK(OfType(LogOf(data, "case-crash"), "delivered").size() == 1);
}

TEST_CASE(
    "an ack over the pager channel stops the escalation; a repeat and a bad one are harmless") {
  TempDir dir;
  const std::string d = dir.str();
  Broker broker(1, d + "/broker.err");
  const std::string config = WriteConfig(dir, 4, 8);  // bob at 4 s, gus at 8 s
  const std::string data = d + "/data";
  const std::string endpoint = "ipc://" + d + "/pager.sock";
  auto serve = StartServe(broker, config, data, endpoint, d + "/serve.err");
  auto device = pager::Device::Connect({endpoint, "alice", "phone", "", "", ""});
  REQUIRE(device.ok());
  const base::Timestamp opened = Now();
  Publish(broker, dir, CreateCase("case-acked", opened));
  std::optional<pager::Page> page;
  std::vector<pager::AckAnswer> answers;
  const auto deadline = Steady::now() + seconds(30);
  uint64_t ref = 0;
  while (Steady::now() < deadline && answers.size() < 3) {
    auto m = (*device)->Receive(milliseconds(100));
    REQUIRE(m.ok());
    if (!*m) continue;
    if (auto* p = std::get_if<pager::Page>(&**m)) {
      REQUIRE((*device)->ConfirmReceipt(p->seq).ok());
      if (!page) {
        page = *p;
        REQUIRE((*device)->Acknowledge(p->seq, ++ref).ok());
      }
    } else if (auto* a = std::get_if<pager::AckAnswer>(&**m)) {
      answers.push_back(*a);
      if (answers.size() == 1) {
        REQUIRE((*device)->Acknowledge(page->seq, ++ref).ok());  // the same ack again
      } else if (answers.size() == 2) {
        REQUIRE((*device)->Acknowledge(999999, ++ref).ok());  // no such page
      }
    }
  }
  INFO(testing_support::ReadFile(d + "/serve.err"));
  REQUIRE(page);
  REQUIRE(answers.size() == 3);
  CHECK(answers[0].result == "responded");
  CHECK(answers[0].case_id == "case-acked");
  CHECK(answers[1].result == "repeated");
  CHECK(answers[2].result == "refused");
  CHECK_THAT(answers[2].detail, Catch::Contains("no page 999999"));
  // bob's step (4 s) and gus's (8 s) never come.
  while (Now() < opened + seconds(10)) std::this_thread::sleep_for(milliseconds(100));
  StopServe(*serve, d + "/serve.err");
  auto log = LogOf(data, "case-acked");
  INFO(Dump(log));
  auto paged = OfType(log, "paged");
  REQUIRE(paged.size() == 1);
  CHECK(paged[0].at("engineer") == "alice");
  CHECK(OfType(log, "acknowledged").size() == 1);
  CHECK(OfType(log, "responded").size() == 1);
  CHECK(OfType(log, "delivered").size() == 1);
  CHECK_THAT(testing_support::ReadFile(d + "/serve.err"), Catch::Contains("repeated"));
}

TEST_CASE("an interactive device acknowledges the page whose number is typed") {
  TempDir dir;
  const std::string d = dir.str();
  Broker broker(1, d + "/broker.err");
  const std::string config = WriteConfig(dir, 30, 60);
  const std::string data = d + "/data";
  const std::string endpoint = "ipc://" + d + "/pager.sock";
  auto serve = StartServe(broker, config, data, endpoint, d + "/serve.err");
  auto alice = Pager(endpoint, "alice", {"--timeout", "30"}, d + "/alice.err");
  REQUIRE(WaitForText(d + "/alice.err", "connected", seconds(20)));
  Publish(broker, dir, CreateCase("case-typed", Now()));
  auto line = alice->ReadLine(milliseconds(20000));
  REQUIRE(line);
  const uint64_t seq = json::parse(*line).at("seq").get<uint64_t>();
  alice->WriteLine(std::to_string(seq));
  auto answer = alice->ReadLine(milliseconds(20000));
  INFO(testing_support::ReadFile(d + "/alice.err"));
  REQUIRE(answer);
  CHECK(json::parse(*answer).at("result") == "responded");
  alice->Signal(SIGTERM);
  CHECK(alice->Wait(seconds(10)) == 0);
  StopServe(*serve, d + "/serve.err");
  CHECK(OfType(LogOf(data, "case-typed"), "responded").size() == 1);
}

TEST_CASE(
    "CURVE on tcp://: plain tcp is refused at start; a configured key is served, an unknown "
    "one refused and logged") {
  TempDir dir;
  const std::string d = dir.str();
  Broker broker(1, d + "/broker.err");
  const std::string data = d + "/data";
  {
    const std::string config = AliceOnlyConfig(dir);
    auto args = ServeArgs(broker, config, data);
    args.insert(args.end(), {"--pager-endpoint", "tcp://127.0.0.1:0"});
    auto r = ingest_test::Run(args, 30);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("pager.server_key"));
  }
  for (const char* name : {"serve", "alice-phone", "stranger"}) {
    auto r = ingest_test::Run({Bin(), "keygen", "--out", d + "/keys", "--name", name});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }
  const std::string config =
      AliceOnlyConfig(dir,
                      "pager:\n  server_key: keys/serve.key\n  devices:\n"
                      "    - {engineer: alice, device: phone, public_key: keys/alice-phone.pub}\n");
  // A free port: bind one, note it, let it go.
  int port = 0;
  {
    auto r = ingest_test::Run({"/usr/bin/python3", "-c",
                               "import socket;s=socket.socket();s.bind(('127.0.0.1',0));"
                               "print(s.getsockname()[1])"});
    REQUIRE(r.exit_code == 0);
    port = std::stoi(r.out);
  }
  const std::string endpoint = "tcp://127.0.0.1:" + std::to_string(port);
  auto serve = StartServe(broker, config, data, endpoint, d + "/serve.err");
  auto stranger = Pager(endpoint, "alice",
                        {"--device", "phone", "--key", d + "/keys/stranger.key", "--server-key",
                         d + "/keys/serve.pub", "--timeout", "6"},
                        d + "/stranger.err");
  auto alice = Pager(endpoint, "alice",
                     {"--device", "phone", "--key", d + "/keys/alice-phone.key", "--server-key",
                      d + "/keys/serve.pub", "--count", "1", "--timeout", "30"},
                     d + "/alice.err");
  Publish(broker, dir, CreateCase("case-curve", Now()));
  auto lines = LinesUntilExit(*alice, milliseconds(30000));
  INFO(testing_support::ReadFile(d + "/serve.err") << testing_support::ReadFile(d + "/alice.err"));
  REQUIRE(lines.size() == 1);
  CHECK(json::parse(lines[0]).at("case") == "case-curve");
  CHECK(LinesUntilExit(*stranger, milliseconds(15000)).empty());
  auto stranger_key = pager::ReadKeyFile(d + "/keys/stranger.pub");
  REQUIRE(stranger_key.ok());
  CHECK(WaitForText(d + "/serve.err",
                    "refused a device with unknown key " + pager::Fingerprint(*stranger_key),
                    seconds(5)));
  StopServe(*serve, d + "/serve.err");
}

TEST_CASE("a device on two instances shows a page both send once, and confirms it to each") {
  // Two serves in their own groups on one feed decide the same pages (event time), each under
  // its own seq: what a partition's old and new owner do around a handover.
  TempDir dir;
  const std::string d = dir.str();
  Broker broker(1, d + "/broker.err");
  const std::string config = AliceOnlyConfig(dir);
  const std::string endpoint_a = "ipc://" + d + "/a.sock", endpoint_b = "ipc://" + d + "/b.sock";
  auto start = [&](const std::string& name, const std::string& endpoint) {
    auto args = ServeArgs(broker, config, d + "/" + name);
    args.insert(args.end(), {"--pager-endpoint", endpoint, "--group", "group-" + name});
    auto serve = std::make_unique<ChildProcess>(args, d + "/" + name + ".err");
    REQUIRE(WaitForText(d + "/" + name + ".err", "assigned", seconds(30)));
    return serve;
  };
  // b's log begins with a refused line, so the two logs number the same pages differently.
  testing_support::WriteFile(d + "/refused.jsonl", "not json\n");
  auto simulated = ingest_test::Run({Bin(), "simulate", "--config", config, "--input",
                                     d + "/refused.jsonl", "--data", d + "/b", "--quiet"});
  INFO(simulated.err);
  REQUIRE(simulated.exit_code == 0);
  auto serve_a = start("a", endpoint_a);
  auto serve_b = start("b", endpoint_b);
  Publish(broker, dir, CreateCase("case-both-1", Now()));
  Publish(broker, dir, CreateCase("case-both-2", Now()));
  for (const char* c : {"case-both-1", "case-both-2"}) {
    REQUIRE(WaitForEvents(d + "/a", c, "paged", 1).size() == 1);
    REQUIRE(WaitForEvents(d + "/b", c, "paged", 1).size() == 1);
  }
  auto alice = Pager(endpoint_a + "," + endpoint_b, "alice", {"--timeout", "8"}, d + "/alice.err");
  auto lines = LinesUntilExit(*alice, milliseconds(20000));
  INFO(testing_support::ReadFile(d + "/alice.err"));
  REQUIRE(lines.size() == 2);  // one per page, though both instances sent each
  std::set<std::string> cases;
  for (const auto& line : lines) cases.insert(json::parse(line).at("case").get<std::string>());
  CHECK(cases == std::set<std::string>{"case-both-1", "case-both-2"});
  // Each instance got its receipt, under its own seq.
  for (const char* c : {"case-both-1", "case-both-2"}) {
    CHECK(WaitForEvents(d + "/a", c, "paged", 1)[0].at("seq") !=
          WaitForEvents(d + "/b", c, "paged", 1)[0].at("seq"));
  }
  for (const char* name : {"a", "b"}) {
    for (const char* c : {"case-both-1", "case-both-2"}) {
      auto paged = WaitForEvents(d + "/" + name, c, "paged", 1);
      auto delivered = WaitForEvents(d + "/" + name, c, "delivered", 1);
      REQUIRE(delivered.size() == 1);
      CHECK(delivered[0].at("paged_seq") == paged[0].at("seq"));
    }
  }
  StopServe(*serve_a, d + "/a.err");
  StopServe(*serve_b, d + "/b.err");
}
