// Proves event time: serve fed two weeks of history at once (the feed, and the acknowledgements
// on the commands topic) writes the log simulate writes for the same input: timers fire at
// their instants, between the inputs that precede them, and the two topics' inputs apply in
// event-time order; both in one run and when serve is SIGKILLed midway and restarted.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
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
using testing_support::EscalatorBin;
using testing_support::TempDir;

const std::string kConfig = "../shared/samples/config.yaml";

struct Input {
  std::string all;   // what simulate reads: feed messages and acknowledgements, in time order
  std::string feed;  // the feed messages, for support.cases
  std::string acks;  // the acknowledgements, for escalator.commands
};

// A generated input of `cases` cases over two weeks in time order.
Input Generate(const TempDir& dir, int cases) {
  const std::string all = (dir.path() / "all.jsonl").string();
  auto r = ingest_test::Run(
      {SIMULATE_BENCH, "--cases", std::to_string(cases), "--days", "14", "--write-input", all},
      120);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  Input input{all, (dir.path() / "feed.jsonl").string(), (dir.path() / "acks.jsonl").string()};
  std::ifstream in(all);
  std::ofstream feed(input.feed), acks(input.acks);
  std::string line;
  while (std::getline(in, line)) {
    (line.find("\"type\":\"ack\"") == std::string::npos ? feed : acks) << line << "\n";
  }
  return input;
}

// `escalator log --format json`, the events dated at or before `cutoff`, one per line.
std::vector<std::string> LogUpTo(const std::string& data, base::Timestamp cutoff) {
  auto r = ingest_test::Run({EscalatorBin(), "log", "--data", data, "--format", "json"}, 120);
  REQUIRE(r.exit_code == 0);
  std::vector<std::string> events;
  std::istringstream lines(r.out);
  std::string line;
  while (std::getline(lines, line)) {
    auto at = line.find("\"at\":\"");
    REQUIRE(at != std::string::npos);
    auto instant = base::ParseInstant(line.substr(at + 6, line.find('"', at + 6) - at - 6));
    REQUIRE(instant);
    if (*instant <= cutoff) events.push_back(line);
  }
  return events;
}

std::vector<std::string> ServeArgs(const Broker& b, const std::string& data) {
  return {EscalatorBin(),
          "serve",
          "--config",
          kConfig,
          "--data",
          data,
          "--brokers",
          b.bootstrap,
          "--session-timeout-ms",
          "6000",
          "--heartbeat-interval-ms",
          "1000",
          "--max-batch",
          "200"};
}

void RequireSameLog(const std::vector<std::string>& simulated,
                    const std::vector<std::string>& served) {
  REQUIRE(simulated.size() > 1000);
  size_t first_difference = 0;
  while (first_difference < std::min(simulated.size(), served.size()) &&
         simulated[first_difference] == served[first_difference]) {
    ++first_difference;
  }
  INFO("first difference at event "
       << first_difference + 1 << "\nsimulate: "
       << (first_difference < simulated.size() ? simulated[first_difference] : "<end>")
       << "\nserve:    "
       << (first_difference < served.size() ? served[first_difference] : "<end>"));
  CHECK(served.size() == simulated.size());
  CHECK(first_difference == simulated.size());
}

}  // namespace

TEST_CASE("serve catching up on a backlog writes the log simulate writes", "[serve][catch-up]") {
  TempDir dir;
  // 1,500 cases stay well inside the embedded broker's retention per partition (FACTS.md).
  const Input input = Generate(dir, 1500);
  const std::string simulated = (dir.path() / "simulated").string();
  auto sim = ingest_test::Run({EscalatorBin(), "simulate", "--config", kConfig, "--input",
                               input.all, "--data", simulated, "--quiet", "--format", "json"},
                              120);
  INFO(sim.err);
  REQUIRE(sim.exit_code == 0);
  auto last = sim.out.find("\"last_input\":\"");
  REQUIRE(last != std::string::npos);
  // Simulate runs its timers 30 days past the last input, serve up to the wall clock: both
  // have fired everything due within a day of the last input.
  auto cutoff =
      *base::ParseInstant(sim.out.substr(last + 14, sim.out.find('"', last + 14) - last - 14)) +
      std::chrono::hours(24);
  REQUIRE(cutoff < std::chrono::system_clock::now());
  const auto expected = LogUpTo(simulated, cutoff);

  // Four feed partitions and the commands topic: five sources whose inputs the node must merge
  // by event time into the one timeline simulate reads.
  Broker broker(4, (dir.path() / "broker.err").string());
  for (const auto& [topic, file] :
       {std::pair<std::string, std::string>{"support.cases", input.feed},
        {"escalator.commands", input.acks}}) {
    auto published = ingest_test::Run(
        {EscalatorBin(), "publish", "--brokers", broker.bootstrap, "--topic", topic, file}, 120);
    INFO(published.err);
    REQUIRE(published.exit_code == 0);
  }

  SECTION("published all at once, consumed in one run") {
    const std::string data = (dir.path() / "served").string();
    auto argv = ServeArgs(broker, data);
    argv.push_back("--exit-when-caught-up");
    ChildProcess serve(argv, (dir.path() / "serve.err").string());
    auto code = serve.Wait(std::chrono::seconds(180));
    INFO(testing_support::ReadFile(dir.path() / "serve.err"));
    REQUIRE(code == 0);
    RequireSameLog(expected, LogUpTo(data, cutoff));
  }
  SECTION("serve SIGKILLed midway and restarted") {
    const std::string data = (dir.path() / "served-killed").string();
    {
      ChildProcess serve(ServeArgs(broker, data), (dir.path() / "serve1.err").string());
      // Kill it once it has written something: the log directory's WAL has grown.
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      bool wrote = false;
      while (!wrote && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));  // bounded poll
        auto r = ingest_test::Run({"/usr/bin/du", "-sb", data}, 10);
        wrote = r.exit_code == 0 && std::stoll(r.out) > 200'000;
      }
      REQUIRE(wrote);
      serve.Signal(SIGKILL);
      serve.Wait(std::chrono::seconds(10));
    }
    auto argv = ServeArgs(broker, data);
    argv.push_back("--exit-when-caught-up");
    ChildProcess serve(argv, (dir.path() / "serve2.err").string());
    auto code = serve.Wait(std::chrono::seconds(180));
    INFO(testing_support::ReadFile(dir.path() / "serve2.err"));
    REQUIRE(code == 0);
    RequireSameLog(expected, LogUpTo(data, cutoff));
  }
}
