// The retrospective after a live event (`escalator retro`): for every case with a response
// clock that started in [from, to), the timeline of each such clock (ServiceNow's SLA timeline
// is the model): its start, routing and re-targeting, each escalation step, page and what became
// of it, warnings, the breach, the response, the resolution; and the clock's running and paused
// spans on its own calendar. Beside it: the SLA summary of the same clocks (a Report by level),
// the engineers who worked them (its engineer load) and the clocks that came closest to
// breaching (the least time left on their calendar between the first response and the due).
//
// Built from the report's per-case fold (report/case_fold.h) and judgement (report/outcome.h),
// so the retrospective and the report agree on every clock; only the facts at or before `to`
// count. RetroFold adds what the report does not keep: the SLA warnings.
//
// Pure: the configuration (calendars, names) is an argument and may be null (then a clock has
// one running span, in wall time). Not thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "report/case_fold.h"
#include "report/outcome.h"
#include "report/report.h"

namespace report {

// One case's events folded for the retrospective: its CaseSummary, and its SLA warnings.
class RetroFold {
 public:
  // REQUIRES: seq increases call to call (CaseFold::Add).
  void Add(uint64_t seq, const router::Event& event);
  const CaseSummary& summary() const { return fold_.summary(); }
  const std::vector<router::SlaWarning>& warnings() const { return warnings_; }

 private:
  CaseFold fold_;
  std::vector<router::SlaWarning> warnings_;
};

// What happened at one instant of a clock. The facts are fields; EntryText says them.
enum class EntryKind : uint8_t {
  kStarted,      // the clock started: the opening, a reopen, a customer follow-up
  kRouted,       // its first routing: level, target, calendar, due
  kRetargeted,   // a severity change: the new level and due
  kEscalated,    // a policy step fired
  kPaged,        // a page was decided
  kDelivered,    // ... and a device confirmed it
  kUndelivered,  // ... or delivery_failed was logged
  kSuperseded,   // ... or it never left: answered or resolved first
  kAcknowledged,
  kWarning,    // the warning fraction of the target passed
  kDuePassed,  // the due passed with no response and no breach logged yet
  kBreached,
  kResponded,  // the clock stopped
  kResolved,
};

struct TimelineEntry {
  Timestamp at{};
  EntryKind kind = EntryKind::kStarted;
  std::string who{};  // the engineer (page, receipt, ack, response) or communication id
  const Routing* routing = nullptr;  // kRouted, kRetargeted: points into the clock's summary
  const StepFact* step = nullptr;    // kEscalated
  const PageFact* page = nullptr;    // kPaged .. kSuperseded
  std::optional<Timestamp> due{};    // kWarning, kBreached, kDuePassed
};

// The timeline entry of `clock` for people: "paged p1 through schedule/primary".
std::string EntryText(const TimelineEntry& entry, const ClockSummary& clock);

// A stretch of a clock's life: running (its calendar open) or paused (closed: nights,
// weekends, holidays for a business-hours target).
struct ClockSpan {
  Timestamp from{};
  Timestamp to{};
  bool running = true;
};

struct RetroClock {
  const ClockSummary* clock = nullptr;  // points into the case's summary
  ClockOutcome outcome;                 // judged as of `to`
  std::optional<BreachReason> breach;   // when breached
  std::string breach_detail;
  Timestamp end{};  // the response or resolution that stopped it, else `to`
  bool stopped = false;
  std::vector<TimelineEntry> timeline;  // in time order
  // Tile [start, end) on the calendar the clock was judged by (outcome.routing: a severity
  // change re-targets the clock from its start), so `running` is its first response's time.
  std::vector<ClockSpan> spans;
  bool calendar_known = false;   // false: one running span in wall time
  bool spans_truncated = false;  // more than kMaxSpans: the rest is left out
  Duration running{};            // the running spans' total
  Duration paused{};
  // Met with a response: the open time left on the clock's calendar between the response
  // and the due (wall time when the calendar is unknown).
  std::optional<Duration> margin;
};

struct RetroCase {
  const CaseSummary* summary = nullptr;  // the caller's: must outlive the Retro
  std::string customer;                  // the customer's name from the config, else ""
  std::vector<RetroClock> clocks;        // those that started in [from, to)
};

// A clock that was met with its first response, ranked by its margin: Retro.cases[c]'s
// clocks[clock].
struct Closest {
  size_t c = 0;
  size_t clock = 0;
};

struct Retro {
  Timestamp from{};
  Timestamp to{};
  std::string account;           // the filter; empty: every account
  Report summary;                // by level over the same clocks
  std::vector<RetroCase> cases;  // by their first clock's start in the window, then case id
  std::vector<Closest> closest;  // least margin first, at most kClosest
};

// Spans per clock kept at most (a clock running for months on a business calendar has two a
// day); clocks listed as closest to breaching.
constexpr size_t kMaxSpans = 400;
constexpr size_t kClosest = 5;

struct RetroOptions {
  Timestamp from{};
  Timestamp to{};
  std::string account;                     // only this account's cases; empty: all
  const config::Config* config = nullptr;  // may be null; must outlive the builder
};

// Adds cases (in any order) and finishes the retrospective.
class RetroBuilder {
 public:
  // REQUIRES: options.from <= options.to.
  explicit RetroBuilder(const RetroOptions& options);
  // Adds the clocks of the case that started in [from, to), if it is of the account asked.
  // REQUIRES: `fold` outlives the Retro that Finish returns (the retro points into it).
  void AddCase(const RetroFold& fold);
  // The retrospective. The builder is spent afterwards.
  Retro Finish();

 private:
  RetroClock JudgeClock(const RetroFold& fold, size_t index) const;

  RetroOptions options_;
  ReportBuilder report_;
  std::vector<RetroCase> cases_;
};

}  // namespace report
