// Proves what only the simulated log has: a crash drops exactly the unsynced batches, whole and
// newest first; an injected write failure writes nothing; the counters count; runs replay exactly.
#include "store/sim_log.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "store/event_log.h"
#include "tests/store/log_test_support.h"

namespace {

using log_test::Events;
using log_test::KeyValues;
using log_test::OpenOk;
using log_test::ReadAll;
using log_test::Rows;
using log_test::SimPlace;
using store::Batch;
using store::Family;
using store::SimDisk;

// Every family's keys and values: the whole observable state of a log.
std::vector<KeyValues> Everything(const store::EventLog& log) {
  std::vector<KeyValues> out;
  for (Family f : store::kFamilies) out.push_back(log_test::ScanAll(log, f));
  return out;
}

// Events under `index_key`, a projection put, and a delete of `gone`.
Batch Step(std::string name, std::string index_key, std::string gone = "") {
  Batch b = Events({name + ".1", name + ".2"}, std::move(index_key));
  b.puts.push_back({Family::kProjections, "p", name});
  b.puts.push_back({Family::kTimers, "t-" + name, name});
  if (!gone.empty()) b.puts.push_back({Family::kTimers, gone, std::nullopt});
  return b;
}

TEST_CASE("a crash drops exactly the unsynced batches, whole, and keeps the synced ones") {
  // Given one synced batch, then two unsynced ones that overwrite and delete its puts.
  SimPlace place;
  std::vector<KeyValues> synced;
  {
    auto log = OpenOk(place);
    REQUIRE(log->Append(Step("a", "case-1")).ok());
    synced = Everything(*log);
  }
  CHECK(place.disk.unsynced_batches() == 0);
  auto log = OpenOk(place, {.sync = false});
  REQUIRE(log->Append(Step("b", "case-1", "t-a")).ok());
  REQUIRE(log->Append(Step("c", "case-2")).ok());
  CHECK(log->next_seq() == 7);
  CHECK(log->Get(Family::kProjections, "p")->value_or("") == "c");
  CHECK(place.disk.unsynced_batches() == 2);

  // When the power goes.
  place.disk.Crash();
  log.reset();

  // Then the reopened log is the synced one, byte for byte: events, index, puts, deletes
  // undone, bounds record.
  log = OpenOk(place);
  CHECK(log->next_seq() == 3);
  CHECK(Everything(*log) == synced);
  CHECK(ReadAll(*log) == Rows{{1, "a.1"}, {2, "a.2"}});
  CHECK(log->Get(Family::kTimers, "t-a")->value_or("") == "a");
  CHECK(place.disk.counters().crashes == 1);
  CHECK(place.disk.counters().unsynced_batches_dropped == 2);
  CHECK(place.disk.unsynced_batches() == 0);
  // The log goes on from where the disk says.
  CHECK(log->Append(Events({"d"})).value() == 3);
}

TEST_CASE("a crash keeping some unsynced batches keeps the oldest, whole") {
  SimPlace place;
  std::vector<std::vector<KeyValues>> after;  // the state after each batch
  auto log = OpenOk(place, {.sync = false});
  for (std::string name : {"a", "b", "c"}) {
    REQUIRE(log->Append(Step(name, "case-" + name, "t-a")).ok());
    after.push_back(Everything(*log));
  }
  place.disk.Crash(/*keep_unsynced=*/2);
  log = OpenOk(place, {.sync = false});
  CHECK(Everything(*log) == after[1]);
  CHECK(log->next_seq() == 5);
  CHECK(place.disk.counters().unsynced_batches_dropped == 1);

  // What a crash kept is durable: the next crash cannot take it.
  place.disk.Crash();
  log = OpenOk(place);
  CHECK(Everything(*log) == after[1]);

  // Keeping more than there is keeps everything.
  log = nullptr;
  log = OpenOk(place, {.sync = false});
  REQUIRE(log->Append(Step("d", "case-d")).ok());
  const auto all = Everything(*log);
  place.disk.Crash(/*keep_unsynced=*/10);
  log = OpenOk(place);
  CHECK(Everything(*log) == all);
  CHECK(place.disk.counters().crashes == 3);
  CHECK(place.disk.counters().unsynced_batches_dropped == 1);
}

TEST_CASE("a synced append or Sync makes earlier writes durable; Flush and closing do not") {
  SimPlace place;
  {
    auto log = OpenOk(place, {.sync = false});
    REQUIRE(log->Append(Events({"a"})).ok());
    REQUIRE(log->Flush().ok());
  }
  // Closed cleanly, as a killed process leaves its WAL: still unsynced.
  CHECK(place.disk.unsynced_batches() == 1);
  {
    auto log = OpenOk(place);  // sync = true: fsyncs the WAL, which holds "a" too
    CHECK(ReadAll(*log) == Rows{{1, "a"}});
    REQUIRE(log->Append(Events({"b"})).ok());
    CHECK(place.disk.unsynced_batches() == 0);
  }
  {
    auto log = OpenOk(place, {.sync = false});
    REQUIRE(log->Append(Events({"c"})).ok());
    place.disk.Sync();
    CHECK(place.disk.unsynced_batches() == 0);
    REQUIRE(log->Append(Events({"d"})).ok());
  }
  place.disk.Crash();
  auto log = OpenOk(place);
  CHECK(ReadAll(*log) == Rows{{1, "a"}, {2, "b"}, {3, "c"}});
  CHECK(place.disk.counters().unsynced_batches_dropped == 1);
}

TEST_CASE("a failed Append writes nothing, and the one after it succeeds") {
  SimPlace place;
  auto log = OpenOk(place);
  REQUIRE(log->Append(Step("a", "case-1")).ok());
  const auto before = Everything(*log);

  place.disk.FailNextWrites(2);
  // Batches that reach no disk leave the count alone: an empty one, an invalid one.
  CHECK(log->Append(Batch{}).value() == 3);
  Batch invalid = Events({"x"});
  invalid.puts.push_back({Family::kLog, store::EncodeSeq(3), "forged"});
  CHECK(log->Append(invalid).status().code() == base::Code::kInvalidInput);
  for (int i = 0; i < 2; ++i) {
    auto r = log->Append(Step("b", "case-1", "t-a"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == base::Code::kIoError);
  }
  CHECK(Everything(*log) == before);
  CHECK(log->next_seq() == 3);
  CHECK(place.disk.unsynced_batches() == 0);
  CHECK(place.disk.counters().writes_failed == 2);

  CHECK(log->Append(Step("b", "case-1", "t-a")).value() == 3);
  CHECK(log_test::ReadIndexedRows(*log, "case-1") ==
        Rows{{1, "a.1"}, {2, "a.2"}, {3, "b.1"}, {4, "b.2"}});
  CHECK(place.disk.counters().writes_failed == 2);
  REQUIRE(store::VerifyLog(*log).ok());
}

TEST_CASE("a write-behind log retries a failed write, reporting each failure") {
  // As RocksDbLog's writer thread: the caller has moved on, so the write cannot give up.
  SimPlace place;
  std::vector<std::string> reported;
  store::Options options;
  options.write_behind = true;
  options.on_write_error = [&](const base::Status& s) { reported.push_back(s.ToString()); };
  auto log = OpenOk(place, options);
  place.disk.FailNextWrites(3);
  CHECK(log->Append(Events({"a"})).value() == 1);
  CHECK(reported.size() == 3);
  CHECK(ReadAll(*log) == Rows{{1, "a"}});
  CHECK(place.disk.counters().writes_failed == 3);
}

TEST_CASE("a log over a crashed disk refuses every call, and a new one opens") {
  SimPlace place;
  auto old_log = OpenOk(place);
  REQUIRE(old_log->Append(Events({"a"}, "k")).ok());
  store::Options read_only;
  read_only.read_only = true;
  auto reader = OpenOk(place, read_only);
  place.disk.Crash();

  for (const store::EventLog* log : {old_log.get(), reader.get()}) {
    CHECK(log->Read(0, 10, [](auto, auto) { return true; }).code() == base::Code::kUnavailable);
    CHECK(log->ReadIndexed("k", [](auto, auto) { return true; }).code() ==
          base::Code::kUnavailable);
    CHECK(log->Get(Family::kMeta, "x").status().code() == base::Code::kUnavailable);
    CHECK(log->Scan(Family::kMeta, "", [](auto, auto) { return true; }).code() ==
          base::Code::kUnavailable);
  }
  CHECK(old_log->Append(Events({"b"})).status().code() == base::Code::kUnavailable);
  CHECK(old_log->Flush().code() == base::Code::kUnavailable);

  // The crash released the old log's hold on the disk, and destroying the old log later
  // does not release the new one's.
  auto log = OpenOk(place);
  CHECK(ReadAll(*log) == Rows{{1, "a"}});
  old_log.reset();
  CHECK(place.Open().status().code() == base::Code::kUnavailable);
}

TEST_CASE("a read-only log reads the disk as it was when opened, and cannot write") {
  SimPlace place;
  store::Options read_only;
  read_only.read_only = true;
  CHECK(place.Open(read_only).status().code() == base::Code::kNotFound);
  CHECK(place.Open({.create_if_missing = false}).status().code() == base::Code::kNotFound);

  auto writer = OpenOk(place, {.sync = false});
  REQUIRE(writer->Append(Events({"a"}, "k")).ok());
  auto reader = OpenOk(place, read_only);  // takes no hold on the disk
  REQUIRE(writer->Append(Events({"b"}, "k")).ok());
  CHECK(ReadAll(*reader) == Rows{{1, "a"}});
  CHECK(reader->next_seq() == 2);
  auto refused = reader->Append(Events({"c"}));
  CHECK(refused.status().code() == base::Code::kInvalidInput);
  CHECK(ReadAll(*OpenOk(place, read_only)).size() == 2);
}

// A seeded run of appends, write failures, crashes and reopens. Checks after every step that
// the log holds exactly the acknowledged batches a crash could not take: all synced ones,
// then the unsynced ones up to where the crash cut, each batch whole.
struct RunResult {
  Rows rows;
  SimDisk::Counters counters;
};
RunResult SimulateRun(uint32_t seed) {
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  SimDisk disk;
  Rows expected;                   // what the log must hold
  size_t durable = 0;              // expected[0, durable) survives any crash
  std::vector<size_t> batch_ends;  // expected.size() after each unsynced batch, oldest first
  bool sync = rng() % 2 == 0;
  auto log = store::SimLog::Open(disk, {.sync = sync}).value();
  for (int step = 0; step < 400; ++step) {
    INFO("step " << step);
    const auto action = rng() % 20;
    if (action == 0) {
      const uint64_t keep = rng() % 3;
      disk.Crash(keep);
      const size_t kept = std::min<size_t>(keep, batch_ends.size());
      if (kept > 0) durable = batch_ends[kept - 1];
      expected.resize(durable);
      batch_ends.clear();
      log.reset();
      sync = rng() % 2 == 0;
      log = store::SimLog::Open(disk, {.sync = sync}).value();
    } else if (action == 1) {
      disk.FailNextWrites(rng() % 3);
    } else if (action == 2) {
      log.reset();  // a clean close (or a kill): nothing is lost without a crash
      log = store::SimLog::Open(disk, {.sync = sync}).value();
    } else {
      std::vector<std::string> events;
      for (auto n = rng() % 4; n > 0; --n) events.push_back(std::to_string(rng()));
      const uint64_t first = log->next_seq();
      auto r = log->Append(Events(events, "k" + std::to_string(rng() % 3)));
      if (r.ok()) {
        for (size_t i = 0; i < events.size(); ++i) expected.emplace_back(first + i, events[i]);
        if (events.empty()) {
          // An empty batch writes nothing, so it syncs nothing either.
        } else if (sync) {
          durable = expected.size();
          batch_ends.clear();
        } else {
          batch_ends.push_back(expected.size());
        }
      } else {
        REQUIRE(r.status().code() == base::Code::kIoError);
      }
    }
    REQUIRE(ReadAll(*log) == expected);
    REQUIRE(log->next_seq() == expected.size() + 1);
    REQUIRE(disk.unsynced_batches() == batch_ends.size());
  }
  return {ReadAll(*log), disk.counters()};
}

TEST_CASE("a seeded run of crashes and failures keeps every synced batch, and replays exactly") {
  for (uint32_t seed : {1u, 2u, 3u, 4u}) {
    const RunResult first = SimulateRun(seed);
    const RunResult again = SimulateRun(seed);
    CHECK(first.rows == again.rows);
    CHECK(first.counters.crashes == again.counters.crashes);
    CHECK(first.counters.writes_failed == again.counters.writes_failed);
    CHECK(first.counters.unsynced_batches_dropped == again.counters.unsynced_batches_dropped);
    CHECK(first.counters.crashes > 0);
    CHECK(first.counters.writes_failed > 0);
  }
}

}  // namespace
