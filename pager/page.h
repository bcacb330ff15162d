// A page as it travels to an engineer. Pure encoding (no socket, no store):
// serve's desk turns an outbox entry into a page frame (pager/protocol.h), the
// hub carries it to devices, and `escalator pager` shows it.
//
// JSON (one object, UTF-8): the outbox entry's own fields, as the router wrote
// them ({"case","engineer","at","step","target","reason",...}), plus "seq",
// the paged event's sequence number in the sending instance's log (receipts
// and acks name a page by it), and "id", the page's stable id (StablePageId).
// Delivery is at least once (resent until a device confirms it, and sent again
// by a new owner after a handover under its own seq), so devices show an id
// once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "base/time.h"

namespace pager {

struct Page {
  uint64_t seq = 0;  // the page id: the paged event's sequence number, unique per page
  std::string case_id;
  std::string engineer;
  base::Timestamp at{};  // when the page was decided
  int step = 0;
  std::string target;  // the step target that reached the engineer: "schedule/...", "edm", ...
  std::string reason;  // why this engineer, one sentence
  // About the case, as it stood when the page was decided ("" / 0 / nullopt when unknown).
  std::string reason_code;
  std::string display_id;
  std::string subject;
  std::string customer;  // the account
  std::string service;
  std::string severity;                // the feed's severity code
  int level = 0;                       // 1 (urgent) .. 4 (normal)
  std::optional<base::Timestamp> due;  // the first response target's instant
  friend bool operator==(const Page&, const Page&) = default;
};

// The page's id, the same on every instance that holds the paged event: 16 hex digits of
// FNV-1a over the case, engineer, step, decision instant and target. Seqs differ from log to
// log (a partition's new owner restores a pending page under its own seq, or fires again a step
// whose record the old owner had not yet published, at the same event-time instant), so
// devices deduplicate by this and confirm by seq. Published (webhooks' page id): never change.
std::string StablePageId(const Page& page);

// What a level means to the customer (DESIGN.md): "urgent: full production outage" for 1, ...
// "" for a level outside 1..4.
std::string_view LevelMeaning(int level);

// The wire JSON of a page built from its fields.
std::string EncodePage(const Page& page);

// Reads a wire message. Unknown fields are ignored (the router may add some).
// Errors: kInvalidInput naming the problem (not JSON, not an object, a missing
// or mistyped "seq", "case", "engineer" or "at", a bad instant).
base::Result<Page> DecodePage(std::string_view json);

// One line for people: "<at>  case <id>  step <n> via <target>: <reason>  (seq <n>)".
std::string FormatPageLine(const Page& page);

}  // namespace pager
