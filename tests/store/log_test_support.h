// Helpers for the store's tests: the places a log lives (a RocksDB directory, a SimDisk), over
// which the contract suite runs each test, and small readers of a log's contents.
#pragma once

#include <catch2/catch.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/event_log.h"
#include "store/sim_log.h"
#include "tests/test_support.h"

namespace log_test {

// Where a RocksDB log lives: a fresh temporary directory, removed afterwards.
struct RocksDbPlace {
  testing_support::TempDir dir;
  base::Result<std::unique_ptr<store::EventLog>> Open(const store::Options& options = {}) {
    return store::EventLog::Open(dir.str(), options);
  }
};

// Where a simulated log lives: a fresh SimDisk.
struct SimPlace {
  store::SimDisk disk;
  base::Result<std::unique_ptr<store::EventLog>> Open(const store::Options& options = {}) {
    return store::SimLog::Open(disk, options);
  }
};

// Opens the log in `place`, failing the test (with the reason) if it does not open.
template <typename Place>
std::unique_ptr<store::EventLog> OpenOk(Place& place, const store::Options& options = {}) {
  auto log = place.Open(options);
  INFO(log.status().ToString());
  REQUIRE(log.ok());
  return std::move(log).value();
}

// A batch of events with these bytes, all indexed under `index_key` ("": unindexed).
inline store::Batch Events(std::vector<std::string> bytes, std::string index_key = "") {
  store::Batch b;
  for (auto& e : bytes) b.events.push_back({std::move(e), index_key});
  return b;
}

using Rows = std::vector<std::pair<uint64_t, std::string>>;

// The events with from <= seq < to, in the order Read gives them.
inline Rows ReadAll(const store::EventLog& log, uint64_t from = 0, uint64_t to = UINT64_MAX) {
  Rows out;
  auto s = log.Read(from, to, [&](uint64_t seq, std::string_view bytes) {
    out.emplace_back(seq, std::string(bytes));
    return true;
  });
  REQUIRE(s.ok());
  return out;
}

// Every event indexed under `key`, in the order ReadIndexed gives them.
inline Rows ReadIndexedRows(const store::EventLog& log, std::string_view key) {
  Rows out;
  REQUIRE(log.ReadIndexed(key,
                          [&](uint64_t seq, std::string_view bytes) {
                            out.emplace_back(seq, std::string(bytes));
                            return true;
                          })
              .ok());
  return out;
}

using KeyValues = std::vector<std::pair<std::string, std::string>>;

// Every key and value of `family`, in the order Scan gives them.
inline KeyValues ScanAll(const store::EventLog& log, store::Family family) {
  KeyValues out;
  REQUIRE(log.Scan(family, "",
                   [&](std::string_view k, std::string_view v) {
                     out.emplace_back(k, v);
                     return true;
                   })
              .ok());
  return out;
}

// The families a Put may write: all but kLog.
using F = store::Family;
inline constexpr store::Family kPutFamilies[] = {
    F::kIndex,       F::kProjections,      F::kTimers, F::kOutbox,         F::kOffsets,
    F::kDeadLetters, F::kDeadLetterOutbox, F::kMeta,   F::kChangelogOutbox};

}  // namespace log_test
