// A small command-line parser shared by every subcommand, so that all of them
// treat --help, unknown flags and missing values the same way.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
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
  // An explicit empty value ("--name=" or "--name ''") is refused as a usage error unless this
  // is set (the flag's help then says what '' means).
  bool empty_ok = false;
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
// Unknown flags, missing values, empty values (unless FlagSpec::empty_ok), missing required
// flags and a positional count outside [min_positional, max_positional] print a usage error
// naming the problem.
ParseOutcome ParseFlags(const std::string& command, const std::string& summary,
                        const std::vector<FlagSpec>& specs, int argc, char** argv,
                        int min_positional = 0, int max_positional = 0);

// Prints "escalator <command>: <message>" to stderr and returns kExitUsage.
int UsageError(const std::string& command, const std::string& message);

// Parses all of `text` as a decimal integer in [min, max]: an optional '-' then digits, nothing
// else (no sign '+', no spaces, no suffix such as "100x"). nullopt for anything else, for an
// empty text and for a value outside int64_t.
std::optional<int64_t> ParseInt(std::string_view text, int64_t min,
                                int64_t max = std::numeric_limits<int64_t>::max());

// The value of numeric flag --NAME, parsed by ParseInt. On a bad value prints the usage error
// "--NAME must be a number >= MIN, got 'X'" ("in MIN..MAX" when `max` is given) and returns
// nullopt: the caller then returns kExitUsage. A missing flag counts as the value ''.
std::optional<int64_t> IntFlag(const std::string& command, const Flags& flags,
                               const std::string& name, int64_t min,
                               int64_t max = std::numeric_limits<int64_t>::max());

}  // namespace cli
