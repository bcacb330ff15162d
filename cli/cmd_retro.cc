// escalator retro --data DIR --from T --to T [--account A] [--format text|html] [--config F]
// [--out FILE]: the retrospective after a live event, from the event log: every case with a
// response clock that started in the window, each clock's timeline and its running and paused
// spans, the SLA summary, the clocks closest to breaching and who worked them
// (report/retro.h). Opens the log read-only (works while serve writes it) and folds every case
// (a full scan, as report does).
#include <iostream>
#include <string>
#include <unordered_map>

#include "cli/case_events.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "report/retro.h"
#include "report/retro_render.h"

namespace cli {

namespace {

constexpr const char* kCommand = "retro";

}  // namespace

int RunRetro(int argc, char** argv) {
  auto parsed = ParseFlags(
      kCommand,
      "The retrospective after a live event, from the event log (works while serve runs).\n"
      "For every case with a response clock that STARTED in [--from, --to) (its opening, a\n"
      "reopen, a customer follow-up), the timeline of each such clock: its start, routing,\n"
      "severity changes, escalation steps, each page and its delivery, acknowledgements,\n"
      "warnings, the breach, the response and the resolution, with the clock's running and\n"
      "paused spans on its own calendar (nights, weekends and holidays pause a business-hours\n"
      "target; the calendars come from --config, without it the clock runs in wall time).\n"
      "Then the SLA summary of those clocks by level (as escalator report), the clocks met\n"
      "closest to their due, and the engineers who worked them. Facts after --to do not count.",
      {{"data", true, true, "the data directory of the event log", ""},
       {"from", true, true, "start of the window (ISO 8601 instant with Z or an offset)", ""},
       {"to", true, true, "end of the window, exclusive (ISO 8601 instant)", ""},
       {"account", true, false, "only this customer account's cases", ""},
       {"format", true, false, "text or html (one self-contained page)", "text"},
       {"out", true, false, "write the retrospective to this file instead of stdout", ""},
       {"config", true, false,
        "configuration (YAML): calendars, engineers' zones, customers' names", ""}},
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
  const std::string format = *f.Get("format");
  if (format != "text" && format != "html") {
    return UsageError(kCommand, "--format must be text or html, got '" + format + "'");
  }
  const std::string account = f.Get("account").value_or("");
  if (!PathFlag(kCommand, f, "out", PathKind::kOutputFile)) return kExitUsage;
  std::shared_ptr<const config::Config> config;
  if (f.Get("config")) {
    config = LoadConfigOrReport(kCommand, f);
    if (!config) return kExitUsage;
  }
  auto log = OpenLogForReading(kCommand, *f.Get("data"), exit);
  if (!log) return exit;

  std::unordered_map<std::string, report::RetroFold> cases;
  base::Status read = ForEachCaseEvent(
      *log,
      [&](const std::string& id, uint64_t seq, const router::Event& e) { cases[id].Add(seq, e); });
  if (!read.ok()) {
    std::cerr << "escalator retro: " << read.ToString() << "\n";
    return kExitFailure;
  }
  report::RetroBuilder builder({*from, *to, account, config.get()});
  for (const auto& [id, fold] : cases) builder.AddCase(fold);
  const report::Retro retro = builder.Finish();
  const std::string text =
      format == "html" ? report::RenderRetroHtml(retro, {}) : report::RenderRetroText(retro);

  if (!WriteOutput(kCommand, f.Get("out"), text)) return kExitFailure;
  if (!config) {
    std::cerr << "escalator retro: no --config: clocks run in wall-clock time (no pauses) and "
                 "engineers' zones are taken as UTC\n";
  }
  return kExitOk;
}

}  // namespace cli
