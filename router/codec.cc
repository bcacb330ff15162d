#include "router/codec.h"

#include <bit>
#include <cstring>

namespace router {
namespace wire {

namespace {

// Writes v as a varint at p; returns the end. p needs room for 10 bytes.
char* PutVarint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

}  // namespace

void Writer::Varint(uint64_t v) {
  char buf[10];
  out_->append(buf, PutVarint(buf, v) - buf);
}

void Writer::KeyAndVarint(uint32_t field, Wire wire, uint64_t v) {
  // One append for both: appends, not the encoding, were most of the codec's cost.
  char buf[20];
  char* end = PutVarint(buf, uint64_t{field} << 3 | static_cast<uint8_t>(wire));
  out_->append(buf, PutVarint(end, v) - buf);
}

void Writer::Uint(uint32_t field, uint64_t v) {
  if (v == 0) return;
  KeyAndVarint(field, Wire::kVarint, v);
}

void Writer::Int(uint32_t field, int64_t v) {
  if (v == 0) return;
  KeyAndVarint(field, Wire::kVarint, ZigZag(v));
}

void Writer::Double(uint32_t field, double v) {
  uint64_t bits = std::bit_cast<uint64_t>(v);
  if (bits == 0) return;
  Key(field, Wire::kFixed64);
  char buf[8];
  PutFixed64(buf, bits);
  out_->append(buf, 8);
}

void Writer::String(uint32_t field, std::string_view v) {
  if (v.empty()) return;
  Bytes(field, v);
}

void Writer::Bytes(uint32_t field, std::string_view v) {
  KeyAndVarint(field, Wire::kBytes, v.size());
  out_->append(v.data(), v.size());
}

void Writer::Time(uint32_t field, Timestamp t) {
  KeyAndVarint(field, Wire::kVarint, ZigZag(base::ToUnixMillis(t)));
}

void Writer::OptTime(uint32_t field, const std::optional<Timestamp>& t) {
  if (t) Time(field, *t);
}

base::Status Reader::status() const {
  if (ok()) return base::Status::Ok();
  return base::Status::Corruption(std::string(error_) + " at byte " +
                                  std::to_string(error_offset_));
}

void Reader::Fail(const char* what) {
  if (error_ != nullptr) return;
  error_ = what;
  error_offset_ = static_cast<size_t>(p_ - begin_);
  p_ = end_;  // every later read sees the end
}

bool Reader::ReadByte(uint8_t* b) {
  if (p_ == end_) {
    Fail("unexpected end of record");
    return false;
  }
  *b = static_cast<uint8_t>(*p_++);
  return true;
}

bool Reader::ReadVarint(uint64_t* v) {
  // Fast path: one byte, the common case for keys, tags, enums and small ints.
  if (p_ != end_ && static_cast<uint8_t>(*p_) < 0x80) {
    *v = static_cast<uint8_t>(*p_++);
    return true;
  }
  uint64_t result = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (p_ == end_) {
      Fail("truncated varint");
      return false;
    }
    uint8_t byte = static_cast<uint8_t>(*p_++);
    if (shift == 63 && byte > 1) break;  // would overflow 64 bits
    result |= uint64_t{byte & 0x7fu} << shift;
    if (byte < 0x80) {
      *v = result;
      return true;
    }
  }
  Fail("varint longer than 64 bits");
  return false;
}

bool Reader::Next(uint32_t* field, Wire* wire) {
  if (p_ == end_) return false;
  uint64_t key = 0;
  if (!ReadVarint(&key)) return false;
  uint64_t w = key & 7;
  if (w > 2) {
    Fail("unknown wire type");
    return false;
  }
  if ((key >> 3) == 0 || (key >> 3) > UINT32_MAX) {
    Fail("invalid field number");
    return false;
  }
  *field = static_cast<uint32_t>(key >> 3);
  *wire = static_cast<Wire>(w);
  return true;
}

void Reader::Skip(Wire wire) {
  uint64_t v = 0;
  switch (wire) {
    case Wire::kVarint:
      ReadVarint(&v);
      return;
    case Wire::kFixed64:
      if (end_ - p_ < 8) return Fail("truncated fixed64");
      p_ += 8;
      return;
    case Wire::kBytes:
      Bytes(wire);
      return;
  }
}

bool Reader::Expect(Wire actual, Wire expected) {
  if (actual == expected) return true;
  Fail("field has the wrong wire type");
  return false;
}

void Reader::Uint(Wire wire, uint64_t* out) {
  if (Expect(wire, Wire::kVarint)) ReadVarint(out);
}

void Reader::Int(Wire wire, int64_t* out) {
  uint64_t v = 0;
  if (Expect(wire, Wire::kVarint) && ReadVarint(&v)) *out = UnZigZag(v);
}

void Reader::Int(Wire wire, int* out) {
  int64_t v = 0;
  Int(wire, &v);
  if (!ok()) return;
  if (v < INT32_MIN || v > INT32_MAX) return Fail("integer out of range");
  *out = static_cast<int>(v);
}

void Reader::Bool(Wire wire, bool* out) {
  uint64_t v = 0;
  Uint(wire, &v);
  if (ok()) *out = v != 0;
}

void Reader::Double(Wire wire, double* out) {
  if (!Expect(wire, Wire::kFixed64)) return;
  if (end_ - p_ < 8) return Fail("truncated fixed64");
  const uint64_t bits = GetFixed64(p_);
  p_ += 8;
  *out = std::bit_cast<double>(bits);
}

std::string_view Reader::Bytes(Wire wire) {
  if (!Expect(wire, Wire::kBytes)) return {};
  uint64_t n = 0;
  if (!ReadVarint(&n)) return {};
  if (n > static_cast<uint64_t>(end_ - p_)) {
    Fail("length past the end of the record");
    return {};
  }
  std::string_view s(p_, n);
  p_ += n;
  return s;
}

void Reader::String(Wire wire, std::string* out) {
  std::string_view s = Bytes(wire);
  if (ok()) out->assign(s.data(), s.size());
}

void Reader::Time(Wire wire, Timestamp* out) {
  int64_t ms = 0;
  Int(wire, &ms);
  if (ok()) *out = base::FromUnixMillis(ms);
}

void Reader::OptTime(Wire wire, std::optional<Timestamp>* out) {
  Timestamp t;
  Time(wire, &t);
  if (ok()) *out = t;
}

}  // namespace wire

namespace {

using wire::Reader;
using wire::Wire;
using wire::Writer;

// ---- Encoding: one overload per event type, fields in ascending number.

void Fields(Writer& w, const CaseOpened& e) {
  w.String(3, e.display_id);
  w.String(4, e.account);
  w.String(5, e.subject);
  w.String(6, e.service);
  w.String(7, e.category);
  w.String(8, e.severity_code);
  w.Int(9, e.level);
  w.String(10, e.submitted_by);
  w.OptTime(11, e.time_created);
  w.String(12, e.language);
  w.String(13, e.event_id);
  w.OptTime(14, e.reconciled_at);
}

void Fields(Writer& w, const CommunicationAdded& e) {
  w.Uint(3, static_cast<uint64_t>(e.origin));
  w.String(4, e.communication_id);
  w.String(5, e.event_id);
  w.Bool(6, e.starts_clock);
  w.OptTime(7, e.due);
  w.OptTime(8, e.next_action_at);
}

void Fields(Writer& w, const SeverityChanged& e) {
  w.String(3, e.from_code);
  w.String(4, e.to_code);
  w.Int(5, e.from_level);
  w.Int(6, e.to_level);
  w.String(7, e.event_id);
  w.OptTime(8, e.due);
  w.OptTime(9, e.next_action_at);
  w.OptTime(10, e.reconciled_at);
}

void Fields(Writer& w, const CaseResolved& e) {
  w.String(3, e.event_id);
  w.OptTime(4, e.reconciled_at);
}

void Fields(Writer& w, const CaseReopened& e) {
  w.String(3, e.event_id);
  w.OptTime(4, e.next_action_at);
  w.OptTime(5, e.reconciled_at);
}

void WriteCandidates(Writer& w, uint32_t field, const std::vector<Candidate>& candidates) {
  std::string nested;
  for (const Candidate& c : candidates) {
    nested.clear();
    Writer n(&nested);
    n.String(1, c.engineer);
    n.Double(2, c.score);
    n.String(3, c.prose);  // retired for writing: only a decoded old record has prose
    n.Int(4, c.open_cases);
    n.String(5, c.skill);
    n.Double(6, c.skill_score);
    for (const auto& v : c.workflows) n.Bytes(7, v);
    n.Double(8, c.workflow_score);
    n.Int(9, c.earlier_cases);
    n.Double(10, c.history_score);
    n.String(11, c.schedule);
    n.String(12, c.layer);
    w.Bytes(field, nested);
  }
}

// A reason as a nested message; nothing for a default Reason (kProse, empty).
void WriteReason(Writer& w, uint32_t field, const Reason& r) {
  if (r == Reason{}) return;
  std::string nested;
  Writer n(&nested);
  n.Uint(1, static_cast<uint64_t>(r.code));
  n.String(2, r.text);
  n.String(3, r.engineer);
  n.String(4, r.calendar);
  n.String(5, r.account);
  n.String(6, r.service);
  n.String(7, r.case_id);
  n.String(8, r.severity);
  n.String(9, r.from_severity);
  n.String(10, r.action);
  n.OptTime(11, r.until);
  n.OptTime(12, r.scheduled);
  n.Bool(13, r.fallback);
  w.Bytes(field, nested);
}

void Fields(Writer& w, const Routed& e) {
  w.Int(3, e.level);
  w.String(4, e.coverage);
  w.String(5, e.business);
  w.String(6, e.plan);
  w.Bool(7, e.fallback);
  // 8: retired (an old record's reason sentence).
  w.OptTime(9, e.clock_start);
  w.OptTime(10, e.due);
  WriteCandidates(w, 11, e.candidates);
  w.OptTime(12, e.next_action_at);
  w.String(13, e.clock);
  w.Int(14, e.target_s);
  w.Bool(15, e.target_business);
  w.OptTime(16, e.policy_base);
  w.Int(17, e.repeat);
  w.Int(18, e.steps);
  w.OptTime(19, e.first_step_at);
  w.OptTime(20, e.warning_at);
  w.Bool(21, e.deferred);
  w.Bool(22, e.deferred_page);
  w.String(23, e.owner);
  WriteReason(w, 24, e.reason);
  WriteReason(w, 25, e.calendars);
}

void Fields(Writer& w, const Paged& e) {
  w.String(3, e.engineer);
  w.Int(4, e.step);
  w.Int(5, e.cycle);
  w.String(6, e.target);
  w.String(7, e.source);
  // 8: retired (an old record's reason sentence).
  if (e.cause != PageCause::kStep) w.Uint(9, static_cast<uint64_t>(e.cause));
  for (const auto& v : e.also_via) w.Bytes(10, v);
  WriteCandidates(w, 11, e.candidates);
  WriteReason(w, 12, e.reason);
}

void Fields(Writer& w, const Escalated& e) {
  w.Int(3, e.step);
  w.Int(4, e.cycle);
  w.OptTime(5, e.next_action_at);
  w.OptTime(6, e.scheduled);
  w.Bool(7, e.empty);
  std::string nested;
  for (const TargetResolution& t : e.targets) {
    nested.clear();
    Writer n(&nested);
    n.String(1, t.target);
    if (t.engineer) n.Bytes(2, *t.engineer);
    n.String(3, t.schedule);
    n.String(4, t.source);
    n.OptTime(5, t.until);
    WriteCandidates(n, 6, t.candidates);
    // 7: retired (an old record's sentence).
    WriteReason(n, 8, t.reason);
    w.Bytes(8, nested);
  }
  w.Int(9, e.next_cycle);
  w.Int(10, e.next_step);
  w.OptTime(11, e.next_step_at);
  w.Bool(12, e.exhausted);
  for (const auto& v : e.schedules) w.Bytes(13, v);
  w.OptTime(14, e.watch_at);
}

void Fields(Writer& w, const HandoffChecked& e) {
  w.OptTime(3, e.watch_at);
  w.OptTime(4, e.next_action_at);
}

void Fields(Writer& w, const Acknowledged& e) { w.String(3, e.engineer); }

void Fields(Writer& w, const PageSuperseded& e) {
  w.String(3, e.engineer);
  w.Uint(4, e.paged_seq);
  w.Uint(5, static_cast<uint64_t>(e.by));
}

void Fields(Writer& w, const Delivered& e) {
  w.String(3, e.engineer);
  w.String(4, e.device);
  w.Uint(5, e.paged_seq);
}

void Fields(Writer& w, const DeliveryFailed& e) {
  w.String(3, e.engineer);
  w.Uint(4, e.paged_seq);
  w.Uint(5, e.attempts);
}

void Fields(Writer& w, const Responded& e) {
  w.Uint(3, static_cast<uint64_t>(e.how));
  w.String(4, e.by);
}

void Fields(Writer& w, const Breached& e) {
  w.Time(3, e.due);
  w.OptTime(4, e.next_action_at);
  w.Bool(5, e.at_severity_change);
}

void Fields(Writer& w, const SlaWarning& e) {
  w.Time(3, e.due);
  w.OptTime(4, e.next_action_at);
}

void Fields(Writer& w, const InputRejected& e) {
  // 3: retired (an old record's reason sentence).
  w.String(4, e.raw_summary);
  w.String(5, e.event_id);
  WriteReason(w, 6, e.reason);
}

// ---- Decoding: one overload per event type. Returns false for a field number
// it does not know, which the caller skips.

bool Field(Reader& r, uint32_t f, Wire w, CaseOpened& e) {
  switch (f) {
    case 3:
      r.String(w, &e.display_id);
      return true;
    case 4:
      r.String(w, &e.account);
      return true;
    case 5:
      r.String(w, &e.subject);
      return true;
    case 6:
      r.String(w, &e.service);
      return true;
    case 7:
      r.String(w, &e.category);
      return true;
    case 8:
      r.String(w, &e.severity_code);
      return true;
    case 9:
      r.Int(w, &e.level);
      return true;
    case 10:
      r.String(w, &e.submitted_by);
      return true;
    case 11:
      r.OptTime(w, &e.time_created);
      return true;
    case 12:
      r.String(w, &e.language);
      return true;
    case 13:
      r.String(w, &e.event_id);
      return true;
    case 14:
      r.OptTime(w, &e.reconciled_at);
      return true;
  }
  return false;
}

bool Field(Reader& r, uint32_t f, Wire w, CommunicationAdded& e) {
  switch (f) {
    case 3:
      r.Enum(w, &e.origin, 0, 2);
      return true;
    case 4:
      r.String(w, &e.communication_id);
      return true;
    case 5:
      r.String(w, &e.event_id);
      return true;
    case 6:
      r.Bool(w, &e.starts_clock);
      return true;
    case 7:
      r.OptTime(w, &e.due);
      return true;
    case 8:
      r.OptTime(w, &e.next_action_at);
      return true;
  }
  return false;
}

bool Field(Reader& r, uint32_t f, Wire w, SeverityChanged& e) {
  switch (f) {
    case 3:
      r.String(w, &e.from_code);
      return true;
    case 4:
      r.String(w, &e.to_code);
      return true;
    case 5:
      r.Int(w, &e.from_level);
      return true;
    case 6:
      r.Int(w, &e.to_level);
      return true;
    case 7:
      r.String(w, &e.event_id);
      return true;
    case 8:
      r.OptTime(w, &e.due);
      return true;
    case 9:
      r.OptTime(w, &e.next_action_at);
      return true;
    case 10:
      r.OptTime(w, &e.reconciled_at);
      return true;
  }
  return false;
}

bool Field(Reader& r, uint32_t f, Wire w, CaseResolved& e) {
  switch (f) {
    case 3:
      r.String(w, &e.event_id);
      return true;
    case 4:
      r.OptTime(w, &e.reconciled_at);
      return true;
  }
  return false;
}

bool Field(Reader& r, uint32_t f, Wire w, CaseReopened& e) {
  switch (f) {
    case 3:
      r.String(w, &e.event_id);
      return true;
    case 4:
      r.OptTime(w, &e.next_action_at);
      return true;
    case 5:
      r.OptTime(w, &e.reconciled_at);
      return true;
  }
  return false;
}

void DecodeCandidate(std::string_view bytes, Reader& outer, Candidate* c) {
  Reader r(bytes);
  uint32_t f;
  Wire w;
  while (r.Next(&f, &w)) {
    switch (f) {
      case 1:
        r.String(w, &c->engineer);
        break;
      case 2:
        r.Double(w, &c->score);
        break;
      case 3:
        r.String(w, &c->prose);
        break;
      case 4:
        r.Int(w, &c->open_cases);
        break;
      case 5:
        r.String(w, &c->skill);
        break;
      case 6:
        r.Double(w, &c->skill_score);
        break;
      case 7:
        r.String(w, &c->workflows.emplace_back());
        break;
      case 8:
        r.Double(w, &c->workflow_score);
        break;
      case 9:
        r.Int(w, &c->earlier_cases);
        break;
      case 10:
        r.Double(w, &c->history_score);
        break;
      case 11:
        r.String(w, &c->schedule);
        break;
      case 12:
        r.String(w, &c->layer);
        break;
      default:
        r.Skip(w);
    }
  }
  if (!r.ok()) outer.Fail("corrupt candidate");
}

bool KnownReasonCode(uint64_t v) {
  return v <= static_cast<uint64_t>(kMaxReasonCode) &&
         ReasonCodeName(static_cast<ReasonCode>(v)) != "unknown";
}

// Replaces *out with the reason in the nested message of field `w`.
void ReadReason(Reader& outer, Wire wire, Reason* out) {
  std::string_view bytes = outer.Bytes(wire);
  if (!outer.ok()) return;
  *out = Reason{};
  Reader r(bytes);
  uint32_t f;
  Wire w;
  while (r.Next(&f, &w)) {
    switch (f) {
      case 1: {
        uint64_t v = 0;
        r.Uint(w, &v);
        if (r.ok() && !KnownReasonCode(v)) r.Fail("unknown reason code");
        out->code = static_cast<ReasonCode>(v);
        break;
      }
      case 2:
        r.String(w, &out->text);
        break;
      case 3:
        r.String(w, &out->engineer);
        break;
      case 4:
        r.String(w, &out->calendar);
        break;
      case 5:
        r.String(w, &out->account);
        break;
      case 6:
        r.String(w, &out->service);
        break;
      case 7:
        r.String(w, &out->case_id);
        break;
      case 8:
        r.String(w, &out->severity);
        break;
      case 9:
        r.String(w, &out->from_severity);
        break;
      case 10:
        r.String(w, &out->action);
        break;
      case 11:
        r.OptTime(w, &out->until);
        break;
      case 12:
        r.OptTime(w, &out->scheduled);
        break;
      case 13:
        r.Bool(w, &out->fallback);
        break;
      default:
        r.Skip(w);
    }
  }
  if (!r.ok()) outer.Fail("corrupt reason");
}

bool Field(Reader& r, uint32_t f, Wire w, Routed& e) {
  switch (f) {
    case 3:
      r.Int(w, &e.level);
      return true;
    case 4:
      r.String(w, &e.coverage);
      return true;
    case 5:
      r.String(w, &e.business);
      return true;
    case 6:
      r.String(w, &e.plan);
      return true;
    case 7:
      r.Bool(w, &e.fallback);
      return true;
    case 8:  // retired: an old record's sentence
      r.String(w, &e.reason.text);
      return true;
    case 9:
      r.OptTime(w, &e.clock_start);
      return true;
    case 10:
      r.OptTime(w, &e.due);
      return true;
    case 11: {
      std::string_view bytes = r.Bytes(w);
      if (r.ok()) DecodeCandidate(bytes, r, &e.candidates.emplace_back());
      return true;
    }
    case 12:
      r.OptTime(w, &e.next_action_at);
      return true;
    case 13:
      r.String(w, &e.clock);
      return true;
    case 14:
      r.Int(w, &e.target_s);
      return true;
    case 15:
      r.Bool(w, &e.target_business);
      return true;
    case 16:
      r.OptTime(w, &e.policy_base);
      return true;
    case 17:
      r.Int(w, &e.repeat);
      return true;
    case 18:
      r.Int(w, &e.steps);
      return true;
    case 19:
      r.OptTime(w, &e.first_step_at);
      return true;
    case 20:
      r.OptTime(w, &e.warning_at);
      return true;
    case 21:
      r.Bool(w, &e.deferred);
      return true;
    case 22:
      r.Bool(w, &e.deferred_page);
      return true;
    case 23:
      r.String(w, &e.owner);
      return true;
    case 24:
      ReadReason(r, w, &e.reason);
      return true;
    case 25:
      ReadReason(r, w, &e.calendars);
      return true;
  }
  return false;
}

void ReadCandidate(Reader& r, Wire w, std::vector<Candidate>* out) {
  std::string_view bytes = r.Bytes(w);
  if (r.ok()) DecodeCandidate(bytes, r, &out->emplace_back());
}

void DecodeTarget(std::string_view bytes, Reader& outer, TargetResolution* t) {
  Reader r(bytes);
  uint32_t f;
  Wire w;
  while (r.Next(&f, &w)) {
    switch (f) {
      case 1:
        r.String(w, &t->target);
        break;
      case 2:
        r.String(w, &t->engineer.emplace());
        break;
      case 3:
        r.String(w, &t->schedule);
        break;
      case 4:
        r.String(w, &t->source);
        break;
      case 5:
        r.OptTime(w, &t->until);
        break;
      case 6:
        ReadCandidate(r, w, &t->candidates);
        break;
      case 7:  // retired: an old record's sentence
        r.String(w, &t->reason.text);
        break;
      case 8:
        ReadReason(r, w, &t->reason);
        break;
      default:
        r.Skip(w);
    }
  }
  if (!r.ok()) outer.Fail("corrupt target resolution");
}

bool Field(Reader& r, uint32_t f, Wire w, Paged& e) {
  switch (f) {
    case 3:
      r.String(w, &e.engineer);
      return true;
    case 4:
      r.Int(w, &e.step);
      return true;
    case 5:
      r.Int(w, &e.cycle);
      return true;
    case 6:
      r.String(w, &e.target);
      return true;
    case 7:
      r.String(w, &e.source);
      return true;
    case 8:  // retired: an old record's sentence
      r.String(w, &e.reason.text);
      return true;
    case 9:
      r.Enum(w, &e.cause, 1, 4);
      return true;
    case 10:
      r.String(w, &e.also_via.emplace_back());
      return true;
    case 11:
      ReadCandidate(r, w, &e.candidates);
      return true;
    case 12:
      ReadReason(r, w, &e.reason);
      return true;
  }
  return false;
}

bool Field(Reader& r, uint32_t f, Wire w, Escalated& e) {
  switch (f) {
    case 3:
      r.Int(w, &e.step);
      return true;
    case 4:
      r.Int(w, &e.cycle);
      return true;
    case 5:
      r.OptTime(w, &e.next_action_at);
      return true;
    case 6:
      r.OptTime(w, &e.scheduled);
      return true;
    case 7:
      r.Bool(w, &e.empty);
      return true;
    case 8: {
      std::string_view bytes = r.Bytes(w);
      if (r.ok()) DecodeTarget(bytes, r, &e.targets.emplace_back());
      return true;
    }
    case 9:
      r.Int(w, &e.next_cycle);
      return true;
    case 10:
      r.Int(w, &e.next_step);
      return true;
    case 11:
      r.OptTime(w, &e.next_step_at);
      return true;
    case 12:
      r.Bool(w, &e.exhausted);
      return true;
    case 13:
      r.String(w, &e.schedules.emplace_back());
      return true;
    case 14:
      r.OptTime(w, &e.watch_at);
      return true;
  }
  return false;
}

bool Field(Reader& r, uint32_t f, Wire w, HandoffChecked& e) {
  switch (f) {
    case 3:
      r.OptTime(w, &e.watch_at);
      return true;
    case 4:
      r.OptTime(w, &e.next_action_at);
      return true;
  }
  return false;
}

bool Field(Reader& r, uint32_t f, Wire w, Acknowledged& e) {
  if (f != 3) return false;
  r.String(w, &e.engineer);
  return true;
}

bool Field(Reader& r, uint32_t f, Wire w, Delivered& e) {
  switch (f) {
    case 3:
      r.String(w, &e.engineer);
      return true;
    case 4:
      r.String(w, &e.device);
      return true;
    case 5:
      r.Uint(w, &e.paged_seq);
      return true;
  }
  return false;
}

bool Field(Reader& r, uint32_t f, Wire w, DeliveryFailed& e) {
  switch (f) {
    case 3:
      r.String(w, &e.engineer);
      return true;
    case 4:
      r.Uint(w, &e.paged_seq);
      return true;
    case 5: {
      uint64_t attempts = 0;
      r.Uint(w, &attempts);
      e.attempts = static_cast<uint32_t>(std::min<uint64_t>(attempts, UINT32_MAX));
      return true;
    }
  }
  return false;
}

bool Field(Reader& r, uint32_t f, Wire w, PageSuperseded& e) {
  switch (f) {
    case 3:
      r.String(w, &e.engineer);
      return true;
    case 4:
      r.Uint(w, &e.paged_seq);
      return true;
    case 5:
      r.Enum(w, &e.by, 1, 2);
      return true;
  }
  return false;
}

bool Field(Reader& r, uint32_t f, Wire w, Responded& e) {
  switch (f) {
    case 3:
      r.Enum(w, &e.how, 1, 2);
      return true;
    case 4:
      r.String(w, &e.by);
      return true;
  }
  return false;
}

bool Field(Reader& r, uint32_t f, Wire w, Breached& e) {
  switch (f) {
    case 3:
      r.Time(w, &e.due);
      return true;
    case 4:
      r.OptTime(w, &e.next_action_at);
      return true;
    case 5:
      r.Bool(w, &e.at_severity_change);
      return true;
  }
  return false;
}

bool Field(Reader& r, uint32_t f, Wire w, SlaWarning& e) {
  switch (f) {
    case 3:
      r.Time(w, &e.due);
      return true;
    case 4:
      r.OptTime(w, &e.next_action_at);
      return true;
  }
  return false;
}

bool Field(Reader& r, uint32_t f, Wire w, InputRejected& e) {
  switch (f) {
    case 3:  // retired: an old record's sentence
      r.String(w, &e.reason.text);
      return true;
    case 4:
      r.String(w, &e.raw_summary);
      return true;
    case 5:
      r.String(w, &e.event_id);
      return true;
    case 6:
      ReadReason(r, w, &e.reason);
      return true;
  }
  return false;
}

template <typename E>
base::Status DecodeBody(Reader& r, Event* out) {
  // In place: an Event is ~1 KiB (a routed event's reasons), and replay decodes millions.
  E& e = out->emplace<E>();
  bool have_at = false;
  uint32_t f;
  Wire w;
  while (r.Next(&f, &w)) {
    if (f == 1) {
      r.String(w, &e.case_id);
    } else if (f == 2) {
      r.Time(w, &e.at);
      have_at = true;
    } else if (!Field(r, f, w, e)) {
      r.Skip(w);
    }
  }
  if (r.ok() && !have_at) r.Fail("record has no `at` field");
  return r.ok() ? base::Status::Ok() : r.status();
}

}  // namespace

void AppendEvent(const Event& event, std::string* out) {
  Writer w(out);
  w.Byte(kEventFormatVersion);
  w.Varint(static_cast<uint64_t>(TypeOf(event)));
  std::visit(
      [&w](const auto& e) {
        w.String(1, e.case_id);
        w.Time(2, e.at);
        Fields(w, e);
      },
      event);
}

std::string EncodeEvent(const Event& event) {
  std::string out;
  out.reserve(96);
  AppendEvent(event, &out);
  return out;
}

base::Status DecodeEventInto(std::string_view bytes, Event* out) {
  Reader r(bytes);
  uint8_t version = 0;
  if (!r.ReadByte(&version)) return r.status();
  if (version != kEventFormatVersion) {
    return base::Status::Corruption("unknown event format version " + std::to_string(version));
  }
  uint64_t tag = 0;
  if (!r.ReadVarint(&tag)) return r.status();
  switch (static_cast<EventType>(tag)) {
    case EventType::kCaseOpened:
      return DecodeBody<CaseOpened>(r, out);
    case EventType::kCommunicationAdded:
      return DecodeBody<CommunicationAdded>(r, out);
    case EventType::kSeverityChanged:
      return DecodeBody<SeverityChanged>(r, out);
    case EventType::kCaseResolved:
      return DecodeBody<CaseResolved>(r, out);
    case EventType::kCaseReopened:
      return DecodeBody<CaseReopened>(r, out);
    case EventType::kRouted:
      return DecodeBody<Routed>(r, out);
    case EventType::kPaged:
      return DecodeBody<Paged>(r, out);
    case EventType::kEscalated:
      return DecodeBody<Escalated>(r, out);
    case EventType::kAcknowledged:
      return DecodeBody<Acknowledged>(r, out);
    case EventType::kResponded:
      return DecodeBody<Responded>(r, out);
    case EventType::kBreached:
      return DecodeBody<Breached>(r, out);
    case EventType::kSlaWarning:
      return DecodeBody<SlaWarning>(r, out);
    case EventType::kInputRejected:
      return DecodeBody<InputRejected>(r, out);
    case EventType::kHandoffChecked:
      return DecodeBody<HandoffChecked>(r, out);
    case EventType::kPageSuperseded:
      return DecodeBody<PageSuperseded>(r, out);
    case EventType::kDelivered:
      return DecodeBody<Delivered>(r, out);
    case EventType::kDeliveryFailed:
      return DecodeBody<DeliveryFailed>(r, out);
  }
  return base::Status::Corruption("unknown event type tag " + std::to_string(tag));
}

base::Result<Event> DecodeEvent(std::string_view bytes) {
  Event event;
  if (base::Status s = DecodeEventInto(bytes, &event); !s.ok()) return s;
  return event;
}

namespace wire {

void WriteReasonMessage(Writer& w, uint32_t field, const Reason& reason) {
  ::router::WriteReason(w, field, reason);
}

void ReadReasonMessage(Reader& r, Wire wire, Reason* out) { ::router::ReadReason(r, wire, out); }

}  // namespace wire

}  // namespace router
