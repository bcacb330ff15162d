#include "report/charts.h"

#include <algorithm>

#include "base/check.h"

namespace report {

namespace {

constexpr int64_t kDayMs = 24 * 3600 * 1000;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

}  // namespace

ChartsBuilder::ChartsBuilder(const ReportOptions& options) : options_(options) {
  CHECK(options.from <= options.to);
  const int64_t from_ms = base::ToUnixMillis(options.from);
  const int64_t first = FloorDiv(from_ms, kDayMs) * kDayMs;
  charts_.first_day = base::FromUnixMillis(first);
  const int64_t span = base::ToUnixMillis(options.to) - first;
  const int64_t days = (span + kDayMs - 1) / kDayMs;
  charts_.bucket_days =
      static_cast<int>(std::max<int64_t>(1, (days + kMaxBuckets - 1) / kMaxBuckets));
  charts_.buckets = static_cast<int>((days + charts_.bucket_days - 1) / charts_.bucket_days);
}

void ChartsBuilder::AddCase(const CaseSummary& c) {
  const int64_t bucket_ms = charts_.bucket_days * kDayMs;
  for (const ClockSummary& clock : c.clocks) {
    if (clock.start < options_.from || clock.start >= options_.to) continue;
    const ClockOutcome o = Evaluate(clock, options_.to, options_.config);
    const int level = o.routing->level;
    auto& days = charts_.daily[level];
    days.resize(static_cast<size_t>(charts_.buckets));
    const int64_t bucket = (clock.start - charts_.first_day).count() / bucket_ms;
    days[static_cast<size_t>(bucket)].Add(o);

    LevelSamples& s = levels_[level];
    if (o.routing->due) ++s.targets[{o.routing->target_s, o.routing->target_business}];
    if (o.first_response) {
      s.first_response_ms.push_back(o.first_response->count());
      if (o.wall_clock) ++s.wall_clock;
    } else if (o.outcome == Outcome::kBreached) {
      ++s.breached_unanswered;
    } else if (o.outcome == Outcome::kOpen) {
      ++s.open;
    }
  }
}

Charts ChartsBuilder::Finish() {
  for (auto& [level, s] : levels_) {
    LevelDistribution d;
    d.level = level;
    int64_t most = 0;
    for (const auto& [target, n] : s.targets) {  // ascending: a tie keeps the shorter
      if (n > most) {
        most = n;
        d.target_s = target.first;
        d.target_business = target.second;
      }
    }
    d.breached_unanswered = s.breached_unanswered;
    d.open = s.open;
    d.wall_clock = s.wall_clock;
    d.responded = static_cast<int64_t>(s.first_response_ms.size());
    const int64_t target_ms = d.target_s * 1000;
    for (int64_t ms : s.first_response_ms) {
      int bin = kHistogramBins - 1;
      if (target_ms > 0) {
        // Bin i holds (i × T/5, (i + 1) × T/5]: a response exactly at the target is within it.
        const int64_t scaled = ms * kBinsToTarget;
        const int64_t i = scaled <= 0 ? 0 : (scaled - 1) / target_ms;
        bin = static_cast<int>(std::min<int64_t>(i, kHistogramBins - 1));
        if (ms <= target_ms) ++d.within_target;
      }
      ++d.bins[static_cast<size_t>(bin)];
    }
    charts_.levels.push_back(d);
  }
  levels_.clear();
  return std::move(charts_);
}

}  // namespace report
