// Report rollups: what one response clock adds to the report's figures once it has
// ended, so that figures can be summed as events are appended (engine/report_rollups.h
// keeps them) and a report reads sums instead of folding the log.
//
// A clock is *running* until its first end fact (response, breach, resolution); an
// unrouted clock (no due) has ended at its start, as nothing changes its outcome
// (only a re-routing its level, which moves it between buckets). A running clock adds nothing
// to the rollups: its outcome depends on the report's `--to`, so a report judges it
// from its summary. An ended clock's contribution is Evaluate(clock, Timestamp::max())
// (report/outcome.h): the same as of any `to` at or after its horizon, the latest
// instant among its facts; a report whose `to` is before the horizon of a day's
// clocks judges that day from the summaries instead.
//
// A contribution is kept per (start day, level, account, plan) (RollupKind::kCase,
// which gives the total and the level, customer and plan groups) and per start day
// and service, first engineer and first schedule (the other groups), with each
// engineer's load per start day. Every part adds and subtracts (histograms for
// durations, counts per step position for the deepest step), so a clock whose
// facts change is taken out with its old contribution and put back with its new one.
//
// Pure: the configuration is an argument (calendars, engineers' zones). Not
// thread-safe (values).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "report/case_fold.h"
#include "report/figures.h"
#include "report/histogram.h"
#include "report/outcome.h"

namespace report {

// Where a clock's summary is kept (engine/layouts.h "report/open|clock|breach").
enum class Placement : uint8_t { kRunning = 0, kEnded = 1, kBreached = 2 };

// The figures of one judged clock, as values (ClockOutcome points into its clock).
struct ClockFigures {
  Outcome outcome = Outcome::kOpen;
  bool resolved_unanswered = false;
  bool wall_clock = false;
  std::optional<Duration> first_response;
  std::optional<Duration> to_ack;
  std::optional<Duration> to_resolve;
  int deepest_step = 0;
  int pages = 0;
  int delivered = 0;
  int undelivered = 0;
  friend bool operator==(const ClockFigures&, const ClockFigures&) = default;
};
ClockFigures FiguresOf(const ClockOutcome& outcome);

// One engineer's part of one clock: the pages sent to them by `to`, their
// acknowledgements of the clock, and when each page interrupted them.
struct ClockLoad {
  int64_t pages = 0;
  int64_t acks = 0;
  std::vector<Duration> to_ack;  // from their first page of the clock (else its start)
  int64_t business = 0;
  int64_t off_hours = 0;
  int64_t sleep = 0;
  std::map<std::string, int64_t> by_schedule;
  friend bool operator==(const ClockLoad&, const ClockLoad&) = default;
};

// The load of `clock` as of `to`, per engineer (by id); `zone_of` gives an engineer's
// zone (nullptr: UTC). The one definition of engineer load: reports that fold cases
// (report/report.h) and rollups both use it.
std::map<std::string, ClockLoad> LoadOf(
    const ClockSummary& clock, Timestamp to,
    const std::function<const date::time_zone*(const std::string&)>& zone_of);

// What an ended clock adds to the rollups.
struct ClockRollup {
  Placement placement = Placement::kRunning;
  Timestamp horizon{};  // the latest instant among the clock's facts
  // Unless kRunning:
  int level = 0;
  std::string engineer;  // of the first page sent, or kNobody
  std::string schedule;  // ScheduleOf its target, or kNobody
  ClockFigures figures;
  std::map<std::string, ClockLoad> load;
  friend bool operator==(const ClockRollup&, const ClockRollup&) = default;
};

// The contribution of `clock` as its facts stand. `config` gives calendars and
// zones (null: wall time and UTC, as in Evaluate).
ClockRollup RollupOf(const ClockSummary& clock, const config::Config* config);

// The latest instant among the clock's facts.
Timestamp HorizonOf(const ClockSummary& clock);

// The sums of a rollup bucket: GroupFigures in a form that subtracts.
struct RollupFigures {
  int64_t clocks = 0;
  int64_t met = 0;
  int64_t breached = 0;
  int64_t open = 0;
  int64_t resolved_unanswered = 0;
  int64_t unrouted = 0;
  int64_t wall_clock = 0;
  Histogram first_response;
  Histogram to_ack;
  Histogram to_resolve;
  std::map<int, int64_t> deepest_steps;  // position -> clocks whose deepest step it is
  int64_t pages = 0;
  int64_t delivered = 0;
  int64_t undelivered = 0;

  // Adds (sign +1) or takes back (sign -1) one clock.
  void Add(const ClockFigures& clock, int sign);
  void Merge(const RollupFigures& other);
  bool empty() const { return *this == RollupFigures{}; }
  // The group figures these sums give (percentiles from the histograms).
  GroupFigures ToGroup() const;

  // Version byte 1, then router/codec.h fields: 1 clocks, 2 met, 3 breached, 4 open,
  // 5 resolved_unanswered, 6 unrouted, 7 wall_clock, 8 first_response, 9 to_ack,
  // 10 to_resolve (Histogram::Encode), 11 deepest_steps (packed varint pairs
  // position, zigzag count), 12 pages, 13 delivered, 14 undelivered.
  std::string Encode() const;
  // Errors: kCorruption.
  static base::Result<RollupFigures> Decode(std::string_view bytes);

  friend bool operator==(const RollupFigures&, const RollupFigures&) = default;
};

// The sums of one engineer's load over a bucket's clocks.
struct RollupLoad {
  int64_t pages = 0;
  int64_t acks = 0;
  Histogram to_ack;
  int64_t business = 0;
  int64_t off_hours = 0;
  int64_t sleep = 0;
  std::map<std::string, int64_t> by_schedule;  // entries at 0 are removed

  void Add(const ClockLoad& clock, int sign);
  void Merge(const RollupLoad& other);
  bool empty() const { return *this == RollupLoad{}; }
  EngineerLoad ToLoad() const;

  // Version byte 1, then: 1 pages, 2 acks, 3 to_ack (Histogram::Encode), 4 business,
  // 5 off_hours, 6 sleep, 7 by_schedule (repeated nested {1 schedule, 2 pages}).
  std::string Encode() const;
  static base::Result<RollupLoad> Decode(std::string_view bytes);

  friend bool operator==(const RollupLoad&, const RollupLoad&) = default;
};

// Which groups a bucket's figures belong to: kCase buckets are per (day, level,
// account, plan), and every ended clock is in exactly one, so they also give the
// total; the others are per (day, service | first engineer | first schedule).
enum class RollupKind : uint8_t { kCase, kService, kEngineer, kSchedule };

struct RollupDims {
  RollupKind kind = RollupKind::kCase;
  int level = 0;        // kCase
  std::string account;  // kCase
  std::string plan;     // kCase
  std::string key;      // the others: the service, engineer or schedule
};

}  // namespace report
