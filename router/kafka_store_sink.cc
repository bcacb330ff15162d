#include "router/kafka_store_sink.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "router/engine.h"

namespace router {

base::Result<std::unique_ptr<KafkaStoreSink>> KafkaStoreSink::Create(
    store::EventLog& log, std::shared_ptr<const config::Config> config) {
  std::unique_ptr<KafkaStoreSink> sink(new KafkaStoreSink());
  sink->log_ = &log;
  sink->engine_ = std::make_unique<Engine>(log, std::move(config));
  return sink;
}

KafkaStoreSink::~KafkaStoreSink() = default;

base::Result<ApplyOutcome> KafkaStoreSink::Apply(const std::vector<IngestItem>& items) {
  // The shell reads the clock once per batch and never lets it run backwards.
  auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  now_ = std::max(now_, now);
  ApplyOutcome outcome;
  auto dead_letter = [&](const IngestItem& item, std::string reason) {
    DeadLetter d{std::move(reason), std::string(item.topic), item.partition, item.offset,
                 std::string(item.payload)};
    engine_->StagePut({store::Family::kDeadLetters, DeadLetterKey(d.topic, d.partition, d.offset),
                       EncodeDeadLetter(d)});
    outcome.dead_letters.push_back(std::move(d));
  };
  for (const auto& item : items) {
    if (item.event) {
      auto staged = engine_->Stage(Input(*item.event), now_);
      if (!staged.ok()) {
        engine_->Abort();
        return staged.status();
      }
      if (staged->rejection) {
        dead_letter(item, *staged->rejection);
      } else if (staged->duplicate()) {
        ++outcome.duplicates;
      } else {
        ++outcome.appended;
      }
    } else {
      // The log explains the refusal too (an input_rejected event).
      std::string summary = std::string(item.topic) + "[" + std::to_string(item.partition) + "]@" +
                            std::to_string(item.offset) + ", " +
                            std::to_string(item.payload.size()) + " bytes";
      auto s = engine_->StageRejection(std::string(item.rejection), summary, "", now_);
      if (!s.ok()) {
        engine_->Abort();
        return s;
      }
      dead_letter(item, std::string(item.rejection));
    }
    engine_->StageOffset({std::string(item.topic), item.partition, item.offset});
  }
  auto committed = engine_->Commit();
  if (!committed.ok()) return committed.status();
  return outcome;
}

std::optional<int64_t> KafkaStoreSink::StoredOffset(const std::string& topic, int32_t partition) {
  auto stored = engine_->StoredOffset(topic, partition);
  // Resuming anywhere but the stored offset would lose or double events, and a
  // rebalance callback cannot fail: stop loudly, a restart re-reads it.
  if (!stored.ok()) {
    std::fprintf(stderr, "escalator: cannot read the stored offset of %s/%d: %s\n", topic.c_str(),
                 partition, stored.status().ToString().c_str());
    std::abort();
  }
  return *stored;
}

base::Result<ApplyOutcome> StopAfter::Apply(const std::vector<IngestItem>& items) {
  if (!first_) first_ = std::chrono::steady_clock::now();
  auto outcome = inner_.Apply(items);
  if (!outcome.ok()) return outcome;
  last_ = std::chrono::steady_clock::now();
  applied_ += items.size();
  if (limit_ > 0 && applied_ >= limit_) stop_.store(true);
  return outcome;
}

int64_t StopAfter::first_to_last_ms() const {
  if (!first_ || !last_) return 0;
  return std::chrono::duration_cast<std::chrono::milliseconds>(*last_ - *first_).count();
}

}  // namespace router
