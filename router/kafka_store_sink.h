// The IngestSink of `escalator serve`: applies a consumed batch through
// router::Engine, so that the batch's events, its dead letters and each
// partition's next offset are one atomic store write. Also StopAfter, a sink
// decorator for benchmarks and tests. One thread (the ingest loop).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "config/config.h"
#include "router/kafka_ingest.h"
#include "store/event_log.h"

namespace router {

class Engine;

class KafkaStoreSink : public IngestSink {
 public:
  // REQUIRES: `log` outlives the sink. Errors: the engine's, loading its state.
  static base::Result<std::unique_ptr<KafkaStoreSink>> Create(
      store::EventLog& log, std::shared_ptr<const config::Config> config);
  ~KafkaStoreSink() override;

  base::Result<ApplyOutcome> Apply(const std::vector<IngestItem>& items) override;
  std::optional<int64_t> StoredOffset(const std::string& topic, int32_t partition) override;

 private:
  KafkaStoreSink() = default;
  store::EventLog* log_ = nullptr;
  std::unique_ptr<Engine> engine_;
  base::Timestamp now_{};
};

// Forwards to another sink; once `limit` messages (> 0) have been applied, sets
// *stop so the ingest loop ends. Measures the time from the first batch's
// arrival to the last successful apply (the last event durably in the log).
class StopAfter : public IngestSink {
 public:
  StopAfter(IngestSink& inner, uint64_t limit, std::atomic<bool>& stop)
      : inner_(inner), limit_(limit), stop_(stop) {}
  base::Result<ApplyOutcome> Apply(const std::vector<IngestItem>& items) override;
  std::optional<int64_t> StoredOffset(const std::string& topic, int32_t partition) override {
    return inner_.StoredOffset(topic, partition);
  }
  // Milliseconds from the first Apply call to the end of the last successful one.
  int64_t first_to_last_ms() const;

 private:
  IngestSink& inner_;
  uint64_t limit_;
  std::atomic<bool>& stop_;
  uint64_t applied_ = 0;
  std::optional<std::chrono::steady_clock::time_point> first_, last_;
};

}  // namespace router
