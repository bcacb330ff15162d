// Proves what only the RocksDB log has (event_log_contract_test.cc runs the shared contract):
// WAL replay, column families on disk, kCorruption for damaged raw keys, write-behind, read-only.
#include "store/event_log.h"

#include <rocksdb/db.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "ops/bench/store_batches.h"
#include "tests/store/log_test_support.h"
#include "tests/test_support.h"

namespace {

using log_test::Events;
using log_test::kPutFamilies;
using log_test::ReadAll;
using log_test::Rows;
using store::Batch;
using store::EventLog;
using store::Family;

std::unique_ptr<EventLog> OpenOk(const std::string& dir, store::Options options = {}) {
  auto log = EventLog::Open(dir, options);
  INFO(log.status().ToString());
  REQUIRE(log.ok());
  return std::move(log).value();
}

// Opens the directory with plain RocksDB and every column family in it, to damage it.
struct RawDb {
  explicit RawDb(const std::string& dir) {
    std::vector<std::string> names;
    REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (auto& n : names) descriptors.emplace_back(n, rocksdb::ColumnFamilyOptions());
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open(rocksdb::DBOptions(), dir, descriptors, &handles, &raw).ok());
    db.reset(raw);
    for (size_t i = 0; i < names.size(); ++i) by_name[names[i]] = handles[i];
  }
  ~RawDb() {
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  }
  rocksdb::ColumnFamilyHandle* cf(std::string_view name) { return by_name.at(std::string(name)); }
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  std::map<std::string, rocksdb::ColumnFamilyHandle*> by_name;
};

TEST_CASE("sequence numbers encode big-endian and sort numerically") {
  CHECK(store::EncodeSeq(1) == std::string("\0\0\0\0\0\0\0\x01", 8));
  CHECK(store::EncodeSeq(0x0102030405060708ull) == "\x01\x02\x03\x04\x05\x06\x07\x08");
  CHECK(store::DecodeSeq(store::EncodeSeq(0xfedcba9876543210ull)) == 0xfedcba9876543210ull);
  CHECK(store::EncodeSeq(255) < store::EncodeSeq(256));
}

TEST_CASE("a reopen replays from the WAL batches that span many WAL blocks") {
  testing_support::TempDir d;
  std::vector<std::string> appended;
  uint32_t noise = 12345;
  {
    auto log = OpenOk(d.str());
    for (int batch = 0; batch < 3; ++batch) {
      // ~330 KiB per batch, ten 32 KiB WAL blocks, half repeated text and half 4-bit noise.
      std::vector<std::string> events;
      for (int i = 0; i < 300; ++i) {
        std::string e = "{\"case\":\"case-" + std::to_string(batch * 1000 + i) + "\",\"why\":\"";
        while (e.size() < 500) e += "on call in enterprise-support (layer-1) ";
        for (int k = 0; k < 600; ++k) {
          noise = noise * 1103515245u + 12345u;
          e.push_back(static_cast<char>('a' + (noise >> 16) % 16));
        }
        events.push_back(e);
        appended.push_back(e);
      }
      REQUIRE(log->Append(Events(std::move(events), "k")).ok());
    }
  }
  // Closed without a flush, so the batches live only in the WAL and the reopen below
  // must read them back from it.
  size_t tables = 0;
  for (const auto& entry : std::filesystem::directory_iterator(d.path())) {
    if (entry.path().extension() == ".sst") ++tables;
  }
  REQUIRE(tables == 0);

  store::Options options;
  options.create_if_missing = false;
  auto log = OpenOk(d.str(), options);
  auto rows = ReadAll(*log);
  REQUIRE(rows.size() == appended.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    CHECK(rows[i].first == i + 1);
    CHECK(rows[i].second == appended[i]);
  }
}

// Debian's RocksDB 7.8.3 with WAL compression could not reopen this log ("Corruption: bad
// WriteBatch Put"), as store_bench found; store::LogDbOptions keeps the WAL plain because of it.
TEST_CASE("a log of a million events in batches of 1,024 cases, unsynced, reopens whole") {
  testing_support::TempDir d;
  constexpr uint64_t kEvents = 1'000'000;
  const auto batches = store_batches::MakeBatches(1024);
  uint64_t appended = 0;
  {
    store::Options options;
    options.sync = false;
    auto log = OpenOk(d.str(), options);
    for (size_t i = 0; appended < kEvents; ++i) {
      const Batch& b = batches[i % batches.size()];
      REQUIRE(log->Append(b).ok());
      appended += b.events.size();
    }
  }
  store::Options options;
  options.check = store::OpenCheck::kBounds;
  auto log = OpenOk(d.str(), options);
  CHECK(log->next_seq() == appended + 1);
}

TEST_CASE("opening creates missing parent directories") {
  testing_support::TempDir dir;
  const std::string nested = (dir.path() / "a" / "b" / "data").string();
  auto log = OpenOk(nested);
  REQUIRE(log->Append(Events({"a"})).ok());
  log.reset();
  CHECK(OpenOk(nested)->next_seq() == 2);
}

TEST_CASE(
    "timers and index (vector memtables) read unflushed writes in key order, deletes applied") {
  // Their memtables keep writes in arrival order until flushed (store::LogCfOptions): a
  // scan must still see keys sorted, the last write of a key winning.
  testing_support::TempDir dir;
  std::map<std::string, std::string> want;
  int case3_events = 0;
  {
    auto log = OpenOk(dir.str(), {.sync = false, .write_behind = true});
    std::mt19937 rng(7);
    for (int b = 0; b < 50; ++b) {
      Batch batch;
      for (int i = 0; i < 40; ++i) {
        std::string key = "t" + std::to_string(rng() % 300);
        if (rng() % 4 == 0) {
          batch.puts.push_back({Family::kTimers, key, std::nullopt});
          want.erase(key);
        } else {
          std::string value = std::to_string(b) + "." + std::to_string(i);
          batch.puts.push_back({Family::kTimers, key, value});
          want[key] = value;
        }
        const auto c = rng() % 20;
        case3_events += c == 3;
        batch.events.push_back({"e", "case-" + std::to_string(c)});
      }
      REQUIRE(log->Append(std::move(batch)).ok());
    }
    REQUIRE(log->Flush().ok());
    std::map<std::string, std::string> got;
    std::string last;
    REQUIRE(log->Scan(Family::kTimers, "",
                      [&](std::string_view k, std::string_view v) {
                        CHECK(std::string(k) > last);
                        last = k;
                        got.emplace(k, v);
                        return true;
                      })
                .ok());
    CHECK(got == want);
    int n = 0;
    REQUIRE(log->ReadIndexed("case-3", [&](uint64_t, std::string_view) { return ++n, true; }).ok());
    CHECK(n == case3_events);
  }
  auto log = OpenOk(dir.str());  // the same, replayed from the WAL
  std::map<std::string, std::string> got;
  REQUIRE(log->Scan(Family::kTimers, "",
                    [&](std::string_view k, std::string_view v) {
                      got.emplace(k, v);
                      return true;
                    })
              .ok());
  CHECK(got == want);
}

TEST_CASE("readers running beside the appender always see a gap-free prefix of whole batches") {
  testing_support::TempDir dir;
  auto log = OpenOk(dir.str(), {.sync = false});
  constexpr int kBatches = 300, kPerBatch = 5;
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::thread reader([&] {
    while (!done.load()) {
      uint64_t expected = 1;
      auto s = log->Read(1, UINT64_MAX, [&](uint64_t seq, std::string_view) {
        if (seq != expected) bad++;
        expected = seq + 1;
        return true;
      });
      if (!s.ok() || (expected - 1) % kPerBatch != 0) bad++;
      size_t indexed = 0;
      s = log->ReadIndexed("all", [&](uint64_t, std::string_view) { return ++indexed, true; });
      if (!s.ok() || indexed % kPerBatch != 0) bad++;
    }
  });
  for (int i = 0; i < kBatches; ++i) {
    std::vector<std::string> events(kPerBatch, "x");
    REQUIRE(log->Append(Events(events, "all")).ok());
  }
  done = true;
  reader.join();
  CHECK(bad.load() == 0);
  CHECK(log->next_seq() == kBatches * kPerBatch + 1);
}

TEST_CASE("an existing database with unknown extra column families still opens") {
  testing_support::TempDir dir;
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open(options, dir.str(), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    rocksdb::ColumnFamilyHandle* h = nullptr;
    REQUIRE(db->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), "from_the_future", &h).ok());
    REQUIRE(db->Put(rocksdb::WriteOptions(), h, "k", "kept").ok());
    db->DestroyColumnFamilyHandle(h);
    // One of ours already present, the others missing.
    REQUIRE(db->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), "log", &h).ok());
    db->DestroyColumnFamilyHandle(h);
  }
  {
    auto log = OpenOk(dir.str());
    CHECK(log->next_seq() == 1);
    REQUIRE(log->Append(Events({"a"})).ok());
  }
  RawDb raw(dir.str());
  std::string value;
  REQUIRE(raw.db->Get(rocksdb::ReadOptions(), raw.cf("from_the_future"), "k", &value).ok());
  CHECK(value == "kept");
  for (Family f : kPutFamilies) CHECK(raw.by_name.count(std::string(store::FamilyName(f))) == 1);
}

TEST_CASE("a log with a gap, a lost event or a malformed key opens as kCorruption") {
  testing_support::TempDir dir;
  {
    auto log = OpenOk(dir.str());
    for (int i = 0; i < 5; ++i) REQUIRE(log->Append(Events({"a", "b"})).ok());
  }
  auto damage_and_open = [&](const std::function<void(RawDb&)>& damage, store::OpenCheck check) {
    testing_support::TempDir copy;
    std::filesystem::copy(dir.path(), copy.path(), std::filesystem::copy_options::recursive);
    {
      RawDb raw(copy.str());
      damage(raw);
    }
    store::Options options;
    options.check = check;
    return EventLog::Open(copy.str(), options);
  };
  auto log_cf = [](RawDb& r) { return r.cf("log"); };
  const rocksdb::WriteOptions w;

  SECTION("the undamaged copy opens") {
    auto log = damage_and_open([](RawDb&) {}, store::OpenCheck::kFull);
    REQUIRE(log.ok());
    CHECK((*log)->next_seq() == 11);
  }
  SECTION("an event deleted in the middle: found by the full check and VerifyLog") {
    auto del = [&](RawDb& r) { REQUIRE(r.db->Delete(w, log_cf(r), store::EncodeSeq(4)).ok()); };
    auto log = damage_and_open(del, store::OpenCheck::kFull);
    REQUIRE_FALSE(log.ok());
    CHECK(log.status().code() == base::Code::kCorruption);
    CHECK(log.status().message().find("gap") != std::string::npos);
    // The bounds check does not read the middle; VerifyLog does.
    auto cheap = damage_and_open(del, store::OpenCheck::kBounds);
    REQUIRE(cheap.ok());
    auto verified = store::VerifyLog(**cheap);
    CHECK(verified.code() == base::Code::kCorruption);
  }
  for (auto check : {store::OpenCheck::kFull, store::OpenCheck::kBounds}) {
    SECTION("an event written past the end after a gap " +
            std::to_string(static_cast<int>(check))) {
      auto log = damage_and_open(
          [&](RawDb& r) { REQUIRE(r.db->Put(w, log_cf(r), store::EncodeSeq(13), "x").ok()); },
          check);
      REQUIRE_FALSE(log.ok());
      CHECK(log.status().code() == base::Code::kCorruption);
    }
    SECTION("the last event lost " + std::to_string(static_cast<int>(check))) {
      auto log = damage_and_open(
          [&](RawDb& r) { REQUIRE(r.db->Delete(w, log_cf(r), store::EncodeSeq(10)).ok()); }, check);
      REQUIRE_FALSE(log.ok());
      CHECK(log.status().code() == base::Code::kCorruption);
    }
    SECTION("the first event lost " + std::to_string(static_cast<int>(check))) {
      auto log = damage_and_open(
          [&](RawDb& r) { REQUIRE(r.db->Delete(w, log_cf(r), store::EncodeSeq(1)).ok()); }, check);
      REQUIRE_FALSE(log.ok());
      CHECK(log.status().code() == base::Code::kCorruption);
    }
    SECTION("all events lost " + std::to_string(static_cast<int>(check))) {
      auto log = damage_and_open(
          [&](RawDb& r) {
            REQUIRE(
                r.db->DeleteRange(w, log_cf(r), store::EncodeSeq(0), store::EncodeSeq(99)).ok());
          },
          check);
      REQUIRE_FALSE(log.ok());
      CHECK(log.status().code() == base::Code::kCorruption);
    }
    SECTION("a malformed key " + std::to_string(static_cast<int>(check))) {
      auto log = damage_and_open(
          [&](RawDb& r) { REQUIRE(r.db->Put(w, log_cf(r), "\xff-not-a-seq", "x").ok()); }, check);
      REQUIRE_FALSE(log.ok());
      CHECK(log.status().code() == base::Code::kCorruption);
    }
  }
  SECTION("events with no bounds record (not written by Append)") {
    testing_support::TempDir fresh;
    { auto log = OpenOk(fresh.str()); }
    {
      RawDb raw(fresh.str());
      REQUIRE(raw.db->Put(w, raw.cf("log"), store::EncodeSeq(1), "x").ok());
    }
    auto log = EventLog::Open(fresh.str());
    REQUIRE_FALSE(log.ok());
    CHECK(log.status().code() == base::Code::kCorruption);
  }
}

TEST_CASE("an index entry written past the log with raw RocksDB reads as kCorruption") {
  testing_support::TempDir dir;
  {
    auto log = OpenOk(dir.str());
    REQUIRE(log->Append(Events({"a", "b"}, "case")).ok());
  }
  {
    RawDb raw(dir.str());
    REQUIRE(raw.db
                ->Put(rocksdb::WriteOptions(), raw.cf("index"),
                      std::string("case") + store::EncodeSeq(7), "")
                .ok());
  }
  auto log = OpenOk(dir.str());
  size_t seen = 0;
  auto s = log->ReadIndexed("case", [&](uint64_t, std::string_view) { return ++seen, true; });
  CHECK(s.code() == base::Code::kCorruption);
  CHECK(seen == 2);
}

}  // namespace

TEST_CASE("a write-behind log numbers batches at once, writes them in order, and drains on close") {
  testing_support::TempDir dir;
  constexpr int kBatches = 200, kPerBatch = 7;
  {
    auto log = OpenOk(dir.str(), {.sync = false, .write_behind = true});
    for (int b = 0; b < kBatches; ++b) {
      Batch batch;
      for (int e = 0; e < kPerBatch; ++e) {
        batch.events.push_back(
            {std::to_string(b) + "." + std::to_string(e), "k" + std::to_string(b % 3)});
      }
      batch.puts.push_back({Family::kProjections, "last", std::to_string(b)});
      auto first = log->Append(batch);
      REQUIRE(first.ok());
      // Numbered as if written: the caller may use the seqs at once.
      CHECK(*first == static_cast<uint64_t>(b * kPerBatch + 1));
      CHECK(log->next_seq() == static_cast<uint64_t>((b + 1) * kPerBatch + 1));
    }
    REQUIRE(log->Flush().ok());
    // After Flush, reads see everything appended.
    auto rows = ReadAll(*log);
    REQUIRE(rows.size() == kBatches * kPerBatch);
    CHECK(rows.back() == std::pair<uint64_t, std::string>(kBatches * kPerBatch, "199.6"));
    CHECK(log->Get(Family::kProjections, "last")->value_or("") == "199");
    REQUIRE(VerifyLog(*log).ok());
    // More batches, then close without Flush: the destructor writes them.
    for (int b = 0; b < 10; ++b) REQUIRE(log->Append(Events({"tail" + std::to_string(b)})).ok());
  }
  auto log = OpenOk(dir.str());
  auto rows = ReadAll(*log);
  REQUIRE(rows.size() == kBatches * kPerBatch + 10);
  CHECK(rows.back().second == "tail9");
  int indexed = 0;
  REQUIRE(log->ReadIndexed("k1", [&](uint64_t, std::string_view) { return ++indexed, true; }).ok());
  CHECK(indexed == 67 * kPerBatch);  // batches 1, 4, ..., 199
}

TEST_CASE("a synced log times each append's write, on the appending thread, with its size") {
  testing_support::TempDir dir;
  struct Call {
    double seconds;
    size_t bytes;
    std::thread::id thread;
  };
  std::vector<Call> calls;
  uint64_t written_calls = 0;
  store::Options options{.sync = true};
  options.on_write_timed = [&](double seconds, size_t bytes) {
    CHECK(written_calls == calls.size());  // before on_written
    calls.push_back({seconds, bytes, std::this_thread::get_id()});
  };
  options.on_written = [&](uint64_t) { ++written_calls; };
  auto log = OpenOk(dir.str(), options);
  REQUIRE(log->Append(Events({"small"})).ok());
  CHECK(calls.size() == 1);  // before Append returns
  REQUIRE(log->Append(Events({std::string(10000, 'x'), std::string(5000, 'y')}, "k")).ok());
  REQUIRE(log->Append(Batch{}).ok());  // nothing to write, nothing timed
  Batch puts_only;
  puts_only.puts.push_back({Family::kProjections, "p", "v"});
  REQUIRE(log->Append(puts_only).ok());
  REQUIRE(calls.size() == 3);
  for (const auto& c : calls) {
    CHECK(c.seconds > 0);
    CHECK(c.seconds < 60);
    CHECK(c.thread == std::this_thread::get_id());
  }
  CHECK(calls[0].bytes > 5);
  CHECK(calls[1].bytes > 15000);  // the batch as written: both events, their index, framing
  CHECK(calls[1].bytes < 16000);
  CHECK(calls[2].bytes > 0);
}

TEST_CASE("a write-behind log times each batch's write on its writer thread") {
  testing_support::TempDir dir;
  std::atomic<int> calls{0};
  std::atomic<bool> on_caller{false};
  std::atomic<bool> positive{true};
  const auto caller = std::this_thread::get_id();
  store::Options options{.sync = true, .write_behind = true};
  options.on_write_timed = [&](double seconds, size_t bytes) {
    if (std::this_thread::get_id() == caller) on_caller = true;
    if (!(seconds > 0) || bytes == 0) positive = false;
    ++calls;
  };
  auto log = OpenOk(dir.str(), options);
  for (int b = 0; b < 20; ++b) REQUIRE(log->Append(Events({"e" + std::to_string(b)})).ok());
  REQUIRE(log->Flush().ok());
  CHECK(calls == 20);
  CHECK_FALSE(on_caller);
  CHECK(positive);
}

TEST_CASE("a read-only open reads a family the log predates as empty, but needs the log") {
  testing_support::TempDir dir;
  {
    auto log = OpenOk(dir.str());
    REQUIRE(log->Append(Events({"a"}, "k")).ok());
  }
  {
    // As an older version left it: without the dead letters' outbox and the index.
    RawDb raw(dir.str());
    REQUIRE(raw.db->DropColumnFamily(raw.cf("dead_letter_outbox")).ok());
    REQUIRE(raw.db->DropColumnFamily(raw.cf("index")).ok());
  }
  store::Options ro;
  ro.read_only = true;
  {
    auto reader = EventLog::Open(dir.str(), ro);
    REQUIRE(reader.ok());
    CHECK(ReadAll(**reader) == Rows{{1, "a"}});
    CHECK_FALSE((*reader)->Get(Family::kDeadLetterOutbox, "x")->has_value());
    int seen = 0;
    REQUIRE((*reader)
                ->Scan(Family::kDeadLetterOutbox, "", [&](auto, auto) { return ++seen, true; })
                .ok());
    REQUIRE((*reader)->ReadIndexed("k", [&](uint64_t, auto) { return ++seen, true; }).ok());
    CHECK(seen == 0);
  }
  {
    auto writer = OpenOk(dir.str());  // a read-write open adds them back
    REQUIRE(writer->Append({{}, {{Family::kDeadLetterOutbox, "x", ""}}}).ok());
  }
  CHECK(EventLog::Open(dir.str(), ro).ok());
  {
    RawDb raw(dir.str());
    REQUIRE(raw.db->DropColumnFamily(raw.cf("log")).ok());
  }
  auto no_log = EventLog::Open(dir.str(), ro);
  REQUIRE_FALSE(no_log.ok());
  CHECK(no_log.status().message().find("'log'") != std::string::npos);
}

TEST_CASE("a read-only open reads a log another handle is writing, and cannot write") {
  testing_support::TempDir dir;
  auto writer = OpenOk(dir.str(), {.sync = false});
  REQUIRE(writer->Append(Events({"a", "b"}, "k")).ok());
  store::Options ro;
  ro.read_only = true;
  ro.check = store::OpenCheck::kBounds;
  {
    auto reader = EventLog::Open(dir.str(), ro);
    REQUIRE(reader.ok());  // no lock taken: the writer keeps it
    CHECK(ReadAll(**reader) == Rows{{1, "a"}, {2, "b"}});
    auto refused = (*reader)->Append(Events({"c"}));
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == base::Code::kInvalidInput);
    CHECK(refused.status().message().find("read-only") != std::string::npos);
  }
  REQUIRE(writer->Append(Events({"c"}, "k")).ok());
  auto reader = EventLog::Open(dir.str(), ro);
  REQUIRE(reader.ok());  // a later open sees the later writes
  CHECK(ReadAll(**reader).size() == 3);
  int indexed = 0;
  REQUIRE((*reader)
              ->ReadIndexed("k", [&](uint64_t, std::string_view) { return ++indexed, true; })
              .ok());
  CHECK(indexed == 3);

  testing_support::TempDir empty;
  auto missing = EventLog::Open(empty.str() + "/nothing", ro);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == base::Code::kNotFound);
  CHECK_FALSE(std::filesystem::exists(empty.str() + "/nothing"));  // never creates
}
