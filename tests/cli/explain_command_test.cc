// Proves `escalator explain` tells one case's story from a real log (the sample
// feed applied through the engine, timers fired): routing with its reasons, each
// page with target, layer and familiar scores, escalations, warning, breach;
// a missing case exits 2 naming it; --format json carries the same events.
#include <catch2/catch.hpp>
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

const std::string kContoso = "case-444455556666-muen-2026-a1b2c3d4e5f60002";

// The sample feed, then every timer up to the next day fired in time order, through the
// node as simulate drives it.
void WriteLog(const TempDir& dir) {
  auto log = store::EventLog::Open(dir.str());
  REQUIRE(log.ok());
  auto node = Node::Open(**log, router_testing::SmallConfig());
  REQUIRE(node.ok());
  (*node)->ReportSources({{"support.cases", 0, false}}, Timestamp{});
  FeedParser parser;
  std::istringstream lines(
      testing_support::ReadFile(testing_support::SharedDir() / "samples/case-events.jsonl"));
  std::string line;
  int64_t offset = 0;
  while (std::getline(lines, line)) {
    auto parsed = parser.Parse(line);
    REQUIRE(std::holds_alternative<FeedEvent>(parsed));
    IngestItem item;
    item.topic = "support.cases";
    item.offset = offset++;
    item.event = &std::get<FeedEvent>(parsed);
    REQUIRE((*node)->Apply({item}, Timestamp{}).ok());
  }
  const Timestamp end = router_testing::T("2026-11-25T12:00:00Z");
  (*node)->ReportSources({{"support.cases", 0, true}}, end);
  REQUIRE((*node)->FireDue(end).ok());
}

}  // namespace

TEST_CASE("escalator explain tells why each page went to whom, when") {
  TempDir dir;
  WriteLog(dir);
  auto r = RunCommand({EscalatorBin(), "explain", "--data", dir.str(), "--case", kContoso});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string& s = r.out;
  // Routing: a launch plan counts the 4h target on the customer's calendar.
  CHECK_THAT(s, Catch::Contains("ROUTED  level 3, plan launch, coverage uk-business"));
  CHECK_THAT(s, Catch::Contains("clock: 4h counted on uk-business, due 2026-11-25T10:05:40Z"));
  // Step 0 at the opening: the primary on call, from the london layer.
  CHECK_THAT(s, Catch::Contains("2026-11-24T14:05:40Z  PAGED   erin via "
                                "schedule/video-sme-primary (layer london) [step]"));
  // 16:00 London: the new-york layer takes over within the step: a handoff page.
  CHECK_THAT(s, Catch::Contains("2026-11-24T16:00:00Z  PAGED   alice via "
                                "schedule/video-sme-primary (layer new-york) [handoff]"));
  // Step 1 at +2h: the EAE inside business hours, and familiar with its ranking.
  CHECK_THAT(s, Catch::Contains("2026-11-24T16:05:40Z  PAGED   chen via designated_eae"));
  CHECK_THAT(s, Catch::Contains("2026-11-24T16:05:40Z  PAGED   alice via familiar"));
  CHECK_THAT(s, Catch::Contains("1. alice  score 4.00"));
  CHECK_THAT(s, Catch::Contains("escalation exhausted"));
  // Overnight the clock stops: 75% of 4h is reached the next morning.
  CHECK_THAT(s, Catch::Contains("2026-11-25T09:05:40Z  WARNING"));
  CHECK_THAT(s, Catch::Contains("2026-11-25T10:05:40Z  BREACHED"));

  auto j = RunCommand(
      {EscalatorBin(), "explain", "--data", dir.str(), "--case", kContoso, "--format", "json"});
  REQUIRE(j.exit_code == 0);
  auto doc = nlohmann::json::parse(j.out);
  CHECK(doc["case"] == kContoso);
  REQUIRE(doc["story"].size() > 5);
  CHECK(doc["story"][0]["event"]["type"] == "case_opened");
  CHECK(doc["story"][1]["event"]["type"] == "routed");
  CHECK(doc["story"][1]["event"]["candidates"][0]["engineer"] == "erin");
}

TEST_CASE("escalator explain: a missing case or data directory exits 2 naming it") {
  TempDir dir;
  WriteLog(dir);
  auto r = RunCommand({EscalatorBin(), "explain", "--data", dir.str(), "--case", "case-nope"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("no case 'case-nope'"));
  auto missing = RunCommand(
      {EscalatorBin(), "explain", "--data", (dir.path() / "nowhere").string(), "--case", kContoso});
  CHECK(missing.exit_code == 2);
  CHECK(RunCommand({EscalatorBin(), "explain", "--data", dir.str()}).exit_code == 2);
  CHECK(RunCommand(
            {EscalatorBin(), "explain", "--data", dir.str(), "--case", kContoso, "--format", "xml"})
            .exit_code == 2);
}
