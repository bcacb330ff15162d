// On-call over a schedule. Each layer is a piecewise-constant function of
// time (a rotation cut by its restrict windows); the schedule picks, at each
// instant, an override, else the last layer with someone on call. Evaluating
// at `t` yields the value there and the elementary piece [since, until) over
// which no layer, window or override changes; OnCallAt and Shifts sweep those
// pieces and merge neighbours with the same engineer and source.
#include <algorithm>

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

// Index of the handoff in force at t (the largest k with Handoff(k) <= t); -1
// before the first.
int64_t HandoffIndex(const config::Rotation& r, Timestamp t, ZoneClock& clock) {
  int64_t k;
  if (r.type == config::RotationType::kCustom) {
    if (r.length <= std::chrono::seconds(0))
      return t >= clock.ToUtc(LocalMs(r.start.time_since_epoch())) ? 0 : -1;
    milliseconds since = t - clock.ToUtc(LocalMs(r.start.time_since_epoch()));
    if (since < milliseconds(0)) return -1;
    return since / std::chrono::duration_cast<milliseconds>(r.length);
  }
  // Estimate from the local reading, then correct for DST edges.
  const int64_t period = r.type == config::RotationType::kDaily ? 1 : 7;
  milliseconds local_since = clock.ToLocal(t) - LocalMs(r.start.time_since_epoch());
  int64_t d = std::chrono::floor<days>(local_since).count();
  k = (d >= 0 ? d / period : -((-d + period - 1) / period));
  while (Handoff(r, k, clock) > t) --k;
  while (Handoff(r, k + 1, clock) <= t) ++k;
  return k < 0 ? -1 : k;
}

// Who the rotation has on call at t, narrowing `piece` to its handoffs.
std::optional<size_t> RotationAt(const config::Rotation& r, Timestamp t, ZoneClock& clock,
                                 Piece& piece) {
  if (r.members.empty()) return std::nullopt;
  if (r.type == config::RotationType::kCustom && r.length <= std::chrono::seconds(0)) {
    Timestamp s = Handoff(r, 0, clock);
    if (t < s) {
      piece.Narrow(kFarPast, s);
      return std::nullopt;
    }
    piece.Narrow(s, kFarFuture);
    return 0;
  }
  int64_t k = HandoffIndex(r, t, clock);
  if (k < 0) {
    piece.Narrow(kFarPast, Handoff(r, 0, clock));
    return std::nullopt;  // before the first handoff nobody is on call in this layer
  }
  piece.Narrow(Handoff(r, k, clock), Handoff(r, k + 1, clock));
  return static_cast<size_t>(k % static_cast<int64_t>(r.members.size()));
}

// --- restrict windows --------------------------------------------------------

// Whether t is inside one of the restrict windows, narrowing `piece` to the
// nearest window edges around t. Windows may cross midnight and overlap.
bool InsideRestrict(const config::Layer& layer, Timestamp t, ZoneClock& clock, Piece& piece,
                    std::vector<Interval>& buf) {
  if (layer.restrict.empty()) return true;
  const int64_t today = LocalDayNumber(clock.ToLocal(t));
  bool inside = false;
  Timestamp next = kFarFuture;
  // Forward: windows of earlier days can reach t only if they cross midnight.
  for (int64_t day = today - 2; day <= today + 9; ++day) {
    buf.clear();
    AppendDayIntervals(layer.restrict, day, clock, buf);
    for (const auto& iv : buf) {
      if (iv.start <= t && t < iv.end) inside = true;
      if (iv.start > t) next = std::min(next, iv.start);
      if (iv.end > t) next = std::min(next, iv.end);
    }
    // Later days' windows start at or after the next local midnight.
    if (day >= today + 1 && next <= clock.ToUtc(LocalDayStart(day + 1))) break;
  }
  Timestamp prev = kFarPast;
  // Backward: a window of day d ends before the local midnight ending day d+1.
  for (int64_t day = today + 1; day >= today - 9; --day) {
    buf.clear();
    AppendDayIntervals(layer.restrict, day, clock, buf);
    for (const auto& iv : buf) {
      if (iv.start <= t) prev = std::max(prev, iv.start);
      if (iv.end <= t) prev = std::max(prev, iv.end);
    }
    if (prev >= clock.ToUtc(LocalDayStart(day + 1))) break;
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

// Per-call state: one zone clock per layer, a scratch buffer.
class Evaluator {
 public:
  explicit Evaluator(const config::Schedule& s) : schedule_(s) {
    clocks_.reserve(s.layers.size());
    for (const auto& l : s.layers) clocks_.emplace_back(l.zone);
    buf_.reserve(16);
  }

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
      // Outside its windows a layer has nobody whoever its rotation names, so
      // its handoffs need not cut the piece.
      if (!InsideRestrict(layer, t, clocks_[i], piece, buf_)) continue;
      std::optional<size_t> member = RotationAt(layer.rotation, t, clocks_[i], piece);
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
    if (v.source == kOverride) s.source = "override";
    if (v.source >= 0) s.source = schedule_.layers[static_cast<size_t>(v.source)].name;
    return s;
  }

 private:
  const config::Schedule& schedule_;
  std::vector<ZoneClock> clocks_;
  std::vector<Interval> buf_;
};

}  // namespace

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
