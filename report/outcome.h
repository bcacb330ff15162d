// One response clock judged as of an instant `to`: the (and DESIGN.md
// "Guarantees") clock rules, from a ClockSummary (report/case_fold.h) alone, only
// the facts at or before `to` counting:
//  - breached: a breach was logged, or the due instant passed (strictly before `to`)
//    with no response or resolution at or before it (the log may lag: the due is a
//    fact too);
//  - met: the first response at or before the due instant; a resolution at or before
//    the due instant with no response is met and also resolved_unanswered;
//  - open: still running within its target at `to`;
//  - unrouted: the router could not route it (a configuration error), so it has no
//    due: counted as a clock, never as met, breached or open.
// The level, due and calendar are those in force when the clock ended (its breach,
// response or resolution), or at `to` while it runs: a severity change re-targets a
// running clock, never one that has ended. First response is measured on the clock's own calendar
// (business time for a `bh` target; coverage time for a plain one); time to
// acknowledge and to resolve in wall-clock time from the clock's start.
//
// Pure: the configuration is an argument (calendars by name). Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "report/case_fold.h"

namespace report {

enum class Outcome : uint8_t { kOpen, kMet, kBreached, kUnrouted };

// "open", "met", "breached", "unrouted".
const char* OutcomeName(Outcome outcome);

struct ClockOutcome {
  Outcome outcome = Outcome::kOpen;
  bool resolved_unanswered = false;
  const Routing* routing = nullptr;      // in force at `to`: level, due, calendar
  std::optional<Timestamp> breached_at;  // kBreached: the logged breach, else the due
  // Whole milliseconds; nullopt when the clock has no such instant by `to`.
  std::optional<Duration> first_response;  // on the clock's own calendar
  bool wall_clock = false;  // first_response counted in wall time: calendar not in the config
  std::optional<Duration> to_ack;      // first acknowledgement of the clock
  std::optional<Duration> to_resolve;  // the resolution during the clock
  int deepest_step = 0;                // position of the deepest step fired (StepFact)
  int pages = 0;                       // sent: decided and not superseded, by `to`
  int delivered = 0;                   // of those, with a receipt by `to`
  int undelivered = 0;                 // of those, logged delivery_failed and no receipt by `to`
};

// Judges `clock` as of `to`. The first response is measured on the clock's calendar
// looked up by name in `config`; when `config` is null or lacks it, in wall time, and
// wall_clock says so. REQUIRES: clock.start <= to; clock.routing not empty.
ClockOutcome Evaluate(const ClockSummary& clock, Timestamp to, const config::Config* config);

// The routing in force at `at`: the last one at or before it (the first one if none).
// REQUIRES: clock.routing not empty.
const Routing& RoutingAt(const ClockSummary& clock, Timestamp at);

// A page sent by `to`: decided at or before it and not superseded by then.
inline bool SentBy(const PageFact& page, Timestamp to) {
  return page.at <= to && !(page.superseded_at && *page.superseded_at <= to);
}

// The first page sent for the clock by `to`, or null: its engineer and schedule
// group the clock under --by engineer and schedule (kNobody without one).
const PageFact* FirstSent(const ClockSummary& clock, Timestamp to);
inline constexpr const char* kNobody = "(nobody)";

// Why the chain failed for a breached clock, as a code with the facts its
// detail names. Codes, tried in this order (the first that holds):
//  - severity_raised_past_target: breached at a severity change (the new level's
//    due had already passed);
//  - nobody_on_call: a step that fired at or before the due reached nobody, or no
//    page was sent by the due;
//  - pages_not_delivered: pages were sent by the due, none was delivered by it, and
//    at least one was logged delivery_failed;
//  - fallback_routing: routed to the fallback schedule (unknown account, service
//    out of scope);
//  - deferred_outside_coverage: the clock started outside coverage;
//  - not_acknowledged_in_time: pages were sent and none was acknowledged by the due.
enum class BreachCode : uint8_t {
  kSeverityRaisedPastTarget,
  kNobodyOnCall,
  kPagesNotDelivered,
  kFallbackRouting,
  kDeferredOutsideCoverage,
  kNotAcknowledgedInTime,
};

// The stable snake_case name of a code ("nobody_on_call", ...).
const char* BreachCodeName(BreachCode code);

struct BreachReason {
  BreachCode code = BreachCode::kNotAcknowledgedInTime;
  Timestamp due{};
  int pages = 0;                             // sent by the due
  std::vector<std::string> engineers;        // paged by the due, distinct, in page order
  int delivered = 0;                         // of those pages, delivered by the due
  int failed = 0;                            // of those pages, logged delivery_failed (by `to`)
  std::vector<const StepFact*> empty_steps;  // steps by the due that reached nobody
  const Routing* severity_change = nullptr;  // kSeverityRaisedPastTarget: the re-targeting
  router::Reason calendars;                  // kFallbackRouting: unknown account / out of scope
  std::optional<Timestamp> first_step_at;    // kDeferredOutsideCoverage: first policy step
};

// The reason of a clock Evaluate judged breached. REQUIRES: outcome.outcome == kBreached,
// and `outcome` is Evaluate(clock, to, ...). Pointers in the result point into `clock`.
BreachReason ExplainBreach(const ClockSummary& clock, const ClockOutcome& outcome, Timestamp to);

// The reason's detail for people, from its facts: "3 pages to p1, eae2, s1; none
// acknowledged by 2026-11-16T14:55:00Z".
std::string BreachDetail(const BreachReason& reason);

}  // namespace report
