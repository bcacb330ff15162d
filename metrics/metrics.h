// The metrics themselves: a counter, a gauge and a histogram, each updated lock-free (relaxed
// atomics, no allocation) by any thread and read by the renderer. A Registry (metrics/registry.h)
// owns them and hands out references; the classes are public so a caller can hold one.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace metrics {

// A metric's labels: ordered (name, value) pairs, rendered in this order.
using Labels = std::vector<std::pair<std::string, std::string>>;

// A monotonically increasing count. Any thread may Add; value() may run beside it.
class Counter {
 public:
  Counter() = default;
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  // Adds n. Wait-free, relaxed: orders nothing else.
  void Add(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  // The count so far (some concurrent Adds may be missing).
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A value that goes up and down, usually Set from a snapshot of some state (pending timers,
// a partition's lag). Any thread may write; value() may run beside it.
class Gauge {
 public:
  Gauge() = default;
  Gauge(const Gauge&) = delete;
  Gauge& operator=(const Gauge&) = delete;

  // Replaces the value. Wait-free.
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  // Adds d (negative to subtract). Lock-free: retries while another writer races it.
  void Add(double d);
  // The current value.
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted into buckets with fixed upper bounds (seconds, bytes...), with their sum:
// a Prometheus histogram. Any thread may Observe; Read may run beside it.
class Histogram {
 public:
  // What Read returns: each bound with the observations at or below it (cumulative, as
  // Prometheus's `le` buckets), then the count of all of them (the +Inf bucket) and their sum.
  struct Snapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative;  // cumulative[i]: observations <= bounds[i]
    uint64_t count = 0;                // every observation: the +Inf bucket and _count
    double sum = 0;
  };

  // REQUIRES: `bounds` strictly ascending, with no NaN. A last bound of +Inf is dropped (the
  // +Inf bucket is always there).
  explicit Histogram(std::vector<double> bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  // Counts v in the first bucket whose bound is >= v (NaN only in +Inf) and adds it to the sum.
  // Lock-free, no allocation.
  void Observe(double v);
  // The buckets, count and sum now. Concurrent Observes may be half seen (counted and not yet
  // summed), but count always equals the last cumulative bucket plus those above every bound.
  Snapshot Read() const;
  // The upper bounds, as given (less a trailing +Inf).
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  // Per-bucket (not cumulative) counts; one more than bounds_: the last is above every bound.
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  std::atomic<double> sum_{0};
};

}  // namespace metrics
