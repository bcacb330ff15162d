#include "router/events.h"

namespace router {

namespace {
// One overload per event type: the mapping to persisted tags is explicit, so a
// reordering of the variant cannot renumber anything.
constexpr EventType Tag(const CaseOpened&) { return EventType::kCaseOpened; }
constexpr EventType Tag(const CommunicationAdded&) { return EventType::kCommunicationAdded; }
constexpr EventType Tag(const SeverityChanged&) { return EventType::kSeverityChanged; }
constexpr EventType Tag(const CaseResolved&) { return EventType::kCaseResolved; }
constexpr EventType Tag(const CaseReopened&) { return EventType::kCaseReopened; }
constexpr EventType Tag(const Routed&) { return EventType::kRouted; }
constexpr EventType Tag(const Paged&) { return EventType::kPaged; }
constexpr EventType Tag(const Escalated&) { return EventType::kEscalated; }
constexpr EventType Tag(const Acknowledged&) { return EventType::kAcknowledged; }
constexpr EventType Tag(const Responded&) { return EventType::kResponded; }
constexpr EventType Tag(const Breached&) { return EventType::kBreached; }
constexpr EventType Tag(const SlaWarning&) { return EventType::kSlaWarning; }
constexpr EventType Tag(const InputRejected&) { return EventType::kInputRejected; }
constexpr EventType Tag(const HandoffChecked&) { return EventType::kHandoffChecked; }
constexpr EventType Tag(const PageSuperseded&) { return EventType::kPageSuperseded; }
constexpr EventType Tag(const Delivered&) { return EventType::kDelivered; }
constexpr EventType Tag(const DeliveryFailed&) { return EventType::kDeliveryFailed; }
}  // namespace

EventType TypeOf(const Event& event) {
  return std::visit([](const auto& e) { return Tag(e); }, event);
}

std::string_view TypeName(EventType type) {
  switch (type) {
    case EventType::kCaseOpened:
      return "case_opened";
    case EventType::kCommunicationAdded:
      return "communication_added";
    case EventType::kSeverityChanged:
      return "severity_changed";
    case EventType::kCaseResolved:
      return "case_resolved";
    case EventType::kCaseReopened:
      return "case_reopened";
    case EventType::kRouted:
      return "routed";
    case EventType::kPaged:
      return "paged";
    case EventType::kEscalated:
      return "escalated";
    case EventType::kAcknowledged:
      return "acknowledged";
    case EventType::kResponded:
      return "responded";
    case EventType::kBreached:
      return "breached";
    case EventType::kSlaWarning:
      return "sla_warning";
    case EventType::kInputRejected:
      return "input_rejected";
    case EventType::kHandoffChecked:
      return "handoff_checked";
    case EventType::kPageSuperseded:
      return "page_superseded";
    case EventType::kDelivered:
      return "delivered";
    case EventType::kDeliveryFailed:
      return "delivery_failed";
  }
  return "unknown";
}

std::string_view OriginName(Origin origin) {
  switch (origin) {
    case Origin::kAws:
      return "AWS";
    case Origin::kCustomer:
      return "CUSTOMER";
    case Origin::kNone:
      return "";
  }
  return "";
}

std::string_view ResponseKindName(ResponseKind kind) {
  switch (kind) {
    case ResponseKind::kAck:
      return "ack";
    case ResponseKind::kAwsCommunication:
      return "aws_communication";
  }
  return "unknown";
}

const char* PageCauseName(PageCause cause) {
  switch (cause) {
    case PageCause::kStep:
      return "step";
    case PageCause::kHandoff:
      return "handoff";
    case PageCause::kResume:
      return "resume";
    case PageCause::kDeferred:
      return "deferred";
  }
  return "unknown";
}

}  // namespace router
