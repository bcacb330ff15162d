#include "metrics/metrics.h"

#include <algorithm>
#include <cmath>

#include "base/check.h"

namespace metrics {
namespace {

// Adds d to a with a compare-exchange loop: std::atomic<double>::fetch_add does the same, but
// spelling it out keeps the memory order relaxed on every standard library.
void AddRelaxed(std::atomic<double>& a, double d) {
  double old = a.load(std::memory_order_relaxed);
  while (!a.compare_exchange_weak(old, old + d, std::memory_order_relaxed)) {
  }
}

}  // namespace

void Gauge::Add(double d) { AddRelaxed(value_, d); }

Histogram::Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)) {
  if (!bounds_.empty() && std::isinf(bounds_.back()) && bounds_.back() > 0) bounds_.pop_back();
  for (size_t i = 0; i < bounds_.size(); ++i) {
    CHECK(!std::isnan(bounds_[i]), "histogram bound is NaN");
    CHECK(i == 0 || bounds_[i - 1] < bounds_[i], "histogram bounds must be strictly ascending");
  }
  counts_ = std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1);
}

void Histogram::Observe(double v) {
  // `!(v <= b)` rather than `b < v`: NaN is below no bound, so it lands in +Inf.
  const auto it =
      std::partition_point(bounds_.begin(), bounds_.end(), [v](double b) { return !(v <= b); });
  counts_[it - bounds_.begin()].fetch_add(1, std::memory_order_relaxed);
  AddRelaxed(sum_, v);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot s;
  s.bounds = bounds_;
  s.cumulative.reserve(bounds_.size());
  uint64_t running = 0;
  for (size_t i = 0; i < bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  // The count is the buckets' total, not a counter of its own, so _count and le="+Inf" agree
  // even while Observes race this read.
  s.count = running + counts_[bounds_.size()].load(std::memory_order_relaxed);
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace metrics
