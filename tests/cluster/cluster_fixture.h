// Helpers for the tests of several serve instances (README "Several instances"): a
// configuration whose level-1 cases of many accounts page fast, feeds of such cases spread
// over the partitions by account, serve's arguments with the changelog, and an instance's log
// read while it runs.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/time.h"
#include "tests/cli/serve_fixture.h"

namespace cluster_fixture {

// The account of case number `i` when cases go round `accounts` accounts:
// serve_fixture::kAccount, then 210000000001, 210000000002, ...
std::string AccountOf(int i, int accounts);

// A level-1 CreateCase of `account` (serve_fixture's event, re-keyed).
std::string CaseOf(const std::string& case_id, const std::string& account, base::Timestamp at);

// serve_fixture's configuration (alice at once, bob after `bob_s`, gus after `gus_s`) with
// customers like Northwind (annual, 24x7) for every account AccountOf gives below `accounts`,
// so that all their cases take that fast level-1 policy. Returns its path.
std::string WriteConfig(const testing_support::TempDir& dir, int bob_s = 1, int gus_s = 2,
                        int accounts = 6);

// Writes the feed file of cases `prefix`<from> .. `prefix`<to - 1>, case i of
// AccountOf(i, accounts), all opened at `at`; returns their ids.
std::vector<std::string> WriteCases(const std::filesystem::path& path, const std::string& prefix,
                                    int from, int to, int accounts, base::Timestamp at);

// Sends a feed file with `escalator publish` (REQUIRE: it succeeds).
void PublishFile(const ingest_test::Broker& broker, const std::filesystem::path& path);

// Publishes `n` level-1 cases of six accounts (spread over the partitions), opened now;
// returns their ids.
std::vector<std::string> PublishCases(const ingest_test::Broker& broker,
                                      const testing_support::TempDir& dir,
                                      const std::string& prefix, int n);

// serve's arguments (serve_fixture::ServeArgs) with --changelog-topic escalator.changelog.
std::vector<std::string> ClusterArgs(const ingest_test::Broker& broker, const std::string& config,
                                     const std::string& data);

// One instance's files under a test's directory: its data directory dir/NAME and its stderr
// dir/NAME.err.
struct Instance {
  std::string data;
  std::string err;
};
Instance InstanceIn(const testing_support::TempDir& dir, const std::string& name);

// Starts serve (ClusterArgs, then `extra`) on `instance` and waits up to 30 s for its first
// assignment (REQUIRE).
std::unique_ptr<ingest_test::ChildProcess> StartInstance(
    const ingest_test::Broker& broker, const std::string& config, const Instance& instance,
    const std::vector<std::string>& extra = {});

// Polls `done` every 250 ms until it holds or `limit` passes; whether it held.
bool WaitUntil(const std::function<bool()>& done,
               std::chrono::seconds limit = std::chrono::seconds(60));

// `curl` of serve's /readyz: the body, a newline, then the HTTP status.
std::string Readyz(const std::string& base_url);

// The non-empty lines of `text`.
std::vector<std::string> Lines(const std::string& text);

// `escalator log --data` of an instance's directory. A serve just starting may still be
// creating the log (its column families come one by one): read again, for 5 s at most.
ingest_test::Output ReadLog(const std::string& data);

// The paged engineers of each case in an instance's log, in log order; empty while serve has
// not created the log yet.
std::map<std::string, std::vector<std::string>> PagesByCase(const std::string& data);

// The case_opened events per case in an instance's log.
std::map<std::string, int> OpenedByCase(const std::string& data);

// Polls until every case has `n` pages in the instance's log, or 60 s pass.
bool WaitForPages(const std::string& data, const std::vector<std::string>& cases, size_t n);

}  // namespace cluster_fixture
