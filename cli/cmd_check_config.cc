// escalator check-config FILE: validates a configuration as a whole.
#include <iostream>

#include "cli/commands.h"
#include "cli/flags.h"
#include "config/config.h"

namespace cli {

int RunCheckConfig(int argc, char** argv) {
  auto parsed = ParseFlags("check-config",
                           "Validates a configuration file as a whole. Prints a one-line summary\n"
                           "and exits 0 when valid; prints every error as FILE:LINE:COLUMN:\n"
                           "message and exits 2 when not.",
                           {}, argc, argv, 1, 1);
  if (parsed.exit_code) return *parsed.exit_code;
  const std::string& path = parsed.flags.positional()[0];
  config::LoadResult result = config::LoadConfigFile(path);
  if (!result.errors.empty()) {
    for (const auto& e : result.errors) std::cerr << e.ToString() << "\n";
    std::cerr << path << ": " << result.errors.size() << " error"
              << (result.errors.size() == 1 ? "" : "s") << "\n";
    return kExitUsage;
  }
  const auto& c = *result.config;
  std::cout << path << ": ok: " << c.customers.size() << " customers, " << c.engineers.size()
            << " engineers, " << c.schedules.size() << " schedules, " << c.calendars.size()
            << " calendars, " << c.escalation.size() << " escalation policies\n";
  return kExitOk;
}

}  // namespace cli
