#include "router/targets.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>

#include "schedules/schedules.h"

namespace router {
namespace {

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

std::string Fixed2(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", x);
  return buf;
}

// The customer's own business calendar: designated EAEs work the customer's hours.
const config::Calendar* CustomerCalendar(const RoutingFacts& facts) {
  if (facts.customer == nullptr) return nullptr;
  if (const auto* cal = facts.config->FindCalendar(facts.customer->calendar)) return cal;
  auto cals = schedules::ResolveCalendars(*facts.config, facts.customer->account, facts.service);
  return cals.business;
}

TargetResolution Nobody(TargetResolution r, std::string why) {
  r.engineer.reset();
  r.why = std::move(why);
  return r;
}

Candidate Score(const std::string& id, const std::string& on_call_in, Timestamp at,
                const RoutingFacts& facts) {
  Candidate c;
  c.engineer = id;
  std::string why;
  const auto* eng = facts.config->FindEngineer(id);
  if (eng != nullptr && !facts.service.empty() && Contains(eng->skills, facts.service)) {
    c.score += kServiceSkillScore;
    why += "skill " + facts.service + " +" + Fixed2(kServiceSkillScore);
  }
  if (eng != nullptr && facts.customer != nullptr) {
    std::string tags;
    double sum = 0;
    for (const auto& w : facts.customer->workflows) {
      if (!Contains(eng->skills, w)) continue;
      tags += (tags.empty() ? "" : ",") + w;
      sum += kWorkflowScore;
    }
    if (sum > 0) {
      c.score += sum;
      why += (why.empty() ? "" : "; ") + std::string("workflows ") + tags + " +" + Fixed2(sum);
    }
  }
  if (facts.history != nullptr && facts.customer != nullptr) {
    int n = 0;
    double sum = 0;
    const double half_life_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(kHistoryHalfLife).count();
    for (const auto& h : *facts.history) {
      if (h.engineer != id || h.account != facts.customer->account || h.at > at) continue;
      const double age_ms = static_cast<double>((at - h.at).count());
      sum += kHandledCaseScore * std::exp2(-age_ms / half_life_ms);
      ++n;
    }
    if (n > 0) {
      c.score += sum;
      why += (why.empty() ? "" : "; ") + std::to_string(n) + " earlier case" + (n == 1 ? "" : "s") +
             " of this customer +" + Fixed2(sum);
    }
  }
  if (facts.open_cases != nullptr) {
    auto it = facts.open_cases->find(id);
    if (it != facts.open_cases->end()) c.open_cases = it->second;
  }
  if (why.empty()) why = "no skill, workflow or history match";
  c.why = why + "; " + std::to_string(c.open_cases) + " open; on call in " + on_call_in;
  return c;
}

}  // namespace

std::vector<Candidate> RankFamiliar(Timestamp at, const RoutingFacts& facts) {
  assert(facts.config != nullptr);
  std::vector<Candidate> out;
  std::vector<std::string> seen;
  for (const auto& [name, schedule] : facts.config->schedules) {
    auto shift = schedules::OnCallAt(schedule, at);
    if (!shift.engineer || Contains(seen, *shift.engineer)) continue;
    seen.push_back(*shift.engineer);
    out.push_back(Score(*shift.engineer, name + " (" + shift.source + ")", at, facts));
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
  assert(facts.config != nullptr);
  TargetResolution r;
  r.target = target.text;
  using Kind = config::Target::Kind;
  switch (target.kind) {
    case Kind::kSchedule: {
      r.schedule = target.name;
      const auto* schedule = facts.config->FindSchedule(target.name);
      if (schedule == nullptr) return Nobody(r, "no schedule named " + target.name);
      auto shift = schedules::OnCallAt(*schedule, at);
      r.until = shift.end;
      if (!shift.engineer) {
        return Nobody(
            r, "nobody on call in " + target.name + " until " + base::FormatInstant(shift.end));
      }
      r.engineer = shift.engineer;
      r.source = shift.source;
      r.why = "on call in " + target.name + " (" + shift.source + ") until " +
              base::FormatInstant(shift.end);
      return r;
    }
    case Kind::kDesignatedEae: {
      if (facts.customer == nullptr) return Nobody(r, "unknown customer: no designated EAE");
      if (facts.customer->eae.empty()) return Nobody(r, "the customer has no designated EAE");
      const auto* cal = CustomerCalendar(facts);
      if (cal == nullptr || !schedules::IsOpen(*cal, at)) {
        return Nobody(r, "designated EAE " + facts.customer->eae + " not paged: outside " +
                             (cal ? cal->name : std::string("the customer's calendar")));
      }
      r.engineer = facts.customer->eae;
      r.why = "designated EAE, inside " + cal->name;
      return r;
    }
    case Kind::kEdm: {
      if (facts.customer == nullptr) return Nobody(r, "unknown customer: no EDM");
      if (facts.customer->edm.empty()) return Nobody(r, "the customer has no EDM");
      r.engineer = facts.customer->edm;
      r.why = "the customer's EDM";
      return r;
    }
    case Kind::kEngineer: {
      if (facts.config->FindEngineer(target.name) == nullptr)
        return Nobody(r, "no engineer named " + target.name);
      r.engineer = target.name;
      r.why = "named in the policy";
      return r;
    }
    case Kind::kFamiliar: {
      r.source = "familiar";
      r.candidates = RankFamiliar(at, facts);
      if (r.candidates.empty()) return Nobody(r, "nobody on call in any schedule");
      const auto& best = r.candidates.front();
      r.engineer = best.engineer;
      r.why = "best of " + std::to_string(r.candidates.size()) + " on shift, score " +
              Fixed2(best.score) + ": " + best.why;
      return r;
    }
  }
  return Nobody(r, "unknown target kind");
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
        it->reason += "; also via " + r.target;
      } else {
        StepPage page;
        page.engineer = *r.engineer;
        page.target = r.target;
        if (target.kind == config::Target::Kind::kSchedule) page.source = r.source;
        page.candidates = r.candidates;
        page.reason = r.target + ": " + r.why;
        out.pages.push_back(std::move(page));
      }
    }
    out.targets.push_back(std::move(r));
  }
  return out;
}

}  // namespace router
