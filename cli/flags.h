// A small command-line parser shared by every subcommand, so that all of them
// treat --help, unknown flags and missing values the same way.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cli {

// Exit codes of every subcommand (DESIGN.md): 0 ok, 1 runtime failure, 2 usage
// or invalid input.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct FlagSpec {
  std::string name;  // without dashes: "config"
  bool takes_value = true;
  bool required = false;
  std::string help;  // one line
  std::string default_value;
};

// Parsed flags of one subcommand.
class Flags {
 public:
  // Value of a flag, or its default, or nullopt when neither.
  std::optional<std::string> Get(const std::string& name) const;
  // True when a boolean flag was given.
  bool Has(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  friend struct ParseOutcome ParseFlags(const std::string&, const std::string&,
                                        const std::vector<FlagSpec>&, int, char**, int, int);
  std::map<std::string, std::string> values_;
  std::vector<std::string> positional_;
};

struct ParseOutcome {
  Flags flags;
  // When set, the caller returns it at once: kExitOk after printing --help,
  // kExitUsage after printing the usage error to stderr.
  std::optional<int> exit_code;
};

// Parses argv[1..] of subcommand `command` ("escalator <command> ...").
// Accepts "--name value" and "--name=value". --help/-h prints usage to stdout.
// Unknown flags, missing values, missing required flags and a positional count
// outside [min_positional, max_positional] print a usage error naming the problem.
ParseOutcome ParseFlags(const std::string& command, const std::string& summary,
                        const std::vector<FlagSpec>& specs, int argc, char** argv,
                        int min_positional = 0, int max_positional = 0);

// Prints "escalator <command>: <message>" to stderr and returns kExitUsage.
int UsageError(const std::string& command, const std::string& message);

}  // namespace cli
