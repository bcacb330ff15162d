#include "web/serve_metrics.h"

#include <chrono>
#include <set>
#include <type_traits>
#include <variant>

#include "web/live_view.h"
#include "web/readiness.h"

namespace web {

namespace {

const std::vector<double> kBatchBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                          0.1,    0.25,  0.5,    1,     2.5,  5};
const std::vector<double> kWriteBounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                          0.01,   0.025,   0.05,   0.1,   0.25,   1};
const std::vector<double> kDecideBounds = {0.000001, 0.0000025, 0.000005, 0.00001,
                                           0.000025, 0.00005,   0.0001,   0.00025,
                                           0.0005,   0.001,     0.01,     0.1};
// The targets (15 min, 1 h, 4 h, 12 h) are bucket bounds, so "within target" is exact.
const std::vector<double> kResponseBounds = {60,    300,   600,   900,   1800,   3600,  7200,
                                             14400, 28800, 43200, 86400, 172800, 604800};

}  // namespace

ServeMetrics::ServeMetrics() {
  metrics::Registry& r = registry_;
  r.AddCollector(
      [this, seen = std::set<std::pair<std::string, int32_t>>()](metrics::Registry& reg) mutable {
        const Readiness* readiness = readiness_.load();
        if (readiness == nullptr) return;
        std::set<std::pair<std::string, int32_t>> now;
        for (const router::SourceState& s : readiness->sources()) {
          now.emplace(s.topic, s.partition);
          reg.AddGauge("escalator_consumer_lag",
                       "Messages left to consume in each assigned partition (-1: not known yet)",
                       {{"topic", s.topic}, {"partition", std::to_string(s.partition)}})
              .Set(s.caught_up ? 0 : static_cast<double>(s.lag));
        }
        // A partition no longer assigned has nothing left for this instance.
        for (const auto& [topic, partition] : seen) {
          if (now.count({topic, partition}) == 0) {
            reg.AddGauge("escalator_consumer_lag", "",
                         {{"topic", topic}, {"partition", std::to_string(partition)}})
                .Set(0);
          }
        }
        seen.insert(now.begin(), now.end());
      });
  consumed_ = &r.AddCounter("escalator_inputs_consumed_total",
                            "Messages consumed from Kafka and handed to the node");
  appended_ = &r.AddCounter("escalator_inputs_appended_total",
                            "Inputs that changed something and were appended to the log");
  deduplicated_ = &r.AddCounter("escalator_inputs_deduplicated_total",
                                "Inputs that changed nothing (redeliveries, repeated acks)");
  dead_lettered_ = &r.AddCounter("escalator_inputs_dead_lettered_total",
                                 "Inputs refused and kept as dead letters");
  batch_apply_ = &r.AddHistogram("escalator_batch_apply_seconds",
                                 "Time to apply one consumed batch through the node", kBatchBounds);
  store_write_ =
      &r.AddHistogram("escalator_store_write_seconds",
                      "Time of one batch's RocksDB write, WAL fsync included", kWriteBounds);
  store_write_failures_ = &r.AddCounter(
      "escalator_store_write_failures_total",
      "Attempts to write a batch to the event log that failed or waited for free space "
      "(retried until one succeeds)");
  decide_ = &r.AddHistogram("escalator_decide_seconds",
                            "Time to decide one input: load, Decide, Evolve, stage", kDecideBounds);
  r.AddCollector([this](metrics::Registry& reg) {
    const LiveView* view = view_.load();
    if (view == nullptr) return;
    std::map<int, int64_t> by_level = view->OpenByLevel();
    for (int level = 1; level <= 4; ++level) by_level.emplace(level, 0);
    for (const auto& [level, n] : by_level) {
      reg.AddGauge("escalator_open_cases", "Open (unresolved) cases per level",
                   {{"level", std::to_string(level)}})
          .Set(static_cast<double>(n));
    }
  });
  for (int level = 1; level <= 4; ++level) {
    r.AddCounter("escalator_clocks_breached_total", "Response clocks breached per level",
                 {{"level", std::to_string(level)}});
    r.AddHistogram("escalator_first_response_seconds",
                   "Wall time from a response clock's start to its first response, per level",
                   kResponseBounds, {{"level", std::to_string(level)}});
  }
  pages_sent_ = &r.AddCounter("escalator_pages_sent_total", "Pages decided (paged events)");
  pages_delivered_ =
      &r.AddCounter("escalator_pages_delivered_total", "Pages a device confirmed (receipts)");
  pages_failed_ = &r.AddCounter("escalator_pages_failed_total",
                                "Pages still undelivered at the delivery timeout");
  pages_pending_ =
      &r.AddGauge("escalator_pages_pending", "Pages waiting for a device's receipt (the outbox)");
  timers_pending_ = &r.AddGauge("escalator_timers_pending", "Escalation timers pending");
  oldest_lateness_ =
      &r.AddGauge("escalator_timer_oldest_lateness_seconds",
                  "How far past its due instant the earliest pending timer is (0: none late)");
  refused_keys_ = &r.AddCounter("escalator_pager_refused_keys_total",
                                "Pager connections refused for an unknown CURVE key");
  const char* reload_help =
      "Configuration reloads (SIGHUP): ok took effect, failed left the running one in place";
  reloads_ok_ = &r.AddCounter("escalator_config_reloads_total", reload_help, {{"result", "ok"}});
  reloads_failed_ =
      &r.AddCounter("escalator_config_reloads_total", reload_help, {{"result", "failed"}});
}

void ServeMetrics::OnBatch(size_t messages, double seconds) {
  consumed_->Add(messages);
  batch_apply_->Observe(seconds);
}

void ServeMetrics::OnEvent(const router::Event& event, const router::CaseState* after) {
  const std::string level = std::to_string(after != nullptr ? after->level : 0);
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, router::Paged>) {
          pages_sent_->Add();
        } else if constexpr (std::is_same_v<T, router::Delivered>) {
          pages_delivered_->Add();
        } else if constexpr (std::is_same_v<T, router::DeliveryFailed>) {
          pages_failed_->Add();
        } else if constexpr (std::is_same_v<T, router::Breached>) {
          registry_
              .AddCounter("escalator_clocks_breached_total", "Response clocks breached per level",
                          {{"level", level}})
              .Add();
        } else if constexpr (std::is_same_v<T, router::Responded>) {
          if (after == nullptr) return;
          const double s = std::chrono::duration<double>(e.at - after->clock_start).count();
          registry_
              .AddHistogram(
                  "escalator_first_response_seconds",
                  "Wall time from a response clock's start to its first response, per level",
                  kResponseBounds, {{"level", level}})
              .Observe(s < 0 ? 0 : s);
        }
      },
      event);
}

void ServeMetrics::OnRound(const router::NodeStats& stats, size_t pending_timers,
                           std::optional<double> oldest_lateness_s,
                           std::optional<size_t> pages_pending, uint64_t refused_keys) {
  appended_->Add(stats.appended - last_.appended);
  deduplicated_->Add(stats.duplicates - last_.duplicates);
  dead_lettered_->Add(stats.dead_letters - last_.dead_letters);
  last_ = stats;
  timers_pending_->Set(static_cast<double>(pending_timers));
  oldest_lateness_->Set(oldest_lateness_s.value_or(0));
  if (pages_pending) pages_pending_->Set(static_cast<double>(*pages_pending));
  if (refused_keys > last_refused_) refused_keys_->Add(refused_keys - last_refused_);
  last_refused_ = refused_keys;
}

base::Result<router::ApplyOutcome> MeteredSink::Apply(
    const std::vector<router::IngestItem>& items) {
  const auto start = std::chrono::steady_clock::now();
  auto outcome = inner_.Apply(items);
  if (outcome.ok()) {
    m_.OnBatch(items.size(),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return outcome;
}

}  // namespace web
