#include "router/case_state.h"

#include <algorithm>

#include "base/hash.h"
#include "router/codec.h"

namespace router {

uint64_t EventIdHash(std::string_view id) { return base::Fnv1a64(id); }

bool CaseState::SawEventId(std::string_view id) const {
  return std::find(seen_event_ids.begin(), seen_event_ids.end(), EventIdHash(id)) !=
         seen_event_ids.end();
}

namespace {

void Remember(CaseState& s, const std::string& event_id) {
  if (event_id.empty()) return;
  const uint64_t hash = EventIdHash(event_id);
  auto& seen = s.seen_event_ids;
  if (std::find(seen.begin(), seen.end(), hash) != seen.end()) return;
  if (seen.size() >= kSeenEventIds) seen.erase(seen.begin());
  seen.push_back(hash);
}

void AddDistinct(std::vector<std::string>& v, const std::string& x) {
  if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}

// A fact about the case told at `at` (learned from a snapshot taken at `reconciled_at`).
void Told(CaseState& s, Timestamp at, const std::optional<Timestamp>& reconciled_at) {
  Timestamp known = reconciled_at ? std::max(at, *reconciled_at) : at;
  if (!s.last_fact_at || known > *s.last_fact_at) s.last_fact_at = known;
}

// A new response clock: everything measured against the previous one is over.
void StartClock(CaseState& s, Timestamp at) {
  s.clock_start = at;
  s.awaiting_response = true;
  s.paged.clear();
}

struct Folder {
  CaseState& s;

  // As router::Stop leaves the state: nothing more fires.
  void StopEscalation(Timestamp at) {
    if (!s.escalation) return;
    EscalationState& x = *s.escalation;
    if (!x.stopped) {
      x.stopped = true;
      x.stopped_at = at;
    }
    x.deferred_page_pending = false;
    x.watch_at.reset();
  }

  // As router::Start / StartFollowUp (a new clock) or ChangeSeverity's
  // re-targeting (no clock_start) leave the state.
  void RouteEscalation(const Routed& e) {
    if (e.clock.empty()) {
      s.escalation.reset();
      return;
    }
    if (e.clock_start || !s.escalation) {
      EscalationState fresh;
      fresh.account = s.account;
      fresh.service = s.service;
      fresh.deferred = e.deferred;
      fresh.deferred_page_pending = e.deferred_page;
      fresh.opened = e.clock_start.value_or(e.at);
      fresh.owner = e.owner;
      s.escalation = std::move(fresh);
    }
    EscalationState& x = *s.escalation;
    x.level = e.level;
    x.fallback = e.fallback;
    x.clock_calendar = e.clock;
    x.target = config::DurationSpec{std::chrono::seconds(e.target_s), e.target_business};
    x.policy_base = e.policy_base.value_or(e.at);
    x.repeat = e.repeat;
    x.step_count = e.steps;
    x.cycle = 0;
    x.next_step = 0;
    x.next_step_at = e.first_step_at.value_or(e.at);
    x.exhausted = false;
    x.current_cycle = -1;
    x.current_step = -1;
    x.step_schedules.clear();
    x.step_paged.clear();
    x.watch_at.reset();
    if (e.due) x.due = *e.due;
    if (e.warning_at) x.warning_at = *e.warning_at;
  }

  void operator()(const CaseOpened& e) {
    s.opened = true;
    s.case_id = e.case_id;
    s.status = CaseStatus::kOpen;
    s.display_id = e.display_id;
    s.subject = e.subject;
    s.account = e.account;
    s.service = e.service;
    s.severity_code = e.severity_code;
    s.level = e.level;
    s.opened_at = e.at;
    s.opened_by_reconciliation = e.reconciled_at.has_value();
    s.first_response_at.reset();
    s.escalation.reset();
    StartClock(s, e.at);
    Remember(s, e.event_id);
    Told(s, e.at, e.reconciled_at);
  }
  void operator()(const CommunicationAdded& e) {
    // The due of the clock it starts is the escalation's, from the routed that follows.
    if (e.starts_clock) StartClock(s, e.at);
    s.next_action_at = e.next_action_at;
    Remember(s, e.event_id);
    Told(s, e.at, std::nullopt);
  }
  void operator()(const SeverityChanged& e) {
    s.severity_code = e.to_code;
    s.level = e.to_level;
    // The new due and policy are the escalation's, from the routed that follows.
    s.next_action_at = e.next_action_at;
    Remember(s, e.event_id);
    Told(s, e.at, e.reconciled_at);
  }
  void operator()(const CaseResolved& e) {
    s.status = CaseStatus::kResolved;
    s.resolved_at = e.at;
    s.awaiting_response = false;
    s.next_action_at.reset();
    StopEscalation(e.at);
    Remember(s, e.event_id);
    Told(s, e.at, e.reconciled_at);
  }
  void operator()(const CaseReopened& e) {
    s.status = CaseStatus::kOpen;
    s.resolved_at.reset();
    ++s.reopen_count;
    s.first_response_at.reset();
    s.acked_by.clear();
    StartClock(s, e.at);
    s.next_action_at = e.next_action_at;
    Remember(s, e.event_id);
    Told(s, e.at, e.reconciled_at);
  }
  void operator()(const Routed& e) {
    if (e.level != 0) s.level = e.level;
    s.coverage = e.coverage;
    s.business = e.business;
    s.plan = e.plan;
    s.fallback = e.fallback;
    if (e.clock_start) s.clock_start = *e.clock_start;
    s.next_action_at = e.next_action_at;
    RouteEscalation(e);
  }
  void operator()(const Paged& e) {
    AddDistinct(s.paged, e.engineer);
    if (s.escalation && e.cause != PageCause::kDeferred) {
      s.escalation->step_paged.push_back(e.engineer);
    }
  }
  void operator()(const Escalated& e) {
    s.next_action_at = e.next_action_at;
    if (!s.escalation) return;
    EscalationState& x = *s.escalation;
    if (e.step < 0) {  // the fallback page at a deferred opening
      x.deferred_page_pending = false;
      return;
    }
    x.current_cycle = e.cycle;
    x.current_step = e.step;
    x.step_paged.clear();
    x.cycle = e.next_cycle;
    x.next_step = e.next_step;
    if (e.next_step_at) x.next_step_at = *e.next_step_at;
    x.exhausted = e.exhausted;
    x.step_schedules = e.schedules;
    x.watch_at = e.watch_at;
  }
  void operator()(const HandoffChecked& e) {
    s.next_action_at = e.next_action_at;
    if (s.escalation) s.escalation->watch_at = e.watch_at;
  }
  void operator()(const PageSuperseded&) {}  // the page never left: nothing changes
  // Receipts and their absence change nothing: escalation runs on acknowledgements.
  void operator()(const Delivered&) {}
  void operator()(const DeliveryFailed&) {}
  void operator()(const Acknowledged& e) {
    AddDistinct(s.acked_by, e.engineer);
    if (s.owner.empty()) s.owner = e.engineer;
  }
  void operator()(const Responded& e) {
    if (!s.first_response_at) s.first_response_at = e.at;
    s.last_response_at = e.at;
    s.awaiting_response = false;
    s.next_action_at.reset();
    if (s.owner.empty() && e.how == ResponseKind::kAck) s.owner = e.by;
    StopEscalation(e.at);
  }
  void operator()(const Breached& e) {
    ++s.breach_count;
    s.next_action_at = e.next_action_at;
    if (s.escalation) {
      s.escalation->breached = true;
      // Late at once under a new level: a warning would say nothing more.
      if (e.at_severity_change) s.escalation->warned = true;
    }
  }
  void operator()(const SlaWarning& e) {
    s.next_action_at = e.next_action_at;
    if (s.escalation) s.escalation->warned = true;
  }
  void operator()(const InputRejected& e) {
    // A refusal for a case never opened leaves no trace in its state, so that
    // an unopened case always equals the default state (and needs no projection).
    if (!s.opened) return;
    ++s.rejected_inputs;
    Remember(s, e.event_id);
  }
};

}  // namespace

void EvolveInPlace(CaseState& state, const Event& event) { std::visit(Folder{state}, event); }

CaseState Evolve(CaseState state, const Event& event) {
  EvolveInPlace(state, event);
  return state;
}

// ---- Projection encoding.

namespace {

void EncodeEscalation(const EscalationState& x, std::string* out) {
  wire::Writer w(out);
  w.String(1, x.account);
  w.String(2, x.service);
  w.Int(3, x.level);
  w.Bool(4, x.fallback);
  w.Bool(5, x.deferred);
  w.Bool(6, x.deferred_page_pending);
  w.Time(7, x.opened);
  w.String(8, x.clock_calendar);
  w.Int(9, x.target.amount.count());
  w.Bool(10, x.target.business);
  w.Time(11, x.policy_base);
  w.Int(12, x.repeat);
  w.Int(13, x.step_count);
  w.Int(14, x.cycle);
  w.Int(15, x.next_step);
  w.Time(16, x.next_step_at);
  w.Bool(17, x.exhausted);
  w.Int(18, x.current_cycle + 1);
  w.Int(19, x.current_step + 1);
  for (const auto& v : x.step_schedules) w.Bytes(20, v);
  for (const auto& v : x.step_paged) w.Bytes(21, v);
  w.OptTime(22, x.watch_at);
  w.Time(23, x.due);
  w.Time(24, x.warning_at);
  w.Bool(25, x.warned);
  w.Bool(26, x.breached);
  w.Bool(27, x.stopped);
  w.OptTime(28, x.stopped_at);
  w.String(29, x.owner);
}

void DecodeEscalation(std::string_view bytes, wire::Reader& outer, EscalationState* x) {
  wire::Reader r(bytes);
  uint32_t f;
  wire::Wire w;
  int64_t target_s = 0;
  x->current_cycle = 0;
  x->current_step = 0;
  while (r.Next(&f, &w)) {
    switch (f) {
      case 1:
        r.String(w, &x->account);
        break;
      case 2:
        r.String(w, &x->service);
        break;
      case 3:
        r.Int(w, &x->level);
        break;
      case 4:
        r.Bool(w, &x->fallback);
        break;
      case 5:
        r.Bool(w, &x->deferred);
        break;
      case 6:
        r.Bool(w, &x->deferred_page_pending);
        break;
      case 7:
        r.Time(w, &x->opened);
        break;
      case 8:
        r.String(w, &x->clock_calendar);
        break;
      case 9:
        r.Int(w, &target_s);
        break;
      case 10:
        r.Bool(w, &x->target.business);
        break;
      case 11:
        r.Time(w, &x->policy_base);
        break;
      case 12:
        r.Int(w, &x->repeat);
        break;
      case 13:
        r.Int(w, &x->step_count);
        break;
      case 14:
        r.Int(w, &x->cycle);
        break;
      case 15:
        r.Int(w, &x->next_step);
        break;
      case 16:
        r.Time(w, &x->next_step_at);
        break;
      case 17:
        r.Bool(w, &x->exhausted);
        break;
      case 18:
        r.Int(w, &x->current_cycle);
        break;
      case 19:
        r.Int(w, &x->current_step);
        break;
      case 20:
        r.String(w, &x->step_schedules.emplace_back());
        break;
      case 21:
        r.String(w, &x->step_paged.emplace_back());
        break;
      case 22:
        r.OptTime(w, &x->watch_at);
        break;
      case 23:
        r.Time(w, &x->due);
        break;
      case 24:
        r.Time(w, &x->warning_at);
        break;
      case 25:
        r.Bool(w, &x->warned);
        break;
      case 26:
        r.Bool(w, &x->breached);
        break;
      case 27:
        r.Bool(w, &x->stopped);
        break;
      case 28:
        r.OptTime(w, &x->stopped_at);
        break;
      case 29:
        r.String(w, &x->owner);
        break;
      default:
        r.Skip(w);
    }
  }
  // Stored shifted by one so that "no step yet" (-1) is the zero default.
  x->current_cycle -= 1;
  x->current_step -= 1;
  x->target.amount = std::chrono::seconds(target_s);
  if (!r.ok()) outer.Fail("corrupt escalation state");
}

}  // namespace

std::string EncodeCaseState(const CaseState& s) {
  std::string out;
  out.reserve(512);  // a projection is ~450 bytes: one allocation
  wire::Writer w(&out);
  w.Byte(1);
  w.Bool(1, s.opened);
  w.Uint(2, static_cast<uint64_t>(s.status));
  w.String(3, s.case_id);
  w.String(4, s.display_id);
  w.String(5, s.account);
  w.String(6, s.service);
  w.String(7, s.severity_code);
  w.Int(8, s.level);
  w.Time(9, s.opened_at);
  w.OptTime(10, s.resolved_at);
  w.Int(11, s.reopen_count);
  w.String(12, s.coverage);
  w.String(13, s.business);
  w.String(14, s.plan);
  w.Bool(15, s.fallback);
  w.Time(16, s.clock_start);
  w.Bool(17, s.awaiting_response);
  w.OptTime(19, s.first_response_at);
  w.OptTime(20, s.last_response_at);
  // 18, 21, 22, 24 and 25 are retired: the escalation (33) holds due, warned,
  // breached and the step that fired last.
  w.Int(23, s.breach_count);
  for (const auto& e : s.paged) w.Bytes(26, e);
  for (const auto& e : s.acked_by) w.Bytes(27, e);
  w.String(28, s.owner);
  w.OptTime(29, s.next_action_at);
  // Field 30 (one id string each) is what projections written before the hashes
  // hold: DecodeCaseState still reads it.
  if (!s.seen_event_ids.empty()) {
    std::string hashes(8 * s.seen_event_ids.size(), '\0');
    for (size_t i = 0; i < s.seen_event_ids.size(); ++i) {
      wire::PutFixed64(&hashes[8 * i], s.seen_event_ids[i]);
    }
    w.Bytes(34, hashes);
  }
  w.Int(31, s.rejected_inputs);
  w.String(32, s.subject);
  if (s.escalation) {
    std::string nested;
    EncodeEscalation(*s.escalation, &nested);
    w.Bytes(33, nested);
  }
  w.OptTime(35, s.last_fact_at);
  w.Bool(36, s.opened_by_reconciliation);
  return out;
}

base::Result<CaseState> DecodeCaseState(std::string_view bytes) {
  wire::Reader r(bytes);
  uint8_t version = 0;
  if (!r.ReadByte(&version)) return r.status();
  if (version != 1) {
    return base::Status::Corruption("unknown case projection version " + std::to_string(version));
  }
  CaseState s;
  uint32_t f;
  wire::Wire w;
  while (r.Next(&f, &w)) {
    switch (f) {
      case 1:
        r.Bool(w, &s.opened);
        break;
      case 2:
        r.Enum(w, &s.status, 0, 2);
        break;
      case 3:
        r.String(w, &s.case_id);
        break;
      case 4:
        r.String(w, &s.display_id);
        break;
      case 5:
        r.String(w, &s.account);
        break;
      case 6:
        r.String(w, &s.service);
        break;
      case 7:
        r.String(w, &s.severity_code);
        break;
      case 8:
        r.Int(w, &s.level);
        break;
      case 9:
        r.Time(w, &s.opened_at);
        break;
      case 10:
        r.OptTime(w, &s.resolved_at);
        break;
      case 11:
        r.Int(w, &s.reopen_count);
        break;
      case 12:
        r.String(w, &s.coverage);
        break;
      case 13:
        r.String(w, &s.business);
        break;
      case 14:
        r.String(w, &s.plan);
        break;
      case 15:
        r.Bool(w, &s.fallback);
        break;
      case 16:
        r.Time(w, &s.clock_start);
        break;
      case 17:
        r.Bool(w, &s.awaiting_response);
        break;
      case 19:
        r.OptTime(w, &s.first_response_at);
        break;
      case 20:
        r.OptTime(w, &s.last_response_at);
        break;
      case 23:
        r.Int(w, &s.breach_count);
        break;
      case 26:
        r.String(w, &s.paged.emplace_back());
        break;
      case 27:
        r.String(w, &s.acked_by.emplace_back());
        break;
      case 28:
        r.String(w, &s.owner);
        break;
      case 29:
        r.OptTime(w, &s.next_action_at);
        break;
      case 30: {  // an id, as projections written before field 34 hold them
        std::string id;
        r.String(w, &id);
        s.seen_event_ids.push_back(EventIdHash(id));
        break;
      }
      case 18:  // RETIRED due, warned, breached, step, cycle: what field 33 holds
      case 21:
      case 22:
      case 24:
      case 25:
        r.Skip(w);
        break;
      case 31:
        r.Int(w, &s.rejected_inputs);
        break;
      case 32:
        r.String(w, &s.subject);
        break;
      case 33: {
        std::string_view bytes = r.Bytes(w);
        if (r.ok()) DecodeEscalation(bytes, r, &s.escalation.emplace());
        break;
      }
      case 34: {  // the hashes, 8 little-endian bytes each
        std::string_view bytes = r.Bytes(w);
        if (!r.ok()) break;
        if (bytes.size() % 8 != 0) {
          return base::Status::Corruption("case state: seen event ids of " +
                                          std::to_string(bytes.size()) +
                                          " bytes, not a multiple of 8");
        }
        for (size_t at = 0; at < bytes.size(); at += 8) {
          s.seen_event_ids.push_back(wire::GetFixed64(bytes.data() + at));
        }
        break;
      }
      case 35:
        r.OptTime(w, &s.last_fact_at);
        break;
      case 36:
        r.Bool(w, &s.opened_by_reconciliation);
        break;
      default:
        r.Skip(w);
    }
  }
  if (!r.ok()) return r.status();
  return s;
}

}  // namespace router
