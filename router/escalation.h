// The escalation state machine of one case, as values: when each step of the
// level's policy fires, whom it pages (through router/targets.h), handoffs and
// clock resumes inside a step, the SLA warning and breach, severity changes
// and the stop at first response. DESIGN.md "Escalation semantics, precisely"
// is the specification; every instant counts on the case's one clock
// (router/escalation_clock.h).
//
// Pure: no clock, no I/O; `now` is always an argument. What fires is returned
// as the domain events that record it (router/events.h), in the order it
// happened: the caller appends them to the log as they are. Thread-safe
// (reads only its arguments).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "config/config.h"
#include "router/events.h"
#include "router/targets.h"

namespace router {

// The escalation of one case. A value: copy it, store it, compare it. Names
// (not pointers) refer to the configuration, so a state outlives a config.
struct EscalationState {
  std::string account;
  std::string service;
  int level = 0;
  bool fallback = false;  // unknown account or out-of-scope service: pages the fallback schedule
  bool deferred = false;  // opened outside coverage
  bool deferred_page_pending = false;  // the fallback page at opening has not fired yet

  Timestamp opened{};
  std::string clock_calendar;   // name of the calendar the clock counts on
  config::DurationSpec target;  // the level's first response target
  Timestamp policy_base{};      // the opening, or the last severity change
  int repeat = 0;               // extra cycles after the first
  int step_count = 0;           // steps per cycle

  // Policy position: the next step to fire and its (possibly brought-forward) instant.
  int cycle = 0;
  int next_step = 0;
  Timestamp next_step_at{};
  bool exhausted = false;  // the last step of the last cycle fired

  // The step that fired last, watched for handoffs until the next step fires.
  int current_cycle = -1;
  int current_step = -1;                    // -1: no step fired yet
  std::vector<std::string> step_schedules;  // schedules it targeted
  std::vector<std::string> step_paged;      // engineers it paged (including handoffs)
  std::optional<Timestamp> watch_at;        // next handoff / clock-opening check

  Timestamp due{};
  Timestamp warning_at{};
  bool warned = false;
  bool breached = false;

  bool stopped = false;  // first response or resolution
  std::optional<Timestamp> stopped_at;

  // A next-response clock (a customer follow-up after a response): when set,
  // the steps are one step paging this engineer, repeated like the level's policy.
  std::string owner;

  friend bool operator==(const EscalationState&, const EscalationState&) = default;
};

// What one call decided: the new state and what fired, as events in the
// order it happened (a step before the pages it sent, a handoff page before
// the check that sent it). The events are Escalated, Paged, SlaWarning,
// Breached and HandoffChecked for the context's case; their next_action_at
// is left unset (the caller knows the case's next timer after each).
struct AdvanceResult {
  EscalationState state;  // the new state
  std::vector<Event> events;
  std::optional<Timestamp> next_action_at;  // NextActionAt(state)
  // ChangeSeverity only: the state right after re-targeting (and the breach
  // at the change), before anything fired at the change instant.
  std::optional<EscalationState> rerouted;
  bool finished = false;  // not stopped, yet nothing will ever happen again (policy exhausted)
};

// What escalation reads besides the state and the instant.
struct EscalationContext {
  const config::Config* config = nullptr;                  // REQUIRED
  const std::vector<HandledCase>* history = nullptr;       // for familiar; may be null
  const std::map<std::string, int>* open_cases = nullptr;  // for familiar; may be null
  RoutingMemo* memo = nullptr;  // one decision's lookups (router/targets.h); may be null
  std::string case_id{};        // the case the returned events name
};

// The level a case's severityCode maps to (config.severity_map); nullopt for a
// code the map does not name. How Decide levels a case, and `escalator due`.
std::optional<int> SeverityLevel(const config::Config& config, const std::string& code);

// Starts the escalation of a case opened at `opened` at `level`. Nothing fires
// yet: call Advance(state, opened, ...) to fire what is due at the opening.
// When ok and `cals_out` is given, *cals_out holds the case's calendars as
// resolved for it (schedules::ResolveCalendars).
// Errors (InvalidInput): the level has no target, or no policy with steps
// (a non-fallback case), or the configured calendars are missing.
base::Result<EscalationState> Start(const config::Config& config, const std::string& account,
                                    const std::string& service, int level, Timestamp opened,
                                    schedules::CaseCalendars* cals_out = nullptr);

// Starts the escalation of a case opened at `opened` that the router learns of only at
// `learned` (a reconciliation snapshot found it; the feed missed its CreateCase). The
// customer's clock runs from the opening: the due and the warning count from `opened`, so a
// case learned of after its due is breached (Advance fires the warning and the breach at their
// own instants, as facts). Nothing could be paged before anyone knew of the case, so the
// policy starts over from `learned`, as at a severity change (step k of cycle c at
// add(learned, c x target + after_k)), and a case learned of outside its coverage pages the
// fallback schedule at `learned`. Call Advance(state, learned, ...) to fire what is due then.
// Equals Start when learned == opened.
// REQUIRES: learned >= opened. Errors as Start.
base::Result<EscalationState> StartLate(const config::Config& config, const std::string& account,
                                        const std::string& service, int level, Timestamp opened,
                                        Timestamp learned);

// The targets of the first page of a state fresh from Start, as Advance will
// fire them: the fallback schedule for a deferred case (paged at the opening),
// else the first step of the steps the case runs (for a fallback case one step
// paging the fallback schedule).
// REQUIRES: `state` from Start with `config`, nothing fired yet.
std::vector<config::Target> FirstTargets(const EscalationState& state,
                                         const config::Config& config);

// Starts a next-response clock at `at` (a customer follow-up after a
// response): the level's target from `at`, one step paging `owner` at once
// and again each target duration, `repeat` times as the level's policy says.
// Never deferred: outside coverage the owner is paged at the next opening.
// REQUIRES: owner names an engineer. Errors as Start.
base::Result<EscalationState> StartFollowUp(const config::Config& config,
                                            const std::string& account, const std::string& service,
                                            int level, Timestamp at, const std::string& owner);

// Fires everything due at or before `now`, in time order (at one instant:
// deferred page, warning, breach, step, handoff check), and returns the new
// state with what fired. A stopped state fires nothing.
// REQUIRES: ctx.config; `state` from Start/Advance/ChangeSeverity/Stop with the same config.
AdvanceResult Advance(const EscalationState& state, Timestamp now, const EscalationContext& ctx);

// The earliest instant at which Advance would fire something; nullopt when
// stopped or when nothing is left (policy exhausted, warning and breach fired).
std::optional<Timestamp> NextActionAt(const EscalationState& state);

// The first response (ack or AWS-origin communication) or the resolution at
// `at`: fires what was due strictly before `at`, then cancels every step,
// page, warning and breach not yet fired.
// REQUIRES: ctx.config.
AdvanceResult Stop(const EscalationState& state, Timestamp at, const EscalationContext& ctx);

// A severity change to `new_level` at `changed`: fires what was due strictly
// before `changed`, then starts the new level's policy over from `changed`
// (step k of cycle c at add(changed, c × target + after_k)), re-targets due
// to add(opened, new target) (warning likewise; one warning and one breach per
// clock: flags already set stay set), breaches at `changed` when the new due
// is not after it (that Breached has at_severity_change set), and fires what
// is due at `changed`. Every event at or after `changed` follows the
// re-targeting; every one before precedes it. A stopped state only
// takes the new level and due. Errors as Start for the new level.
base::Result<AdvanceResult> ChangeSeverity(const EscalationState& state, int new_level,
                                           Timestamp changed, const EscalationContext& ctx);

}  // namespace router
