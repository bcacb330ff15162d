// `escalator publish`: sends a JSON-lines file of feed events to a Kafka topic,
// each keyed by its account (router::FeedPartitionKey) so that all events of a
// case reach one partition. Lines are sent as they are, malformed ones too.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <climits>
#include <fstream>
#include <iostream>
#include <string>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "feed/feed_parser.h"
#include "feed/kafka_producer.h"

namespace cli {
namespace {
constexpr char kCommand[] = "publish";
}  // namespace

int RunPublish(int argc, char** argv) {
  auto parsed = ParseFlags(
      kCommand,
      "Sends FILE (JSON lines; '-' reads stdin) to --topic, one message per non-empty line,\n"
      "keyed by account. Waits for every delivery report; prints 'sent N failed M'.",
      {
          {"brokers", true, true, "bootstrap servers host:port,...", ""},
          {"topic", true, false, "topic to send to", "support.cases"},
          {"timeout-ms", true, false, "how long to wait for delivery reports", "60000"},
      },
      argc, argv, 1, 1);
  if (parsed.exit_code) return *parsed.exit_code;
  const auto& f = parsed.flags;
  const std::string path = f.positional()[0];
  const auto timeout_ms = IntFlag(kCommand, f, "timeout-ms", 0, INT_MAX);
  if (!timeout_ms) return kExitUsage;
  if (!BrokersFlag(kCommand, f) || !TopicFlag(kCommand, f, "topic")) return kExitUsage;
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) return UsageError(kCommand, "cannot read '" + path + "'");
    in = &file;
  }
  // stdout carries the counts; librdkafka's complaints go to stderr.
  spdlog::set_default_logger(spdlog::stderr_color_mt("publish"));
  auto producer = router::KafkaProducer::Create(*f.Get("brokers"));
  if (!producer.ok()) return UsageError(kCommand, producer.status().message());
  const std::string topic = *f.Get("topic");
  uint64_t queued = 0, refused = 0;
  for (std::string line; std::getline(*in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    auto s = (*producer)->Produce(topic, router::FeedPartitionKey(line), line);
    if (s.ok()) {
      ++queued;
    } else {
      ++refused;
      std::cerr << "escalator publish: " << s.message() << "\n";
    }
    (*producer)->Poll(0);
  }
  auto flushed = (*producer)->Flush(static_cast<int>(*timeout_ms));
  uint64_t failed =
      refused + (*producer)->failed() + (queued - (*producer)->delivered() - (*producer)->failed());
  std::cout << "sent " << (*producer)->delivered() << " failed " << failed << std::endl;
  if (!flushed.ok()) std::cerr << "escalator publish: " << flushed.message() << "\n";
  if ((*producer)->failed() > 0) {
    std::cerr << "escalator publish: last delivery error: " << (*producer)->last_error() << "\n";
  }
  return failed == 0 ? kExitOk : kExitFailure;
}

}  // namespace cli
