// Test fixtures for the escalation tests: the sample configuration
// (../shared/samples/config.yaml) built by hand as typed values, and helpers.
#pragma once

#include <date/tz.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "base/time.h"
#include "config/config.h"
#include "router/escalation.h"

namespace escalation_test {

using base::Timestamp;
using config::Weekday;

inline Timestamp At(const char* text) {
  auto t = base::ParseInstant(text);
  if (!t) throw std::invalid_argument(std::string("bad instant in test: ") + text);
  return *t;
}

// The events of type E that one escalation call returned, in the order they happened.
template <typename E>
std::vector<E> EventsOf(const router::AdvanceResult& r) {
  std::vector<E> out;
  for (const auto& e : r.events)
    if (const auto* x = std::get_if<E>(&e)) out.push_back(*x);
  return out;
}
inline std::vector<router::Paged> PagesOf(const router::AdvanceResult& r) {
  return EventsOf<router::Paged>(r);
}
inline std::vector<router::Escalated> StepsOf(const router::AdvanceResult& r) {
  return EventsOf<router::Escalated>(r);
}
inline std::vector<router::SlaWarning> WarningsOf(const router::AdvanceResult& r) {
  return EventsOf<router::SlaWarning>(r);
}
inline std::vector<router::Breached> BreachesOf(const router::AdvanceResult& r) {
  return EventsOf<router::Breached>(r);
}

inline config::DurationSpec Plain(std::chrono::seconds s) { return {s, false}; }
inline config::DurationSpec Bh(std::chrono::hours h) { return {h, true}; }

inline std::vector<config::WeeklyWindow> Days(Weekday first, Weekday last, int from_h, int to_h) {
  std::vector<config::WeeklyWindow> out;
  for (int d = static_cast<int>(first); d <= static_cast<int>(last); ++d)
    out.push_back({static_cast<Weekday>(d), std::chrono::hours(from_h), std::chrono::hours(to_h)});
  return out;
}

inline config::Calendar MakeCalendar(const std::string& name, const std::string& zone,
                                     std::vector<config::WeeklyWindow> hours,
                                     std::vector<std::chrono::year_month_day> holidays,
                                     bool always = false) {
  config::Calendar c;
  c.name = name;
  c.zone_name = zone;
  c.zone = date::locate_zone(zone);
  c.hours = std::move(hours);
  c.holidays = std::move(holidays);
  c.always_open = always;
  return c;
}

inline config::Target T(const std::string& text) {
  config::Target t;
  t.text = text;
  using K = config::Target::Kind;
  if (text.rfind("schedule/", 0) == 0) {
    t.kind = K::kSchedule;
    t.name = text.substr(9);
  } else if (text == "designated_eae") {
    t.kind = K::kDesignatedEae;
  } else if (text == "edm") {
    t.kind = K::kEdm;
  } else if (text == "familiar") {
    t.kind = K::kFamiliar;
  } else {
    t.kind = K::kEngineer;
    t.name = text;
  }
  return t;
}

inline config::Step S(config::DurationSpec after, std::vector<std::string> targets) {
  config::Step s;
  s.after = after;
  for (const auto& t : targets) s.notify.push_back(T(t));
  return s;
}

inline std::chrono::local_seconds Local(int y, int m, int d, int h) {
  using namespace std::chrono;
  return local_days{year{y} / month{static_cast<unsigned>(m)} / day{static_cast<unsigned>(d)}} +
         hours{h};
}

inline config::Layer MakeLayer(const std::string& name, const std::string& zone,
                               config::RotationType type, std::chrono::local_seconds start,
                               std::vector<std::string> members,
                               std::vector<config::WeeklyWindow> restrict = {},
                               std::chrono::seconds length = std::chrono::seconds(0)) {
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

// One engineer on call around the clock, from a fixed start (for tests that
// need to know exactly who is on call).
inline config::Schedule SoloSchedule(const std::string& name, const std::string& who) {
  config::Schedule s;
  s.name = name;
  s.layers.push_back(MakeLayer("solo", "UTC", config::RotationType::kCustom, Local(2026, 1, 1, 0),
                               {who}, {}, std::chrono::hours(24 * 7)));
  return s;
}

inline config::Engineer E(const std::string& id, const std::string& zone,
                          std::vector<std::string> skills, const std::string& role = "") {
  config::Engineer e;
  e.id = id;
  e.name = id;
  e.zone_name = zone;
  e.role = role;
  e.skills = std::move(skills);
  return e;
}

// The sample configuration, value for value.
inline config::Config SampleConfig() {
  using namespace std::chrono;
  using config::RotationType;
  config::Config c;
  c.severity_map = {{"critical", 1}, {"urgent", 2}, {"high", 3}, {"normal", 4}, {"low", 4}};
  c.targets = {
      {1, Plain(minutes(15))}, {2, Plain(hours(1))}, {3, Plain(hours(4))}, {4, Bh(hours(12))}};
  c.sla_warning_fraction = 0.75;
  c.services.in_scope = {
      "medialive",  "mediaconnect",         "mediapackage",       "mediaconvert", "mediatailor",
      "mediastore", "elemental-appliances", "elemental-software", "cloudfront"};
  c.services.excluded_from_24x7 = {"cloudfront"};
  c.services.fallback_schedule = "enterprise-support";

  c.calendars["us-east-business"] = MakeCalendar("us-east-business", "America/New_York",
                                                 Days(Weekday::kMon, Weekday::kFri, 9, 17),
                                                 {2026y / 11 / 26, 2026y / 12 / 25, 2027y / 1 / 1});
  c.calendars["uk-business"] =
      MakeCalendar("uk-business", "Europe/London", Days(Weekday::kMon, Weekday::kFri, 9, 17),
                   {2026y / 12 / 25, 2026y / 12 / 28});
  c.calendars["always"] =
      MakeCalendar("always", "UTC", Days(Weekday::kMon, Weekday::kSun, 0, 24), {}, true);

  c.plans["enterprise"] = {"enterprise", "always", std::nullopt, std::nullopt, ""};
  c.plans["launch"] = {"launch", "business", std::nullopt, 24, ""};
  c.plans["annual"] = {"annual", "business", "always", std::nullopt, "reserved"};

  c.engineers = {E("alice", "America/New_York", {"medialive", "mediapackage", "live-linear"}),
                 E("bob", "America/New_York", {"mediatailor", "ssai", "cloudfront"}),
                 E("chen", "Europe/London", {"medialive", "mediaconnect", "sports-events"}),
                 E("dana", "America/Los_Angeles", {"mediaconvert", "vod"}),
                 E("erin", "Europe/London", {"cloudfront", "mediapackage"}),
                 E("femi", "America/New_York", {}, "edm"),
                 E("gus", "America/New_York", {}, "manager")};

  config::Schedule primary;
  primary.name = "video-sme-primary";
  primary.layers.push_back(MakeLayer("nights-and-weekends", "America/New_York",
                                     RotationType::kDaily, Local(2026, 11, 1, 20),
                                     {"alice", "bob", "dana", "chen", "erin"}));
  primary.layers.push_back(MakeLayer("london", "Europe/London", RotationType::kWeekly,
                                     Local(2026, 11, 2, 8), {"chen", "erin"},
                                     Days(Weekday::kMon, Weekday::kFri, 8, 16)));
  primary.layers.push_back(MakeLayer("new-york", "America/New_York", RotationType::kWeekly,
                                     Local(2026, 11, 2, 11), {"alice", "bob", "dana"},
                                     Days(Weekday::kMon, Weekday::kFri, 11, 20)));
  primary.overrides.push_back(
      {"dana", At("2026-12-24T20:00:00-05:00"), At("2026-12-26T08:00:00-05:00")});
  c.schedules[primary.name] = primary;

  config::Schedule secondary;
  secondary.name = "video-sme-secondary";
  secondary.layers.push_back(MakeLayer("layer-1", "America/New_York", RotationType::kWeekly,
                                       Local(2026, 11, 2, 9), {"bob", "dana", "alice"}));
  c.schedules[secondary.name] = secondary;

  config::Schedule enterprise;
  enterprise.name = "enterprise-support";
  enterprise.layers.push_back(MakeLayer("layer-1", "UTC", RotationType::kCustom,
                                        Local(2026, 1, 1, 0), {"erin", "dana", "chen", "bob"}, {},
                                        hours(12)));
  c.schedules[enterprise.name] = enterprise;

  auto policy = [](int level, int repeat, std::vector<config::Step> steps) {
    config::Policy p;
    p.level = level;
    p.repeat = repeat;
    p.steps = std::move(steps);
    return p;
  };
  c.escalation[1] =
      policy(1, 2,
             {S(Plain(minutes(0)), {"designated_eae", "familiar", "schedule/video-sme-primary"}),
              S(Plain(minutes(5)), {"schedule/video-sme-secondary"}),
              S(Plain(minutes(10)), {"edm", "gus"})});
  c.escalation[2] =
      policy(2, 1,
             {S(Plain(minutes(0)), {"familiar", "schedule/video-sme-primary"}),
              S(Plain(minutes(20)), {"designated_eae", "schedule/video-sme-secondary"}),
              S(Plain(minutes(40)), {"edm"})});
  c.escalation[3] = policy(3, 0,
                           {S(Plain(minutes(0)), {"schedule/video-sme-primary"}),
                            S(Plain(hours(2)), {"designated_eae", "familiar"})});
  c.escalation[4] = policy(
      4, 0,
      {S(Plain(minutes(0)), {"designated_eae"}), S(Bh(hours(8)), {"schedule/video-sme-primary"})});

  config::Customer northwind;
  northwind.account = "111122223333";
  northwind.name = "Northwind Sports";
  northwind.plan = "annual";
  northwind.addons = {"oncall_24x7"};
  northwind.calendar = "us-east-business";
  northwind.eae = "alice";
  northwind.edm = "femi";
  northwind.workflows = {"live-linear", "sports-events", "ssai"};
  c.customers.push_back(northwind);

  config::Customer contoso;
  contoso.account = "444455556666";
  contoso.name = "Contoso Streaming";
  contoso.plan = "launch";
  contoso.calendar = "uk-business";
  contoso.eae = "chen";
  contoso.edm = "femi";
  contoso.workflows = {"live-linear", "vod"};
  c.customers.push_back(contoso);
  return c;
}

inline const char* kNorthwind = "111122223333";
inline const char* kContoso = "444455556666";

}  // namespace escalation_test
