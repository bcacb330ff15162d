// `escalator shifts`: the final schedule over a range — layers, restrictions
// and overrides resolved — with gaps shown.
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
constexpr char kCommand[] = "shifts";

}  // namespace

int RunShifts(int argc, char** argv) {
  auto parsed = ParseFlags(
      kCommand,
      "The final schedule of --schedule over [--from, --to): consecutive shifts that tile\n"
      "the range, adjacent shifts of one engineer from one source merged, uncovered time\n"
      "as shifts with engineer null. --format json prints one object per line:\n"
      "{\"engineer\",\"start\",\"end\",\"source\"} (times in UTC; source: layer name or\n"
      "\"override\", null in a gap).",
      {
          {"config", true, true, "the configuration file", ""},
          {"schedule", true, true, "the schedule", ""},
          {"from", true, true, "start of the range, ISO 8601 with Z or an offset", ""},
          {"to", true, true, "end of the range, exclusive (ISO 8601 instant)", ""},
          {"format", true, false, "text or json", "text"},
      },
      argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const auto& f = parsed.flags;
  int exit = kExitOk;
  const std::optional<bool> json_format = JsonFormatFlag(kCommand, f, exit);
  if (!json_format) return exit;
  const bool json = *json_format;
  auto from = InstantFlag(kCommand, f, "from", exit);
  if (!from) return exit;
  auto to = InstantFlag(kCommand, f, "to", exit);
  if (!to) return exit;
  if (!(*from < *to)) return UsageError(kCommand, "--from must be before --to");
  auto loaded = LoadConfigOrReport(kCommand, f);
  if (!loaded) return kExitUsage;
  const std::string name = *f.Get("schedule");
  const config::Schedule* schedule = loaded->FindSchedule(name);
  if (schedule == nullptr) {
    return UsageError(kCommand, "--schedule: unknown schedule '" + name + "'");
  }
  for (const auto& s : schedules::Shifts(*schedule, *from, *to)) {
    if (json) {
      nlohmann::ordered_json j;
      j["engineer"] = s.engineer ? nlohmann::ordered_json(*s.engineer) : nlohmann::ordered_json();
      j["start"] = base::FormatInstant(s.start);
      j["end"] = base::FormatInstant(s.end);
      j["source"] = s.engineer ? nlohmann::ordered_json(s.source) : nlohmann::ordered_json();
      std::cout << j.dump() << "\n";
    } else {
      const auto hours = std::chrono::duration<double, std::ratio<3600>>(s.end - s.start).count();
      std::cout << base::FormatInstant(s.start) << "  " << base::FormatInstant(s.end) << "  "
                << (s.engineer ? *s.engineer + " (" + s.source + ")" : std::string("-- nobody --"))
                << "  " << hours << "h\n";
    }
  }
  return kExitOk;
}

}  // namespace cli
