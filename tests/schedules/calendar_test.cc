// Proves business-time arithmetic (IsOpen, Add, Elapsed, NextChange) is exact through every DST
// transition of New York, London and Sydney in 2026-2027, over holidays and several windows a day.
#include <catch2/catch.hpp>

#include "schedules/schedules.h"
#include "tests/schedules/fixtures.h"

using namespace std::chrono_literals;
using fixtures::Day;
using fixtures::MakeCalendar;
using fixtures::T;
using fixtures::Windows;
using schedules::Add;
using schedules::Elapsed;
using schedules::IsOpen;
using schedules::NextChange;

namespace {
// Expected values below were worked out by hand from the published DST rules
// (US: 2nd Sunday of March 02:00, 1st Sunday of November 02:00; EU: last Sunday
// of March and October 01:00 UTC; NSW: 1st Sunday of April 03:00, 1st Sunday of
// October 02:00) and cross-checked with Python's zoneinfo, not with this code.
struct DstDay {
  const char* zone;
  const char* local_midnight_utc;  // 00:00 local on the transition Sunday
  std::chrono::hours length;
};
const DstDay kDstSundays[] = {
    {"America/New_York", "2026-03-08T05:00:00Z", 23h},
    {"America/New_York", "2026-11-01T04:00:00Z", 25h},
    {"America/New_York", "2027-03-14T05:00:00Z", 23h},
    {"America/New_York", "2027-11-07T04:00:00Z", 25h},
    {"Europe/London", "2026-03-29T00:00:00Z", 23h},
    {"Europe/London", "2026-10-24T23:00:00Z", 25h},
    {"Europe/London", "2027-03-28T00:00:00Z", 23h},
    {"Europe/London", "2027-10-30T23:00:00Z", 25h},
    {"Australia/Sydney", "2026-04-04T13:00:00Z", 25h},
    {"Australia/Sydney", "2026-10-03T14:00:00Z", 23h},
    {"Australia/Sydney", "2027-04-03T13:00:00Z", 25h},
    {"Australia/Sydney", "2027-10-02T14:00:00Z", 23h},
};
}  // namespace

TEST_CASE("a whole-day window on each DST Sunday lasts 23 or 25 hours") {
  for (const auto& row : kDstSundays) {
    INFO(row.zone << " " << row.local_midnight_utc);
    auto cal = MakeCalendar("sundays", row.zone, Windows(6, 6, 0, 0, 24, 0));
    const auto midnight = T(row.local_midnight_utc);
    const auto next_midnight = midnight + row.length;
    CHECK(Elapsed(cal, midnight - 24h, midnight + 72h) == row.length);
    CHECK(Add(cal, midnight - 12h, 0ms) == midnight);
    CHECK(Add(cal, midnight - 12h, row.length) == next_midnight);
    CHECK(Add(cal, midnight + 1h, row.length - 1h) == next_midnight);
    CHECK_FALSE(IsOpen(cal, midnight - 1ms));
    CHECK(IsOpen(cal, midnight));
    CHECK(IsOpen(cal, next_midnight - 1ms));
    CHECK_FALSE(IsOpen(cal, next_midnight));
    CHECK(NextChange(cal, midnight - 1h) == midnight);
    CHECK(NextChange(cal, midnight) == next_midnight);
    // One more open millisecond than the day holds lands on the next Sunday.
    CHECK(Add(cal, midnight, row.length + 1ms) > next_midnight + 24h * 6);
  }
}

TEST_CASE("9-17 business hours across each DST weekend stay 9-17 local") {
  struct Row {
    const char* zone;
    const char* opened;
    std::chrono::hours open_time;
    const char* due;
  };
  const Row rows[] = {
      {"America/New_York", "2026-03-06T16:00:00-05:00", 4h, "2026-03-09T16:00:00Z"},
      {"America/New_York", "2026-10-30T16:00:00-04:00", 4h, "2026-11-02T17:00:00Z"},
      {"America/New_York", "2027-03-12T16:00:00-05:00", 2h, "2027-03-15T14:00:00Z"},
      {"America/New_York", "2027-11-05T16:00:00-04:00", 2h, "2027-11-08T15:00:00Z"},
      {"Europe/London", "2026-03-27T16:30:00Z", 2h, "2026-03-30T09:30:00Z"},
      {"Europe/London", "2026-10-23T16:00:00+01:00", 2h, "2026-10-26T10:00:00Z"},
      {"Europe/London", "2027-03-26T16:00:00Z", 2h, "2027-03-29T09:00:00Z"},
      {"Europe/London", "2027-10-29T16:00:00+01:00", 2h, "2027-11-01T10:00:00Z"},
      {"Australia/Sydney", "2026-04-03T16:00:00+11:00", 2h, "2026-04-06T00:00:00Z"},
      {"Australia/Sydney", "2026-10-02T16:00:00+10:00", 2h, "2026-10-04T23:00:00Z"},
      {"Australia/Sydney", "2027-04-02T16:00:00+11:00", 2h, "2027-04-05T00:00:00Z"},
      {"Australia/Sydney", "2027-10-01T16:00:00+10:00", 2h, "2027-10-03T23:00:00Z"},
  };
  for (const auto& row : rows) {
    INFO(row.zone << " opened " << row.opened);
    auto cal = MakeCalendar("biz", row.zone, Windows(0, 4, 9, 0, 17, 0));
    CHECK(Add(cal, T(row.opened), row.open_time) == T(row.due));
    CHECK(Elapsed(cal, T(row.opened), T(row.due)) == row.open_time);
  }
}

TEST_CASE("a window holding the skipped or repeated hour is an hour shorter or longer") {
  auto cal = MakeCalendar("early", "America/New_York", Windows(6, 6, 1, 0, 4, 0));
  // Spring forward: 01:00 EST (06:00Z) to 04:00 EDT (08:00Z).
  CHECK(Elapsed(cal, T("2026-03-07T00:00:00Z"), T("2026-03-09T00:00:00Z")) == 2h);
  CHECK(Add(cal, T("2026-03-08T00:00:00Z"), 0ms) == T("2026-03-08T06:00:00Z"));
  CHECK(NextChange(cal, T("2026-03-08T06:00:00Z")) == T("2026-03-08T08:00:00Z"));
  // Fall back: the first 01:00 (EDT, 05:00Z) to 04:00 EST (09:00Z).
  CHECK(Elapsed(cal, T("2026-10-31T00:00:00Z"), T("2026-11-02T00:00:00Z")) == 4h);
  CHECK(Add(cal, T("2026-10-31T00:00:00Z"), 4h) == T("2026-11-01T09:00:00Z"));
  // An ordinary Sunday: 3 hours.
  CHECK(Elapsed(cal, T("2026-03-14T00:00:00Z"), T("2026-03-16T00:00:00Z")) == 3h);

  // A window that starts inside the skipped hour opens when the clock jumps.
  auto gap = MakeCalendar("gap", "America/New_York", Windows(6, 6, 2, 30, 3, 30));
  CHECK(Add(gap, T("2026-03-08T00:00:00Z"), 0ms) == T("2026-03-08T07:00:00Z"));
  CHECK(Elapsed(gap, T("2026-03-08T00:00:00Z"), T("2026-03-09T00:00:00Z")) == 30min);
}

TEST_CASE("holidays close whole local days, on and next to weekends") {
  auto us = MakeCalendar("us", "America/New_York", Windows(0, 4, 9, 0, 17, 0),
                         {Day(2026, 11, 26), Day(2026, 12, 25), Day(2027, 1, 1)});
  // Wed 10:00 EST: 7h Wednesday, Thanksgiving closed, 5h Friday -> 14:00 EST.
  CHECK(Add(us, T("2026-11-25T10:00:00-05:00"), 12h) == T("2026-11-27T19:00:00Z"));
  // Thu 15:00: 2h, Christmas Friday, weekend, 8h Monday, 2h Tuesday -> 11:00 EST.
  CHECK(Add(us, T("2026-12-24T15:00:00-05:00"), 12h) == T("2026-12-29T16:00:00Z"));
  CHECK_FALSE(IsOpen(us, T("2026-12-25T15:00:00Z")));
  CHECK(NextChange(us, T("2026-12-24T21:00:00Z")) == T("2026-12-24T22:00:00Z"));
  CHECK(NextChange(us, T("2026-12-24T22:00:00Z")) == T("2026-12-28T14:00:00Z"));

  auto uk = MakeCalendar("uk", "Europe/London", Windows(0, 4, 9, 0, 17, 0),
                         {Day(2026, 12, 25), Day(2026, 12, 28)});
  // Christmas on Friday and the substitute Monday: Thu 7h, then Tue 5h -> 14:00.
  CHECK(Add(uk, T("2026-12-24T10:00:00Z"), 12h) == T("2026-12-29T14:00:00Z"));
  CHECK(Elapsed(uk, T("2026-12-24T10:00:00Z"), T("2026-12-29T14:00:00Z")) == 12h);

  // A holiday on a Saturday changes nothing; one on the Monday after does.
  auto sat = MakeCalendar("sat", "America/New_York", Windows(0, 4, 9, 0, 17, 0), {Day(2027, 7, 3)});
  CHECK(Add(sat, T("2027-07-02T16:00:00-04:00"), 2h) == T("2027-07-05T14:00:00Z"));
  auto mon = MakeCalendar("mon", "America/New_York", Windows(0, 4, 9, 0, 17, 0), {Day(2027, 7, 5)});
  CHECK(Add(mon, T("2027-07-02T16:00:00-04:00"), 2h) == T("2027-07-06T14:00:00Z"));
}

TEST_CASE("12 business hours across a two-week holiday") {
  std::vector<std::chrono::year_month_day> closed;
  for (int d = 21; d <= 31; ++d) closed.push_back(Day(2026, 12, d));
  closed.push_back(Day(2027, 1, 1));
  auto uk = MakeCalendar("uk-long", "Europe/London", Windows(0, 4, 9, 0, 17, 0), closed);
  // Fri 16:00: 1h, closed until Mon 4 January: 8h, Tue 5th: 3h -> 12:00 GMT.
  const auto opened = T("2026-12-18T16:00:00Z");
  CHECK(Add(uk, opened, 12h) == T("2027-01-05T12:00:00Z"));
  CHECK(Elapsed(uk, opened, T("2027-01-05T12:00:00Z")) == 12h);
  CHECK(Elapsed(uk, T("2026-12-18T17:00:00Z"), T("2027-01-04T09:00:00Z")) == 0ms);
  CHECK(NextChange(uk, T("2026-12-18T17:00:00Z")) == T("2027-01-04T09:00:00Z"));
}

TEST_CASE("several windows a day, adjacent windows and windows ending 24:00") {
  auto lunch = Windows(0, 4, 9, 0, 12, 0);
  auto afternoon = Windows(0, 4, 13, 0, 17, 0);
  lunch.insert(lunch.end(), afternoon.begin(), afternoon.end());
  auto split = MakeCalendar("split", "America/New_York", lunch);
  // Mon 2026-06-01 (EDT): 11:00 + 2h = 1h before lunch + 1h after -> 14:00 EDT.
  CHECK(Add(split, T("2026-06-01T11:00:00-04:00"), 2h) == T("2026-06-01T18:00:00Z"));
  CHECK(Elapsed(split, T("2026-06-01T08:00:00-04:00"), T("2026-06-01T18:00:00-04:00")) == 7h);
  CHECK(NextChange(split, T("2026-06-01T11:00:00-04:00")) == T("2026-06-01T16:00:00Z"));
  CHECK(NextChange(split, T("2026-06-01T12:00:00-04:00")) == T("2026-06-01T17:00:00Z"));
  // Exhausted exactly at a window's end: the end, not the next opening.
  CHECK(Add(split, T("2026-06-01T13:00:00-04:00"), 4h) == T("2026-06-01T21:00:00Z"));
  CHECK(Add(split, T("2026-06-05T17:00:00-04:00"), 0ms) == T("2026-06-08T13:00:00Z"));

  auto joined = Windows(0, 4, 9, 0, 12, 0);
  auto rest = Windows(0, 4, 12, 0, 17, 0);
  joined.insert(joined.end(), rest.begin(), rest.end());
  auto adjacent = MakeCalendar("adjacent", "America/New_York", joined);
  CHECK(NextChange(adjacent, T("2026-06-01T10:00:00-04:00")) == T("2026-06-01T21:00:00Z"));

  auto late = Windows(5, 5, 20, 0, 24, 0);
  auto early = Windows(6, 6, 0, 0, 2, 0);
  late.insert(late.end(), early.begin(), early.end());
  auto weekend = MakeCalendar("weekend-night", "Europe/London", late);
  // Sat 2026-06-06 21:00 BST: open until Sunday 02:00 BST across midnight.
  CHECK(NextChange(weekend, T("2026-06-06T21:00:00+01:00")) == T("2026-06-07T01:00:00Z"));
  CHECK(Add(weekend, T("2026-06-06T21:00:00+01:00"), 4h) == T("2026-06-07T00:00:00Z"));
}

TEST_CASE("always-open and never-open calendars") {
  auto always = MakeCalendar("always", "UTC", Windows(0, 6, 0, 0, 24, 0));
  REQUIRE(always.always_open);
  CHECK(Add(always, T("2026-11-24T14:02:11Z"), 15min) == T("2026-11-24T14:17:11Z"));
  CHECK(Elapsed(always, T("2026-11-24T14:02:11Z"), T("2026-11-25T14:02:11Z")) == 24h);
  CHECK_FALSE(NextChange(always, T("2026-11-24T14:02:11Z")));
  // Every hour listed but a holiday: open, and changes only around the holiday.
  auto almost =
      MakeCalendar("almost", "Europe/London", Windows(0, 6, 0, 0, 24, 0), {Day(2026, 12, 25)});
  CHECK(IsOpen(almost, T("2026-12-24T12:00:00Z")));
  CHECK(NextChange(almost, T("2026-12-24T12:00:00Z")) == T("2026-12-25T00:00:00Z"));
  CHECK(NextChange(almost, T("2026-12-25T12:00:00Z")) == T("2026-12-26T00:00:00Z"));
  CHECK_FALSE(NextChange(almost, T("2026-12-26T12:00:00Z")));
  auto never = MakeCalendar("never", "UTC", {});
  CHECK_FALSE(IsOpen(never, T("2026-11-24T14:02:11Z")));
  CHECK(Add(never, T("2026-11-24T14:02:11Z"), 1h) == base::Timestamp::max());
  CHECK(Elapsed(never, T("2026-11-24T14:02:11Z"), T("2027-11-24T14:02:11Z")) == 0ms);
}
