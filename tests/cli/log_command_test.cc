// Proves `escalator log` prints the audit trail of a real log (the shared
// sample feed applied through the engine) as JSON lines or text, filters by
// case, and refuses a missing data directory with exit 2 without creating it.
#include <catch2/catch.hpp>
#include <deque>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/node.h"
#include "feed/feed_parser.h"
#include "tests/router/samples.h"
#include "tests/test_support.h"

namespace {

using namespace router;
using testing_support::EscalatorBin;
using testing_support::RunCommand;
using testing_support::TempDir;

const std::string kCase1 = "case-111122223333-muen-2026-a1b2c3d4e5f60001";

// Applies the shared sample feed, then an ack and a refused input, through the node
// (as serve does: late inputs are applied, not refused).
void WriteSampleLog(const TempDir& dir) {
  auto log = store::EventLog::Open(dir.str());
  REQUIRE(log.ok());
  auto node = Node::Open(**log, router_testing::SmallConfig());
  REQUIRE(node.ok());
  FeedParser parser;
  std::istringstream lines(
      testing_support::ReadFile(testing_support::SharedDir() / "samples/case-events.jsonl"));
  std::deque<FeedEvent> events;
  std::vector<IngestItem> items;
  std::string line;
  int64_t offset = 0;
  while (std::getline(lines, line)) {
    auto parsed = parser.Parse(line);
    REQUIRE(std::holds_alternative<FeedEvent>(parsed));
    IngestItem item;
    item.topic = "support.cases";
    item.offset = offset++;
    item.event = &events.emplace_back(std::get<FeedEvent>(parsed));
    items.push_back(item);
  }
  const Acknowledge acks[] = {{"case-444455556666-muen-2026-a1b2c3d4e5f60002", "alice",
                               router_testing::T("2026-11-24T14:20:00Z")},
                              {"case-never", "alice", router_testing::T("2026-11-24T14:21:00Z")}};
  for (const auto& ack : acks) {
    IngestItem item;
    item.topic = "escalator.commands";
    item.offset = offset++;
    item.ack = &ack;
    items.push_back(item);
  }
  for (const auto& item : items)
    REQUIRE((*node)->Apply({item}, item.event ? item.event->at : item.ack->at).ok());
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
  // No timer fires here (no Tick): only what is due at each input's instant,
  // and case 1's step 1 (14:07:11), due before its AWS response at 14:09:02.
  CHECK(types == std::vector<std::string>{"case_opened",
                                          "routed",
                                          "escalated",
                                          "paged",
                                          "paged",
                                          "paged",
                                          "case_opened",
                                          "routed",
                                          "escalated",
                                          "paged",
                                          "escalated",
                                          "paged",
                                          "communication_added",
                                          "responded",
                                          "case_opened",
                                          "routed",
                                          "escalated",
                                          "paged",
                                          "case_resolved",
                                          "acknowledged",
                                          "responded",
                                          "input_rejected"});
  for (size_t i = 0; i < lines.size(); ++i) CHECK(lines[i]["seq"] == i + 1);
  CHECK(lines[0]["case"] == kCase1);
  CHECK(lines[0]["at"] == "2026-11-24T14:02:11Z");
  CHECK(lines[0]["level"] == 1);
  CHECK(lines[0]["severity_code"] == "critical");
  CHECK(lines[0]["service"] == "medialive");
  // routed carries level, coverage, due and the ranked candidates.
  CHECK(lines[1]["level"] == 1);
  CHECK(lines[1]["coverage"] == "always");
  CHECK(lines[1]["due"] == "2026-11-24T14:17:11Z");
  CHECK(lines[1]["candidates"].is_array());
  CHECK_FALSE(lines[1]["candidates"].empty());
  // paged carries engineer, step, target and reason.
  CHECK(lines[3]["engineer"] == "alice");
  CHECK(lines[3]["step"] == 0);
  CHECK(lines[3]["target"] == "designated_eae");
  CHECK_THAT(lines[3]["reason"].get<std::string>(), Catch::Contains("designated EAE"));
  CHECK(lines[12]["origin"] == "AWS");
  CHECK(lines[13]["how"] == "aws_communication");
  CHECK(lines[21]["reason"] == "acknowledgement for a case never opened");
}

TEST_CASE("escalator log --case shows one case; --format text reads as one line per event") {
  TempDir dir;
  WriteSampleLog(dir);
  auto r = RunCommand({EscalatorBin(), "log", "--data", dir.str(), "--case", kCase1});
  REQUIRE(r.exit_code == 0);
  auto lines = JsonLines(r.out);
  REQUIRE(lines.size() == 11);
  for (const auto& j : lines) CHECK(j["case"] == kCase1);
  CHECK(lines[10]["type"] == "case_resolved");
  CHECK(lines[10]["seq"] == 19);

  auto text = RunCommand({EscalatorBin(), "log", "--data", dir.str(), "--format", "text"});
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::StartsWith("#1 2026-11-24T14:02:11Z case_opened " + kCase1));
  CHECK(std::count(text.out.begin(), text.out.end(), '\n') == 22);

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
