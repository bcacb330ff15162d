// The SLA facts of one case, folded from its events alone: one ClockSummary per
// response clock (the opening, each reopen, each customer follow-up after a
// response), with the instants that decide its outcome (start, due as it was
// re-targeted, response, breach, resolution) and what its escalation did (steps,
// pages and their delivery, acknowledgements). A summary keeps every fact with its
// instant, so a report evaluates it as of any `--to` (report/outcome.h) without the
// log; it is the compact per-case record that rollups will keep as events arrive.
//
// Pure: no clock, no I/O, no config. Not thread-safe (one fold per case).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/time.h"
#include "router/events.h"

namespace report {

using base::Duration;
using base::Timestamp;

// What started a response clock (Routed.reason).
enum class ClockKind : uint8_t { kOpened, kReopened, kFollowUp };

// "opened", "reopened", "follow_up": stable, part of the report's output.
const char* ClockKindName(ClockKind kind);

// How the clock was routed from `at` on: at its start, then once per severity
// change (a Routed without clock_start re-targets the running clock).
struct Routing {
  Timestamp at{};
  int level = 0;
  std::optional<Timestamp> due{};  // nullopt: the case could not be routed (no clock)
  std::string calendar{};          // the calendar the clock counts on; empty: not routed
  int64_t target_s = 0;
  bool target_business = false;
  int steps = 0;                // steps per cycle of the policy
  std::string from_severity{};  // a severity change: the codes before and after
  std::string severity{};
  friend bool operator==(const Routing&, const Routing&) = default;
};

// One page decided for the clock, and what became of it.
struct PageFact {
  uint64_t seq = 0;  // the paged event's sequence number: the page id
  Timestamp at{};
  std::string engineer{};
  std::string target{};  // as written: "schedule/primary", "edm", ...
  int step = 0;          // -1: the fallback page at a deferred opening
  int cycle = 0;
  std::optional<Timestamp> delivered_at{};   // the first receipt
  std::optional<Timestamp> failed_at{};      // delivery_failed
  std::optional<Timestamp> superseded_at{};  // never left: answered or resolved first
  friend bool operator==(const PageFact&, const PageFact&) = default;
};

// One escalation step that fired (Escalated), and whom it could not reach.
struct StepFact {
  Timestamp at{};
  int step = 0;  // -1: the fallback page at a deferred opening
  int cycle = 0;
  int position = 0;  // 1-based over cycles: cycle × steps + step + 1; 0 for step -1
  bool empty = false;
  std::vector<std::string> nobody{};  // targets that resolved to nobody, as written
  friend bool operator==(const StepFact&, const StepFact&) = default;
};

struct AckFact {
  Timestamp at{};
  std::string engineer{};
  friend bool operator==(const AckFact&, const AckFact&) = default;
};

struct ClockSummary {
  ClockKind kind = ClockKind::kOpened;
  Timestamp start{};
  std::string plan{};
  bool fallback = false;           // unknown account or service out of scope
  router::Reason calendars{};      // why these calendars (kUnknownAccount, kOutOfScope, ...)
  bool deferred = false;           // started outside coverage
  std::vector<Routing> routing{};  // never empty; the first one is at `start`

  std::optional<Timestamp> response_at{};  // the first response (Responded)
  router::ResponseKind response_how = router::ResponseKind::kAck;
  std::string responder{};  // the engineer, or the communication id
  std::optional<Timestamp> breached_at{};
  Timestamp breach_due{};
  bool breach_at_severity_change = false;
  std::optional<Timestamp> resolved_at{};  // the first resolution while this clock was current

  std::vector<AckFact> acks{};
  std::vector<PageFact> pages{};
  std::vector<StepFact> steps{};
  friend bool operator==(const ClockSummary&, const ClockSummary&) = default;
};

struct CaseSummary {
  std::string case_id{};
  std::string display_id{};
  std::string account{};
  std::string service{};
  Timestamp opened{};
  std::vector<ClockSummary> clocks{};  // in start order
  friend bool operator==(const CaseSummary&, const CaseSummary&) = default;
};

// Folds one case's events, in log order, into its CaseSummary. Events before the
// first clock (or of another case) are folded as far as they make sense, never
// refused: a fold of facts does not judge them.
class CaseFold {
 public:
  CaseFold() = default;
  // Goes on folding from a summary kept earlier (engine/report_rollups.h).
  explicit CaseFold(CaseSummary summary) : summary_(std::move(summary)) {}

  // Folds the event with sequence number `seq` and returns the index (in
  // summary().clocks) of the clock it changed, or -1 when it changed none (a
  // case_opened changes only the case's own fields). Rollups (engine/report_rollups.h)
  // re-judge only that clock. REQUIRES: seq increases call to call.
  int Add(uint64_t seq, const router::Event& event);
  const CaseSummary& summary() const { return summary_; }
  // Moves the summary out; the fold is then empty.
  CaseSummary Take() { return std::move(summary_); }

 private:
  struct Visitor;
  ClockSummary* current();
  // The page and, in *clock, the index of its clock.
  PageFact* FindPage(uint64_t paged_seq, int* clock);

  CaseSummary summary_;
};

}  // namespace report
