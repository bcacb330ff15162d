#include "report/summary_codec.h"

#include "router/codec.h"

namespace report {

namespace {

using router::wire::Reader;
using router::wire::Wire;
using router::wire::Writer;

constexpr uint8_t kVersion = 1;

// A nested message built by `fill` under `field`.
template <typename Fill>
void Nested(Writer& w, uint32_t field, Fill fill) {
  std::string bytes;
  Writer n(&bytes);
  fill(n);
  w.Bytes(field, bytes);
}

// Calls read(field, wire, reader) for each field of the nested message under `wire`.
template <typename Read>
void ReadNested(Reader& outer, Wire wire, Read read) {
  Reader r(outer.Bytes(wire));
  if (!outer.ok()) return;
  uint32_t f;
  Wire w;
  while (r.Next(&f, &w)) read(f, w, r);
  if (!r.ok()) outer.Fail("corrupt nested message");
}

void WriteClock(Writer& w, const ClockSummary& c) {
  w.Uint(1, static_cast<uint64_t>(c.kind));
  w.Time(2, c.start);
  w.String(3, c.plan);
  w.Bool(4, c.fallback);
  router::wire::WriteReasonMessage(w, 5, c.calendars);
  w.Bool(6, c.deferred);
  for (const Routing& x : c.routing) {
    Nested(w, 7, [&](Writer& n) {
      n.Time(1, x.at);
      n.Int(2, x.level);
      n.OptTime(3, x.due);
      n.String(4, x.calendar);
      n.Int(5, x.target_s);
      n.Bool(6, x.target_business);
      n.Int(7, x.steps);
      n.String(8, x.from_severity);
      n.String(9, x.severity);
    });
  }
  w.OptTime(8, c.response_at);
  w.Uint(9, static_cast<uint64_t>(c.response_how));
  w.String(10, c.responder);
  w.OptTime(11, c.breached_at);
  w.Time(12, c.breach_due);
  w.Bool(13, c.breach_at_severity_change);
  w.OptTime(14, c.resolved_at);
  for (const AckFact& a : c.acks) {
    Nested(w, 15, [&](Writer& n) {
      n.Time(1, a.at);
      n.String(2, a.engineer);
    });
  }
  for (const PageFact& p : c.pages) {
    Nested(w, 16, [&](Writer& n) {
      n.Uint(1, p.seq);
      n.Time(2, p.at);
      n.String(3, p.engineer);
      n.String(4, p.target);
      n.Int(5, p.step);
      n.Int(6, p.cycle);
      n.OptTime(7, p.delivered_at);
      n.OptTime(8, p.failed_at);
      n.OptTime(9, p.superseded_at);
    });
  }
  for (const StepFact& s : c.steps) {
    Nested(w, 17, [&](Writer& n) {
      n.Time(1, s.at);
      n.Int(2, s.step);
      n.Int(3, s.cycle);
      n.Int(4, s.position);
      n.Bool(5, s.empty);
      for (const auto& target : s.nobody) n.Bytes(6, target);
    });
  }
}

void ReadClock(Reader& r, Wire wire, ClockSummary* c) {
  ReadNested(r, wire, [c](uint32_t f, Wire w, Reader& m) {
    switch (f) {
      case 1:
        m.Enum(w, &c->kind, 0, static_cast<uint64_t>(ClockKind::kFollowUp));
        break;
      case 2:
        m.Time(w, &c->start);
        break;
      case 3:
        m.String(w, &c->plan);
        break;
      case 4:
        m.Bool(w, &c->fallback);
        break;
      case 5:
        router::wire::ReadReasonMessage(m, w, &c->calendars);
        break;
      case 6:
        m.Bool(w, &c->deferred);
        break;
      case 7: {
        Routing& x = c->routing.emplace_back();
        ReadNested(m, w, [&x](uint32_t g, Wire v, Reader& n) {
          switch (g) {
            case 1:
              n.Time(v, &x.at);
              break;
            case 2:
              n.Int(v, &x.level);
              break;
            case 3:
              n.OptTime(v, &x.due);
              break;
            case 4:
              n.String(v, &x.calendar);
              break;
            case 5:
              n.Int(v, &x.target_s);
              break;
            case 6:
              n.Bool(v, &x.target_business);
              break;
            case 7:
              n.Int(v, &x.steps);
              break;
            case 8:
              n.String(v, &x.from_severity);
              break;
            case 9:
              n.String(v, &x.severity);
              break;
            default:
              n.Skip(v);
          }
        });
        break;
      }
      case 8:
        m.OptTime(w, &c->response_at);
        break;
      case 9:
        m.Enum(w, &c->response_how, 1,
               static_cast<uint64_t>(router::ResponseKind::kAwsCommunication));
        break;
      case 10:
        m.String(w, &c->responder);
        break;
      case 11:
        m.OptTime(w, &c->breached_at);
        break;
      case 12:
        m.Time(w, &c->breach_due);
        break;
      case 13:
        m.Bool(w, &c->breach_at_severity_change);
        break;
      case 14:
        m.OptTime(w, &c->resolved_at);
        break;
      case 15: {
        AckFact& a = c->acks.emplace_back();
        ReadNested(m, w, [&a](uint32_t g, Wire v, Reader& n) {
          if (g == 1) {
            n.Time(v, &a.at);
          } else if (g == 2) {
            n.String(v, &a.engineer);
          } else {
            n.Skip(v);
          }
        });
        break;
      }
      case 16: {
        PageFact& p = c->pages.emplace_back();
        ReadNested(m, w, [&p](uint32_t g, Wire v, Reader& n) {
          switch (g) {
            case 1:
              n.Uint(v, &p.seq);
              break;
            case 2:
              n.Time(v, &p.at);
              break;
            case 3:
              n.String(v, &p.engineer);
              break;
            case 4:
              n.String(v, &p.target);
              break;
            case 5:
              n.Int(v, &p.step);
              break;
            case 6:
              n.Int(v, &p.cycle);
              break;
            case 7:
              n.OptTime(v, &p.delivered_at);
              break;
            case 8:
              n.OptTime(v, &p.failed_at);
              break;
            case 9:
              n.OptTime(v, &p.superseded_at);
              break;
            default:
              n.Skip(v);
          }
        });
        break;
      }
      case 17: {
        StepFact& s = c->steps.emplace_back();
        ReadNested(m, w, [&s](uint32_t g, Wire v, Reader& n) {
          switch (g) {
            case 1:
              n.Time(v, &s.at);
              break;
            case 2:
              n.Int(v, &s.step);
              break;
            case 3:
              n.Int(v, &s.cycle);
              break;
            case 4:
              n.Int(v, &s.position);
              break;
            case 5:
              n.Bool(v, &s.empty);
              break;
            case 6:
              n.String(v, &s.nobody.emplace_back());
              break;
            default:
              n.Skip(v);
          }
        });
        break;
      }
      default:
        m.Skip(w);
    }
  });
}

void WriteHeader(Writer& w, const CaseSummary& c) {
  w.String(1, c.display_id);
  w.String(2, c.account);
  w.String(3, c.service);
  w.Time(4, c.opened);
}

// Reads header field `f` (1-4); false for any other field.
bool ReadHeader(uint32_t f, Wire w, Reader& r, CaseSummary* c) {
  switch (f) {
    case 1:
      r.String(w, &c->display_id);
      return true;
    case 2:
      r.String(w, &c->account);
      return true;
    case 3:
      r.String(w, &c->service);
      return true;
    case 4:
      r.Time(w, &c->opened);
      return true;
    default:
      return false;
  }
}

bool ReadVersion(Reader& r) {
  uint8_t version = 0;
  if (!r.ReadByte(&version)) return false;
  if (version != kVersion) {
    r.Fail("unknown report record version");
    return false;
  }
  return true;
}

}  // namespace

std::string EncodeClockRecord(const CaseSummary& c, const ClockSummary& clock) {
  std::string out;
  out.reserve(512);
  Writer w(&out);
  w.Byte(kVersion);
  WriteHeader(w, c);
  Nested(w, 5, [&](Writer& n) { WriteClock(n, clock); });
  return out;
}

base::Result<CaseSummary> DecodeClockRecord(std::string_view case_id, std::string_view bytes) {
  CaseSummary c;
  c.case_id = std::string(case_id);
  Reader r(bytes);
  if (!ReadVersion(r)) return r.status();
  uint32_t f;
  Wire w;
  while (r.Next(&f, &w)) {
    if (ReadHeader(f, w, r, &c)) continue;
    if (f == 5) {
      ReadClock(r, w, &c.clocks.emplace_back());
    } else {
      r.Skip(w);
    }
  }
  if (!r.ok()) return r.status();
  return c;
}

std::string EncodeCaseRecord(const CaseRecord& record) {
  std::string out;
  Writer w(&out);
  w.Byte(kVersion);
  WriteHeader(w, record.header);
  for (Timestamp start : record.clock_starts) w.Time(5, start);
  return out;
}

base::Result<CaseRecord> DecodeCaseRecord(std::string_view case_id, std::string_view bytes) {
  CaseRecord record;
  record.header.case_id = std::string(case_id);
  Reader r(bytes);
  if (!ReadVersion(r)) return r.status();
  uint32_t f;
  Wire w;
  while (r.Next(&f, &w)) {
    if (ReadHeader(f, w, r, &record.header)) continue;
    if (f == 5) {
      r.Time(w, &record.clock_starts.emplace_back());
    } else {
      r.Skip(w);
    }
  }
  if (!r.ok()) return r.status();
  return record;
}

}  // namespace report
