// The node: the one runtime that `escalator serve`, `escalator simulate` and the
// seeded simulator all drive. It applies batches of inputs through the Engine,
// fires due timers as Ticks, keeps dead letters, and relays the dead-letter
// outbox. Nothing here reads a clock: the caller passes `now` (serve the wall
// clock, simulate and the simulator their simulated one).
//
// Event time (as Kafka Streams' stream time against wall-clock time). Every
// input comes from a source (a topic partition, or simulate's input file). A
// timer fires only once every input that could precede it has been applied:
//  - each source's progress is the latest event time of the inputs handed over
//    from it; a source the caller reports caught up counts as `now` instead;
//  - the watermark is the least of the sources' progress (nothing fires before
//    the caller has reported its sources, so a restarted serve does not fire
//    overdue timers while the acknowledgements that would cancel them still
//    wait unconsumed);
//  - before an input at T is applied, every timer due at or before T and the
//    watermark fires, and so does the input's own case's timer if it is due at
//    or before T;
//  - FireDue(now) fires every timer due at or before the watermark;
//  - an input dated after the watermark is held back (in memory; its offset is not
//    stored, so a crash consumes it again) until the watermark reaches it, and held inputs
//    apply earliest event time first across sources: an acknowledgement on the commands
//    topic and the feed's events apply in the order one timeline would give them. An
//    unparsed input applies as soon as it heads its source. At most
//    NodeOptions::max_held are held; past that the earliest applies anyway.
// A timer fires as Tick{case, due}: at its own instant, not at the instant it
// happened to be noticed, so serve catching up on a backlog writes the log
// simulate writes. A timer set by an input at T for an instant before T fires
// at T (never before the input that set it). A timer at Timestamp::max() (a
// calendar that never opens) never fires.
//
// Writes: one Apply or FireDue is ONE atomic store write (the inputs, the ticks
// fired among them, the dead letters and each source's next offset), so a
// crash neither loses nor doubles anything; on an error nothing was written
// and the node reloads its timers from the store. One thread at a time.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "config/config.h"
#include "engine/layouts.h"
#include "feed/ingest_sink.h"
#include "store/event_log.h"

namespace router {

class Engine;
class TimerIndex;
struct ChangelogRecord;

struct NodeOptions {
  // Every dead letter also enters the dead-letter topic's outbox
  // (store::Family::kDeadLetterOutbox) in the same batch, until
  // ConfirmDeadLetters: serve with a dead-letter topic.
  bool dead_letter_outbox = false;
  // An input dated before the node's clock (the latest input or tick applied)
  // is refused as a dead letter, "out of time order", instead of applied:
  // simulate, whose input is one timeline. Serve applies late inputs.
  bool refuse_out_of_order = false;
  // A source reported lagging whose progress has not moved for this long
  // (by `now`) no longer holds timers back: a stuck partition must not stop
  // every page. Zero: never.
  base::Duration stuck_source_after = std::chrono::seconds(60);
  // Before the caller first reports its sources, hold inputs back as if every source lagged
  // with nothing consumed (serve, whose first batch may come before its assignment is
  // reported). Off: until a report, inputs apply in the order given.
  bool hold_until_sources_reported = false;
  // At most this many inputs are held back; past it the earliest is applied anyway (a source
  // far behind in time must not make the node buffer the others without bound).
  size_t max_held = 200'000;
  // Keep the report rollups in every batch (engine/report_rollups.h, EngineOptions).
  bool report_rollups = true;
  // Write changelog records with every batch (engine/changelog.h, EngineOptions): serve with
  // a changelog topic.
  bool changelog = false;
  // Called with the seconds each input's Engine::Stage took (load, Decide, Evolve, staging):
  // serve's decide-latency metric. Null: the clock is not read.
  std::function<void(double seconds)> on_decided;
};

// What the node has done since it opened.
struct NodeStats {
  uint64_t inputs = 0;        // feed events and acknowledgements applied (duplicates too)
  uint64_t feed_events = 0;   // of the inputs (each case of a snapshot is one)
  uint64_t snapshots = 0;     // reconciliation snapshots handed over (their cases are inputs)
  uint64_t acks = 0;          // of the inputs
  uint64_t appended = 0;      // inputs that changed something (not refused, not duplicates)
  uint64_t duplicates = 0;    // inputs that changed nothing
  uint64_t dead_letters = 0;  // refused by the parser, the core or as out of order
  uint64_t out_of_order = 0;  // of the dead letters
  uint64_t ticks = 0;         // timers fired
  uint64_t stalled = 0;       // timers still due after their tick: dropped (a routing bug)
  int64_t max_late_ms = 0;    // the latest firing's delay past its due instant, by `now`
  uint64_t delivered = 0;     // page receipts recorded
  uint64_t delivery_failed = 0;
};

// A delivery_failed event with the page's outbox entry as it is to be rewritten.
struct FailedDelivery {
  DeliveryFailed event;
  std::string outbox_value;
};

class Node {
 public:
  // Loads the due timers from the store. REQUIRES: `log` outlives the node;
  // config non-null. Errors: the store's; kCorruption for a bad timer key.
  static base::Result<std::unique_ptr<Node>> Open(store::EventLog& log,
                                                  std::shared_ptr<const config::Config> config,
                                                  NodeOptions options = {});
  ~Node();

  // Applies `items` in order as ONE atomic write: before each input the timers
  // the watermark allows (see above); each parsed feed event or acknowledgement
  // through the core; each refusal (the parser's, the core's, out of order) as
  // an input_rejected event and a dead letter; for each source its next offset.
  // `now` is the instant caught-up sources count as. Errors: the store's
  // (nothing was written; the caller retries the same items); kCorruption.
  base::Result<ApplyOutcome> Apply(const std::vector<IngestItem>& items, base::Timestamp now);

  // Applies one acknowledgement that came over the pager channel or the HTTP API
  // (IsDirectChannel(item.topic), item.ack set) at once, as ONE atomic write: it is never held back
  // for event time (the device waits for the answer; while a lagging source catches up, the inputs
  // it still brings from before the ack apply late, as serve applies late inputs).
  // `awaited_response` says whether the case was waiting for a first response before it.
  // Errors: as Apply.
  struct DirectOutcome {
    ApplyOutcome outcome;
    bool awaited_response = false;
  };
  base::Result<DirectOutcome> ApplyDirect(const IngestItem& item, base::Timestamp now);

  // Fires, in ONE atomic write, every timer due at or before the watermark.
  // Errors: as Apply (the timers stay due).
  base::Status FireDue(base::Timestamp now);

  // The sources the caller consumes, and whether each is caught up. Replaces
  // what was reported before; sources not named stop holding timers back.
  // Until the first call, no timer fires except through an input of its case.
  void ReportSources(const std::vector<SourceState>& sources, base::Timestamp now);

  // The watermark at `now` (see above), or nullopt while nothing may fire.
  std::optional<base::Timestamp> Watermark(base::Timestamp now) const;

  // Time from `now` to the earliest timer that may fire once the watermark
  // reaches it (zero when due), or nullopt when none is pending.
  std::optional<base::Duration> UntilNextTimer(base::Timestamp now) const;

  // The next offset to consume stored for a partition, or nullopt: as written (reads see
  // written batches only, so what write-behind still holds is not counted; the ingest loop
  // commits this to the group, durable only). Errors: the store's.
  base::Result<std::optional<int64_t>> StoredOffset(const std::string& topic, int32_t partition);

  // Returns once everything applied is durable. Errors: the store's.
  base::Status Flush();

  // Scale-out (NodeOptions::changelog; README "Several instances").
  // The partitions this node owns: only their cases' timers fire (a case tied to no
  // partition counts as owned). Drops what was handed over from other partitions and is
  // still held back (never applied: their next owner consumes it again), forgets those
  // sources, and reloads the timers from the store for the owned partitions. Until the
  // first call every partition counts as owned. Errors: the store's.
  base::Status SetOwnedPartitions(const std::vector<int32_t>& partitions);
  // Whether the case's partition is owned here (a case tied to none is). Errors: the store's.
  base::Result<bool> Owns(const std::string& case_id);
  // The partition's next changelog record number here. Errors: the store's.
  base::Result<uint64_t> ChangelogNext(int32_t partition);
  // Applies changelog records of one partition, restored from the topic, in ONE atomic
  // write (Engine::StageImported); the cases they touch get their timers (when owned).
  // REQUIRES: consecutive records starting at ChangelogNext(partition). Errors: the store's;
  // kCorruption for a record that does not decode.
  base::Status ImportChangelog(const std::vector<ChangelogRecord>& records);

  // The dead-letter outbox: dead letters written and not yet confirmed on the
  // topic, in key order, at most `limit`, as (DeadLetterKey, EncodeDeadLetter).
  // Flushes first, so none leaves before its batch is durable. Errors: the store's.
  base::Result<std::vector<std::pair<std::string, std::string>>> PendingDeadLetters(size_t limit);
  // Forgets the pending dead letters under `keys`. Errors: the store's.
  base::Status ConfirmDeadLetters(const std::vector<std::string>& keys);
  // The changelog outbox (NodeOptions::changelog), as IngestSink::PendingChangelog. Flushes
  // first. Errors: the store's; kCorruption for a bad outbox key.
  base::Result<std::vector<ChangelogEntry>> PendingChangelog(size_t limit);
  // Forgets the records under `outbox_keys`. Errors: the store's.
  base::Status ConfirmChangelog(const std::vector<std::string>& outbox_keys);

  // Drops from the outbox, in one write, every page whose case was answered or resolved
  // before it could leave, each with a page_superseded event (router::SupersedePage): a
  // backlog caught up on wakes nobody for a case already answered. The relay sends what is
  // left. Returns how many were dropped. Errors: the store's (nothing was written).
  base::Result<uint64_t> SupersedeAnsweredPages();
  // The same for the given pages only (serve's pager keeps the outbox's pages in memory):
  // returns the seqs dropped. Errors: as above.
  base::Result<std::vector<uint64_t>> SupersedePages(const std::vector<OutboxPage>& pages);
  // Every page in the outbox, in seq order (entries that are not pages are skipped).
  // Flushes first. Errors: the store's.
  base::Result<std::vector<OutboxPage>> OutboxPages();

  // Writes, in ONE atomic write, each receipt (a delivered event, the page's outbox entry
  // deleted) and each failure (a delivery_failed event, its outbox entry rewritten). The
  // caller passes pages that are in the outbox. Errors: the store's (nothing was written).
  base::Status RecordDeliveries(const std::vector<Delivered>& receipts,
                                const std::vector<FailedDelivery>& failures);

  const NodeStats& stats() const { return stats_; }
  // Inputs handed to Apply and held back for event time, not yet applied.
  size_t held_count() const { return held_count_; }
  size_t pending_timers() const;
  // The earliest pending timer's due instant, or nullopt when none is pending.
  std::optional<base::Timestamp> earliest_timer() const;
  // The latest input or tick instant applied (the epoch before any).
  base::Timestamp clock() const { return clock_; }
  // The engine under the node, for reads (Load, Rebuild) by the simulator and tools.
  Engine& engine() { return *engine_; }

 private:
  Node();
  struct Source {
    std::optional<base::Timestamp> progress;  // latest event time consumed from it
    bool caught_up = false;
    base::Timestamp moved_at{};  // `now` when progress last moved, or it was reported
    int64_t admitted_next = 0;   // offsets below it were handed over (held or applied)
  };
  // An input handed over and not yet applied. `item` views the caller's buffers while the
  // Apply that brought it runs; one still held when Apply returns is copied into `owned`.
  struct Owned;
  struct Pending {
    IngestItem item;
    std::optional<base::Timestamp> at;  // nullopt: unparsed, applied when at the head
    std::shared_ptr<Owned> owned;
  };
  using SourceKey = std::pair<std::string, int32_t>;
  // What Apply/FireDue change before their write, restored when it fails.
  struct Saved {
    std::map<SourceKey, Source> sources;
    base::Timestamp clock;
    NodeStats stats;
  };
  // Takes an item over from the caller: records its offset and its source's progress, and
  // sets *at to its event time (none when unparsed). False for an offset already taken.
  bool Admit(const SourceKey& key, const IngestItem& item, base::Timestamp now,
             std::optional<base::Timestamp>* at);
  base::Status Release(base::Timestamp now, ApplyOutcome& outcome);
  void KeepHeld();
  base::Status ApplyItem(const IngestItem& item, base::Timestamp now, ApplyOutcome& outcome);
  base::Status ApplySnapshot(const IngestItem& item, base::Timestamp now, ApplyOutcome& outcome);
  // `partition`: the input's source partition (Engine::SetInputPartition), or -1.
  base::Status StageInput(int32_t partition, base::Timestamp now, ApplyOutcome& outcome,
                          std::optional<std::string>* refused);
  void KeepDeadLetter(const IngestItem& item, const std::string& reason, ApplyOutcome& outcome);
  base::Status Rollback(base::Status failure, Saved& saved,
                        const std::map<SourceKey, size_t>& held_before);
  base::Status Reject(const IngestItem& item, const std::string& reason, const std::string& case_id,
                      const std::string& summary, base::Timestamp now, ApplyOutcome& outcome);
  base::Status FireUpTo(base::Timestamp limit, base::Timestamp now);
  base::Status FireOwn(const std::string& case_id, base::Timestamp limit, base::Timestamp now);
  base::Status FireOne(base::Timestamp due, const std::string& case_id, base::Timestamp now);
  base::Status SyncTimer(const std::string& case_id, std::optional<base::Timestamp> fired_at,
                         base::Timestamp floor);
  base::Status Commit();
  base::Status Recover(base::Status failure);

  store::EventLog* log_ = nullptr;
  NodeOptions options_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<TimerIndex> timers_;
  std::map<SourceKey, Source> sources_;
  bool sources_reported_ = false;
  // Per source, the inputs handed over ahead of the watermark, in offset order; and how many
  // at the front the write in progress has applied (popped once it is written).
  std::map<SourceKey, std::deque<Pending>> held_;
  std::map<SourceKey, size_t> released_;
  size_t held_count_ = 0;
  base::Timestamp clock_{};
  NodeStats stats_;

  Input input_;                             // assigned per item, so its strings keep their buffers
  std::optional<std::set<int32_t>> owned_;  // SetOwnedPartitions; nullopt: all
  // The timers of the owned cases, from the store.
  base::Status ReloadTimers();
};

}  // namespace router
