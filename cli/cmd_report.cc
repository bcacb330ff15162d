// escalator report --data DIR --from T --to T [--by G] [--format text|json|csv|html]
// [--out FILE] [--config FILE] [--goal PERCENT]: the SLA compliance report over a window, from
// the event log. Opens the log read-only (works while serve writes it), folds every case's
// events into its clock summary (report/case_fold.h: a full scan in this version) and builds
// the report (report/report.h), and for html the charts over the same clocks
// (report/charts.h).
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <unordered_map>

#include "cli/case_events.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "report/case_fold.h"
#include "report/charts.h"
#include "report/html.h"
#include "report/render.h"
#include "report/report.h"
#include "store/event_log.h"

namespace cli {

namespace {

constexpr const char* kCommand = "report";

// Folds every event of the log, case by case, and adds each case to `builder` (and to
// `charts` unless null).
base::Status FoldLog(const store::EventLog& log, report::ReportBuilder& builder,
                     report::ChartsBuilder* charts) {
  std::unordered_map<std::string, report::CaseFold> cases;
  base::Status read =
      ForEachCaseEvent(log, [&](const std::string& case_id, uint64_t seq,
                                const router::Event& event) { cases[case_id].Add(seq, event); });
  if (!read.ok()) return read;
  for (auto& [id, fold] : cases) {
    builder.AddCase(fold.summary());
    if (charts != nullptr) charts->AddCase(fold.summary());
  }
  return base::Status::Ok();
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
      "Mon-Fri, sleep 22:00-08:00, off-hours the rest).",
      {{"data", true, true, "the data directory of the event log", ""},
       {"from", true, true, "start of the window (ISO 8601 instant with Z or an offset)", ""},
       {"to", true, true, "end of the window, exclusive (ISO 8601 instant)", ""},
       {"by", true, false, "group by level, customer, plan, service, engineer or schedule",
        "level"},
       {"format", true, false,
        "text, json, csv (RFC 4180) or html (one self-contained page: tables and charts)", "text"},
       {"out", true, false, "write the report to this file instead of stdout", ""},
       {"config", true, false,
        "configuration (YAML): calendars, engineers' zones, customers' names", ""},
       {"goal", true, false,
        "html: the compliance objective in whole percent, drawn across the daily chart", "95"}},
      argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const Flags& f = parsed.flags;
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
  std::shared_ptr<const config::Config> config;
  if (auto path = f.Get("config")) {
    config = LoadConfigOrReport(*path);
    if (!config) return kExitUsage;
  }

  auto log = OpenLogForReading(kCommand, *f.Get("data"), exit);
  if (!log) return exit;

  const report::ReportOptions report_options{*from, *to, *by, config.get()};
  report::ReportBuilder builder(report_options);
  std::optional<report::ChartsBuilder> charts;
  if (format == "html") charts.emplace(report_options);
  if (base::Status folded = FoldLog(*log, builder, charts ? &*charts : nullptr); !folded.ok()) {
    std::cerr << "escalator report: " << folded.ToString() << "\n";
    return kExitFailure;
  }
  const report::Report r = builder.Finish();
  const std::string text = format == "json"  ? report::RenderJson(r)
                           : format == "csv" ? report::RenderCsv(r)
                           : format == "html"
                               ? report::RenderHtml(r, charts->Finish(), {*goal / 100.0})
                               : report::RenderText(r);
  if (auto out = f.Get("out")) {
    std::ofstream file(*out, std::ios::binary | std::ios::trunc);
    file << text;
    file.close();
    if (!file) {
      std::cerr << "escalator report: cannot write '" << *out << "'\n";
      return kExitFailure;
    }
  } else {
    std::cout << text << std::flush;
  }
  if (!config && r.total.wall_clock > 0) {
    std::cerr << "escalator report: no --config: first responses are measured in wall-clock "
                 "time and engineers' zones taken as UTC\n";
  }
  return kExitOk;
}

}  // namespace cli
