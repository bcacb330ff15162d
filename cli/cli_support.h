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

// Loads and validates the configuration flag --NAME names. On failure returns nullptr (exit
// with kExitUsage) after printing either one usage error naming the flag, when the file cannot
// be read at all (missing, a directory, empty), or every error in it as FILE:LINE:COLUMN:
// message. REQUIRES: the flag is present.
std::shared_ptr<const config::Config> LoadConfigOrReport(const std::string& command,
                                                         const Flags& flags,
                                                         const std::string& name = "config");

// What a path flag must name, checked before anything starts so that a typo is a usage error
// naming the flag rather than a failure halfway.
enum class PathKind {
  kInputFile,   // an existing regular file
  kOutputFile,  // a file to write: its folder exists, and it is not a directory
  kDirectory,   // a directory, created if missing: whatever of it exists is a directory
};

// Checks flag --NAME (when given) as a path of `kind`. On a wrong one prints the usage error
// naming the flag and the path, and returns false.
bool PathFlag(const std::string& command, const Flags& flags, const std::string& name,
              PathKind kind);

// Checks flag --NAME (when given) as Kafka bootstrap servers: HOST:PORT[,HOST:PORT...], each
// port in 1..65535. On a wrong one prints the usage error naming the flag and returns false.
bool BrokersFlag(const std::string& command, const Flags& flags,
                 const std::string& name = "brokers");

// Checks flag --NAME (when given) as Kafka topic names, `list` of them comma-separated: each
// 1..249 characters of A-Z a-z 0-9 . _ - (Kafka's rule). The empty value passes (the parser
// lets it through only for flags whose '' means none). On a wrong one prints the usage error
// naming the flag and returns false.
bool TopicFlag(const std::string& command, const Flags& flags, const std::string& name,
               bool list = false);

// Checks flag --NAME (when given) as a ZeroMQ endpoint of the pager channel: tcp://HOST:PORT
// (PORT a number, or * to bind any) or ipc://PATH. On a wrong one prints the usage error naming
// the flag and returns false.
bool EndpointFlag(const std::string& command, const Flags& flags, const std::string& name);

// Writes `text` to the file `out` names (truncating it), or to stdout when `out` is empty. On
// a failed write prints "escalator COMMAND: cannot write 'FILE'" and returns false.
bool WriteOutput(const std::string& command, const std::optional<std::string>& out,
                 const std::string& text);

}  // namespace cli
