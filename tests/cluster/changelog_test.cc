// Proves the changelog (engine/changelog.h) with a real serve on the embedded broker, read back
// by kcat and by `escalator log --brokers`: every event of the instance's log reaches the
// changelog partition of the same number as the feed partition its case came from, in records
// numbered without gaps, and the changelog read back lists exactly the instance's log.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/cli/serve_fixture.h"
#include "tests/cluster/cluster_fixture.h"

namespace {

using cluster_fixture::ClusterArgs;
using cluster_fixture::InstanceIn;
using cluster_fixture::Lines;
using cluster_fixture::OpenedByCase;
using cluster_fixture::PagesByCase;
using cluster_fixture::PublishCases;
using cluster_fixture::Readyz;
using cluster_fixture::StartInstance;
using cluster_fixture::WaitForPages;
using cluster_fixture::WaitUntil;
using cluster_fixture::WriteConfig;
using ingest_test::Broker;
using ingest_test::ChildProcess;
using nlohmann::json;
using testing_support::TempDir;

// Starts serve on `instance` with `changelog_topic` and checks that it refuses partition 0 (its
// log naming `why`), says so on /readyz, keeps running, and serves nothing from empty state.
void ExpectPartitionRefused(const Broker& broker, const std::string& config,
                            const cluster_fixture::Instance& instance,
                            const std::string& changelog_topic, const std::string& why) {
  auto serve = serve_fixture::StartServeHttp(broker, config, instance.data, instance.err,
                                             {"--changelog-topic", changelog_topic});
  REQUIRE(
      serve_fixture::WaitForText(instance.err, "refused, not served", std::chrono::seconds(30)));
  CHECK_THAT(testing_support::ReadFile(instance.err), Catch::Contains(why));
  const std::string ready = Readyz(serve.base);
  CHECK_THAT(ready, Catch::EndsWith("503"));
  CHECK_THAT(ready, Catch::Contains("partition 0 is refused, not served"));
  std::this_thread::sleep_for(std::chrono::seconds(3));
  CHECK(serve.proc->running());
  serve_fixture::StopServe(*serve.proc, instance.err);
  // Not rebuilt from the feed's beginning: that would page the cases' steps again.
  CHECK(OpenedByCase(instance.data).empty());
  CHECK(PagesByCase(instance.data).empty());
}

}  // namespace

TEST_CASE("serve's changelog holds its whole log, each case in its feed partition's records") {
  TempDir dir;
  const std::string err = (dir.path() / "serve.err").string();
  Broker broker(4, (dir.path() / "broker.err").string());
  const std::string config = WriteConfig(dir);
  const std::string data = (dir.path() / "data").string();

  // Twelve cases of six accounts: spread over the partitions.
  const auto cases = PublishCases(broker, dir, "case-cl-", 12);
  ChildProcess serve(ClusterArgs(broker, config, data), err);
  // Each case pages alice, bob (1 s) and gus (2 s): timer writes as well as input writes.
  for (const auto& c : cases) {
    INFO(c);
    REQUIRE(serve_fixture::WaitForEvents(data, c, "paged", 3).size() == 3);
  }
  serve_fixture::StopServe(serve, err);

  // Where kcat saw each case arrive.
  auto feed_read = ingest_test::Run({"/usr/bin/kcat", "-C", "-b", broker.bootstrap, "-t",
                                     "support.cases", "-e", "-q", "-f", "%p %s\\n"});
  REQUIRE(feed_read.exit_code == 0);
  std::map<std::string, int> feed_partition;
  std::set<int> partitions_used;
  for (const auto& line : Lines(feed_read.out)) {
    const int p = std::stoi(line.substr(0, line.find(' ')));
    const json j = json::parse(line.substr(line.find(' ') + 1));
    feed_partition[j["detail"]["case-id"].get<std::string>()] = p;
    partitions_used.insert(p);
  }
  REQUIRE(feed_partition.size() == cases.size());
  CHECK(partitions_used.size() >= 2);  // the test means something only when spread

  // The changelog's keys: "<partition>/<record>", in the partition they name, numbered from 0.
  auto changelog = ingest_test::Run({"/usr/bin/kcat", "-C", "-b", broker.bootstrap, "-t",
                                     "escalator.changelog", "-e", "-q", "-f", "%p %k\\n"});
  REQUIRE(changelog.exit_code == 0);
  std::map<int, std::vector<uint64_t>> records;
  for (const auto& line : Lines(changelog.out)) {
    std::smatch m;
    REQUIRE(std::regex_match(line, m, std::regex(R"((\d+) (\d+)/(\d+))")));
    CHECK(m[1] == m[2]);
    records[std::stoi(m[1])].push_back(std::stoull(m[3]));
  }
  for (const auto& [p, pseqs] : records) {
    INFO("partition " << p);
    for (size_t i = 0; i < pseqs.size(); ++i) CHECK(pseqs[i] == i);
  }

  // Read back: exactly the instance's log, each case's events in its feed partition.
  auto local = ingest_test::Run({serve_fixture::Bin(), "log", "--data", data});
  REQUIRE(local.exit_code == 0);
  auto from_changelog =
      ingest_test::Run({serve_fixture::Bin(), "log", "--brokers", broker.bootstrap});
  INFO(from_changelog.err);
  REQUIRE(from_changelog.exit_code == 0);
  std::map<uint64_t, json> local_by_seq, changelog_by_seq;
  for (const auto& line : Lines(local.out)) {
    json j = json::parse(line);
    local_by_seq[j["seq"].get<uint64_t>()] = j;
  }
  for (const auto& line : Lines(from_changelog.out)) {
    json j = json::parse(line);
    const int p = j["partition"].get<int>();
    j.erase("partition");
    if (j.contains("case") && feed_partition.count(j["case"].get<std::string>())) {
      CHECK(p == feed_partition[j["case"].get<std::string>()]);
    }
    changelog_by_seq[j["seq"].get<uint64_t>()] = j;
  }
  CHECK(local_by_seq.size() > cases.size() * 4);
  CHECK(changelog_by_seq == local_by_seq);
}

TEST_CASE("log --brokers: bad usage and a missing topic are clear errors") {
  TempDir dir;
  Broker broker(2, (dir.path() / "broker.err").string());
  auto both = ingest_test::Run(
      {serve_fixture::Bin(), "log", "--brokers", broker.bootstrap, "--data", dir.str()});
  CHECK(both.exit_code == 2);
  CHECK_THAT(both.err, Catch::Contains("exactly one of --data"));
  auto none = ingest_test::Run({serve_fixture::Bin(), "log"});
  CHECK(none.exit_code == 2);
  auto missing = ingest_test::Run({serve_fixture::Bin(), "log", "--brokers", broker.bootstrap,
                                   "--changelog-topic", "no.such.topic"});
  CHECK(missing.exit_code != 0);
  CHECK_THAT(missing.err, Catch::Contains("no.such.topic"));
}

TEST_CASE("a new instance restores the partitions of one stopped cleanly, and pages on") {
  TempDir dir;
  Broker broker(4, (dir.path() / "broker.err").string());
  const std::string config = WriteConfig(dir, 1, 12);
  const std::string first = (dir.path() / "first").string();
  const std::string second = (dir.path() / "second").string();
  const auto cases = PublishCases(broker, dir, "case-ho-", 12);

  {
    const std::string err = (dir.path() / "first.err").string();
    ChildProcess serve(ClusterArgs(broker, config, first), err);
    REQUIRE(WaitForPages(first, cases, 2));  // alice at once, bob after 1 s
    serve_fixture::StopServe(serve, err);
  }
  // The second instance starts from nothing: everything it knows comes from the changelog.
  const std::string err = (dir.path() / "second.err").string();
  ChildProcess serve(ClusterArgs(broker, config, second), err);
  REQUIRE(WaitForPages(second, cases, 3));  // gus after 12 s: from the new owner
  serve_fixture::StopServe(serve, err);
  const std::string log = testing_support::ReadFile(err);
  CHECK_THAT(log, Catch::Contains("restored"));
  // Every partition resumed at its restored offsets: the feed is not consumed again. (The
  // offsets of the last partition restored were once read before they were written.)
  auto summary = serve.ReadLine(std::chrono::seconds(5));
  REQUIRE(summary);
  const json totals = json::parse(*summary);
  CHECK(totals["consumed"] == 0);
  CHECK(totals["duplicates"] == 0);

  auto pages = PagesByCase(second);
  auto opened = OpenedByCase(second);
  for (const auto& c : cases) {
    INFO(c);
    CHECK(opened[c] == 1);
    CHECK(pages[c] == std::vector<std::string>{"alice", "bob", "gus"});
  }
  // The first instance paged no one after it stopped.
  for (const auto& [c, p] : PagesByCase(first)) CHECK(p.size() == 2);
}

TEST_CASE("an instance SIGKILLed mid-stream: the other takes its partitions and fires the rest") {
  TempDir dir;
  Broker broker(4, (dir.path() / "broker.err").string());
  const std::string config = WriteConfig(dir, 1, 20);
  const auto [a, a_err] = InstanceIn(dir, "a");
  const auto [b, b_err] = InstanceIn(dir, "b");

  // Both instances first, so that each owns some partitions.
  auto serve_a = StartInstance(broker, config, {a, a_err});
  auto serve_b = StartInstance(broker, config, {b, b_err});
  const auto cases = PublishCases(broker, dir, "case-kill-", 24);
  // alice and bob paged, each case by the instance that owns its partition.
  REQUIRE(WaitUntil([&] {
    auto pa = PagesByCase(a), pb = PagesByCase(b);
    for (const auto& c : cases) {
      if (pa[c].size() < 2 && pb[c].size() < 2) return false;
    }
    return true;
  }));
  const auto before_kill = PagesByCase(a);
  size_t a_cases = 0;
  for (const auto& c : cases) a_cases += before_kill.count(c) ? 1 : 0;
  CHECK(a_cases > 0);  // the kill means something only when the victim owned cases
  CHECK(a_cases < cases.size());
  serve_a->Signal(SIGKILL);
  serve_a->Wait(std::chrono::seconds(10));

  // gus (20 s after opening) comes from b for every case, once.
  REQUIRE(WaitForPages(b, cases, 3));
  std::this_thread::sleep_for(std::chrono::seconds(2));  // a second gus would show by now
  serve_fixture::StopServe(*serve_b, b_err);
  auto pages = PagesByCase(b);
  auto opened = OpenedByCase(b);
  for (const auto& c : cases) {
    INFO(c);
    CHECK(opened[c] == 1);
    CHECK(pages[c] == std::vector<std::string>{"alice", "bob", "gus"});
  }
  for (const auto& [c, p] : PagesByCase(a)) {
    INFO(c);
    CHECK(p.size() == 2);  // no gus from the killed instance
  }
}

TEST_CASE(
    "a new instance joins: it takes over partitions with their state, and each step fires "
    "once, from its partition's owner") {
  TempDir dir;
  Broker broker(4, (dir.path() / "broker.err").string());
  const std::string config = WriteConfig(dir, 1, 15);
  const auto [a, a_err] = InstanceIn(dir, "a");
  const auto [b, b_err] = InstanceIn(dir, "b");
  auto serve_a = StartInstance(broker, config, {a, a_err});
  const auto cases = PublishCases(broker, dir, "case-join-", 12);
  REQUIRE(WaitForPages(a, cases, 2));  // alice and bob, all from the first instance

  ChildProcess serve_b(ClusterArgs(broker, config, b), b_err);
  // gus (15 s after opening) from whichever instance owns the case's partition by then.
  REQUIRE(WaitUntil([&] {
    auto pa = PagesByCase(a), pb = PagesByCase(b);
    for (const auto& c : cases) {
      if (pa[c].size() < 3 && pb[c].size() < 3) return false;
    }
    return true;
  }));
  std::this_thread::sleep_for(std::chrono::seconds(2));  // a second gus would show by now
  serve_fixture::StopServe(serve_b, b_err);
  serve_fixture::StopServe(*serve_a, a_err);
  CHECK_THAT(testing_support::ReadFile(b_err), Catch::Contains("restored"));

  auto pa = PagesByCase(a), pb = PagesByCase(b);
  auto opened_b = OpenedByCase(b);
  size_t taken = 0;
  for (const auto& c : cases) {
    INFO(c);
    const bool b_owns = pb[c].size() == 3;
    taken += b_owns ? 1 : 0;
    if (b_owns) {
      CHECK(pb[c] == std::vector<std::string>{"alice", "bob", "gus"});  // restored, then gus
      CHECK(opened_b[c] == 1);
      CHECK(pa[c] == std::vector<std::string>{"alice", "bob"});
    } else {
      CHECK(pa[c] == std::vector<std::string>{"alice", "bob", "gus"});
      CHECK(pb[c].empty());
    }
  }
  CHECK(taken > 0);  // the joiner took over some partitions
  CHECK(taken < cases.size());
}

TEST_CASE("a changelog that lost its first records: the new owner refuses the partition") {
  TempDir dir;
  Broker broker(1, (dir.path() / "broker.err").string());  // one partition, ~5 MiB kept
  const std::string config = WriteConfig(dir, 1, 2);
  const auto [a, a_err] = InstanceIn(dir, "a");
  const auto [b, b_err] = InstanceIn(dir, "b");
  auto serve_a = StartInstance(broker, config, {a, a_err}, {"--max-batch", "10"});
  // Cases with 20 KB subjects, in rounds the instance consumes before the next: the changelog
  // outgrows what the embedded broker keeps of a partition, which drops its oldest records.
  const std::string subject(20000, 's');
  std::vector<std::string> all;
  for (int round = 0; round < 3; ++round) {
    std::string feed;
    std::vector<std::string> cases;
    const auto now = serve_fixture::Now();
    for (int i = 0; i < 150; ++i) {
      cases.push_back("case-trunc-" + std::to_string(round) + "-" + std::to_string(i));
      feed += serve_fixture::CreateCase(cases.back(), now, subject, std::to_string(i)) + "\n";
    }
    const auto path = dir.path() / ("round" + std::to_string(round) + ".jsonl");
    testing_support::WriteFile(path, feed);
    auto published = ingest_test::Run(
        {serve_fixture::Bin(), "publish", "--brokers", broker.bootstrap, path.string()});
    REQUIRE(published.exit_code == 0);
    REQUIRE(WaitForPages(a, {cases.back()}, 1));
  }
  serve_fixture::StopServe(*serve_a, a_err);
  auto first =
      ingest_test::Run({"/usr/bin/kcat", "-C", "-b", broker.bootstrap, "-t", "escalator.changelog",
                        "-o", "beginning", "-c", "1", "-e", "-q", "-f", "%o %k\\n"});
  REQUIRE(first.exit_code == 0);
  INFO("the changelog now starts at: " << first.out);
  REQUIRE(first.out.rfind("0 ", 0) != 0);  // its first records are gone

  ExpectPartitionRefused(broker, config, {b, b_err}, "escalator.changelog", "misses records 0..");
}

TEST_CASE(
    "a changelog deleted and recreated empty: a new owner with no state refuses the partition") {
  TempDir dir;
  Broker broker(1, (dir.path() / "broker.err").string());
  const std::string config = WriteConfig(dir, 1, 2);
  const auto [a, a_err] = InstanceIn(dir, "a");
  const auto [b, b_err] = InstanceIn(dir, "b");
  auto serve_a = StartInstance(broker, config, {a, a_err});
  const auto cases = PublishCases(broker, dir, "case-gone-", 3);
  REQUIRE(WaitForPages(a, cases, 1));
  serve_fixture::StopServe(*serve_a, a_err);  // the group has committed its offsets
  // What a deleted and recreated changelog reads as: a topic of that role with no records.
  INFO(broker.Control("topic escalator.changelog.recreated 1"));

  ExpectPartitionRefused(broker, config, {b, b_err}, "escalator.changelog.recreated",
                         "was the changelog topic deleted?");
}

TEST_CASE("an instance restarted on its own state reads none of its changelog again") {
  TempDir dir;
  Broker broker(1, (dir.path() / "broker.err").string());
  const std::string config = WriteConfig(dir, 1, 2);
  const std::string a = (dir.path() / "a").string();
  const std::string first_err = (dir.path() / "a1.err").string();
  const std::string second_err = (dir.path() / "a2.err").string();
  std::vector<std::string> cases;
  {
    auto serve = StartInstance(broker, config, {a, first_err});
    cases = PublishCases(broker, dir, "case-again-", 3);
    REQUIRE(WaitForPages(a, cases, 2));
    serve_fixture::StopServe(*serve, first_err);
  }
  auto changelog = ingest_test::Run({"/usr/bin/kcat", "-C", "-b", broker.bootstrap, "-t",
                                     "escalator.changelog", "-e", "-q", "-f", "%k\\n"});
  REQUIRE(changelog.exit_code == 0);
  REQUIRE(Lines(changelog.out).size() >= 2);  // a record per write: the openings, bob's step

  ChildProcess serve(ClusterArgs(broker, config, a), second_err);
  REQUIRE(serve_fixture::WaitForText(second_err, "changelog records", std::chrono::seconds(30)));
  // Every record is below the next number it holds, so none is read.
  CHECK_THAT(testing_support::ReadFile(second_err),
             Catch::Contains("partition 0: restored 0 changelog records (0 read)"));
  serve_fixture::StopServe(serve, second_err);
  for (const auto& c : cases) CHECK(OpenedByCase(a)[c] == 1);
}
