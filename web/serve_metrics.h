// serve's Prometheus metrics (GET /metrics): what each of serve's threads reports, in one
// place, under escalator_ names. Counters and histograms are updated where things happen (the
// ingest thread's batches and decisions, the store writer's writes, the live view's events);
// gauges that describe state (lag, open cases, pending timers and pages) are read by
// collectors at each scrape, or set by the main loop each round.
//
// Time to first response is measured in wall time from the clock's start (a business-hours
// target's clock pauses; the report measures business time, this metric does not).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/node.h"
#include "feed/ingest_sink.h"
#include "metrics/registry.h"
#include "router/case_state.h"
#include "router/events.h"

namespace web {

class LiveView;
class Readiness;

class ServeMetrics {
 public:
  // Registers every metric.
  ServeMetrics();
  // The live view and readiness the collectors read open cases and consumer lag from, once
  // they exist (before, those gauges are absent). Either may be null.
  void Attach(const LiveView* view, const Readiness* readiness) {
    view_.store(view);
    readiness_.store(readiness);
  }

  // The exposition (thread-safe).
  std::string Render() { return registry_.Render(); }

  // Ingest thread: a batch handed to the node: its size and how long its Apply took.
  void OnBatch(size_t messages, double seconds);
  // Ingest thread: one input's Engine::Stage (NodeOptions::on_decided).
  void OnDecided(double seconds) { decide_->Observe(seconds); }
  // Store writer thread: one batch's RocksDB write with its fsync.
  void OnStoreWrite(double seconds) { store_write_->Observe(seconds); }
  // Store writer thread: one failed write attempt (retried: cli/store_faults.h).
  void OnStoreWriteFailure() { store_write_failures_->Add(); }
  // Live view thread: one event followed, with the case's state after it when held.
  void OnEvent(const router::Event& event, const router::CaseState* after);
  // Main loop: a configuration reload (SIGHUP) that took effect, or was refused.
  void OnConfigReload(bool ok) { (ok ? reloads_ok_ : reloads_failed_)->Add(); }
  // Main loop, each round: the node's counts (deltas are added), its timers, the pager's.
  void OnRound(const router::NodeStats& stats, size_t pending_timers,
               std::optional<double> oldest_lateness_s, std::optional<size_t> pages_pending,
               uint64_t refused_keys);

 private:
  metrics::Registry registry_;
  std::atomic<const LiveView*> view_{nullptr};
  std::atomic<const Readiness*> readiness_{nullptr};
  metrics::Counter* consumed_;
  metrics::Counter* appended_;
  metrics::Counter* deduplicated_;
  metrics::Counter* dead_lettered_;
  metrics::Histogram* batch_apply_;
  metrics::Histogram* store_write_;
  metrics::Counter* store_write_failures_;
  metrics::Histogram* decide_;
  metrics::Counter* pages_sent_;
  metrics::Counter* pages_delivered_;
  metrics::Counter* pages_failed_;
  metrics::Gauge* pages_pending_;
  metrics::Gauge* timers_pending_;
  metrics::Gauge* oldest_lateness_;
  metrics::Counter* refused_keys_;
  metrics::Counter* reloads_ok_;
  metrics::Counter* reloads_failed_;
  router::NodeStats last_{};   // main loop only
  uint64_t last_refused_ = 0;  // main loop only
};

// An IngestSink decorator that times each Apply and counts its messages into ServeMetrics.
class MeteredSink : public router::ForwardingSink {
 public:
  MeteredSink(router::IngestSink& inner, ServeMetrics& metrics)
      : ForwardingSink(inner), m_(metrics) {}
  base::Result<router::ApplyOutcome> Apply(const std::vector<router::IngestItem>& items) override;

 private:
  ServeMetrics& m_;
};

}  // namespace web
