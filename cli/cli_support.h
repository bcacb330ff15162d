// What several subcommands do the same way: read an instant flag or --format and load the
// configuration, each failing as a usage error (exit code 2) that names the problem.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "base/time.h"
#include "cli/flags.h"
#include "config/config.h"

namespace cli {

// Parses flag --NAME as an ISO 8601 instant with Z or an offset. On failure
// prints a usage error naming the flag and its value, sets `exit` to kExitUsage
// and returns nullopt. REQUIRES: the flag is present (required or defaulted).
std::optional<base::Timestamp> InstantFlag(const std::string& command, const Flags& flags,
                                           const std::string& name, int& exit);

// Reads flag --format, which must be "text" or "json": true for json. On anything else
// prints a usage error naming the value, sets `exit` to kExitUsage and returns nullopt.
// REQUIRES: the flag is declared with a default.
std::optional<bool> JsonFormatFlag(const std::string& command, const Flags& flags, int& exit);

// Loads and validates the configuration at `path`. On failure prints every error
// as FILE:LINE:COLUMN: message to stderr and returns nullptr (exit with kExitUsage).
std::shared_ptr<const config::Config> LoadConfigOrReport(const std::string& path);

// Writes `text` to the file `out` names (truncating it), or to stdout when `out` is empty. On
// a failed write prints "escalator COMMAND: cannot write 'FILE'" and returns false.
bool WriteOutput(const std::string& command, const std::optional<std::string>& out,
                 const std::string& text);

}  // namespace cli
