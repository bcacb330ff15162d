#include "router/case_state.h"

#include <algorithm>

#include "router/codec.h"

namespace router {

bool CaseState::SawEventId(std::string_view id) const {
  return std::find(seen_event_ids.begin(), seen_event_ids.end(), id) != seen_event_ids.end();
}

namespace {

void Remember(CaseState& s, const std::string& event_id) {
  if (event_id.empty() || s.SawEventId(event_id)) return;
  if (s.seen_event_ids.size() >= kSeenEventIds) s.seen_event_ids.erase(s.seen_event_ids.begin());
  s.seen_event_ids.push_back(event_id);
}

void AddDistinct(std::vector<std::string>& v, const std::string& x) {
  if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}

// A new response clock: everything measured against the previous one is over.
void StartClock(CaseState& s, Timestamp at) {
  s.clock_start = at;
  s.awaiting_response = true;
  s.warned = false;
  s.breached = false;
  s.step = 0;
  s.cycle = 0;
  s.paged.clear();
}

struct Folder {
  CaseState& s;

  void operator()(const CaseOpened& e) {
    s.opened = true;
    s.case_id = e.case_id;
    s.status = CaseStatus::kOpen;
    s.display_id = e.display_id;
    s.account = e.account;
    s.service = e.service;
    s.severity_code = e.severity_code;
    s.level = e.level;
    s.opened_at = e.at;
    s.first_response_at.reset();
    s.due.reset();
    StartClock(s, e.at);
    Remember(s, e.event_id);
  }
  void operator()(const CommunicationAdded& e) {
    if (e.starts_clock) {
      StartClock(s, e.at);
      s.due = e.due;
    }
    s.next_action_at = e.next_action_at;
    Remember(s, e.event_id);
  }
  void operator()(const SeverityChanged& e) {
    s.severity_code = e.to_code;
    s.level = e.to_level;
    if (e.due) s.due = e.due;  // the decider could not re-target: the old due stands
    // The new level's policy starts over from the change.
    s.step = 0;
    s.cycle = 0;
    s.next_action_at = e.next_action_at;
    Remember(s, e.event_id);
  }
  void operator()(const CaseResolved& e) {
    s.status = CaseStatus::kResolved;
    s.resolved_at = e.at;
    s.awaiting_response = false;
    s.next_action_at.reset();
    Remember(s, e.event_id);
  }
  void operator()(const CaseReopened& e) {
    s.status = CaseStatus::kOpen;
    s.resolved_at.reset();
    ++s.reopen_count;
    s.first_response_at.reset();
    s.due.reset();
    s.acked_by.clear();
    StartClock(s, e.at);
    s.next_action_at = e.next_action_at;
    Remember(s, e.event_id);
  }
  void operator()(const Routed& e) {
    if (e.level != 0) s.level = e.level;
    s.coverage = e.coverage;
    s.business = e.business;
    s.plan = e.plan;
    s.fallback = e.fallback;
    if (e.clock_start) s.clock_start = *e.clock_start;
    s.due = e.due;
    s.next_action_at = e.next_action_at;
  }
  void operator()(const Paged& e) { AddDistinct(s.paged, e.engineer); }
  void operator()(const Escalated& e) {
    s.step = e.step;
    s.cycle = e.cycle;
    s.next_action_at = e.next_action_at;
  }
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
  }
  void operator()(const Breached& e) {
    s.breached = true;
    ++s.breach_count;
    s.next_action_at = e.next_action_at;
  }
  void operator()(const SlaWarning& e) {
    s.warned = true;
    s.next_action_at = e.next_action_at;
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

std::string EncodeCaseState(const CaseState& s) {
  std::string out;
  out.reserve(256);
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
  w.OptTime(18, s.due);
  w.OptTime(19, s.first_response_at);
  w.OptTime(20, s.last_response_at);
  w.Bool(21, s.warned);
  w.Bool(22, s.breached);
  w.Int(23, s.breach_count);
  w.Int(24, s.step);
  w.Int(25, s.cycle);
  for (const auto& e : s.paged) w.Bytes(26, e);
  for (const auto& e : s.acked_by) w.Bytes(27, e);
  w.String(28, s.owner);
  w.OptTime(29, s.next_action_at);
  for (const auto& id : s.seen_event_ids) w.Bytes(30, id);
  w.Int(31, s.rejected_inputs);
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
      case 18:
        r.OptTime(w, &s.due);
        break;
      case 19:
        r.OptTime(w, &s.first_response_at);
        break;
      case 20:
        r.OptTime(w, &s.last_response_at);
        break;
      case 21:
        r.Bool(w, &s.warned);
        break;
      case 22:
        r.Bool(w, &s.breached);
        break;
      case 23:
        r.Int(w, &s.breach_count);
        break;
      case 24:
        r.Int(w, &s.step);
        break;
      case 25:
        r.Int(w, &s.cycle);
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
      case 30:
        r.String(w, &s.seen_event_ids.emplace_back());
        break;
      case 31:
        r.Int(w, &s.rejected_inputs);
        break;
      default:
        r.Skip(w);
    }
  }
  if (!r.ok()) return r.status();
  return s;
}

}  // namespace router
