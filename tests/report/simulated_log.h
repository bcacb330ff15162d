// The scenario helpers of the report command tests: logs written by `escalator simulate` from
// feed files (tests/scenarios/data, tests/report/data), read back through the escalator binary.
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.h"
#include "engine/layouts.h"
#include "engine/report_rollups.h"
#include "router/codec.h"
#include "store/event_log.h"
#include "tests/test_support.h"

namespace report_testing {

using nlohmann::json;
using testing_support::EscalatorBin;
using testing_support::RunCommand;
using testing_support::SourceDir;
using testing_support::TempDir;

inline std::string Config() { return (SourceDir() / "tests/scenarios/data/config.yaml").string(); }
inline std::string ScenarioFile(const std::string& name) {
  return (SourceDir() / "tests/scenarios/data" / name).string();
}
inline std::string ReportFile(const std::string& name) {
  return (SourceDir() / "tests/report/data" / name).string();
}

inline std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

// A log written by `escalator simulate` from feed files, merged in time order.
class SimulatedLog {
 public:
  explicit SimulatedLog(const std::vector<std::string>& feeds) {
    std::vector<std::pair<std::string, std::string>> lines;  // (instant, line)
    for (const auto& feed : feeds) {
      for (auto& line : Lines(testing_support::ReadFile(feed))) {
        const json j = json::parse(line);
        lines.emplace_back(j.contains("time") ? j["time"] : j["at"], std::move(line));
      }
    }
    std::stable_sort(lines.begin(), lines.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string input;
    for (const auto& [at, line] : lines) input += line + "\n";
    const auto input_path = dir_.path() / "input.jsonl";
    testing_support::WriteFile(input_path, input);
    auto sim = RunCommand({EscalatorBin(), "simulate", "--config", Config(), "--input",
                           input_path.string(), "--data", data(), "--quiet"});
    INFO("simulate stderr: " << sim.err);
    REQUIRE(sim.exit_code == 0);
  }

  std::string data() const { return (dir_.path() / "data").string(); }

  // The log as `escalator log --format json` prints it.
  std::vector<json> Events() const {
    auto log = RunCommand({EscalatorBin(), "log", "--data", data(), "--format", "json"});
    REQUIRE(log.exit_code == 0);
    std::vector<json> out;
    for (const auto& line : Lines(log.out)) out.push_back(json::parse(line));
    return out;
  }

  // Appends events as the pager's hub logs receipts: one batch, indexed by case; and, as
  // nothing kept the rollups meanwhile, rebuilds them (`escalator report --rebuild`), so the
  // report reads them again.
  void Append(const std::vector<router::Event>& events) const {
    {
      auto log = store::EventLog::Open(data());
      REQUIRE(log.ok());
      store::Batch batch;
      for (const auto& e : events) {
        batch.events.push_back({router::EncodeEvent(e), router::CaseKey(router::CaseIdOf(e))});
      }
      REQUIRE((*log)->Append(batch).ok());
    }
    // The rollups no longer cover the log: the report says so and folds every event.
    auto stale = Report({"--from", "2026-11-01T00:00:00Z", "--to", "2026-11-02T00:00:00Z"});
    CHECK(stale.exit_code == 0);
    CHECK(stale.err.find("the rollups do not cover this log") != std::string::npos);
    auto rebuilt = Report({"--rebuild", "--config", Config()});
    INFO("rebuild stderr: " << rebuilt.err);
    REQUIRE(rebuilt.exit_code == 0);
    CHECK(rebuilt.out.empty());
  }

  // The stored rollups compared with a fold of the whole log.
  router::RollupCheck CheckRollups() const {
    auto log = store::EventLog::Open(data());
    REQUIRE(log.ok());
    auto loaded = config::LoadConfigFile(Config());
    REQUIRE(loaded.errors.empty());
    auto check = router::RebuildReportRollups(**log, loaded.config, /*repair=*/false);
    REQUIRE(check.ok());
    return *check;
  }

  testing_support::CommandResult Report(const std::vector<std::string>& args) const {
    std::vector<std::string> argv{EscalatorBin(), "report", "--data", data()};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  }

  // The report as JSON over [from, to), with the scenario configuration (and `extra` flags).
  json ReportJson(const std::string& from, const std::string& to, const std::string& by = "level",
                  bool with_config = true, const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> args{"--from", from, "--to", to, "--by", by, "--format", "json"};
    if (with_config) args.insert(args.end(), {"--config", Config()});
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = Report(args);
    INFO("report stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out);
  }

 private:
  TempDir dir_;
};

}  // namespace report_testing
