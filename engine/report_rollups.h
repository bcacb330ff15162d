// The report rollups, kept as events are appended: the engine (engine/engine.h)
// hands every event it stages to ReportRollups, which folds it into its case's
// report summary (report/case_fold.h) and, when the batch commits, writes in the
// SAME atomic store batch:
//  - the record of each clock the batch changed ("report/open|clock|breach/...",
//    filed by placement: running, ended, breached), and, when the case is opened or
//    gets a clock, the case's record listing when its clocks started
//    ("report/case/<id>");
//  - the buckets the clock's old and new contributions (report/rollup.h) fall in:
//    per (start day, level, account, plan), per (day, service | first engineer |
//    first schedule), and each engineer's load per day; the old one is subtracted,
//    the new one added, so a bucket always holds the sum over its clocks' current
//    contributions;
//  - per start day, the latest instant among its clocks' facts, which tells a report
//    whether a day's buckets are final as of its `--to`, and how many of them run
//    (so a report skips the day's running list, dense with deleted entries, when none
//    does) ("report/day/");
//  - "report/seq": the log's next sequence number after the batch.
// Keys and values: engine/report_keys.h and engine/layouts.h.
//
// The rollups are current when "report/seq" equals the log's next sequence number;
// they are kept only then (decided once, at the first use: an empty log, or rollups
// that cover it), so a log appended without them (an older version, or the option
// off) is never patched on top of a gap: `escalator report --rebuild` rebuilds them,
// and reports fold the log until then.
//
// Figures that depend on the configuration (business-time first responses, the
// engineers' zones) are measured with the engine's when a clock's facts arrive; after
// changing calendars or zones, rebuild to re-measure the past.
//
// RebuildReportRollups folds the whole log into fresh rollups (the same code, from
// nothing, in one pass) and compares them with the stored ones key by key; a test
// and the seeded simulator hold that the two are equal.
//
// One thread at a time; the engine's staging discipline: Add for each staged event,
// then Stage (into the batch), then Committed or Abort.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/status.h"
#include "config/config.h"
#include "engine/report_keys.h"
#include "report/case_fold.h"
#include "report/rollup.h"
#include "report/summary_codec.h"
#include "router/events.h"
#include "store/event_log.h"

namespace router {

class ReportRollups {
 public:
  // Keeps the rollups stored in `log`; with `fresh`, starts from none and never reads
  // the store (a rebuild). REQUIRES: `log` outlives this; config non-null.
  ReportRollups(store::EventLog& log, std::shared_ptr<const config::Config> config,
                bool fresh = false);
  ~ReportRollups();

  // Whether the rollups are kept: the store's cover the log (or it is empty), or
  // `fresh`. Decided at the first call, Add or Stage (a store read; false when it fails,
  // and the next Stage reports the error).
  bool Active() { return CheckActive(); }

  // Folds `event`, about to be appended with sequence number `seq`. A read error
  // is reported by the next Stage.
  void Add(uint64_t seq, const Event& event);
  // Tells that case `case_id` has no rollups stored (its committed state was never
  // opened), so its first Add reads nothing.
  void KnownEmpty(const std::string& case_id);

  // Appends to `puts` every rollup key the events added since the last Committed or
  // Abort change, and "report/seq" = `next_seq` (the log's next sequence number once
  // the batch is appended). Nothing when not active. Errors: a store read that failed
  // (here or in Add); kCorruption for a stored rollup that does not decode.
  base::Status Stage(uint64_t next_seq, std::vector<store::Put>* puts);
  // The batch Stage filled was appended.
  void Committed();
  // It was not (or Stage failed): forgets the staged work; cases it touched are read
  // again from the store. REQUIRES: the store has written every appended batch.
  void Abort();

 private:
  struct CaseEntry;
  template <typename V>
  struct Buckets;

  bool CheckActive();
  CaseEntry* Touch(const std::string& case_id, bool known_empty = false);
  base::Status Load(const std::string& case_id, CaseEntry* entry);
  base::Status StageCase(const std::string& case_id, CaseEntry& entry,
                         std::vector<store::Put>* puts);
  base::Status Apply(const report::CaseSummary& header, const report::ClockSummary& clock,
                     const report::ClockRollup& rollup, int sign);

  store::EventLog& log_;
  std::shared_ptr<const config::Config> config_;
  const bool fresh_;
  std::optional<bool> active_;
  base::Status error_;
  std::unordered_map<std::string, CaseEntry> cases_;
  std::vector<std::pair<const std::string*, CaseEntry*>> staged_;  // points into cases_
  std::unique_ptr<Buckets<report::RollupFigures>> figures_;
  std::unique_ptr<Buckets<report::RollupLoad>> loads_;
  std::unique_ptr<Buckets<ReportDayValue>> days_;
  std::optional<uint64_t> stored_seq_;   // "report/seq" as stored (or committed)
  std::optional<uint64_t> pending_seq_;  // as staged
};

// How the stored rollups compare with a fold of the whole log.
struct RollupCheck {
  uint64_t events = 0;
  uint64_t cases = 0;
  uint64_t keys = 0;                    // rollup keys the fold gives
  std::vector<std::string> mismatched;  // keys whose stored value differs (printable)
  std::vector<std::string> missing;     // keys the fold gives that are not stored
  std::vector<std::string> extra;       // stored keys the fold does not give
  uint64_t repaired = 0;                // puts written, in repair mode
  bool consistent() const { return mismatched.empty() && missing.empty() && extra.empty(); }
};

// Folds the whole log into rollups from nothing and compares them with the stored
// ones; with `repair`, writes the difference (one batch), after which they are
// current. Holds every case's summary in memory (~1 KiB per case). REQUIRES: nothing
// appends to `log` meanwhile. Errors: the store's; kCorruption for an event that
// does not decode.
base::Result<RollupCheck> RebuildReportRollups(store::EventLog& log,
                                               std::shared_ptr<const config::Config> config,
                                               bool repair);

// A key made printable for a message: bytes outside ASCII 0x20-0x7e as \xNN.
std::string PrintableKey(std::string_view key);

}  // namespace router
