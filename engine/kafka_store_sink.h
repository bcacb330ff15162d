// The IngestSink of `escalator serve`: applies a consumed batch (feed events
// and acknowledgements) through router::Engine, so that the batch's events, its
// dead letters and each partition's next offset are one atomic store write.
// It also runs serve's timer loop over the same engine: a TimerIndex rebuilt
// from the store's kTimers at start and kept in step after every write, whose
// due timers fire as Tick{case, now}. Also StopAfter, a sink decorator for
// benchmarks and tests. One thread (the ingest loop).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "config/config.h"
#include "feed/ingest_sink.h"
#include "router/inputs.h"
#include "store/event_log.h"

namespace router {

class Engine;
class TimerIndex;

// What one round of the timer loop did.
struct TimerRound {
  uint64_t fired = 0;       // Ticks applied
  uint64_t events = 0;      // events they appended
  uint64_t stalled = 0;     // timers still due after their Tick: dropped (a routing bug)
  int64_t max_late_ms = 0;  // the latest firing's delay past its due instant
};

class KafkaStoreSink : public IngestSink {
 public:
  // The shell's clock; the sink reads it once per step and never lets it run
  // backwards. Tests may inject one.
  using ReadClock = std::function<base::Timestamp()>;

  // Loads the due timers from the store. REQUIRES: `log` outlives the sink.
  // Errors: the store's; kCorruption for a bad timer key.
  static base::Result<std::unique_ptr<KafkaStoreSink>> Create(
      store::EventLog& log, std::shared_ptr<const config::Config> config,
      ReadClock clock = nullptr);
  ~KafkaStoreSink() override;

  base::Result<ApplyOutcome> Apply(const std::vector<IngestItem>& items) override;
  std::optional<int64_t> StoredOffset(const std::string& topic, int32_t partition) override;
  base::Status Flush() override;

  // With `on`, every dead letter Apply writes also enters the dead-letter topic's outbox
  // (store::Family::kDeadLetterOutbox) in the same batch, until ConfirmDeadLetters. Serve
  // turns it on when it has a dead-letter topic; off (the default) nothing waits there.
  void set_dead_letter_outbox(bool on) { dead_letter_outbox_ = on; }
  base::Result<std::vector<std::pair<std::string, std::string>>> PendingDeadLetters(
      size_t limit) override;
  base::Status ConfirmDeadLetters(const std::vector<std::string>& keys) override;

  // Reads the clock and fires every timer due at or before it, each as
  // Tick{case, now}, all in ONE atomic write (a timer overdue after a restart
  // fires at once). Errors: the store's (nothing was written; the timers stay
  // due and the next round retries them).
  base::Result<TimerRound> FireDueTimers();

  // Time from the last clock reading to the earliest timer (zero when overdue),
  // or nullopt when none is pending.
  std::optional<base::Duration> UntilNextTimer() const;
  size_t pending_timers() const;

 private:
  KafkaStoreSink();
  base::Timestamp ReadNow();
  // Tells the index the case's timer after a write. `fired_at`: after a Tick at
  // that instant, a timer not after it would fire forever and is dropped.
  base::Result<bool> SyncTimer(const std::string& case_id, std::optional<base::Timestamp> fired_at);

  store::EventLog* log_ = nullptr;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<TimerIndex> timers_;
  ReadClock clock_;
  base::Timestamp now_{};
  // The input being applied. Assigned, not constructed, for each item: the
  // strings of the last feed event keep their buffers, so copying the next one
  // in allocates nothing.
  Input input_;
  std::vector<const std::string*> touched_;  // cases of the batch in hand
  bool dead_letter_outbox_ = false;
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
  // Forwards; a successful flush after applies moves the end of the measurement
  // to it (the last event durable).
  base::Status Flush() override;
  base::Result<std::vector<std::pair<std::string, std::string>>> PendingDeadLetters(
      size_t limit) override {
    return inner_.PendingDeadLetters(limit);
  }
  base::Status ConfirmDeadLetters(const std::vector<std::string>& keys) override {
    return inner_.ConfirmDeadLetters(keys);
  }
  // Milliseconds from the first Apply call to the end of the last successful
  // one, or of the flush after it.
  int64_t first_to_last_ms() const;

 private:
  IngestSink& inner_;
  uint64_t limit_;
  std::atomic<bool>& stop_;
  uint64_t applied_ = 0;
  std::optional<std::chrono::steady_clock::time_point> first_, last_;
};

}  // namespace router
