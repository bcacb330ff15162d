// Decide: what one input means for one case, as new events. Pure: reads only
// its arguments (no clock, no I/O), never throws, deterministic.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/time.h"
#include "config/config.h"
#include "router/case_state.h"
#include "router/events.h"
#include "router/inputs.h"

namespace router {

// What Decide may look at besides the case: the immutable configuration and
// the instant the shell read from its clock for this step.
struct Context {
  const config::Config& config;
  Timestamp now;
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
Decision Decide(const CaseState& state, const Input& input, const Context& ctx);

}  // namespace router
