// Proves store::EventLog's contract on both implementations, RocksDB and the simulation, so the
// double cannot drift: the same tests over each, and the same batches laying out the same bytes.
#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "store/event_log.h"
#include "tests/store/log_test_support.h"

namespace {

using log_test::Events;
using log_test::kPutFamilies;
using log_test::OpenOk;
using log_test::ReadAll;
using log_test::ReadIndexedRows;
using log_test::RocksDbPlace;
using log_test::Rows;
using log_test::SimPlace;
using store::Batch;
using store::Family;

TEMPLATE_TEST_CASE("an empty log starts at seq 1 and appends consecutive seqs", "[contract]",
                   RocksDbPlace, SimPlace) {
  TestType place;
  auto log = OpenOk(place);
  CHECK(log->next_seq() == 1);
  CHECK(ReadAll(*log).empty());

  auto first = log->Append(Events({"a", "b", "c"}));
  REQUIRE(first.ok());
  CHECK(*first == 1);
  auto second = log->Append(Events({"d"}));
  REQUIRE(second.ok());
  CHECK(*second == 4);
  CHECK(log->next_seq() == 5);
  CHECK(ReadAll(*log) == Rows{{1, "a"}, {2, "b"}, {3, "c"}, {4, "d"}});
  CHECK(ReadAll(*log, 2, 4) == Rows{{2, "b"}, {3, "c"}});
  CHECK(ReadAll(*log, 4, 4).empty());
  CHECK(ReadAll(*log, 5, 100).empty());

  // fn returning false stops the read.
  int calls = 0;
  REQUIRE(log->Read(1, 100, [&](uint64_t, std::string_view) { return ++calls < 2; }).ok());
  CHECK(calls == 2);
  CHECK(store::VerifyLog(*log).ok());
}

TEMPLATE_TEST_CASE("a batch without events writes its puts and returns the next seq", "[contract]",
                   RocksDbPlace, SimPlace) {
  TestType place;
  auto log = OpenOk(place);
  REQUIRE(log->Append(Events({"a"})).ok());
  Batch b;
  b.puts.push_back({Family::kOffsets, "feed/0", "17"});
  auto r = log->Append(b);
  REQUIRE(r.ok());
  CHECK(*r == 2);
  CHECK(log->next_seq() == 2);
  CHECK(log->Get(Family::kOffsets, "feed/0").value() == std::optional<std::string>("17"));
  auto empty = log->Append(Batch{});
  REQUIRE(empty.ok());
  CHECK(*empty == 2);
}

TEMPLATE_TEST_CASE("reopening keeps the events, next_seq and puts", "[contract]", RocksDbPlace,
                   SimPlace) {
  for (store::OpenCheck check : {store::OpenCheck::kFull, store::OpenCheck::kBounds}) {
    TestType place;
    {
      auto log = OpenOk(place);
      for (int i = 0; i < 10; ++i) {
        // Built with append: GCC 12 -O3 warns falsely on "literal" + std::string (PR 105329).
        auto name = [](int n) { return std::string("e").append(std::to_string(n)); };
        Batch b = Events({name(2 * i), name(2 * i + 1)}, "k");
        b.puts.push_back({Family::kProjections, "p", std::to_string(i)});
        REQUIRE(log->Append(b).ok());
      }
    }
    store::Options options;
    options.check = check;
    options.create_if_missing = false;
    auto log = OpenOk(place, options);
    CHECK(log->next_seq() == 21);
    auto rows = ReadAll(*log);
    REQUIRE(rows.size() == 20);
    CHECK(rows.front() == std::pair<uint64_t, std::string>{1, "e0"});
    CHECK(rows.back() == std::pair<uint64_t, std::string>{20, "e19"});
    CHECK(log->Get(Family::kProjections, "p").value() == std::optional<std::string>("9"));
    auto next = log->Append(Events({"after"}));
    REQUIRE(next.ok());
    CHECK(*next == 21);
  }
}

TEMPLATE_TEST_CASE("opening a missing log without create_if_missing is kNotFound", "[contract]",
                   RocksDbPlace, SimPlace) {
  TestType place;
  store::Options options;
  options.create_if_missing = false;
  auto log = place.Open(options);
  REQUIRE_FALSE(log.ok());
  CHECK(log.status().code() == base::Code::kNotFound);
}

TEMPLATE_TEST_CASE("a second open is refused while the first is open, and works after",
                   "[contract]", RocksDbPlace, SimPlace) {
  TestType place;
  auto log = OpenOk(place);
  REQUIRE(log->Append(Events({"a"})).ok());
  auto again = place.Open();
  REQUIRE_FALSE(again.ok());
  CHECK(again.status().code() == base::Code::kUnavailable);
  log.reset();
  CHECK(OpenOk(place)->next_seq() == 2);
}

TEMPLATE_TEST_CASE("a batch with an invalid put writes nothing at all", "[contract]", RocksDbPlace,
                   SimPlace) {
  TestType place;
  auto log = OpenOk(place);
  REQUIRE(log->Append(Events({"a"})).ok());

  Batch into_log = Events({"b", "c"});
  into_log.puts.push_back({Family::kProjections, "p", "x"});
  into_log.puts.push_back({Family::kLog, store::EncodeSeq(9), "forged"});
  auto r = log->Append(into_log);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == base::Code::kInvalidInput);

  Batch reserved = Events({"b"});
  reserved.puts.push_back({Family::kMeta, "store.log_bounds", "x"});
  r = log->Append(reserved);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == base::Code::kInvalidInput);

  // Anything else under the reserved prefix too, even without events.
  Batch reserved_other;
  reserved_other.puts.push_back({Family::kProjections, "p", "x"});
  reserved_other.puts.push_back({Family::kMeta, "store.anything", "x"});
  r = log->Append(reserved_other);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == base::Code::kInvalidInput);

  Batch unknown;
  unknown.puts.push_back({static_cast<Family>(42), "k", "x"});
  r = log->Append(unknown);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == base::Code::kInvalidInput);

  CHECK(log->next_seq() == 2);
  CHECK(ReadAll(*log) == Rows{{1, "a"}});
  CHECK_FALSE(log->Get(Family::kProjections, "p").value().has_value());
}

TEMPLATE_TEST_CASE("Get, Put and delete work in every family but the log", "[contract]",
                   RocksDbPlace, SimPlace) {
  TestType place;
  auto log = OpenOk(place);
  for (Family f : kPutFamilies) {
    INFO(store::FamilyName(f));
    Batch put;
    put.puts.push_back({f, "key", "value"});
    put.puts.push_back({f, "other", "2"});
    REQUIRE(log->Append(put).ok());
  }
  for (Family f : kPutFamilies) {
    INFO(store::FamilyName(f));
    CHECK(log->Get(f, "key").value() == std::optional<std::string>("value"));
    CHECK(log->Get(f, "other").value() == std::optional<std::string>("2"));
    CHECK_FALSE(log->Get(f, "absent").value().has_value());
    Batch del;
    del.puts.push_back({f, "key", std::nullopt});
    REQUIRE(log->Append(del).ok());
    CHECK_FALSE(log->Get(f, "key").value().has_value());
    // Families are separate key spaces: deleting here left the others alone.
    CHECK(log->Get(f, "other").value() == std::optional<std::string>("2"));
  }
  // Overwrite and delete of one key in one batch: the batch applies in order.
  Batch both;
  both.puts.push_back({Family::kTimers, "t", "1"});
  both.puts.push_back({Family::kTimers, "t", std::nullopt});
  both.puts.push_back({Family::kOutbox, "o", "1"});
  both.puts.push_back({Family::kOutbox, "o", "2"});
  REQUIRE(log->Append(both).ok());
  CHECK_FALSE(log->Get(Family::kTimers, "t").value().has_value());
  CHECK(log->Get(Family::kOutbox, "o").value() == std::optional<std::string>("2"));

  // An unknown family is the caller's mistake.
  const auto unknown = static_cast<Family>(42);
  CHECK(log->Get(unknown, "k").status().code() == base::Code::kInvalidInput);
  CHECK(log->Scan(unknown, "", [](auto, auto) { return true; }).code() ==
        base::Code::kInvalidInput);
}

TEMPLATE_TEST_CASE("Scan visits a prefix in key order and stops when asked", "[contract]",
                   RocksDbPlace, SimPlace) {
  TestType place;
  auto log = OpenOk(place);
  Batch b;
  for (std::string k : {"case/2", "case/10", "case/1", "cas", "dase/0", "case/"}) {
    b.puts.push_back({Family::kProjections, k, "v" + k});
  }
  b.puts.push_back({Family::kTimers, "case/9", "other family"});
  // Bytes above 0x7f sort after ASCII (unsigned, as RocksDB's bytewise comparator).
  b.puts.push_back({Family::kProjections, "case/\xff", "vcase/\xff"});
  REQUIRE(log->Append(b).ok());

  std::vector<std::string> keys;
  auto collect = [&](std::string_view k, std::string_view v) {
    CHECK(v == "v" + std::string(k));
    keys.emplace_back(k);
    return true;
  };
  REQUIRE(log->Scan(Family::kProjections, "case/", collect).ok());
  CHECK(keys == std::vector<std::string>{"case/", "case/1", "case/10", "case/2", "case/\xff"});

  keys.clear();
  REQUIRE(log->Scan(Family::kProjections, "", collect).ok());
  CHECK(keys.size() == 7);

  keys.clear();
  REQUIRE(log->Scan(Family::kProjections, "zzz", collect).ok());
  CHECK(keys.empty());

  int calls = 0;
  REQUIRE(log->Scan(Family::kProjections, "case/", [&](auto, auto) { return ++calls < 2; }).ok());
  CHECK(calls == 2);
}

TEMPLATE_TEST_CASE("ScanFrom pages through a prefix from a key on", "[contract]", RocksDbPlace,
                   SimPlace) {
  TestType place;
  auto log = OpenOk(place);
  Batch b;
  for (std::string k : {"case/a", "case/b", "case/bb", "case/c", "dase/0", "cas"}) {
    b.puts.push_back({Family::kProjections, k, "v"});
  }
  REQUIRE(log->Append(b).ok());
  std::vector<std::string> keys;
  auto collect = [&](std::string_view k, std::string_view) {
    keys.emplace_back(k);
    return true;
  };
  // After "case/b": its own key with a NUL appended is the first key past it.
  REQUIRE(log->ScanFrom(Family::kProjections, "case/", std::string("case/b") + '\0', collect).ok());
  CHECK(keys == std::vector<std::string>{"case/bb", "case/c"});
  keys.clear();
  // A start below the prefix starts at the prefix; one past every key finds nothing.
  REQUIRE(log->ScanFrom(Family::kProjections, "case/", "a", collect).ok());
  CHECK(keys.size() == 4);
  keys.clear();
  REQUIRE(log->ScanFrom(Family::kProjections, "case/", "case/z", collect).ok());
  CHECK(keys.empty());
}

TEMPLATE_TEST_CASE("a read whose fn writes visits what was there when the read began", "[contract]",
                   RocksDbPlace, SimPlace) {
  // Readers may act on what they read (the outbox relay deletes what it delivered): a read
  // sees one consistent state, neither the rows fn deletes vanishing nor the ones it adds.
  TestType place;
  auto log = OpenOk(place);
  Batch b = Events({"a", "b"}, "k");
  for (std::string k : {"o1", "o2", "o3"}) b.puts.push_back({Family::kOutbox, k, k});
  REQUIRE(log->Append(b).ok());

  std::vector<std::string> seen;
  REQUIRE(log->Scan(Family::kOutbox, "",
                    [&](std::string_view k, std::string_view) {
                      seen.emplace_back(k);
                      Batch w;
                      w.puts.push_back({Family::kOutbox, std::string(k), std::nullopt});
                      w.puts.push_back({Family::kOutbox, "o3", std::nullopt});
                      w.puts.push_back({Family::kOutbox, "o9", "new"});
                      REQUIRE(log->Append(w).ok());
                      return true;
                    })
              .ok());
  CHECK(seen == std::vector<std::string>{"o1", "o2", "o3"});
  CHECK(log_test::ScanAll(*log, Family::kOutbox) == log_test::KeyValues{{"o9", "new"}});

  Rows read;
  REQUIRE(log->Read(0, UINT64_MAX,
                    [&](uint64_t seq, std::string_view bytes) {
                      read.emplace_back(seq, std::string(bytes));
                      REQUIRE(log->Append(Events({"more"}, "k")).ok());
                      return true;
                    })
              .ok());
  CHECK(read == Rows{{1, "a"}, {2, "b"}});
  Rows indexed;
  REQUIRE(log->ReadIndexed("k",
                           [&](uint64_t seq, std::string_view bytes) {
                             indexed.emplace_back(seq, std::string(bytes));
                             REQUIRE(log->Append(Events({"more"}, "k")).ok());
                             return true;
                           })
              .ok());
  CHECK(indexed == Rows{{1, "a"}, {2, "b"}, {3, "more"}, {4, "more"}});
  CHECK(log->next_seq() == 9);  // 4 + one append per event visited
}

TEMPLATE_TEST_CASE("ReadIndexed returns exactly one key's events, in seq order", "[contract]",
                   RocksDbPlace, SimPlace) {
  TestType place;
  auto log = OpenOk(place);
  Batch b;
  b.events.push_back({"open 1", "case-1"});
  b.events.push_back({"open 10", "case-10"});
  b.events.push_back({"unindexed", ""});
  REQUIRE(log->Append(b).ok());
  Batch c;
  c.events.push_back({"comm 1", "case-1"});
  c.events.push_back({"comm 10", "case-10"});
  REQUIRE(log->Append(c).ok());

  auto indexed = [&](std::string_view key) { return ReadIndexedRows(*log, key); };
  CHECK(indexed("case-1") == Rows{{1, "open 1"}, {4, "comm 1"}});
  CHECK(indexed("case-10") == Rows{{2, "open 10"}, {5, "comm 10"}});
  CHECK(indexed("case-").empty());
  CHECK(indexed("case-2").empty());

  // Survives a reopen.
  log.reset();
  log = OpenOk(place);
  CHECK(indexed("case-10") == Rows{{2, "open 10"}, {5, "comm 10"}});
}

TEMPLATE_TEST_CASE("ReadIndexed reads runs of one key's consecutive events, stopping where fn says",
                   "[contract]", RocksDbPlace, SimPlace) {
  TestType place;
  auto log = OpenOk(place);
  Batch b;
  for (const char* bytes : {"a1", "a2", "a3"}) b.events.push_back({bytes, "case-a"});
  b.events.push_back({"b1", "case-b"});
  b.events.push_back({"a4", "case-a"});
  b.events.push_back({"x", ""});
  b.events.push_back({"b2", "case-b"});
  b.events.push_back({"b3", "case-b"});
  REQUIRE(log->Append(b).ok());
  Batch c;
  c.events.push_back({"a5", "case-a"});
  REQUIRE(log->Append(c).ok());

  auto indexed = [&](std::string_view key, size_t stop_after) {
    Rows out;
    REQUIRE(log->ReadIndexed(key,
                             [&](uint64_t seq, std::string_view bytes) {
                               out.emplace_back(seq, std::string(bytes));
                               return out.size() < stop_after;
                             })
                .ok());
    return out;
  };
  CHECK(indexed("case-a", 100) == Rows{{1, "a1"}, {2, "a2"}, {3, "a3"}, {5, "a4"}, {9, "a5"}});
  CHECK(indexed("case-b", 100) == Rows{{4, "b1"}, {7, "b2"}, {8, "b3"}});
  // fn returning false mid-run ends the read there.
  CHECK(indexed("case-a", 2) == Rows{{1, "a1"}, {2, "a2"}});
  CHECK(indexed("case-b", 2) == Rows{{4, "b1"}, {7, "b2"}});
  // Three entries for case-a's five events: the runs share an index entry, whose value is
  // the run's length (4 bytes big-endian), or "" for one event.
  CHECK(log_test::ScanAll(*log, Family::kIndex) ==
        log_test::KeyValues{{"case-a" + store::EncodeSeq(1), std::string("\0\0\0\x03", 4)},
                            {"case-a" + store::EncodeSeq(5), ""},
                            {"case-a" + store::EncodeSeq(9), ""},
                            {"case-b" + store::EncodeSeq(4), ""},
                            {"case-b" + store::EncodeSeq(7), std::string("\0\0\0\x02", 4)}});
}

TEMPLATE_TEST_CASE("an index entry naming a missing event reads as kCorruption", "[contract]",
                   RocksDbPlace, SimPlace) {
  // kIndex takes puts like any family but the log, so a caller can write a bad entry.
  TestType place;
  auto log = OpenOk(place);
  REQUIRE(log->Append(Events({"a", "b"}, "case")).ok());
  Batch bad;
  bad.puts.push_back({Family::kIndex, "case" + store::EncodeSeq(7), ""});
  bad.puts.push_back({Family::kIndex, "run0" + store::EncodeSeq(1), std::string(4, '\0')});
  bad.puts.push_back({Family::kIndex, "odd" + store::EncodeSeq(1), "xyz"});
  REQUIRE(log->Append(bad).ok());
  size_t seen = 0;
  auto s = log->ReadIndexed("case", [&](uint64_t, std::string_view) { return ++seen, true; });
  CHECK(s.code() == base::Code::kCorruption);
  CHECK(seen == 2);  // the good entry's events came first
  CHECK(log->ReadIndexed("run0", [](auto, auto) { return true; }).code() ==
        base::Code::kCorruption);
  CHECK(log->ReadIndexed("odd", [](auto, auto) { return true; }).code() == base::Code::kCorruption);
}

TEMPLATE_TEST_CASE("a batch's writes of one key keep their order, however the log orders them",
                   "[contract]", RocksDbPlace, SimPlace) {
  // The RocksDB log writes each family's keys in key order (cheaper memtable inserts);
  // two writes of one key must still apply in the order the batch gives them,
  // and interleaved index keys must still read back per key in seq order.
  const bool write_behind = GENERATE(false, true);
  const bool moved = GENERATE(false, true);
  INFO("write_behind " << write_behind << ", moved " << moved);
  TestType place;
  auto log = OpenOk(place, {.sync = false, .write_behind = write_behind});
  auto append = [&](Batch b) {
    auto r = moved ? log->Append(std::move(b)) : log->Append(b);
    REQUIRE(r.ok());
    return *r;
  };
  Batch b;
  for (std::string key : {"z", "b", "z", "a", "b", "z"}) b.events.push_back({"e-" + key, key});
  b.puts.push_back({Family::kTimers, "t", "first"});
  b.puts.push_back({Family::kProjections, "y", "1"});
  b.puts.push_back({Family::kTimers, "t", std::nullopt});  // deleted, then put again
  b.puts.push_back({Family::kProjections, "x", "1"});
  b.puts.push_back({Family::kTimers, "t", "third"});
  b.puts.push_back({Family::kTimers, "gone", "1"});
  b.puts.push_back({Family::kProjections, "y", "2"});
  b.puts.push_back({Family::kTimers, "gone", std::nullopt});
  CHECK(append(std::move(b)) == 1);
  CHECK(append(Events({"e-a2"}, "a")) == 7);
  REQUIRE(log->Flush().ok());

  CHECK(log->Get(Family::kTimers, "t")->value_or("") == "third");
  CHECK_FALSE(log->Get(Family::kTimers, "gone")->has_value());
  CHECK(log->Get(Family::kProjections, "y")->value_or("") == "2");
  CHECK(log->Get(Family::kProjections, "x")->value_or("") == "1");
  auto indexed = [&](std::string_view key) { return ReadIndexedRows(*log, key); };
  CHECK(indexed("z") == Rows{{1, "e-z"}, {3, "e-z"}, {6, "e-z"}});
  CHECK(indexed("b") == Rows{{2, "e-b"}, {5, "e-b"}});
  CHECK(indexed("a") == Rows{{4, "e-a"}, {7, "e-a2"}});
  CHECK(ReadAll(*log).size() == 7);
  REQUIRE(VerifyLog(*log).ok());
}

// Seeded batches of every shape (events indexed or not, runs, puts and deletes in every
// family, repeated keys, batches without events), appended to both logs.
std::vector<Batch> RandomBatches(uint32_t seed, int count) {
  std::mt19937 rng(seed);
  std::vector<Batch> batches;
  for (int n = 0; n < count; ++n) {
    Batch b;
    const int events = static_cast<int>(rng() % 6);
    for (int i = 0; i < events; ++i) {
      const auto c = rng() % 5;
      b.events.push_back({"e" + std::to_string(n) + "." + std::to_string(i),
                          c == 0 ? "" : "case-" + std::to_string(c % 3 == 0 ? c * 10 : c)});
    }
    const int puts = static_cast<int>(rng() % 5);
    for (int i = 0; i < puts; ++i) {
      const Family f = kPutFamilies[rng() % std::size(kPutFamilies)];
      std::string key = "k" + std::to_string(rng() % 4);
      if (rng() % 3 == 0) {
        b.puts.push_back({f, std::move(key), std::nullopt});
      } else {
        b.puts.push_back({f, std::move(key), "v" + std::to_string(n)});
      }
    }
    batches.push_back(std::move(b));
  }
  return batches;
}

TEST_CASE("the same batches lay out the same bytes in every family of both logs", "[contract]") {
  const uint32_t seed = GENERATE(1u, 2u, 3u);
  INFO("seed " << seed);
  RocksDbPlace rocks_place;
  SimPlace sim_place;
  auto rocks = OpenOk(rocks_place);
  auto sim = OpenOk(sim_place);
  for (const Batch& b : RandomBatches(seed, 200)) {
    auto r = rocks->Append(b);
    auto s = sim->Append(b);
    REQUIRE(r.ok());
    REQUIRE(s.ok());
    CHECK(*r == *s);
  }
  CHECK(rocks->next_seq() == sim->next_seq());
  // Every family, raw: the log's keys, the index's run entries, the bounds record in kMeta.
  for (Family f : store::kFamilies) {
    INFO(store::FamilyName(f));
    CHECK(log_test::ScanAll(*rocks, f) == log_test::ScanAll(*sim, f));
  }
  for (std::string key : {"case-1", "case-2", "case-30", "case-4", "case-"}) {
    CHECK(ReadIndexedRows(*rocks, key) == ReadIndexedRows(*sim, key));
  }
}

}  // namespace
