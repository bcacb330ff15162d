// escalator report --data DIR --from T --to T [--by G] [--format text|json|csv|html]
// [--out FILE] [--config FILE] [--goal PERCENT] [--summary] [--exact] [--rebuild]: the SLA
// compliance report over a window, from the event log. Opens the log read-only (works while
// serve writes it) and reads the report rollups serve and simulate keep
// (engine/report_reader.h); folds every event instead with --exact, for html (its charts
// need every clock: report/charts.h), or when the rollups do not cover the log. --rebuild
// rebuilds the rollups from the log first (engine/report_rollups.h), which needs the log to
// itself.
#include <iostream>
#include <optional>
#include <string>

#include "cli/case_events.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "engine/report_reader.h"
#include "engine/report_rollups.h"
#include "report/charts.h"
#include "report/html.h"
#include "report/render.h"
#include "report/report.h"
#include "store/event_log.h"

namespace cli {

namespace {

constexpr const char* kCommand = "report";

// --rebuild: the rollups folded again from the whole log, written where they differ.
int Rebuild(const std::string& dir, std::shared_ptr<const config::Config> config) {
  store::Options options;
  options.create_if_missing = false;
  options.check = store::OpenCheck::kBounds;
  auto log = store::EventLog::Open(dir, options);
  if (!log.ok()) {
    std::cerr << "escalator report: cannot open the event log in '" << dir
              << "' for writing: " << log.status().ToString()
              << (log.status().code() == base::Code::kUnavailable
                      ? " (--rebuild writes: stop serve first)"
                      : "")
              << "\n";
    return log.status().code() == base::Code::kNotFound ? kExitUsage : kExitFailure;
  }
  auto check = router::RebuildReportRollups(**log, std::move(config), /*repair=*/true);
  if (!check.ok()) {
    std::cerr << "escalator report: rebuilding the rollups: " << check.status().ToString() << "\n";
    return kExitFailure;
  }
  std::cerr << "escalator report: rollups rebuilt from " << check->events << " events, "
            << check->cases << " cases: " << check->keys << " keys, " << check->mismatched.size()
            << " changed, " << check->missing.size() << " added, " << check->extra.size()
            << " removed\n";
  return kExitOk;
}

}  // namespace

int RunReport(int argc, char** argv) {
  auto parsed = ParseFlags(
      kCommand,
      "The SLA compliance report over a window, from the event log (works while serve\n"
      "runs). The window: a response clock belongs to it when the clock STARTED in\n"
      "[--from, --to): a case's opening, a reopen, or a customer follow-up after a\n"
      "response (a next-response clock). Each clock is judged as of --to: met (first\n"
      "response at or before its due; a resolution before the due with no response is met\n"
      "and counted resolved_unanswered), breached, or open (still within its target at\n"
      "--to). Time to first response counts on the case's own clock (business time for a\n"
      "bh target), which needs the calendars of --config; without it, wall time. Per group:\n"
      "clocks, met, breached, open, compliance = met / (met + breached), first response\n"
      "p50/p90/p99/max, time to acknowledge and to resolve, the deepest escalation step,\n"
      "pages sent, delivered and undelivered; then every breach with the reason its chain\n"
      "failed, and each engineer's load (interruptions in their zone: business 08:00-18:00\n"
      "Mon-Fri, sleep 22:00-08:00, off-hours the rest).\n"
      "The figures come from rollups serve and simulate keep as events are appended (per\n"
      "day, level, customer and plan); percentiles of whole days are then read from\n"
      "histograms, within 0.79% of the exact nearest-rank value (counts are exact);\n"
      "--exact folds every event instead. The rollups measure business time and place\n"
      "pages in engineers' zones with the configuration serve ran with; clocks judged one\n"
      "by one (running at --to, on a day the window cuts) use --config.",
      {{"data", true, true, "the data directory of the event log", ""},
       {"from", true, false,
        "start of the window (ISO 8601 instant with Z or an offset); required unless "
        "--rebuild alone",
        ""},
       {"to", true, false, "end of the window, exclusive (ISO 8601 instant)", ""},
       {"by", true, false, "group by level, customer, plan, service, engineer or schedule",
        "level"},
       {"format", true, false,
        "text, json, csv (RFC 4180) or html (one self-contained page: tables and charts)", "text"},
       {"out", true, false, "write the report to this file instead of stdout", ""},
       {"config", true, false,
        "configuration (YAML): calendars, engineers' zones, customers' names", ""},
       {"goal", true, false,
        "html: the compliance objective in whole percent, drawn across the daily chart", "95"},
       {"summary", false, false,
        "figures and engineer load only: leave out the breach list (its count stays)", ""},
       {"exact", false, false,
        "fold every event of the log instead of reading the rollups (exact percentiles)", ""},
       {"verbose", false, false, "say on stderr what the report read (rollups or events)", ""},
       {"rebuild", false, false,
        "rebuild the rollups from the whole log first (needs --config; not while serve "
        "runs); without --from/--to, only that",
        ""}},
      argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const Flags& f = parsed.flags;
  const std::string dir = *f.Get("data");
  if (!PathFlag(kCommand, f, "out", PathKind::kOutputFile)) return kExitUsage;
  std::shared_ptr<const config::Config> config;
  if (f.Get("config")) {
    config = LoadConfigOrReport(kCommand, f);
    if (!config) return kExitUsage;
  }
  if (f.Has("rebuild")) {
    if (!config) {
      return UsageError(kCommand,
                        "--rebuild needs --config: the rollups measure business time and "
                        "engineers' zones with it");
    }
    if (!f.Get("from") && !f.Get("to")) return Rebuild(dir, config);
    if (int rebuilt = Rebuild(dir, config); rebuilt != kExitOk) return rebuilt;
  }
  for (const char* name : {"from", "to"}) {
    if (!f.Get(name)) return UsageError(kCommand, std::string("missing required flag --") + name);
  }
  int exit = kExitOk;
  const auto from = InstantFlag(kCommand, f, "from", exit);
  if (!from) return exit;
  const auto to = InstantFlag(kCommand, f, "to", exit);
  if (!to) return exit;
  if (*from > *to) {
    return UsageError(kCommand, "--from " + *f.Get("from") + " is after --to " + *f.Get("to"));
  }
  const std::string by_text = *f.Get("by");
  const auto by = report::ParseGroupBy(by_text);
  if (!by) {
    return UsageError(kCommand,
                      "--by must be level, customer, plan, service, engineer or "
                      "schedule, got '" +
                          by_text + "'");
  }
  const std::string format = *f.Get("format");
  if (format != "text" && format != "json" && format != "csv" && format != "html") {
    return UsageError(kCommand, "--format must be text, json, csv or html, got '" + format + "'");
  }
  const auto goal = IntFlag(kCommand, f, "goal", 0, 100);
  if (!goal) return kExitUsage;
  auto log = OpenLogForReading(kCommand, dir, exit);
  if (!log) return exit;

  const report::ReportOptions report_options{*from, *to, *by, config.get()};
  const bool summary = f.Has("summary");
  std::optional<report::ChartsBuilder> charts;
  if (format == "html") charts.emplace(report_options);
  router::ReportSource source;
  base::Result<report::Report> built = base::Status::Unavailable("--exact");
  if (!f.Has("exact") && !charts) {
    built = router::ReportFromRollups(*log, report_options, !summary, &source);
    if (!built.ok() && built.status().code() == base::Code::kUnavailable) {
      std::cerr << "escalator report: the rollups do not cover this log (written without "
                   "them, or by an older version): folding every event, which is slow on a "
                   "large log; `escalator report --rebuild` (serve stopped) brings them back\n";
    }
  }
  if (!built.ok() && built.status().code() == base::Code::kUnavailable) {
    source = {};
    built = router::ReportFromLog(*log, report_options, charts ? &*charts : nullptr, &source);
  }
  if (!built.ok()) {
    std::cerr << "escalator report: " << built.status().ToString() << "\n";
    return kExitFailure;
  }
  report::Report& r = *built;
  if (f.Has("verbose")) {
    if (source.rollups) {
      std::cerr << "escalator report: from the rollups: " << source.days_rolled << " day(s) from "
                << source.buckets << " buckets, " << source.days_judged
                << " day(s) clock by clock; " << source.clocks << " clock records read\n";
    } else {
      std::cerr << "escalator report: folded " << source.events << " events\n";
    }
  }
  if (summary) {
    r.breaches.clear();
    r.breaches_listed = false;
  }
  const std::string text = format == "json"  ? report::RenderJson(r)
                           : format == "csv" ? report::RenderCsv(r)
                           : format == "html"
                               ? report::RenderHtml(r, charts->Finish(), {*goal / 100.0})
                               : report::RenderText(r);
  if (!WriteOutput(kCommand, f.Get("out"), text)) return kExitFailure;
  if (!config && r.total.wall_clock > 0) {
    std::cerr << "escalator report: no --config: first responses are measured in wall-clock "
                 "time and engineers' zones taken as UTC\n";
  }
  return kExitOk;
}

}  // namespace cli
