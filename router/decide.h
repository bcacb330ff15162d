// Decide: what one input means for one case, as new events. Pure: reads only
// its arguments (no clock, no I/O), never throws, deterministic.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/time.h"
#include "config/config.h"
#include "router/case_state.h"
#include "router/events.h"
#include "router/inputs.h"
#include "router/targets.h"

namespace router {

// What Decide may look at besides the case: the immutable configuration, the
// instant the shell read from its clock for this step, and the routing facts
// beyond this one case that `familiar` ranks by (the engine keeps them as
// projections of the log; null: none). Whatever Decide reads from them is
// written into the events (candidates with scores), so replay needs neither.
struct Context {
  const config::Config& config;
  Timestamp now;
  const std::vector<HandledCase>* history = nullptr;       // cases of this customer handled
  const std::map<std::string, int>* open_cases = nullptr;  // engineer -> open cases owned
};

// The outcome of one input. A refused input yields exactly one InputRejected
// event (so the log explains the refusal) and `rejection` holds its reason, so
// that the shell can also keep the input as a dead letter. An input that
// changes nothing (a redelivered envelope, a second resolve) yields no events.
struct Decision {
  std::vector<Event> events;
  std::optional<std::string> rejection;
  bool rejected() const { return rejection.has_value(); }
};

// Decides the events one input causes for the case it names.
// REQUIRES: `state` is the fold of every event of CaseOf(input) so far (a
// default CaseState for a case never seen).
// Feed-level rules: CreateCase with details opens the case (level through
// severity_map); a redelivered envelope id changes nothing; an input for a case
// never opened, a CreateCase without details or for an opened case, an unknown
// severityCode, or details naming another case is refused; details carrying
// another severityCode change the severity; an AWS communication, or an
// acknowledgement, while the response clock runs is the response; a CUSTOMER
// communication after a response starts a next-response clock.
// Routing rules (DESIGN.md "Escalation semantics, precisely"): an opening,
// reopen or follow-up routes the case (routed: level, calendars, plan, due,
// candidates, the escalation plan) and fires what is due at that instant
// (escalated, paged); a Tick fires everything due at or before tick.at
// (escalated, paged, handoff_checked, sla_warning, breached); the first
// response or the resolution fires what was due strictly before it, then
// stops the escalation; a severity change fires what was due strictly before
// it, then re-routes at the new level (routed without clock_start). Every
// event that has a next_action_at field carries the case's next timer after it.
Decision Decide(const CaseState& state, const Input& input, const Context& ctx);

// Whether a page decided at `page_at` (the paged event `paged_seq`, to `engineer`) has become
// moot before it could leave: the case was answered (a response at or after the page) or is
// resolved (at or after it). Then the page_superseded event that says so. Pure.
std::optional<PageSuperseded> SupersedePage(const CaseState& state, const std::string& engineer,
                                            Timestamp page_at, uint64_t paged_seq);

}  // namespace router
