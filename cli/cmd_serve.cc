// `escalator serve`: the daemon. Consumes the support feed and the commands
// topic (acknowledgements) as one Kafka consumer group, offsets kept in the log;
// applies each batch through the node (engine/node.h) in one atomic write, keeps rejects
// as dead letters. Between polls, on the same thread: fires every due timer as
// a Tick (the poll never waits past the next one, nor more than 200 ms), then
// records what the pager hub reported (receipts, undelivered pages, acks over
// the pager channel: pager/desk.h). Pages leave from the hub's own thread the
// moment their batch is durable (pager/hub.h). SIGTERM/SIGINT: persist the
// batch in hand, leave the group, exit 0; unconfirmed pages stay in the outbox.
#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "cli/store_faults.h"
#include "config/config.h"
#include "engine/engine.h"
#include "engine/serve_sink.h"
#include "feed/kafka_commands.h"
#include "feed/kafka_ingest.h"
#include "feed/kafka_producer.h"
#include "pager/curve.h"
#include "pager/desk.h"
#include "pager/hub.h"
#include "service/notify.h"
#include "store/event_log.h"
#include "web/ack_forwarder.h"
#include "web/ack_queue.h"
#include "web/api_acks.h"
#include "web/http_server.h"
#include "web/live_view.h"
#include "web/readiness.h"
#include "web/serve_metrics.h"
#include "web/tokens.h"

namespace cli {
namespace {

constexpr char kCommand[] = "serve";
// The longest the loop waits between two looks at the timers: timers fire
// within this (plus one batch's apply time) of their instant.
constexpr int kMaxTimerWaitMs = 200;
std::atomic<bool> g_stop{false};

// Logs a recurring failure at most once per 5 s.
class Throttled {
 public:
  template <typename... Args>
  void Error(spdlog::format_string_t<Args...> fmt, Args&&... args) {
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::seconds(5)) return;
    last_ = now;
    spdlog::error(fmt, std::forward<Args>(args)...);
  }

 private:
  std::chrono::steady_clock::time_point last_{};
};

std::atomic<bool> g_reload{false};

void OnStopSignal(int) { g_stop.store(true); }
void OnReloadSignal(int) { g_reload.store(true); }

// The HTTP side's tokens as the configuration names them (relative to its folder), or none.
// Errors: the token file's, kInvalidInput.
base::Result<std::optional<web::Tokens>> LoadHttpTokens(const config::Config& config,
                                                        const std::string& config_path) {
  if (config.http.tokens_file.empty()) return std::optional<web::Tokens>();
  std::filesystem::path path = config.http.tokens_file;
  if (path.is_relative()) path = std::filesystem::path(config_path).parent_path() / path;
  const auto& engineers = config.engineers;
  auto tokens = web::Tokens::Load(path.string(), [&engineers](const std::string& id) {
    for (const auto& e : engineers) {
      if (e.id == id) return true;
    }
    return false;
  });
  if (!tokens.ok()) return tokens.status();
  return std::optional<web::Tokens>(std::move(*tokens));
}

}  // namespace

int RunServe(int argc, char** argv) {
  auto parsed = ParseFlags(
      kCommand,
      "Consumes the support feed and the commands topic (acknowledgements) from Kafka into\n"
      "the event log, exactly once: each batch's events, dead letters and partition offsets\n"
      "are one atomic write; on assignment the consumer resumes from the offsets in the log.\n"
      "Routes as it ingests: due escalation timers fire within a second of their instant\n"
      "(overdue ones at once after a restart). With --pager-endpoint, engineers' devices\n"
      "(escalator pager, escalator pager-gateway) connect to serve's ZeroMQ ROUTER; each page\n"
      "goes to every device of its engineer as soon as its batch is durable, and again with\n"
      "backoff until a device confirms it (a `delivered` event); acknowledgements may come\n"
      "back the same way. tcp:// endpoints need CURVE keys (config pager:) unless the config\n"
      "says insecure: true. Without --pager-endpoint pages wait in the store's outbox for the\n"
      "next serve that has one. With --http, the dashboard, the JSON API and /metrics\n"
      "(README: the live dashboard). SIGHUP re-reads the configuration: http.tokens and\n"
      "http.read_open take effect at once; other changes need a restart. Logs to stderr.",
      {
          {"config", true, true, "configuration file (YAML)", ""},
          {"data", true, true, "data directory (RocksDB log; created if missing)", ""},
          {"brokers", true, true, "Kafka bootstrap servers host:port,...", ""},
          {"topic", true, false, "feed topic", "support.cases"},
          {"commands-topic", true, false, "acknowledgements topic (escalator ack); '' for none",
           router::kDefaultCommandsTopic, /*empty_ok=*/true},
          {"snapshot-topic", true, false,
           "reconciliation snapshots topic: per account, what DescribeCases returns, to catch "
           "events the feed missed (README: Reconciliation); default: none",
           ""},
          {"pager-endpoint", true, false,
           "ZeroMQ endpoint devices connect to (tcp://HOST:PORT or ipc://PATH); default: "
           "none, pages stay in the outbox",
           ""},
          {"http", true, false,
           "serve the dashboard, the JSON API (/api/v1/), /metrics, /healthz and /readyz on "
           "HOST:PORT (port 0: any free one; the address is logged); default: off",
           ""},
          {"group", true, false, "consumer group", "escalator"},
          {"session-timeout-ms", true, false,
           "consumer session timeout: how long a dead member holds its partitions", "45000"},
          {"heartbeat-interval-ms", true, false, "consumer heartbeat interval", "3000"},
          {"fetch-wait-ms", true, false,
           "how long a fetch that found nothing waits at the broker (fetch.wait.max.ms): the "
           "embedded broker holds every empty fetch this long, so it bounds the time from a "
           "case event to its page",
           "10"},
          {"dead-letter-topic", true, false,
           "also produce dead letters to this topic (each once its batch is durable; kept in the "
           "log until the topic confirms it)",
           ""},
          {"changelog-topic", true, false,
           "produce each write's changes per partition to this topic (partitioned like the feed, "
           "compacted), from which another instance restores a partition it takes over; see "
           "README \"Several instances\"",
           ""},
          {"max-batch", true, false, "messages per batch (one atomic write, one fsync)", "1000"},
          {"max-message-bytes", true, false, "larger messages are dead letters", "65536"},
          {"min-free-mib", true, false,
           "keep this much free on the data directory's filesystem: below it besides the batch, "
           "writes wait (not ready) until there is (README: Failure modes); 0: no check",
           "64"},
          {"log-level", true, false, "debug, info, warn or error", "info"},
          {"summary-interval-s", true, false, "seconds between info summaries", "10"},
          {"exit-when-caught-up", false, false,
           "exit 0 once every assigned partition is consumed to its end (tests, demos)", ""},
          {"stop-after", true, false,
           "exit 0 once this many messages are consumed and persisted (benchmarks); 0: never", "0"},
          // Fault injection for tests/faults (README: Failure modes); never in production.
          {"fault-sync-delay-ms", true, false,
           "FOR FAULT TESTS ONLY: stall every fsync of the write-ahead log this long (a slow "
           "disk)",
           "0"},
          {"fault-disk-full-flag", true, false,
           "FOR FAULT TESTS ONLY: while this file exists, every write to the data directory "
           "fails as on a full disk",
           ""},
      },
      argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const auto& f = parsed.flags;
  int64_t session = 0, heartbeat = 0, max_batch = 0, max_bytes = 0, summary = 0, stop_after = 0,
          fetch_wait = 0, fault_sync_delay = 0, min_free_mib = 0;
  // The first bad value is the usage error. Options kept as int, and the grace added to a
  // clock, stay within int.
  struct NumberFlag {
    const char* name;
    int64_t min, max;
    int64_t* out;
  };
  for (const NumberFlag& n : {
           NumberFlag{"session-timeout-ms", 1000, INT_MAX, &session},
           NumberFlag{"heartbeat-interval-ms", 100, INT_MAX, &heartbeat},
           NumberFlag{"fetch-wait-ms", 0, 300000, &fetch_wait},
           NumberFlag{"max-batch", 1, INT64_MAX, &max_batch},
           NumberFlag{"max-message-bytes", 1, INT64_MAX, &max_bytes},
           NumberFlag{"min-free-mib", 0, 1 << 30, &min_free_mib},
           NumberFlag{"summary-interval-s", 1, INT_MAX, &summary},
           NumberFlag{"stop-after", 0, INT64_MAX, &stop_after},
           NumberFlag{"fault-sync-delay-ms", 0, 600000, &fault_sync_delay},
       }) {
    auto value = IntFlag(kCommand, f, n.name, n.min, n.max);
    if (!value) return kExitUsage;
    *n.out = *value;
  }
  auto level = spdlog::level::from_str(*f.Get("log-level"));
  if (level == spdlog::level::off && *f.Get("log-level") != "off") {
    return UsageError(kCommand, "unknown --log-level '" + *f.Get("log-level") + "'");
  }
  if (!BrokersFlag(kCommand, f)) return kExitUsage;
  for (const char* topic :
       {"topic", "commands-topic", "snapshot-topic", "dead-letter-topic", "changelog-topic"}) {
    if (!TopicFlag(kCommand, f, topic)) return kExitUsage;
  }
  if (!PathFlag(kCommand, f, "data", PathKind::kDirectory) ||
      !PathFlag(kCommand, f, "fault-disk-full-flag", PathKind::kOutputFile) ||
      !EndpointFlag(kCommand, f, "pager-endpoint")) {
    return kExitUsage;
  }
  const std::string snapshot_topic = f.Get("snapshot-topic").value_or("");
  if (!snapshot_topic.empty() && (snapshot_topic == *f.Get("topic") ||
                                  snapshot_topic == f.Get("commands-topic").value_or(""))) {
    return UsageError(kCommand, "--snapshot-topic '" + snapshot_topic +
                                    "' must differ from --topic and --commands-topic");
  }
  if (const auto http = f.Get("http")) {
    if (auto a = web::HttpServer::ParseAddress(*http); !a.ok()) {
      return UsageError(kCommand, a.status().message());
    }
  }
  auto cfg = LoadConfigOrReport(kCommand, f);
  if (!cfg) return kExitUsage;
  spdlog::set_default_logger(spdlog::stderr_color_mt("serve"));
  spdlog::set_level(level);

  // The pager's security is settled before anything starts: plain tcp:// without keys, or a
  // key file that cannot be read, is a usage error.
  const std::string pager_endpoint = f.Get("pager-endpoint").value_or("");
  std::optional<pager::PagerKeys> pager_keys;
  if (!pager_endpoint.empty()) {
    const config::PagerConfig& pc = cfg->pager;
    if (base::Status s = pager::CheckEndpointSecurity(pager_endpoint, pc); !s.ok()) {
      return UsageError(kCommand, "--pager-endpoint: " + s.message());
    }
    if (pager_endpoint.rfind("tcp://", 0) == 0 && !pc.insecure) {
      std::string config_dir = std::filesystem::path(*f.Get("config")).parent_path().string();
      auto keys = pager::LoadPagerKeys(pc, config_dir.empty() ? "." : config_dir);
      if (!keys.ok()) return UsageError(kCommand, keys.status().message());
      pager_keys = std::move(*keys);
    }
  }
  // The HTTP side's token file is read before anything starts, as the pager's keys are.
  const std::string http_address = f.Get("http").value_or("");
  std::optional<web::Tokens> http_tokens;
  if (!http_address.empty()) {
    auto tokens = LoadHttpTokens(*cfg, *f.Get("config"));
    if (!tokens.ok()) return UsageError(kCommand, "http.tokens: " + tokens.status().message());
    http_tokens = std::move(*tokens);
  }
  // Metrics exist before the store and the node, which report into them from their threads.
  std::unique_ptr<web::ServeMetrics> serve_metrics;
  if (!http_address.empty()) serve_metrics = std::make_unique<web::ServeMetrics>();
  // The store tells the hub what is durable; the hub exists only once the log is open.
  std::atomic<pager::Hub*> hub_for_writer{nullptr};
  std::atomic<web::LiveView*> view_for_writer{nullptr};
  // Readiness exists before the store, whose writer reports failing writes into it.
  web::Readiness readiness(cfg->http.ready_lag);
  StoreFaults store_faults(readiness, serve_metrics.get(), *f.Get("data"));
  store::Options store_options;
  store_options.on_written = [&hub_for_writer, &view_for_writer, &store_faults](uint64_t next_seq) {
    store_faults.OnWritten();
    if (pager::Hub* hub = hub_for_writer.load()) hub->Written(next_seq);
    if (web::LiveView* view = view_for_writer.load()) view->Written(next_seq);
  };
  if (serve_metrics) {
    store_options.on_write_timed = [m = serve_metrics.get()](double seconds, size_t) {
      m->OnStoreWrite(seconds);
    };
  }
  store_options.sync = true;  // each batch is fsynced before its offsets count as consumed
  store_options.check = store::OpenCheck::kBounds;
  // The next batch is consumed, parsed and routed while the last one is written;
  // each stays atomic with its offsets, so a crash still loses nothing.
  store_options.write_behind = true;
  store_options.min_free_bytes = static_cast<uint64_t>(min_free_mib) << 20;
  store_options.on_write_error = [&store_faults](const base::Status& s) {
    store_faults.OnFailure(s);
  };
  store_options.faults.sync_delay = std::chrono::milliseconds(fault_sync_delay);
  store_options.faults.full_flag = f.Get("fault-disk-full-flag").value_or("");
  if (store_options.faults.any()) {
    spdlog::warn("store: FAULT INJECTION (tests only): WAL syncs stall {} ms{}", fault_sync_delay,
                 store_options.faults.full_flag.empty()
                     ? std::string()
                     : "; writes fail while " + store_options.faults.full_flag + " exists");
  }
  auto log = store::EventLog::Open(*f.Get("data"), store_options);
  if (!log.ok()) {
    std::cerr << "escalator serve: cannot open the log in " << *f.Get("data") << ": "
              << log.status().ToString() << "\n";
    if (log.status().code() == base::Code::kCorruption) {
      std::cerr << "escalator serve: refusing to start on a damaged data directory; README, "
                   "Failure modes, says how to rebuild it from Kafka\n";
    }
    return kExitFailure;
  }

  router::IngestOptions options;
  options.brokers = *f.Get("brokers");
  options.topic = *f.Get("topic");
  options.commands_topic = f.Get("commands-topic").value_or("");
  options.snapshot_topic = snapshot_topic;
  options.group = *f.Get("group");
  options.session_timeout_ms = static_cast<int>(session);
  options.heartbeat_interval_ms = static_cast<int>(heartbeat);
  options.fetch_wait_ms = static_cast<int>(fetch_wait);
  options.dead_letter_topic = f.Get("dead-letter-topic").value_or("");
  options.changelog_topic = f.Get("changelog-topic").value_or("");
  options.on_partition_state = [&readiness](int32_t partition, const std::string& state) {
    if (partition < 0) {
      readiness.ClearPartitions();
    } else {
      readiness.SetPartitionState(partition, state);
    }
  };
  options.max_batch = static_cast<size_t>(max_batch);
  options.summary_interval_s = static_cast<int>(summary);
  options.parser.max_message_bytes = static_cast<size_t>(max_bytes);
  options.parser.severity_map = cfg->severity_map;
  options.exit_when_caught_up = f.Has("exit-when-caught-up");

  router::NodeOptions node_options;
  // Dead letters reach the topic from the store's outbox, once their batch is durable.
  node_options.dead_letter_outbox = !options.dead_letter_topic.empty();
  node_options.changelog = !options.changelog_topic.empty();
  // The first batch may arrive before the assignment is reported: hold it back till then.
  node_options.hold_until_sources_reported = true;
  if (serve_metrics) {
    node_options.on_decided = [m = serve_metrics.get()](double seconds) { m->OnDecided(seconds); };
  }
  auto sink = router::ServeSink::Create(**log, cfg, node_options);
  if (!sink.ok()) {
    std::cerr << "escalator serve: " << sink.status().ToString() << "\n";
    return kExitFailure;
  }

  router::ServeSink& engine_sink = **sink;
  if (node_options.changelog) {
    // One of several instances: nothing is owned (no timer fires, no page leaves) until the
    // group assigns partitions and they are restored.
    if (base::Status s = engine_sink.SetOwnedPartitions({}); !s.ok()) {
      std::cerr << "escalator serve: " << s.ToString() << "\n";
      return kExitFailure;
    }
  }
  if (!engine_sink.node().engine().report_rollups_kept()) {
    spdlog::warn(
        "the report rollups do not cover this log (written without them): not keeping them; "
        "reports fold every event until `escalator report --rebuild` (with serve stopped)");
  }
  std::unique_ptr<pager::Hub> hub;
  std::unique_ptr<pager::Desk> desk;
  Throttled timer_errors, pager_errors;
  if (!pager_endpoint.empty()) {
    pager::HubOptions hub_options;
    hub_options.endpoint = pager_endpoint;
    hub_options.book.delivery_timeout = cfg->pager.delivery_timeout;
    hub_options.curve = pager_keys;
    for (const auto& e : cfg->engineers) hub_options.engineers.insert(e.id);
    hub_options.info = [](const std::string& line) { spdlog::info("{}", line); };
    hub_options.warn = [](const std::string& line) { spdlog::warn("{}", line); };
    auto started = pager::Hub::Start(std::move(hub_options));
    if (!started.ok()) {
      std::cerr << "escalator serve: " << started.status().ToString() << "\n";
      return started.status().code() == base::Code::kInvalidInput ? kExitUsage : kExitFailure;
    }
    hub = std::move(*started);
    hub_for_writer.store(hub.get());
    desk = std::make_unique<pager::Desk>(
        engine_sink.node(), **log, *hub, [](const std::string& l) { spdlog::info("{}", l); },
        [](const std::string& l) { spdlog::warn("{}", l); });
    if (base::Status s = desk->Start(); !s.ok()) {
      std::cerr << "escalator serve: pager: " << s.ToString() << "\n";
      return kExitFailure;
    }
    engine_sink.SetAfterWrite([&desk = *desk, &pager_errors] {
      if (base::Status s = desk.AfterWrite(); !s.ok()) {
        pager_errors.Error("pager: cannot hand pages over: {}", s.ToString());
      }
    });
    spdlog::info("pager: devices connect to {} ({})", hub->endpoint(),
                 pager_keys ? "CURVE" : "no encryption");
  }
  spdlog::info("timers: {} pending", (*sink)->node().pending_timers());
  readiness.SetTimersLoaded();  // the node loaded them when it opened
  readiness.SetPagerBound(pager_endpoint.empty() || hub != nullptr);
  engine_sink.SetOnSources(
      [&readiness, &engine_sink, &log](const std::vector<router::SourceState>& s) {
        readiness.SetSources(s, engine_sink.HeldBack(), (*log)->next_seq());
      });
  web::AckQueue http_acks;
  uint64_t next_http_ack = 0;
  // With several instances, an acknowledgement posted here for a case another instance owns
  // goes to the commands topic, which the owner consumes (README "Several instances"). The
  // forwarder's thread waits for the broker, so the main loop (timers, pages) never does.
  std::unique_ptr<web::AckForwarder> ack_forwarder;
  web::ForwardAck forward_ack;
  if (!http_address.empty() && !options.changelog_topic.empty() &&
      !options.commands_topic.empty()) {
    ack_forwarder = std::make_unique<web::AckForwarder>(
        [producer = std::shared_ptr<router::KafkaProducer>(), brokers = options.brokers,
         topic = options.commands_topic](const router::Acknowledge& ack) mutable -> base::Status {
          if (!producer) {
            auto created = router::KafkaProducer::Create(brokers);
            if (!created.ok()) return created.status();
            producer = std::move(*created);
          }
          return router::SendAck(*producer, topic, ack, 2000);
        });
    forward_ack = [f = ack_forwarder.get()](const router::Acknowledge& ack,
                                            std::shared_ptr<web::AckQueue::Request> request) {
      f->Forward(ack, std::move(request));
    };
  }
  std::unique_ptr<web::LiveView> view;
  std::unique_ptr<web::HttpServer> http;
  if (!http_address.empty()) {
    // The view starts from what is durable now, then follows each written batch.
    if (base::Status s = engine_sink.Flush(); !s.ok()) {
      std::cerr << "escalator serve: " << s.ToString() << "\n";
      return kExitFailure;
    }
    web::LiveViewOptions view_options;
    view_options.warn = [](const std::string& line) { spdlog::warn("{}", line); };
    view_options.on_event = [m = serve_metrics.get()](const router::Event& e,
                                                      const router::CaseState* after) {
      m->OnEvent(e, after);
    };
    view = std::make_unique<web::LiveView>(**log, (*log)->next_seq(), std::move(view_options));
    view_for_writer.store(view.get());
    readiness.SetViewFollowed([v = view.get()] { return v->followed_seq(); });
    view->Start();
    web::HttpOptions http_options;
    http_options.address = http_address;
    web::HttpDeps deps;
    deps.log = log->get();
    deps.config = cfg;
    deps.view = view.get();
    deps.tokens = std::move(http_tokens);
    deps.read_open = cfg->http.read_open;
    deps.acks = &http_acks;
    deps.readiness = &readiness;
    deps.metrics = [m = serve_metrics.get()] { return m->Render(); };
    serve_metrics->Attach(view.get(), &readiness);
    auto started = web::HttpServer::Start(std::move(http_options), std::move(deps));
    if (!started.ok()) {
      std::cerr << "escalator serve: http: " << started.status().ToString() << "\n";
      return started.status().code() == base::Code::kInvalidInput ? kExitUsage : kExitFailure;
    }
    http = std::move(*started);
    spdlog::info("http: dashboard at http://{}/ (API under /api/v1/; reads {})", http->address(),
                 cfg->http.read_open ? "open" : "need a token");
    // Next to the pager's channel ids (microseconds), HTTP acks key their dead letters apart.
    next_http_ack = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count());
  }

  // systemd (Type=notify): READY=1 once /readyz would say ready, WATCHDOG=1 from this loop.
  bool told_ready = false;
  const std::optional<std::chrono::microseconds> watchdog = service::WatchdogInterval();
  auto last_watchdog = std::chrono::steady_clock::now();
  double between_polls_s = 0;  // timers and pager, for the final line
  options.between_polls = [&]() -> int {
    const auto started = std::chrono::steady_clock::now();
    struct AddTime {
      double& total;
      std::chrono::steady_clock::time_point from;
      ~AddTime() {
        total += std::chrono::duration<double>(std::chrono::steady_clock::now() - from).count();
      }
    } add_time{between_polls_s, started};
    if (!told_ready && readiness.Check().ready) {
      told_ready = true;
      if (service::NotifyReady("caught up; serving")) spdlog::info("systemd: told ready");
    }
    if (watchdog && started - last_watchdog >= *watchdog) {
      last_watchdog = started;
      service::NotifyWatchdog();
    }
    if (g_reload.exchange(false)) {
      // Only the HTTP access rules change live; routing, schedules and the rest are the
      // node's, whose running escalations name them: those take a restart.
      auto reloaded = config::LoadConfigFile(*f.Get("config"));
      std::string failure;
      for (const auto& e : reloaded.errors) failure += (failure.empty() ? "" : "; ") + e.ToString();
      std::optional<web::Tokens> tokens;
      if (failure.empty() && http) {
        auto t = LoadHttpTokens(*reloaded.config, *f.Get("config"));
        if (t.ok()) {
          tokens = std::move(*t);
        } else {
          failure = "http.tokens: " + t.status().message();
        }
      }
      if (!failure.empty()) {
        spdlog::error("config reload refused, the running configuration stays: {}", failure);
      } else {
        if (http) http->SetAccess(std::move(tokens), reloaded.config->http.read_open);
        spdlog::info(
            "config reloaded: http.tokens and http.read_open take effect now; other changes "
            "need a restart");
      }
      if (serve_metrics) serve_metrics->OnConfigReload(failure.empty());
    }
    if (engine_sink.TakeOwnershipChanged() && desk) {
      if (base::Status s = desk->Reown(); !s.ok()) {
        pager_errors.Error("pager: cannot take up the owned partitions' pages: {}", s.ToString());
      }
    }
    const router::NodeStats before = engine_sink.node().stats();
    auto fired = engine_sink.FireDue();
    if (!fired.ok()) {
      timer_errors.Error("timers: cannot fire: {}", fired.status().ToString());
      return kMaxTimerWaitMs;
    }
    const router::NodeStats& after = engine_sink.node().stats();
    if (*fired > 0) {
      spdlog::info("timers: fired {} (the latest firing so far: {} ms after its instant)", *fired,
                   after.max_late_ms);
    }
    if (after.stalled > before.stalled) {
      spdlog::error("timers: {} case(s) still due after their tick; their timers are dropped",
                    after.stalled - before.stalled);
    }
    if (serve_metrics) {
      const router::Node& node = engine_sink.node();
      std::optional<double> lateness;
      if (auto earliest = node.earliest_timer()) {
        const auto late = std::chrono::system_clock::now() - *earliest;
        lateness = std::max(0.0, std::chrono::duration<double>(late).count());
      }
      serve_metrics->OnRound(node.stats(), node.pending_timers(), lateness,
                             desk ? std::optional<size_t>(desk->pending()) : std::nullopt,
                             hub ? hub->stats().refused_keys.load() : 0);
    }
    if (http) {
      auto applied = web::ApplyHttpAcks(
          engine_sink.node(), http_acks, next_http_ack,
          [&] {
            if (desk) (void)desk->AfterWrite();
          },
          forward_ack);
      if (!applied.ok()) {
        pager_errors.Error("http: cannot record acknowledgements: {}", applied.status().ToString());
      }
    }
    if (desk) {
      if (base::Status s = desk->Round(); !s.ok()) {
        pager_errors.Error("pager: cannot record receipts or acknowledgements: {}", s.ToString());
      }
    }
    auto until = engine_sink.UntilNextTimer();
    if (!until) return kMaxTimerWaitMs;
    return static_cast<int>(std::min<int64_t>(kMaxTimerWaitMs, until->count()));
  };

  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  struct sigaction reload {};
  reload.sa_handler = OnReloadSignal;
  sigemptyset(&reload.sa_mask);
  sigaction(SIGHUP, &reload, nullptr);

  std::optional<web::MeteredSink> metered;
  if (serve_metrics) metered.emplace(**sink, *serve_metrics);
  router::StopAfter stop_after_sink(metered ? static_cast<router::IngestSink&>(*metered) : **sink,
                                    static_cast<uint64_t>(stop_after), g_stop);
  spdlog::info("serve: consuming {} (commands: {}, snapshots: {}) as group {} from {}",
               options.topic, options.commands_topic.empty() ? "none" : options.commands_topic,
               snapshot_topic.empty() ? "none" : snapshot_topic, options.group, options.brokers);
  auto stats = router::RunIngest(options, stop_after_sink, g_stop);
  service::NotifyStopping();
  if (http) {
    // Forwarded acknowledgements are answered first: their HTTP threads wait for the answer.
    if (ack_forwarder) ack_forwarder->Stop();
    http->Stop();
    http_acks.FailAll("serve is stopping");
    view_for_writer.store(nullptr);
    view->Stop();
  }
  if (desk) {
    // What the devices confirmed last is written; pages still unconfirmed stay in the outbox.
    if (base::Status s = desk->Round(); !s.ok()) spdlog::warn("pager: {}", s.ToString());
    hub_for_writer.store(nullptr);
    (void)engine_sink.Flush();
    const pager::HubStats& h = hub->stats();
    spdlog::info(
        "pager: {} delivered, {} undelivered past the timeout, {} dropped as answered, "
        "{} acknowledgement(s) over the channel; {} page(s) left in the outbox; {} "
        "frame(s) sent; refused: {} unknown key(s), {} hello(s), {} bad message(s)",
        desk->stats().delivered, desk->stats().failed, desk->stats().superseded, desk->stats().acks,
        desk->pending(), h.sent.load(), h.refused_keys.load(), h.refused_hellos.load(),
        h.bad_messages.load());
    desk.reset();
    hub.reset();
  }
  if (!stats.ok()) {
    std::cerr << "escalator serve: " << stats.status().ToString() << "\n";
    return stats.status().code() == base::Code::kInvalidInput ? kExitUsage : kExitFailure;
  }
  // One machine-readable line for scripts and benchmarks.
  // The node's counts: an input held back for event time applies in a later round than the
  // batch that brought it, so the ingest loop's per-batch counts can miss it.
  const router::NodeStats& applied = engine_sink.node().stats();
  std::cout << "{\"consumed\":" << stats->consumed << ",\"appended\":" << applied.appended
            << ",\"duplicates\":" << applied.duplicates
            << ",\"dead_lettered\":" << applied.dead_letters << ",\"batches\":" << stats->batches
            << ",\"first_to_last_durable_ms\":" << stop_after_sink.first_to_last_ms()
            << ",\"seconds\":{\"poll\":" << stats->poll_s << ",\"parse\":" << stats->parse_s
            << ",\"apply\":" << stats->apply_s << ",\"timers_and_pager\":" << between_polls_s
            << "}}" << std::endl;
  return kExitOk;
}

}  // namespace cli
