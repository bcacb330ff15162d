// Domain events: the past-tense facts the core decides (router/decide.h) and
// the log keeps (router/codec.h encodes them). Each event carries everything
// Evolve needs, so replaying an old log needs no config and no clock: whatever
// was looked up while deciding (levels, due instants, who was paged and why,
// the next timer) is written into the event. Reasons are codes with fields
// (router/reason.h); router/reason_text.h renders them for people.
//
// Scheduling contract: an event that has a `next_action_at` field states the
// case's next timer AFTER that event (nullopt: nothing scheduled). Evolve
// copies it into CaseState::next_action_at, overwriting. Events without the
// field leave the timer alone, except Responded and CaseResolved, which stop
// the escalation and clear it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/time.h"
#include "router/inputs.h"
#include "router/reason.h"
#include "router/targets.h"

namespace router {

using base::Timestamp;

// The support feed opened a case (CreateCase with its CaseDetails), or a reconciliation
// snapshot listed an open case the log did not know.
struct CaseOpened {
  std::string case_id{};
  Timestamp at{};  // the envelope's time (reconciled: the case's timeCreated)
  std::string display_id{};
  std::string account{};
  std::string subject{};
  std::string service{};
  std::string category{};
  std::string severity_code{};
  int level = 0;  // severity_code through the configured severity_map, at opening
  std::string submitted_by{};
  std::optional<Timestamp> time_created{};
  std::string language{};
  std::string event_id{};  // the envelope id, remembered for idempotency
  // Set: the fact came from a reconciliation snapshot (feed/snapshot_parser.h) taken at this
  // instant, not from the feed ("origin": "reconciliation" in the log's JSON).
  std::optional<Timestamp> reconciled_at{};
  friend bool operator==(const CaseOpened&, const CaseOpened&) = default;
};

// A communication was added to the case.
struct CommunicationAdded {
  std::string case_id{};
  Timestamp at{};
  Origin origin = Origin::kNone;
  std::string communication_id{};
  std::string event_id{};
  // A CUSTOMER follow-up after a response starts a next-response clock at `at`.
  bool starts_clock = false;
  std::optional<Timestamp> due{};  // of the clock it starts, when known
  std::optional<Timestamp> next_action_at{};
  friend bool operator==(const CommunicationAdded&, const CommunicationAdded&) = default;
};

// The case's severity changed (details of an incoming event carried another code).
struct SeverityChanged {
  std::string case_id{};
  Timestamp at{};
  std::string from_code{};
  std::string to_code{};
  int from_level = 0;
  int to_level = 0;
  std::string event_id{};
  std::optional<Timestamp> due{};  // re-targeted from the opening, when known
  std::optional<Timestamp> next_action_at{};
  // Set: the fact came from a reconciliation snapshot (feed/snapshot_parser.h) taken at this
  // instant, not from the feed ("origin": "reconciliation" in the log's JSON).
  std::optional<Timestamp> reconciled_at{};
  friend bool operator==(const SeverityChanged&, const SeverityChanged&) = default;
};

struct CaseResolved {
  std::string case_id{};
  Timestamp at{};
  std::string event_id{};
  // Set: the fact came from a reconciliation snapshot (feed/snapshot_parser.h) taken at this
  // instant, not from the feed ("origin": "reconciliation" in the log's JSON).
  std::optional<Timestamp> reconciled_at{};
  friend bool operator==(const CaseResolved&, const CaseResolved&) = default;
};

// A resolved case was reopened: a new response clock starts at `at`.
struct CaseReopened {
  std::string case_id{};
  Timestamp at{};
  std::string event_id{};
  std::optional<Timestamp> next_action_at{};
  // Set: the fact came from a reconciliation snapshot (feed/snapshot_parser.h) taken at this
  // instant, not from the feed ("origin": "reconciliation" in the log's JSON).
  std::optional<Timestamp> reconciled_at{};
  friend bool operator==(const CaseReopened&, const CaseReopened&) = default;
};

// Candidate (an engineer considered by `familiar`, with the score that ranked
// them) is router/targets.h's: events record the ranking as it was computed.

// The router decided how the case is handled: level, calendars, plan, due
// instant, and the ranked candidates. Starts a response clock at `clock_start`.
struct Routed {
  std::string case_id{};
  Timestamp at{};
  int level = 0;
  std::string coverage{};  // coverage calendar name
  std::string business{};  // business calendar name
  std::string plan{};
  bool fallback = false;  // unknown account or service out of scope
  Reason reason{};        // why a clock started (kOpened, ...); kProse: an old record's sentence
  Reason calendars{};     // why these calendars (kPlan, ...); kProse in old records: unknown
  std::optional<Timestamp> clock_start{};  // nullopt: the clock keeps its current start
  std::optional<Timestamp> due{};
  std::vector<Candidate> candidates{};  // best first
  std::optional<Timestamp> next_action_at{};
  // The escalation plan (what the escalation state machine was configured
  // with, so a fold of the log continues it without the config). `clock`
  // empty: the case could not be routed (the reason says why) and escalates
  // nothing. With clock_start set a new clock starts (opening, reopen,
  // follow-up); without, the running clock is re-targeted (severity change).
  std::string clock{};  // calendar the clock counts on
  int64_t target_s = 0;
  bool target_business = false;
  std::optional<Timestamp> policy_base{};    // the policy's steps count from here
  int repeat = 0;                            // extra cycles after the first
  int steps = 0;                             // steps per cycle
  std::optional<Timestamp> first_step_at{};  // step 0 of cycle 0
  std::optional<Timestamp> warning_at{};
  bool deferred = false;       // opened outside coverage
  bool deferred_page = false;  // the fallback schedule is paged at the opening
  std::string owner{};         // a follow-up clock paging the case's owner
  friend bool operator==(const Routed&, const Routed&) = default;
};

// Why a page was sent. Persisted (inside Paged): never renumber.
enum class PageCause : uint8_t {
  kStep = 1,     // a policy step fired (fallback cases: a fallback cycle)
  kHandoff = 2,  // the on-call engineer of a schedule the current step targets changed
  kResume = 3,  // the clock reopened (after a night, weekend or holiday) with someone not yet paged
  kDeferred = 4,  // the case opened outside coverage: the fallback schedule, at once
};

// An engineer was paged.
struct Paged {
  std::string case_id{};
  Timestamp at{};
  std::string engineer{};
  int step = 0;          // index of the policy step, 0-based; -1: the deferred fallback page
  int cycle = 0;         // 0-based repetition of the policy; -1: the deferred fallback page
  std::string target{};  // the step target as written: "schedule/video-sme-primary", "edm", ...
  std::string
      source{};     // where the engineer came from: a layer name, "override", "designated", ...
  Reason reason{};  // the target's (kOnCall, kFamiliar, ...) or kHandoff, kClockResumed
  PageCause cause = PageCause::kStep;
  std::vector<std::string> also_via{};  // other targets of the step that reached them
  std::vector<Candidate> candidates{};  // when `target` is familiar: the ranking, best first
  friend bool operator==(const Paged&, const Paged&) = default;
};

// The escalation moved on to step `step` of cycle `cycle`.
// Step -1 (cycle -1) is the page of the fallback schedule at the opening of a
// case opened outside coverage.
struct Escalated {
  std::string case_id{};
  Timestamp at{};
  int step = 0;
  int cycle = 0;
  std::optional<Timestamp> next_action_at{};
  std::optional<Timestamp> scheduled{};     // its own instant, when brought forward
  bool empty = false;                       // reached nobody: the next step is brought forward
  std::vector<TargetResolution> targets{};  // each target of the step, resolved at `at`
  // The policy position after it fired.
  int next_cycle = 0;
  int next_step = 0;
  std::optional<Timestamp> next_step_at{};
  bool exhausted = false;                // the last step of the last cycle fired
  std::vector<std::string> schedules{};  // watched for handoffs until the next step
  std::optional<Timestamp> watch_at{};
  friend bool operator==(const Escalated&, const Escalated&) = default;
};

// The schedules of the current step were checked for a handoff or a clock
// resume at `at` (the pages it sent precede it); the next check is `watch_at`.
struct HandoffChecked {
  std::string case_id{};
  Timestamp at{};
  std::optional<Timestamp> watch_at{};
  std::optional<Timestamp> next_action_at{};
  friend bool operator==(const HandoffChecked&, const HandoffChecked&) = default;
};

// An engineer acknowledged a page for the case.
struct Acknowledged {
  std::string case_id{};
  Timestamp at{};
  std::string engineer{};
  friend bool operator==(const Acknowledged&, const Acknowledged&) = default;
};

// Persisted (inside Responded): never renumber.
enum class ResponseKind : uint8_t { kAck = 1, kAwsCommunication = 2 };

// The running response clock stopped: the first acknowledgement or AWS-origin
// communication since the clock started.
struct Responded {
  std::string case_id{};
  Timestamp at{};
  ResponseKind how = ResponseKind::kAck;
  std::string by{};  // the engineer, or the communication id for an AWS communication
  friend bool operator==(const Responded&, const Responded&) = default;
};

// The due instant passed without a response.
struct Breached {
  std::string case_id{};
  Timestamp at{};
  Timestamp due{};
  std::optional<Timestamp> next_action_at{};
  bool at_severity_change = false;  // the new level's due had already passed
  friend bool operator==(const Breached&, const Breached&) = default;
};

// The warning fraction of the target passed without a response.
struct SlaWarning {
  std::string case_id{};
  Timestamp at{};
  Timestamp due{};
  std::optional<Timestamp> next_action_at{};
  friend bool operator==(const SlaWarning&, const SlaWarning&) = default;
};

// An input was refused; the log explains why. `case_id` may be empty when the
// input named no case.
struct InputRejected {
  std::string case_id{};
  Timestamp at{};
  Reason reason{};
  std::string raw_summary{};  // a short description of the input (never the whole payload)
  std::string event_id{};
  friend bool operator==(const InputRejected&, const InputRejected&) = default;
};

// Persisted (inside PageSuperseded): never renumber.
enum class SupersededBy : uint8_t { kResponse = 1, kResolution = 2 };

// A page was decided but never left: the case was answered or resolved before the pager
// could send it (a backlog caught up on, a relay that was behind), so nobody was woken for
// it. Written by the outbox relay in the batch that drops the page from the outbox.
struct PageSuperseded {
  std::string case_id{};
  Timestamp at{};  // the response or resolution that made the page moot
  std::string engineer{};
  uint64_t paged_seq = 0;  // the paged event's sequence number (its outbox key)
  SupersededBy by = SupersededBy::kResponse;
  friend bool operator==(const PageSuperseded&, const PageSuperseded&) = default;
};

// A device of the engineer confirmed it has the page (shown it, or posted it on): the receipt.
// Written by the pager hub in the batch that drops the page from the outbox. Changes no
// state: escalation runs on acknowledgements, not on receipts.
struct Delivered {
  std::string case_id{};
  Timestamp at{};  // when serve had the receipt
  std::string engineer{};
  std::string device{};
  uint64_t paged_seq = 0;  // the page id: the paged event's sequence number
  friend bool operator==(const Delivered&, const Delivered&) = default;
};

// A page was still undelivered (no device of the engineer confirmed it) a configured time
// after it was decided. The page stays in the outbox and is still sent to any device that
// connects; escalation goes on regardless. Changes no state.
struct DeliveryFailed {
  std::string case_id{};
  Timestamp at{};  // when the pager gave up waiting
  std::string engineer{};
  uint64_t paged_seq = 0;
  uint32_t attempts = 0;  // sends made to the engineer's devices (0: none was connected)
  friend bool operator==(const DeliveryFailed&, const DeliveryFailed&) = default;
};

using Event =
    std::variant<CaseOpened, CommunicationAdded, SeverityChanged, CaseResolved, CaseReopened,
                 Routed, Paged, Escalated, Acknowledged, Responded, Breached, SlaWarning,
                 InputRejected, HandoffChecked, PageSuperseded, Delivered, DeliveryFailed>;

// Persisted type tags (the first field of every encoded event). Never renumber,
// never reuse a retired number.
enum class EventType : uint8_t {
  kCaseOpened = 1,
  kCommunicationAdded = 2,
  kSeverityChanged = 3,
  kCaseResolved = 4,
  kCaseReopened = 5,
  kRouted = 6,
  kPaged = 7,
  kEscalated = 8,
  kAcknowledged = 9,
  kResponded = 10,
  kBreached = 11,
  kSlaWarning = 12,
  kInputRejected = 13,
  kHandoffChecked = 14,
  kPageSuperseded = 15,
  kDelivered = 16,
  kDeliveryFailed = 17,
};

// The persisted tag of an event.
EventType TypeOf(const Event& event);
// The JSON type name: "case_opened", "communication_added", ... (stable: part of
// the `escalator log` output contract).
std::string_view TypeName(EventType type);
inline std::string_view TypeName(const Event& event) { return TypeName(TypeOf(event)); }

inline const std::string& CaseIdOf(const Event& event) {
  return std::visit([](const auto& e) -> const std::string& { return e.case_id; }, event);
}
inline Timestamp AtOf(const Event& event) {
  return std::visit([](const auto& e) { return e.at; }, event);
}

// Stable names of persisted enums, for JSON and text output.
std::string_view OriginName(Origin origin);            // "AWS", "CUSTOMER", ""
std::string_view ResponseKindName(ResponseKind kind);  // "ack", "aws_communication"
const char* PageCauseName(PageCause cause);            // "step", "handoff", "resume", "deferred"

}  // namespace router
