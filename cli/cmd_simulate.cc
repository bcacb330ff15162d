// escalator simulate --config F --input FILE --data DIR [--until T] [--format text|json]:
// the whole pipeline on a simulated clock (engine/simulation.h), as fast as the
// machine goes, then a summary. Progress on long runs goes to stderr.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "config/config.h"
#include "engine/simulation.h"
#include "store/event_log.h"

namespace cli {

namespace {

constexpr const char* kCommand = "simulate";

std::string Instant(const std::optional<base::Timestamp>& t) {
  return t ? base::FormatInstant(*t) : "";
}

void PrintText(const router::SimulationSummary& s, double seconds) {
  std::printf(
      "inputs:        %llu lines (%llu feed events, %llu acks, %llu duplicates, %llu not reached)\n"
      "timers fired:  %llu (%llu still pending, %llu stalled)\n"
      "events:        %llu\n"
      "pages:         %llu\n"
      "escalations:   %llu\n"
      "warnings:      %llu\n"
      "breaches:      %llu\n"
      "responses:     %llu\n"
      "dead letters:  %llu (%llu out of time order)\n"
      "simulated:     %s .. %s (clock at end %s)\n"
      "wall time:     %.3f s (%.0f events/s)\n",
      static_cast<unsigned long long>(s.lines), static_cast<unsigned long long>(s.feed_events),
      static_cast<unsigned long long>(s.acks), static_cast<unsigned long long>(s.duplicates),
      static_cast<unsigned long long>(s.not_reached), static_cast<unsigned long long>(s.ticks),
      static_cast<unsigned long long>(s.pending_timers),
      static_cast<unsigned long long>(s.stalled_timers), static_cast<unsigned long long>(s.events),
      static_cast<unsigned long long>(s.pages), static_cast<unsigned long long>(s.escalations),
      static_cast<unsigned long long>(s.warnings), static_cast<unsigned long long>(s.breaches),
      static_cast<unsigned long long>(s.responses), static_cast<unsigned long long>(s.dead_letters),
      static_cast<unsigned long long>(s.out_of_order), Instant(s.first_input).c_str(),
      Instant(s.last_input).c_str(), Instant(s.clock).c_str(), seconds,
      seconds > 0 ? static_cast<double>(s.events) / seconds : 0.0);
}

void PrintJson(const router::SimulationSummary& s, double seconds) {
  nlohmann::ordered_json j;
  j["lines"] = s.lines;
  j["feed_events"] = s.feed_events;
  j["acks"] = s.acks;
  j["duplicates"] = s.duplicates;
  j["not_reached"] = s.not_reached;
  j["ticks"] = s.ticks;
  j["pending_timers"] = s.pending_timers;
  j["stalled_timers"] = s.stalled_timers;
  j["events"] = s.events;
  j["pages"] = s.pages;
  j["escalations"] = s.escalations;
  j["warnings"] = s.warnings;
  j["breaches"] = s.breaches;
  j["responses"] = s.responses;
  j["dead_letters"] = s.dead_letters;
  j["out_of_order"] = s.out_of_order;
  j["rejections"] = s.rejections;
  j["first_input"] = Instant(s.first_input);
  j["last_input"] = Instant(s.last_input);
  j["clock"] = Instant(s.clock);
  j["wall_seconds"] = seconds;
  std::printf("%s\n", j.dump().c_str());
}

}  // namespace

int RunSimulate(int argc, char** argv) {
  auto parsed = ParseFlags(
      kCommand,
      "Runs the whole pipeline on a simulated clock driven by the input's timestamps:\n"
      "feed messages and {\"type\":\"ack\",\"case\":..,\"engineer\":..,\"at\":..} lines, in time\n"
      "order. Every timer due before an input fires first, at its own instant. Lines\n"
      "out of time order or malformed become dead letters. Ends at --until, else when\n"
      "no timer is left or 30 days after the last input. The data directory must hold\n"
      "no events: the same input and config always give a byte-identical log.",
      {{"config", true, true, "configuration file (YAML)", ""},
       {"input", true, true, "JSON-lines input file ('-' reads stdin)", ""},
       {"data", true, true, "data directory for the event log (new or empty)", ""},
       {"until", true, false, "end of the simulation (ISO 8601 instant)", ""},
       {"format", true, false, "summary as text or json", "text"},
       {"quiet", false, false, "no progress on stderr", ""}},
      argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const Flags& f = parsed.flags;
  int exit = kExitOk;
  const std::optional<bool> json_format = JsonFormatFlag(kCommand, f, exit);
  if (!json_format) return exit;
  const bool json = *json_format;
  router::SimulationOptions options;
  if (auto until = f.Get("until")) {
    options.until = base::ParseInstant(*until);
    if (!options.until) {
      return UsageError(kCommand, "--until: not an ISO 8601 instant with offset: '" + *until + "'");
    }
  }

  auto config = LoadConfigOrReport(kCommand, f);
  if (!config) return kExitUsage;

  const std::string input_path = *f.Get("input");
  std::ifstream file;
  std::istream* input = &std::cin;
  if (input_path != "-") {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(input_path, ec)) {
      return UsageError(kCommand, "--input '" + input_path + "' is not a file");
    }
    file.open(input_path, std::ios::binary);
    if (!file) return UsageError(kCommand, "--input: cannot read '" + input_path + "'");
    input = &file;
  }

  if (!PathFlag(kCommand, f, "data", PathKind::kDirectory)) return kExitUsage;
  store::Options store_options;
  // A simulation is rerun from its input, not recovered: no fsync per input.
  store_options.sync = false;
  store_options.check = store::OpenCheck::kBounds;
  const std::string dir = *f.Get("data");
  auto log = store::EventLog::Open(dir, store_options);
  if (!log.ok()) {
    std::cerr << "escalator simulate: cannot open the log in '" << dir
              << "': " << log.status().ToString() << "\n";
    return kExitFailure;
  }
  if ((*log)->next_seq() != 1) {
    return UsageError(kCommand, "--data '" + dir + "' already holds " +
                                    std::to_string((*log)->next_seq() - 1) +
                                    " events: a simulation starts from an empty log");
  }

  const auto start = std::chrono::steady_clock::now();
  auto seconds_since_start = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  if (!f.Has("quiet")) {
    options.progress = [&](const router::SimulationProgress& p) {
      double s = seconds_since_start();
      std::fprintf(stderr,
                   "simulate: %llu lines, %llu timers fired, %llu events, clock %s, %.1f s "
                   "(%.0f events/s)\n",
                   static_cast<unsigned long long>(p.lines),
                   static_cast<unsigned long long>(p.ticks),
                   static_cast<unsigned long long>(p.events), base::FormatInstant(p.clock).c_str(),
                   s, s > 0 ? static_cast<double>(p.events) / s : 0.0);
    };
  }

  auto summary = router::Simulate(**log, config, *input, options);
  if (!summary.ok()) {
    std::cerr << "escalator simulate: " << summary.status().ToString() << "\n";
    return summary.status().code() == base::Code::kInvalidInput ? kExitUsage : kExitFailure;
  }
  if (input_path != "-" && file.bad()) {
    std::cerr << "escalator simulate: error reading '" << input_path << "'\n";
    return kExitFailure;
  }
  double seconds = seconds_since_start();
  if (json) {
    PrintJson(*summary, seconds);
  } else {
    PrintText(*summary, seconds);
  }
  return kExitOk;
}

}  // namespace cli
