// Proves `escalator log` prints the audit trail of a real log (the shared
// sample feed applied through the engine) as JSON lines or text, filters by
// case, and refuses a missing data directory with exit 2 without creating it.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "router/engine.h"
#include "router/feed_parser.h"
#include "tests/router/samples.h"
#include "tests/test_support.h"

namespace {

using namespace router;
using testing_support::EscalatorBin;
using testing_support::RunCommand;
using testing_support::TempDir;

const std::string kCase1 = "case-111122223333-muen-2026-a1b2c3d4e5f60001";

// Applies the shared sample feed, then an ack and a refused input.
void WriteSampleLog(const TempDir& dir) {
  auto log = store::EventLog::Open(dir.str());
  REQUIRE(log.ok());
  Engine engine(**log, router_testing::SmallConfig());
  FeedParser parser;
  std::istringstream lines(
      testing_support::ReadFile(testing_support::SharedDir() / "samples/case-events.jsonl"));
  std::string line;
  int64_t offset = 0;
  while (std::getline(lines, line)) {
    auto parsed = parser.Parse(line);
    REQUIRE(std::holds_alternative<FeedEvent>(parsed));
    const FeedEvent& fe = std::get<FeedEvent>(parsed);
    REQUIRE(engine.Apply(fe, SourceOffset{"support.cases", 0, offset++}, fe.at).ok());
  }
  REQUIRE(engine
              .Apply(Acknowledge{"case-444455556666-muen-2026-a1b2c3d4e5f60002", "alice",
                                 router_testing::T("2026-11-24T14:20:00Z")},
                     std::nullopt, router_testing::T("2026-11-24T14:20:00Z"))
              .ok());
  REQUIRE(engine
              .Apply(Acknowledge{"case-never", "alice", router_testing::T("2026-11-24T14:21:00Z")},
                     std::nullopt, router_testing::T("2026-11-24T14:21:00Z"))
              .ok());
}

std::vector<nlohmann::json> JsonLines(const std::string& out) {
  std::vector<nlohmann::json> v;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) v.push_back(nlohmann::json::parse(line));
  return v;
}

}  // namespace

TEST_CASE("escalator log prints every event as one JSON object per line") {
  TempDir dir;
  WriteSampleLog(dir);
  auto r = RunCommand({EscalatorBin(), "log", "--data", dir.str()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto lines = JsonLines(r.out);
  std::vector<std::string> types;
  for (const auto& j : lines) types.push_back(j["type"]);
  CHECK(types == std::vector<std::string>{"case_opened", "case_opened", "communication_added",
                                          "responded", "case_opened", "case_resolved",
                                          "acknowledged", "responded", "input_rejected"});
  for (size_t i = 0; i < lines.size(); ++i) CHECK(lines[i]["seq"] == i + 1);
  CHECK(lines[0]["case"] == kCase1);
  CHECK(lines[0]["at"] == "2026-11-24T14:02:11Z");
  CHECK(lines[0]["level"] == 1);
  CHECK(lines[0]["severity_code"] == "critical");
  CHECK(lines[0]["service"] == "medialive");
  CHECK(lines[2]["origin"] == "AWS");
  CHECK(lines[3]["how"] == "aws_communication");
  CHECK(lines[8]["reason"] == "acknowledgement for a case never opened");
}

TEST_CASE("escalator log --case shows one case; --format text reads as one line per event") {
  TempDir dir;
  WriteSampleLog(dir);
  auto r = RunCommand({EscalatorBin(), "log", "--data", dir.str(), "--case", kCase1});
  REQUIRE(r.exit_code == 0);
  auto lines = JsonLines(r.out);
  REQUIRE(lines.size() == 4);
  for (const auto& j : lines) CHECK(j["case"] == kCase1);
  CHECK(lines[3]["type"] == "case_resolved");
  CHECK(lines[3]["seq"] == 6);

  auto text = RunCommand({EscalatorBin(), "log", "--data", dir.str(), "--format", "text"});
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::StartsWith("#1 2026-11-24T14:02:11Z case_opened " + kCase1));
  CHECK(std::count(text.out.begin(), text.out.end(), '\n') == 9);

  auto none = RunCommand({EscalatorBin(), "log", "--data", dir.str(), "--case", "case-nope"});
  CHECK(none.exit_code == 0);
  CHECK(none.out.empty());
}

TEST_CASE("escalator log refuses a missing data directory and bad flags with exit 2") {
  TempDir dir;
  auto missing = dir.path() / "nowhere";
  auto r = RunCommand({EscalatorBin(), "log", "--data", missing.string()});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("cannot open the event log"));
  CHECK_THAT(r.err, Catch::Contains(missing.string()));
  CHECK_FALSE(std::filesystem::exists(missing));
  CHECK(RunCommand({EscalatorBin(), "log", "--data", dir.str(), "--format", "xml"}).exit_code == 2);
  CHECK(RunCommand({EscalatorBin(), "log"}).exit_code == 2);
}
