// The IngestSink of `escalator serve`: hands each consumed batch to the node
// (engine/node.h) with the shell's clock, tells it which partitions lag, and
// fires its due timers between polls. Everything else (the batch's one atomic
// write, event time, dead letters) is the node's, exactly as simulate and the
// simulator run it. Also StopAfter, a sink decorator for benchmarks and tests.
// One thread (the ingest loop).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "config/config.h"
#include "engine/node.h"
#include "feed/ingest_sink.h"
#include "store/event_log.h"

namespace router {

class ServeSink : public IngestSink {
 public:
  // The shell's clock; the sink reads it once per step and never lets it run
  // backwards. Tests may inject one.
  using ReadClock = std::function<base::Timestamp()>;

  // Opens the node over `log` (loading its due timers). REQUIRES: `log` outlives
  // the sink. Errors: the node's.
  static base::Result<std::unique_ptr<ServeSink>> Create(
      store::EventLog& log, std::shared_ptr<const config::Config> config, NodeOptions options = {},
      ReadClock clock = nullptr);

  base::Result<ApplyOutcome> Apply(const std::vector<IngestItem>& items) override;
  std::optional<int64_t> StoredOffset(const std::string& topic, int32_t partition) override;
  void ReportSources(const std::vector<SourceState>& sources) override;
  size_t HeldBack() const override { return node_->held_count(); }
  base::Status Flush() override;
  base::Result<std::vector<std::pair<std::string, std::string>>> PendingDeadLetters(
      size_t limit) override;
  base::Status ConfirmDeadLetters(const std::vector<std::string>& keys) override;
  base::Result<std::vector<ChangelogEntry>> PendingChangelog(size_t limit) override {
    return node_->PendingChangelog(limit);
  }
  base::Status SetOwnedPartitions(const std::vector<int32_t>& partitions) override {
    ownership_changed_ = true;
    return node_->SetOwnedPartitions(partitions);
  }
  // Whether the owned partitions changed (or one was restored) since the last call: serve's
  // pager then takes up the pages it now owns (pager::Desk::Reown).
  bool TakeOwnershipChanged() { return std::exchange(ownership_changed_, false); }
  base::Result<uint64_t> RestorePartition(int32_t partition,
                                          const std::vector<std::string>& records) override;
  base::Status ConfirmChangelog(const std::vector<std::string>& outbox_keys) override {
    return node_->ConfirmChangelog(outbox_keys);
  }
  base::Result<uint64_t> ChangelogNext(int32_t partition) override {
    return node_->ChangelogNext(partition);
  }

  // Reads the clock and fires every timer the watermark allows, in one atomic
  // write. Returns how many fired. Errors: the node's (the timers stay due).
  base::Result<uint64_t> FireDue();

  // Time from the last clock reading to the earliest timer (zero when due), or
  // nullopt when none is pending.
  std::optional<base::Duration> UntilNextTimer() const;

  Node& node() { return *node_; }

  // Called after each successful write of Apply and FireDue (serve's pager takes the pages
  // the write decided). Not called when the write failed.
  void SetAfterWrite(std::function<void()> after_write) { after_write_ = std::move(after_write); }
  // Called with every report of the consumer's sources (serve's readiness and lag metrics).
  void SetOnSources(std::function<void(const std::vector<SourceState>&)> on_sources) {
    on_sources_ = std::move(on_sources);
  }

 private:
  ServeSink() = default;
  base::Timestamp ReadNow();

  std::unique_ptr<Node> node_;
  bool ownership_changed_ = false;
  ReadClock clock_;
  base::Timestamp now_{};
  std::function<void()> after_write_;
  std::function<void(const std::vector<SourceState>&)> on_sources_;
};

// Forwards to another sink; once `limit` messages (> 0) have been handed over and
// none of them is still held back for event time (the inner sink's HeldBack), sets
// *stop so the ingest loop ends: what --stop-after N consumed is in the log. Measures the time from
// the first batch's arrival to the last successful apply (the last event durably in the log).
class StopAfter : public ForwardingSink {
 public:
  StopAfter(IngestSink& inner, uint64_t limit, std::atomic<bool>& stop)
      : ForwardingSink(inner), limit_(limit), stop_(stop) {}
  base::Result<ApplyOutcome> Apply(const std::vector<IngestItem>& items) override;
  // Forwards; held inputs apply at the next write, so a stop waiting for them
  // is checked here, before each poll.
  void ReportSources(const std::vector<SourceState>& sources) override;
  // Forwards; a successful flush after applies moves the end of the measurement
  // to it (the last event durable).
  base::Status Flush() override;
  // Milliseconds from the first Apply call to the end of the last successful
  // one, or of the flush after it.
  int64_t first_to_last_ms() const;

 private:
  uint64_t limit_;
  std::atomic<bool>& stop_;
  uint64_t applied_ = 0;
  std::optional<std::chrono::steady_clock::time_point> first_, last_;
};

}  // namespace router
