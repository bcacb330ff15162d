// The SLA compliance report over a window: the clocks that started in
// [from, to), judged as of `to` (report/outcome.h), summed per group
// (report/figures.h), with the breach list and each engineer's load.
//
// A clock belongs to the window by the instant it started (the opening, a reopen,
// a customer follow-up); facts after `to` are not counted. Groups:
//  - level: the level in force when the clock ended, or at `to`; customer: the account; plan: the
//  plan it
//    was routed under; service: the case's service;
//  - engineer, schedule: the first page sent for the clock (its engineer; the
//    schedule it came through, or the target as written), "(nobody)" without one.
// Engineer load counts the pages and acknowledgements of the same clocks, so the
// pages of every group and of every engineer add up to the same total.
//
// Pure: the configuration (calendars, engineers' zones, customers' names) is an
// argument and may be null (wall time, UTC, no names). Not thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "report/case_fold.h"
#include "report/figures.h"
#include "report/outcome.h"
#include "report/rollup.h"

namespace report {

enum class GroupBy : uint8_t { kLevel, kCustomer, kPlan, kService, kEngineer, kSchedule };

// "level", "customer", ... -> GroupBy; nullopt for anything else.
std::optional<GroupBy> ParseGroupBy(std::string_view name);
const char* GroupByName(GroupBy by);

struct ReportOptions {
  Timestamp from{};
  Timestamp to{};
  GroupBy by = GroupBy::kLevel;
  const config::Config* config = nullptr;  // may be null; must outlive the builder
};

struct Group {
  std::string key;   // "1", an account, a plan, ...
  std::string name;  // for people: a customer's or engineer's name from the config, else ""
  GroupFigures figures;
};

// One breached clock.
struct BreachRow {
  std::string case_id;
  std::string display_id;
  std::string account;
  std::string customer;  // the customer's name from the config, else ""
  std::string plan;
  int level = 0;  // in force at the breach
  ClockKind kind = ClockKind::kOpened;
  Timestamp opened{};       // the case's opening
  Timestamp clock_start{};  // the clock's start (the opening for the first clock)
  Timestamp due{};
  Timestamp breached_at{};
  std::optional<Timestamp> first_response;  // by `to`
  std::vector<PageFact> pages;              // sent by `to`
  BreachCode reason = BreachCode::kNotAcknowledgedInTime;
  std::string detail;  // BreachDetail
};

struct EngineerRow {
  std::string engineer;
  std::string name;  // from the config, else ""
  EngineerLoad load;
};

struct Report {
  Timestamp from{};
  Timestamp to{};
  GroupBy by = GroupBy::kLevel;
  std::vector<Group> groups;  // by key (levels numerically)
  GroupFigures total;
  std::vector<BreachRow> breaches;  // by clock start, then case id
  // False when the breach list was left out (`escalator report --summary`): renderers
  // then omit it (json: no "breaches"; text: only the count; csv: no breach rows).
  bool breaches_listed = true;
  std::vector<EngineerRow> engineers;  // by engineer id
};

// Adds cases one at a time (in any order) and finishes the report.
class ReportBuilder {
 public:
  // REQUIRES: options.from <= options.to.
  explicit ReportBuilder(const ReportOptions& options);

  // Adds the clocks of `summary` that started in [from, to).
  void AddCase(const CaseSummary& summary);

  // Reading rollups (engine/report_rollups.h) instead of every case:
  // Adds the figures of ended clocks that started in [from, to), judged the same as of
  // `to` (their facts all at or before it), summed in a bucket of kind dims.kind:
  // kCase buckets count in the total (and in the level, customer or plan group),
  // the others only in the group of their kind. REQUIRES: every ended clock of the
  // window is in exactly one bucket of each kind added.
  void AddRollup(const RollupDims& dims, const RollupFigures& figures);
  // Adds an engineer's load summed over such clocks.
  void AddRollupLoad(const std::string& engineer, const RollupLoad& load);
  // Adds only the breach rows of the clocks of `summary` that started in [from, to)
  // (their figures came from rollups).
  void AddBreaches(const CaseSummary& summary);

  // The report. The builder is spent afterwards.
  Report Finish();

 private:
  std::string KeyOf(const CaseSummary& c, const ClockSummary& clock, const ClockOutcome& o) const;
  const date::time_zone* ZoneOf(const std::string& engineer);
  void AddLoad(const ClockSummary& clock);
  bool InWindow(const ClockSummary& clock) const;
  void AddBreach(const CaseSummary& c, const ClockSummary& clock, const ClockOutcome& o);

  ReportOptions options_;
  std::map<std::string, GroupFigures> groups_;
  GroupFigures total_;
  std::vector<BreachRow> breaches_;
  std::map<std::string, EngineerLoad> engineers_;
  std::map<std::string, const date::time_zone*> zones_;
};

}  // namespace report
