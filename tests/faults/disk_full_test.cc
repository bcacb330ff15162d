// A full disk under a running serve: its data directory on a small tmpfs that the test fills
// to the last byte while the feed keeps arriving, then frees.
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/faults/fault_support.h"

namespace {

using ingest_test::Broker;
using testing_support::TempDir;
using namespace std::chrono_literals;

}  // namespace

// Hidden from ctest ("[.]"; run it with `fault_tests "[disk]"`): on a full disk serve can still
// die on RocksDB 7.8's assertion `sync_without_flush_called_` (a write handed to the WAL
// writer that failed; facebook/rocksdb#12448). Retrying only after a flush made it rarer, not
// gone: the fresh-clone ops/test of c6250ae hit it once. Issue 19 stays open on it.
TEST_CASE(
    "disk full: serve stops consuming, says why once per interval, is not ready; resumes "
    "by itself with nothing lost",
    "[.][faults][disk]") {
  const auto started = std::chrono::steady_clock::now();
  TempDir dir;
  const std::string d = dir.str();
  const std::string err = d + "/serve.err";
  Broker broker(1, d + "/broker.err");
  // Steps far off: the log moves only for the feed.
  const std::string config =
      serve_fixture::WriteConfig(dir, 600, 1200, "http: {read_open: true, ready_lag: 5}\n");
  // 71 MiB, from two RocksDB rules (7.8; measured here): it resumes writing by itself only once
  // 64 MiB (a write buffer) are free, and it preallocates 70.4 MiB for a WAL file at its first
  // append, when the MANIFEST's 4 MiB preallocation is already there. Free then: ~67 MiB, so
  // the preallocation fails and the WAL's appends meet the full disk (a preallocated WAL would
  // take 70 MiB before failing); free once the filler is gone: ~66.8 MiB, over 64.
  faults::SmallDisk disk(dir.path() / "small", 71);
  const std::string data = (disk.dir() / "data").string();
  std::vector<std::string> extra = {"--max-batch", "5"};
  if (!disk.mounted()) extra.insert(extra.end(), {"--fault-disk-full-flag", disk.flag()});
  auto serve = serve_fixture::StartServeHttp(broker, config, data, err, extra);
  INFO("serve stderr:\n" << testing_support::ReadFile(err));

  std::vector<std::string> before = faults::Cases("case-111122223333-before", 20);
  faults::PublishAll(broker, dir, before);
  REQUIRE(faults::WaitForOpened(data, 20, 30s) == 20);
  REQUIRE(faults::WaitForStatus(serve.base + "/readyz", 200, 30s).status == 200);

  const uint64_t filled = disk.Fill();
  std::printf("disk full: filled %llu bytes\n", static_cast<unsigned long long>(filled));
  const auto full_at = std::chrono::steady_clock::now();
  // One case per publish: several batches arrive while the disk is full.
  for (int i = 0; i < 12; ++i) {
    serve_fixture::Publish(broker, dir,
                           serve_fixture::CreateCase("case-111122223333-full-" + std::to_string(i),
                                                     serve_fixture::Now()));
  }
  REQUIRE(serve_fixture::WaitForText(err, "store: cannot write the event log", 30s));
  CHECK(serve.proc->running());

  // Not ready, naming the store; alive.
  faults::Reply ready = faults::WaitForStatus(serve.base + "/readyz", 503, 10s);
  INFO("/readyz: " << ready.body);
  CHECK(ready.status == 503);
  CHECK_THAT(ready.body, Catch::Contains("the store cannot write the event log"));
  CHECK_THAT(ready.body, Catch::Contains(disk.mounted() ? "No space left" : "fault injection"));
  CHECK(faults::Get(serve.base + "/healthz").status == 200);
  faults::Reply metrics = faults::Get(serve.base + "/metrics");
  CHECK_THAT(metrics.body, Catch::Contains("escalator_store_write_failures_total"));

  // Stalled: the log stops growing, and the group's committed offset never passes what the log
  // holds durably (each case is one message and one case_opened event).
  std::this_thread::sleep_for(3s);
  std::string log_err;
  auto stalled = faults::OpenedInLog(data, &log_err);
  INFO("escalator log on the full disk: " << log_err);
  REQUIRE(stalled);
  std::this_thread::sleep_for(2s);
  auto still = faults::OpenedInLog(data);
  REQUIRE(still);
  CHECK(still->size() == stalled->size());
  CHECK(stalled->size() < 32);
  const int64_t committed =
      faults::CommittedOffset(broker.bootstrap, "escalator", "support.cases", 0);
  std::printf("disk full: %zu cases durable, the group committed offset %lld\n", stalled->size(),
              static_cast<long long>(committed));
  CHECK(committed <= static_cast<int64_t>(stalled->size()));

  // Logged once per interval (10 s), not once per retry (every 2 s at most).
  const double full_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - full_at).count();
  const std::string text = testing_support::ReadFile(err);
  const size_t lines = faults::CountLines(text, "store: cannot write the event log");
  std::printf("disk full: %zu error line(s) in %.1f s of full disk\n", lines, full_s);
  CHECK(lines >= 1);
  CHECK(lines <= 1 + static_cast<size_t>(full_s / 10));

  // Space returns: serve resumes by itself.
  disk.Free();
  const auto freed_at = std::chrono::steady_clock::now();
  const bool resumed = serve_fixture::WaitForText(err, "store: writes succeed again", 30s);
  INFO("serve stderr after the space returned:\n" << testing_support::ReadFile(err));
  REQUIRE(resumed);
  REQUIRE(faults::WaitForStatus(serve.base + "/readyz", 200, 30s).status == 200);
  std::printf("disk full: ready again %.1f s after the space returned\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - freed_at).count());
  faults::PublishAll(broker, dir, faults::Cases("case-111122223333-after", 10));
  REQUIRE(faults::WaitForOpened(data, 42, 30s) == 42);
  serve_fixture::StopServe(*serve.proc, err);

  // Every case on the topic (kcat) is in the log exactly once, read after a clean stop (the
  // WAL written across the failure replays whole), and serve starts again on it.
  auto opened = faults::OpenedInLog(data, &log_err);
  INFO(log_err);
  REQUIRE(opened);
  faults::CheckExactlyOnce(*opened, faults::TopicCases(broker));
  CHECK(opened->size() == 42);
  auto again = serve_fixture::ServeArgs(broker, config, data);
  again.push_back("--exit-when-caught-up");
  auto r = ingest_test::Run(again, 60);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  std::printf("disk full test: %.0f s\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
}
