// On-call over a schedule. Each layer is a piecewise-constant function of
// time (a rotation cut by its restrict windows); the schedule picks, at each
// instant, an override, else the last layer with someone on call. Evaluating
// at `t` yields the value there and the elementary piece [since, until) over
// which no layer, window or override changes; OnCallAt and Shifts sweep those
// pieces and merge neighbours with the same engineer and source.
#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>

#include "schedules/schedules.h"
#include "schedules/windows.h"

namespace schedules {

namespace {
using std::chrono::days;
using std::chrono::milliseconds;

// Stand-ins for "forever" that leave room for arithmetic.
const Timestamp kFarPast = Timestamp(std::chrono::sys_days(std::chrono::year(1900) / 1 / 1));
const Timestamp kFarFuture = Timestamp(std::chrono::sys_days(std::chrono::year(2400) / 1 / 1));
// How far OnCallAt searches for the start and end of a shift that does not change.
constexpr days kSearchHorizon{400};

// A constant stretch [since, until) containing the evaluated instant.
struct Piece {
  Timestamp since = kFarPast;
  Timestamp until = kFarFuture;
  void Narrow(Timestamp s, Timestamp u) {
    since = std::max(since, s);
    until = std::min(until, u);
  }
};

// --- rotations --------------------------------------------------------------

// The instant of handoff k (k = 0 is `start`): daily and weekly handoffs keep
// start's local time of day; custom ones advance by elapsed `length`.
Timestamp Handoff(const config::Rotation& r, int64_t k, ZoneClock& clock) {
  const LocalMs start(r.start.time_since_epoch());
  switch (r.type) {
    case config::RotationType::kDaily:
      return clock.ToUtc(start + days(k));
    case config::RotationType::kWeekly:
      return clock.ToUtc(start + days(7 * k));
    case config::RotationType::kCustom:
    default:
      return clock.ToUtc(start) + k * std::chrono::duration_cast<milliseconds>(r.length);
  }
}

// The restrict intervals and local midnights of recent days, per layer, for
// one OnCallAt or Shifts call (neighbouring pieces ask about the same days).
// Each entry holds exactly what the conversion it saves returns. Lives inside
// the Evaluator: building one writes only its keys.
class DayCache {
 public:
  static constexpr size_t kMaxIntervals = 4;  // a day with more is not cached
  struct Slot {
    int64_t day = INT64_MIN;
    size_t layer = SIZE_MAX;
    bool has_intervals = false;
    bool has_midnight = false;
    size_t n = 0;
    Timestamp midnight;  // the first instant of the local day
    int64_t start_ms[kMaxIntervals];
    int64_t end_ms[kMaxIntervals];
  };
  Slot& Get(size_t layer, int64_t day) {
    Slot& slot = slots_[static_cast<size_t>(day * 3 + static_cast<int64_t>(layer)) & 15];
    if (slot.day != day || slot.layer != layer) {
      slot.day = day;
      slot.layer = layer;
      slot.has_intervals = false;
      slot.has_midnight = false;
    }
    return slot;
  }

 private:
  std::array<Slot, 16> slots_;
};

// Per-call state of one layer: its zone clock, and what one OnCallAt or
// Shifts call asks about it again and again (every piece evaluates every
// layer, and neighbouring pieces share handoffs and days): the first handoff,
// whether a restrict window reaches past its own day, recent handoff
// instants, and (through the shared DayCache) recent days.
struct LayerEval {
  LayerEval(const date::time_zone* zone, size_t index, DayCache* days)
      : clock(zone), index(index), days(days) {}
  ZoneClock clock;
  size_t index;
  DayCache* days;
  std::optional<Timestamp> first_handoff;
  std::optional<bool> restrict_crosses_midnight;

  struct HandoffSlot {
    int64_t k = INT64_MIN;
    Timestamp at;
  };
  std::array<HandoffSlot, 4> handoffs;  // by k mod 4

  // clock.ToUtc(LocalDayStart(day)).
  Timestamp Midnight(int64_t day) {
    DayCache::Slot& slot = days->Get(index, day);
    if (!slot.has_midnight) {
      slot.midnight = clock.ToUtc(LocalDayStart(day));
      slot.has_midnight = true;
    }
    return slot.midnight;
  }
  // AppendDayIntervals(windows, day, clock, out) after clearing out.
  void Intervals(const std::vector<config::WeeklyWindow>& windows, int64_t day,
                 std::vector<Interval>& out) {
    out.clear();
    DayCache::Slot& slot = days->Get(index, day);
    if (slot.has_intervals) {
      for (size_t i = 0; i < slot.n; ++i) {
        out.push_back(
            {Timestamp(milliseconds(slot.start_ms[i])), Timestamp(milliseconds(slot.end_ms[i]))});
      }
      return;
    }
    AppendDayIntervals(windows, day, clock, out);
    if (out.size() <= DayCache::kMaxIntervals) {
      for (size_t i = 0; i < out.size(); ++i) {
        slot.start_ms[i] = out[i].start.time_since_epoch().count();
        slot.end_ms[i] = out[i].end.time_since_epoch().count();
      }
      slot.n = out.size();
      slot.has_intervals = true;
    }
  }
};

// Handoff(r, k, layer.clock), remembered.
Timestamp HandoffOf(const config::Rotation& r, int64_t k, LayerEval& layer) {
  auto& slot = layer.handoffs[static_cast<size_t>(k & 3)];
  if (slot.k != k) slot = {k, Handoff(r, k, layer.clock)};
  return slot.at;
}

Timestamp FirstHandoff(const config::Rotation& r, LayerEval& layer) {
  if (!layer.first_handoff) layer.first_handoff = HandoffOf(r, 0, layer);
  return *layer.first_handoff;
}

// The handoff in force at t: the largest k with Handoff(k) <= t, and the
// instants of handoffs k and k + 1 (computed on the way, so callers need not
// convert them again); nullopt before the first handoff.
// REQUIRES: r.type is not custom with a length <= 0 (no second handoff).
struct HandoffSpan {
  int64_t k;
  Timestamp begin;  // Handoff(k)
  Timestamp end;    // Handoff(k + 1)
};
std::optional<HandoffSpan> HandoffAt(const config::Rotation& r, Timestamp t, LayerEval& layer) {
  if (t < FirstHandoff(r, layer)) return std::nullopt;
  int64_t k;
  if (r.type == config::RotationType::kCustom) {
    const milliseconds since = t - FirstHandoff(r, layer);
    k = since / std::chrono::duration_cast<milliseconds>(r.length);
    return HandoffSpan{k, HandoffOf(r, k, layer), HandoffOf(r, k + 1, layer)};
  }
  // Estimate from the local reading, then correct for DST edges.
  const int64_t period = r.type == config::RotationType::kDaily ? 1 : 7;
  milliseconds local_since = layer.clock.ToLocal(t) - LocalMs(r.start.time_since_epoch());
  int64_t d = std::chrono::floor<days>(local_since).count();
  k = (d >= 0 ? d / period : -((-d + period - 1) / period));
  Timestamp begin = HandoffOf(r, k, layer);
  while (begin > t) begin = HandoffOf(r, --k, layer);
  Timestamp end = HandoffOf(r, k + 1, layer);
  while (end <= t) {
    ++k;
    begin = end;
    end = HandoffOf(r, k + 1, layer);
  }
  return HandoffSpan{k, begin, end};
}

// Who the rotation has on call at t, narrowing `piece` to its handoffs.
std::optional<size_t> RotationAt(const config::Rotation& r, Timestamp t, LayerEval& layer,
                                 Piece& piece) {
  if (r.members.empty()) return std::nullopt;
  if (r.type == config::RotationType::kCustom && r.length <= std::chrono::seconds(0)) {
    Timestamp s = FirstHandoff(r, layer);
    if (t < s) {
      piece.Narrow(kFarPast, s);
      return std::nullopt;
    }
    piece.Narrow(s, kFarFuture);
    return 0;
  }
  auto span = HandoffAt(r, t, layer);
  if (!span) {
    piece.Narrow(kFarPast, FirstHandoff(r, layer));
    return std::nullopt;  // before the first handoff nobody is on call in this layer
  }
  piece.Narrow(span->begin, span->end);
  return static_cast<size_t>(span->k % static_cast<int64_t>(r.members.size()));
}

// True when the rotation has nobody at t whatever comes later in it (no
// members, or t before the first handoff), narrowing `piece` to that stretch.
// RotationAt says the same (nullopt, with the same narrowing) in those cases.
bool RotationIdle(const config::Rotation& r, Timestamp t, LayerEval& layer, Piece& piece) {
  if (r.members.empty()) return true;
  const Timestamp first = FirstHandoff(r, layer);
  if (t >= first) return false;
  piece.Narrow(kFarPast, first);
  return true;
}

// --- restrict windows --------------------------------------------------------

// Whether t is inside one of the restrict windows, narrowing `piece` to the
// nearest window edges around t. Windows may cross midnight and overlap.
bool InsideRestrict(const config::Layer& layer, Timestamp t, LayerEval& eval, Piece& piece,
                    std::vector<Interval>& buf) {
  if (layer.restrict.empty()) return true;
  if (!eval.restrict_crosses_midnight) {
    bool crosses = false;
    for (const auto& w : layer.restrict)
      crosses = crosses || w.end <= w.start || w.end > std::chrono::hours(24);
    eval.restrict_crosses_midnight = crosses;
  }
  const bool crosses = *eval.restrict_crosses_midnight;
  const int64_t today = LocalDayNumber(eval.clock.ToLocal(t));
  bool inside = false;
  Timestamp next = kFarFuture;
  // Forward: windows of earlier days can reach t only if they cross midnight
  // (then only yesterday's: one ends before the local midnight after the
  // next day's); a window within its day d ends by the first instant of local
  // day d + 1, which is not after t for d < today (the mapping is monotone).
  for (int64_t day = crosses ? today - 1 : today; day <= today + 9; ++day) {
    eval.Intervals(layer.restrict, day, buf);
    for (const auto& iv : buf) {
      if (iv.start <= t && t < iv.end) inside = true;
      if (iv.start > t) next = std::min(next, iv.start);
      if (iv.end > t) next = std::min(next, iv.end);
    }
    // Later days' windows start at or after the next local midnight.
    if (day >= today + 1 && next <= eval.Midnight(day + 1)) break;
  }
  Timestamp prev = kFarPast;
  // Backward: a window of day d ends before the local midnight ending day
  // d+1, and one within its day before the midnight ending day d: once prev
  // has reached that midnight, earlier days cannot move it.
  for (int64_t day = today + 1; day >= today - 9; --day) {
    eval.Intervals(layer.restrict, day, buf);
    for (const auto& iv : buf) {
      if (iv.start <= t) prev = std::max(prev, iv.start);
      if (iv.end <= t) prev = std::max(prev, iv.end);
    }
    if (prev >= eval.Midnight(crosses ? day + 1 : day)) break;
  }
  piece.Narrow(prev, next);
  return inside;
}

// --- schedule ----------------------------------------------------------------

constexpr int kNobody = -1;
constexpr int kOverride = -2;

struct Value {
  int source = kNobody;  // layer index, kOverride, or kNobody
  const std::string* engineer = nullptr;
  bool operator==(const Value& o) const {
    if (source != o.source) return false;
    if (engineer == nullptr || o.engineer == nullptr) return engineer == o.engineer;
    return *engineer == *o.engineer;
  }
};

// Per-call state: one LayerEval per layer, a scratch buffer.
class Evaluator {
 public:
  explicit Evaluator(const config::Schedule& s) : schedule_(s) {
    layers_.reserve(s.layers.size());
    for (const auto& l : s.layers) layers_.emplace_back(l.zone, layers_.size(), &days_);
    buf_.reserve(16);
  }
  Evaluator(const Evaluator&) = delete;  // layers_ point at days_
  Evaluator& operator=(const Evaluator&) = delete;

  // The value at t and the elementary piece around it.
  Value At(Timestamp t, Piece& piece) {
    piece = Piece{};
    Value v;
    // Overrides: the last one listed that contains t wins.
    for (size_t i = 0; i < schedule_.overrides.size(); ++i) {
      const auto& o = schedule_.overrides[i];
      if (o.from <= t && t < o.to) {
        v = {kOverride, &o.who};
        piece.Narrow(o.from, o.to);
      } else if (o.to <= t) {
        piece.Narrow(o.to, kFarFuture);
      } else {
        piece.Narrow(kFarPast, o.from);  // starts after t
      }
    }
    if (v.source == kOverride) return v;  // no layer matters inside the override
    for (size_t i = schedule_.layers.size(); i-- > 0;) {
      const auto& layer = schedule_.layers[i];
      // A rotation with nobody yet (before its first handoff, or no members)
      // has nobody whatever its windows say, so its windows need not cut the
      // piece: a gap before a layer starts is then one piece, not one per
      // window edge (OnCallAt would otherwise walk its 400-day horizon window
      // by window, about a millisecond, to find where the gap began).
      if (RotationIdle(layer.rotation, t, layers_[i], piece)) continue;
      // Outside its windows a layer has nobody whoever its rotation names, so
      // its handoffs need not cut the piece.
      if (!InsideRestrict(layer, t, layers_[i], piece, buf_)) continue;
      std::optional<size_t> member = RotationAt(layer.rotation, t, layers_[i], piece);
      if (member) {
        v = {static_cast<int>(i), &layer.rotation.members[*member]};
        return v;  // earlier layers are hidden for as long as this piece lasts
      }
    }
    return v;
  }

  Shift ToShift(const Value& v, Timestamp start, Timestamp end) const {
    Shift s;
    if (v.engineer) s.engineer = *v.engineer;
    s.start = start;
    s.end = end;
    s.source = SourceName(v);
    return s;
  }

  // The layer name, "override", or empty for a gap.
  std::string SourceName(const Value& v) const {
    if (v.source == kOverride) return "override";
    if (v.source >= 0) return schedule_.layers[static_cast<size_t>(v.source)].name;
    return {};
  }

 private:
  const config::Schedule& schedule_;
  DayCache days_;  // before layers_, which point at it
  std::vector<LayerEval> layers_;
  std::vector<Interval> buf_;
};

}  // namespace

OnCall WhoIsOnCall(const config::Schedule& schedule, Timestamp at) {
  Evaluator eval(schedule);
  Piece piece;
  const Value v = eval.At(at, piece);
  OnCall out;
  if (v.engineer) out.engineer = *v.engineer;
  out.source = eval.SourceName(v);
  return out;
}

Shift OnCallAt(const config::Schedule& schedule, Timestamp at) {
  Evaluator eval(schedule);
  Piece piece;
  const Value v = eval.At(at, piece);
  Timestamp start = piece.since;
  Timestamp until = piece.until;
  const Timestamp horizon_back = at - kSearchHorizon;
  const Timestamp horizon_fwd = at + kSearchHorizon;
  while (until < horizon_fwd) {
    Piece next;
    if (!(eval.At(until, next) == v)) break;
    until = next.until;
  }
  while (start > horizon_back) {
    Piece prev;
    if (!(eval.At(start - milliseconds(1), prev) == v)) break;
    start = prev.since;
  }
  return eval.ToShift(v, std::max(start, horizon_back), std::min(until, horizon_fwd));
}

std::vector<Shift> Shifts(const config::Schedule& schedule, Timestamp from, Timestamp to) {
  std::vector<Shift> out;
  Evaluator eval(schedule);
  Value last;
  for (Timestamp t = from; t < to;) {
    Piece piece;
    Value v = eval.At(t, piece);
    Timestamp end = std::min(piece.until, to);
    if (!out.empty() && v == last) {
      out.back().end = end;
    } else {
      out.push_back(eval.ToShift(v, t, end));
      last = v;
    }
    t = end;
  }
  return out;
}

}  // namespace schedules
