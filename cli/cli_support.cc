#include "cli/cli_support.h"

#include <fstream>
#include <iostream>

namespace cli {

std::optional<base::Timestamp> InstantFlag(const std::string& command, const Flags& flags,
                                           const std::string& name, int& exit) {
  const std::string text = *flags.Get(name);
  auto t = base::ParseInstant(text);
  if (!t)
    exit = UsageError(command, "--" + name + " '" + text +
                                   "' is not an ISO 8601 instant with Z or an offset "
                                   "(e.g. 2026-11-24T09:00:00-05:00)");
  return t;
}

std::optional<bool> JsonFormatFlag(const std::string& command, const Flags& flags, int& exit) {
  const std::string format = flags.Get("format").value_or("");
  if (format == "json") return true;
  if (format == "text") return false;
  exit = UsageError(command, "--format must be text or json, got '" + format + "'");
  return std::nullopt;
}

std::shared_ptr<const config::Config> LoadConfigOrReport(const std::string& path) {
  auto loaded = config::LoadConfigFile(path);
  for (const auto& e : loaded.errors) std::cerr << e.ToString() << "\n";
  return loaded.errors.empty() ? loaded.config : nullptr;
}

bool WriteOutput(const std::string& command, const std::optional<std::string>& out,
                 const std::string& text) {
  if (!out) {
    std::cout << text << std::flush;
    return true;
  }
  std::ofstream file(*out, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file) {
    std::cerr << "escalator " << command << ": cannot write '" << *out << "'\n";
    return false;
  }
  return true;
}

}  // namespace cli
