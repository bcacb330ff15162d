// The support feed's wire format: raw Kafka message bytes -> a validated
// router::FeedEvent, or the precise reason the bytes were rejected. Pure: no
// clock, no I/O; simdjson does the parsing because this is the ingest hot path.
//
// Two shapes are accepted:
//  1. The EventBridge `Support Case Update` envelope: `id`, `time`, `account`,
//     `detail.case-id`, `detail.event-name` (CreateCase | AddCommunicationToCase |
//     ResolveCase | ReopenCase), `detail.origin` ("" | AWS | CUSTOMER), optional
//     `detail.display-id` and `detail.communication-id`, and the case's
//     CaseDetails under `detail.case` (required on CreateCase).
//  2. A bare CaseDetails object (has `caseId`, no `detail`), as the support
//     API's DescribeCases returns it. It is read as a CreateCase: a snapshot of a
//     case is how a case first becomes known when there is no envelope. Its
//     instant is `timeCreated` (required); its account is the 12-digit account
//     in the case id (`case-<account>-...`), else empty; its event id is
//     "casedetails/<caseId>/<16 hex digits of FNV-1a of the bytes>", so a
//     redelivery of the same bytes is a duplicate and a changed snapshot is not.
//
// Reconciliation snapshots (serve --snapshot-topic; README "Reconciliation") have their own
// shape, read by ParseSnapshot: {"account":"…","taken_at":"…Z","cases":[CaseDetails…]}.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "router/inputs.h"

namespace router {

struct FeedParserOptions {
  // Messages longer than this are rejected before parsing.
  size_t max_message_bytes = 64 * 1024;
  // severityCode -> level (config::Config::severity_map). A severityCode not in
  // it is rejected. Empty: every severityCode is accepted.
  std::map<std::string, int> severity_map;
  // The longest snapshot accepted (ParseSnapshot): it lists every case of an account, ~500
  // bytes each.
  size_t max_snapshot_bytes = 1024 * 1024;
};

// Why a message was rejected: one line, names the field and the offending
// value, e.g. "field detail.case-id missing", "unknown event-name 'Foo' in detail.event-name".
struct FeedRejection {
  std::string reason;
};

using FeedParseResult = std::variant<FeedEvent, FeedRejection>;

// A reconciliation snapshot: what the support API's DescribeCases returned for one account at
// one instant. Each case that reads well becomes one FeedAction::kReconcile FeedEvent (at =
// taken_at, account = the snapshot's, details = the case with its status; event id
// "snapshot/<account>/<taken_at>/<16 hex digits of FNV-1a of the bytes>", so the same snapshot
// again is a redelivery). A case that does not read well is refused on its own, with a reason
// naming its field ("field cases[2].severityCode missing"): one bad case must not keep the
// others (a missed opening among them) from being reconciled.
struct Snapshot {
  std::string account;
  Timestamp taken_at{};
  size_t listed = 0;             // entries in `cases`
  std::vector<FeedEvent> cases;  // the cases that read well, in the message's order
  struct BadCase {
    std::string case_id;  // when it could be read, else ""
    std::string reason;
  };
  std::vector<BadCase> bad_cases;
};

using SnapshotParseResult = std::variant<Snapshot, FeedRejection>;

// The support API's case statuses; "resolved" is a resolved case, every other an open one.
bool IsCaseStatus(std::string_view status);

// Parses feed messages. Keeps simdjson's buffers between calls, so reuse one
// parser per thread; not thread-safe.
class FeedParser {
 public:
  explicit FeedParser(FeedParserOptions options = {});
  ~FeedParser();
  FeedParser(const FeedParser&) = delete;
  FeedParser& operator=(const FeedParser&) = delete;

  // Parses one message. Never throws; any byte sequence gives a FeedEvent or a
  // FeedRejection. Rejection reasons include "empty message", "message too
  // large (N bytes > L)", "not UTF-8", "invalid JSON (...)", "field X missing",
  // "field X: expected string, got number", "unknown event-name 'X' in detail.event-name",
  // "unknown origin 'X' in detail.origin", "unknown severity 'X' in F", "bad timestamp in X:
  // '...'",
  // "CreateCase without case details (detail.case missing)".
  FeedParseResult Parse(std::string_view bytes);

  // Parses one reconciliation snapshot. Never throws. The whole message is refused (a
  // FeedRejection) when it is not a snapshot at all: the reasons above, "field account
  // missing", "bad timestamp in taken_at: '...'", "field cases: expected array, got object".
  // A case is refused on its own (Snapshot::bad_cases) when it is not an object, a CaseDetails
  // field is wrong (as Parse words it, under "cases[N]."), its status is missing or unknown
  // ("unknown status 'x' in cases[N].status"), timeCreated is missing or after taken_at, its
  // case id names another account, or it repeats an earlier case id.
  SnapshotParseResult ParseSnapshot(std::string_view bytes);

 private:
  struct Impl;
  FeedParserOptions options_;
  std::unique_ptr<Impl> impl_;
};

// Whether a JSON line is a reconciliation snapshot rather than a feed message: an object with
// top-level "taken_at" and "cases" (simulate's input mixes both). Cheap for feed lines.
bool LooksLikeSnapshot(std::string_view bytes);

// The Kafka key a feed message is published under, so that every event of a
// case reaches one partition: the envelope's `account`; else the account in the
// case id (`detail.case-id` or a bare `caseId`); else the case id; else "". A snapshot's key
// is its `account`, so it reaches the partition of the account's feed events.
// Never fails: malformed messages get "" (any partition).
std::string FeedPartitionKey(std::string_view bytes);

// The 12-digit AWS account inside a support case id ("case-111122223333-..."),
// or "" when the id has another shape.
std::string AccountFromCaseId(std::string_view case_id);

}  // namespace router
