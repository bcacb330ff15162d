// A damaged data directory: serve and the read commands refuse it, naming the file, rather
// than serve from silently older state; a torn last write after a crash still opens (and the
// batch it held is consumed again from Kafka). The directory is a real one: two serve runs (the
// second open flushes the first run's writes into table files), then damaged by hand.
#include <signal.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "store/dir_checks.h"
#include "tests/faults/fault_support.h"

namespace {

using ingest_test::Broker;
using ingest_test::ChildProcess;
using testing_support::TempDir;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

// Files in `dir` whose name ends with `ext`, largest first.
std::vector<fs::path> FilesOf(const std::string& dir, const std::string& ext) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0 &&
        name != "LOG") {
      out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end(), [](const fs::path& a, const fs::path& b) {
    return fs::file_size(a) > fs::file_size(b);
  });
  return out;
}

// Runs serve to the end of the topic on `data`.
ingest_test::Output ServeToEnd(const Broker& broker, const std::string& config,
                               const std::string& data) {
  auto args = serve_fixture::ServeArgs(broker, config, data);
  args.push_back("--exit-when-caught-up");
  return ingest_test::Run(args, 60);
}

// serve and `escalator log` on `data` both refuse, naming `file`.
void CheckRefused(const Broker& broker, const std::string& config, const std::string& data,
                  const std::string& file, const std::string& why) {
  auto serve = ServeToEnd(broker, config, data);
  INFO("serve stderr: " << serve.err);
  CHECK(serve.exit_code != 0);
  CHECK_THAT(serve.err, Catch::Contains(file));
  CHECK_THAT(serve.err, Catch::Contains(why));
  CHECK_THAT(serve.err, Catch::Contains("refusing to start"));
  auto log = ingest_test::Run({serve_fixture::Bin(), "log", "--data", data, "--format", "json"});
  INFO("log stderr: " << log.err);
  CHECK(log.exit_code != 0);
  CHECK(log.out.empty());
  CHECK_THAT(log.err, Catch::Contains(file));
}

}  // namespace

TEST_CASE(
    "a damaged data directory: a truncated or missing WAL, a missing table file and a "
    "corrupt WAL record are refused, naming the file; a torn last write opens",
    "[faults][corrupt]") {
  TempDir dir;
  const std::string d = dir.str();
  Broker broker(1, d + "/broker.err");
  const std::string config = serve_fixture::WriteConfig(dir, 600, 1200);
  const std::string data = d + "/data";
  faults::PublishAll(broker, dir, faults::Cases("case-111122223333-first", 30));
  auto first = ServeToEnd(broker, config, data);
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  faults::PublishAll(broker, dir, faults::Cases("case-111122223333-second", 30));
  auto second = ServeToEnd(broker, config, data);
  INFO(second.err);
  REQUIRE(second.exit_code == 0);
  REQUIRE(FilesOf(data, ".sst").size() >= 1);  // the first run's writes, flushed on reopen
  const auto wals = FilesOf(data, ".log");
  REQUIRE(wals.size() >= 1);
  REQUIRE(fs::file_size(wals[0]) > 0);  // the second run's writes
  REQUIRE(fs::exists(fs::path(data) / store::kWalRecordName));
  const auto copy = [&](const std::string& name) {
    const std::string to = d + "/" + name;
    fs::copy(data, to, fs::copy_options::recursive);
    return to;
  };

  {
    INFO("a WAL cut in the middle after a clean stop");
    const std::string damaged = copy("cut-wal");
    const fs::path wal = fs::path(damaged) / wals[0].filename();
    fs::resize_file(wal, fs::file_size(wal) / 2);
    CheckRefused(broker, config, damaged, wal.string(), "truncated");
  }
  {
    INFO("a WAL deleted after a clean stop");
    const std::string damaged = copy("no-wal");
    const fs::path wal = fs::path(damaged) / wals[0].filename();
    fs::remove(wal);
    CheckRefused(broker, config, damaged, wal.string(), "missing");
  }
  {
    INFO("a missing table file");
    const std::string damaged = copy("no-sst");
    const fs::path sst = fs::path(damaged) / FilesOf(data, ".sst")[0].filename();
    fs::remove(sst);
    CheckRefused(broker, config, damaged, sst.string(), "missing");
  }
  {
    INFO("a corrupt record in the middle of the WAL");
    const std::string damaged = copy("flipped-wal");
    const fs::path wal = fs::path(damaged) / wals[0].filename();
    {
      std::fstream f(wal, std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(static_cast<std::streamoff>(fs::file_size(wal) / 2));
      f.write("\xde\xad\xbe\xef", 4);
    }
    CheckRefused(broker, config, damaged, wal.string(), "Corruption");
  }
  {
    INFO("recovery: the damaged directory moved aside, serve rebuilds an empty one from Kafka");
    // An acknowledgement on the commands topic: the rebuild knows that case was answered.
    const std::string acked = "case-111122223333-first-0";
    auto ack = ingest_test::Run({serve_fixture::Bin(), "ack", "--brokers", broker.bootstrap,
                                 "--case", acked, "--engineer", "alice"});
    INFO(ack.err);
    REQUIRE(ack.exit_code == 0);
    // First without a pager: every page the history decided waits in the outbox.
    const std::string rebuilt = d + "/rebuilt";
    auto r = ServeToEnd(broker, config, rebuilt);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.err, Catch::Contains("support.cases[0]@beginning"));
    auto opened = faults::OpenedInLog(rebuilt);
    REQUIRE(opened);
    faults::CheckExactlyOnce(*opened, faults::TopicCases(broker));
    CHECK(serve_fixture::OfType(serve_fixture::LogOf(rebuilt, acked), "acknowledged").size() == 1);
    // Then with one: the answered case's page is dropped, not sent; the others go out.
    const std::string err = d + "/rebuilt.err";
    auto serve =
        serve_fixture::StartServe(broker, config, rebuilt, "ipc://" + d + "/rebuilt.sock", err);
    CHECK(serve_fixture::WaitForText(err, "1 page(s) not sent: their case was answered", 10s));
    serve_fixture::StopServe(*serve, err);
    auto log = serve_fixture::LogOf(rebuilt, acked);
    INFO(serve_fixture::Dump(log));
    CHECK(serve_fixture::OfType(log, "page_superseded").size() == 1);
    CHECK(serve_fixture::OfType(serve_fixture::LogOf(rebuilt, "case-111122223333-first-1"),
                                "page_superseded")
              .empty());
  }
  {
    INFO("a torn last write after a crash opens; the batch it held comes again from Kafka");
    const std::string crashed = copy("crashed");
    auto serve = serve_fixture::StartServe(broker, config, crashed, "ipc://" + d + "/pager.sock",
                                           d + "/crash.err");
    faults::PublishAll(broker, dir, faults::Cases("case-111122223333-third", 10));
    REQUIRE(faults::WaitForOpened(crashed, 70, 30s) == 70);
    serve->Signal(SIGKILL);
    REQUIRE(serve->Wait(10s));
    // No clean close: no record of the WAL's size, and its last record is torn.
    REQUIRE_FALSE(fs::exists(fs::path(crashed) / store::kWalRecordName));
    const auto live = FilesOf(crashed, ".log");
    REQUIRE(live.size() >= 1);
    fs::resize_file(live[0], fs::file_size(live[0]) - 7);
    auto r = ServeToEnd(broker, config, crashed);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto opened = faults::OpenedInLog(crashed);
    REQUIRE(opened);
    faults::CheckExactlyOnce(*opened, faults::TopicCases(broker));
  }
}
