// A full disk under a running serve: its data directory on a small tmpfs that the test fills
// to the last byte while the feed keeps arriving, then frees. Twice: with serve's free-space
// check (the default), which holds writes before RocksDB meets the full disk, and without it,
// where the write fails in RocksDB and serve opens its store again before retrying
// (store/rocksdb_log.cc, WriteUntilWritten). The second takes serve's fault injection, not the
// tmpfs: there, opening the store again frees what RocksDB preallocated for its MANIFEST
// (4 MiB), and serve writes the rest of the feed beside the filler (measured), which is right
// but is not a full disk any more; the flag keeps every write failing, the reopens' included.
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

// Polls `url` until its body contains `text` (bounded); returns the last body.
std::string WaitForBody(const std::string& url, const std::string& text,
                        std::chrono::seconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  std::string body;
  do {
    body = faults::Get(url).body;
    if (body.find(text) != std::string::npos) break;
    std::this_thread::sleep_for(100ms);
  } while (std::chrono::steady_clock::now() < until);
  return body;
}

// With check_space, serve runs with its default free-space check (--min-free-mib 64) on the
// tmpfs if it mounts; without, with --min-free-mib 0 and the fault injection's flag.
void RunDiskFull(bool check_space) {
  const auto started = std::chrono::steady_clock::now();
  TempDir dir;
  const std::string d = dir.str();
  const std::string err = d + "/serve.err";
  Broker broker(1, d + "/broker.err");
  // Steps far off: the log moves only for the feed.
  const std::string config =
      serve_fixture::WriteConfig(dir, 600, 1200, "http: {read_open: true, ready_lag: 5}\n");
  // 71 MiB: room for the log and the 64 MiB serve keeps free by default, before the filler and
  // once it is gone (~67 and ~66.8 MiB free, measured; the MANIFEST preallocates 4 MiB), but not
  // while it is there.
  faults::SmallDisk disk(dir.path() / "small", 71, /*may_mount=*/check_space);
  const std::string data = (disk.dir() / "data").string();
  std::vector<std::string> extra = {"--max-batch", "5"};
  if (!check_space) extra.insert(extra.end(), {"--min-free-mib", "0"});
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

  // Not ready, naming the store and why: the check's reading of the disk, or RocksDB's error
  // (ENOSPC, or the fault injection's). Alive.
  faults::Reply ready = faults::WaitForStatus(serve.base + "/readyz", 503, 10s);
  CHECK(ready.status == 503);
  const std::string why = check_space      ? "disk full: " + data + " has "
                          : disk.mounted() ? "No space left"
                                           : "fault injection";
  ready.body = WaitForBody(serve.base + "/readyz", why, 10s);
  INFO("/readyz: " << ready.body);
  CHECK_THAT(ready.body, Catch::Contains("the store cannot write the event log"));
  CHECK_THAT(ready.body, Catch::Contains(why));
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
  // Still not ready; why, after these seconds (without the check: the store cannot be opened
  // again while the disk is full).
  faults::Reply later = faults::Get(serve.base + "/readyz");
  CHECK(later.status == 503);
  std::printf("disk full: /readyz after %.1f s of full disk: %s\n", full_s, later.body.c_str());

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

}  // namespace

TEST_CASE(
    "disk full: serve stops consuming before RocksDB meets the full disk, says why once per "
    "interval, is not ready; resumes by itself with nothing lost",
    "[faults][disk]") {
  RunDiskFull(/*check_space=*/true);
}

TEST_CASE(
    "disk full with no free-space check: the write fails in RocksDB, serve stays up and not "
    "ready, opens its store again once there is space, and resumes with nothing lost",
    "[faults][disk]") {
  RunDiskFull(/*check_space=*/false);
}
