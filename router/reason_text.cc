#include "router/reason_text.h"

#include <charconv>
#include <string_view>

#include "schedules/schedules.h"

namespace router {

namespace {

constexpr std::string_view kSchedulePrefix = "schedule/";

// "%.2f": std::to_chars with a precision formats as printf does in the C
// locale (same digits, same rounding), without printf's parsing and locale.
void AppendFixed2(std::string& out, double x) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::fixed, 2);
  out.append(buf, r.ptr);
}

std::string Instant(const std::optional<Timestamp>& t) {
  return t ? base::FormatInstant(*t) : std::string();
}

// The schedule a "schedule/NAME" target names (a page records the target only).
std::string_view ScheduleOf(std::string_view target) {
  if (target.substr(0, kSchedulePrefix.size()) == kSchedulePrefix)
    target.remove_prefix(kSchedulePrefix.size());
  return target;
}

// What a target's reason may name besides its own fields: its holder's facts.
struct TargetFacts {
  std::string_view schedule;
  std::string_view source;
  std::optional<Timestamp> until;
  const std::vector<Candidate>& candidates;
};

std::string TargetWhy(const Reason& r, const TargetFacts& f) {
  std::string why;
  switch (r.code) {
    case ReasonCode::kOnCall:
      why += "on call in ";
      why += f.schedule;
      why += " (";
      why += f.source;
      why += ") until ";
      why += Instant(f.until);
      return why;
    case ReasonCode::kNobodyOnCall:
      why += "nobody on call in ";
      why += f.schedule;
      why += " until ";
      why += Instant(f.until);
      return why;
    case ReasonCode::kNoSuchSchedule:
      why += "no schedule named ";
      why += f.schedule;
      return why;
    case ReasonCode::kDesignatedEae:
      return "designated EAE, inside " + r.calendar;
    case ReasonCode::kEaeOutsideHours:
      return "designated EAE " + r.engineer + " not paged: outside " +
             (r.calendar.empty() ? std::string("the customer's calendar") : r.calendar);
    case ReasonCode::kNoCustomerEae:
      return "unknown customer: no designated EAE";
    case ReasonCode::kNoEae:
      return "the customer has no designated EAE";
    case ReasonCode::kEdm:
      return "the customer's EDM";
    case ReasonCode::kNoCustomerEdm:
      return "unknown customer: no EDM";
    case ReasonCode::kNoEdm:
      return "the customer has no EDM";
    case ReasonCode::kNamedEngineer:
      return "named in the policy";
    case ReasonCode::kNoSuchEngineer:
      return "no engineer named " + r.engineer;
    case ReasonCode::kFamiliar: {
      if (f.candidates.empty()) break;
      const Candidate& best = f.candidates.front();
      why += "best of ";
      why += std::to_string(f.candidates.size());
      why += " on shift, score ";
      AppendFixed2(why, best.score);
      why += ": ";
      why += ReasonText(best);
      return why;
    }
    case ReasonCode::kNobodyOnShift:
      return "nobody on call in any schedule";
    case ReasonCode::kUnknownTargetKind:
      return "unknown target kind";
    default:
      break;
  }
  return ReasonText(r);
}

std::string Where(int cycle, int step) {
  return "cycle " + std::to_string(cycle) + " step " + std::to_string(step);
}

std::string DurationText(int64_t secs, bool business) {
  if (secs % 3600 == 0) return std::to_string(secs / 3600) + (business ? "bh" : "h");
  if (secs % 60 == 0) return std::to_string(secs / 60) + "m" + (business ? " (business)" : "");
  return std::to_string(secs) + "s" + (business ? " (business)" : "");
}

std::string CalendarsText(const Routed& r) {
  using schedules::CalendarsBasis;
  CalendarsBasis basis;
  switch (r.calendars.code) {
    case ReasonCode::kEnterprisePlan:
      basis = CalendarsBasis::kEnterprisePlan;
      break;
    case ReasonCode::kPlan:
      basis = CalendarsBasis::kPlan;
      break;
    case ReasonCode::kPlanAddon24x7:
      basis = CalendarsBasis::kPlanAddon24x7;
      break;
    case ReasonCode::kAddonExcluded:
      basis = CalendarsBasis::kAddonExcluded;
      break;
    case ReasonCode::kUnknownAccount:
      basis = CalendarsBasis::kUnknownAccount;
      break;
    case ReasonCode::kOutOfScope:
      basis = CalendarsBasis::kOutOfScope;
      break;
    default:
      return ReasonText(r.calendars);
  }
  return schedules::CalendarsReason(basis, r.plan, r.coverage, r.business, r.calendars.account,
                                    r.calendars.service);
}

}  // namespace

std::string ReasonText(const Candidate& c) {
  if (!c.prose.empty()) return c.prose;
  std::string why;
  why.reserve(160);
  auto separate = [&why] {
    if (!why.empty()) why += "; ";
  };
  if (!c.skill.empty()) {
    why += "skill ";
    why += c.skill;
    why += " +";
    AppendFixed2(why, c.skill_score);
  }
  if (!c.workflows.empty()) {
    separate();
    why += "workflows ";
    for (size_t i = 0; i < c.workflows.size(); ++i) {
      if (i > 0) why += ",";
      why += c.workflows[i];
    }
    why += " +";
    AppendFixed2(why, c.workflow_score);
  }
  if (c.earlier_cases > 0) {
    separate();
    why += std::to_string(c.earlier_cases);
    why += c.earlier_cases == 1 ? " earlier case" : " earlier cases";
    why += " of this customer +";
    AppendFixed2(why, c.history_score);
  }
  if (why.empty()) why = "no skill, workflow or history match";
  why += "; ";
  why += std::to_string(c.open_cases);
  why += " open; on call in ";
  why += c.schedule;
  why += " (";
  why += c.layer;
  why += ")";
  return why;
}

std::string ReasonText(const TargetResolution& t) {
  return TargetWhy(t.reason, {t.schedule, t.source, t.until, t.candidates});
}

std::string ReasonText(const Paged& p) {
  const Reason& r = p.reason;
  if (r.code == ReasonCode::kProse) return r.text;
  const std::string_view schedule = ScheduleOf(p.target);
  if (r.code == ReasonCode::kHandoff || r.code == ReasonCode::kClockResumed) {
    std::string why = Where(p.cycle, p.step) + ": ";
    why += r.code == ReasonCode::kClockResumed ? "clock resumed (" + r.calendar + "), "
                                               : std::string("handoff, ");
    why += p.engineer;
    why += " now on call in ";
    why += schedule;
    why += " (" + p.source + ") until " + Instant(r.until);
    return why;
  }
  std::string why;
  if (p.cause == PageCause::kDeferred) {
    why = "opened outside coverage: the fallback schedule at once; ";
  } else {
    why = Where(p.cycle, p.step);
    if (r.scheduled) {
      why += " (brought forward from " + base::FormatInstant(*r.scheduled) +
             ": the previous step reached nobody)";
    }
    if (r.fallback) why += " (fallback case: " + r.service + ")";
    why += ": ";
  }
  why += p.target;
  why += ": ";
  why += TargetWhy(r, {schedule, p.source, r.until, p.candidates});
  for (const auto& via : p.also_via) why += "; also via " + via;
  return why;
}

std::string ReasonText(const Routed& r) {
  if (r.reason.code == ReasonCode::kProse) return r.reason.text;
  std::string why;
  why.reserve(256);
  if (r.reason.code == ReasonCode::kSeverityChanged) {
    why += "severity " + r.reason.from_severity + " -> " + r.reason.severity + ": level " +
           std::to_string(r.level) +
           "'s policy starts over from the change, due re-targeted from the opening";
  } else {
    why += ReasonText(r.reason);
  }
  if (r.clock.empty()) return why + ": not routed: " + r.reason.text;
  why += r.reason.code == ReasonCode::kSeverityChanged ? "; " : ": ";
  why += CalendarsText(r);
  why += "; level ";
  why += std::to_string(r.level);
  why += " target ";
  why += DurationText(r.target_s, r.target_business);
  why += " on the ";
  why += r.clock;
  why += " clock, due ";
  why += Instant(r.due);
  if (r.due == Timestamp::max()) why += " (the clock's calendar never opens: nothing will fire)";
  if (!r.owner.empty()) {
    why += "; paging the case's owner ";
    why += r.owner;
  }
  if (r.deferred) {
    why += "; opened outside coverage (";
    why += r.coverage;
    why += "): the fallback schedule at once, the policy from ";
    why += Instant(r.first_step_at);
  }
  return why;
}

std::string ReasonText(const InputRejected& e) {
  if (e.reason.code == ReasonCode::kDetailsNameOtherCase) {
    return "case details name case '" + e.reason.case_id + "', the event names '" + e.case_id + "'";
  }
  return ReasonText(e.reason);
}

}  // namespace router
