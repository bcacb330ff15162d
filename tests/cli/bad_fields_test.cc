// Every field escalator reads from Kafka, given a wrong value, becomes ONE dead letter whose
// reason names the field, and nothing around it is lost: the feed (an EventBridge envelope, its
// CaseDetails, a bare CaseDetails), the commands topic (acknowledgements) and reconciliation
// snapshots. The fields come from the parsers' sources (feed/feed_parser.cc, feed/commands.cc),
// so a field read without a row here fails the last test case. Each row is checked on the
// parser, then all of them at once through the embedded broker and `escalator serve`, with good
// messages before, between and after them.
#include <catch2/catch.hpp>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "feed/commands.h"
#include "feed/feed_parser.h"
#include "tests/cli/serve_fixture.h"
#include "tests/feed/child_process.h"
#include "tests/feed/dev_broker.h"
#include "tests/test_support.h"

namespace {

using nlohmann::json;
using testing_support::TempDir;

constexpr char kFeed[] = "support.cases";
constexpr char kCommands[] = "escalator.commands";
constexpr char kSnapshots[] = "escalator.snapshots";

const std::map<std::string, int> kSeverities = {
    {"critical", 1}, {"urgent", 2}, {"high", 3}, {"normal", 4}, {"low", 4}};

struct Row {
  std::string topic;   // kFeed, kCommands or kSnapshots
  std::string field;   // the path the reason must name
  std::string bytes;   // the message
  std::string reason;  // a part of the dead letter's reason (naming the field)
  bool parser = true;  // refused by the parser (else by the router: checked end to end only)
};

// A time an hour ago, so that every message is in the past for serve.
const base::Timestamp kAt = serve_fixture::Now() - std::chrono::hours(1);
const std::string kAtText = base::FormatInstant(kAt);

// A good CreateCase for case `id`, as JSON to break.
json Create(const std::string& id) { return json::parse(serve_fixture::CreateCase(id, kAt)); }

json Details(const std::string& id) { return Create(id)["detail"]["case"]; }

// An acknowledgement a minute after the cases open: event time orders it after them.
json Ack(const std::string& case_id, const std::string& engineer) {
  return {{"type", "ack"},
          {"case", case_id},
          {"engineer", engineer},
          {"at", base::FormatInstant(kAt + std::chrono::minutes(1))}};
}

json SnapshotOf(const std::string& id) {
  return {{"account", serve_fixture::kAccount}, {"taken_at", kAtText}, {"cases", {Details(id)}}};
}

const std::string kGoodBefore = "case-111122223333-good-1";
const std::string kGoodAfter = "case-111122223333-good-2";

std::vector<Row> Rows() {
  std::vector<Row> rows;
  int n = 0;
  auto feed = [&](const std::string& field, const std::function<void(json&)>& spoil,
                  const std::string& reason) {
    json j = Create("case-111122223333-bad-" + std::to_string(++n));
    spoil(j);
    rows.push_back({kFeed, field, j.dump(), reason});
  };
  auto details = [&](const std::string& key, const json& value, const std::string& reason) {
    feed(
        "detail.case." + key, [&](json& j) { j["detail"]["case"][key] = value; }, reason);
  };
  feed(
      "detail-type", [](json& j) { j["detail-type"] = "Other Update"; },
      "unsupported detail-type 'Other Update' in detail-type");
  feed(
      "id", [](json& j) { j["id"] = 5; }, "field id: expected string, got number");
  feed(
      "id", [](json& j) { j["id"] = ""; }, "field id is empty");
  feed(
      "time", [](json& j) { j["time"] = "yesterday"; }, "bad timestamp in time: 'yesterday'");
  feed(
      "account", [](json& j) { j.erase("account"); }, "field account missing");
  feed(
      "detail", [](json& j) { j["detail"] = "x"; }, "field detail: expected object, got string");
  feed(
      "detail.case-id", [](json& j) { j["detail"]["case-id"] = 42; },
      "field detail.case-id: expected string, got number");
  feed(
      "detail.display-id", [](json& j) { j["detail"]["display-id"] = 7; },
      "field detail.display-id: expected string, got number");
  feed(
      "detail.communication-id", [](json& j) { j["detail"]["communication-id"] = true; },
      "field detail.communication-id: expected string, got boolean");
  feed(
      "detail.event-name", [](json& j) { j["detail"]["event-name"] = "EscalateCase"; },
      "unknown event-name 'EscalateCase' in detail.event-name");
  feed(
      "detail.origin", [](json& j) { j["detail"]["origin"] = "BOT"; },
      "unknown origin 'BOT' in detail.origin");
  feed(
      "detail.case", [](json& j) { j["detail"]["case"] = "x"; },
      "field detail.case: expected object, got string");
  feed(
      "detail.case", [](json& j) { j["detail"].erase("case"); },
      "CreateCase without case details (detail.case missing)");
  details("caseId", "case-111122223333-other",
          "detail.case.caseId 'case-111122223333-other' "
          "does not match detail.case-id");
  for (const char* key : {"displayId", "subject", "status", "serviceCode", "categoryCode",
                          "submittedBy", "language"}) {
    details(key, 5, std::string("field detail.case.") + key + ": expected string, got number");
  }
  details("severityCode", "sev9", "unknown severity 'sev9' in detail.case.severityCode");
  details("severityCode", "", "field detail.case.severityCode is empty");
  details("timeCreated", "yesterday", "bad timestamp in detail.case.timeCreated: 'yesterday'");
  {
    json bare = Details("case-111122223333-bare-1");
    bare["caseId"] = "";
    rows.push_back({kFeed, "caseId", bare.dump(), "field caseId is empty"});
    bare = Details("case-111122223333-bare-2");
    bare.erase("timeCreated");
    rows.push_back(
        {kFeed, "timeCreated", bare.dump(), "field timeCreated missing (bare CaseDetails)"});
  }

  auto command = [&](const std::string& field, const std::function<void(json&)>& spoil,
                     const std::string& reason, bool parser = true) {
    json j = Ack(kGoodBefore, "bob");
    spoil(j);
    rows.push_back({kCommands, field, j.dump(), reason, parser});
  };
  command(
      "type", [](json& j) { j["type"] = "resolve"; }, "unknown type 'resolve' in type");
  command(
      "type", [](json& j) { j.erase("type"); }, "field type missing");
  command(
      "case", [](json& j) { j.erase("case"); }, "field case missing");
  command(
      "case", [](json& j) { j["case"] = ""; }, "field case is empty");
  command(
      "engineer", [](json& j) { j["engineer"] = 5; },
      "field engineer: expected string, got number");
  command(
      "at", [](json& j) { j["at"] = "yesterday"; },
      "field at: not an ISO 8601 instant with offset: 'yesterday'");
  // Read well, refused by the router: a case it never opened, an engineer it does not know.
  command(
      "case", [](json& j) { j["case"] = "case-111122223333-never"; },
      "acknowledgement for a case never opened", false);
  command(
      "engineer", [](json& j) { j["engineer"] = "mallory"; },
      "acknowledgement by unknown engineer 'mallory'", false);

  auto snapshot = [&](const std::string& field, const std::function<void(json&)>& spoil,
                      const std::string& reason) {
    json j = SnapshotOf("case-111122223333-snap-" + std::to_string(++n));
    spoil(j);
    rows.push_back({kSnapshots, field, j.dump(), reason});
  };
  snapshot(
      "account", [](json& j) { j.erase("account"); }, "field account missing");
  snapshot(
      "taken_at", [](json& j) { j["taken_at"] = "yesterday"; },
      "bad timestamp in taken_at: 'yesterday'");
  snapshot(
      "cases", [](json& j) { j["cases"] = json::object(); },
      "field cases: expected array, got object");
  snapshot(
      "cases[0]", [](json& j) { j["cases"][0] = 7; },
      "field cases[0]: expected object, got number");
  snapshot(
      "cases[0].caseId", [](json& j) { j["cases"][0]["caseId"] = 5; },
      "field cases[0].caseId: expected string, got number");
  snapshot(
      "cases[0].status", [](json& j) { j["cases"][0]["status"] = "closed"; },
      "unknown status 'closed' in cases[0].status");
  snapshot(
      "cases[0].severityCode", [](json& j) { j["cases"][0].erase("severityCode"); },
      "field cases[0].severityCode missing");
  snapshot(
      "cases[0].timeCreated",
      [](json& j) {
        j["cases"][0]["timeCreated"] = base::FormatInstant(kAt + std::chrono::minutes(1));
      },
      "cases[0].timeCreated " + base::FormatInstant(kAt + std::chrono::minutes(1)) +
          " is after taken_at");
  return rows;
}

// The reason the parser gives a row's message, or "accepted".
std::string ParserReason(const Row& row) {
  router::FeedParser parser({64 * 1024, kSeverities});
  if (row.topic == kCommands) {
    auto ack = router::ParseCommand(row.bytes);
    return ack.ok() ? "accepted" : ack.status().message();
  }
  if (row.topic == kSnapshots) {
    auto r = parser.ParseSnapshot(row.bytes);
    if (const auto* rejected = std::get_if<router::FeedRejection>(&r)) return rejected->reason;
    const auto& snap = std::get<router::Snapshot>(r);
    return snap.bad_cases.size() == 1 ? snap.bad_cases[0].reason : "accepted";
  }
  auto r = parser.Parse(row.bytes);
  if (const auto* rejected = std::get_if<router::FeedRejection>(&r)) return rejected->reason;
  return "accepted";
}

// The last key of a path: "detail.case.subject" -> "subject", "cases[0]" -> "cases".
std::string LastKey(std::string path) {
  path = std::regex_replace(path, std::regex(R"re(\[[0-9]+\])re"), "");
  return path.substr(path.find_last_of('.') == std::string::npos ? 0 : path.find_last_of('.') + 1);
}

// The keys `source` reads through `pattern`'s first group.
std::set<std::string> KeysIn(const std::string& source, const std::regex& pattern) {
  std::set<std::string> out;
  for (auto m = std::sregex_iterator(source.begin(), source.end(), pattern);
       m != std::sregex_iterator(); ++m) {
    out.insert((*m)[1]);
  }
  return out;
}

// Produces each of `messages` to `topic`, one message per file (kcat, binary-safe).
void Produce(const std::string& bootstrap, const std::string& topic,
             const std::vector<std::string>& messages, const TempDir& dir) {
  std::vector<std::string> argv = {"/usr/bin/kcat", "-P", "-b", bootstrap, "-t", topic};
  static int file = 0;
  for (const std::string& m : messages) {
    auto path = dir.path() / ("message-" + std::to_string(++file));
    testing_support::WriteFile(path, m);
    argv.push_back(path.string());
  }
  auto r = ingest_test::Run(argv, 60);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

}  // namespace

TEST_CASE("every field read from Kafka has a wrong value the parser refuses, naming the field",
          "[feed][bad-input]") {
  for (const Row& row : Rows()) {
    if (!row.parser) continue;
    INFO(row.topic << " " << row.field << ": " << row.bytes);
    const std::string reason = ParserReason(row);
    CHECK_THAT(reason, Catch::Contains(row.reason));
    CHECK_THAT(reason, Catch::Contains(row.field));
  }
}

TEST_CASE("every key the feed and commands parsers read has a row", "[feed][bad-input]") {
  const auto root = testing_support::SourceDir() / "feed";
  const std::string parser = testing_support::ReadFile(root / "feed_parser.cc");
  const std::string commands = testing_support::ReadFile(root / "commands.cc");
  std::set<std::string> feed_keys = KeysIn(
      parser, std::regex(R"re(\b(?:NonEmpty|Optional|String|Object)\([^,()]+, "([^"]+)")re"));
  const std::set<std::string> at_keys = KeysIn(parser, std::regex(R"re(at_key\("([^"]+)"\))re"));
  feed_keys.insert(at_keys.begin(), at_keys.end());
  const std::set<std::string> command_keys =
      KeysIn(commands, std::regex(R"re(StringField\(j, "([^"]+)")re"));
  REQUIRE(feed_keys.size() >= 20);
  REQUIRE(command_keys.size() == 4);
  std::set<std::string> feed_rows, command_rows;
  for (const Row& row : Rows()) {
    (row.topic == kCommands ? command_rows : feed_rows).insert(LastKey(row.field));
  }
  for (const std::string& key : feed_keys) {
    INFO("feed/feed_parser.cc reads '" << key << "': give it a row in Rows()");
    CHECK(feed_rows.count(key) == 1);
  }
  for (const std::string& key : command_keys) {
    INFO("feed/commands.cc reads '" << key << "': give it a row in Rows()");
    CHECK(command_rows.count(key) == 1);
  }
}

TEST_CASE("through Kafka each wrong field is one dead letter naming it; the good ones apply",
          "[feed][bad-input][e2e]") {
  TempDir dir;
  const std::string err = (dir.path() / "stderr").string();
  ingest_test::Broker broker(1, err);
  // The broker's own input, its control lines: each wrong one is answered "error ...", naming
  // what is wrong, and the broker runs on (it serves everything below).
  for (const auto& [line, named] :
       std::vector<std::pair<std::string, std::string>>{{"down x", "not a number: 'x'"},
                                                        {"down 99", "99"},
                                                        {"errors 1 -5", "count must be >= 0"},
                                                        {"rtt 1", "unknown command 'rtt 1'"},
                                                        {"topic t many", "not a number: 'many'"},
                                                        {"shout", "unknown command 'shout'"}}) {
    const std::string reply = broker.Control(line);
    INFO(line << " -> " << reply);
    CHECK(reply.rfind("error ", 0) == 0);
    CHECK_THAT(reply, Catch::Contains(named));
  }
  REQUIRE(broker.Control(std::string("topic ") + kSnapshots + " 1").rfind("ok", 0) == 0);
  const std::vector<Row> rows = Rows();
  std::map<std::string, std::vector<std::string>> by_topic;
  for (const Row& row : rows) by_topic[row.topic].push_back(row.bytes);
  // Good messages around the bad ones: a case opened before them, one after, an ack after.
  Produce(broker.bootstrap, kFeed, {Create(kGoodBefore).dump()}, dir);
  Produce(broker.bootstrap, kFeed, by_topic[kFeed], dir);
  Produce(broker.bootstrap, kFeed, {Create(kGoodAfter).dump()}, dir);
  Produce(broker.bootstrap, kCommands, by_topic[kCommands], dir);
  Produce(broker.bootstrap, kCommands, {Ack(kGoodBefore, "bob").dump()}, dir);
  Produce(broker.bootstrap, kSnapshots, by_topic[kSnapshots], dir);

  const std::string config = serve_fixture::WriteConfig(dir);
  const std::string data = (dir.path() / "data").string();
  auto args = serve_fixture::ServeArgs(broker, config, data);
  args.insert(args.end(), {"--snapshot-topic", kSnapshots, "--exit-when-caught-up"});
  const std::string serve_err = (dir.path() / "serve.err").string();
  ingest_test::ChildProcess serve(args, serve_err);
  const auto code = serve.Wait(std::chrono::seconds(90));
  INFO(testing_support::ReadFile(serve_err));
  REQUIRE(code == 0);

  auto letters = ingest_test::Run(
      {testing_support::EscalatorBin(), "dead-letters", "--data", data, "--format", "json"});
  REQUIRE(letters.exit_code == 0);
  std::multimap<std::string, json> by_payload;
  std::istringstream lines(letters.out);
  size_t count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    json l = json::parse(line);
    by_payload.emplace(l["payload"].get<std::string>(), l);
  }
  CHECK(count == rows.size());  // one each, and none for the good messages
  for (const Row& row : rows) {
    INFO(row.topic << " " << row.field << ": " << row.bytes);
    REQUIRE(by_payload.count(row.bytes) == 1);
    const json& letter = by_payload.find(row.bytes)->second;
    CHECK(letter["topic"] == row.topic);
    const std::string reason = letter["reason"];
    CHECK_THAT(reason, Catch::Contains(row.reason));
    CHECK_THAT(reason, Catch::Contains(row.field));
  }
  // Nothing around them was lost.
  CHECK(serve_fixture::OfType(serve_fixture::LogOf(data, kGoodAfter), "case_opened").size() == 1);
  const auto before = serve_fixture::LogOf(data, kGoodBefore);
  INFO(serve_fixture::Dump(before));
  CHECK(serve_fixture::OfType(before, "case_opened").size() == 1);
  CHECK(serve_fixture::OfType(before, "acknowledged").size() == 1);
}
