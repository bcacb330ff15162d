// The state of one case, as folded from its events. Evolve is the only way
// state changes, so the projection stored by the engine always equals a fold
// of the case's events from the log (replay, audit and simulation are exact).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "router/escalation.h"
#include "router/events.h"

namespace router {

// Persisted (inside the projection encoding): never renumber.
enum class CaseStatus : uint8_t { kNone = 0, kOpen = 1, kResolved = 2 };

// How many envelope ids a case remembers for idempotency. A redelivery of an
// envelope older than the last kSeenEventIds of its case is not recognised;
// source offsets written with every batch stop Kafka redeliveries long before.
inline constexpr size_t kSeenEventIds = 64;

// The 64-bit FNV-1a hash of an envelope id: what a case remembers of it. Persisted
// (in projections): never change. Two distinct ids of one case collide with
// probability ~2^-58 over its 64 remembered ids; a collision would drop the newer
// event as a redelivery.
uint64_t EventIdHash(std::string_view id);

struct CaseState {
  bool opened = false;  // a case_opened was folded
  CaseStatus status = CaseStatus::kNone;
  std::string case_id;
  std::string display_id;
  std::string subject;
  std::string account;
  std::string service;
  std::string severity_code;
  int level = 0;
  Timestamp opened_at{};
  std::optional<Timestamp> resolved_at;
  int reopen_count = 0;

  // Routing, as last decided (Routed).
  std::string coverage;
  std::string business;
  std::string plan;
  bool fallback = false;

  // The response clock: started at opening, reopen, or a customer follow-up
  // after a response; stopped by the first acknowledgement or AWS communication.
  // Its due instant, warning and breach, and the escalation's step and cycle,
  // are the escalation's (below): each fact is held once.
  Timestamp clock_start{};
  bool awaiting_response = false;              // the clock is running
  std::optional<Timestamp> first_response_at;  // of the current opening (reset on reopen)
  std::optional<Timestamp> last_response_at;
  int breach_count = 0;  // over the case's life

  std::vector<std::string> paged;     // distinct engineers paged since the clock started
  std::vector<std::string> acked_by;  // distinct engineers who acknowledged, in order
  std::string owner;                  // who first acknowledged or responded
  std::optional<Timestamp> next_action_at;

  // EventIdHash of the envelope ids seen, newest last, at most kSeenEventIds:
  // 8 bytes each instead of a 36-character id, in every projection write.
  std::vector<uint64_t> seen_event_ids;
  int rejected_inputs = 0;

  // The latest instant the case's facts are known as of: the latest opening, communication,
  // severity change, resolution or reopening folded (its `at`, or for a fact learned from a
  // reconciliation snapshot the snapshot's taken_at when later). A snapshot taken before it
  // cannot overrule what the log knows (Decide's reconciliation rules). nullopt: no such fact
  // yet, or a projection written before the field existed (until the case's next event).
  std::optional<Timestamp> last_fact_at;
  // The case was opened by a reconciliation snapshot (its case_opened has reconciled_at): a
  // CreateCase the feed delivers late for it is no news.
  bool opened_by_reconciliation = false;

  // The escalation state machine of the running (or last) clock, rebuilt by
  // the fold from routed / escalated / paged / handoff_checked / sla_warning /
  // breached / responded / case_resolved events alone: the clock's due,
  // warning_at, warned and breached, and the step that fired last
  // (current_cycle, current_step). nullopt: never routed, or the routing
  // failed (routed.clock empty), so no due, no step and nothing fires.
  std::optional<EscalationState> escalation;

  bool SawEventId(std::string_view id) const;
  friend bool operator==(const CaseState&, const CaseState&) = default;
};

// Folds one event into the state. Pure, total and deterministic: needs nothing
// but the state and the event; an event that does not apply (e.g. a page for a
// case never opened) is folded as far as it makes sense, never rejected here
// (Decide refuses inputs; Evolve never refuses facts).
CaseState Evolve(CaseState state, const Event& event);
// The same fold in place, for loops over many events (replay): saves moving
// the whole state in and out for every event.
void EvolveInPlace(CaseState& state, const Event& event);

// The persisted projection of a case, in the event codec's wire format
// (router/codec.h): version byte 1, then fields. Field numbers (never
// renumber): 1 opened, 2 status, 3 case_id, 4 display_id, 5 account,
// 6 service, 7 severity_code, 8 level, 9 opened_at, 10 resolved_at,
// 11 reopen_count, 12 coverage, 13 business, 14 plan, 15 fallback,
// 16 clock_start, 17 awaiting_response, 18 RETIRED due, 19 first_response_at,
// 20 last_response_at, 21 RETIRED warned, 22 RETIRED breached, 23 breach_count,
// 24 RETIRED step, 25 RETIRED cycle, 26 paged (repeated), 27 acked_by
// (repeated), 28 owner, 29 next_action_at, 30 seen_event_id (repeated; read, no
// longer written: 34 holds their hashes), 31 rejected_inputs, 32 subject,
// 33 escalation (message: 1 account, 2 service, 3 level,
// 4 fallback, 5 deferred, 6 deferred_page_pending, 7 opened, 8 clock_calendar,
// 9 target_s, 10 target_business, 11 policy_base, 12 repeat, 13 step_count,
// 14 cycle, 15 next_step, 16 next_step_at, 17 exhausted, 18 current_cycle + 1,
// 19 current_step + 1, 20 step_schedule (repeated), 21 step_paged (repeated),
// 22 watch_at, 23 due, 24 warning_at, 25 warned, 26 breached, 27 stopped,
// 28 stopped_at, 29 owner), 34 seen_event_ids (bytes: 8 little-endian bytes per
// EventIdHash), 35 last_fact_at, 36 opened_by_reconciliation. A RETIRED field repeated what field
// 33 holds (33's warned also counts a warning made moot by a breach at a severity change).
// Projections written before carry them; the reader skips them, so an old projection loads the
// state that folding its events gives today.
std::string EncodeCaseState(const CaseState& state);
// Errors: kCorruption naming the problem.
base::Result<CaseState> DecodeCaseState(std::string_view bytes);

}  // namespace router
