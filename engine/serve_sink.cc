#include "engine/serve_sink.h"

#include <algorithm>

#include "base/check.h"
#include "engine/changelog.h"

namespace router {

base::Result<std::unique_ptr<ServeSink>> ServeSink::Create(
    store::EventLog& log, std::shared_ptr<const config::Config> config, NodeOptions options,
    ReadClock clock) {
  std::unique_ptr<ServeSink> sink(new ServeSink());
  auto node = Node::Open(log, std::move(config), options);
  if (!node.ok()) return node.status();
  sink->node_ = std::move(*node);
  sink->clock_ = clock ? std::move(clock) : [] {
    return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  };
  return sink;
}

base::Timestamp ServeSink::ReadNow() {
  now_ = std::max(now_, clock_());
  return now_;
}

base::Result<ApplyOutcome> ServeSink::Apply(const std::vector<IngestItem>& items) {
  // The shell reads the clock once per batch.
  auto outcome = node_->Apply(items, ReadNow());
  if (outcome.ok() && after_write_) after_write_();
  return outcome;
}

void ServeSink::ReportSources(const std::vector<SourceState>& sources) {
  node_->ReportSources(sources, ReadNow());
  if (on_sources_) on_sources_(sources);
}

base::Result<uint64_t> ServeSink::FireDue() {
  const uint64_t before = node_->stats().ticks;
  if (base::Status s = node_->FireDue(ReadNow()); !s.ok()) return s;
  if (after_write_) after_write_();
  return node_->stats().ticks - before;
}

std::optional<base::Duration> ServeSink::UntilNextTimer() const {
  return node_->UntilNextTimer(now_);
}

std::optional<int64_t> ServeSink::StoredOffset(const std::string& topic, int32_t partition) {
  auto stored = node_->StoredOffset(topic, partition);
  // Resuming anywhere but the stored offset would lose or double events, and a
  // rebalance callback cannot fail: stop loudly, a restart re-reads it.
  CHECK(stored.ok(), "cannot read the stored offset of " + topic + "/" + std::to_string(partition) +
                         ": " + stored.status().ToString());
  return *stored;
}

base::Status ServeSink::Flush() { return node_->Flush(); }

base::Result<uint64_t> ServeSink::RestorePartition(int32_t partition,
                                                   const std::vector<std::string>& records) {
  auto next = node_->ChangelogNext(partition);
  if (!next.ok()) return next.status();
  uint64_t applied = 0;
  // Records per write: a restore of many records is many writes, each atomic, so a crash
  // halfway resumes from the last one written.
  constexpr size_t kPerWrite = 256, kBytesPerWrite = 8 << 20;
  std::vector<ChangelogRecord> chunk;
  size_t chunk_bytes = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    auto record = DecodeChangelogRecord(records[i]);
    if (!record.ok()) {
      return base::Status::Corruption("changelog partition " + std::to_string(partition) +
                                      ", message " + std::to_string(i) + ": " +
                                      record.status().message());
    }
    if (record->pseq < *next) continue;  // here already, or produced twice
    if (record->pseq > *next) {
      return base::Status::Corruption("changelog partition " + std::to_string(partition) +
                                      " misses records " + std::to_string(*next) + ".." +
                                      std::to_string(record->pseq - 1) +
                                      " (truncated or deleted): its state cannot be restored");
    }
    ++*next;
    chunk.push_back(std::move(*record));
    chunk_bytes += records[i].size();
    if (chunk.size() == kPerWrite || chunk_bytes >= kBytesPerWrite) {
      if (base::Status s = node_->ImportChangelog(chunk); !s.ok()) return s;
      applied += chunk.size();
      chunk.clear();
      chunk_bytes = 0;
    }
  }
  if (!chunk.empty()) {
    if (base::Status s = node_->ImportChangelog(chunk); !s.ok()) return s;
    applied += chunk.size();
  }
  if (applied > 0) {
    ownership_changed_ = true;
    // The assignment reads the restored offsets next, and reads see written batches only:
    // resuming below them would consume the whole partition again.
    if (base::Status s = node_->Flush(); !s.ok()) return s;
  }
  return applied;
}

base::Result<std::vector<std::pair<std::string, std::string>>> ServeSink::PendingDeadLetters(
    size_t limit) {
  return node_->PendingDeadLetters(limit);
}

base::Status ServeSink::ConfirmDeadLetters(const std::vector<std::string>& keys) {
  return node_->ConfirmDeadLetters(keys);
}

base::Status StopAfter::Flush() {
  base::Status s = inner_.Flush();
  if (s.ok() && last_) last_ = std::chrono::steady_clock::now();
  return s;
}

base::Result<ApplyOutcome> StopAfter::Apply(const std::vector<IngestItem>& items) {
  if (!first_) first_ = std::chrono::steady_clock::now();
  auto outcome = inner_.Apply(items);
  if (!outcome.ok()) return outcome;
  last_ = std::chrono::steady_clock::now();
  applied_ += items.size();
  if (limit_ > 0 && applied_ >= limit_ && inner_.HeldBack() == 0) stop_.store(true);
  return outcome;
}

void StopAfter::ReportSources(const std::vector<SourceState>& sources) {
  inner_.ReportSources(sources);
  // The inputs held at the last Apply were applied since by the timer loop's write.
  if (limit_ > 0 && applied_ >= limit_ && !stop_.load() && inner_.HeldBack() == 0) {
    last_ = std::chrono::steady_clock::now();
    stop_.store(true);
  }
}

int64_t StopAfter::first_to_last_ms() const {
  if (!first_ || !last_) return 0;
  return std::chrono::duration_cast<std::chrono::milliseconds>(*last_ - *first_).count();
}

}  // namespace router
