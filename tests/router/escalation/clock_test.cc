// Proves the clock arithmetic: steps, repeats, warning and due count open time on the case's one
// clock (wall-clock time on 24x7 coverage, business time over nights, weekends and holidays).
#include <catch2/catch.hpp>

#include "router/escalation_clock.h"
#include "tests/router/escalation/fixture.h"

using namespace escalation_test;
using namespace std::chrono_literals;

TEST_CASE("step k of cycle c fires at add(base, c x target + after_k)") {
  const auto c = SampleConfig();
  const auto& always = c.calendars.at("always");
  const auto& us = c.calendars.at("us-east-business");
  const auto& uk = c.calendars.at("uk-business");
  struct Row {
    const config::Calendar* clock;
    const char* base;
    config::DurationSpec target;
    int cycle;
    config::DurationSpec after;
    const char* want;
  };
  const Row rows[] = {
      // 24x7: wall-clock time.
      {&always, "2026-11-24T15:00:00Z", Plain(15min), 0, Plain(0min), "2026-11-24T15:00:00Z"},
      {&always, "2026-11-24T15:00:00Z", Plain(15min), 0, Plain(10min), "2026-11-24T15:10:00Z"},
      {&always, "2026-11-24T15:00:00Z", Plain(15min), 1, Plain(0min), "2026-11-24T15:15:00Z"},
      {&always, "2026-11-24T15:00:00Z", Plain(15min), 2, Plain(5min), "2026-11-24T15:35:00Z"},
      // London business hours: Friday 16:30 + 40m -> 30m on Friday, 10m on Monday.
      {&uk, "2026-11-27T16:30:00Z", Plain(1h), 0, Plain(40min), "2026-11-30T09:10:00Z"},
      {&uk, "2026-11-27T16:30:00Z", Plain(1h), 1, Plain(0min), "2026-11-30T09:30:00Z"},
      // Saturday: the policy starts at Monday's opening.
      {&uk, "2026-11-28T10:00:00Z", Plain(1h), 0, Plain(0min), "2026-11-30T09:00:00Z"},
      // New York: Wed 15:00 NY + 8bh, across Thanksgiving -> Fri 15:00 NY.
      {&us, "2026-11-25T20:00:00Z", Bh(12h), 0, Bh(8h), "2026-11-27T20:00:00Z"},
  };
  for (const auto& row : rows) {
    INFO(row.base << " cycle " << row.cycle);
    CHECK(base::FormatInstant(router::StepInstant(*row.clock, At(row.base), row.target, row.cycle,
                                                  row.after)) == row.want);
  }
}

TEST_CASE("due is add(opened, target) and the warning add(opened, fraction x target)") {
  const auto c = SampleConfig();
  const auto& always = c.calendars.at("always");
  const auto& us = c.calendars.at("us-east-business");
  struct Row {
    const config::Calendar* clock;
    const char* opened;
    config::DurationSpec target;
    double fraction;
    const char* warning;
    const char* due;
  };
  const Row rows[] = {
      {&always, "2026-11-24T15:00:00Z", Plain(15min), 0.75, "2026-11-24T15:11:15Z",
       "2026-11-24T15:15:00Z"},
      {&always, "2026-11-24T15:00:00Z", Plain(1h), 0.75, "2026-11-24T15:45:00Z",
       "2026-11-24T16:00:00Z"},
      {&always, "2026-11-24T15:00:00Z", Plain(1h), 0.5, "2026-11-24T15:30:00Z",
       "2026-11-24T16:00:00Z"},
      // 12bh from Tue 10:00 NY: 7h Tuesday, 5h Wednesday -> Wed 14:00 NY; 9bh -> Wed 11:00 NY.
      {&us, "2026-11-24T15:00:00Z", Bh(12h), 0.75, "2026-11-25T16:00:00Z", "2026-11-25T19:00:00Z"},
      // From Wed 15:00 NY across Thanksgiving and the weekend: 2h Wed, 8h Fri, 2h Mon.
      {&us, "2026-11-25T20:00:00Z", Bh(12h), 0.75, "2026-11-27T21:00:00Z", "2026-11-30T16:00:00Z"},
  };
  for (const auto& row : rows) {
    INFO(row.opened);
    CHECK(base::FormatInstant(router::DueInstant(*row.clock, At(row.opened), row.target)) ==
          row.due);
    CHECK(base::FormatInstant(router::WarningInstant(*row.clock, At(row.opened), row.target,
                                                     row.fraction)) == row.warning);
  }
}
