#include "router/targets.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "base/check.h"
#include "schedules/schedules.h"

namespace router {
namespace {

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// The customer's own business calendar: designated EAEs work the customer's hours.
const config::Calendar* CustomerCalendar(const RoutingFacts& facts) {
  if (facts.customer == nullptr) return nullptr;
  if (const auto* cal = facts.config->FindCalendar(facts.customer->calendar)) return cal;
  auto cals = schedules::ResolveCalendars(*facts.config, facts.customer->account, facts.service);
  return cals.business;
}

TargetResolution Nobody(TargetResolution r, Reason why) {
  r.engineer.reset();
  r.reason = std::move(why);
  return r;
}

Reason Because(ReasonCode code) { return Reason{code}; }

// Scores one on-call engineer, recording each part of the score (this runs
// for every on-call engineer of every opening: facts only, no text).
Candidate Score(const std::string& id, const std::string& schedule, const std::string& layer,
                Timestamp at, const RoutingFacts& facts) {
  Candidate c;
  c.engineer = id;
  const auto* eng = facts.config->FindEngineer(id);
  if (eng != nullptr && !facts.service.empty() && Contains(eng->skills, facts.service)) {
    c.skill = facts.service;
    c.skill_score = kServiceSkillScore;
    c.score += kServiceSkillScore;
  }
  if (eng != nullptr && facts.customer != nullptr) {
    for (const auto& w : facts.customer->workflows) {
      if (!Contains(eng->skills, w)) continue;
      c.workflows.push_back(w);
      c.workflow_score += kWorkflowScore;
    }
    c.score += c.workflow_score;
  }
  if (facts.history != nullptr && facts.customer != nullptr) {
    const double half_life_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(kHistoryHalfLife).count();
    for (const auto& h : *facts.history) {
      if (h.engineer != id || h.account != facts.customer->account || h.at > at) continue;
      const double age_ms = static_cast<double>((at - h.at).count());
      c.history_score += kHandledCaseScore * std::exp2(-age_ms / half_life_ms);
      ++c.earlier_cases;
    }
    c.score += c.history_score;
  }
  if (facts.open_cases != nullptr) {
    auto it = facts.open_cases->find(id);
    if (it != facts.open_cases->end()) c.open_cases = it->second;
  }
  c.schedule = schedule;
  c.layer = layer;
  return c;
}

}  // namespace

// A decision asks about a few instants, each a few times in a row; a tick
// that fires a long run of handoffs asks about many instants, each in turn.
// So lookups search only the newest entries, and the memo starts over when it
// grows large: both only bound the cost (a miss recomputes the same result).
constexpr size_t kMemoSearch = 16;
constexpr size_t kMemoLimit = 64;

RoutingMemo::ShiftEntry* RoutingMemo::Find(const config::Schedule& schedule, Timestamp at) {
  const size_t stop = shifts_.size() > kMemoSearch ? shifts_.size() - kMemoSearch : 0;
  for (size_t i = shifts_.size(); i-- > stop;) {
    if (shifts_[i].schedule == &schedule && shifts_[i].at == at) return &shifts_[i];
  }
  return nullptr;
}

void RoutingMemo::MakeRoom() {
  if (shifts_.capacity() == 0) shifts_.reserve(4);  // an opening asks about three schedules
  if (shifts_.size() >= kMemoLimit) shifts_.clear();
}

const schedules::Shift& RoutingMemo::OnCallAt(const config::Schedule& schedule, Timestamp at) {
  ShiftEntry* e = Find(schedule, at);
  if (e == nullptr) {
    MakeRoom();
    shifts_.push_back({&schedule, at, true, schedules::OnCallAt(schedule, at)});
    return shifts_.back().shift;
  }
  if (!e->full) {
    e->shift = schedules::OnCallAt(schedule, at);
    e->full = true;
  }
  return e->shift;
}

const schedules::Shift& RoutingMemo::WhoIsOnCall(const config::Schedule& schedule, Timestamp at) {
  if (const ShiftEntry* e = Find(schedule, at)) return e->shift;
  schedules::OnCall who = schedules::WhoIsOnCall(schedule, at);
  MakeRoom();
  ShiftEntry e{&schedule, at, false, {}};
  e.shift.engineer = std::move(who.engineer);
  e.shift.source = std::move(who.source);
  shifts_.push_back(std::move(e));
  return shifts_.back().shift;
}

const std::vector<Candidate>& RoutingMemo::RankFamiliar(Timestamp at, const RoutingFacts& facts) {
  const size_t stop = rankings_.size() > kMemoSearch ? rankings_.size() - kMemoSearch : 0;
  for (size_t i = rankings_.size(); i-- > stop;) {
    const RankingEntry& e = rankings_[i];
    if (e.at == at && e.config == facts.config && e.customer == facts.customer &&
        e.history == facts.history && e.open_cases == facts.open_cases &&
        e.service == facts.service)
      return e.ranking;
  }
  if (rankings_.size() >= kMemoLimit) rankings_.clear();
  rankings_.push_back({at, facts.config, facts.customer, facts.service, facts.history,
                       facts.open_cases, router::RankFamiliar(at, facts)});
  return rankings_.back().ranking;
}

const schedules::Shift& OnCallVia(RoutingMemo* memo, const config::Schedule& schedule, Timestamp at,
                                  schedules::Shift& own) {
  if (memo != nullptr) return memo->OnCallAt(schedule, at);
  own = schedules::OnCallAt(schedule, at);
  return own;
}

const schedules::Shift& WhoIsOnCallVia(RoutingMemo* memo, const config::Schedule& schedule,
                                       Timestamp at, schedules::Shift& own) {
  if (memo != nullptr) return memo->WhoIsOnCall(schedule, at);
  schedules::OnCall who = schedules::WhoIsOnCall(schedule, at);
  own.engineer = std::move(who.engineer);
  own.source = std::move(who.source);
  return own;
}

std::vector<Candidate> RankFamiliar(Timestamp at, const RoutingFacts& facts) {
  CHECK(facts.config != nullptr);
  std::vector<Candidate> out;
  std::vector<std::string> seen;
  out.reserve(facts.config->schedules.size());
  seen.reserve(facts.config->schedules.size());
  for (const auto& [name, schedule] : facts.config->schedules) {
    // Only who and from where: the shift's ends do not matter here.
    schedules::Shift own;
    const schedules::Shift& who = WhoIsOnCallVia(facts.memo, schedule, at, own);
    if (!who.engineer || Contains(seen, *who.engineer)) continue;
    seen.push_back(*who.engineer);
    out.push_back(Score(*who.engineer, name, who.source, at, facts));
  }
  std::sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.open_cases != b.open_cases) return a.open_cases < b.open_cases;
    return a.engineer < b.engineer;
  });
  return out;
}

TargetResolution ResolveTarget(const config::Target& target, Timestamp at,
                               const RoutingFacts& facts) {
  CHECK(facts.config != nullptr);
  TargetResolution r;
  r.target = target.text;
  using Kind = config::Target::Kind;
  switch (target.kind) {
    case Kind::kSchedule: {
      r.schedule = target.name;
      const auto* schedule = facts.config->FindSchedule(target.name);
      if (schedule == nullptr) return Nobody(r, Because(ReasonCode::kNoSuchSchedule));
      schedules::Shift own;
      const schedules::Shift& shift = OnCallVia(facts.memo, *schedule, at, own);
      r.until = shift.end;
      if (!shift.engineer) return Nobody(r, Because(ReasonCode::kNobodyOnCall));
      r.engineer = shift.engineer;
      r.source = shift.source;
      r.reason = Because(ReasonCode::kOnCall);
      return r;
    }
    case Kind::kDesignatedEae: {
      if (facts.customer == nullptr) return Nobody(r, Because(ReasonCode::kNoCustomerEae));
      if (facts.customer->eae.empty()) return Nobody(r, Because(ReasonCode::kNoEae));
      const auto* cal = CustomerCalendar(facts);
      if (cal == nullptr || !schedules::IsOpen(*cal, at)) {
        Reason why = Because(ReasonCode::kEaeOutsideHours);
        why.engineer = facts.customer->eae;
        if (cal != nullptr) why.calendar = cal->name;
        return Nobody(r, std::move(why));
      }
      r.engineer = facts.customer->eae;
      r.reason = Because(ReasonCode::kDesignatedEae);
      r.reason.calendar = cal->name;
      return r;
    }
    case Kind::kEdm: {
      if (facts.customer == nullptr) return Nobody(r, Because(ReasonCode::kNoCustomerEdm));
      if (facts.customer->edm.empty()) return Nobody(r, Because(ReasonCode::kNoEdm));
      r.engineer = facts.customer->edm;
      r.reason = Because(ReasonCode::kEdm);
      return r;
    }
    case Kind::kEngineer: {
      if (facts.config->FindEngineer(target.name) == nullptr) {
        Reason why = Because(ReasonCode::kNoSuchEngineer);
        why.engineer = target.name;
        return Nobody(r, std::move(why));
      }
      r.engineer = target.name;
      r.reason = Because(ReasonCode::kNamedEngineer);
      return r;
    }
    case Kind::kFamiliar: {
      r.source = "familiar";
      r.candidates =
          facts.memo != nullptr ? facts.memo->RankFamiliar(at, facts) : RankFamiliar(at, facts);
      if (r.candidates.empty()) return Nobody(r, Because(ReasonCode::kNobodyOnShift));
      r.engineer = r.candidates.front().engineer;
      r.reason = Because(ReasonCode::kFamiliar);
      return r;
    }
  }
  return Nobody(r, Because(ReasonCode::kUnknownTargetKind));
}

StepResolution ResolveStep(const config::Step& step, Timestamp at, const RoutingFacts& facts) {
  StepResolution out;
  for (const auto& target : step.notify) {
    auto r = ResolveTarget(target, at, facts);
    if (target.kind == config::Target::Kind::kSchedule && !Contains(out.schedules, target.name))
      out.schedules.push_back(target.name);
    if (r.engineer) {
      auto it = std::find_if(out.pages.begin(), out.pages.end(),
                             [&](const StepPage& p) { return p.engineer == *r.engineer; });
      if (it != out.pages.end()) {
        it->also_via.push_back(r.target);
      } else {
        StepPage page;
        page.engineer = *r.engineer;
        page.target = r.target;
        if (target.kind == config::Target::Kind::kSchedule) page.source = r.source;
        page.candidates = r.candidates;
        page.reason = r.reason;
        page.reason.until = r.until;  // a page does not record the shift it came from
        out.pages.push_back(std::move(page));
      }
    }
    out.targets.push_back(std::move(r));
  }
  return out;
}

}  // namespace router
