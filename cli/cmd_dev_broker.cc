// `escalator dev-broker`: the embedded Kafka-protocol broker (librdkafka's mock
// cluster) as a standalone process for demos and tests.
//
// stdout: the bootstrap address on the first line (flushed at once), then one
// reply per control command. stdin: a line-based control protocol for fault
// injection (ignored when stdin is closed):
//   down <broker-id>                 take a broker down (ids are 1..N)
//   up <broker-id>                   bring it back
//   errors <api-key> <count> [code]  fail the next <count> requests of a Kafka
//                                    API (Fetch=1, OffsetCommit=8, JoinGroup=11,
//                                    Heartbeat=12) with Kafka error <code>
//                                    (default 7, REQUEST_TIMED_OUT)
//   rtt <broker-id> <ms>             add latency to a broker's responses
//   topic <name> <partitions>        create one more topic
// Each command answers "ok <command>" or "error <reason>" on one line.
#include <signal.h>

#include <cstdint>
#include <iostream>
#include <limits>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "feed/kafka_mock_cluster.h"

namespace cli {
namespace {

constexpr char kCommand[] = "dev-broker";

std::mutex g_mu;
router::KafkaMockCluster* g_cluster = nullptr;  // guarded by g_mu; null once shutting down

// A number of the control protocol: any whole decimal integer; each command checks its range.
std::optional<int64_t> ControlNumber(const std::string& s) {
  return ParseInt(s, std::numeric_limits<int64_t>::min());
}

std::string Execute(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> w;
  for (std::string t; in >> t;) w.push_back(t);
  if (w.empty()) return "";
  std::vector<int64_t> n(w.size(), 0);
  for (size_t i = 1; i < w.size(); ++i) {
    if (w[0] == "topic") continue;
    auto number = ControlNumber(w[i]);
    if (!number) return "error not a number: '" + w[i] + "'";
    n[i] = *number;
  }
  std::lock_guard lock(g_mu);
  if (!g_cluster) return "error shutting down";
  base::Status s;
  if (w[0] == "down" && w.size() == 2) {
    s = g_cluster->SetBrokerDown(static_cast<int32_t>(n[1]));
  } else if (w[0] == "up" && w.size() == 2) {
    s = g_cluster->SetBrokerUp(static_cast<int32_t>(n[1]));
  } else if (w[0] == "errors" && (w.size() == 3 || w.size() == 4)) {
    if (n[2] < 0) return "error count must be >= 0";
    g_cluster->PushRequestErrors(static_cast<int16_t>(n[1]), static_cast<size_t>(n[2]),
                                 w.size() == 4 ? static_cast<int>(n[3]) : 7);
  } else if (w[0] == "rtt" && w.size() == 3) {
    s = g_cluster->SetBrokerRtt(static_cast<int32_t>(n[1]), static_cast<int>(n[2]));
  } else if (w[0] == "topic" && w.size() == 3) {
    auto p = ControlNumber(w[2]);
    if (!p) return "error not a number: '" + w[2] + "'";
    s = g_cluster->CreateTopic({w[1], static_cast<int>(*p)});
  } else {
    return "error unknown command '" + line +
           "' (down ID | up ID | errors API COUNT [CODE] | rtt ID MS | topic NAME PARTITIONS)";
  }
  if (!s.ok()) return "error " + s.message();
  return "ok " + line;
}

void ControlLoop() {
  for (std::string line; std::getline(std::cin, line);) {
    std::string reply = Execute(line);
    if (!reply.empty()) std::cout << reply << std::endl;
  }
}

}  // namespace

int RunDevBroker(int argc, char** argv) {
  auto parsed = ParseFlags(
      kCommand,
      "Runs an embedded Kafka-protocol broker (librdkafka's mock cluster) on 127.0.0.1 until\n"
      "SIGINT/SIGTERM. Prints the bootstrap address as the first line of stdout. Each\n"
      "partition keeps only about 5 MiB; older messages are silently dropped.\n\n"
      "Fault injection: one command per line on stdin, each answered on stdout with\n"
      "'ok <command>' or 'error <reason>':\n"
      "  down ID                  take broker ID (1..N) down\n"
      "  up ID                    bring it back\n"
      "  errors API COUNT [CODE]  fail the next COUNT requests of Kafka API key API\n"
      "                           (Fetch=1, OffsetCommit=8, JoinGroup=11, Heartbeat=12)\n"
      "                           with Kafka error CODE (default 7, REQUEST_TIMED_OUT)\n"
      "  rtt ID MS                add MS of latency to broker ID's responses\n"
      "  topic NAME PARTITIONS    create one more topic",
      {
          {"brokers", true, false, "number of brokers", "1"},
          {"partitions", true, false, "partitions of each feed topic", "4"},
          {"topic", true, false,
           "feed topics, comma-separated (escalator.dead-letters with 1 partition, and "
           "escalator.commands and escalator.changelog with --partitions, are always created too)",
           "support.cases"},
      },
      argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const auto& f = parsed.flags;
  const auto brokers = IntFlag(kCommand, f, "brokers", 1, 64);
  if (!brokers) return kExitUsage;
  const auto partitions = IntFlag(kCommand, f, "partitions", 1, 100000);
  if (!partitions) return kExitUsage;
  if (!TopicFlag(kCommand, f, "topic", /*list=*/true)) return kExitUsage;
  std::vector<router::MockTopic> topics;
  std::stringstream list(*f.Get("topic"));
  for (std::string t; std::getline(list, t, ',');) {
    topics.push_back({t, static_cast<int>(*partitions)});
  }
  // The commands topic and the changelog are partitioned like the feed (README "Several
  // instances": an instance owns partition N of each); the dead letters need only one.
  for (const auto& [extra, count] : {std::pair<const char*, int>{"escalator.dead-letters", 1},
                                     {"escalator.commands", static_cast<int>(*partitions)},
                                     {"escalator.changelog", static_cast<int>(*partitions)}}) {
    bool present = false;
    for (const auto& t : topics) present |= t.name == extra;
    if (!present) topics.push_back({extra, count});
  }

  // Block the stop signals before librdkafka starts its threads, so that only
  // sigwait below receives them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  auto cluster = router::KafkaMockCluster::Start(static_cast<int>(*brokers), topics);
  if (!cluster.ok()) {
    std::cerr << "escalator dev-broker: " << cluster.status().ToString() << "\n";
    return cluster.status().code() == base::Code::kInvalidInput ? kExitUsage : kExitFailure;
  }
  {
    std::lock_guard lock(g_mu);
    g_cluster = cluster->get();
  }
  std::cout << (*cluster)->bootstrap() << std::endl;
  std::cerr << "escalator dev-broker: " << *brokers << " broker(s) at " << (*cluster)->bootstrap()
            << "; topics:";
  for (const auto& t : topics) std::cerr << " " << t.name << "(" << t.partitions << ")";
  std::cerr << std::endl;

  std::thread(ControlLoop).detach();  // blocked in getline until exit; holds no resources
  int sig = 0;
  sigwait(&stop, &sig);
  {
    std::lock_guard lock(g_mu);
    g_cluster = nullptr;
  }
  cluster->reset();
  return kExitOk;
}

}  // namespace cli
