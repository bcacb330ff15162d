// The engine: the imperative shell around the pure core. It applies inputs
// durably: load the case's projection, Decide, Evolve, then write the events
// (indexed by case), the new projection, the case's due timer and the caller's
// bookkeeping (source offsets, dead letters) in ONE store batch, so a crash
// neither loses nor doubles anything.
//
// Every persisted key and value layout is in engine/layouts.h.
//
// The load and history projections feed `familiar` (Context::history,
// Context::open_cases); Decide records the scores it ranked by in the events,
// so replaying the log never needs them.
//
// Invariant (checked after every input, aborts when broken): an open case
// waiting for a response whose escalation runs has next_action_at ==
// NextActionAt(its escalation state), and it is set unless the escalation is
// exhausted with its warning and breach fired. A case that could not be routed
// (routed.clock empty: the config lacks the level's target or policy, which a
// validated config cannot) has no escalation and no timer. A next action at
// Timestamp::max() (a clock calendar that never opens) writes no timer.
//
// One thread at a time: the engine keeps the projections it touched in
// memory and assumes it is the only writer of the log.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "config/config.h"
#include "engine/layouts.h"
#include "router/case_state.h"
#include "router/decide.h"
#include "router/inputs.h"
#include "store/event_log.h"

namespace router {

class ReportRollups;

// Where an input came from, so its offset is stored with its effects.
struct SourceOffset {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;  // the input's own offset; offset + 1 is stored
};

// What one input did.
struct Staged {
  size_t events = 0;                     // events it added (an input_rejected included)
  std::optional<std::string> rejection;  // set: refused, with the reason
  bool duplicate() const { return events == 0 && !rejection; }  // changed nothing
};

// Fold of the whole log compared with the stored projections.
struct RebuildReport {
  uint64_t events = 0;
  uint64_t cases = 0;
  std::vector<std::string> mismatched;  // cases whose projection differs from the fold
  std::vector<std::string> missing;     // folded cases with no projection (opened ones only)
  std::vector<std::string> extra;       // projections of cases absent from the log
  uint64_t repaired = 0;                // projections (and timers) rewritten, in repair mode
  bool consistent() const { return mismatched.empty() && missing.empty() && extra.empty(); }
};

struct EngineOptions {
  // Keep the report rollups (engine/report_rollups.h) in the same batches: serve,
  // simulate and the simulator do; off measures what they cost.
  bool report_rollups = true;
  // Write each batch's changes per Kafka partition as changelog records into the store's
  // changelog outbox, in the same batch (engine/changelog.h): serve with a changelog topic.
  bool changelog = false;
};

class Engine {
 public:
  // REQUIRES: `log` outlives the engine; config non-null.
  Engine(store::EventLog& log, std::shared_ptr<const config::Config> config,
         EngineOptions options = {});
  ~Engine();

  // Whether the report rollups are kept: on, and current with the log (else reports
  // fold the log until `escalator report --rebuild`). Decided once, at the first call
  // or staging. REQUIRES: no staged work (call it before the first, as serve does).
  bool report_rollups_kept();

  // Staging (the node, engine/node.h, is the one production caller): Stage any
  // number of inputs, StagePut/StageOffset, then Commit (one atomic write) or
  // Abort (forget everything staged).
  base::Result<Staged> Stage(const Input& input, Timestamp now);
  // Errors: the store's, loading the case.
  base::Status StageRejection(const std::string& reason, const std::string& summary,
                              const std::string& case_id, Timestamp now);
  // Stages, for the page in the outbox under `paged_seq` (to `engineer`, decided at
  // `page_at`), the page_superseded event router::SupersedePage decides, with the outbox
  // entry's deletion. Returns false (nothing staged) when the page still stands.
  // Errors: as Load.
  base::Result<bool> StageSupersededPage(uint64_t paged_seq, const std::string& case_id,
                                         const std::string& engineer, Timestamp page_at);
  // Stages a page's receipt: the delivered event and the deletion of its outbox entry
  // (receipt.paged_seq). The caller knows the page is still in the outbox.
  void StageDelivered(const Delivered& receipt);
  // Stages a delivery_failed event and rewrites the page's outbox entry to `outbox_value`
  // (the entry with "delivery_failed_at" added, so a restart does not log it again).
  void StageDeliveryFailed(const DeliveryFailed& failure, std::string outbox_value);
  void StageOffset(const SourceOffset& source);
  // With EngineOptions::changelog: the source partition of the inputs staged next, or -1 for
  // inputs with none (timers, a device's acknowledgement). A case's first input with a
  // partition ties the case to it (PartitionKey, in the same batch); a case's events go to
  // its partition's record, and the events of an input with no case to its source's.
  void SetInputPartition(int32_t partition) { input_partition_ = partition; }
  // The partition the case is tied to (staged or committed), or nullopt. Errors: the store's.
  base::Result<std::optional<int32_t>> PartitionOf(const std::string& case_id);
  // Stages a changelog record another log wrote (engine/changelog.h) as this log's own: its
  // events appended as they are (decided by the partition's earlier owner: Evolve only, no
  // Decide), with what they imply (projections, timers, outbox, rollups, the familiar
  // projections, page references mapped to this log's seqs), the partition's offsets and its
  // next record number. Writes no changelog record of its own. The caller commits. Returns
  // the cases it touched. Errors: kCorruption for an event that does not decode; the store's.
  base::Result<std::vector<std::string>> StageImported(const struct ChangelogRecord& record);
  // The partition's next changelog record number (staged or committed). Errors: the store's.
  base::Result<uint64_t> ChangelogNext(int32_t partition);
  void StagePut(store::Put put);
  // Returns the first staged event's sequence number. Errors: the store's; the
  // staged work is dropped then (as by Abort) and nothing was written.
  base::Result<uint64_t> Commit();
  void Abort();

  // The case's current state (a default state for a case never seen).
  base::Result<CaseState> Load(const std::string& case_id);

  // The case's next action (CaseState::next_action_at) as the staged work
  // leaves it, without copying its state: the staged copy when an input or
  // rejection for the case was staged since the last Commit or Abort, else the
  // committed one (from memory, or the store). What the shells' timer indexes
  // follow after each input (serve after each write; simulate, which stages
  // many inputs per Commit, after each input). Errors: as Load.
  base::Result<std::optional<Timestamp>> NextActionAt(const std::string& case_id);

  // The next offset to consume stored for a partition, or nullopt.
  base::Result<std::optional<int64_t>> StoredOffset(const std::string& topic, int32_t partition);

  // Folds the whole log and compares each case with its stored projection;
  // with `repair`, rewrites projections and timers to match the fold.
  // Errors: the store's; kCorruption for an event that does not decode.
  base::Result<RebuildReport> Rebuild(bool repair = false);

  const config::Config& config() const { return *config_; }

  // A page put into the outbox: its id (the paged event's seq) and the entry's value.
  struct NewPage {
    uint64_t seq = 0;
    std::string value;
  };
  // With `keep`, each Commit keeps the pages it put into the outbox for TakeNewPages (serve's
  // pager hands them on); off (the default) nothing is copied.
  void KeepNewPages(bool keep) { keep_new_pages_ = keep; }
  // The pages committed since the last call, in seq order.
  std::vector<NewPage> TakeNewPages() { return std::exchange(new_pages_, {}); }

 private:
  struct Entry {
    CaseState state;
    std::optional<Timestamp> stored_timer;  // the timer key currently in the store
    bool staged = false;  // changed by the staged work: in staged_, not yet committed
  };
  base::Result<Entry*> Pending(const std::string& case_id);
  // Empties the cache of everything but the staged entries (after the store
  // has written what was appended, so the dropped states can be reloaded).
  void DropCommittedFromCache();
  void ClearBatch();
  void StageEvents(const std::vector<Event>& events, const CaseState* state);
  base::Result<std::map<std::string, int>*> PendingLoads();
  base::Result<std::vector<HandledCase>*> PendingHistory(const std::string& account);
  // Evolves `state` by `events`, staging what they change of the `familiar` projections
  // (the account's history at a first owner, the engineers' open-case loads).
  base::Status EvolveTracked(CaseState& state, const std::vector<Event>& events);
  base::Status TiePartition(const std::string& case_id);
  base::Result<uint64_t*> PendingChangelogNext(int32_t partition);
  base::Result<uint64_t> WriterId();
  // This log's seq of the page `seq` of log `writer` restored here, or nullopt.
  base::Result<std::optional<uint64_t>> LocalPage(uint64_t writer, uint64_t seq);
  // Puts the staged events and offsets, grouped by partition, as changelog records.
  base::Status StageChangelog(uint64_t first_seq);

  store::EventLog& log_;
  std::shared_ptr<const config::Config> config_;
  std::unique_ptr<ReportRollups> rollups_;  // null: off
  const bool changelog_;
  // The projections in memory: committed ones, and those the staged work changed
  // (Entry::staged; Abort drops them, so their next use reloads the committed
  // state). One map, so an input costs one lookup, not a move between two maps.
  std::unordered_map<std::string, Entry> cache_;
  // The staged entries, in the order first staged. Points into cache_, whose
  // elements stay put when it rehashes.
  std::vector<std::pair<const std::string*, Entry*>> staged_;
  store::Batch batch_;
  std::unordered_map<std::string, int64_t> offsets_;  // staged: key -> next offset
  // Derived projections for `familiar`: committed, and the staged copies.
  std::optional<std::map<std::string, int>> loads_;
  std::optional<std::map<std::string, int>> pending_loads_;
  std::unordered_map<std::string, std::vector<HandledCase>> history_;
  std::unordered_map<std::string, std::vector<HandledCase>> pending_history_;
  bool keep_new_pages_ = false;
  std::vector<NewPage> staged_pages_;  // put by the staged work
  std::vector<NewPage> new_pages_;     // committed, not yet taken
  // The changelog (EngineOptions::changelog): the staged inputs' source partition; per staged
  // event, that partition when it was staged; cases' partitions, committed and staged; each
  // partition's next record number, committed and staged.
  int32_t input_partition_ = -1;
  bool importing_ = false;
  std::vector<int32_t> event_partitions_;  // kImported for a restored event
  std::vector<uint64_t> event_page_refs_;  // the paged_seq an event names, or 0
  std::optional<uint64_t> writer_;
  std::unordered_map<std::string, uint64_t> pending_page_local_;  // PageLocalKey -> seq
  std::unordered_map<std::string, int32_t> partitions_, pending_partitions_;
  std::unordered_map<int32_t, uint64_t> changelog_next_, pending_changelog_next_;
};

}  // namespace router
