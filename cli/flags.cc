#include "cli/flags.h"

#include <charconv>
#include <iostream>

namespace cli {
namespace {

void PrintUsage(std::ostream& out, const std::string& command, const std::string& summary,
                const std::vector<FlagSpec>& specs) {
  out << "usage: escalator " << command;
  for (const auto& s : specs) {
    out << (s.required ? " --" : " [--") << s.name << (s.takes_value ? " V" : "")
        << (s.required ? "" : "]");
  }
  out << "\n\n" << summary << "\n\n";
  for (const auto& s : specs) {
    out << "  --" << s.name << (s.takes_value ? " V" : "") << "\n      " << s.help;
    if (!s.default_value.empty()) out << " (default: " << s.default_value << ")";
    out << "\n";
  }
  out << "  --help\n      show this help\n";
}

}  // namespace

std::optional<std::string> Flags::Get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

bool Flags::Has(const std::string& name) const { return values_.count(name) > 0; }

int UsageError(const std::string& command, const std::string& message) {
  std::cerr << "escalator " << command << ": " << message << "\n";
  return kExitUsage;
}

std::optional<int64_t> ParseInt(std::string_view text, int64_t min, int64_t max) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  // from_chars takes no '+' and no leading space, and reports overflow; the end check
  // refuses a suffix.
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  if (value < min || value > max) return std::nullopt;
  return value;
}

std::optional<int64_t> IntFlag(const std::string& command, const Flags& flags,
                               const std::string& name, int64_t min, int64_t max) {
  const std::string text = flags.Get(name).value_or("");
  if (auto value = ParseInt(text, min, max)) return value;
  const std::string range = max == std::numeric_limits<int64_t>::max()
                                ? ">= " + std::to_string(min)
                                : "in " + std::to_string(min) + ".." + std::to_string(max);
  UsageError(command, "--" + name + " must be a number " + range + ", got '" + text + "'");
  return std::nullopt;
}

ParseOutcome ParseFlags(const std::string& command, const std::string& summary,
                        const std::vector<FlagSpec>& specs, int argc, char** argv,
                        int min_positional, int max_positional) {
  ParseOutcome out;
  auto fail = [&](const std::string& message) {
    UsageError(command, message + " (see escalator " + command + " --help)");
    out.exit_code = kExitUsage;
    return out;
  };
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      PrintUsage(std::cout, command, summary, specs);
      out.exit_code = kExitOk;
      return out;
    }
    if (arg.size() > 2 && arg.rfind("--", 0) == 0) {
      std::string name = arg.substr(2);
      std::optional<std::string> inline_value;
      if (auto eq = name.find('='); eq != std::string::npos) {
        inline_value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      const FlagSpec* spec = nullptr;
      for (const auto& s : specs)
        if (s.name == name) spec = &s;
      if (spec == nullptr) return fail("unknown flag --" + name);
      if (!spec->takes_value) {
        if (inline_value) return fail("flag --" + name + " takes no value");
        out.flags.values_[name] = "true";
        continue;
      }
      if (inline_value) {
        out.flags.values_[name] = *inline_value;
      } else if (i + 1 < argc) {
        out.flags.values_[name] = argv[++i];
      } else {
        return fail("flag --" + name + " needs a value");
      }
      // An empty value is almost always a shell variable that was not set: refused, rather
      // than read as "the flag left out".
      if (out.flags.values_[name].empty() && !spec->empty_ok) {
        return fail("flag --" + name + " has an empty value");
      }
      continue;
    }
    out.flags.positional_.push_back(arg);
  }
  for (const auto& s : specs) {
    if (!out.flags.Has(s.name)) {
      if (s.required) return fail("missing required flag --" + s.name);
      if (!s.default_value.empty()) out.flags.values_[s.name] = s.default_value;
    }
  }
  int n = static_cast<int>(out.flags.positional_.size());
  if (n < min_positional) return fail("missing argument");
  if (n > max_positional)
    return fail("unexpected argument '" + out.flags.positional_[max_positional] + "'");
  return out;
}

}  // namespace cli
