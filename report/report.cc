#include "report/report.h"

#include <algorithm>

#include "base/check.h"

namespace report {

namespace {

constexpr const char* kNobody = "(nobody)";

constexpr std::pair<GroupBy, const char*> kGroupByNames[] = {
    {GroupBy::kLevel, "level"},       {GroupBy::kCustomer, "customer"},
    {GroupBy::kPlan, "plan"},         {GroupBy::kService, "service"},
    {GroupBy::kEngineer, "engineer"}, {GroupBy::kSchedule, "schedule"},
};

// The first page sent for the clock by `to`, or null.
const PageFact* FirstSent(const ClockSummary& clock, Timestamp to) {
  for (const PageFact& p : clock.pages) {
    if (SentBy(p, to)) return &p;
  }
  return nullptr;
}

// Levels sort as numbers ("10" after "9"), everything else as text.
bool KeyLess(GroupBy by, const std::string& a, const std::string& b) {
  if (by == GroupBy::kLevel && a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

}  // namespace

std::optional<GroupBy> ParseGroupBy(std::string_view name) {
  for (const auto& [by, text] : kGroupByNames) {
    if (name == text) return by;
  }
  return std::nullopt;
}

const char* GroupByName(GroupBy by) {
  for (const auto& [b, text] : kGroupByNames) {
    if (b == by) return text;
  }
  return "level";
}

ReportBuilder::ReportBuilder(const ReportOptions& options) : options_(options) {
  CHECK(options.from <= options.to);
}

std::string ReportBuilder::KeyOf(const CaseSummary& c, const ClockSummary& clock,
                                 const ClockOutcome& o) const {
  switch (options_.by) {
    case GroupBy::kLevel:
      return std::to_string(o.routing->level);
    case GroupBy::kCustomer:
      return c.account;
    case GroupBy::kPlan:
      return clock.plan;
    case GroupBy::kService:
      return c.service;
    case GroupBy::kEngineer: {
      const PageFact* first = FirstSent(clock, options_.to);
      return first ? first->engineer : kNobody;
    }
    case GroupBy::kSchedule: {
      const PageFact* first = FirstSent(clock, options_.to);
      return first ? ScheduleOf(first->target) : kNobody;
    }
  }
  return "";
}

const date::time_zone* ReportBuilder::ZoneOf(const std::string& engineer) {
  auto [it, fresh] = zones_.emplace(engineer, nullptr);
  if (fresh && options_.config != nullptr) {
    if (const config::Engineer* e = options_.config->FindEngineer(engineer)) it->second = e->zone;
  }
  return it->second;
}

void ReportBuilder::AddLoad(const ClockSummary& clock) {
  const Timestamp to = options_.to;
  for (const PageFact& p : clock.pages) {
    if (!SentBy(p, to)) continue;
    EngineerLoad& load = engineers_[p.engineer];
    ++load.pages;
    ++load.by_schedule[ScheduleOf(p.target)];
    switch (ClassifyInterruption(p.at, ZoneOf(p.engineer))) {
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
    EngineerLoad& load = engineers_[a.engineer];
    ++load.acks;
    Timestamp paged = clock.start;
    for (const PageFact& p : clock.pages) {
      if (p.engineer == a.engineer && SentBy(p, to) && p.at <= a.at) {
        paged = p.at;
        break;
      }
    }
    load.to_ack.Add(a.at - paged);
  }
}

void ReportBuilder::AddCase(const CaseSummary& c) {
  const Timestamp to = options_.to;
  for (const ClockSummary& clock : c.clocks) {
    if (clock.start < options_.from || clock.start >= to) continue;
    const ClockOutcome o = Evaluate(clock, to, options_.config);
    groups_[KeyOf(c, clock, o)].Add(o);
    total_.Add(o);
    AddLoad(clock);
    if (o.outcome != Outcome::kBreached) continue;
    const BreachReason why = ExplainBreach(clock, o, to);
    BreachRow row;
    row.case_id = c.case_id;
    row.display_id = c.display_id;
    row.account = c.account;
    if (options_.config != nullptr) {
      if (const config::Customer* cu = options_.config->FindCustomer(c.account)) {
        row.customer = cu->name;
      }
    }
    row.plan = clock.plan;
    row.level = o.routing->level;
    row.kind = clock.kind;
    row.opened = c.opened;
    row.clock_start = clock.start;
    row.due = why.due;
    row.breached_at = *o.breached_at;
    if (clock.response_at && *clock.response_at <= to) row.first_response = clock.response_at;
    for (const PageFact& p : clock.pages) {
      if (SentBy(p, to)) row.pages.push_back(p);
    }
    row.reason = why.code;
    row.detail = BreachDetail(why);
    breaches_.push_back(std::move(row));
  }
}

Report ReportBuilder::Finish() {
  Report r;
  r.from = options_.from;
  r.to = options_.to;
  r.by = options_.by;
  for (auto& [key, figures] : groups_) {
    Group g{key, "", std::move(figures)};
    if (options_.config != nullptr) {
      if (options_.by == GroupBy::kCustomer) {
        if (const config::Customer* cu = options_.config->FindCustomer(key)) g.name = cu->name;
      } else if (options_.by == GroupBy::kEngineer) {
        if (const config::Engineer* e = options_.config->FindEngineer(key)) g.name = e->name;
      }
    }
    r.groups.push_back(std::move(g));
  }
  std::sort(r.groups.begin(), r.groups.end(),
            [by = r.by](const Group& a, const Group& b) { return KeyLess(by, a.key, b.key); });
  r.total = std::move(total_);
  r.breaches = std::move(breaches_);
  std::sort(r.breaches.begin(), r.breaches.end(), [](const BreachRow& a, const BreachRow& b) {
    return std::tie(a.clock_start, a.case_id) < std::tie(b.clock_start, b.case_id);
  });
  for (auto& [engineer, load] : engineers_) {
    EngineerRow row{engineer, "", std::move(load)};
    if (options_.config != nullptr) {
      if (const config::Engineer* e = options_.config->FindEngineer(engineer)) row.name = e->name;
    }
    r.engineers.push_back(std::move(row));
  }
  groups_.clear();
  engineers_.clear();
  return r;
}

}  // namespace report
