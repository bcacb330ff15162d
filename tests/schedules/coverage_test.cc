// Proves which calendars govern a case (plans, the 24x7 add-on and its exclusions, fallback
// cases) and when the first response is due, including deferred cases and business-hour targets.
#include <catch2/catch.hpp>

#include "schedules/schedules.h"
#include "tests/schedules/fixtures.h"

using fixtures::T;
using schedules::FirstResponseDue;
using schedules::ResolveCalendars;

namespace {
const char* kNorthwind = "111122223333";  // annual + oncall_24x7, us-east-business
const char* kContoso = "444455556666";    // launch, uk-business
}  // namespace

TEST_CASE("coverage and business calendars per plan and add-on") {
  const auto cfg = fixtures::SampleConfig();
  auto c = ResolveCalendars(cfg, kNorthwind, "medialive");
  CHECK_FALSE(c.fallback);
  CHECK(c.plan == "annual");
  CHECK(c.coverage->name == "always");
  CHECK(c.business->name == "us-east-business");
  c = ResolveCalendars(cfg, kNorthwind, "cloudfront");  // excluded from the add-on
  CHECK(c.coverage->name == "us-east-business");
  CHECK(c.basis == schedules::CalendarsBasis::kAddonExcluded);
  CHECK(schedules::CalendarsReason(c, kNorthwind, "cloudfront") ==
        "annual plan: coverage us-east-business (cloudfront is excluded from the oncall_24x7 "
        "add-on), business us-east-business");
  c = ResolveCalendars(cfg, kContoso, "mediaconvert");
  CHECK(c.plan == "launch");
  CHECK(c.coverage->name == "uk-business");
  CHECK(c.business->name == "uk-business");
  c = ResolveCalendars(cfg, "999999999999", "medialive");
  CHECK(c.fallback);
  CHECK(c.customer == nullptr);
  CHECK(c.plan == "enterprise");
  CHECK(c.coverage->name == "always");
  CHECK(c.business->name == "always");
  c = ResolveCalendars(cfg, kNorthwind, "ec2");
  CHECK(c.fallback);
  CHECK(c.customer != nullptr);
  CHECK(c.coverage->name == "always");
  // Without an add-on an annual customer is covered in business hours only.
  auto no_addon = cfg;
  no_addon.customers[0].addons.clear();
  CHECK(ResolveCalendars(no_addon, kNorthwind, "medialive").coverage->name == "us-east-business");
}

TEST_CASE("first response due, worked by hand on the sample configuration") {
  const auto cfg = fixtures::SampleConfig();
  struct Row {
    const char* account;
    const char* service;
    const char* severity;
    const char* opened;
    int level;
    const char* due;
    const char* coverage;
    const char* business;
    const char* schedule;
  };
  const Row rows[] = {
      // 24x7 add-on: 15 wall-clock minutes on a Saturday night.
      {kNorthwind, "medialive", "critical", "2026-11-28T03:00:00Z", 1, "2026-11-28T03:15:00Z",
       "always", "us-east-business", "video-sme-primary"},
      // CloudFront is excluded: deferred to Monday 09:00 EST + 15 min; the general rotation first.
      {kNorthwind, "cloudfront", "critical", "2026-11-28T03:00:00Z", 1, "2026-11-30T14:15:00Z",
       "us-east-business", "us-east-business", "enterprise-support"},
      {kNorthwind, "cloudfront", "critical", "2026-11-30T15:00:00Z", 1, "2026-11-30T15:15:00Z",
       "us-east-business", "us-east-business", "video-sme-primary"},
      // 12bh on the customer's calendar over Thanksgiving; level 4's first step names no schedule.
      {kNorthwind, "medialive", "normal", "2026-11-25T15:00:00Z", 4, "2026-11-27T19:00:00Z",
       "always", "us-east-business", "enterprise-support"},
      // Launch plan, UK: Christmas Friday and the substitute Monday closed.
      {kContoso, "mediaconvert", "low", "2026-12-24T10:00:00Z", 4, "2026-12-29T14:00:00Z",
       "uk-business", "uk-business", "enterprise-support"},
      // 4h from Friday 15:00 GMT: 2h Friday, 2h Monday.
      {kContoso, "mediaconvert", "high", "2026-12-18T15:00:00Z", 3, "2026-12-21T11:00:00Z",
       "uk-business", "uk-business", "video-sme-primary"},
      // Fallback cases: general enterprise support, all time counts.
      {"999999999999", "medialive", "urgent", "2026-11-24T14:02:11Z", 2, "2026-11-24T15:02:11Z",
       "always", "always", "enterprise-support"},
      {kContoso, "ec2", "normal", "2026-12-24T10:00:00Z", 4, "2026-12-24T22:00:00Z", "always",
       "always", "enterprise-support"},
  };
  for (const auto& r : rows) {
    INFO(r.account << " " << r.service << " " << r.severity << " " << r.opened);
    auto due = FirstResponseDue(cfg, r.account, r.service, r.severity, T(r.opened));
    REQUIRE(due);
    CHECK(due->level == r.level);
    CHECK(base::FormatInstant(due->due) == r.due);
    CHECK(due->calendars.coverage->name == r.coverage);
    CHECK(due->calendars.business->name == r.business);
    CHECK(due->first_schedule == r.schedule);
  }
  CHECK_FALSE(FirstResponseDue(cfg, kNorthwind, "medialive", "bogus", T("2026-11-24T14:02:11Z")));
}
