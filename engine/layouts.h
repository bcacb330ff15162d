// Every key and value the engine persists, in one place: what a reader needs to
// read a data directory without opening a .cc file. The events themselves are
// encoded by router/codec.h; the store's own families by store/event_log.h.
//
// Persisted layouts (never change them):
//   kLog          the events, encoded by router/codec.h
//   kIndex        "case/<case id>" + seq (the store appends the seq)
//   kProjections  "case/<case id>" -> EncodeCaseState (router/case_state.h)
//   kTimers       8-byte big-endian unix milliseconds of next_action_at (>= 0) +
//                 case id -> case id (one timer per case, the old one deleted)
//   kOffsets      "<topic>/<partition>" -> the next offset to consume, in
//                 decimal (OffsetKey/EncodeOffset)
//   kProjections  "load/<engineer>" -> open cases the engineer owns (first
//                 acker), in decimal; absent = 0
//   kProjections  "history/<account>" -> the cases of the account an engineer
//                 took (EncodeHistory: version 1, repeated {1 engineer, 2 at}),
//                 oldest first, at most kMaxHistoryPerAccount
//   kOutbox       8-byte big-endian seq of a paged event -> JSON {case,
//                 engineer, at, step, target, reason (the sentence,
//                 router/reason_text.h), reason_code (ReasonCodeName),
//                 display_id, subject, severity, level, customer (the account),
//                 service, due (absent when the case has no running clock)}: the
//                 page to deliver; deleted in the batch of its `delivered` receipt
//                 (or its page_superseded); "delivery_failed_at" is added to it in
//                 the batch of its delivery_failed event
//   kDeadLetters  DeadLetterKey -> EncodeDeadLetter (feed/dead_letter.h): input
//                 that was refused, with why
//   kDeadLetterOutbox  DeadLetterKey -> "": a dead letter not yet confirmed on
//                 the dead-letter topic (kept only when serve has one)
//   kProjections  "report/..." : the report rollups (engine/report_rollups.h; keys
//                 built by engine/report_keys.h; values by report/summary_codec.h and
//                 report/rollup.h, each a version byte then router/codec.h fields):
//     "report/seq" -> the log's next sequence number when they were last written,
//                 in decimal: they cover the log when it equals its own
//     "report/case/<case id>" -> EncodeCaseRecord: the case's fields and each
//                 clock's start, by index (where its record is: try each placement)
//     "report/open/" | "report/clock/" | "report/breach/" (running, ended,
//                 breached) + day (4 bytes BE, days since 1970-01-01 UTC of the
//                 clock's start) + start (8 bytes BE, unix ms) + the clock's index
//                 in its case (2 bytes BE) + case id -> EncodeClockRecord: the case's
//                 fields and the clock's facts (report::ClockSummary); moved (deleted
//                 and put) when the placement changes
//     "report/day/" + day (4 bytes BE) -> "<horizon> <running>" in decimal: of
//                 the clocks started that day, the latest instant among their facts
//                 (unix ms) and how many are running
//     "report/roll/" + day (4 bytes BE) + 'c' level NUL account NUL plan | 's'
//                 service | 'e' first engineer | 'h' first schedule ->
//                 RollupFigures::Encode: the sums over the ended clocks started that
//                 day; + 'l' engineer -> RollupLoad::Encode; a bucket summing to
//                 nothing is deleted
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "router/case_state.h"
#include "router/events.h"

namespace router {

// Projection and index keys of cases: kCaseKeyPrefix + case id.
inline constexpr std::string_view kCaseKeyPrefix = "case/";
std::string CaseKey(std::string_view case_id);
std::string TimerKey(Timestamp due, std::string_view case_id);
// Errors: kCorruption for a key shorter than 8 bytes.
base::Result<std::pair<Timestamp, std::string>> DecodeTimerKey(std::string_view key);

// A partition's offset: key "<topic>/<partition>", value the next offset to
// consume in decimal.
std::string OffsetKey(std::string_view topic, int32_t partition);
std::string EncodeOffset(int64_t next_offset);
// nullopt for a value that is not a decimal number.
std::optional<int64_t> DecodeOffset(std::string_view value);

// "<topic>/<partition, 10 digits>/<offset, 20 digits>", so a scan lists dead
// letters in partition and offset order (also their key on the dead-letter topic).
std::string DeadLetterKey(std::string_view topic, int32_t partition, int64_t offset);

inline constexpr size_t kMaxHistoryPerAccount = 100;

std::string EncodeHistory(const std::vector<HandledCase>& history);
// Errors: kCorruption. `account` fills HandledCase::account.
base::Result<std::vector<HandledCase>> DecodeHistory(std::string_view bytes,
                                                     const std::string& account);
// The JSON value of a page in the outbox.
std::string OutboxValue(const Paged& page, const CaseState& state);

// What the pager needs of an outbox entry.
struct OutboxPage {
  uint64_t seq = 0;  // the page id
  std::string case_id;
  std::string engineer;
  Timestamp at{};                               // when it was decided
  std::optional<Timestamp> delivery_failed_at;  // set once delivery_failed was logged
  std::string value;                            // the entry as stored
};
// Reads an outbox entry's value; nullopt when it is not a page (no "case", "engineer" or
// "at").
std::optional<OutboxPage> ParseOutboxPage(uint64_t seq, std::string_view value);
// The entry's value with "delivery_failed_at" set to `at`.
std::string MarkDeliveryFailed(std::string_view value, Timestamp at);

}  // namespace router
