// Proves, over seeded random instants in 2026-2027, that shifts tile any range, OnCallAt agrees
// with the shift containing an instant, due is monotonic in the opening, and Elapsed inverts Add.
#include <date/tz.h>

#include <catch2/catch.hpp>
#include <iostream>
#include <random>

#include "schedules/schedules.h"
#include "tests/schedules/fixtures.h"

using namespace std::chrono_literals;
using fixtures::T;
using std::chrono::milliseconds;

namespace {
// The seed is printed so that a failure replays exactly (set SCHEDULES_SEED to rerun one).
uint64_t Seed() {
  static const uint64_t seed = [] {
    const char* env = std::getenv("SCHEDULES_SEED");
    uint64_t s = env ? std::stoull(env) : std::random_device{}();
    std::cerr << "schedules property seed: " << s << " (SCHEDULES_SEED to replay)\n";
    return s;
  }();
  return seed;
}

base::Timestamp RandomInstant(std::mt19937_64& rng) {
  static const auto lo = T("2026-10-01T00:00:00Z");
  static const auto hi = T("2027-12-31T00:00:00Z");
  std::uniform_int_distribution<int64_t> d(0, (hi - lo).count());
  return lo + milliseconds(d(rng));
}

std::vector<config::Schedule> TestSchedules() {
  auto cfg = fixtures::SampleConfig();
  std::vector<config::Schedule> out;
  for (auto& [name, s] : cfg.schedules) out.push_back(s);
  // A schedule with every feature: a midnight-crossing restrict in Sydney over a
  // London custom rotation, and overlapping overrides.
  config::Schedule mixed;
  mixed.name = "mixed";
  mixed.layers.push_back(
      fixtures::MakeLayer("custom", "Europe/London", config::RotationType::kCustom,
                          fixtures::Local(2026, 10, 20, 7, 30), {"a", "b", "c"}, {}, 9h));
  mixed.layers.push_back(fixtures::MakeLayer(
      "sydney-nights", "Australia/Sydney", config::RotationType::kDaily,
      fixtures::Local(2026, 9, 1, 2, 30), {"s", "a"},
      {{config::Weekday::kSat, 22h, 2h + 30min}, {config::Weekday::kSun, 1h, 4h}}));
  mixed.overrides.push_back({"o", T("2027-03-27T20:00:00Z"), T("2027-03-28T09:00:00Z")});
  mixed.overrides.push_back({"p", T("2027-03-28T03:00:00Z"), T("2027-03-29T00:00:00Z")});
  out.push_back(mixed);
  return out;
}
}  // namespace

TEST_CASE("shifts tile the range and OnCallAt equals the containing shift") {
  std::mt19937_64 rng(Seed());
  for (const auto& schedule : TestSchedules()) {
    for (int i = 0; i < 40; ++i) {
      auto from = RandomInstant(rng);
      auto to =
          from + milliseconds(std::uniform_int_distribution<int64_t>(1, 21LL * 86400000)(rng));
      INFO(schedule.name << " from " << base::FormatInstant(from) << " to "
                         << base::FormatInstant(to));
      auto shifts = schedules::Shifts(schedule, from, to);
      REQUIRE(!shifts.empty());
      CHECK(shifts.front().start == from);
      CHECK(shifts.back().end == to);
      for (size_t k = 0; k < shifts.size(); ++k) {
        CHECK(shifts[k].start < shifts[k].end);
        CHECK(shifts[k].engineer.has_value() == !shifts[k].source.empty());
        if (k > 0) {
          CHECK(shifts[k].start == shifts[k - 1].end);
          CHECK((shifts[k].engineer != shifts[k - 1].engineer ||
                 shifts[k].source != shifts[k - 1].source));
        }
      }
      for (int j = 0; j < 10; ++j) {
        auto at = from + milliseconds(std::uniform_int_distribution<int64_t>(
                             0, (to - from).count() - 1)(rng));
        auto it = std::upper_bound(shifts.begin(), shifts.end(), at,
                                   [](auto t, const auto& s) { return t < s.end; });
        REQUIRE(it != shifts.end());
        auto got = schedules::OnCallAt(schedule, at);
        INFO("at " << base::FormatInstant(at));
        CHECK(got.engineer == it->engineer);
        CHECK(got.source == it->source);
        CHECK(got.start <= at);
        CHECK(at < got.end);
        // Where the containing shift is not cut by the range, the ends agree exactly.
        if (it != shifts.begin()) CHECK(got.start == it->start);
        if (it + 1 != shifts.end()) CHECK(got.end == it->end);
      }
    }
  }
}

TEST_CASE("due is monotonic in the opening time and Elapsed inverts Add") {
  std::mt19937_64 rng(Seed() + 1);
  const auto cfg = fixtures::SampleConfig();
  const char* accounts[] = {"111122223333", "444455556666", "999999999999"};
  const char* services[] = {"medialive", "cloudfront", "ec2"};
  const char* severities[] = {"critical", "urgent", "high", "normal"};
  for (int i = 0; i < 2000; ++i) {
    const char* account = accounts[i % 3];
    const char* service = services[(i / 3) % 3];
    const char* severity = severities[(i / 9) % 4];
    auto t1 = RandomInstant(rng);
    auto t2 = t1 + milliseconds(std::uniform_int_distribution<int64_t>(0, 5LL * 86400000)(rng));
    INFO(account << " " << service << " " << severity << " " << base::FormatInstant(t1) << " "
                 << base::FormatInstant(t2));
    auto d1 = schedules::FirstResponseDue(cfg, account, service, severity, t1);
    auto d2 = schedules::FirstResponseDue(cfg, account, service, severity, t2);
    REQUIRE(d1);
    REQUIRE(d2);
    CHECK(d1->due <= d2->due);
    CHECK(d1->due >= t1);
  }
  std::vector<config::Calendar> calendars;
  for (const auto& [name, c] : cfg.calendars) calendars.push_back(c);
  auto split = fixtures::Windows(0, 4, 8, 30, 12, 0);
  auto pm = fixtures::Windows(0, 5, 13, 15, 24, 0);
  split.insert(split.end(), pm.begin(), pm.end());
  calendars.push_back(
      fixtures::MakeCalendar("sydney-split", "Australia/Sydney", split,
                             {fixtures::Day(2026, 12, 25), fixtures::Day(2027, 1, 26)}));
  for (const auto& cal : calendars) {
    for (int i = 0; i < 500; ++i) {
      auto t = RandomInstant(rng);
      milliseconds n(std::uniform_int_distribution<int64_t>(0, 200LL * 3600000)(rng));
      INFO(cal.name << " " << base::FormatInstant(t) << " + " << n.count() << "ms");
      auto end = schedules::Add(cal, t, n);
      CHECK(schedules::Elapsed(cal, t, end) == n);
      if (n > 0ms) CHECK(schedules::IsOpen(cal, end - 1ms));
    }
  }
}

TEST_CASE("Elapsed agrees with counting open minutes of the local wall clock") {
  // An independent oracle: step minute by minute, read the local time with date/tz,
  // and count the minutes whose reading is inside 9-17 Mon-Fri and not a holiday.
  std::mt19937_64 rng(Seed() + 2);
  const auto cfg = fixtures::SampleConfig();
  for (const char* name : {"us-east-business", "uk-business"}) {
    const auto& cal = cfg.calendars.at(name);
    for (int i = 0; i < 12; ++i) {
      auto from = std::chrono::floor<std::chrono::minutes>(RandomInstant(rng));
      auto to = from + std::chrono::minutes(std::uniform_int_distribution<int>(60, 10 * 1440)(rng));
      int64_t minutes = 0;
      for (auto m = from; m < to; m += std::chrono::minutes(1)) {
        auto local = cal.zone->to_local(date::sys_time<milliseconds>(m.time_since_epoch()));
        auto day = date::floor<date::days>(local);
        date::weekday wd{day};
        auto tod = local - day;
        date::year_month_day ymd{day};
        std::chrono::year_month_day hol{std::chrono::year(int(ymd.year())),
                                        std::chrono::month(unsigned(ymd.month())),
                                        std::chrono::day(unsigned(ymd.day()))};
        bool holiday = std::binary_search(cal.holidays.begin(), cal.holidays.end(), hol);
        bool weekday = wd != date::Saturday && wd != date::Sunday;
        if (!holiday && weekday && tod >= 9h && tod < 17h) ++minutes;
      }
      INFO(name << " " << base::FormatInstant(from) << " .. " << base::FormatInstant(to));
      CHECK(schedules::Elapsed(cal, from, to) == std::chrono::minutes(minutes));
    }
  }
}
