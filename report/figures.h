// The figures of one report group and of one engineer, as accumulators that add
// judged clocks (report/outcome.h) and merge with each other, so a group can be
// summed from parts (per day × level × customer × plan buckets, later kept as
// rollups) in any order with the same result.
//
// Durations are kept exactly (every sample, in milliseconds) in this version:
// percentiles are nearest-rank over the samples, so a report's figures can be
// recomputed exactly from the log. Rollups will replace Samples with a histogram
// of bounded size; its percentiles are then bucket bounds.
//
// Pure: no clock, no I/O. Not thread-safe (values; merge copies).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "report/outcome.h"

namespace date {
class time_zone;
}

namespace report {

// Durations in milliseconds, in any order.
class Samples {
 public:
  void Add(Duration d) { ms_.push_back(d.count()); }
  void Merge(const Samples& other) { ms_.insert(ms_.end(), other.ms_.begin(), other.ms_.end()); }
  size_t size() const { return ms_.size(); }
  // The nearest-rank percentile: the sample of rank ceil(percent × n / 100) in
  // ascending order (1-based), so 100 is the maximum. nullopt when there are none.
  // REQUIRES: 0 < percent <= 100.
  std::optional<Duration> Percentile(int percent) const;

 private:
  std::vector<int64_t> ms_;
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
