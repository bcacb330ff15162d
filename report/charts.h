// What the html report draws beyond the tables: compliance per level per day (or per
// N days over a long window) and, per level, the distribution of first responses
// relative to the level's target. Built from the same judged clocks as the report
// (report/outcome.h Evaluate as of `to`, the clocks that started in [from, to), the level
// in force when the clock ended), so a chart never disagrees with the report's figures.
//
// Days are UTC days: a clock counts on the day (bucket) its clock started. A window longer
// than kMaxBuckets days is drawn in buckets of several days, so a chart stays readable.
//
// Pure: no clock, no I/O. Not thread-safe (a builder per report).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <vector>

#include "report/figures.h"
#include "report/report.h"

namespace report {

// First responses in bins of a fifth of the target up to twice the target, then one
// bin for anything later: the target is the boundary after bin kBinsToTarget - 1.
constexpr int kBinsToTarget = 5;
constexpr int kHistogramBins = 2 * kBinsToTarget + 1;

struct LevelDistribution {
  int level = 0;
  // The target the bins are relative to: the one most clocks of the level were judged by
  // (ties: the shorter). 0 when no clock of the level was routed.
  int64_t target_s = 0;
  bool target_business = false;
  std::array<int64_t, kHistogramBins> bins{};  // clocks with a first response by `to`
  int64_t responded = 0;                       // the sum of bins
  int64_t within_target = 0;                   // of those, at or under target_s
  int64_t breached_unanswered = 0;             // breached with no response by `to`
  int64_t open = 0;                            // still running, no response yet
  int64_t wall_clock = 0;                      // responses measured in wall time (no calendar)
};

struct Charts {
  Timestamp first_day{};  // UTC midnight at or before `from`
  int bucket_days = 1;    // width of one bucket of `daily`
  int buckets = 0;        // buckets covering [first_day, to)
  // Level -> figures per bucket (size `buckets`; bucket i starts first_day + i × bucket_days).
  std::map<int, std::vector<GroupFigures>> daily;
  std::vector<LevelDistribution> levels;  // by level
};

// Draw at most this many buckets of days.
constexpr int kMaxBuckets = 120;

// Adds cases in any order (as ReportBuilder does) and finishes the chart figures.
class ChartsBuilder {
 public:
  // REQUIRES: options.from <= options.to.
  explicit ChartsBuilder(const ReportOptions& options);
  // Adds the clocks of `summary` that started in [from, to).
  void AddCase(const CaseSummary& summary);
  // The builder is spent afterwards.
  Charts Finish();

 private:
  struct LevelSamples {
    std::map<std::pair<int64_t, bool>, int64_t> targets;  // (target_s, business) -> clocks
    std::vector<int64_t> first_response_ms;
    int64_t breached_unanswered = 0;
    int64_t open = 0;
    int64_t wall_clock = 0;
  };

  ReportOptions options_;
  Charts charts_;
  std::map<int, LevelSamples> levels_;
};

}  // namespace report
