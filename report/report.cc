#include "report/report.h"

#include <algorithm>

#include "base/check.h"

namespace report {

namespace {

constexpr std::pair<GroupBy, const char*> kGroupByNames[] = {
    {GroupBy::kLevel, "level"},       {GroupBy::kCustomer, "customer"},
    {GroupBy::kPlan, "plan"},         {GroupBy::kService, "service"},
    {GroupBy::kEngineer, "engineer"}, {GroupBy::kSchedule, "schedule"},
};

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
  const auto loads =
      LoadOf(clock, options_.to, [this](const std::string& engineer) { return ZoneOf(engineer); });
  for (const auto& [engineer, part] : loads) {
    EngineerLoad& load = engineers_[engineer];
    load.pages += part.pages;
    load.acks += part.acks;
    for (Duration d : part.to_ack) load.to_ack.Add(d);
    load.business += part.business;
    load.off_hours += part.off_hours;
    load.sleep += part.sleep;
    for (const auto& [schedule, n] : part.by_schedule) load.by_schedule[schedule] += n;
  }
}

bool ReportBuilder::InWindow(const ClockSummary& clock) const {
  return clock.start >= options_.from && clock.start < options_.to;
}

void ReportBuilder::AddCase(const CaseSummary& c) {
  for (const ClockSummary& clock : c.clocks) {
    if (!InWindow(clock)) continue;
    const ClockOutcome o = Evaluate(clock, options_.to, options_.config);
    groups_[KeyOf(c, clock, o)].Add(o);
    total_.Add(o);
    AddLoad(clock);
    AddBreach(c, clock, o);
  }
}

void ReportBuilder::AddBreaches(const CaseSummary& c) {
  for (const ClockSummary& clock : c.clocks) {
    if (InWindow(clock)) AddBreach(c, clock, Evaluate(clock, options_.to, options_.config));
  }
}

void ReportBuilder::AddRollup(const RollupDims& dims, const RollupFigures& figures) {
  std::optional<std::string> key;
  switch (dims.kind) {
    case RollupKind::kCase:
      total_.Merge(figures.ToGroup());
      if (options_.by == GroupBy::kLevel) key = std::to_string(dims.level);
      if (options_.by == GroupBy::kCustomer) key = dims.account;
      if (options_.by == GroupBy::kPlan) key = dims.plan;
      break;
    case RollupKind::kService:
      if (options_.by == GroupBy::kService) key = dims.key;
      break;
    case RollupKind::kEngineer:
      if (options_.by == GroupBy::kEngineer) key = dims.key;
      break;
    case RollupKind::kSchedule:
      if (options_.by == GroupBy::kSchedule) key = dims.key;
      break;
  }
  if (key) groups_[*key].Merge(figures.ToGroup());
}

void ReportBuilder::AddRollupLoad(const std::string& engineer, const RollupLoad& load) {
  engineers_[engineer].Merge(load.ToLoad());
}

void ReportBuilder::AddBreach(const CaseSummary& c, const ClockSummary& clock,
                              const ClockOutcome& o) {
  const Timestamp to = options_.to;
  if (o.outcome != Outcome::kBreached) return;
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
