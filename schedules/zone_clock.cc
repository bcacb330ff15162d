#include "schedules/zone_clock.h"

#include <date/tz.h>

namespace schedules {

namespace {
using std::chrono::milliseconds;
using std::chrono::seconds;

// Far enough from every offset difference the tz database knows (at most a
// day, when a zone skipped a date) that a reading this far inside an offset
// period cannot also occur in the previous one.
constexpr milliseconds kSafeMargin = std::chrono::hours(26);

base::Timestamp FromSys(date::sys_seconds s) { return base::Timestamp(s.time_since_epoch()); }
}  // namespace

void ZoneClock::Load(base::Timestamp t) {
  if (zone_ == nullptr) {
    begin_ = base::Timestamp::min();
    end_ = base::Timestamp::max();
    offset_ = milliseconds(0);
    valid_ = true;
    return;
  }
  date::sys_info info =
      zone_->get_info(date::sys_seconds(std::chrono::floor<seconds>(t).time_since_epoch()));
  begin_ = FromSys(info.begin);
  end_ = FromSys(info.end);
  offset_ = info.offset;
  valid_ = true;
}

LocalMs ZoneClock::ToLocal(base::Timestamp t) {
  if (!valid_ || t < begin_ || t >= end_) Load(t);
  return LocalMs(t.time_since_epoch() + offset_);
}

base::Timestamp ZoneClock::ToUtc(LocalMs local) {
  if (zone_ == nullptr) return base::Timestamp(local.time_since_epoch());
  if (valid_) {
    base::Timestamp c(local.time_since_epoch() - offset_);
    // Unique when well inside the cached period: no earlier period can show it.
    if (c < end_ && (begin_ == base::Timestamp::min() || c - begin_ >= kSafeMargin)) return c;
  }
  auto whole = std::chrono::floor<seconds>(local.time_since_epoch());
  milliseconds frac = local.time_since_epoch() - whole;
  date::local_info li = zone_->get_info(date::local_seconds(whole));
  base::Timestamp result;
  switch (li.result) {
    case date::local_info::nonexistent:
      result = FromSys(li.first.end);  // the instant the clock jumps over the gap
      break;
    case date::local_info::ambiguous:  // earliest: the first occurrence
    case date::local_info::unique:
    default:
      result = base::Timestamp(whole - li.first.offset + frac);
      break;
  }
  Load(result);
  return result;
}

}  // namespace schedules
