// A page as it travels to an engineer: the pager's wire message. Pure encoding
// (no socket, no store): the outbox relay (pager/outbox.h) turns an outbox entry
// into one, the ZeroMQ adapters (pager/zmq_sink.h, pager/zmq_source.h) carry it,
// and `escalator pager` shows it.
//
// Wire format (one JSON object, UTF-8): the outbox entry's own fields, as the
// router wrote them ({"case","engineer","at","step","target","reason",...}),
// plus "seq", the paged event's sequence number in the log. Delivery is
// at-least-once: a page may arrive twice (a restart resends what was not yet
// deleted), and clients drop a seq they have seen.
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
  std::string severity;  // the feed's severity code
  int level = 0;         // 1 (urgent) .. 4 (normal)
  std::optional<base::Timestamp> due;  // the first response target's instant
  friend bool operator==(const Page&, const Page&) = default;
};

// What a level means to the customer (DESIGN.md): "urgent: full production outage" for 1, ...
// "" for a level outside 1..4.
std::string_view LevelMeaning(int level);

// The wire JSON of a page built from its fields.
std::string EncodePage(const Page& page);

// Reads a wire message. Unknown fields are ignored (the router may add some).
// Errors: kInvalidInput naming the problem (not JSON, not an object, a missing
// or mistyped "seq", "case", "engineer" or "at", a bad instant).
base::Result<Page> DecodePage(std::string_view json);

// An outbox entry made ready to send: its seq (from the key), the engineer (the
// ZeroMQ topic frame) and the wire JSON (the entry's fields plus "seq").
struct OutboundPage {
  uint64_t seq = 0;
  std::string engineer;
  std::string wire;
};

// Turns one store::Family::kOutbox entry (key: 8-byte big-endian seq; value:
// the router's JSON object) into a wire message.
// Errors: kCorruption for a key that is not 8 bytes, or a value that is not a
// page (as DecodePage would refuse it once "seq" is added).
base::Result<OutboundPage> FromOutbox(std::string_view key, std::string_view value);

// One line for people: "<at>  case <id>  step <n> via <target>: <reason>  (seq <n>)".
std::string FormatPageLine(const Page& page);

}  // namespace pager
