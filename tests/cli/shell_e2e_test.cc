// Proves serve routes live: a Sev1 opened now pages step 0 over ZeroMQ, the next step
// fires on its timer within a second, an ack stops the rest; a restart resends the outbox.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/time.h"
#include "tests/cli/serve_fixture.h"
#include "tests/feed/child_process.h"
#include "tests/feed/dev_broker.h"
#include "tests/test_support.h"

namespace {

using namespace serve_fixture;
using ingest_test::Broker;
using ingest_test::ChildProcess;
using nlohmann::json;
using testing_support::TempDir;
using Clock = std::chrono::system_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

}  // namespace

TEST_CASE("serve pages step 0 over ZeroMQ, fires the next step on time, and an ack stops it") {
  TempDir dir;
  const std::string d = dir.str();
  Broker broker(2, d + "/broker.err");
  const std::string config = WriteConfig(dir);
  const std::string data = d + "/data";
  const std::string endpoint = "ipc://" + d + "/pager.sock";
  auto args = ServeArgs(broker, config, data);
  args.insert(args.end(), {"--pager-endpoint", endpoint});
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
                               "--format", "json", "--count", "1", "--timeout", "60", "--ack"},
      d + "/bob.err");
  auto args = ServeArgs(broker, config, data);
  args.insert(args.end(), {"--pager-endpoint", endpoint, "--log-level", "debug"});
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
  // Fired at once (the overdue step is 10 s late at the restart; the group join takes a few
  // seconds, more on a loaded machine), sent as soon as bob's device said hello.
  CHECK(bob_arrived - restarted < seconds(10));
  // bob's acknowledgement went back over the pager channel; its answer came once durable.
  auto bob_answer = bob->ReadLine(seconds(30));
  REQUIRE(bob_answer);
  auto answer = json::parse(*bob_answer);
  CHECK(answer.at("type") == "acked");
  CHECK(answer.at("case") == case_id);
  CHECK(answer.at("result") == "responded");
  auto bob_code = bob->Wait(seconds(30));
  INFO(testing_support::ReadFile(d + "/bob.err"));
  REQUIRE(bob_code);
  REQUIRE(*bob_code == 0);
  REQUIRE(WaitForText(d + "/serve2.err", "over the pager channel", seconds(20)));
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
  // Both pages were confirmed by the devices: each receipt is in the log, once.
  auto delivered = OfType(log, "delivered");
  REQUIRE(delivered.size() == 2);
  std::set<uint64_t> confirmed = {delivered[0].at("paged_seq").get<uint64_t>(),
                                  delivered[1].at("paged_seq").get<uint64_t>()};
  CHECK(confirmed ==
        std::set<uint64_t>{paged[0].at("seq").get<uint64_t>(), paged[1].at("seq").get<uint64_t>()});
}
