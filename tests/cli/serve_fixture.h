// Helpers for tests that run `escalator serve` as a process against the embedded broker: a
// fast level-1 configuration, feed events, serve's arguments, pager devices, the log as JSON.
#pragma once

#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/time.h"
#include "tests/feed/child_process.h"
#include "tests/feed/dev_broker.h"
#include "tests/test_support.h"

namespace serve_fixture {

inline constexpr char kAccount[] = "111122223333";  // annual + 24x7: medialive always covered

std::string Bin();
base::Timestamp Now();

// The sample config with a level-1 policy fast enough for a test and independent of who is
// on call: alice at once, bob after `bob_s` seconds, gus after `gus_s`. `pager_yaml`, when
// given, is appended (a `pager:` section).
std::string WriteConfig(const testing_support::TempDir& dir, int bob_s = 3, int gus_s = 10,
                        const std::string& pager_yaml = "");

// A CreateCase feed event for a level-1 (critical) medialive case opened at `at`.
std::string CreateCase(const std::string& case_id, base::Timestamp at);
// The same with its subject and display id.
std::string CreateCase(const std::string& case_id, base::Timestamp at, const std::string& subject,
                       const std::string& display_id);

// Publishes one feed line with `escalator publish`.
void Publish(const ingest_test::Broker& broker, const testing_support::TempDir& dir,
             const std::string& line);

// serve's arguments with short group timings and 1 s summaries.
std::vector<std::string> ServeArgs(const ingest_test::Broker& b, const std::string& config,
                                   const std::string& data);

// A pager device for one engineer, JSON lines on stdout, ending after one page.
std::unique_ptr<ingest_test::ChildProcess> StartPager(const std::string& endpoint,
                                                      const std::string& engineer, int timeout_s,
                                                      const std::string& err_path);

// Polls a file until it mentions `what`, or `limit` passes.
bool WaitForText(const std::string& path, const std::string& what, std::chrono::seconds limit);

// The case's events (`escalator log --format json`), and those of one type.
std::vector<nlohmann::json> LogOf(const std::string& data, const std::string& case_id);
std::vector<nlohmann::json> OfType(const std::vector<nlohmann::json>& log, const std::string& type);
std::string Dump(const std::vector<nlohmann::json>& log);

// Starts serve with a pager endpoint and waits (30 s at most) for its partitions' assignment.
std::unique_ptr<ingest_test::ChildProcess> StartServe(const ingest_test::Broker& broker,
                                                      const std::string& config,
                                                      const std::string& data,
                                                      const std::string& endpoint,
                                                      const std::string& err);

// A serve with its HTTP side on 127.0.0.1 (a free port), and where to reach it.
struct HttpServe {
  std::unique_ptr<ingest_test::ChildProcess> proc;
  int port = 0;
  std::string base;  // "http://127.0.0.1:PORT"
};

// Starts serve with `--http 127.0.0.1:0` and `extra` arguments, reads the bound port from the
// line serve logs, and (with `wait_assigned`) waits for its partitions' assignment; 30 s at
// most each.
HttpServe StartServeHttp(const ingest_test::Broker& broker, const std::string& config,
                         const std::string& data, const std::string& err,
                         const std::vector<std::string>& extra = {}, bool wait_assigned = true);

// Polls the case's log (read-only, while serve writes it) until it has `n` events of `type`,
// or `limit` passes; returns those found.
std::vector<nlohmann::json> WaitForEvents(const std::string& data, const std::string& case_id,
                                          const std::string& type, size_t n,
                                          std::chrono::seconds limit = std::chrono::seconds(30));

// SIGTERM, then requires exit 0 within 30 s.
void StopServe(ingest_test::ChildProcess& serve, const std::string& err_path);

}  // namespace serve_fixture
