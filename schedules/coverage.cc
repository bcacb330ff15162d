// Which calendars govern a case, and when its first response is due.

#include "schedules/schedules.h"

namespace schedules {

namespace {

// Used only when a configuration names no enterprise coverage calendar: all
// time counts, as for general enterprise support.
const config::Calendar& BuiltinAlways() {
  static const config::Calendar cal = [] {
    config::Calendar c;
    c.name = "always";
    c.zone_name = "UTC";
    c.zone = nullptr;  // ZoneClock treats nullptr as UTC
    for (int d = 0; d < 7; ++d)
      c.hours.push_back(
          {static_cast<config::Weekday>(d), std::chrono::minutes(0), std::chrono::hours(24)});
    c.always_open = true;
    return c;
  }();
  return cal;
}

// The calendar general enterprise support counts on: the enterprise plan's coverage.
const config::Calendar& EnterpriseCalendar(const config::Config& config) {
  if (const config::Plan* p = config.FindPlan("enterprise")) {
    if (const config::Calendar* c = config.FindCalendar(p->coverage)) return *c;
  }
  if (const config::Calendar* c = config.FindCalendar("always")) return *c;
  return BuiltinAlways();
}

}  // namespace

CaseCalendars ResolveCalendars(const config::Config& config, const std::string& account,
                               const std::string& service) {
  CaseCalendars out;
  const config::Calendar& always = EnterpriseCalendar(config);
  out.customer = config.FindCustomer(account);
  if (out.customer == nullptr || !config.InScope(service)) {
    out.fallback = true;
    out.plan = "enterprise";
    out.coverage = &always;
    out.business = &always;
    out.basis =
        out.customer == nullptr ? CalendarsBasis::kUnknownAccount : CalendarsBasis::kOutOfScope;
    return out;
  }
  const config::Customer& c = *out.customer;
  out.plan = c.plan;
  const config::Plan* plan = config.FindPlan(c.plan);
  const config::Calendar* own = config.FindCalendar(c.calendar);
  if (own == nullptr) own = &always;  // a validated config always resolves it
  if (c.plan == "enterprise") {
    out.coverage = &always;
    out.business = &always;
    out.basis = CalendarsBasis::kEnterprisePlan;
    return out;
  }
  out.business = own;
  out.coverage = own;
  if (plan != nullptr && plan->coverage != "business") {
    if (const config::Calendar* cov = config.FindCalendar(plan->coverage)) out.coverage = cov;
  }
  out.basis = CalendarsBasis::kPlan;
  if (plan != nullptr && plan->addon_24x7_coverage && c.HasAddon("oncall_24x7")) {
    if (config.ExcludedFrom24x7(service)) {
      out.basis = CalendarsBasis::kAddonExcluded;
    } else if (const config::Calendar* cov = config.FindCalendar(*plan->addon_24x7_coverage)) {
      out.coverage = cov;
      out.basis = CalendarsBasis::kPlanAddon24x7;
    }
  }
  return out;
}

std::string CalendarsReason(CalendarsBasis basis, std::string_view plan, std::string_view coverage,
                            std::string_view business, std::string_view account,
                            std::string_view service) {
  std::string why;
  switch (basis) {
    case CalendarsBasis::kUnknownAccount:
      why += "unknown account ";
      why += account;
      why += ": general enterprise support (";
      why += coverage;
      why += ")";
      return why;
    case CalendarsBasis::kOutOfScope:
      why += "service ";
      why += service;
      why += " is out of scope: general enterprise support (";
      why += coverage;
      why += ")";
      return why;
    case CalendarsBasis::kEnterprisePlan:
      why += "enterprise plan: coverage and business ";
      why += coverage;
      return why;
    case CalendarsBasis::kPlan:
    case CalendarsBasis::kPlanAddon24x7:
    case CalendarsBasis::kAddonExcluded:
      break;
  }
  why += plan;
  why += basis == CalendarsBasis::kPlanAddon24x7 ? " plan with oncall_24x7: coverage "
                                                 : " plan: coverage ";
  why += coverage;
  if (basis == CalendarsBasis::kAddonExcluded) {
    why += " (";
    why += service;
    why += " is excluded from the oncall_24x7 add-on)";
  }
  why += ", business ";
  why += business;
  return why;
}

std::string CalendarsReason(const CaseCalendars& c, std::string_view account,
                            std::string_view service) {
  return CalendarsReason(c.basis, c.plan, c.coverage->name, c.business->name, account, service);
}

const config::Calendar& ClockCalendar(const CaseCalendars& calendars,
                                      const config::DurationSpec& target) {
  return target.business ? *calendars.business : *calendars.coverage;
}

std::optional<Due> FirstResponseDue(const config::Config& config, const std::string& account,
                                    const std::string& service, const std::string& severity_code,
                                    Timestamp opened) {
  auto sev = config.severity_map.find(severity_code);
  if (sev == config.severity_map.end()) return std::nullopt;
  auto target = config.targets.find(sev->second);
  if (target == config.targets.end()) return std::nullopt;
  Due due;
  due.level = sev->second;
  due.calendars = ResolveCalendars(config, account, service);
  due.clock = &ClockCalendar(due.calendars, target->second);
  due.due = Add(*due.clock, opened, target->second.amount);
  // Fallback and deferred cases page the general rotation first; otherwise the
  // first schedule the level's first step names.
  due.first_schedule = config.services.fallback_schedule;
  if (!due.calendars.fallback && IsOpen(*due.calendars.coverage, opened)) {
    auto policy = config.escalation.find(due.level);
    if (policy != config.escalation.end() && !policy->second.steps.empty()) {
      for (const auto& t : policy->second.steps.front().notify) {
        if (t.kind == config::Target::Kind::kSchedule) {
          due.first_schedule = t.name;
          break;
        }
      }
    }
  }
  return due;
}

}  // namespace schedules
