// The binary encoding of domain events, as stored in the event log. Compact,
// versioned and evolvable: a record written before a field existed still
// decodes (the field takes its default), and a record carrying a field this
// reader does not know still decodes (the field is skipped).
//
// FORMAT (version 1)
//
//   record   := version:byte(=1) type:varint field*
//   field    := key:varint value
//   key      := field_number << 3 | wire_type
//   wire 0   varint: unsigned LEB128 (7 bits per byte, low groups first, high bit
//            = more), at most 10 bytes. Enums and bools are plain varints;
//            signed integers and instants (milliseconds since the Unix epoch)
//            are zigzag-encoded first: (n << 1) ^ (n >> 63).
//   wire 1   fixed64: 8 bytes little-endian; doubles as their IEEE 754 bits.
//   wire 2   length-delimited: varint byte count, then the bytes. Strings (as
//            received, normally UTF-8) and nested messages (fields, no header).
//
// Writers emit fields in ascending number and omit a field equal to its
// default (empty string, 0, false, absent optional); `at` is always written.
// Readers accept fields in any order; a repeated field appends; for a scalar
// the last occurrence wins. Unknown field numbers are skipped by wire type.
// Errors (kCorruption, never a crash): an unknown version or type tag, a wire
// type 3..7, a varint over 10 bytes, a length past the end, a known field with
// the wrong wire type, an enum value this reader does not know, or a missing
// `at` field.
//
// EVOLUTION. Add a field under a new number; never reuse or retype a number
// (retire it here instead: a retired field is still read from old records,
// never written by this writer). A new event type takes a new tag (router/events.h);
// readers must learn a new type or enum value before writers emit it. The
// version byte changes only for an incompatible layout, which this format is
// designed never to need.
//
// FIELD NUMBERS. Persisted: never renumber. Every event: 1 case_id (string),
// 2 at (instant). Then, per type (tag):
//   case_opened (1)         3 display_id, 4 account, 5 subject, 6 service,
//                           7 category, 8 severity_code, 9 level (int),
//                           10 submitted_by, 11 time_created (instant),
//                           12 language, 13 event_id, 14 reconciled_at
//   communication_added (2) 3 origin (enum), 4 communication_id, 5 event_id,
//                           6 starts_clock (bool), 7 due, 8 next_action_at
//   severity_changed (3)    3 from_code, 4 to_code, 5 from_level (int),
//                           6 to_level (int), 7 event_id, 8 due, 9 next_action_at,
//                           10 reconciled_at
//   case_resolved (4)       3 event_id, 4 reconciled_at
//   case_reopened (5)       3 event_id, 4 next_action_at, 5 reconciled_at
//   routed (6)              3 level (int), 4 coverage, 5 business, 6 plan,
//                           7 fallback (bool), 8 RETIRED reason sentence,
//                           9 clock_start, 10 due, 11 candidate (repeated
//                           message, below), 12 next_action_at, 13 clock,
//                           14 target_s (int), 15 target_business (bool),
//                           16 policy_base, 17 repeat (int), 18 steps (int),
//                           19 first_step_at, 20 warning_at, 21 deferred
//                           (bool), 22 deferred_page (bool), 23 owner,
//                           24 reason (message), 25 calendars (reason message)
//   paged (7)               3 engineer, 4 step (int), 5 cycle (int), 6 target,
//                           7 source, 8 RETIRED reason sentence, 9 cause (enum
//                           PageCause; absent = step), 10 also_via (repeated
//                           string), 11 candidate (repeated), 12 reason
//   escalated (8)           3 step (int), 4 cycle (int), 5 next_action_at,
//                           6 scheduled, 7 empty (bool), 8 target (repeated
//                           message: 1 target, 2 engineer (absent = nobody),
//                           3 schedule, 4 source, 5 until, 6 candidate
//                           (repeated), 7 RETIRED why sentence, 8 reason),
//                           9 next_cycle (int), 10 next_step (int),
//                           11 next_step_at, 12 exhausted (bool), 13 schedule
//                           (repeated string), 14 watch_at
//   acknowledged (9)        3 engineer
//   responded (10)          3 how (enum ResponseKind), 4 by
//   breached (11)           3 due, 4 next_action_at, 5 at_severity_change (bool)
//   sla_warning (12)        3 due, 4 next_action_at
//   input_rejected (13)     3 RETIRED reason sentence, 4 raw_summary,
//                           5 event_id, 6 reason
//   handoff_checked (14)    3 watch_at, 4 next_action_at
//   page_superseded (15)    3 engineer, 4 paged_seq (uint), 5 by (enum SupersededBy)
//   delivered (16)          3 engineer, 4 device, 5 paged_seq (uint)
//   delivery_failed (17)    3 engineer, 4 paged_seq (uint), 5 attempts (uint)
// Nested messages:
//   candidate               1 engineer, 2 score (fixed64 double), 3 why (an
//                           old record's sentence; written back only when a
//                           decoded old record is re-encoded), 4 open_cases
//                           (int), 5 skill, 6 skill_score (double),
//                           7 workflow (repeated string), 8 workflow_score
//                           (double), 9 earlier_cases (int), 10 history_score
//                           (double), 11 schedule, 12 layer
//   reason                  1 code (enum ReasonCode, router/reason.h; absent =
//                           kProse), 2 text, 3 engineer, 4 calendar, 5 account,
//                           6 service, 7 case_id, 8 severity, 9 from_severity,
//                           10 action, 11 until, 12 scheduled, 13 fallback
//                           (bool). A default reason is not written at all.
// A record written before field 24 (routed), 12 (paged), 8 (target) or 6
// (input_rejected) existed decodes to a reason of code kProse whose text is
// the retired sentence field, rendered as-is; new records carry no sentence.
// Instants not marked otherwise are optional instants: absent = nullopt. reconciled_at (the
// snapshot instant of a fact learned from a reconciliation snapshot) is absent from every fact
// the feed told, so records written before it existed read as the feed's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "base/time.h"
#include "router/events.h"

namespace router {

inline constexpr uint8_t kEventFormatVersion = 1;

// Appends the encoding of `event` to `*out`. Never fails.
void AppendEvent(const Event& event, std::string* out);
std::string EncodeEvent(const Event& event);

// Decodes one record. Errors: kCorruption naming the problem and its byte
// offset. Never reads outside `bytes`, whatever they hold.
base::Result<Event> DecodeEvent(std::string_view bytes);
// The same into *out, reusing its storage: for loops over many events (replay, rebuild), where
// building and moving a fresh ~1 KiB Event per record costs a tenth of the time. Errors: as
// DecodeEvent; *out is then unspecified.
base::Status DecodeEventInto(std::string_view bytes, Event* out);

// The building blocks of the format, shared with other persisted encodings of
// the domain (the case projection in router/case_state.h).
namespace wire {

enum class Wire : uint8_t { kVarint = 0, kFixed64 = 1, kBytes = 2 };

inline uint64_t ZigZag(int64_t n) {
  return (static_cast<uint64_t>(n) << 1) ^ static_cast<uint64_t>(n >> 63);
}
inline int64_t UnZigZag(uint64_t n) {
  return static_cast<int64_t>(n >> 1) ^ -static_cast<int64_t>(n & 1);
}

// The 8 little-endian bytes of a kFixed64 value (doubles; packed 64-bit values
// inside a kBytes field, like the projection's id hashes).
inline void PutFixed64(char* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(v >> (8 * i));
}
inline uint64_t GetFixed64(const char* in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t{static_cast<uint8_t>(in[i])} << (8 * i);
  return v;
}

// Appends fields to a string. Methods named after a type omit default values,
// except Time, which always writes.
class Writer {
 public:
  explicit Writer(std::string* out) : out_(out) {}
  void Byte(uint8_t b) { out_->push_back(static_cast<char>(b)); }
  void Varint(uint64_t v);
  void Key(uint32_t field, Wire wire) { Varint(uint64_t{field} << 3 | static_cast<uint8_t>(wire)); }
  void Uint(uint32_t field, uint64_t v);
  void Int(uint32_t field, int64_t v);
  void Bool(uint32_t field, bool v) { Uint(field, v ? 1 : 0); }
  void Double(uint32_t field, double v);
  void String(uint32_t field, std::string_view v);
  void Bytes(uint32_t field, std::string_view v);  // written even when empty
  void Time(uint32_t field, Timestamp t);
  void OptTime(uint32_t field, const std::optional<Timestamp>& t);

 private:
  void KeyAndVarint(uint32_t field, Wire wire, uint64_t v);  // Key(field, wire), Varint(v)
  std::string* out_;
};

// Reads fields from bytes. After the first error every read is a no-op and
// Next returns false; status() tells what went wrong and where.
class Reader {
 public:
  explicit Reader(std::string_view in)
      : begin_(in.data()), p_(in.data()), end_(in.data() + in.size()) {}

  bool at_end() const { return p_ == end_; }
  bool ok() const { return error_ == nullptr; }
  base::Status status() const;

  bool ReadByte(uint8_t* b);
  bool ReadVarint(uint64_t* v);
  // The next field's number and wire type; false at the end or on error.
  bool Next(uint32_t* field, Wire* wire);
  void Skip(Wire wire);

  // Typed reads of the field just returned by Next; a wrong wire type is an error.
  void Uint(Wire wire, uint64_t* out);
  void Int(Wire wire, int64_t* out);
  void Int(Wire wire, int* out);
  void Bool(Wire wire, bool* out);
  void Double(Wire wire, double* out);
  void String(Wire wire, std::string* out);
  std::string_view Bytes(Wire wire);
  void Time(Wire wire, Timestamp* out);
  void OptTime(Wire wire, std::optional<Timestamp>* out);
  // REQUIRES: E is an enum whose known values are 0..max (0 may be unknown).
  template <typename E>
  void Enum(Wire wire, E* out, uint64_t min, uint64_t max) {
    uint64_t v = 0;
    Uint(wire, &v);
    if (!ok()) return;
    if (v < min || v > max) return Fail("unknown enum value");
    *out = static_cast<E>(v);
  }

  void Fail(const char* what);

 private:
  bool Expect(Wire actual, Wire expected);
  const char* begin_;
  const char* p_;
  const char* end_;
  const char* error_ = nullptr;
  size_t error_offset_ = 0;
};

// A Reason (router/events.h) as the nested message events carry it under `field`
// (nothing for a default Reason), for other persisted encodings of the domain that
// keep one (report/summary_codec.h). ReadReasonMessage replaces *out; an unknown
// reason code is an error.
void WriteReasonMessage(Writer& w, uint32_t field, const Reason& reason);
void ReadReasonMessage(Reader& r, Wire wire, Reason* out);

}  // namespace wire

}  // namespace router
