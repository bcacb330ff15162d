// `escalator oncall`: who is on call in each schedule at one instant, from
// which layer (or an override), and until when.
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
constexpr char kCommand[] = "oncall";

nlohmann::ordered_json ToJson(const std::string& schedule, base::Timestamp at,
                              const schedules::Shift& s) {
  nlohmann::ordered_json j;
  j["schedule"] = schedule;
  j["at"] = base::FormatInstant(at);
  j["oncall"] = s.engineer ? nlohmann::ordered_json(*s.engineer) : nlohmann::ordered_json();
  j["source"] = s.engineer ? nlohmann::ordered_json(s.source) : nlohmann::ordered_json();
  j["until"] = base::FormatInstant(s.end);
  return j;
}
}  // namespace

int RunOncall(int argc, char** argv) {
  auto parsed = ParseFlags(
      kCommand,
      "Who is on call at --at: per schedule, the engineer (null for a gap), the layer or\n"
      "\"override\" that puts them there, and until when (the next change). Without\n"
      "--schedule, every schedule; --format json prints one object per schedule per line:\n"
      "{\"schedule\",\"at\",\"oncall\",\"source\",\"until\"} (times in UTC).",
      {
          {"config", true, true, "the configuration file", ""},
          {"at", true, true, "the instant, ISO 8601 with Z or an offset", ""},
          {"schedule", true, false, "one schedule (default: all)", ""},
          {"format", true, false, "text or json", "text"},
      },
      argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const auto& f = parsed.flags;
  int exit = kExitOk;
  const std::optional<bool> json_format = JsonFormatFlag(kCommand, f, exit);
  if (!json_format) return exit;
  const bool json = *json_format;
  auto at = InstantFlag(kCommand, f, "at", exit);
  if (!at) return exit;
  auto loaded = LoadConfigOrReport(kCommand, f);
  if (!loaded) return kExitUsage;
  const config::Config& cfg = *loaded;
  std::vector<const config::Schedule*> chosen;
  if (auto name = f.Get("schedule")) {
    const config::Schedule* s = cfg.FindSchedule(*name);
    if (s == nullptr) return UsageError(kCommand, "--schedule: unknown schedule '" + *name + "'");
    chosen.push_back(s);
  } else {
    for (const auto& [name, s] : cfg.schedules) chosen.push_back(&s);
  }
  for (const config::Schedule* s : chosen) {
    schedules::Shift shift = schedules::OnCallAt(*s, *at);
    if (json) {
      std::cout << ToJson(s->name, *at, shift).dump() << "\n";
    } else {
      std::cout << s->name << ": "
                << (shift.engineer ? *shift.engineer + " (" + shift.source + ")"
                                   : std::string("nobody"))
                << " since " << base::FormatInstant(shift.start) << " until "
                << base::FormatInstant(shift.end) << "\n";
    }
  }
  return kExitOk;
}

}  // namespace cli
