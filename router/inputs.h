// Inputs to the pure core: what happened outside, as values. Inputs are
// imperative; the events the core decides (router/events.h) are past-tense facts.
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "base/time.h"

namespace router {

using base::Timestamp;

// The support API's CaseDetails shape, as carried under `detail.case` of a feed
// envelope (or sent bare).
struct CaseDetails {
  std::string case_id;
  std::string display_id;
  std::string subject;
  std::string status;
  std::string service_code;
  std::string category_code;
  std::string severity_code;  // low | normal | high | urgent | critical
  std::string submitted_by;
  std::optional<Timestamp> time_created;
  std::string language;
  friend bool operator==(const CaseDetails&, const CaseDetails&) = default;
};

// Persisted (inside events): never renumber.
enum class FeedAction : uint8_t {
  kCreateCase = 1,
  kAddCommunication = 2,
  kResolveCase = 3,
  kReopenCase = 4,
  // Not a feed event: one case of a reconciliation snapshot (feed/snapshot_parser.h). `at` is
  // the snapshot's taken_at; `details` (required) hold the case as DescribeCases returned it,
  // with its `status` and `timeCreated`. Decide compares it with the case's state.
  kReconcile = 5,
};

// Persisted (inside events): never renumber.
enum class Origin : uint8_t { kNone = 0, kAws = 1, kCustomer = 2 };

// One validated event from the support feed.
struct FeedEvent {
  std::string event_id;  // envelope `id`: redeliveries carry the same id
  std::string case_id;
  std::string display_id;
  std::string account;
  FeedAction action = FeedAction::kCreateCase;
  Origin origin = Origin::kNone;
  std::string communication_id;
  Timestamp at;                        // envelope `time` (kReconcile: the snapshot's taken_at)
  std::optional<CaseDetails> details;  // present on CreateCase and kReconcile; may be on others
};

// The clock reached `at`: fire whatever is due at or before it.
struct Tick {
  std::string case_id;
  Timestamp at;
};

// An engineer acknowledged a page for a case.
struct Acknowledge {
  std::string case_id;
  std::string engineer;
  Timestamp at;
};

using Input = std::variant<FeedEvent, Tick, Acknowledge>;

// The case an input is about.
inline const std::string& CaseOf(const Input& input) {
  return std::visit([](const auto& i) -> const std::string& { return i.case_id; }, input);
}

}  // namespace router
