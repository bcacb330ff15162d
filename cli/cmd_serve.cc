// `escalator serve`: the daemon. Consumes the support feed (Kafka consumer
// group, offsets kept in the log), applies each batch through router::Engine in
// one atomic write, keeps rejects as dead letters. SIGTERM/SIGINT: persist the
// batch in hand, leave the group, exit 0.
#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <string>

#include "cli/commands.h"
#include "cli/flags.h"
#include "config/config.h"
#include "router/kafka_ingest.h"
#include "router/kafka_store_sink.h"
#include "store/event_log.h"

namespace cli {
namespace {

constexpr char kCommand[] = "serve";
std::atomic<bool> g_stop{false};

void OnStopSignal(int) { g_stop.store(true); }

bool ParseNumber(const Flags& f, const std::string& name, long long min, long long* out) {
  try {
    size_t pos = 0;
    const std::string v = *f.Get(name);
    *out = std::stoll(v, &pos);
    return pos == v.size() && *out >= min;
  } catch (...) {
    return false;
  }
}

}  // namespace

int RunServe(int argc, char** argv) {
  auto parsed = ParseFlags(
      kCommand,
      "Consumes the support feed from Kafka into the event log, exactly once: each batch's\n"
      "events, dead letters and partition offsets are one atomic write; on assignment the\n"
      "consumer resumes from the offsets in the log. Logs to stderr.",
      {
          {"config", true, true, "configuration file (YAML)", ""},
          {"data", true, true, "data directory (RocksDB log; created if missing)", ""},
          {"brokers", true, true, "Kafka bootstrap servers host:port,...", ""},
          {"topic", true, false, "feed topic", "support.cases"},
          {"group", true, false, "consumer group", "escalator"},
          {"session-timeout-ms", true, false,
           "consumer session timeout: how long a dead member holds its partitions", "45000"},
          {"heartbeat-interval-ms", true, false, "consumer heartbeat interval", "3000"},
          {"dead-letter-topic", true, false, "also produce dead letters to this topic", ""},
          {"max-batch", true, false, "messages per batch (one atomic write, one fsync)", "5000"},
          {"max-message-bytes", true, false, "larger messages are dead letters", "65536"},
          {"log-level", true, false, "debug, info, warn or error", "info"},
          {"summary-interval-s", true, false, "seconds between info summaries", "10"},
          {"exit-when-caught-up", false, false,
           "exit 0 once every assigned partition is consumed to its end (tests, demos)", ""},
          {"stop-after", true, false,
           "exit 0 once this many messages are consumed and persisted (benchmarks); 0: never", "0"},
      },
      argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const auto& f = parsed.flags;
  long long session = 0, heartbeat = 0, max_batch = 0, max_bytes = 0, summary = 0, stop_after = 0;
  if (!ParseNumber(f, "session-timeout-ms", 1000, &session)) {
    return UsageError(kCommand, "--session-timeout-ms must be a number >= 1000");
  }
  if (!ParseNumber(f, "heartbeat-interval-ms", 100, &heartbeat)) {
    return UsageError(kCommand, "--heartbeat-interval-ms must be a number >= 100");
  }
  if (!ParseNumber(f, "max-batch", 1, &max_batch)) {
    return UsageError(kCommand, "--max-batch must be a number >= 1");
  }
  if (!ParseNumber(f, "max-message-bytes", 1, &max_bytes)) {
    return UsageError(kCommand, "--max-message-bytes must be a number >= 1");
  }
  if (!ParseNumber(f, "summary-interval-s", 1, &summary)) {
    return UsageError(kCommand, "--summary-interval-s must be a number >= 1");
  }
  if (!ParseNumber(f, "stop-after", 0, &stop_after)) {
    return UsageError(kCommand, "--stop-after must be a number >= 0");
  }
  auto level = spdlog::level::from_str(*f.Get("log-level"));
  if (level == spdlog::level::off && *f.Get("log-level") != "off") {
    return UsageError(kCommand, "unknown --log-level '" + *f.Get("log-level") + "'");
  }
  spdlog::set_default_logger(spdlog::stderr_color_mt("serve"));
  spdlog::set_level(level);

  auto loaded = config::LoadConfigFile(*f.Get("config"));
  if (!loaded.errors.empty()) {
    for (const auto& e : loaded.errors) std::cerr << e.ToString() << "\n";
    return kExitUsage;
  }
  store::Options store_options;
  store_options.sync = true;  // each batch is fsynced before its offsets count as consumed
  store_options.check = store::OpenCheck::kBounds;
  auto log = store::EventLog::Open(*f.Get("data"), store_options);
  if (!log.ok()) {
    std::cerr << "escalator serve: cannot open the log in " << *f.Get("data") << ": "
              << log.status().ToString() << "\n";
    return kExitFailure;
  }

  router::IngestOptions options;
  options.brokers = *f.Get("brokers");
  options.topic = *f.Get("topic");
  options.group = *f.Get("group");
  options.session_timeout_ms = static_cast<int>(session);
  options.heartbeat_interval_ms = static_cast<int>(heartbeat);
  options.dead_letter_topic = f.Get("dead-letter-topic").value_or("");
  options.max_batch = static_cast<size_t>(max_batch);
  options.summary_interval_s = static_cast<int>(summary);
  options.parser.max_message_bytes = static_cast<size_t>(max_bytes);
  options.parser.severity_map = loaded.config->severity_map;
  options.exit_when_caught_up = f.Has("exit-when-caught-up");

  auto sink = router::KafkaStoreSink::Create(**log, loaded.config);
  if (!sink.ok()) {
    std::cerr << "escalator serve: " << sink.status().ToString() << "\n";
    return kExitFailure;
  }

  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);

  router::StopAfter stop_after_sink(**sink, static_cast<uint64_t>(stop_after), g_stop);
  spdlog::info("serve: consuming {} as group {} from {}", options.topic, options.group,
               options.brokers);
  auto stats = router::RunIngest(options, stop_after_sink, g_stop);
  if (!stats.ok()) {
    std::cerr << "escalator serve: " << stats.status().ToString() << "\n";
    return stats.status().code() == base::Code::kInvalidInput ? kExitUsage : kExitFailure;
  }
  // One machine-readable line for scripts and benchmarks.
  std::cout << "{\"consumed\":" << stats->consumed << ",\"appended\":" << stats->appended
            << ",\"duplicates\":" << stats->duplicates
            << ",\"dead_lettered\":" << stats->dead_lettered << ",\"batches\":" << stats->batches
            << ",\"first_to_last_durable_ms\":" << stop_after_sink.first_to_last_ms() << "}"
            << std::endl;
  return kExitOk;
}

}  // namespace cli
