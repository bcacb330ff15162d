#include "router/reason.h"

namespace router {

std::string_view ReasonCodeName(ReasonCode code) {
  switch (code) {
    case ReasonCode::kProse:
      return "prose";
    case ReasonCode::kOpened:
      return "opened";
    case ReasonCode::kReopened:
      return "reopened";
    case ReasonCode::kFollowUpOwner:
      return "follow_up_owner";
    case ReasonCode::kFollowUpPolicy:
      return "follow_up_policy";
    case ReasonCode::kSeverityChanged:
      return "severity_changed";
    case ReasonCode::kEnterprisePlan:
      return "enterprise_plan";
    case ReasonCode::kPlan:
      return "plan";
    case ReasonCode::kPlanAddon24x7:
      return "plan_addon_24x7";
    case ReasonCode::kAddonExcluded:
      return "addon_excluded";
    case ReasonCode::kUnknownAccount:
      return "unknown_account";
    case ReasonCode::kOutOfScope:
      return "out_of_scope";
    case ReasonCode::kOnCall:
      return "on_call";
    case ReasonCode::kNobodyOnCall:
      return "nobody_on_call";
    case ReasonCode::kNoSuchSchedule:
      return "no_such_schedule";
    case ReasonCode::kDesignatedEae:
      return "designated_eae";
    case ReasonCode::kEaeOutsideHours:
      return "eae_outside_hours";
    case ReasonCode::kNoCustomerEae:
      return "no_customer_eae";
    case ReasonCode::kNoEae:
      return "no_eae";
    case ReasonCode::kEdm:
      return "edm";
    case ReasonCode::kNoCustomerEdm:
      return "no_customer_edm";
    case ReasonCode::kNoEdm:
      return "no_edm";
    case ReasonCode::kNamedEngineer:
      return "named_engineer";
    case ReasonCode::kNoSuchEngineer:
      return "no_such_engineer";
    case ReasonCode::kFamiliar:
      return "familiar";
    case ReasonCode::kNobodyOnShift:
      return "nobody_on_shift";
    case ReasonCode::kUnknownTargetKind:
      return "unknown_target_kind";
    case ReasonCode::kHandoff:
      return "handoff";
    case ReasonCode::kClockResumed:
      return "clock_resumed";
    case ReasonCode::kNoCaseId:
      return "no_case_id";
    case ReasonCode::kDetailsNameOtherCase:
      return "details_name_other_case";
    case ReasonCode::kUnknownSeverity:
      return "unknown_severity";
    case ReasonCode::kCreateWithoutDetails:
      return "create_without_details";
    case ReasonCode::kCreateWithoutSeverity:
      return "create_without_severity";
    case ReasonCode::kAlreadyOpened:
      return "already_opened";
    case ReasonCode::kNeverOpened:
      return "never_opened";
    case ReasonCode::kAckNoCaseId:
      return "ack_no_case_id";
    case ReasonCode::kAckNeverOpened:
      return "ack_never_opened";
    case ReasonCode::kAckNoEngineer:
      return "ack_no_engineer";
    case ReasonCode::kAckUnknownEngineer:
      return "ack_unknown_engineer";
    case ReasonCode::kIngestRejected:
      return "ingest_rejected";
  }
  return "unknown";
}

std::string ReasonText(const Reason& r) {
  switch (r.code) {
    case ReasonCode::kProse:
    case ReasonCode::kIngestRejected:
      return r.text;
    case ReasonCode::kOpened:
      return "opened";
    case ReasonCode::kReopened:
      return "reopened: a new clock";
    case ReasonCode::kFollowUpOwner:
      return "customer follow-up: a next-response clock";
    case ReasonCode::kFollowUpPolicy:
      return "customer follow-up: a next-response clock (no owner: the level's policy)";
    case ReasonCode::kNoCaseId:
      return "event names no case id";
    case ReasonCode::kUnknownSeverity:
      return "unknown severityCode '" + r.severity + "'";
    case ReasonCode::kCreateWithoutDetails:
      return "CreateCase without case details";
    case ReasonCode::kCreateWithoutSeverity:
      return "CreateCase without severityCode";
    case ReasonCode::kAlreadyOpened:
      return "CreateCase for a case already opened";
    case ReasonCode::kNeverOpened:
      return r.action + " for a case never opened";
    case ReasonCode::kAckNoCaseId:
      return "acknowledgement names no case id";
    case ReasonCode::kAckNeverOpened:
      return "acknowledgement for a case never opened";
    case ReasonCode::kAckNoEngineer:
      return "acknowledgement names no engineer";
    case ReasonCode::kAckUnknownEngineer:
      return "acknowledgement by unknown engineer '" + r.engineer + "'";
    default:
      return std::string(ReasonCodeName(r.code));
  }
}

}  // namespace router
