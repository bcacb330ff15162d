// Proves `escalator serve` puts every valid feed event into the log exactly once
// (across SIGKILLs, redeliveries and broker faults) and keeps every malformed one
// as a dead letter with its reason, also on the dead-letter topic; against the embedded
// broker, kcat producing and reading.
#include <signal.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/feed/child_process.h"
#include "tests/feed/dev_broker.h"
#include "tests/test_support.h"

namespace {

using ingest_test::ChildProcess;
using nlohmann::json;
using testing_support::TempDir;

std::string Bin() { return testing_support::EscalatorBin(); }
std::string ConfigPath() {
  return (testing_support::SharedDir() / "samples" / "config.yaml").string();
}

using ingest_test::Broker;

// dev-broker creates it (one partition); serve produces to it with --dead-letter-topic.
constexpr char kDeadLetterTopic[] = "escalator.dead-letters";

std::string Envelope(const std::string& id, const std::string& account, const std::string& case_id,
                     const std::string& event_name, const std::string& origin, int minute,
                     const std::string& severity = "high") {
  json j = {{"version", "0"},
            {"id", id},
            {"detail-type", "Support Case Update"},
            {"source", "aws.support"},
            {"account", account},
            {"time", "2026-11-24T" + std::string(minute / 60 < 10 ? "0" : "") +
                         std::to_string(minute / 60 % 24) + ":" + (minute % 60 < 10 ? "0" : "") +
                         std::to_string(minute % 60) + ":00Z"},
            {"region", "us-east-1"},
            {"resources", json::array()},
            {"detail",
             {{"case-id", case_id},
              {"display-id", "99"},
              {"communication-id", event_name == "AddCommunicationToCase" ? id + "-c" : ""},
              {"event-name", event_name},
              {"origin", origin}}}};
  if (event_name == "CreateCase") {
    j["detail"]["case"] = {{"caseId", case_id},
                           {"displayId", "99"},
                           {"subject", "test case"},
                           {"status", "opened"},
                           {"serviceCode", "medialive"},
                           {"categoryCode", "other"},
                           {"severityCode", severity},
                           {"submittedBy", "a@example.com"},
                           {"timeCreated", "2026-11-24T00:00:00Z"},
                           {"language", "en"}};
  }
  return j.dump();
}

// Produces `lines` with kcat, each keyed by the account before its tab.
void KcatProduceKeyed(const std::string& bootstrap,
                      const std::vector<std::pair<std::string, std::string>>& keyed) {
  std::string input;
  for (const auto& [key, value] : keyed) input += key + "\t" + value + "\n";
  auto r = ingest_test::RunWithInput(
      {"/usr/bin/kcat", "-P", "-b", bootstrap, "-t", "support.cases", "-K", "\t"}, input, 120);
  REQUIRE(r.exit_code == 0);
}

// Produces each of `messages` as one message (binary-safe: one file each).
void KcatProduceFiles(const std::string& bootstrap, const std::vector<std::string>& messages) {
  TempDir dir;
  std::vector<std::string> argv = {"/usr/bin/kcat", "-P", "-b", bootstrap, "-t", "support.cases"};
  for (size_t i = 0; i < messages.size(); ++i) {
    auto path = dir.path() / ("m" + std::to_string(i));
    testing_support::WriteFile(path, messages[i]);
    argv.push_back(path.string());
  }
  auto r = ingest_test::Run(argv, 60);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

std::vector<std::string> ServeArgs(const Broker& b, const std::string& data) {
  return {Bin(),
          "serve",
          "--config",
          ConfigPath(),
          "--data",
          data,
          "--brokers",
          b.bootstrap,
          "--session-timeout-ms",
          "6000",
          "--heartbeat-interval-ms",
          "1000",
          "--summary-interval-s",
          "1"};
}

// Runs serve until it has consumed everything on the topic; requires exit 0.
void ServeUntilCaughtUp(const Broker& b, const std::string& data, const std::string& err_path,
                        std::vector<std::string> extra = {}) {
  auto argv = ServeArgs(b, data);
  argv.push_back("--exit-when-caught-up");
  argv.insert(argv.end(), extra.begin(), extra.end());
  ChildProcess serve(argv, err_path);
  auto code = serve.Wait(std::chrono::seconds(90));
  INFO(testing_support::ReadFile(err_path));
  REQUIRE(code);
  REQUIRE(*code == 0);
}

// What `escalator log --format json` shows of feed input: (kind, case id, envelope
// id) in log order.
struct Entry {
  std::string kind;
  std::string case_id;
  std::string event_id;
};

std::vector<Entry> FeedEntries(const std::string& data) {
  auto r = ingest_test::Run({Bin(), "log", "--data", data, "--format", "json"}, 120);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  static const std::map<std::string, std::string> kFeedTypes = {
      {"case_opened", "opened"},
      {"communication_added", "communication"},
      {"case_resolved", "resolved"},
      {"case_reopened", "reopened"}};
  std::vector<Entry> out;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    auto j = json::parse(line);
    auto kind = kFeedTypes.find(j.at("type").get<std::string>());
    if (kind == kFeedTypes.end()) continue;
    out.push_back({kind->second, j.at("case"), j.at("event_id")});
  }
  return out;
}

std::vector<json> DeadLetters(const std::string& data) {
  auto r = ingest_test::Run({Bin(), "dead-letters", "--data", data, "--format", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::vector<json> out;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

// The dead-letter topic as kcat reads it: each message's key and its JSON value.
std::vector<std::pair<std::string, json>> DeadLetterTopic(const Broker& b) {
  auto r = ingest_test::Run({"/usr/bin/kcat", "-C", "-b", b.bootstrap, "-t", kDeadLetterTopic, "-o",
                             "beginning", "-e", "-q", "-f", "%k\t%s\n"},
                            60);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::vector<std::pair<std::string, json>> out;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    const size_t tab = line.find('\t');
    REQUIRE(tab != std::string::npos);
    out.emplace_back(line.substr(0, tab), json::parse(line.substr(tab + 1)));
  }
  return out;
}

// The dead-letter topic's key for a message: topic/partition/offset, zero-padded.
std::string DeadLetterKeyOf(const json& letter) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "/%010d/%020lld", letter["partition"].get<int>(),
                static_cast<long long>(letter["offset"].get<int64_t>()));
  return letter["topic"].get<std::string>() + buf;
}

}  // namespace

TEST_CASE(
    "sample feed and malformed messages: cases opened once, each reject kept with its reason") {
  TempDir dir;
  const std::string err = (dir.path() / "stderr").string();
  Broker broker(4, err);
  const std::string data = (dir.path() / "data").string();

  std::vector<std::pair<std::string, std::string>> sample;
  std::istringstream feed(
      testing_support::ReadFile(testing_support::SharedDir() / "samples" / "case-events.jsonl"));
  std::set<std::string> sample_cases;
  for (std::string line; std::getline(feed, line);) {
    if (line.empty()) continue;
    auto j = json::parse(line);
    sample.push_back({j["account"], line});
    sample_cases.insert(j["detail"]["case-id"].get<std::string>());
  }
  KcatProduceKeyed(broker.bootstrap, sample);

  const std::string good_create =
      Envelope("m-1", "111122223333", "case-111122223333-x-1", "CreateCase", "", 60);
  std::string unknown_sev =
      Envelope("m-2", "111122223333", "case-111122223333-x-2", "CreateCase", "", 61, "sev9");
  std::string bad_time =
      Envelope("m-3", "111122223333", "case-111122223333-x-3", "ResolveCase", "", 62);
  bad_time.replace(bad_time.find("2026-11-24T01:02:00Z"), 20, "2026-11-24 01:02");
  std::string no_case = Envelope("m-4", "111122223333", "x", "ResolveCase", "", 63);
  no_case.replace(no_case.find("\"case-id\":\"x\","), 14, "");
  std::string no_details =
      Envelope("m-5", "111122223333", "case-111122223333-x-5", "CreateCase", "", 64);
  {
    auto j = json::parse(no_details);
    j["detail"].erase("case");
    no_details = j.dump();
  }
  const std::map<std::string, std::string> malformed = {
      {"{\"id\": \"broken", "invalid JSON"},
      {std::string("\x00\xff\xfe binary \x01\x02", 13), "not UTF-8"},
      {no_case, "field detail.case-id missing"},
      {Envelope("m-6", "111122223333", "case-111122223333-x-6", "EscalateCase", "", 65),
       "unknown event-name 'EscalateCase'"},
      {unknown_sev, "unknown severity 'sev9'"},
      {bad_time, "bad timestamp in time: '2026-11-24 01:02'"},
      {"{\"pad\":\"" + std::string(70000, 'x') + "\"}", "message too large (70010 bytes > 65536)"},
      {Envelope("m-7", "111122223333", "case-never-opened", "AddCommunicationToCase", "AWS", 66),
       "never opened"},
      {no_details, "CreateCase without case details"},
  };
  std::vector<std::string> files;
  for (const auto& [bytes, reason] : malformed) files.push_back(bytes);
  files.push_back(good_create);
  KcatProduceFiles(broker.bootstrap, files);

  const std::vector<std::string> dead_letter_topic = {"--dead-letter-topic", kDeadLetterTopic};
  ServeUntilCaughtUp(broker, data, err, dead_letter_topic);

  auto entries = FeedEntries(data);
  std::map<std::string, int> opened;
  for (const auto& e : entries) opened[e.case_id] += e.kind == "opened";
  for (const auto& c : sample_cases) CHECK(opened[c] == 1);
  CHECK(opened["case-111122223333-x-1"] == 1);
  CHECK(opened.count("case-111122223333-x-2") == 0);

  auto letters = DeadLetters(data);
  CHECK(letters.size() == malformed.size());
  for (const auto& [bytes, reason] : malformed) {
    bool found = false;
    for (const auto& l : letters) {
      if (l["reason"].get<std::string>().find(reason) == std::string::npos) continue;
      found = true;
      CHECK(l["topic"] == "support.cases");
      CHECK(l["partition"].get<int>() >= 0);
      CHECK(l["offset"].get<int64_t>() >= 0);
      if (l["payload_encoding"] == "utf-8") CHECK(l["payload"] == bytes);
    }
    INFO("reason " << reason);
    CHECK(found);
  }
  // The dead-letter topic holds each of them once, as the log does, keyed by where it came from.
  std::map<std::string, json> in_log, on_topic;
  for (const auto& l : letters) in_log[DeadLetterKeyOf(l)] = l;
  for (const auto& [key, l] : DeadLetterTopic(broker)) CHECK(on_topic.emplace(key, l).second);
  CHECK(on_topic == in_log);

  SECTION("a redelivered feed changes nothing") {
    KcatProduceKeyed(broker.bootstrap, sample);
    ServeUntilCaughtUp(broker, data, err, dead_letter_topic);
    auto again = FeedEntries(data);
    CHECK(again.size() == entries.size());
    CHECK(DeadLetters(data).size() == letters.size());
    CHECK(DeadLetterTopic(broker).size() == letters.size());
  }
}

TEST_CASE("exactly once across SIGKILLs: every event once, in per-partition order") {
  TempDir dir;
  const std::string err = (dir.path() / "stderr").string();
  Broker broker(8, err);
  const std::string data = (dir.path() / "data").string();
  const uint32_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937 rng(seed);

  // 2,000 cases of 50 accounts, 10 events each: 20,000 events in 5 chunks.
  constexpr int kCases = 2000, kPerCase = 10, kChunks = 5;
  std::vector<std::vector<std::pair<std::string, std::string>>> chunks(kChunks);
  std::map<std::string, std::string> case_of_event;
  for (int step = 0; step < kPerCase; ++step) {
    for (int c = 0; c < kCases; ++c) {
      std::string account = std::to_string(100000000000 + c % 50);
      std::string case_id = "case-" + account + "-eo-" + std::to_string(c);
      std::string id = "eo-" + std::to_string(c) + "-" + std::to_string(step);
      std::string name = step == 0              ? "CreateCase"
                         : step == kPerCase - 1 ? "ResolveCase"
                                                : "AddCommunicationToCase";
      std::string origin = step == 0 || step == kPerCase - 1 ? "" : step % 2 ? "AWS" : "CUSTOMER";
      chunks[step * kChunks / kPerCase].push_back(
          {account, Envelope(id, account, case_id, name, origin, step)});
      case_of_event[id] = case_id;
    }
  }

  size_t produced_so_far = 0;
  int killed_mid_stream = 0;
  for (int round = 0; round < kChunks; ++round) {
    KcatProduceKeyed(broker.bootstrap, chunks[round]);
    produced_so_far += chunks[round].size();
    auto argv = ServeArgs(broker, data);
    argv.insert(argv.end(), {"--max-batch", "100", "--log-level", "debug"});
    auto before = testing_support::ReadFile(err).size();
    ChildProcess serve(argv, err);
    // Kill at a random moment: after a random number (1..20) of persisted batches
    // of 100, plus up to 20 ms, so the kill lands anywhere in a batch's life.
    const size_t batches = 1 + rng() % 20;
    auto count_batches = [&] {
      auto text = testing_support::ReadFile(err);
      size_t n = 0;
      for (auto at = text.find("batch:", before); at != std::string::npos;
           at = text.find("batch:", at + 1)) {
        ++n;
      }
      return n;
    };
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (count_batches() < batches) {
      REQUIRE(std::chrono::steady_clock::now() < deadline);
      REQUIRE(serve.running());
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (round == 0) {
      // `escalator log` reads while serve holds the log (a read-only open),
      // and sees no event twice.
      REQUIRE(serve.running());
      auto live = FeedEntries(data);
      std::set<std::string> live_ids;
      for (const auto& e : live) live_ids.insert(e.event_id);
      CHECK(live_ids.size() == live.size());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 20));
    serve.Signal(SIGKILL);
    REQUIRE(serve.Wait(std::chrono::seconds(10)));
    // Whatever a killed run left behind holds no event twice.
    auto partial = FeedEntries(data);
    std::set<std::string> ids;
    for (const auto& e : partial) ids.insert(e.event_id);
    CHECK(ids.size() == partial.size());
    killed_mid_stream += partial.size() < produced_so_far;
  }
  // The kills must really have interrupted consumption, or this proves nothing.
  CHECK(killed_mid_stream >= 4);
  ServeUntilCaughtUp(broker, data, err);

  // Which partition each message went to, read back independently with kcat.
  auto r = ingest_test::Run({"/usr/bin/kcat", "-C", "-b", broker.bootstrap, "-t", "support.cases",
                             "-o", "beginning", "-e", "-q", "-f", "%p\t%o\t%s\n"},
                            120);
  REQUIRE(r.exit_code == 0);
  std::map<int, std::vector<std::string>> produced;  // partition -> ids in offset order
  std::map<std::string, std::set<int>> partitions_of_case;
  std::istringstream lines(r.out);
  size_t total = 0;
  for (std::string line; std::getline(lines, line);) {
    auto t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
    int p = std::stoi(line.substr(0, t1));
    auto j = json::parse(line.substr(t2 + 1));
    produced[p].push_back(j["id"]);
    partitions_of_case[j["detail"]["case-id"]].insert(p);
    ++total;
  }
  REQUIRE(total == kCases * kPerCase);  // nothing dropped by the mock's retention
  for (const auto& [c, parts] : partitions_of_case) CHECK(parts.size() == 1);
  CHECK(produced.size() > 1);

  auto entries = FeedEntries(data);
  std::map<std::string, int> seen;
  for (const auto& e : entries) ++seen[e.event_id];
  CHECK(seen.size() == static_cast<size_t>(kCases * kPerCase));
  int dups = 0;
  for (const auto& [id, n] : seen) dups += n != 1;
  CHECK(dups == 0);
  // Per-partition order: the log's order of each partition's events is the offset order.
  std::map<std::string, int> partition_of_event;
  for (const auto& [p, ids] : produced)
    for (const auto& id : ids) partition_of_event[id] = p;
  std::map<int, std::vector<std::string>> logged;
  for (const auto& e : entries) logged[partition_of_event[e.event_id]].push_back(e.event_id);
  for (const auto& [p, ids] : produced) {
    INFO("partition " << p);
    CHECK(logged[p] == ids);
  }
  CHECK(DeadLetters(data).empty());
}

TEST_CASE("broker down and up, fetch and commit errors: no loss, no duplicate, recovers") {
  TempDir dir;
  const std::string err = (dir.path() / "stderr").string();
  Broker broker(4, err);
  const std::string data = (dir.path() / "data").string();
  constexpr int kCases = 300, kPerCase = 5;
  std::vector<std::pair<std::string, std::string>> first, second;
  for (int step = 0; step < kPerCase; ++step) {
    for (int c = 0; c < kCases; ++c) {
      std::string account = std::to_string(200000000000 + c % 20);
      std::string id = "ft-" + std::to_string(c) + "-" + std::to_string(step);
      std::string name = step == 0 ? "CreateCase" : "AddCommunicationToCase";
      (step < 3 ? first : second)
          .push_back({account, Envelope(id, account, "case-" + account + "-ft-" + std::to_string(c),
                                        name, step == 0 ? "" : "CUSTOMER", step)});
    }
  }
  KcatProduceKeyed(broker.bootstrap, first);
  auto argv = ServeArgs(broker, data);
  argv.insert(argv.end(), {"--max-batch", "50", "--log-level", "debug", "--stop-after",
                           std::to_string(kCases * kPerCase)});
  ChildProcess serve(argv, err);
  auto wait_for = [&](const std::string& needle, size_t from) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (testing_support::ReadFile(err).find(needle, from) == std::string::npos) {
      REQUIRE(std::chrono::steady_clock::now() < deadline);
      REQUIRE(serve.running());
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  };
  wait_for("batch:", 0);
  CHECK(broker.Control("errors 1 5 6").rfind("ok", 0) == 0);  // Fetch: NOT_LEADER_OR_FOLLOWER
  CHECK(broker.Control("errors 8 5 15").rfind("ok", 0) ==
        0);  // OffsetCommit: COORDINATOR_NOT_AVAILABLE
  CHECK(broker.Control("down 1").rfind("ok", 0) == 0);
  auto mark = testing_support::ReadFile(err).size();
  wait_for("kafka:", mark);  // the daemon noticed
  CHECK(broker.Control("up 1").rfind("ok", 0) == 0);
  KcatProduceKeyed(broker.bootstrap, second);
  auto code = serve.Wait(std::chrono::seconds(120));
  INFO(testing_support::ReadFile(err));
  REQUIRE(code);
  REQUIRE(*code == 0);

  auto entries = FeedEntries(data);
  std::map<std::string, int> seen;
  for (const auto& e : entries) ++seen[e.event_id];
  CHECK(seen.size() == static_cast<size_t>(kCases * kPerCase));
  for (const auto& [id, n] : seen) {
    INFO(id);
    CHECK(n == 1);
  }
}

TEST_CASE("publish keys by account: every case's events reach one partition; bad usage exits 2") {
  TempDir dir;
  const std::string err = (dir.path() / "stderr").string();
  Broker broker(8, err);
  std::string feed;
  for (int c = 0; c < 60; ++c) {
    std::string account = std::to_string(300000000000 + c % 12);
    std::string case_id = "case-" + account + "-pub-" + std::to_string(c);
    for (int step = 0; step < 4; ++step) {
      feed += Envelope("pub-" + std::to_string(c) + "-" + std::to_string(step), account, case_id,
                       step == 0 ? "CreateCase" : "AddCommunicationToCase",
                       step == 0 ? "" : "CUSTOMER", step) +
              "\n";
    }
  }
  auto path = dir.path() / "feed.jsonl";
  testing_support::WriteFile(path, feed);
  auto sent = ingest_test::Run(
      {Bin(), "publish", "--brokers", broker.bootstrap, "--topic", "support.cases", path.string()});
  INFO(sent.err);
  REQUIRE(sent.exit_code == 0);
  CHECK(sent.out == "sent 240 failed 0\n");

  auto r = ingest_test::Run({"/usr/bin/kcat", "-C", "-b", broker.bootstrap, "-t", "support.cases",
                             "-o", "beginning", "-e", "-q", "-f", "%p\t%k\t%s\n"});
  REQUIRE(r.exit_code == 0);
  std::map<std::string, std::set<int>> partitions_of_case, partitions_of_key;
  std::istringstream lines(r.out);
  int n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    auto t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
    int p = std::stoi(line.substr(0, t1));
    auto j = json::parse(line.substr(t2 + 1));
    CHECK(line.substr(t1 + 1, t2 - t1 - 1) == j["account"].get<std::string>());
    partitions_of_case[j["detail"]["case-id"]].insert(p);
    partitions_of_key[j["account"]].insert(p);
  }
  CHECK(n == 240);
  for (const auto& [c, parts] : partitions_of_case) CHECK(parts.size() == 1);
  std::set<int> used;
  for (const auto& [k, parts] : partitions_of_key) used.insert(*parts.begin());
  CHECK(used.size() > 1);

  CHECK(ingest_test::Run({Bin(), "publish", "--brokers", broker.bootstrap,
                          (dir.path() / "missing.jsonl").string()})
            .exit_code == 2);
  CHECK(ingest_test::Run({Bin(), "publish", path.string()}).exit_code == 2);
}
