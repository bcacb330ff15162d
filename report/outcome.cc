#include "report/outcome.h"

#include <algorithm>

#include "schedules/schedules.h"

namespace report {

const char* OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kOpen:
      return "open";
    case Outcome::kMet:
      return "met";
    case Outcome::kBreached:
      return "breached";
    case Outcome::kUnrouted:
      return "unrouted";
  }
  return "open";
}

const char* BreachCodeName(BreachCode code) {
  switch (code) {
    case BreachCode::kSeverityRaisedPastTarget:
      return "severity_raised_past_target";
    case BreachCode::kNobodyOnCall:
      return "nobody_on_call";
    case BreachCode::kPagesNotDelivered:
      return "pages_not_delivered";
    case BreachCode::kFallbackRouting:
      return "fallback_routing";
    case BreachCode::kDeferredOutsideCoverage:
      return "deferred_outside_coverage";
    case BreachCode::kNotAcknowledgedInTime:
      return "not_acknowledged_in_time";
  }
  return "not_acknowledged_in_time";
}

const Routing& RoutingAt(const ClockSummary& clock, Timestamp at) {
  const Routing* in_force = &clock.routing.front();
  for (const Routing& r : clock.routing) {
    if (r.at <= at) in_force = &r;
  }
  return *in_force;
}

const PageFact* FirstSent(const ClockSummary& clock, Timestamp to) {
  for (const PageFact& p : clock.pages) {
    if (SentBy(p, to)) return &p;
  }
  return nullptr;
}

namespace {

// Open time of `calendar_name` in [from, to); wall time when the calendar is unknown.
Duration OnClock(const config::Config* config, const std::string& calendar_name, Timestamp from,
                 Timestamp to, bool* wall_clock) {
  const config::Calendar* cal = config ? config->FindCalendar(calendar_name) : nullptr;
  if (cal == nullptr) {
    *wall_clock = true;
    return to - from;
  }
  return schedules::Elapsed(*cal, from, to);
}

}  // namespace

ClockOutcome Evaluate(const ClockSummary& clock, Timestamp to, const config::Config* config) {
  ClockOutcome out;
  const bool responded = clock.response_at && *clock.response_at <= to;
  const bool resolved = clock.resolved_at && *clock.resolved_at <= to;
  if (!clock.routing.front().due) {
    out.outcome = Outcome::kUnrouted;
    out.routing = &RoutingAt(clock, to);
  } else if (clock.breached_at && *clock.breached_at <= to) {
    out.outcome = Outcome::kBreached;
    out.breached_at = clock.breached_at;
    out.routing = &RoutingAt(clock, *clock.breached_at);
  } else if (responded || resolved) {
    // The response ends the clock; a resolution ends it only without one before. Judged by
    // the due in force then: a severity change after the end re-targets nothing that ran.
    const bool by_response = responded && (!resolved || *clock.response_at <= *clock.resolved_at);
    const Timestamp end = by_response ? *clock.response_at : *clock.resolved_at;
    out.routing = &RoutingAt(clock, end);
    const Timestamp due = out.routing->due.value_or(Timestamp::max());
    if (end <= due) {
      out.outcome = Outcome::kMet;
      out.resolved_unanswered = !by_response;
    } else {
      // Ended after its due with no breach logged (a log written before breaches
      // were): the due instant is the breach.
      out.outcome = Outcome::kBreached;
      out.breached_at = due;
    }
  } else {
    out.routing = &RoutingAt(clock, to);
    const Timestamp due = out.routing->due.value_or(Timestamp::max());
    if (due < to) {
      out.outcome = Outcome::kBreached;  // overdue: the breach is not in the log yet
      out.breached_at = due;
    }
  }

  if (responded) {
    const Routing& then = RoutingAt(clock, *clock.response_at);
    out.first_response =
        OnClock(config, then.calendar, clock.start, *clock.response_at, &out.wall_clock);
  }
  for (const AckFact& a : clock.acks) {
    if (a.at <= to && a.at >= clock.start) {
      out.to_ack = a.at - clock.start;
      break;
    }
  }
  if (resolved) out.to_resolve = *clock.resolved_at - clock.start;
  for (const StepFact& s : clock.steps) {
    if (s.at <= to) out.deepest_step = std::max(out.deepest_step, s.position);
  }
  for (const PageFact& p : clock.pages) {
    if (!SentBy(p, to)) continue;
    ++out.pages;
    const bool delivered = p.delivered_at && *p.delivered_at <= to;
    if (delivered) ++out.delivered;
    if (!delivered && p.failed_at && *p.failed_at <= to) ++out.undelivered;
  }
  return out;
}

BreachReason ExplainBreach(const ClockSummary& clock, const ClockOutcome& outcome, Timestamp to) {
  BreachReason r;
  r.due = clock.breached_at && outcome.breached_at == clock.breached_at ? clock.breach_due
                                                                        : *outcome.breached_at;
  for (const PageFact& p : clock.pages) {
    if (!SentBy(p, r.due)) continue;
    ++r.pages;
    if (std::find(r.engineers.begin(), r.engineers.end(), p.engineer) == r.engineers.end()) {
      r.engineers.push_back(p.engineer);
    }
    if (p.delivered_at && *p.delivered_at <= r.due) ++r.delivered;
    if (p.failed_at && *p.failed_at <= to) ++r.failed;
  }
  for (const StepFact& s : clock.steps) {
    if (s.at <= r.due && s.empty) r.empty_steps.push_back(&s);
    if (!r.first_step_at && s.step >= 0) r.first_step_at = s.at;
  }
  r.calendars = clock.calendars;

  if (clock.breach_at_severity_change && outcome.breached_at == clock.breached_at) {
    r.code = BreachCode::kSeverityRaisedPastTarget;
    for (const Routing& x : clock.routing) {
      if (x.at <= *clock.breached_at && !x.severity.empty()) r.severity_change = &x;
    }
  } else if (!r.empty_steps.empty() || r.pages == 0) {
    r.code = BreachCode::kNobodyOnCall;
  } else if (r.delivered == 0 && r.failed > 0) {
    r.code = BreachCode::kPagesNotDelivered;
  } else if (clock.fallback) {
    r.code = BreachCode::kFallbackRouting;
  } else if (clock.deferred) {
    r.code = BreachCode::kDeferredOutsideCoverage;
  } else {
    r.code = BreachCode::kNotAcknowledgedInTime;
  }
  return r;
}

namespace {

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// "3 pages to p1, eae2, s1" / "no page".
std::string PagesPhrase(const BreachReason& r) {
  if (r.pages == 0) return "no page";
  return std::to_string(r.pages) + (r.pages == 1 ? " page to " : " pages to ") + Join(r.engineers);
}

std::string StepPhrase(const StepFact& s) {
  std::string out = s.step < 0
                        ? std::string("the fallback page at the opening")
                        : "cycle " + std::to_string(s.cycle) + " step " + std::to_string(s.step);
  out += " at " + base::FormatInstant(s.at);
  if (!s.nobody.empty()) out += " (" + Join(s.nobody) + ")";
  return out;
}

}  // namespace

std::string BreachDetail(const BreachReason& r) {
  const std::string due = base::FormatInstant(r.due);
  const std::string unacked = PagesPhrase(r) + ", none acknowledged by the due " + due;
  switch (r.code) {
    case BreachCode::kSeverityRaisedPastTarget: {
      std::string out = "severity raised";
      if (r.severity_change != nullptr) {
        out += " from " + r.severity_change->from_severity + " to " + r.severity_change->severity +
               " (level " + std::to_string(r.severity_change->level) + ") at " +
               base::FormatInstant(r.severity_change->at);
      }
      return out + ": the new due " + due + " had already passed";
    }
    case BreachCode::kNobodyOnCall: {
      std::string out;
      for (const StepFact* s : r.empty_steps) {
        out += (out.empty() ? "reached nobody: " : "; ") + StepPhrase(*s);
      }
      if (out.empty()) out = "no step reached anyone";
      return out + "; " + PagesPhrase(r) + " by the due " + due;
    }
    case BreachCode::kPagesNotDelivered:
      return PagesPhrase(r) + " by the due " + due + ", none delivered (" +
             std::to_string(r.failed) + " logged delivery_failed)";
    case BreachCode::kFallbackRouting: {
      std::string why = "routed to the fallback schedule";
      if (r.calendars.code == router::ReasonCode::kUnknownAccount) {
        why += " (unknown account " + r.calendars.account + ")";
      } else if (r.calendars.code == router::ReasonCode::kOutOfScope) {
        why += " (service " + r.calendars.service + " out of scope)";
      }
      return why + "; " + unacked;
    }
    case BreachCode::kDeferredOutsideCoverage: {
      std::string out = "started outside coverage: the fallback schedule was paged at once";
      if (r.first_step_at) {
        out += ", the policy's first step at " + base::FormatInstant(*r.first_step_at);
      }
      return out + "; " + unacked;
    }
    case BreachCode::kNotAcknowledgedInTime:
      return unacked;
  }
  return unacked;
}

}  // namespace report
