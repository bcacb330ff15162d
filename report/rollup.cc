#include "report/rollup.h"

#include <algorithm>

#include "router/codec.h"

namespace report {

namespace {

using router::wire::Reader;
using router::wire::Wire;
using router::wire::Writer;

constexpr uint8_t kVersion = 1;

void AddTo(int64_t& total, int64_t n, int sign) { total += sign * n; }

void AddSample(Histogram& h, const std::optional<Duration>& d, int sign) {
  if (!d) return;
  if (sign > 0) {
    h.Add(*d);
  } else {
    h.Remove(*d);
  }
}

bool Ended(const ClockSummary& clock) {
  return !clock.routing.front().due || clock.breached_at || clock.response_at || clock.resolved_at;
}

void Later(Timestamp& latest, const std::optional<Timestamp>& t) {
  if (t && *t > latest) latest = *t;
}

// Checks the version byte; false (with `r` failed) when it is not kVersion.
bool ReadVersion(Reader& r) {
  uint8_t version = 0;
  if (!r.ReadByte(&version)) return false;
  if (version != kVersion) {
    r.Fail("unknown rollup version");
    return false;
  }
  return true;
}

}  // namespace

ClockFigures FiguresOf(const ClockOutcome& o) {
  ClockFigures f;
  f.outcome = o.outcome;
  f.resolved_unanswered = o.resolved_unanswered;
  f.wall_clock = o.wall_clock && o.first_response.has_value();
  f.first_response = o.first_response;
  f.to_ack = o.to_ack;
  f.to_resolve = o.to_resolve;
  f.deepest_step = o.deepest_step;
  f.pages = o.pages;
  f.delivered = o.delivered;
  f.undelivered = o.undelivered;
  return f;
}

std::map<std::string, ClockLoad> LoadOf(
    const ClockSummary& clock, Timestamp to,
    const std::function<const date::time_zone*(const std::string&)>& zone_of) {
  std::map<std::string, ClockLoad> out;
  for (const PageFact& p : clock.pages) {
    if (!SentBy(p, to)) continue;
    ClockLoad& load = out[p.engineer];
    ++load.pages;
    ++load.by_schedule[ScheduleOf(p.target)];
    switch (ClassifyInterruption(p.at, zone_of(p.engineer))) {
      case Interruption::kBusiness:
        ++load.business;
        break;
      case Interruption::kOffHours:
        ++load.off_hours;
        break;
      case Interruption::kSleep:
        ++load.sleep;
        break;
    }
  }
  for (const AckFact& a : clock.acks) {
    if (a.at > to || a.at < clock.start) continue;
    ClockLoad& load = out[a.engineer];
    ++load.acks;
    Timestamp paged = clock.start;
    for (const PageFact& p : clock.pages) {
      if (p.engineer == a.engineer && SentBy(p, to) && p.at <= a.at) {
        paged = p.at;
        break;
      }
    }
    load.to_ack.push_back(a.at - paged);
  }
  return out;
}

Timestamp HorizonOf(const ClockSummary& clock) {
  Timestamp latest = clock.start;
  for (const Routing& r : clock.routing) Later(latest, r.at);
  Later(latest, clock.response_at);
  Later(latest, clock.breached_at);
  Later(latest, clock.resolved_at);
  for (const AckFact& a : clock.acks) Later(latest, a.at);
  for (const PageFact& p : clock.pages) {
    Later(latest, p.at);
    Later(latest, p.delivered_at);
    Later(latest, p.failed_at);
    Later(latest, p.superseded_at);
  }
  for (const StepFact& s : clock.steps) Later(latest, s.at);
  return latest;
}

ClockRollup RollupOf(const ClockSummary& clock, const config::Config* config) {
  ClockRollup r;
  r.horizon = HorizonOf(clock);
  if (!Ended(clock)) return r;  // kRunning: judged by each report as of its `to`
  const Timestamp end_of_time = Timestamp::max();
  const ClockOutcome o = Evaluate(clock, end_of_time, config);
  r.placement = o.outcome == Outcome::kBreached ? Placement::kBreached : Placement::kEnded;
  r.level = o.routing->level;
  const PageFact* first = FirstSent(clock, end_of_time);
  r.engineer = first ? first->engineer : kNobody;
  r.schedule = first ? ScheduleOf(first->target) : kNobody;
  r.figures = FiguresOf(o);
  r.load = LoadOf(clock, end_of_time, [config](const std::string& engineer) {
    const config::Engineer* e = config ? config->FindEngineer(engineer) : nullptr;
    return e ? e->zone : nullptr;
  });
  return r;
}

void RollupFigures::Add(const ClockFigures& c, int sign) {
  clocks += sign;
  switch (c.outcome) {
    case Outcome::kMet:
      met += sign;
      if (c.resolved_unanswered) resolved_unanswered += sign;
      break;
    case Outcome::kBreached:
      breached += sign;
      break;
    case Outcome::kOpen:
      open += sign;
      break;
    case Outcome::kUnrouted:
      unrouted += sign;
      break;
  }
  if (c.wall_clock) wall_clock += sign;
  AddSample(first_response, c.first_response, sign);
  AddSample(to_ack, c.to_ack, sign);
  AddSample(to_resolve, c.to_resolve, sign);
  int64_t& at_step = deepest_steps[c.deepest_step];
  at_step += sign;
  if (at_step == 0) deepest_steps.erase(c.deepest_step);
  AddTo(pages, c.pages, sign);
  AddTo(delivered, c.delivered, sign);
  AddTo(undelivered, c.undelivered, sign);
}

void RollupFigures::Merge(const RollupFigures& o) {
  clocks += o.clocks;
  met += o.met;
  breached += o.breached;
  open += o.open;
  resolved_unanswered += o.resolved_unanswered;
  unrouted += o.unrouted;
  wall_clock += o.wall_clock;
  first_response.Merge(o.first_response);
  to_ack.Merge(o.to_ack);
  to_resolve.Merge(o.to_resolve);
  for (const auto& [step, n] : o.deepest_steps) {
    if ((deepest_steps[step] += n) == 0) deepest_steps.erase(step);
  }
  pages += o.pages;
  delivered += o.delivered;
  undelivered += o.undelivered;
}

GroupFigures RollupFigures::ToGroup() const {
  GroupFigures g;
  g.clocks = clocks;
  g.met = met;
  g.breached = breached;
  g.open = open;
  g.resolved_unanswered = resolved_unanswered;
  g.unrouted = unrouted;
  g.wall_clock = wall_clock;
  g.first_response.Merge(first_response);
  g.to_ack.Merge(to_ack);
  g.to_resolve.Merge(to_resolve);
  for (const auto& [step, n] : deepest_steps) {
    if (n > 0) g.deepest_step = std::max(g.deepest_step, step);
  }
  g.pages = pages;
  g.delivered = delivered;
  g.undelivered = undelivered;
  return g;
}

std::string RollupFigures::Encode() const {
  std::string out;
  Writer w(&out);
  w.Byte(kVersion);
  w.Int(1, clocks);
  w.Int(2, met);
  w.Int(3, breached);
  w.Int(4, open);
  w.Int(5, resolved_unanswered);
  w.Int(6, unrouted);
  w.Int(7, wall_clock);
  first_response.Encode(w, 8);
  to_ack.Encode(w, 9);
  to_resolve.Encode(w, 10);
  if (!deepest_steps.empty()) {
    std::string packed;
    Writer p(&packed);
    for (const auto& [step, n] : deepest_steps) {
      p.Varint(router::wire::ZigZag(step));
      p.Varint(router::wire::ZigZag(n));
    }
    w.Bytes(11, packed);
  }
  w.Int(12, pages);
  w.Int(13, delivered);
  w.Int(14, undelivered);
  return out;
}

base::Result<RollupFigures> RollupFigures::Decode(std::string_view bytes) {
  RollupFigures f;
  Reader r(bytes);
  if (!ReadVersion(r)) return r.status();
  uint32_t field;
  Wire wire;
  while (r.Next(&field, &wire)) {
    switch (field) {
      case 1:
        r.Int(wire, &f.clocks);
        break;
      case 2:
        r.Int(wire, &f.met);
        break;
      case 3:
        r.Int(wire, &f.breached);
        break;
      case 4:
        r.Int(wire, &f.open);
        break;
      case 5:
        r.Int(wire, &f.resolved_unanswered);
        break;
      case 6:
        r.Int(wire, &f.unrouted);
        break;
      case 7:
        r.Int(wire, &f.wall_clock);
        break;
      case 8:
        f.first_response.Decode(r, wire);
        break;
      case 9:
        f.to_ack.Decode(r, wire);
        break;
      case 10:
        f.to_resolve.Decode(r, wire);
        break;
      case 11: {
        std::string_view packed = r.Bytes(wire);
        Reader p(packed);
        while (r.ok() && !p.at_end()) {
          uint64_t step = 0, n = 0;
          if (!p.ReadVarint(&step) || !p.ReadVarint(&n)) break;
          f.deepest_steps[static_cast<int>(router::wire::UnZigZag(step))] =
              router::wire::UnZigZag(n);
        }
        if (!p.ok()) r.Fail("corrupt deepest steps");
        break;
      }
      case 12:
        r.Int(wire, &f.pages);
        break;
      case 13:
        r.Int(wire, &f.delivered);
        break;
      case 14:
        r.Int(wire, &f.undelivered);
        break;
      default:
        r.Skip(wire);
    }
  }
  if (!r.ok()) return r.status();
  return f;
}

void RollupLoad::Add(const ClockLoad& c, int sign) {
  AddTo(pages, c.pages, sign);
  AddTo(acks, c.acks, sign);
  for (Duration d : c.to_ack) AddSample(to_ack, d, sign);
  AddTo(business, c.business, sign);
  AddTo(off_hours, c.off_hours, sign);
  AddTo(sleep, c.sleep, sign);
  for (const auto& [schedule, n] : c.by_schedule) {
    if ((by_schedule[schedule] += sign * n) == 0) by_schedule.erase(schedule);
  }
}

void RollupLoad::Merge(const RollupLoad& o) {
  pages += o.pages;
  acks += o.acks;
  to_ack.Merge(o.to_ack);
  business += o.business;
  off_hours += o.off_hours;
  sleep += o.sleep;
  for (const auto& [schedule, n] : o.by_schedule) {
    if ((by_schedule[schedule] += n) == 0) by_schedule.erase(schedule);
  }
}

EngineerLoad RollupLoad::ToLoad() const {
  EngineerLoad l;
  l.pages = pages;
  l.acks = acks;
  l.to_ack.Merge(to_ack);
  l.business = business;
  l.off_hours = off_hours;
  l.sleep = sleep;
  l.by_schedule = by_schedule;
  return l;
}

std::string RollupLoad::Encode() const {
  std::string out;
  Writer w(&out);
  w.Byte(kVersion);
  w.Int(1, pages);
  w.Int(2, acks);
  to_ack.Encode(w, 3);
  w.Int(4, business);
  w.Int(5, off_hours);
  w.Int(6, sleep);
  for (const auto& [schedule, n] : by_schedule) {
    std::string nested;
    Writer m(&nested);
    m.String(1, schedule);
    m.Int(2, n);
    w.Bytes(7, nested);
  }
  return out;
}

base::Result<RollupLoad> RollupLoad::Decode(std::string_view bytes) {
  RollupLoad l;
  Reader r(bytes);
  if (!ReadVersion(r)) return r.status();
  uint32_t field;
  Wire wire;
  while (r.Next(&field, &wire)) {
    switch (field) {
      case 1:
        r.Int(wire, &l.pages);
        break;
      case 2:
        r.Int(wire, &l.acks);
        break;
      case 3:
        l.to_ack.Decode(r, wire);
        break;
      case 4:
        r.Int(wire, &l.business);
        break;
      case 5:
        r.Int(wire, &l.off_hours);
        break;
      case 6:
        r.Int(wire, &l.sleep);
        break;
      case 7: {
        Reader m(r.Bytes(wire));
        std::string schedule;
        int64_t n = 0;
        uint32_t f;
        Wire w;
        while (m.Next(&f, &w)) {
          if (f == 1) {
            m.String(w, &schedule);
          } else if (f == 2) {
            m.Int(w, &n);
          } else {
            m.Skip(w);
          }
        }
        if (!m.ok()) r.Fail("corrupt schedule load");
        l.by_schedule[schedule] = n;
        break;
      }
      default:
        r.Skip(wire);
    }
  }
  if (!r.ok()) return r.status();
  return l;
}

}  // namespace report
