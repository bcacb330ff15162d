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
  previous_valid_ = false;
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

void ZoneClock::LoadPrevious() {
  date::sys_info info = zone_->get_info(
      date::sys_seconds(std::chrono::floor<seconds>(begin_ - seconds(1)).time_since_epoch()));
  previous_begin_ = FromSys(info.begin);
  previous_offset_ = info.offset;
  previous_valid_ = true;
}

LocalMs ZoneClock::ToLocal(base::Timestamp t) {
  if (!valid_ || t < begin_ || t >= end_) Load(t);
  return LocalMs(t.time_since_epoch() + offset_);
}

// The reading shows at c = local - offset_ in the cached period when c is in
// [begin_, end_); it is then the FIRST instant showing it unless an earlier
// period shows it too. Only the previous period can (offsets differ by less
// than kSafeMargin, and a previous period that long leaves no room for the
// one before it), and it does exactly when its clock was ahead (a fall-back
// at begin_) and the reading comes before begin_ on that clock: then the
// first instant is local - previous_offset_, as the tz database's
// "ambiguous: earliest" says. Anything else (a reading in a gap, outside the
// cached period, a short previous period) is left to the tz database.
std::optional<base::Timestamp> ZoneClock::ToUtcCached(LocalMs local) {
  const base::Timestamp c(local.time_since_epoch() - offset_);
  if (c < begin_ || c >= end_) return std::nullopt;
  if (begin_ == base::Timestamp::min() || c - begin_ >= kSafeMargin) return c;
  if (!previous_valid_) LoadPrevious();
  if (begin_ - previous_begin_ < kSafeMargin) return std::nullopt;
  if (previous_offset_ <= offset_) return c;  // the clock went forward (or stayed): no repeat
  const base::Timestamp earlier(local.time_since_epoch() - previous_offset_);
  return earlier < begin_ ? earlier : c;
}

base::Timestamp ZoneClock::ToUtc(LocalMs local) {
  if (zone_ == nullptr) return base::Timestamp(local.time_since_epoch());
  if (!valid_) {
    // The offset period around the reading taken as UTC is within a day of
    // the one that shows it: most often the same one.
    Load(base::Timestamp(local.time_since_epoch()));
  }
  if (auto cached = ToUtcCached(local)) return *cached;
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
