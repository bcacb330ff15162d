// `escalator due`: when the first response to a case is due, on which
// calendars, and which schedule gets the first page. Answers from the router's
// own decision (router::SeverityLevel, router::Start, router::FirstTargets), so
// it cannot drift from what serve and simulate do with the same case.
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "config/config.h"
#include "router/escalation.h"
#include "schedules/schedules.h"

namespace cli {
namespace {
constexpr char kCommand[] = "due";
}  // namespace

int RunDue(int argc, char** argv) {
  auto parsed = ParseFlags(
      kCommand,
      "When the first response is due for a case of --account about --service with\n"
      "--severity (a severityCode) opened at --opened, and why, as the router decides it.\n"
      "--format json prints "
      "{\"level\",\"due\",\"coverage\",\"business\",\"schedule\",\"fallback\"}\n"
      "(due in UTC; schedule: the one that gets the first page). An unknown account or a\n"
      "service outside services.in_scope is a fallback case (\"fallback\":true).",
      {
          {"config", true, true, "the configuration file", ""},
          {"account", true, true, "the customer's account id", ""},
          {"service", true, true, "the case's serviceCode", ""},
          {"severity", true, true, "the case's severityCode (see severity_map)", ""},
          {"opened", true, true, "when the case opened, ISO 8601 with Z or an offset", ""},
          {"format", true, false, "text or json", "text"},
      },
      argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const auto& f = parsed.flags;
  int exit = kExitOk;
  const std::optional<bool> json_format = JsonFormatFlag(kCommand, f, exit);
  if (!json_format) return exit;
  const bool json = *json_format;
  auto opened = InstantFlag(kCommand, f, "opened", exit);
  if (!opened) return exit;
  auto loaded = LoadConfigOrReport(kCommand, f);
  if (!loaded) return kExitUsage;
  const config::Config& cfg = *loaded;
  const std::string account = *f.Get("account");
  const std::string service = *f.Get("service");
  const std::string severity = *f.Get("severity");
  const std::optional<int> level = router::SeverityLevel(cfg, severity);
  if (!level)
    return UsageError(kCommand,
                      "--severity: unknown severity '" + severity + "' (not in severity_map)");
  schedules::CaseCalendars cals;
  auto plan = router::Start(cfg, account, service, *level, *opened, &cals);
  if (!plan.ok()) {
    return UsageError(kCommand, "--severity '" + severity + "' (level " + std::to_string(*level) +
                                    ") is not routed: " + plan.status().message());
  }
  // The schedule of the first page: its first schedule target, the fallback schedule when the
  // first page names none.
  std::string first_schedule = cfg.services.fallback_schedule;
  for (const config::Target& t : router::FirstTargets(*plan, cfg)) {
    if (t.kind == config::Target::Kind::kSchedule) {
      first_schedule = t.name;
      break;
    }
  }
  if (json) {
    nlohmann::ordered_json j;
    j["level"] = plan->level;
    j["due"] = base::FormatInstant(plan->due);
    j["coverage"] = cals.coverage->name;
    j["business"] = cals.business->name;
    j["schedule"] = first_schedule;
    j["fallback"] = plan->fallback;
    std::cout << j.dump() << "\n";
    return kExitOk;
  }
  const config::DurationSpec& target = plan->target;
  const auto secs = target.amount.count();
  const std::string amount = secs % 3600 == 0
                                 ? std::to_string(secs / 3600) + (target.business ? "bh" : "h")
                             : secs % 60 == 0 ? std::to_string(secs / 60) + "m"
                                              : std::to_string(secs) + "s";
  std::cout << "level " << plan->level << " (" << severity << "): first response due "
            << base::FormatInstant(plan->due) << "\n"
            << "  target " << amount << " counted on " << plan->clock_calendar << "\n"
            << "  " << schedules::CalendarsReason(cals, account, service) << "\n"
            << "  first page: schedule " << first_schedule
            << (plan->fallback   ? " (fallback case)"
                : plan->deferred ? " (opened outside coverage: deferred)"
                                 : "")
            << "\n";
  if (plan->fallback) {
    std::cout << "  route: fallback (the fallback schedule, not level " << plan->level
              << "'s policy)\n";
  }
  return kExitOk;
}

}  // namespace cli
