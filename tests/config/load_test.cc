// Proves the shared sample configuration and the project's own example load
// into the typed structures with the right values (the schema matches both).
#include <date/tz.h>

#include <catch2/catch.hpp>
#include <set>

#include "base/time.h"
#include "config/config.h"
#include "tests/test_support.h"

using namespace std::chrono;
using config::Target;
using config::Weekday;

namespace {

std::shared_ptr<const config::Config> LoadOrFail(const std::filesystem::path& path) {
  auto result = config::LoadConfigFile(path.string());
  for (const auto& e : result.errors) UNSCOPED_INFO(e.ToString());
  REQUIRE(result.errors.empty());
  REQUIRE(result.config);
  return result.config;
}

base::Timestamp Utc(const char* text) { return *base::ParseInstant(text); }

}  // namespace

TEST_CASE("the shared sample config loads with the right values") {
  auto c = LoadOrFail(testing_support::SharedDir() / "samples" / "config.yaml");

  CHECK(c->severity_map.at("critical") == 1);
  CHECK(c->severity_map.at("low") == 4);
  CHECK(c->targets.at(1) == config::DurationSpec{minutes(15), false});
  CHECK(c->targets.at(3) == config::DurationSpec{hours(4), false});
  CHECK(c->targets.at(4) == config::DurationSpec{hours(12), true});  // 12bh
  CHECK(c->sla_warning_fraction == Approx(0.75));                    // the default

  CHECK(c->services.fallback_schedule == "enterprise-support");
  CHECK(c->InScope("mediatailor"));
  CHECK_FALSE(c->InScope("ec2"));
  CHECK(c->ExcludedFrom24x7("cloudfront"));
  CHECK_FALSE(c->ExcludedFrom24x7("medialive"));

  const auto* us = c->FindCalendar("us-east-business");
  REQUIRE(us);
  CHECK(us->zone_name == "America/New_York");
  REQUIRE(us->zone);
  CHECK(us->zone->name() == "America/New_York");
  REQUIRE(us->hours.size() == 5);
  CHECK(us->hours.front() == config::WeeklyWindow{Weekday::kMon, hours(9), hours(17)});
  CHECK(us->hours.back().day == Weekday::kFri);
  CHECK(us->holidays == std::vector<year_month_day>{2026y / November / 26, 2026y / December / 25,
                                                    2027y / January / 1});
  CHECK_FALSE(us->always_open);
  const auto* always = c->FindCalendar("always");
  REQUIRE(always);
  CHECK(always->always_open);
  CHECK(always->hours.size() == 7);
  CHECK(always->hours[6] == config::WeeklyWindow{Weekday::kSun, hours(0), hours(24)});

  CHECK(c->FindPlan("enterprise")->coverage == "always");
  CHECK(c->FindPlan("launch")->bridge_hours == 24);
  CHECK(c->FindPlan("annual")->addon_24x7_coverage == std::optional<std::string>("always"));
  CHECK(c->FindPlan("annual")->bridge == "reserved");

  REQUIRE(c->engineers.size() == 7);
  CHECK(c->FindEngineer("femi")->role == "edm");
  CHECK(c->FindEngineer("chen")->skills ==
        std::vector<std::string>{"medialive", "mediaconnect", "sports-events"});
  CHECK(c->FindEngineer("zed") == nullptr);

  const auto* primary = c->FindSchedule("video-sme-primary");
  REQUIRE(primary);
  REQUIRE(primary->layers.size() == 3);
  const auto& nights = primary->layers[0];
  CHECK(nights.name == "nights-and-weekends");
  CHECK(nights.zone->name() == "America/New_York");
  CHECK(nights.rotation.type == config::RotationType::kDaily);
  CHECK(nights.rotation.start == local_days(2026y / November / 1) + hours(20));
  CHECK(nights.rotation.members ==
        std::vector<std::string>{"alice", "bob", "dana", "chen", "erin"});
  CHECK(nights.restrict.empty());
  const auto& london = primary->layers[1];
  CHECK(london.rotation.type == config::RotationType::kWeekly);
  CHECK(london.zone_name == "Europe/London");
  REQUIRE(london.restrict.size() == 5);
  for (size_t i = 0; i < 5; ++i)
    CHECK(london.restrict[i] == config::WeeklyWindow{static_cast<Weekday>(i), hours(8), hours(16)});
  REQUIRE(primary->overrides.size() == 1);
  CHECK(primary->overrides[0].who == "dana");
  CHECK(primary->overrides[0].from == Utc("2026-12-25T01:00:00Z"));
  CHECK(primary->overrides[0].to == Utc("2026-12-26T13:00:00Z"));

  const auto* secondary = c->FindSchedule("video-sme-secondary");
  REQUIRE(secondary);
  CHECK(secondary->layers[0].name == "layer-1");  // unnamed layers are numbered
  const auto* general = c->FindSchedule("enterprise-support");
  REQUIRE(general);
  CHECK(general->layers[0].rotation.type == config::RotationType::kCustom);
  CHECK(general->layers[0].rotation.length == hours(12));

  const auto& p1 = c->escalation.at(1);
  CHECK(p1.repeat == 2);
  REQUIRE(p1.steps.size() == 3);
  CHECK(p1.steps[1].after == config::DurationSpec{minutes(5), false});
  REQUIRE(p1.steps[0].notify.size() == 3);
  CHECK(p1.steps[0].notify[0].kind == Target::Kind::kDesignatedEae);
  CHECK(p1.steps[0].notify[1].kind == Target::Kind::kFamiliar);
  CHECK(p1.steps[0].notify[2].kind == Target::Kind::kSchedule);
  CHECK(p1.steps[0].notify[2].name == "video-sme-primary");
  CHECK(p1.steps[0].notify[2].text == "schedule/video-sme-primary");
  REQUIRE(p1.steps[2].notify.size() == 2);
  CHECK(p1.steps[2].notify[0].kind == Target::Kind::kEdm);
  CHECK(p1.steps[2].notify[1].kind == Target::Kind::kEngineer);
  CHECK(p1.steps[2].notify[1].name == "gus");
  CHECK(c->escalation.at(3).repeat == 0);
  CHECK(c->escalation.at(4).steps[1].after == config::DurationSpec{hours(8), true});

  REQUIRE(c->customers.size() == 2);
  const auto* northwind = c->FindCustomer("111122223333");
  REQUIRE(northwind);
  CHECK(northwind->name == "Northwind Sports");
  CHECK(northwind->plan == "annual");
  CHECK(northwind->HasAddon("oncall_24x7"));
  CHECK(northwind->calendar == "us-east-business");
  CHECK(northwind->eae == "alice");
  CHECK(northwind->edm == "femi");
  CHECK(northwind->engagement_start == 2026y / July / 1);
  CHECK(northwind->engagement_end == 2027y / June / 30);
  const auto* contoso = c->FindCustomer("444455556666");
  REQUIRE(contoso);
  CHECK_FALSE(contoso->HasAddon("oncall_24x7"));
  CHECK(contoso->workflows == std::vector<std::string>{"live-linear", "vod"});
}

TEST_CASE("the project's example config loads with every plan represented") {
  auto c = LoadOrFail(testing_support::SourceDir() / "config" / "example.yaml");
  CHECK(c->sla_warning_fraction == Approx(0.80));
  std::set<std::string> plans;
  bool annual_without_addon = false;
  for (const auto& cust : c->customers) {
    plans.insert(cust.plan);
    if (cust.plan == "annual" && !cust.HasAddon("oncall_24x7")) annual_without_addon = true;
  }
  CHECK(plans == std::set<std::string>{"enterprise", "launch", "annual"});
  CHECK(annual_without_addon);
  CHECK(c->customers.size() >= 3);

  // Several windows a day, written as a list.
  const auto* sydney = c->FindCalendar("sydney-office");
  REQUIRE(sydney);
  REQUIRE(sydney->hours.size() == 10);
  CHECK(sydney->hours[0] ==
        config::WeeklyWindow{Weekday::kMon, minutes(8 * 60 + 30), minutes(12 * 60 + 30)});
  CHECK(sydney->hours[1].start == minutes(13 * 60 + 30));
  CHECK(c->FindCalendar("round-the-clock")->always_open);
  CHECK_FALSE(c->FindCalendar("berlin-office")->always_open);

  // A restrict window crossing midnight keeps its end on the next day.
  const auto* oncall = c->FindSchedule("live-video-oncall");
  REQUIRE(oncall);
  REQUIRE(oncall->layers.size() == 4);
  const auto& evenings = oncall->layers[3];
  REQUIRE(evenings.restrict.size() == 5);
  CHECK(evenings.restrict[4] == config::WeeklyWindow{Weekday::kFri, hours(16), hours(1)});
  CHECK(oncall->overrides[0].from == Utc("2026-12-25T02:00:00Z"));
  CHECK(c->FindSchedule("live-video-backup")->layers[0].name == "layer-1");

  // The pager section: key files named, never read here.
  CHECK_FALSE(c->pager.insecure);
  CHECK(c->pager.server_key_file == "keys/serve.key");
  CHECK(c->pager.delivery_timeout == minutes(5));
  REQUIRE(c->pager.devices.size() == 3);
  CHECK(c->pager.devices[1].engineer == "ines");
  CHECK(c->pager.devices[1].device == "laptop");
  CHECK(c->pager.devices[1].public_key_file == "keys/ines-laptop.pub");
}
