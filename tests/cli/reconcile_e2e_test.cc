// Proves reconciliation end to end: a real serve on the embedded broker reads a snapshot that
// kcat produces on --snapshot-topic, opens (and pages) a case whose CreateCase the feed lost,
// changes a severity, resolves a case, dead-letters a bad case alone, and the same snapshot
// again changes nothing; explain says the case came from reconciliation.
#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/time.h"
#include "tests/cli/serve_fixture.h"
#include "tests/feed/child_process.h"
#include "tests/feed/dev_broker.h"
#include "tests/test_support.h"

namespace {

using namespace serve_fixture;
using ingest_test::Broker;
using ingest_test::ChildProcess;
using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using testing_support::TempDir;

constexpr char kSnapshotTopic[] = "support.snapshots";

json CaseDetails(const std::string& case_id, const std::string& status, const std::string& severity,
                 base::Timestamp created) {
  return {{"caseId", case_id},
          {"displayId", "88"},
          {"subject", "pipeline down"},
          {"status", status},
          {"serviceCode", "medialive"},
          {"categoryCode", "other"},
          {"severityCode", severity},
          {"submittedBy", "ops@northwind.example"},
          {"timeCreated", base::FormatInstant(created)},
          {"language", "en"}};
}

// Produces one snapshot with kcat (an independent client), keyed by its account.
void ProduceSnapshot(const Broker& broker, const std::string& snapshot) {
  auto r = ingest_test::RunWithInput(
      {"/usr/bin/kcat", "-P", "-b", broker.bootstrap, "-t", kSnapshotTopic, "-K", "\t"},
      std::string(kAccount) + "\t" + snapshot + "\n", 60);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

// The dead letters serve has kept (read while it runs), as JSON objects.
std::vector<json> DeadLetters(const std::string& data) {
  auto r = ingest_test::Run({Bin(), "dead-letters", "--data", data, "--format", "json"});
  std::vector<json> out;
  if (r.exit_code != 0) return out;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(json::parse(line));
  }
  return out;
}

std::vector<json> WaitForDeadLetters(const std::string& data, size_t n) {
  const auto deadline = std::chrono::steady_clock::now() + seconds(30);
  std::vector<json> found;
  while (std::chrono::steady_clock::now() < deadline) {
    found = DeadLetters(data);
    if (found.size() >= n) break;
    std::this_thread::sleep_for(milliseconds(100));
  }
  return found;
}

size_t Count(const std::vector<json>& log, const std::string& type) {
  return OfType(log, type).size();
}

}  // namespace

TEST_CASE(
    "serve reconciles a snapshot: opens and pages a missed case, changes severity, "
    "resolves; the same snapshot again changes nothing") {
  TempDir dir;
  const std::string d = dir.str();
  Broker broker(2, d + "/broker.err");
  REQUIRE_THAT(broker.Control(std::string("topic ") + kSnapshotTopic + " 2"),
               Catch::StartsWith("ok"));
  const std::string config = WriteConfig(dir, 3, 10);
  const std::string data = d + "/data";
  const std::string endpoint = "ipc://" + d + "/pager.sock";
  auto args = ServeArgs(broker, config, data);
  args.insert(args.end(), {"--pager-endpoint", endpoint, "--snapshot-topic", kSnapshotTopic});
  ChildProcess serve(args, d + "/serve.err");
  INFO(testing_support::ReadFile(d + "/serve.err"));
  ChildProcess alice({Bin(), "pager", "--endpoint", endpoint, "--engineer", "alice", "--format",
                      "json", "--count", "10", "--timeout", "90"},
                     d + "/alice.err");
  REQUIRE(WaitForText(d + "/alice.err", "connected", seconds(20)));
  REQUIRE(WaitForText(d + "/serve.err", "assigned", seconds(30)));

  // The feed delivers two cases; the CreateCase of a third (created 20 minutes ago) is lost.
  const base::Timestamp fed_at = Now() - seconds(30);
  const std::string changed = "case-111122223333-rec-changed";
  const std::string resolved = "case-111122223333-rec-resolved";
  const std::string missed = "case-111122223333-rec-missed";
  Publish(broker, dir, CreateCase(changed, fed_at));
  Publish(broker, dir, CreateCase(resolved, fed_at));
  REQUIRE(WaitForEvents(data, changed, "case_opened", 1).size() == 1);
  REQUIRE(WaitForEvents(data, resolved, "case_opened", 1).size() == 1);

  const base::Timestamp taken_at = Now() - seconds(1);
  const base::Timestamp created = taken_at - minutes(20);
  json snapshot = {{"account", kAccount},
                   {"taken_at", base::FormatInstant(taken_at)},
                   {"cases",
                    {CaseDetails(missed, "opened", "critical", created),
                     CaseDetails(changed, "work-in-progress", "urgent", fed_at),
                     CaseDetails(resolved, "resolved", "critical", fed_at),
                     CaseDetails("case-111122223333-rec-bad", "pondering", "critical", fed_at)}}};
  const std::string bytes = snapshot.dump();
  ProduceSnapshot(broker, bytes);

  // The missed case is opened from its timeCreated, already breached (due 15 minutes after it),
  // and alice (step 0) is paged at the snapshot, on her device.
  auto opened = WaitForEvents(data, missed, "case_opened", 1);
  REQUIRE(opened.size() == 1);
  CHECK(opened[0].at("at") == base::FormatInstant(created));
  CHECK(opened[0].at("origin") == "reconciliation");
  CHECK(opened[0].at("snapshot_taken_at") == base::FormatInstant(taken_at));
  std::optional<json> page;
  for (int i = 0; i < 10 && !page; ++i) {
    auto line = alice.ReadLine(seconds(30));
    REQUIRE(line);
    auto p = json::parse(*line);
    if (p.at("case") == missed) page = p;
  }
  REQUIRE(page);
  CHECK(page->at("step") == 0);
  auto missed_log = LogOf(data, missed);
  INFO(Dump(missed_log));
  REQUIRE(Count(missed_log, "breached") == 1);
  CHECK(OfType(missed_log, "breached")[0].at("at") == base::FormatInstant(created + minutes(15)));
  for (const auto& p : OfType(missed_log, "paged")) {
    CHECK(*base::ParseInstant(p.at("at").get<std::string>()) >= taken_at);
  }

  // The severity change and the resolution, each marked as reconciliation.
  auto severity = WaitForEvents(data, changed, "severity_changed", 1);
  REQUIRE(severity.size() == 1);
  CHECK(severity[0].at("to_code") == "urgent");
  CHECK(severity[0].at("origin") == "reconciliation");
  auto resolution = WaitForEvents(data, resolved, "case_resolved", 1);
  REQUIRE(resolution.size() == 1);
  CHECK(resolution[0].at("origin") == "reconciliation");
  CHECK(resolution[0].at("at") == base::FormatInstant(taken_at));

  // The bad case is one dead letter naming its field; the other cases applied.
  auto letters = WaitForDeadLetters(data, 1);
  REQUIRE(letters.size() == 1);
  const std::string reason = letters[0].at("reason");
  CHECK_THAT(reason, Catch::Contains("unknown status 'pondering' in cases[3].status"));
  CHECK_THAT(reason, Catch::Contains("1 of 4 case(s) refused"));

  // The same snapshot again: a second dead letter (its bad case) shows serve has applied it,
  // and no fact of the three cases was added.
  auto facts = [&](const std::string& case_id) {
    auto log = LogOf(data, case_id);
    return std::vector<size_t>{Count(log, "case_opened"), Count(log, "severity_changed"),
                               Count(log, "case_resolved"), Count(log, "case_reopened"),
                               Count(log, "routed")};
  };
  const auto missed_before = facts(missed), changed_before = facts(changed),
             resolved_before = facts(resolved);
  ProduceSnapshot(broker, bytes);
  REQUIRE(WaitForDeadLetters(data, 2).size() == 2);
  CHECK(facts(missed) == missed_before);
  CHECK(facts(changed) == changed_before);
  CHECK(facts(resolved) == resolved_before);
  CHECK(missed_before == std::vector<size_t>{1, 0, 0, 0, 1});
  CHECK(changed_before == std::vector<size_t>{1, 1, 0, 0, 2});
  CHECK(resolved_before == std::vector<size_t>{1, 0, 1, 0, 1});

  // explain says where the case came from.
  auto explained = ingest_test::Run({Bin(), "explain", "--data", data, "--case", missed});
  INFO(explained.out << explained.err);
  REQUIRE(explained.exit_code == 0);
  CHECK_THAT(explained.out, Catch::Contains("from reconciliation"));
  CHECK_THAT(explained.out, Catch::Contains("20 min after it was created"));
  auto explained_resolved =
      ingest_test::Run({Bin(), "explain", "--data", data, "--case", resolved});
  CHECK_THAT(explained_resolved.out, Catch::Contains("told this resolution"));

  StopServe(serve, d + "/serve.err");
}

TEST_CASE("serve refuses a --snapshot-topic that is also the feed or the commands topic") {
  TempDir dir;
  const std::string config = WriteConfig(dir);
  for (const char* topic : {"support.cases", "escalator.commands"}) {
    auto r = ingest_test::Run({Bin(), "serve", "--config", config, "--data", dir.str() + "/data",
                               "--brokers", "127.0.0.1:1", "--snapshot-topic", topic});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("--snapshot-topic"));
  }
}

TEST_CASE("a malformed snapshot on the topic is a dead letter naming the field") {
  TempDir dir;
  const std::string d = dir.str();
  Broker broker(1, d + "/broker.err");
  REQUIRE_THAT(broker.Control(std::string("topic ") + kSnapshotTopic + " 1"),
               Catch::StartsWith("ok"));
  const std::string config = WriteConfig(dir);
  const std::string data = d + "/data";
  auto args = ServeArgs(broker, config, data);
  args.insert(args.end(), {"--snapshot-topic", kSnapshotTopic, "--exit-when-caught-up"});
  ProduceSnapshot(broker, R"({"taken_at":"2026-11-24T15:00:00Z","cases":[]})");
  ProduceSnapshot(broker, R"({"account":"111122223333","taken_at":"soon","cases":[]})");
  ProduceSnapshot(broker, "{not json");
  auto r = ingest_test::Run(args, 120);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto letters = DeadLetters(data);
  REQUIRE(letters.size() == 3);
  CHECK(letters[0].at("reason") == "field account missing");
  CHECK(letters[1].at("reason") == "bad timestamp in taken_at: 'soon'");
  CHECK_THAT(letters[2].at("reason").get<std::string>(), Catch::StartsWith("invalid JSON"));
  for (const auto& l : letters) CHECK(l.at("topic") == kSnapshotTopic);
}
