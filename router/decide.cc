#include "router/decide.h"

#include <utility>

namespace router {

namespace {

// Collects the events of one input and folds each into a scratch state as it
// is emitted, so every later rule of the same input sees the case as the
// earlier events left it (e.g. routing after case_opened sees an open case).
class Emitter {
 public:
  explicit Emitter(const CaseState& state) : state_(state) {}
  const CaseState& state() const { return state_; }
  void Emit(Event e) {
    EvolveInPlace(state_, e);
    decision_.events.push_back(std::move(e));
  }
  Decision Reject(const std::string& case_id, Timestamp now, std::string reason,
                  std::string summary, std::string event_id) {
    Decision d;
    d.events.push_back(
        InputRejected{case_id, now, reason, std::move(summary), std::move(event_id)});
    d.rejection = std::move(reason);
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
  }
  return "unknown";
}

std::string Summary(const FeedEvent& fe) {
  std::string s(ActionName(fe.action));
  s += " case=" + fe.case_id;
  if (!fe.event_id.empty()) s += " id=" + fe.event_id;
  if (fe.origin != Origin::kNone) s += " origin=" + std::string(OriginName(fe.origin));
  if (fe.details && !fe.details->severity_code.empty())
    s += " severity=" + fe.details->severity_code;
  return s;
}

std::optional<int> LevelOf(const config::Config& config, const std::string& code) {
  auto it = config.severity_map.find(code);
  if (it == config.severity_map.end()) return std::nullopt;
  return it->second;
}

// ---- One function per input kind. The feed-level rules live here; the
// routing and escalation rules (issue 5) extend them at the marked seams.

void OnCaseOpened(Emitter& out, const Context& ctx) {
  // SEAM (routing): resolve calendars and the due instant, emit Routed (with
  // clock_start, due, candidates, next_action_at) and the first step's Paged
  // events. Every open case without a response must have next_action_at set.
  (void)out;
  (void)ctx;
}

void OnCaseReopened(Emitter& out, const Context& ctx) {
  // SEAM (routing): a new clock started at the reopen; route again as at opening.
  (void)out;
  (void)ctx;
}

void OnSeverityChanged(Emitter& out, const Context& ctx) {
  // SEAM (routing): restart the new level's policy from the change; the
  // SeverityChanged event should then carry the re-targeted due and
  // next_action_at (build it here instead of in DecideFeed), and a Breached
  // follows at once when the new due has passed without a response.
  (void)out;
  (void)ctx;
}

void OnCustomerFollowUp(Emitter& out, const Context& ctx) {
  // SEAM (routing): a next-response clock started; page the case's owner.
  (void)out;
  (void)ctx;
}

Decision DecideCreate(const CaseState& state, const FeedEvent& fe, int level, const Context& ctx) {
  Emitter out(state);
  const CaseDetails& d = *fe.details;
  out.Emit(CaseOpened{fe.case_id, fe.at, d.display_id.empty() ? fe.display_id : d.display_id,
                      fe.account, d.subject, d.service_code, d.category_code, d.severity_code,
                      level, d.submitted_by, d.time_created, d.language, fe.event_id});
  OnCaseOpened(out, ctx);
  return out.Finish();
}

Decision DecideFeed(const CaseState& state, const FeedEvent& fe, const Context& ctx) {
  Emitter out(state);
  auto reject = [&](std::string reason) {
    return out.Reject(fe.case_id, ctx.now, std::move(reason), Summary(fe), fe.event_id);
  };
  if (fe.case_id.empty()) return reject("event names no case id");
  if (!fe.event_id.empty() && state.SawEventId(fe.event_id)) return {};  // redelivery

  std::optional<int> level;
  const CaseDetails* details = fe.details ? &*fe.details : nullptr;
  if (details != nullptr) {
    if (!details->case_id.empty() && details->case_id != fe.case_id) {
      return reject("case details name case '" + details->case_id + "', the event names '" +
                    fe.case_id + "'");
    }
    if (!details->severity_code.empty()) {
      level = LevelOf(ctx.config, details->severity_code);
      if (!level) return reject("unknown severityCode '" + details->severity_code + "'");
    }
  }

  if (fe.action == FeedAction::kCreateCase) {
    if (details == nullptr) return reject("CreateCase without case details");
    if (!level) return reject("CreateCase without severityCode");
    if (state.opened) return reject("CreateCase for a case already opened");
    return DecideCreate(state, fe, *level, ctx);
  }

  if (!state.opened) {
    return reject(std::string(ActionName(fe.action)) + " for a case never opened");
  }

  if (level && details->severity_code != state.severity_code) {
    out.Emit(SeverityChanged{fe.case_id, fe.at, state.severity_code, details->severity_code,
                             state.level, *level, fe.event_id, std::nullopt,
                             out.state().next_action_at});
    OnSeverityChanged(out, ctx);
  }

  switch (fe.action) {
    case FeedAction::kCreateCase:
      break;  // handled above
    case FeedAction::kAddCommunication: {
      const CaseState& s = out.state();
      bool open = s.status == CaseStatus::kOpen;
      bool follow_up = open && fe.origin == Origin::kCustomer && !s.awaiting_response &&
                       s.last_response_at.has_value();
      bool response = open && fe.origin == Origin::kAws && s.awaiting_response;
      out.Emit(CommunicationAdded{fe.case_id, fe.at, fe.origin, fe.communication_id, fe.event_id,
                                  follow_up, std::nullopt, s.next_action_at});
      if (response) {
        out.Emit(
            Responded{fe.case_id, fe.at, ResponseKind::kAwsCommunication, fe.communication_id});
      }
      if (follow_up) OnCustomerFollowUp(out, ctx);
      break;
    }
    case FeedAction::kResolveCase:
      // Resolving a resolved case is a no-op, not an error: the feed may repeat itself.
      if (out.state().status == CaseStatus::kOpen) {
        out.Emit(CaseResolved{fe.case_id, fe.at, fe.event_id});
      }
      break;
    case FeedAction::kReopenCase:
      if (out.state().status == CaseStatus::kResolved) {
        out.Emit(CaseReopened{fe.case_id, fe.at, fe.event_id, std::nullopt});
        OnCaseReopened(out, ctx);
      }
      break;
  }
  return out.Finish();
}

Decision DecideTick(const CaseState& state, const Tick& tick, const Context& ctx) {
  // SEAM (routing): fire what is due at or before tick.at (escalation steps,
  // handoff pages, sla_warning, breached), each event recording the next timer.
  (void)state;
  (void)tick;
  (void)ctx;
  return {};
}

Decision DecideAcknowledge(const CaseState& state, const Acknowledge& ack, const Context& ctx) {
  Emitter out(state);
  std::string summary = "ack case=" + ack.case_id + " engineer=" + ack.engineer;
  auto reject = [&](std::string reason) {
    return out.Reject(ack.case_id, ctx.now, std::move(reason), summary, "");
  };
  if (ack.case_id.empty()) return reject("acknowledgement names no case id");
  if (!state.opened) return reject("acknowledgement for a case never opened");
  if (ack.engineer.empty()) return reject("acknowledgement names no engineer");
  if (ctx.config.FindEngineer(ack.engineer) == nullptr) {
    return reject("acknowledgement by unknown engineer '" + ack.engineer + "'");
  }
  bool response = state.status == CaseStatus::kOpen && state.awaiting_response;
  bool already = false;
  for (const auto& e : state.acked_by) already = already || e == ack.engineer;
  if (already && !response) return {};  // a repeated ack changes nothing
  out.Emit(Acknowledged{ack.case_id, ack.at, ack.engineer});
  if (response) out.Emit(Responded{ack.case_id, ack.at, ResponseKind::kAck, ack.engineer});
  // SEAM (routing): nothing else; Responded already stops the escalation.
  return out.Finish();
}

}  // namespace

Decision Decide(const CaseState& state, const Input& input, const Context& ctx) {
  return std::visit(
      [&](const auto& in) -> Decision {
        using T = std::decay_t<decltype(in)>;
        if constexpr (std::is_same_v<T, FeedEvent>) return DecideFeed(state, in, ctx);
        if constexpr (std::is_same_v<T, Tick>) return DecideTick(state, in, ctx);
        if constexpr (std::is_same_v<T, Acknowledge>) return DecideAcknowledge(state, in, ctx);
      },
      input);
}

}  // namespace router
