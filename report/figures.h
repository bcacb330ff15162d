// The figures of one report group and of one engineer, as accumulators that add
// judged clocks (report/outcome.h) and merge with each other, so a group can be
// summed from parts (per day × level × customer × plan buckets, later kept as
// rollups) in any order with the same result.
//
// Durations are kept exactly (every sample, in milliseconds) while a report folds
// cases itself: percentiles are nearest-rank over the samples, so its figures can be
// recomputed exactly from the log. Figures read from rollups (report/rollup.h) carry
// a Histogram (report/histogram.h) instead; merging one into exact samples turns them
// into a histogram, whose percentiles are within the error stated there.
//
// Pure: no clock, no I/O. Not thread-safe (values; merge copies).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "report/histogram.h"
#include "report/outcome.h"

namespace date {
class time_zone;
}

namespace report {

// Durations in milliseconds, in any order: every sample (exact), or, once a
// histogram was merged in, a Histogram of them all (approximate, see there).
class Samples {
 public:
  void Add(Duration d);
  void Merge(const Samples& other);
  // Adds a rollup's histogram; from then on the samples are a histogram.
  void Merge(const Histogram& other);
  size_t size() const;
  // False once a histogram was merged in: percentiles are then approximate.
  bool exact() const { return !histogram_; }
  // The nearest-rank percentile: the sample of rank ceil(percent × n / 100) in
  // ascending order (1-based), so 100 is the maximum; from a histogram, the mean of
  // the bin holding that rank. nullopt when there are none. REQUIRES: 0 < percent <= 100.
  std::optional<Duration> Percentile(int percent) const;

 private:
  void ToHistogram();

  std::vector<int64_t> ms_;
  std::optional<Histogram> histogram_;
};

// Sums over the clocks of one group.
struct GroupFigures {
  int64_t clocks = 0;
  int64_t met = 0;
  int64_t breached = 0;
  int64_t open = 0;
  int64_t resolved_unanswered = 0;  // also counted in met
  int64_t unrouted = 0;             // no due: neither met, breached nor open
  int64_t wall_clock = 0;           // first responses measured in wall time (calendar unknown)
  Samples first_response;           // on each clock's own calendar
  Samples to_ack;
  Samples to_resolve;
  int deepest_step = 0;
  int64_t pages = 0;
  int64_t delivered = 0;
  int64_t undelivered = 0;

  // Adds one judged clock.
  void Add(const ClockOutcome& clock);
  void Merge(const GroupFigures& other);
  // met / (met + breached); nullopt when both are zero.
  std::optional<double> Compliance() const;
};

// When an interruption (a page) reached an engineer, on their own wall clock:
// business hours are 08:00-18:00 Monday to Friday, sleep hours 22:00-08:00 any
// day, off hours the rest (evenings and weekend days): PagerDuty's split.
enum class Interruption : uint8_t { kBusiness, kOffHours, kSleep };

// Classifies `at` in `zone` (nullptr: UTC).
Interruption ClassifyInterruption(Timestamp at, const date::time_zone* zone);

// One engineer's load over the clocks of a report.
struct EngineerLoad {
  int64_t pages = 0;  // sent (report/outcome.h SentBy)
  int64_t acks = 0;
  Samples to_ack;  // from their first page of the clock (else its start) to their ack
  int64_t business = 0;
  int64_t off_hours = 0;
  int64_t sleep = 0;
  std::map<std::string, int64_t> by_schedule;  // pages per schedule (or target as written)

  void Merge(const EngineerLoad& other);
};

// The schedule a page came through: NAME for "schedule/NAME", else the target as
// written ("designated_eae", "edm", an engineer id).
std::string ScheduleOf(const std::string& target);

}  // namespace report
