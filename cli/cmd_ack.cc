// `escalator ack`: acknowledges a page. Produces one {"type":"ack",...} command
// to the commands topic that serve consumes (feed/kafka_commands.h), waits
// for the broker to confirm it, and reports it.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <climits>
#include <iostream>
#include <string>

#include "base/time.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "feed/kafka_commands.h"
#include "feed/kafka_producer.h"

namespace cli {
namespace {
constexpr char kCommand[] = "ack";
}  // namespace

int RunAck(int argc, char** argv) {
  auto parsed = ParseFlags(
      kCommand,
      "Acknowledges a page: sends {\"type\":\"ack\",\"case\",\"engineer\",\"at\"} to the commands\n"
      "topic serve consumes, and waits until the broker has it. The acknowledgement ends the\n"
      "case's escalation (and is its first response) once serve applies it.",
      {
          {"brokers", true, true, "Kafka bootstrap servers host:port,...", ""},
          {"case", true, true, "the case id", ""},
          {"engineer", true, true, "the acknowledging engineer's id", ""},
          {"at", true, false, "when (ISO 8601 with offset); default: now", ""},
          {"topic", true, false, "commands topic", router::kDefaultCommandsTopic},
          {"timeout-ms", true, false, "how long to wait for the broker's confirmation", "10000"},
          {"format", true, false, "text or json", "text"},
      },
      argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const auto& f = parsed.flags;
  router::Acknowledge ack;
  ack.case_id = *f.Get("case");
  ack.engineer = *f.Get("engineer");
  const std::optional<std::string> at = f.Get("at");
  if (!at) {
    ack.at = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  } else if (auto t = base::ParseInstant(*at)) {
    ack.at = *t;
  } else {
    return UsageError(kCommand, "--at is not an ISO 8601 instant with offset: '" + *at + "'");
  }
  int exit = kExitOk;
  const std::optional<bool> json_format = JsonFormatFlag(kCommand, f, exit);
  if (!json_format) return exit;
  const bool json = *json_format;
  const auto timeout_ms = IntFlag(kCommand, f, "timeout-ms", 1, INT_MAX);
  if (!timeout_ms) return kExitUsage;
  if (!BrokersFlag(kCommand, f) || !TopicFlag(kCommand, f, "topic")) return kExitUsage;
  spdlog::set_default_logger(spdlog::stderr_color_mt("ack"));
  auto producer = router::KafkaProducer::Create(*f.Get("brokers"));
  if (!producer.ok()) return UsageError(kCommand, producer.status().message());
  const std::string topic = *f.Get("topic");
  auto sent = router::SendAck(**producer, topic, ack, static_cast<int>(*timeout_ms));
  if (!sent.ok()) {
    std::cerr << "escalator ack: not sent: " << sent.ToString() << "\n";
    return sent.code() == base::Code::kInvalidInput ? kExitUsage : kExitFailure;
  }
  if (json) {
    std::cout << router::EncodeAckCommand(ack) << std::endl;
  } else {
    std::cout << "acknowledged case " << ack.case_id << " as " << ack.engineer << " at "
              << base::FormatInstant(ack.at) << " (sent to " << topic << ")" << std::endl;
  }
  return kExitOk;
}

}  // namespace cli
