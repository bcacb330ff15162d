#include "tests/schedules/fixtures.h"

#include <date/tz.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

namespace fixtures {

using config::Weekday;
using std::chrono::hours;
using std::chrono::minutes;

base::Timestamp T(const char* iso) {
  auto t = base::ParseInstant(iso);
  if (!t) {
    std::cerr << "bad instant in test: " << iso << "\n";
    std::abort();
  }
  return *t;
}

std::chrono::local_seconds Local(int y, int m, int d, int hh, int mm) {
  std::chrono::year_month_day ymd{std::chrono::year(y),
                                  std::chrono::month(static_cast<unsigned>(m)),
                                  std::chrono::day(static_cast<unsigned>(d))};
  return std::chrono::local_days(ymd) + hours(hh) + minutes(mm);
}

std::chrono::year_month_day Day(int y, int m, int d) {
  return {std::chrono::year(y), std::chrono::month(static_cast<unsigned>(m)),
          std::chrono::day(static_cast<unsigned>(d))};
}

std::vector<config::WeeklyWindow> Windows(int first_day, int last_day, int start_h, int start_m,
                                          int end_h, int end_m) {
  std::vector<config::WeeklyWindow> out;
  for (int d = first_day; d <= last_day; ++d)
    out.push_back({static_cast<Weekday>(d), hours(start_h) + minutes(start_m),
                   hours(end_h) + minutes(end_m)});
  return out;
}

config::Calendar MakeCalendar(const std::string& name, const std::string& zone,
                              std::vector<config::WeeklyWindow> hours_,
                              std::vector<std::chrono::year_month_day> holidays) {
  config::Calendar c;
  c.name = name;
  c.zone_name = zone;
  c.zone = date::locate_zone(zone);
  std::sort(hours_.begin(), hours_.end(), [](const auto& a, const auto& b) {
    return a.day != b.day ? a.day < b.day : a.start < b.start;
  });
  c.hours = std::move(hours_);
  std::sort(holidays.begin(), holidays.end());
  c.holidays = std::move(holidays);
  minutes total{0};
  for (const auto& w : c.hours) total += w.end - w.start;
  c.always_open = c.holidays.empty() && total == hours(24 * 7);
  return c;
}

config::Layer MakeLayer(const std::string& name, const std::string& zone, config::RotationType type,
                        std::chrono::local_seconds start, std::vector<std::string> members,
                        std::vector<config::WeeklyWindow> restrict, std::chrono::seconds length) {
  config::Layer l;
  l.name = name;
  l.zone_name = zone;
  l.zone = date::locate_zone(zone);
  l.rotation.type = type;
  l.rotation.start = start;
  l.rotation.length = length;
  l.rotation.members = std::move(members);
  l.restrict = std::move(restrict);
  return l;
}

namespace {
config::Target Tgt(const std::string& text) {
  config::Target t;
  t.text = text;
  if (text.rfind("schedule/", 0) == 0) {
    t.kind = config::Target::Kind::kSchedule;
    t.name = text.substr(9);
  } else if (text == "designated_eae") {
    t.kind = config::Target::Kind::kDesignatedEae;
  } else if (text == "edm") {
    t.kind = config::Target::Kind::kEdm;
  } else if (text == "familiar") {
    t.kind = config::Target::Kind::kFamiliar;
  } else {
    t.kind = config::Target::Kind::kEngineer;
    t.name = text;
  }
  return t;
}

config::Step MakeStep(std::chrono::seconds after, bool business, std::vector<std::string> notify) {
  config::Step s;
  s.after = {after, business};
  for (const auto& n : notify) s.notify.push_back(Tgt(n));
  return s;
}
}  // namespace

config::Config SampleConfig() {
  using config::RotationType;
  using std::chrono::seconds;
  config::Config c;
  c.severity_map = {{"critical", 1}, {"urgent", 2}, {"high", 3}, {"normal", 4}, {"low", 4}};
  c.targets = {{1, {minutes(15), false}},
               {2, {hours(1), false}},
               {3, {hours(4), false}},
               {4, {hours(12), true}}};
  c.services.in_scope = {
      "medialive",  "mediaconnect",         "mediapackage",       "mediaconvert", "mediatailor",
      "mediastore", "elemental-appliances", "elemental-software", "cloudfront"};
  c.services.excluded_from_24x7 = {"cloudfront"};
  c.services.fallback_schedule = "enterprise-support";
  c.calendars["us-east-business"] =
      MakeCalendar("us-east-business", "America/New_York", Windows(0, 4, 9, 0, 17, 0),
                   {Day(2026, 11, 26), Day(2026, 12, 25), Day(2027, 1, 1)});
  c.calendars["uk-business"] =
      MakeCalendar("uk-business", "Europe/London", Windows(0, 4, 9, 0, 17, 0),
                   {Day(2026, 12, 25), Day(2026, 12, 28)});
  c.calendars["always"] = MakeCalendar("always", "UTC", Windows(0, 6, 0, 0, 24, 0));
  c.plans["enterprise"] = {"enterprise", "always", std::nullopt, std::nullopt, ""};
  c.plans["launch"] = {"launch", "business", std::nullopt, 24, ""};
  c.plans["annual"] = {"annual", "business", std::string("always"), std::nullopt, "reserved"};
  for (const char* id : {"alice", "bob", "chen", "dana", "erin", "femi", "gus"}) {
    config::Engineer e;
    e.id = id;
    e.name = id;
    c.engineers.push_back(e);
  }
  config::Schedule primary;
  primary.name = "video-sme-primary";
  primary.layers.push_back(MakeLayer("nights-and-weekends", "America/New_York",
                                     RotationType::kDaily, Local(2026, 11, 1, 20, 0),
                                     {"alice", "bob", "dana", "chen", "erin"}));
  primary.layers.push_back(MakeLayer("london", "Europe/London", RotationType::kWeekly,
                                     Local(2026, 11, 2, 8, 0), {"chen", "erin"},
                                     Windows(0, 4, 8, 0, 16, 0)));
  primary.layers.push_back(MakeLayer("new-york", "America/New_York", RotationType::kWeekly,
                                     Local(2026, 11, 2, 11, 0), {"alice", "bob", "dana"},
                                     Windows(0, 4, 11, 0, 20, 0)));
  primary.overrides.push_back(
      {"dana", T("2026-12-24T20:00:00-05:00"), T("2026-12-26T08:00:00-05:00")});
  c.schedules[primary.name] = primary;
  config::Schedule secondary;
  secondary.name = "video-sme-secondary";
  secondary.layers.push_back(MakeLayer("layer-1", "America/New_York", RotationType::kWeekly,
                                       Local(2026, 11, 2, 9, 0), {"bob", "dana", "alice"}));
  c.schedules[secondary.name] = secondary;
  config::Schedule enterprise;
  enterprise.name = "enterprise-support";
  enterprise.layers.push_back(MakeLayer("layer-1", "UTC", RotationType::kCustom,
                                        Local(2026, 1, 1, 0, 0), {"erin", "dana", "chen", "bob"},
                                        {}, seconds(12 * 3600)));
  c.schedules[enterprise.name] = enterprise;
  c.escalation[1] = {
      1,
      2,
      {MakeStep(seconds(0), false, {"designated_eae", "familiar", "schedule/video-sme-primary"}),
       MakeStep(seconds(300), false, {"schedule/video-sme-secondary"}),
       MakeStep(seconds(600), false, {"edm", "gus"})}};
  c.escalation[2] = {
      2,
      1,
      {MakeStep(seconds(0), false, {"familiar", "schedule/video-sme-primary"}),
       MakeStep(seconds(1200), false, {"designated_eae", "schedule/video-sme-secondary"}),
       MakeStep(seconds(2400), false, {"edm"})}};
  c.escalation[3] = {3,
                     0,
                     {MakeStep(seconds(0), false, {"schedule/video-sme-primary"}),
                      MakeStep(seconds(7200), false, {"designated_eae", "familiar"})}};
  c.escalation[4] = {4,
                     0,
                     {MakeStep(seconds(0), false, {"designated_eae"}),
                      MakeStep(seconds(8 * 3600), true, {"schedule/video-sme-primary"})}};
  config::Customer northwind;
  northwind.account = "111122223333";
  northwind.name = "Northwind Sports";
  northwind.plan = "annual";
  northwind.addons = {"oncall_24x7"};
  northwind.calendar = "us-east-business";
  northwind.eae = "alice";
  northwind.edm = "femi";
  c.customers.push_back(northwind);
  config::Customer contoso;
  contoso.account = "444455556666";
  contoso.name = "Contoso Streaming";
  contoso.plan = "launch";
  contoso.calendar = "uk-business";
  contoso.eae = "chen";
  contoso.edm = "femi";
  c.customers.push_back(contoso);
  return c;
}

}  // namespace fixtures
