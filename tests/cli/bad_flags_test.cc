// Every flag of every command, given a wrong value, is refused the same way: exit 2, one line on
// stderr that names the flag, nothing on stdout, no crash, and nothing started. The commands
// are read from `escalator --help` and each command's flags from its own --help, so a new
// command or flag fails here until it has a wrong value: one derived from its help text (a
// number, an instant, a choice, a path, brokers, a topic, an endpoint, a URL) or one listed by
// hand below. Also, for every command: an unknown flag, a flag without its value, an empty
// value, a value given to a switch and a stray argument.
#include <atomic>
#include <catch2/catch.hpp>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli/flags.h"
#include "tests/test_support.h"

namespace {

namespace fs = std::filesystem;
using testing_support::CommandResult;
using testing_support::EscalatorBin;
using testing_support::RunCommand;
using testing_support::SharedDir;
using testing_support::TempDir;
using testing_support::WriteFile;

// A refused run ends at once; one that started something is killed after this, and fails.
constexpr int kTimeoutS = 15;

struct Flag {
  std::string name;  // without dashes
  bool takes_value = false;
  std::string help;
  std::string default_value;
};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

CommandResult Run(std::vector<std::string> args) {
  args.insert(args.begin(), EscalatorBin());
  return RunCommand(args, kTimeoutS);
}

// The commands `escalator --help` lists: the lines after "commands:".
std::vector<std::string> Commands() {
  const CommandResult help = Run({"--help"});
  REQUIRE(help.exit_code == 0);
  std::vector<std::string> out;
  bool listing = false;
  for (const std::string& line : Lines(help.out)) {
    if (line == "commands:") {
      listing = true;
    } else if (listing) {
      std::istringstream words(line);
      std::string name;
      words >> name;
      out.push_back(name);
    }
  }
  return out;
}

// The flags of `escalator COMMAND --help`: "  --NAME [V]" lines, each followed by its help line
// ("      TEXT (default: D)"). --help itself is left out.
std::vector<Flag> FlagsOf(const std::string& command) {
  const CommandResult help = Run({command, "--help"});
  INFO(command << " --help: " << help.err);
  REQUIRE(help.exit_code == 0);
  static const std::regex kFlag(R"re(^  --([a-z0-9-]+)( V)?$)re");
  static const std::regex kDefault(R"re( \(default: (.*)\)$)re");
  std::vector<Flag> out;
  const std::vector<std::string> lines = Lines(help.out);
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    std::smatch m;
    if (!std::regex_match(lines[i], m, kFlag) || m[1] == "help") continue;
    Flag f{m[1], m[2].matched, lines[i + 1], ""};
    f.help.erase(0, f.help.find_first_not_of(' '));
    if (std::smatch d; std::regex_search(f.help, d, kDefault)) f.default_value = d[1];
    out.push_back(f);
  }
  return out;
}

// Files and directories the valid invocations use, and wrong paths.
struct Fixture {
  TempDir dir;
  std::string config = (SharedDir() / "samples" / "config.yaml").string();
  std::string input = (SharedDir() / "samples" / "case-events.jsonl").string();
  std::string log = (dir.path() / "log").string();
  std::string a_file = (dir.path() / "a-file").string();
  std::string a_dir = (dir.path() / "a-dir").string();  // exists, holds nothing
  std::string missing = (dir.path() / "missing").string();
  std::string endpoint = "ipc://" + (dir.path() / "pager.sock").string();
  int fresh = 0;

  Fixture() {
    WriteFile(a_file, "not what any flag wants\n");
    fs::create_directories(a_dir);
    const CommandResult made = Run({"simulate", "--config", config, "--input", input, "--data", log,
                                    "--until", "2026-11-25T00:00:00Z", "--quiet"});
    INFO(made.err);
    REQUIRE(made.exit_code == 0);
  }
  // A path that does not exist yet, different on every call.
  std::string Fresh() { return (dir.path() / ("fresh-" + std::to_string(++fresh))).string(); }
};

// A valid invocation of each command. "{fresh}" is a new path on each run: a refused run must
// leave it uncreated (nothing started). The long-running ones (serve, dev-broker, pager,
// pager-gateway) would run until killed; publish and ack would try a broker that is not there.
std::map<std::string, std::vector<std::string>> Bases(const Fixture& f) {
  const std::vector<std::string> window = {"--from", "2026-11-01T00:00:00Z", "--to",
                                           "2026-12-01T00:00:00Z"};
  auto with = [](std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  return {
      {"check-config", {f.config}},
      {"log", {"--data", f.log}},
      {"explain", {"--data", f.log, "--case", "case-111122223333-muen-2026-a1b2c3d4e5f60001"}},
      {"report", with({"--data", f.log}, window)},
      {"retro", with({"--data", f.log}, window)},
      {"dev-broker", {}},
      {"publish", {"--brokers", "127.0.0.1:1", "--timeout-ms", "100", f.input}},
      {"serve", {"--config", f.config, "--data", "{fresh}", "--brokers", "127.0.0.1:1"}},
      {"dead-letters", {"--data", f.log}},
      {"oncall", {"--config", f.config, "--at", "2026-11-24T14:02:11Z"}},
      {"shifts", with({"--config", f.config, "--schedule", "video-sme-primary"}, window)},
      {"ics", with({"--config", f.config, "--schedule", "video-sme-primary"}, window)},
      {"due",
       {"--config", f.config, "--account", "111122223333", "--service", "medialive", "--severity",
        "critical", "--opened", "2026-11-24T00:00:00Z"}},
      {"simulate", {"--config", f.config, "--input", f.input, "--data", "{fresh}", "--quiet"}},
      {"ack",
       {"--brokers", "127.0.0.1:1", "--case", "c-1", "--engineer", "bob", "--timeout-ms", "100"}},
      {"pager", {"--endpoint", f.endpoint, "--engineer", "bob", "--timeout", "3"}},
      {"keygen", {"--out", "{fresh}", "--name", "k"}},
      {"pager-gateway",
       {"--endpoint", f.endpoint, "--engineers", "bob", "--url", "http://127.0.0.1:1/hook",
        "--exit-after-s", "3"}},
      {"token", {"--role", "admin"}},
  };
}

// The bases that end by themselves, run once to prove they are valid: a wrong value in one of
// them is then the only thing wrong.
const std::set<std::string> kBasesThatSucceed = {
    "check-config", "log", "explain", "report",   "retro",  "dead-letters", "oncall",
    "shifts",       "ics", "due",     "simulate", "keygen", "token"};

// Wrong values for flags whose help gives a rule nothing to go by, by "COMMAND --FLAG". An empty
// list says any non-empty value is right (the empty one is still refused), and why.
struct Listed {
  std::vector<std::string> wrong;
  const char* why = "";
};
const std::map<std::string, Listed> kListed = {
    {"explain --case", {{"no-such-case"}}},
    {"oncall --schedule", {{"no-such-schedule"}}},
    {"shifts --schedule", {{"no-such-schedule"}}},
    {"ics --schedule", {{"no-such-schedule"}}},
    {"ics --engineer", {{"no-such-engineer"}}},
    {"due --severity", {{"sev9"}}},
    {"keygen --name", {{"a/b"}}},
    {"token --role", {{"engineer:"}}},
    {"pager-gateway --engineers", {{"bob,,alice", "bob,bob"}}},
    {"log --case", {{}, "a filter: a case not in the log prints nothing"}},
    {"retro --account", {{}, "a filter: an account without cases has none"}},
    {"due --account", {{}, "an unknown account is a fallback case, by design"}},
    {"due --service", {{}, "a service outside services.in_scope is a fallback case, by design"}},
    {"ack --case", {{}, "serve judges it: an unknown case is refused with the case"}},
    {"ack --engineer", {{}, "serve judges it: an unknown engineer is refused with the case"}},
    {"pager --engineer", {{}, "serve judges it: it answers an unknown engineer with an error"}},
    {"pager --device", {{}, "any name: one engineer may have several devices"}},
    {"pager-gateway --device", {{}, "any name: one engineer may have several devices"}},
    {"serve --group", {{}, "any consumer group name"}},
};

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Wrong values read off a flag's help text and default.
std::vector<std::string> Derived(const Flag& flag, const Fixture& f) {
  std::string h = flag.help;
  // The choices of "text, json, csv (RFC 4180) or html (...)": the help without its asides.
  const std::string bare = std::regex_replace(h, std::regex(R"re( ?\([^)]*\))re"), "");
  std::string lower = h;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::vector<std::string> out;
  auto add = [&](std::initializer_list<std::string> values) {
    out.insert(out.end(), values.begin(), values.end());
  };
  if (cli::ParseInt(flag.default_value, INT64_MIN)) {
    add({"12x", "-1", "99999999999999999999"});
  }
  if (Contains(lower, "iso 8601")) add({"tomorrow", "2026-02-30T09:00:00Z"});
  static const std::regex kChoices(
      R"re(^(?:[a-z]+ ){0,2}[a-zA-Z:]+(?:, [a-zA-Z:]+)*,? or [a-zA-Z:]+)re");
  if (std::regex_search(bare, kChoices)) add({"bogus"});
  if (Contains(lower, "host:port,")) add({"localhost", "127.0.0.1:99999", "127.0.0.1:1,"});
  if (Contains(h, "tcp://")) {
    add({"udp://127.0.0.1:1", "tcp://127.0.0.1:port", "ipc://"});
  } else if (Contains(h, "HOST:PORT")) {
    add({"127.0.0.1:http", ":8080"});
  }
  if (Contains(h, "http://")) add({"ftp://example.com/hook", "example.com/hook"});
  if (flag.name == "topic" || flag.name.ends_with("-topic")) {
    add({"bad topic!", std::string(250, 't')});
  }
  // A path: a file or a directory, whichever the help names first; the configuration is read.
  const size_t file_at = lower.find("file"), dir_at = lower.find("directory");
  if (Contains(lower, "configuration")) {
    add({f.missing, f.a_dir});
  } else if (dir_at != std::string::npos && dir_at < file_at) {
    if (Contains(lower, "created if missing") || Contains(lower, "new or empty") ||
        Contains(lower, "to write")) {
      add({f.a_file, f.a_file + "/sub"});  // created if missing: a file is in the way
    } else {
      add({f.a_file, f.missing, f.a_dir});  // read: no event log there
    }
  } else if (file_at != std::string::npos) {
    if (Contains(lower, "write") || Contains(lower, "keeping") || Contains(lower, "exists")) {
      add({f.a_dir, f.missing + "/x"});  // written: a directory, or in a missing folder
    } else {
      add({f.missing, f.a_dir});  // read
    }
  }
  return out;
}

// `base` with --NAME and its value taken out.
std::vector<std::string> Without(std::vector<std::string> base, const Flag& flag) {
  for (size_t i = 0; i < base.size(); ++i) {
    if (base[i] == "--" + flag.name) {
      base.erase(base.begin() + i, base.begin() + i + (flag.takes_value ? 2 : 1));
      break;
    }
  }
  return base;
}

struct Tally {
  int wrong_values = 0;
  int value_flags = 0;
  int switches = 0;
};

// One run expected to be refused, naming `named`.
struct Refusal {
  std::string command;
  std::vector<std::string> args;  // after the command, {fresh} replaced
  std::string named;
  std::string fresh;  // the invocation's {fresh} path, or ""
  std::string context;
};

// Runs every refusal, four at a time (each is a short process; most of its time is start-up).
std::vector<CommandResult> RunAll(const std::vector<Refusal>& refusals) {
  std::vector<CommandResult> results(refusals.size());
  std::atomic<size_t> next{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      for (size_t i; (i = next++) < refusals.size();) {
        std::vector<std::string> args = refusals[i].args;
        args.insert(args.begin(), refusals[i].command);
        results[i] = Run(args);
      }
    });
  }
  for (std::thread& t : workers) t.join();
  return results;
}

// The refusal as it must be: exit 2 (not a signal), exactly one line on stderr, from the
// command, naming what is wrong; nothing on stdout, no crash report, and the invocation's
// {fresh} path still absent (nothing started).
void CheckRefused(const Refusal& refusal, const CommandResult& r) {
  std::string shown;
  for (const std::string& a : refusal.args) shown += " '" + a + "'";
  INFO(refusal.context << "\nescalator " << refusal.command << shown << "\nexit " << r.exit_code
                       << "\nstdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.exit_code == 2);
  const std::vector<std::string> lines = Lines(r.err);
  CHECK(lines.size() == 1);
  if (lines.empty()) return;
  CHECK(lines[0].starts_with("escalator " + refusal.command + ": "));
  CHECK(Contains(lines[0], refusal.named));
  CHECK(r.out.empty());
  for (const char* crash :
       {"terminate called", "Sanitizer", "Assertion", "Aborted", "core dumped"}) {
    CHECK_FALSE(Contains(r.err, crash));
  }
  if (!refusal.fresh.empty()) CHECK_FALSE(fs::exists(refusal.fresh));
}

}  // namespace

TEST_CASE("every flag of every command refuses a wrong value: exit 2, one line naming it",
          "[cli][bad-input]") {
  Fixture f;
  const std::map<std::string, std::vector<std::string>> bases = Bases(f);
  const std::vector<std::string> commands = Commands();
  REQUIRE(commands.size() == bases.size());  // and each has its base, below
  std::set<std::string> listed_seen;
  Tally tally;
  std::vector<Refusal> refusals;
  for (const std::string& command : commands) {
    INFO("command " << command);
    const auto base = bases.find(command);
    REQUIRE(base != bases.end());  // a new command needs its valid invocation in Bases
    if (kBasesThatSucceed.count(command)) {
      std::vector<std::string> args = base->second;
      for (std::string& a : args) {
        if (a == "{fresh}") a = f.Fresh();
      }
      args.insert(args.begin(), command);
      const CommandResult ok = Run(args);
      INFO("the valid invocation: " << ok.err);
      REQUIRE(ok.exit_code == 0);
    }
    auto refused = [&](std::vector<std::string> extra, const std::string& named,
                       const std::vector<std::string>& from, const std::string& context = "") {
      Refusal r{command, from, named, "", "command " + command + "; " + context};
      r.args.insert(r.args.end(), extra.begin(), extra.end());
      for (std::string& a : r.args) {
        if (a == "{fresh}") a = r.fresh = f.Fresh();
      }
      refusals.push_back(std::move(r));
    };
    refused({"--no-such-flag"}, "unknown flag --no-such-flag", base->second);
    refused({"--no-such-flag=1"}, "unknown flag --no-such-flag", base->second);
    refused({"stray-argument"}, "unexpected argument 'stray-argument'", base->second);

    for (const Flag& flag : FlagsOf(command)) {
      const std::string key = command + " --" + flag.name;
      INFO("flag --" << flag.name << ": " << flag.help);
      const std::vector<std::string> rest = Without(base->second, flag);
      if (!flag.takes_value) {
        ++tally.switches;
        refused({"--" + flag.name + "=yes"}, "flag --" + flag.name + " takes no value", rest,
                flag.help);
        continue;
      }
      ++tally.value_flags;
      refused({"--" + flag.name}, "flag --" + flag.name + " needs a value", rest, flag.help);
      if (!Contains(flag.help, "'' for none")) {
        refused({"--" + flag.name + "="}, "flag --" + flag.name + " has an empty value", rest,
                flag.help);
      }
      std::vector<std::string> wrong = Derived(flag, f);
      const auto listed = kListed.find(key);
      if (listed != kListed.end()) {
        listed_seen.insert(key);
        wrong.insert(wrong.end(), listed->second.wrong.begin(), listed->second.wrong.end());
      } else if (wrong.empty()) {
        FAIL_CHECK("no wrong value for " << key << " (help: " << flag.help
                                   << "): teach Derived its kind, or list it in kListed");
      }
      for (const std::string& value : wrong) {
        ++tally.wrong_values;
        refused({"--" + flag.name + "=" + value}, "--" + flag.name, rest,
                "wrong value for --" + flag.name + " (" + flag.help + ")");
      }
    }
  }
  // A listed flag that no command has any more is a stale entry.
  for (const auto& [key, listed] : kListed) {
    INFO("kListed names " << key << ", which no command's --help shows");
    CHECK(listed_seen.count(key) == 1);
  }
  const std::vector<CommandResult> results = RunAll(refusals);
  for (size_t i = 0; i < refusals.size(); ++i) CheckRefused(refusals[i], results[i]);
  WARN(commands.size() << " commands, " << tally.value_flags << " flags with a value, "
                       << tally.switches << " switches, " << tally.wrong_values << " wrong values; "
                       << refusals.size() << " refused runs");
}

TEST_CASE("an unknown command, or none, is a usage error with the list of commands",
          "[cli][bad-input]") {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{}, std::vector<std::string>{"no-such-command"},
        std::vector<std::string>{"--no-such-flag"}}) {
    const CommandResult r = Run(args);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(Contains(r.err, "usage: escalator <command>"));
    if (!args.empty()) CHECK(Contains(r.err, "unknown command '" + args[0] + "'"));
  }
}
