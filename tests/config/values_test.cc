// Proves the scalar notations of the configuration parse to the right typed
// values and that malformed text is rejected with a message naming it.
#include "config/values.h"

#include <catch2/catch.hpp>

using namespace std::chrono;
using namespace config;
using namespace config::values;

TEST_CASE("durations: s, m, h, d and business hours") {
  CHECK(ParseDuration("90s").value() == DurationSpec{seconds(90), false});
  CHECK(ParseDuration("15m").value() == DurationSpec{minutes(15), false});
  CHECK(ParseDuration("1h").value() == DurationSpec{hours(1), false});
  CHECK(ParseDuration("2d").value() == DurationSpec{hours(48), false});
  CHECK(ParseDuration("12bh").value() == DurationSpec{hours(12), true});
  CHECK(ParseDuration("0m").value() == DurationSpec{seconds(0), false});
  for (const char* bad : {"15x", "-1m", "", "15", "m", "1.5h", "1h30m", " 15m", "15 m", "15M"}) {
    INFO(bad);
    auto r = ParseDuration(bad);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.status().message(), Catch::Contains("'" + std::string(bad) + "'"));
  }
  CHECK_THAT(ParseDuration("99999999999h").status().message(), Catch::Contains("too long"));
  CHECK_THAT(ParseDuration("4000d").status().message(), Catch::Contains("too long"));
}

TEST_CASE("times of day: HH:MM, 24:00 only as an end") {
  CHECK(ParseTimeOfDay("00:00", false).value() == minutes(0));
  CHECK(ParseTimeOfDay("23:59", false).value() == minutes(23 * 60 + 59));
  CHECK(ParseTimeOfDay("24:00", true).value() == minutes(24 * 60));
  CHECK_THAT(ParseTimeOfDay("24:00", false).status().message(), Catch::Contains("only as the end"));
  for (const char* bad : {"24:01", "25:00", "12:60", "9:00", "0900", "12:00:00", "ab:cd"}) {
    INFO(bad);
    CHECK_FALSE(ParseTimeOfDay(bad, true).ok());
  }
}

TEST_CASE("windows: one or several, crossing midnight only where allowed") {
  auto one = ParseWindows("09:00-17:00", false);
  REQUIRE(one.ok());
  CHECK(*one == std::vector<DailyWindow>{{hours(9), hours(17)}});
  auto two = ParseWindows("09:00-12:00, 13:00-17:00", false);
  REQUIRE(two.ok());
  CHECK(*two == std::vector<DailyWindow>{{hours(9), hours(12)}, {hours(13), hours(17)}});
  CHECK(ParseWindows("00:00-24:00", false).value()[0].end == hours(24));
  CHECK_THAT(ParseWindows("22:00-06:00", false).status().message(),
             Catch::Contains("crosses midnight"));
  CHECK(ParseWindows("22:00-06:00", true).value()[0].end == hours(6));
  CHECK_THAT(ParseWindows("09:00-09:00", true).status().message(), Catch::Contains("is empty"));
  CHECK_THAT(ParseWindows("24:00-06:00", true).status().message(),
             Catch::Contains("only as the end"));
  CHECK_FALSE(ParseWindows("", false).ok());
  CHECK_FALSE(ParseWindows("09:00", false).ok());
  CHECK_FALSE(ParseWindows("09:00-17:00,", false).ok());
}

TEST_CASE("weekday keys: single days, ranges that wrap, comma lists") {
  using W = Weekday;
  CHECK(ParseWeekdays("sat").value() == std::vector<W>{W::kSat});
  CHECK(ParseWeekdays("mon-fri").value() ==
        std::vector<W>{W::kMon, W::kTue, W::kWed, W::kThu, W::kFri});
  CHECK(ParseWeekdays("mon-sun").value().size() == 7);
  CHECK(ParseWeekdays("fri-mon").value() == std::vector<W>{W::kFri, W::kSat, W::kSun, W::kMon});
  CHECK(ParseWeekdays("mon,wed").value() == std::vector<W>{W::kMon, W::kWed});
  CHECK(ParseWeekdays("Mon-Wed,fri").value() == std::vector<W>{W::kMon, W::kTue, W::kWed, W::kFri});
  CHECK(ParseWeekdays("sun-sun").value() == std::vector<W>{W::kSun});
  for (const char* bad : {"mon-fry", "monday", "", "mon,", "-fri", "mon-"}) {
    INFO(bad);
    CHECK_FALSE(ParseWeekdays(bad).ok());
  }
}

TEST_CASE("dates, local date-times, fractions, booleans and whole numbers") {
  CHECK(ParseDate("2028-02-29").value() == 2028y / February / 29);
  CHECK_FALSE(ParseDate("2026-02-29").ok());
  CHECK_FALSE(ParseDate("2026-2-01").ok());
  CHECK_FALSE(ParseDate("26-02-01").ok());

  CHECK(ParseLocalDateTime("2026-11-01T20:00").value() ==
        local_days(2026y / November / 1) + hours(20));
  CHECK(ParseLocalDateTime("2026-11-01T20:00:30").value() ==
        local_days(2026y / November / 1) + hours(20) + seconds(30));
  CHECK_THAT(ParseLocalDateTime("2026-11-01T20:00Z").status().message(),
             Catch::Contains("carries an offset"));
  CHECK_THAT(ParseLocalDateTime("2026-11-01T20:00:00-05:00").status().message(),
             Catch::Contains("carries an offset"));
  CHECK_FALSE(ParseLocalDateTime("2026-11-01").ok());
  CHECK_FALSE(ParseLocalDateTime("2026-11-01T24:00").ok());

  CHECK(ParseFraction("75%").value() == Approx(0.75));
  CHECK(ParseFraction("0.75").value() == Approx(0.75));
  CHECK(ParseFraction("100%").value() == Approx(1.0));
  for (const char* bad : {"0", "0%", "150%", "1.5", "-0.5", "abc", "%", "75 %"}) {
    INFO(bad);
    CHECK_FALSE(ParseFraction(bad).ok());
  }

  CHECK(ParseBool("true").value());
  CHECK_FALSE(ParseBool("false").value());
  for (const char* bad : {"yes", "no", "on", "True", "1", ""}) {
    INFO(bad);
    CHECK_THAT(ParseBool(bad).status().message(), Catch::Contains("invalid boolean"));
  }

  CHECK(ParseInt("3", 1, 9).value() == 3);
  CHECK_FALSE(ParseInt("0", 1, 9).ok());
  CHECK_FALSE(ParseInt("3x", 1, 9).ok());
  CHECK_FALSE(ParseInt("", 1, 9).ok());
}
