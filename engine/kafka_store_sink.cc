#include "engine/kafka_store_sink.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "base/check.h"
#include "engine/engine.h"
#include "engine/layouts.h"
#include "engine/timer_index.h"

namespace router {

KafkaStoreSink::KafkaStoreSink() = default;

base::Result<std::unique_ptr<KafkaStoreSink>> KafkaStoreSink::Create(
    store::EventLog& log, std::shared_ptr<const config::Config> config, ReadClock clock) {
  std::unique_ptr<KafkaStoreSink> sink(new KafkaStoreSink());
  sink->log_ = &log;
  sink->engine_ = std::make_unique<Engine>(log, std::move(config));
  auto timers = TimerIndex::Load(log);
  if (!timers.ok()) return timers.status();
  sink->timers_ = std::make_unique<TimerIndex>(std::move(*timers));
  sink->clock_ = clock ? std::move(clock) : [] {
    return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  };
  return sink;
}

KafkaStoreSink::~KafkaStoreSink() = default;

base::Timestamp KafkaStoreSink::ReadNow() {
  now_ = std::max(now_, clock_());
  return now_;
}

base::Result<bool> KafkaStoreSink::SyncTimer(const std::string& case_id,
                                             std::optional<base::Timestamp> fired_at) {
  if (case_id.empty()) return false;
  auto stored = engine_->NextActionAt(case_id);
  if (!stored.ok()) return stored.status();
  std::optional<base::Timestamp> next = *stored;
  if (next == base::Timestamp::max()) next.reset();  // an instant that never comes
  bool stalled = fired_at && next && *next <= *fired_at;
  timers_->Set(case_id, stalled ? std::nullopt : next);
  return stalled;
}

base::Result<TimerRound> KafkaStoreSink::FireDueTimers() {
  const base::Timestamp now = ReadNow();
  TimerRound round;
  std::vector<std::pair<base::Timestamp, std::string>> due;
  while (auto t = timers_->PopDue(now)) due.push_back(std::move(*t));
  if (due.empty()) return round;
  engine_->Abort();
  for (const auto& [at, case_id] : due) {
    auto staged = engine_->Stage(Input(Tick{case_id, now}), now);
    if (!staged.ok()) {
      engine_->Abort();
      for (const auto& [a, c] : due) timers_->Set(c, a);  // still due: retried next round
      return staged.status();
    }
    round.events += staged->events;
    round.max_late_ms =
        std::max<int64_t>(round.max_late_ms, base::ToUnixMillis(now) - base::ToUnixMillis(at));
  }
  auto committed = engine_->Commit();
  if (!committed.ok()) {
    for (const auto& [a, c] : due) timers_->Set(c, a);
    return committed.status();
  }
  for (const auto& [at, case_id] : due) {
    auto stalled = SyncTimer(case_id, now);
    if (!stalled.ok()) return stalled.status();
    if (*stalled) ++round.stalled;
  }
  round.fired = due.size();
  return round;
}

std::optional<base::Duration> KafkaStoreSink::UntilNextTimer() const {
  auto next = timers_->Next();
  if (!next) return std::nullopt;
  return std::max(base::Duration(0), next->first - now_);
}

size_t KafkaStoreSink::pending_timers() const { return timers_->size(); }

base::Result<ApplyOutcome> KafkaStoreSink::Apply(const std::vector<IngestItem>& items) {
  // The shell reads the clock once per batch and never lets it run backwards.
  ReadNow();
  ApplyOutcome outcome;
  touched_.clear();
  auto dead_letter = [&](const IngestItem& item, std::string reason) {
    DeadLetter d{std::move(reason), std::string(item.topic), item.partition, item.offset,
                 std::string(item.payload)};
    std::string key = DeadLetterKey(d.topic, d.partition, d.offset);
    if (dead_letter_outbox_) engine_->StagePut({store::Family::kDeadLetterOutbox, key, ""});
    engine_->StagePut({store::Family::kDeadLetters, std::move(key), EncodeDeadLetter(d)});
    outcome.dead_letters.push_back(std::move(d));
  };
  for (const auto& item : items) {
    if (item.event || item.ack) {
      if (item.event) {
        input_ = *item.event;
        touched_.push_back(&item.event->case_id);
      } else {
        input_ = *item.ack;
        touched_.push_back(&item.ack->case_id);
      }
      auto staged = engine_->Stage(input_, now_);
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
  // Each case once (a batch names most cases once or twice).
  std::sort(touched_.begin(), touched_.end(),
            [](const std::string* a, const std::string* b) { return *a < *b; });
  touched_.erase(std::unique(touched_.begin(), touched_.end(),
                             [](const std::string* a, const std::string* b) { return *a == *b; }),
                 touched_.end());
  for (const std::string* case_id : touched_) {
    auto synced = SyncTimer(*case_id, std::nullopt);
    if (!synced.ok()) return synced.status();
  }
  return outcome;
}

std::optional<int64_t> KafkaStoreSink::StoredOffset(const std::string& topic, int32_t partition) {
  auto stored = engine_->StoredOffset(topic, partition);
  // Resuming anywhere but the stored offset would lose or double events, and a
  // rebalance callback cannot fail: stop loudly, a restart re-reads it.
  CHECK(stored.ok(), "cannot read the stored offset of " + topic + "/" + std::to_string(partition) +
                         ": " + stored.status().ToString());
  return *stored;
}

base::Status KafkaStoreSink::Flush() { return log_->Flush(); }

base::Result<std::vector<std::pair<std::string, std::string>>> KafkaStoreSink::PendingDeadLetters(
    size_t limit) {
  // Reads see written batches only: everything applied is written first.
  if (base::Status s = log_->Flush(); !s.ok()) return s;
  std::vector<std::string> keys;
  base::Status scan =
      log_->Scan(store::Family::kDeadLetterOutbox, "", [&](std::string_view key, std::string_view) {
        keys.emplace_back(key);
        return keys.size() < limit;
      });
  if (!scan.ok()) return scan;
  std::vector<std::pair<std::string, std::string>> pending;
  std::vector<std::string> orphans;
  for (std::string& key : keys) {
    auto letter = log_->Get(store::Family::kDeadLetters, key);
    if (!letter.ok()) return letter.status();
    if (!letter->has_value()) {
      orphans.push_back(std::move(key));  // never written by Apply, which puts both at once
      continue;
    }
    pending.emplace_back(std::move(key), std::move(**letter));
  }
  if (!orphans.empty()) {
    if (base::Status s = ConfirmDeadLetters(orphans); !s.ok()) return s;
  }
  return pending;
}

base::Status KafkaStoreSink::ConfirmDeadLetters(const std::vector<std::string>& keys) {
  if (keys.empty()) return base::Status::Ok();
  store::Batch batch;
  for (const std::string& key : keys) {
    batch.puts.push_back({store::Family::kDeadLetterOutbox, key, std::nullopt});
  }
  auto appended = log_->Append(std::move(batch));
  return appended.ok() ? base::Status::Ok() : appended.status();
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
  if (limit_ > 0 && applied_ >= limit_) stop_.store(true);
  return outcome;
}

int64_t StopAfter::first_to_last_ms() const {
  if (!first_ || !last_) return 0;
  return std::chrono::duration_cast<std::chrono::milliseconds>(*last_ - *first_).count();
}

}  // namespace router
