#include "router/decide.h"

#include <utility>

#include "base/check.h"
#include "router/escalation.h"
#include "router/reason_text.h"
#include "schedules/schedules.h"

namespace router {

namespace {

// One Decide call: the caller's context and the call's own scratch (the
// on-call and familiar lookups it already made; nothing of it outlives the
// call, so Decide stays a function of its arguments).
struct Call : Context {
  RoutingMemo* memo = nullptr;
};

template <typename E>
concept HasNextAction = requires(E e) {
  e.next_action_at;
};

// The case's next timer as its escalation says (nullopt: none).
std::optional<Timestamp> NextOf(const CaseState& s) {
  if (!s.escalation) return std::nullopt;
  return NextActionAt(*s.escalation);
}

// Collects the events of one input and folds each into a scratch state as it
// is emitted, so every later rule of the same input sees the case as the
// earlier events left it (e.g. routing after case_opened sees an open case).
class Emitter {
 public:
  explicit Emitter(const CaseState& state) : state_(state) {}
  // Room for n events up front (an opening emits four to eight): saves moving
  // the large event variants as the vector grows.
  void Reserve(size_t n) { decision_.events.reserve(n); }
  const CaseState& state() const { return state_; }
  // Folds `e`, and writes the case's next timer after it into an event that
  // has a next_action_at field, so that the fold of the event sets it again.
  void Emit(Event e) {
    EvolveInPlace(state_, e);
    std::visit(
        [&](auto& ev) {
          if constexpr (HasNextAction<std::decay_t<decltype(ev)>>) {
            ev.next_action_at = NextOf(state_);
            state_.next_action_at = ev.next_action_at;
          }
        },
        e);
    decision_.events.push_back(std::move(e));
  }
  Decision Reject(const std::string& case_id, Timestamp now, Reason reason, std::string summary,
                  std::string event_id) {
    Decision d;
    InputRejected e{case_id, now, std::move(reason), std::move(summary), std::move(event_id)};
    d.rejection = ReasonText(e);
    d.events.push_back(std::move(e));
    return d;
  }
  Decision Finish() { return std::move(decision_); }

 private:
  CaseState state_;
  Decision decision_;
};

std::string_view ActionName(FeedAction a) {
  switch (a) {
    case FeedAction::kCreateCase:
      return "CreateCase";
    case FeedAction::kAddCommunication:
      return "AddCommunicationToCase";
    case FeedAction::kResolveCase:
      return "ResolveCase";
    case FeedAction::kReopenCase:
      return "ReopenCase";
    case FeedAction::kReconcile:
      return "Reconcile";
  }
  return "unknown";
}

// The snapshot instant of a reconciled case (FeedAction::kReconcile), else nullopt.
std::optional<Timestamp> ReconciledAt(const FeedEvent& fe) {
  if (fe.action != FeedAction::kReconcile) return std::nullopt;
  return fe.at;
}

// The support API's status of a resolved case (every other status is an open case).
constexpr std::string_view kResolvedStatus = "resolved";

std::string Summary(const FeedEvent& fe) {
  std::string s(ActionName(fe.action));
  s += " case=" + fe.case_id;
  if (!fe.event_id.empty()) s += " id=" + fe.event_id;
  if (fe.origin != Origin::kNone) s += " origin=" + std::string(OriginName(fe.origin));
  if (fe.details && !fe.details->severity_code.empty())
    s += " severity=" + fe.details->severity_code;
  return s;
}

// ---- Routing and escalation: the escalation state machine
// (router/escalation.h) decides and returns its events in the order they
// happened; these functions emit them between the case's own events and check
// that folding them rebuilds exactly the state it returned (Evolve needs
// nothing else).

EscalationContext ECtx(const Call& ctx, const std::string& case_id) {
  return EscalationContext{&ctx.config, ctx.history, ctx.open_cases, ctx.memo, case_id};
}

// Folding the events must rebuild the escalation state exactly; anything else
// is a bug that would make replay diverge from the live state.
void Verify(const Emitter& out, const EscalationState& expected) {
  const auto& got = out.state().escalation;
  CHECK(got && *got == expected && out.state().next_action_at == NextActionAt(expected),
        "decide: the fold of case " + out.state().case_id +
            "'s events differs from its escalation state");
}

// Emits r.events[from, to), moving them out of `r` (each is emitted once;
// r.state and r.rerouted are left alone).
void EmitFired(Emitter& out, AdvanceResult& r, size_t from, size_t to) {
  for (size_t i = from; i < to; ++i) out.Emit(std::move(r.events[i]));
}

// Why the case has its calendars, naming only what the Routed event does not.
Reason CalendarsReasonOf(const schedules::CaseCalendars& cals, const std::string& account,
                         const std::string& service) {
  Reason r;
  switch (cals.basis) {
    case schedules::CalendarsBasis::kEnterprisePlan:
      r.code = ReasonCode::kEnterprisePlan;
      break;
    case schedules::CalendarsBasis::kPlan:
      r.code = ReasonCode::kPlan;
      break;
    case schedules::CalendarsBasis::kPlanAddon24x7:
      r.code = ReasonCode::kPlanAddon24x7;
      break;
    case schedules::CalendarsBasis::kAddonExcluded:
      r.code = ReasonCode::kAddonExcluded;
      r.service = service;
      break;
    case schedules::CalendarsBasis::kUnknownAccount:
      r.code = ReasonCode::kUnknownAccount;
      r.account = account;
      break;
    case schedules::CalendarsBasis::kOutOfScope:
      r.code = ReasonCode::kOutOfScope;
      r.service = service;
      break;
  }
  return r;
}

// The routing facts of the case's account and service.
Routed BaseRouted(const CaseState& s, const Call& ctx, Timestamp at) {
  auto cals = schedules::ResolveCalendars(ctx.config, s.account, s.service);
  Routed r;
  r.case_id = s.case_id;
  r.at = at;
  r.level = s.level;
  r.coverage = cals.coverage ? cals.coverage->name : "";
  r.business = cals.business ? cals.business->name : "";
  r.plan = cals.plan;
  r.fallback = cals.fallback;
  r.calendars = CalendarsReasonOf(cals, s.account, s.service);
  RoutingFacts facts{&ctx.config, cals.customer, s.service, ctx.history, ctx.open_cases, ctx.memo};
  r.candidates = ctx.memo->RankFamiliar(at, facts);
  return r;
}

// Records the escalation plan of a freshly configured state (before anything fired).
void FillPlan(Routed& r, const EscalationState& x) {
  r.level = x.level;
  r.fallback = x.fallback;
  r.due = x.due;
  r.clock = x.clock_calendar;
  r.target_s = x.target.amount.count();
  r.target_business = x.target.business;
  r.policy_base = x.policy_base;
  r.repeat = x.repeat;
  r.steps = x.step_count;
  r.first_step_at = x.next_step_at;
  r.warning_at = x.warning_at;
  r.deferred = x.deferred;
  r.deferred_page = x.deferred_page_pending;
  r.owner = x.owner;
}

// Starts a response clock at `at` with `started` (Start / StartFollowUp / StartLate's
// result): routed, then whatever fires up to `fire_until` (default: `at`; StartLate's case:
// the instant the router learned of it).
void StartClock(Emitter& out, const Call& ctx, Timestamp at,
                const base::Result<EscalationState>& started, ReasonCode why,
                std::optional<Timestamp> fire_until = std::nullopt) {
  Routed r = BaseRouted(out.state(), ctx, at);
  r.clock_start = at;
  r.reason.code = why;
  if (!started.ok()) {
    r.reason.text = started.status().message();
    out.Emit(std::move(r));
    return;
  }
  FillPlan(r, *started);
  out.Emit(std::move(r));
  AdvanceResult fired = Advance(*started, fire_until.value_or(at), ECtx(ctx, out.state().case_id));
  EmitFired(out, fired, 0, fired.events.size());
  Verify(out, fired.state);
}

base::Result<EscalationState> StartFor(const CaseState& s, const Call& ctx, Timestamp at) {
  return Start(ctx.config, s.account, s.service, s.level, at);
}

void OnCaseOpened(Emitter& out, const Call& ctx) {
  const CaseState& s = out.state();
  StartClock(out, ctx, s.opened_at, StartFor(s, ctx, s.opened_at), ReasonCode::kOpened);
}

void OnCaseReopened(Emitter& out, const Call& ctx, Timestamp at) {
  StartClock(out, ctx, at, StartFor(out.state(), ctx, at), ReasonCode::kReopened);
}

// The first response or the resolution at `at`: emits what was due strictly
// before `at`. The caller then emits the stopping event and calls Verify with
// the returned state. nullopt: no escalation to stop.
std::optional<EscalationState> FireBeforeStop(Emitter& out, const Call& ctx, Timestamp at) {
  const CaseState& s = out.state();
  if (!s.escalation) return std::nullopt;
  AdvanceResult r = Stop(*s.escalation, at, ECtx(ctx, s.case_id));
  EmitFired(out, r, 0, r.events.size());
  return r.state;
}

void VerifyStopped(const Emitter& out, const std::optional<EscalationState>& expected) {
  if (expected) Verify(out, *expected);
}

void OnSeverityChanged(Emitter& out, const Call& ctx, const FeedEvent& fe,
                       const std::string& to_code, int to_level) {
  const CaseState& s = out.state();
  // Copied: emitting severity_changed below moves the state to the new code.
  const std::string from_code = s.severity_code;
  SeverityChanged ev{fe.case_id, fe.at,       from_code,    to_code,      s.level,
                     to_level,   fe.event_id, std::nullopt, std::nullopt, ReconciledAt(fe)};
  if (!s.escalation) {
    out.Emit(std::move(ev));
    return;
  }
  auto changed = ChangeSeverity(*s.escalation, to_level, fe.at, ECtx(ctx, s.case_id));
  if (!changed.ok() || !changed->rerouted) {
    // Impossible with a validated config (every level has a target and a
    // policy): the old level's escalation keeps running.
    out.Emit(std::move(ev));
    return;
  }
  AdvanceResult& r = *changed;
  size_t split = 0;
  while (split < r.events.size() && AtOf(r.events[split]) < fe.at) ++split;
  EmitFired(out, r, 0, split);
  ev.due = r.rerouted->due;
  out.Emit(std::move(ev));
  Routed rt = BaseRouted(out.state(), ctx, fe.at);
  FillPlan(rt, *r.rerouted);
  rt.reason.code = ReasonCode::kSeverityChanged;
  rt.reason.from_severity = from_code;
  rt.reason.severity = to_code;
  out.Emit(std::move(rt));
  EmitFired(out, r, split, r.events.size());
  Verify(out, r.state);
}

// A customer follow-up after a response at `at` (its communication_added is
// emitted here, with the due of the clock it starts).
void OnCustomerFollowUp(Emitter& out, const Call& ctx, const FeedEvent& fe) {
  const CaseState& s = out.state();
  const bool owned = !s.owner.empty() && ctx.config.FindEngineer(s.owner) != nullptr;
  auto started = owned ? StartFollowUp(ctx.config, s.account, s.service, s.level, fe.at, s.owner)
                       : StartFor(s, ctx, fe.at);
  std::optional<Timestamp> due;
  if (started.ok()) due = started->due;
  out.Emit(CommunicationAdded{fe.case_id, fe.at, fe.origin, fe.communication_id, fe.event_id, true,
                              due, std::nullopt});
  StartClock(out, ctx, fe.at, started,
             owned ? ReasonCode::kFollowUpOwner : ReasonCode::kFollowUpPolicy);
}

Decision DecideCreate(const CaseState& state, const FeedEvent& fe, int level, const Call& ctx) {
  Emitter out(state);
  out.Reserve(8);
  const CaseDetails& d = *fe.details;
  out.Emit(CaseOpened{fe.case_id, fe.at, d.display_id.empty() ? fe.display_id : d.display_id,
                      fe.account, d.subject, d.service_code, d.category_code, d.severity_code,
                      level, d.submitted_by, d.time_created, d.language, fe.event_id});
  OnCaseOpened(out, ctx);
  return out.Finish();
}

// One case of a reconciliation snapshot taken at fe.at (DecideFeed has checked that its
// details name the case and that their severity, if any, is levelled). What the snapshot says
// against what the log holds:
//  - a case the log never opened: opened if the snapshot has it open (from its timeCreated:
//    StartLate), ignored if resolved (nobody needs paging for it);
//  - else nothing when the log knows facts of the case as of fe.at or later (last_fact_at): an
//    older snapshot never overrules newer facts, and the same snapshot twice changes nothing;
//  - else, as the feed events it stands for would: another severityCode is a severity change,
//    resolved in the snapshot but open in the log is a resolution, open in the snapshot but
//    resolved in the log is a reopening, each at fe.at and marked reconciled_at = fe.at.
Decision DecideReconcile(const CaseState& state, const FeedEvent& fe, std::optional<int> level,
                         const Call& ctx) {
  Emitter out(state);
  const CaseDetails& d = *fe.details;
  const bool open = d.status != kResolvedStatus;
  if (!state.opened) {
    if (!open) return {};
    if (!level) {
      return out.Reject(fe.case_id, ctx.now, {ReasonCode::kCreateWithoutSeverity}, Summary(fe),
                        fe.event_id);
    }
    // The parser refuses a timeCreated after taken_at; a missing one opens the case when learned.
    const Timestamp opened = d.time_created ? std::min(*d.time_created, fe.at) : fe.at;
    out.Reserve(8);
    out.Emit(CaseOpened{fe.case_id, opened, d.display_id.empty() ? fe.display_id : d.display_id,
                        fe.account, d.subject, d.service_code, d.category_code, d.severity_code,
                        *level, d.submitted_by, d.time_created, d.language, fe.event_id, fe.at});
    const CaseState& s = out.state();
    StartClock(out, ctx, opened,
               StartLate(ctx.config, s.account, s.service, s.level, opened, fe.at),
               ReasonCode::kOpened, fe.at);
    return out.Finish();
  }
  if (state.last_fact_at && *state.last_fact_at >= fe.at) return {};
  if (level && d.severity_code != state.severity_code) {
    OnSeverityChanged(out, ctx, fe, d.severity_code, *level);
  }
  if (!open && out.state().status == CaseStatus::kOpen) {
    auto stopped = FireBeforeStop(out, ctx, fe.at);
    out.Emit(CaseResolved{fe.case_id, fe.at, fe.event_id, fe.at});
    VerifyStopped(out, stopped);
  } else if (open && out.state().status == CaseStatus::kResolved) {
    out.Emit(CaseReopened{fe.case_id, fe.at, fe.event_id, std::nullopt, fe.at});
    OnCaseReopened(out, ctx, fe.at);
  }
  return out.Finish();
}

Decision DecideFeed(const CaseState& state, const FeedEvent& fe, const Call& ctx) {
  Emitter out(state);
  auto reject = [&](Reason reason) {
    return out.Reject(fe.case_id, ctx.now, std::move(reason), Summary(fe), fe.event_id);
  };
  if (fe.case_id.empty()) return reject({ReasonCode::kNoCaseId});
  if (!fe.event_id.empty() && state.SawEventId(fe.event_id)) return {};  // redelivery

  std::optional<int> level;
  const CaseDetails* details = fe.details ? &*fe.details : nullptr;
  if (details != nullptr) {
    if (!details->case_id.empty() && details->case_id != fe.case_id) {
      Reason why{ReasonCode::kDetailsNameOtherCase};
      why.case_id = details->case_id;
      return reject(std::move(why));
    }
    if (!details->severity_code.empty()) {
      level = SeverityLevel(ctx.config, details->severity_code);
      if (!level) {
        Reason why{ReasonCode::kUnknownSeverity};
        why.severity = details->severity_code;
        return reject(std::move(why));
      }
    }
  }

  if (fe.action == FeedAction::kReconcile) {
    if (details == nullptr) return reject({ReasonCode::kCreateWithoutDetails});
    return DecideReconcile(state, fe, level, ctx);
  }

  if (fe.action == FeedAction::kCreateCase) {
    if (details == nullptr) return reject({ReasonCode::kCreateWithoutDetails});
    if (!level) return reject({ReasonCode::kCreateWithoutSeverity});
    // A snapshot opened the case before its CreateCase came (late, not lost): nothing new.
    if (state.opened && state.opened_by_reconciliation) return {};
    if (state.opened) return reject({ReasonCode::kAlreadyOpened});
    return DecideCreate(state, fe, *level, ctx);
  }

  if (!state.opened) {
    Reason why{ReasonCode::kNeverOpened};
    why.action = ActionName(fe.action);
    return reject(std::move(why));
  }

  if (level && details->severity_code != state.severity_code) {
    OnSeverityChanged(out, ctx, fe, details->severity_code, *level);
  }

  switch (fe.action) {
    case FeedAction::kCreateCase:
    case FeedAction::kReconcile:
      break;  // handled above
    case FeedAction::kAddCommunication: {
      const CaseState& s = out.state();
      bool open = s.status == CaseStatus::kOpen;
      bool follow_up = open && fe.origin == Origin::kCustomer && !s.awaiting_response &&
                       s.last_response_at.has_value();
      bool response = open && fe.origin == Origin::kAws && s.awaiting_response;
      if (follow_up) {
        OnCustomerFollowUp(out, ctx, fe);
        break;
      }
      std::optional<EscalationState> stopped;
      if (response) stopped = FireBeforeStop(out, ctx, fe.at);
      out.Emit(CommunicationAdded{fe.case_id, fe.at, fe.origin, fe.communication_id, fe.event_id,
                                  false, std::nullopt, std::nullopt});
      if (response) {
        out.Emit(
            Responded{fe.case_id, fe.at, ResponseKind::kAwsCommunication, fe.communication_id});
        VerifyStopped(out, stopped);
      }
      break;
    }
    case FeedAction::kResolveCase:
      // Resolving a resolved case is a no-op, not an error: the feed may repeat itself.
      if (out.state().status == CaseStatus::kOpen) {
        auto stopped = FireBeforeStop(out, ctx, fe.at);
        out.Emit(CaseResolved{fe.case_id, fe.at, fe.event_id});
        VerifyStopped(out, stopped);
      }
      break;
    case FeedAction::kReopenCase:
      if (out.state().status == CaseStatus::kResolved) {
        out.Emit(CaseReopened{fe.case_id, fe.at, fe.event_id, std::nullopt});
        OnCaseReopened(out, ctx, fe.at);
      }
      break;
  }
  return out.Finish();
}

Decision DecideTick(const CaseState& state, const Tick& tick, const Call& ctx) {
  // A tick for a case with nothing running is a stale timer: nothing to do.
  if (!state.opened || !state.escalation || state.escalation->stopped) return {};
  AdvanceResult fired = Advance(*state.escalation, tick.at, ECtx(ctx, state.case_id));
  if (fired.events.empty()) return {};
  Emitter out(state);  // copies the case: only when there is something to emit
  EmitFired(out, fired, 0, fired.events.size());
  Verify(out, fired.state);
  return out.Finish();
}

Decision DecideAcknowledge(const CaseState& state, const Acknowledge& ack, const Call& ctx) {
  Emitter out(state);
  std::string summary = "ack case=" + ack.case_id + " engineer=" + ack.engineer;
  auto reject = [&](Reason reason) {
    return out.Reject(ack.case_id, ctx.now, std::move(reason), summary, "");
  };
  if (ack.case_id.empty()) return reject({ReasonCode::kAckNoCaseId});
  if (!state.opened) return reject({ReasonCode::kAckNeverOpened});
  if (ack.engineer.empty()) return reject({ReasonCode::kAckNoEngineer});
  if (ctx.config.FindEngineer(ack.engineer) == nullptr) {
    Reason why{ReasonCode::kAckUnknownEngineer};
    why.engineer = ack.engineer;
    return reject(std::move(why));
  }
  bool response = state.status == CaseStatus::kOpen && state.awaiting_response;
  bool already = false;
  for (const auto& e : state.acked_by) already = already || e == ack.engineer;
  if (already && !response) return {};  // a repeated ack changes nothing
  std::optional<EscalationState> stopped;
  if (response) stopped = FireBeforeStop(out, ctx, ack.at);
  out.Emit(Acknowledged{ack.case_id, ack.at, ack.engineer});
  if (response) {
    out.Emit(Responded{ack.case_id, ack.at, ResponseKind::kAck, ack.engineer});
    VerifyStopped(out, stopped);
  }
  return out.Finish();
}

}  // namespace

Decision Decide(const CaseState& state, const Input& input, const Context& ctx) {
  RoutingMemo memo;
  const Call call{ctx, &memo};
  return std::visit(
      [&](const auto& in) -> Decision {
        using T = std::decay_t<decltype(in)>;
        if constexpr (std::is_same_v<T, FeedEvent>) return DecideFeed(state, in, call);
        if constexpr (std::is_same_v<T, Tick>) return DecideTick(state, in, call);
        if constexpr (std::is_same_v<T, Acknowledge>) return DecideAcknowledge(state, in, call);
      },
      input);
}

std::optional<PageSuperseded> SupersedePage(const CaseState& state, const std::string& engineer,
                                            Timestamp page_at, uint64_t paged_seq) {
  PageSuperseded out{state.case_id, {}, engineer, paged_seq, SupersededBy::kResponse};
  if (state.status == CaseStatus::kResolved && state.resolved_at && *state.resolved_at >= page_at) {
    out.at = *state.resolved_at;
    out.by = SupersededBy::kResolution;
    return out;
  }
  if (state.last_response_at && *state.last_response_at >= page_at) {
    out.at = *state.last_response_at;
    return out;
  }
  return std::nullopt;
}

}  // namespace router
