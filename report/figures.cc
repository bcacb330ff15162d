#include "report/figures.h"

#include <algorithm>

#include "base/check.h"
#include "schedules/zone_clock.h"

namespace report {

void Samples::Add(Duration d) {
  if (histogram_) {
    histogram_->Add(d);
  } else {
    ms_.push_back(d.count());
  }
}

void Samples::ToHistogram() {
  if (histogram_) return;
  histogram_.emplace();
  for (int64_t ms : ms_) histogram_->Add(Duration(ms));
  ms_ = {};
}

void Samples::Merge(const Samples& other) {
  if (other.histogram_) return Merge(*other.histogram_);
  for (int64_t ms : other.ms_) Add(Duration(ms));
}

void Samples::Merge(const Histogram& other) {
  ToHistogram();
  histogram_->Merge(other);
}

size_t Samples::size() const {
  return histogram_ ? static_cast<size_t>(histogram_->count()) : ms_.size();
}

std::optional<Duration> Samples::Percentile(int percent) const {
  CHECK(percent > 0 && percent <= 100);
  if (histogram_) return histogram_->Percentile(percent);
  if (ms_.empty()) return std::nullopt;
  // Integer arithmetic: 90 × 10 / 100 must be rank 9, which 0.9 × 10 in doubles is not.
  const size_t n = ms_.size();
  const size_t rank = (static_cast<size_t>(percent) * n + 99) / 100;
  std::vector<int64_t> sorted = ms_;
  auto nth = sorted.begin() + static_cast<std::ptrdiff_t>(rank - 1);
  std::nth_element(sorted.begin(), nth, sorted.end());
  return Duration(*nth);
}

void GroupFigures::Add(const ClockOutcome& c) {
  ++clocks;
  switch (c.outcome) {
    case Outcome::kMet:
      ++met;
      if (c.resolved_unanswered) ++resolved_unanswered;
      break;
    case Outcome::kBreached:
      ++breached;
      break;
    case Outcome::kOpen:
      ++open;
      break;
    case Outcome::kUnrouted:
      ++unrouted;
      break;
  }
  if (c.first_response) {
    first_response.Add(*c.first_response);
    if (c.wall_clock) ++wall_clock;
  }
  if (c.to_ack) to_ack.Add(*c.to_ack);
  if (c.to_resolve) to_resolve.Add(*c.to_resolve);
  deepest_step = std::max(deepest_step, c.deepest_step);
  pages += c.pages;
  delivered += c.delivered;
  undelivered += c.undelivered;
}

void GroupFigures::Merge(const GroupFigures& o) {
  clocks += o.clocks;
  met += o.met;
  breached += o.breached;
  open += o.open;
  resolved_unanswered += o.resolved_unanswered;
  unrouted += o.unrouted;
  wall_clock += o.wall_clock;
  first_response.Merge(o.first_response);
  to_ack.Merge(o.to_ack);
  to_resolve.Merge(o.to_resolve);
  deepest_step = std::max(deepest_step, o.deepest_step);
  pages += o.pages;
  delivered += o.delivered;
  undelivered += o.undelivered;
}

std::optional<double> GroupFigures::Compliance() const {
  if (met + breached == 0) return std::nullopt;
  return static_cast<double>(met) / static_cast<double>(met + breached);
}

Interruption ClassifyInterruption(Timestamp at, const date::time_zone* zone) {
  schedules::ZoneClock clock(zone);
  const schedules::LocalMs local = clock.ToLocal(at);
  const int64_t day = schedules::LocalDayNumber(local);
  const auto minute =
      std::chrono::duration_cast<std::chrono::minutes>(local - schedules::LocalDayStart(day))
          .count();
  if (minute < 8 * 60 || minute >= 22 * 60) return Interruption::kSleep;
  const bool weekday = schedules::WeekdayIndex(day) < 5;
  if (weekday && minute < 18 * 60) return Interruption::kBusiness;
  return Interruption::kOffHours;
}

void EngineerLoad::Merge(const EngineerLoad& o) {
  pages += o.pages;
  acks += o.acks;
  to_ack.Merge(o.to_ack);
  business += o.business;
  off_hours += o.off_hours;
  sleep += o.sleep;
  for (const auto& [schedule, n] : o.by_schedule) by_schedule[schedule] += n;
}

std::string ScheduleOf(const std::string& target) {
  constexpr std::string_view kPrefix = "schedule/";
  if (target.starts_with(kPrefix)) return target.substr(kPrefix.size());
  return target;
}

}  // namespace report
