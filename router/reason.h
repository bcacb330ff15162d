// Reasons as facts: why a page went to someone, why a target reached nobody,
// why a case was routed as it was, why an input was refused. A reason is a
// code and the fields its sentence names, never the sentence itself; the text
// is rendered at the edge (escalator log, explain, the pager's page) by
// router/reason_text.h, so a report can count reasons by code.
//
// A reason names only what its holder does not already record: a page's
// reason leaves the step, target and layer to the Paged event, a target's
// reason leaves the schedule and shift end to its TargetResolution. Render
// it through its holder (reason_text.h) unless ReasonText(const Reason&)
// says it stands alone.
//
// Pure: no I/O. Thread-safe (values only).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/time.h"

namespace router {

using base::Timestamp;

// Persisted (router/codec.h): never renumber, never reuse a retired number.
// The comment after each code names the fields it uses.
enum class ReasonCode : uint8_t {
  // A record written before reasons were codes: `text` is its sentence, as-is.
  kProse = 0,

  // Why a response clock started (Routed.reason). `text`, when set, is why
  // the case could not be routed (a configuration error; Routed.clock empty).
  kOpened = 1,           // -
  kReopened = 2,         // -
  kFollowUpOwner = 3,    // - (a customer follow-up; the case's owner is paged)
  kFollowUpPolicy = 4,   // - (a customer follow-up; no owner: the level's policy)
  kSeverityChanged = 5,  // from_severity, severity

  // Why these calendars (Routed.calendars); the names are the Routed event's.
  kEnterprisePlan = 10,  // -
  kPlan = 11,            // - (the customer's plan and calendars)
  kPlanAddon24x7 = 12,   // - (the plan's 24x7 coverage through the oncall_24x7 add-on)
  kAddonExcluded = 13,   // service (excluded from the oncall_24x7 add-on)
  kUnknownAccount = 14,  // account (general enterprise support)
  kOutOfScope = 15,      // service (general enterprise support)

  // What a step target resolved to (TargetResolution.reason; Paged.reason for
  // the target that reached the engineer, with the page's own fields:
  // `scheduled` when the step was brought forward, `fallback` and `service`
  // for a fallback case).
  kOnCall = 20,           // until (in a page; a resolution has its own)
  kNobodyOnCall = 21,     // - (the resolution's schedule and until)
  kNoSuchSchedule = 22,   // - (the resolution's schedule)
  kDesignatedEae = 23,    // calendar (inside it)
  kEaeOutsideHours = 24,  // engineer, calendar (empty: the customer has none)
  kNoCustomerEae = 25,    // - (unknown customer)
  kNoEae = 26,            // - (the customer has no designated EAE)
  kEdm = 27,              // -
  kNoCustomerEdm = 28,    // - (unknown customer)
  kNoEdm = 29,            // - (the customer has no EDM)
  kNamedEngineer = 30,    // - (the engineer named in the policy)
  kNoSuchEngineer = 31,   // engineer
  kFamiliar = 32,         // - (the best of the holder's candidates)
  kNobodyOnShift = 33,    // - (familiar: nobody on call in any schedule)
  kUnknownTargetKind = 34,

  // A page inside a step that no target reached (Paged.reason): the on-call
  // engineer of a schedule the step targets changed.
  kHandoff = 40,       // until
  kClockResumed = 41,  // until, calendar (the clock's, which reopened)

  // Why an input was refused (InputRejected.reason).
  kNoCaseId = 50,               // -
  kDetailsNameOtherCase = 51,   // case_id (the details'; the event's is the holder's)
  kUnknownSeverity = 52,        // severity
  kCreateWithoutDetails = 53,   // -
  kCreateWithoutSeverity = 54,  // -
  kAlreadyOpened = 55,          // -
  kNeverOpened = 56,            // action (the feed's event name)
  kAckNoCaseId = 57,            // -
  kAckNeverOpened = 58,         // -
  kAckNoEngineer = 59,          // -
  kAckUnknownEngineer = 60,     // engineer
  // Refused before the decider saw it (parsing, time order): `text` quotes
  // the ingest's message.
  kIngestRejected = 61,
};

// The largest code this reader knows (the codec refuses larger ones).
inline constexpr ReasonCode kMaxReasonCode = ReasonCode::kIngestRejected;

// A reason: a code and the fields it names (see ReasonCode). Fields a code
// does not use stay empty. A value: copy it, compare it, store it.
struct Reason {
  ReasonCode code = ReasonCode::kProse;
  std::string text{};  // kProse: the old sentence; else a message quoted from elsewhere
  std::string engineer{};
  std::string calendar{};
  std::string account{};
  std::string service{};
  std::string case_id{};
  std::string severity{};
  std::string from_severity{};
  std::string action{};
  std::optional<Timestamp> until{};      // the end of an on-call shift
  std::optional<Timestamp> scheduled{};  // a step's own instant, when brought forward
  bool fallback = false;                 // a page of a fallback case
  friend bool operator==(const Reason&, const Reason&) = default;
};

// A stable snake_case name per code ("on_call", "unknown_severity", ...):
// part of the `escalator log` output contract, for reports to count by.
// "unknown" for a value outside the enum.
std::string_view ReasonCodeName(ReasonCode code);

// The sentence of a reason whose text names only its own fields: kProse (an
// old record's sentence, as-is), the starts of a clock but a severity change,
// and the refusals but kDetailsNameOtherCase, e.g. "unknown severityCode
// 'sev-zero'". For any other code, its name: render those through their
// holder (router/reason_text.h).
std::string ReasonText(const Reason& reason);

}  // namespace router
