// `escalator due`: when the first response to a case is due, on which
// calendars, and which schedule gets the first page.
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "config/config.h"
#include "schedules/schedules.h"

namespace cli {
namespace {
constexpr char kCommand[] = "due";
}  // namespace

int RunDue(int argc, char** argv) {
  auto parsed = ParseFlags(
      kCommand,
      "When the first response is due for a case of --account about --service with\n"
      "--severity (a severityCode) opened at --opened, and why. --format json prints\n"
      "{\"level\",\"due\",\"coverage\",\"business\",\"schedule\"} (due in UTC; schedule: the one\n"
      "that gets the first page). A service outside services.in_scope is a fallback case.",
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
  auto loaded = LoadConfigOrReport(*f.Get("config"));
  if (!loaded) return kExitUsage;
  const config::Config& cfg = *loaded;
  const std::string account = *f.Get("account");
  const std::string service = *f.Get("service");
  const std::string severity = *f.Get("severity");
  if (cfg.FindCustomer(account) == nullptr)
    return UsageError(kCommand, "unknown account '" + account + "'");
  if (cfg.severity_map.count(severity) == 0)
    return UsageError(kCommand, "unknown severity '" + severity + "' (not in severity_map)");
  auto due = schedules::FirstResponseDue(cfg, account, service, severity, *opened);
  if (!due)
    return UsageError(kCommand, "severity '" + severity + "' maps to a level with no target");
  if (json) {
    nlohmann::ordered_json j;
    j["level"] = due->level;
    j["due"] = base::FormatInstant(due->due);
    j["coverage"] = due->calendars.coverage->name;
    j["business"] = due->calendars.business->name;
    j["schedule"] = due->first_schedule;
    std::cout << j.dump() << "\n";
    return kExitOk;
  }
  const config::DurationSpec& target = cfg.targets.at(due->level);
  const auto secs = target.amount.count();
  const std::string amount = secs % 3600 == 0
                                 ? std::to_string(secs / 3600) + (target.business ? "bh" : "h")
                             : secs % 60 == 0 ? std::to_string(secs / 60) + "m"
                                              : std::to_string(secs) + "s";
  std::cout << "level " << due->level << " (" << severity << "): first response due "
            << base::FormatInstant(due->due) << "\n"
            << "  target " << amount << " counted on " << due->clock->name << "\n"
            << "  " << schedules::CalendarsReason(due->calendars, account, service) << "\n"
            << "  first page: schedule " << due->first_schedule
            << (due->calendars.fallback ? " (fallback case)"
                : !schedules::IsOpen(*due->calendars.coverage, *opened)
                    ? " (opened outside coverage: deferred)"
                    : "")
            << "\n";
  return kExitOk;
}

}  // namespace cli
