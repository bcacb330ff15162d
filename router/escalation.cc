#include "router/escalation.h"

#include <algorithm>

#include "base/check.h"
#include "router/escalation_clock.h"
#include "schedules/schedules.h"

namespace router {
namespace {

using std::chrono::milliseconds;

// Bounds one Advance: every action moves time or the policy forward, so this
// only trips on a bug (or an Advance spanning years of hourly handoffs).
constexpr int kMaxActionsPerAdvance = 1'000'000;

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

config::Target ScheduleTarget(const std::string& name) {
  config::Target t;
  t.kind = config::Target::Kind::kSchedule;
  t.name = name;
  t.text = "schedule/" + name;
  return t;
}

// The steps the case runs: the level's policy, or for a fallback case one
// step paging the fallback schedule (repeated like the level's policy).
class PolicySteps {
 public:
  PolicySteps(const EscalationState& s, const config::Config& config) {
    if (!s.owner.empty()) {
      config::Step step;
      config::Target t;
      t.kind = config::Target::Kind::kEngineer;
      t.name = s.owner;
      t.text = s.owner;
      step.notify.push_back(std::move(t));
      own_.push_back(std::move(step));
      steps_ = &own_;
      return;
    }
    if (s.fallback) {
      config::Step step;
      step.notify.push_back(ScheduleTarget(config.services.fallback_schedule));
      own_.push_back(std::move(step));
      steps_ = &own_;
      return;
    }
    auto it = config.escalation.find(s.level);
    CHECK(it != config.escalation.end(), "the case's level has a policy");
    steps_ = &it->second.steps;
    CHECK(static_cast<int>(steps_->size()) == s.step_count, "the policy kept its steps");
  }
  const config::Step& operator[](int k) const { return (*steps_)[k]; }

 private:
  std::vector<config::Step> own_;
  const std::vector<config::Step>* steps_ = nullptr;
};

const config::Calendar& ClockOf(const EscalationState& s, const config::Config& config) {
  const auto* cal = config.FindCalendar(s.clock_calendar);
  CHECK(cal != nullptr, "the clock's calendar is in the config");
  return *cal;
}

// Sets the level's target, clock, policy position, due and warning, with the
// policy starting at `base`. Keeps the warned/breached/stopped flags. When
// ok, *cals_out (if given) holds the case's calendars it resolved.
base::Status Configure(EscalationState& s, const config::Config& config, int level, Timestamp base,
                       schedules::CaseCalendars* cals_out = nullptr) {
  auto target = config.targets.find(level);
  if (target == config.targets.end())
    return base::Status::InvalidInput("no first response target for level " +
                                      std::to_string(level));
  auto cals = schedules::ResolveCalendars(config, s.account, s.service);
  if (cals.coverage == nullptr || cals.business == nullptr)
    return base::Status::InvalidInput("no calendars for account " + s.account);
  auto policy = config.escalation.find(level);
  const bool has_policy = policy != config.escalation.end();
  if (!s.owner.empty()) {
    s.step_count = 1;
  } else if (cals.fallback) {
    if (config.services.fallback_schedule.empty())
      return base::Status::InvalidInput("a fallback case but no services.fallback_schedule");
    s.step_count = 1;
  } else {
    if (!has_policy || policy->second.steps.empty())
      return base::Status::InvalidInput("no escalation policy with steps for level " +
                                        std::to_string(level));
    s.step_count = static_cast<int>(policy->second.steps.size());
  }
  const auto& clock = schedules::ClockCalendar(cals, target->second);
  if (config.FindCalendar(clock.name) != &clock)
    return base::Status::InvalidInput("the clock calendar is not named in the config: " +
                                      clock.name);
  s.fallback = cals.fallback;
  s.level = level;
  s.target = target->second;
  s.clock_calendar = clock.name;
  s.policy_base = base;
  s.repeat = has_policy ? std::max(0, policy->second.repeat) : 0;
  s.cycle = 0;
  s.next_step = 0;
  s.exhausted = false;
  s.current_cycle = -1;
  s.current_step = -1;
  s.step_schedules.clear();
  s.step_paged.clear();
  s.watch_at.reset();
  const config::DurationSpec first_after = (cals.fallback || !s.owner.empty())
                                               ? config::DurationSpec{}
                                               : policy->second.steps.front().after;
  s.next_step_at = StepInstant(clock, base, s.target, 0, first_after);
  s.due = DueInstant(clock, s.opened, s.target);
  s.warning_at = WarningInstant(clock, s.opened, s.target, config.sla_warning_fraction);
  if (cals_out != nullptr) *cals_out = std::move(cals);
  return base::Status::Ok();
}

// When the fallback page of a deferred case fires: at the opening, or, for a case learned of
// late (StartLate), when it was learned. Start and ChangeSeverity leave the policy base at or
// before it while the page is pending, so for them this is the opening.
Timestamp DeferredPageAt(const EscalationState& s) { return std::max(s.opened, s.policy_base); }

// The next instant after `from` at which the current step's schedules may
// have someone new to page: a shift ends while the clock runs, or the closed
// clock opens (a change of on-call while closed is seen at the opening).
std::optional<Timestamp> NextWatch(const EscalationState& s, Timestamp from,
                                   const config::Calendar& clock, const config::Config& config,
                                   RoutingMemo* memo) {
  if (s.step_schedules.empty()) return std::nullopt;
  if (!schedules::IsOpen(clock, from)) return schedules::NextChange(clock, from);
  std::optional<Timestamp> best;
  for (const auto& name : s.step_schedules) {
    const auto* schedule = config.FindSchedule(name);
    if (schedule == nullptr) continue;
    schedules::Shift own;
    const Timestamp end = OnCallVia(memo, *schedule, from, own).end;
    if (end > from && (!best || end < *best)) best = end;
  }
  return best;
}

void FireDeferred(EscalationState& s, Timestamp t, const config::Config& config,
                  const RoutingFacts& facts, const std::string& case_id, AdvanceResult& out) {
  s.deferred_page_pending = false;
  auto r = ResolveTarget(ScheduleTarget(config.services.fallback_schedule), t, facts);
  Escalated fired;
  fired.case_id = case_id;
  fired.at = t;
  fired.step = -1;
  fired.cycle = -1;
  fired.scheduled = t;
  fired.empty = !r.engineer.has_value();
  fired.targets = {r};
  fired.next_cycle = s.cycle;
  fired.next_step = s.next_step;
  fired.next_step_at = s.next_step_at;
  fired.exhausted = s.exhausted;
  fired.schedules = s.step_schedules;
  fired.watch_at = s.watch_at;
  out.events.push_back(std::move(fired));
  if (r.engineer) {
    Paged page;
    page.case_id = case_id;
    page.at = t;
    page.engineer = *r.engineer;
    page.step = -1;
    page.cycle = -1;
    page.cause = PageCause::kDeferred;
    page.target = r.target;
    page.source = r.source;
    page.reason = std::move(r.reason);
    page.reason.until = r.until;  // the page does not record the shift
    out.events.push_back(std::move(page));
  }
}

void FireStep(EscalationState& s, Timestamp t, const config::Calendar& clock,
              const config::Config& config, const RoutingFacts& facts, const std::string& case_id,
              AdvanceResult& out) {
  PolicySteps steps(s, config);
  const auto& step = steps[s.next_step];
  const Timestamp scheduled = StepInstant(clock, s.policy_base, s.target, s.cycle, step.after);
  auto res = ResolveStep(step, t, facts);
  s.step_paged.clear();
  std::vector<Paged> pages;
  for (auto& p : res.pages) {
    Paged page;
    page.case_id = case_id;
    page.at = t;
    page.engineer = p.engineer;
    page.step = s.next_step;
    page.cycle = s.cycle;
    page.target = std::move(p.target);
    page.source = std::move(p.source);
    page.reason = std::move(p.reason);
    if (t < scheduled) page.reason.scheduled = scheduled;
    if (s.fallback) {
      page.reason.fallback = true;
      page.reason.service = facts.service;
    }
    page.cause = PageCause::kStep;
    page.also_via = std::move(p.also_via);
    page.candidates = std::move(p.candidates);
    s.step_paged.push_back(page.engineer);
    pages.push_back(std::move(page));
  }
  Escalated fired;
  fired.case_id = case_id;
  fired.at = t;
  fired.step = s.next_step;
  fired.cycle = s.cycle;
  fired.scheduled = scheduled;
  fired.empty = res.empty();
  fired.targets = std::move(res.targets);
  s.current_cycle = s.cycle;
  s.current_step = s.next_step;
  s.step_schedules = res.schedules;

  if (++s.next_step == s.step_count) {
    s.next_step = 0;
    ++s.cycle;
  }
  if (s.cycle > s.repeat) {
    // No handoffs after the last step of the last cycle.
    s.exhausted = true;
    s.watch_at.reset();
  } else {
    const Timestamp own =
        StepInstant(clock, s.policy_base, s.target, s.cycle, steps[s.next_step].after);
    s.next_step_at = fired.empty ? t : std::max(own, t);
    s.watch_at = NextWatch(s, t, clock, config, facts.memo);
  }
  fired.next_cycle = s.cycle;
  fired.next_step = s.next_step;
  fired.next_step_at = s.next_step_at;
  fired.exhausted = s.exhausted;
  fired.schedules = s.step_schedules;
  fired.watch_at = s.watch_at;
  out.events.push_back(std::move(fired));
  for (auto& page : pages) out.events.push_back(std::move(page));
}

void CheckHandoffs(EscalationState& s, Timestamp t, const config::Calendar& clock,
                   const config::Config& config, RoutingMemo* memo, const std::string& case_id,
                   AdvanceResult& out) {
  if (schedules::IsOpen(clock, t)) {
    const bool resumed = !schedules::IsOpen(clock, t - milliseconds(1));
    for (const auto& name : s.step_schedules) {
      const auto* schedule = config.FindSchedule(name);
      if (schedule == nullptr) continue;
      // Used before the memo's next lookup, which may move its entries.
      schedules::Shift own;
      const schedules::Shift& shift = OnCallVia(memo, *schedule, t, own);
      if (!shift.engineer || Contains(s.step_paged, *shift.engineer)) continue;
      Paged page;
      page.case_id = case_id;
      page.at = t;
      page.engineer = *shift.engineer;
      page.step = s.current_step;
      page.cycle = s.current_cycle;
      page.target = "schedule/" + name;
      page.source = shift.source;
      page.reason.code = resumed ? ReasonCode::kClockResumed : ReasonCode::kHandoff;
      page.reason.until = shift.end;
      if (resumed) page.reason.calendar = clock.name;
      page.cause = resumed ? PageCause::kResume : PageCause::kHandoff;
      s.step_paged.push_back(page.engineer);
      out.events.push_back(std::move(page));
    }
  }
  s.watch_at = NextWatch(s, t, clock, config, memo);
  out.events.push_back(HandoffChecked{case_id, t, s.watch_at, std::nullopt});
}

void Run(EscalationState& s, Timestamp now, const EscalationContext& ctx, AdvanceResult& out) {
  CHECK(ctx.config != nullptr, "EscalationContext.config is set");
  if (s.stopped) return;
  const auto& config = *ctx.config;
  const auto& clock = ClockOf(s, config);
  const RoutingFacts facts{
      &config, config.FindCustomer(s.account), s.service, ctx.history, ctx.open_cases, ctx.memo};
  enum class Kind { kNone, kDeferred, kWarn, kBreach, kStep, kWatch };
  for (int guard = 0;; ++guard) {
    CHECK(guard < kMaxActionsPerAdvance, "Advance terminates");
    Kind kind = Kind::kNone;
    Timestamp t{};
    // Considered in tie order: at one instant the first considered fires first.
    auto consider = [&](bool live, Timestamp at, Kind k) {
      if (live && at <= now && (kind == Kind::kNone || at < t)) {
        kind = k;
        t = at;
      }
    };
    consider(s.deferred_page_pending, DeferredPageAt(s), Kind::kDeferred);
    consider(!s.warned, s.warning_at, Kind::kWarn);
    consider(!s.breached, s.due, Kind::kBreach);
    consider(!s.exhausted, s.next_step_at, Kind::kStep);
    consider(!s.exhausted && s.watch_at.has_value(), s.watch_at.value_or(Timestamp{}),
             Kind::kWatch);
    switch (kind) {
      case Kind::kNone:
        return;
      case Kind::kDeferred:
        FireDeferred(s, t, config, facts, ctx.case_id, out);
        break;
      case Kind::kWarn:
        s.warned = true;
        out.events.push_back(SlaWarning{ctx.case_id, t, s.due, std::nullopt});
        break;
      case Kind::kBreach:
        s.breached = true;
        out.events.push_back(Breached{ctx.case_id, t, s.due, std::nullopt, false});
        break;
      case Kind::kStep:
        FireStep(s, t, clock, config, facts, ctx.case_id, out);
        break;
      case Kind::kWatch:
        CheckHandoffs(s, t, clock, config, ctx.memo, ctx.case_id, out);
        break;
    }
  }
}

void Finish(AdvanceResult& out, Timestamp now) {
  const auto& s = out.state;
  out.next_action_at = NextActionAt(s);
  out.finished = !s.stopped && !out.next_action_at.has_value();
  // Every open, unanswered case whose policy still runs has a next action, and
  // nothing due at or before `now` is left unfired.
  CHECK(s.stopped || s.exhausted || out.next_action_at.has_value(),
        "an escalating case has a next action");
  CHECK(!out.next_action_at || *out.next_action_at > now, "nothing due is left unfired");
}

}  // namespace

std::optional<int> SeverityLevel(const config::Config& config, const std::string& code) {
  auto it = config.severity_map.find(code);
  if (it == config.severity_map.end()) return std::nullopt;
  return it->second;
}

base::Result<EscalationState> Start(const config::Config& config, const std::string& account,
                                    const std::string& service, int level, Timestamp opened,
                                    schedules::CaseCalendars* cals_out) {
  EscalationState s;
  s.account = account;
  s.service = service;
  s.opened = opened;
  schedules::CaseCalendars cals;
  auto status = Configure(s, config, level, opened, &cals);
  if (!status.ok()) return status;
  if (!s.fallback) {
    s.deferred = !schedules::IsOpen(*cals.coverage, opened);
    s.deferred_page_pending = s.deferred && !config.services.fallback_schedule.empty();
  }
  if (cals_out != nullptr) *cals_out = std::move(cals);
  return s;
}

base::Result<EscalationState> StartLate(const config::Config& config, const std::string& account,
                                        const std::string& service, int level, Timestamp opened,
                                        Timestamp learned) {
  CHECK(learned >= opened, "StartLate: a case is learned of at or after its opening");
  schedules::CaseCalendars cals;
  auto s = Start(config, account, service, level, opened, &cals);
  if (!s.ok() || learned == opened) return s;
  // Configure keeps `opened`, so the due and the warning still count from it.
  if (auto status = Configure(*s, config, level, learned); !status.ok()) return status;
  if (!s->fallback) {
    s->deferred = !schedules::IsOpen(*cals.coverage, learned);
    s->deferred_page_pending = s->deferred && !config.services.fallback_schedule.empty();
  }
  return s;
}

std::vector<config::Target> FirstTargets(const EscalationState& state,
                                         const config::Config& config) {
  CHECK(state.current_step == -1 && state.cycle == 0 && state.next_step == 0,
        "FirstTargets of a state that has fired a step");
  // The same sources FireDeferred and FireStep page from.
  if (state.deferred_page_pending) return {ScheduleTarget(config.services.fallback_schedule)};
  return PolicySteps(state, config)[0].notify;
}

base::Result<EscalationState> StartFollowUp(const config::Config& config,
                                            const std::string& account, const std::string& service,
                                            int level, Timestamp at, const std::string& owner) {
  CHECK(!owner.empty(), "a follow-up clock names its owner");
  EscalationState s;
  s.account = account;
  s.service = service;
  s.opened = at;
  s.owner = owner;
  auto status = Configure(s, config, level, at);
  if (!status.ok()) return status;
  return s;
}

AdvanceResult Advance(const EscalationState& state, Timestamp now, const EscalationContext& ctx) {
  AdvanceResult out;
  out.state = state;
  Run(out.state, now, ctx, out);
  Finish(out, now);
  return out;
}

std::optional<Timestamp> NextActionAt(const EscalationState& s) {
  if (s.stopped) return std::nullopt;
  std::optional<Timestamp> best;
  auto consider = [&](bool live, Timestamp at) {
    if (live && (!best || at < *best)) best = at;
  };
  consider(s.deferred_page_pending, DeferredPageAt(s));
  consider(!s.warned, s.warning_at);
  consider(!s.breached, s.due);
  consider(!s.exhausted, s.next_step_at);
  consider(!s.exhausted && s.watch_at.has_value(), s.watch_at.value_or(Timestamp{}));
  return best;
}

AdvanceResult Stop(const EscalationState& state, Timestamp at, const EscalationContext& ctx) {
  AdvanceResult out;
  out.state = state;
  Run(out.state, at - milliseconds(1), ctx, out);
  auto& s = out.state;
  if (!s.stopped) {
    s.stopped = true;
    s.stopped_at = at;
  }
  s.deferred_page_pending = false;
  s.watch_at.reset();
  Finish(out, at);
  return out;
}

base::Result<AdvanceResult> ChangeSeverity(const EscalationState& state, int new_level,
                                           Timestamp changed, const EscalationContext& ctx) {
  CHECK(ctx.config != nullptr, "EscalationContext.config is set");
  AdvanceResult out;
  out.state = state;
  Run(out.state, changed - milliseconds(1), ctx, out);
  auto& s = out.state;
  auto status = Configure(s, *ctx.config, new_level, changed);
  if (!status.ok()) return status;
  if (!s.stopped) {
    if (!s.breached && s.due <= changed) {
      // Already late under the new target: breached now; a warning would say nothing more.
      s.breached = true;
      s.warned = true;
      out.events.push_back(Breached{ctx.case_id, changed, s.due, std::nullopt, true});
    }
    if (!s.warned && s.warning_at < changed) s.warning_at = changed;
    out.rerouted = s;
    Run(s, changed, ctx, out);
  } else {
    out.rerouted = s;
  }
  Finish(out, changed);
  return out;
}

}  // namespace router
