// Proves the in-memory due-timer index orders timers by (instant, case id), keeps one
// timer per case, pops only what is due, and rebuilds exactly from the store's kTimers.
//
// A seeded property compares it with a std::set oracle under heavy churn (which
// exercises the lazy deletion and compaction), and a RocksDB round trip reads back
// the engine's own key layout (router::TimerKey).
#include "engine/timer_index.h"

#include <catch2/catch.hpp>
#include <random>
#include <set>

#include "engine/engine.h"
#include "store/event_log.h"
#include "tests/test_support.h"

namespace {

using base::FromUnixMillis;
using base::Timestamp;
using router::TimerIndex;

Timestamp At(int64_t ms) { return FromUnixMillis(ms); }

}  // namespace

TEST_CASE("TimerIndex: order by instant then case id; one timer per case", "[timers]") {
  TimerIndex index;
  CHECK_FALSE(index.Next());
  index.Set("b", At(2000));
  index.Set("a", At(2000));
  index.Set("c", At(1000));
  CHECK(index.size() == 3);
  REQUIRE(index.Next());
  CHECK(index.Next()->second == "c");
  index.Set("c", At(3000));  // replaces, not adds
  CHECK(index.size() == 3);
  CHECK(index.Get("c") == At(3000));
  CHECK_FALSE(index.PopDue(At(1999)));
  auto first = index.PopDue(At(2000));
  REQUIRE(first);
  CHECK(first->first == At(2000));
  CHECK(first->second == "a");
  CHECK(index.PopDue(At(2000))->second == "b");
  CHECK_FALSE(index.PopDue(At(2999)));
  index.Set("c", std::nullopt);
  CHECK(index.empty());
  CHECK_FALSE(index.Next());
  index.Set("c", std::nullopt);  // clearing twice is harmless
  CHECK(index.size() == 0);
}

TEST_CASE("TimerIndex: matches a std::set oracle under random churn", "[timers]") {
  std::mt19937_64 rng(20261107);
  TimerIndex index;
  std::set<std::pair<int64_t, std::string>> oracle;
  std::map<std::string, int64_t> due;
  int64_t now = 0;
  for (int i = 0; i < 200'000; ++i) {
    std::string id = "case-" + std::to_string(rng() % 3000);
    switch (rng() % 4) {
      case 0:
      case 1: {  // set or move a timer
        int64_t at = now + static_cast<int64_t>(rng() % 100'000);
        if (auto it = due.find(id); it != due.end()) oracle.erase({it->second, id});
        due[id] = at;
        oracle.insert({at, id});
        index.Set(id, At(at));
        break;
      }
      case 2:  // clear
        if (auto it = due.find(id); it != due.end()) {
          oracle.erase({it->second, id});
          due.erase(it);
        }
        index.Set(id, std::nullopt);
        break;
      case 3: {  // the clock moves; pop what is due
        now += static_cast<int64_t>(rng() % 20'000);
        while (auto popped = index.PopDue(At(now))) {
          REQUIRE_FALSE(oracle.empty());
          REQUIRE(popped->first == At(oracle.begin()->first));
          REQUIRE(popped->second == oracle.begin()->second);
          due.erase(oracle.begin()->second);
          oracle.erase(oracle.begin());
        }
        REQUIRE((oracle.empty() || oracle.begin()->first > now));
        break;
      }
    }
    REQUIRE(index.size() == oracle.size());
    if (!oracle.empty()) {
      REQUIRE(index.Next()->first == At(oracle.begin()->first));
      REQUIRE(index.Next()->second == oracle.begin()->second);
    }
  }
  // Lazy deletion must not let the heap grow without bound.
  CHECK(index.ApproximateMemory() < 4 * 1024 * 1024);
}

TEST_CASE("TimerIndex: memory follows the pending timers, not every case ever seen", "[timers]") {
  TimerIndex index;
  auto id = [](int n) { return "case-111122223333-muen-2026-" + std::to_string(1'000'000 + n); };
  // Waves of 10,000 cases, each armed, moved once, then fired or cleared: what
  // simulate and serve do to an index over a long run.
  size_t after_first_wave = 0;
  for (int wave = 0; wave < 5; ++wave) {
    const int64_t t = wave * 1'000'000;
    for (int n = 0; n < 10'000; ++n) index.Set(id(wave * 10'000 + n), At(t + n));
    for (int n = 0; n < 10'000; n += 2) index.Set(id(wave * 10'000 + n), At(t + 20'000 + n));
    for (int n = 1; n < 10'000; n += 4) index.Set(id(wave * 10'000 + n), std::nullopt);
    int64_t last = -1;
    std::string last_id;
    size_t popped = 0;
    while (auto due = index.PopDue(At(t + 999'999))) {
      REQUIRE(std::pair(base::ToUnixMillis(due->first), due->second) >
              std::pair(last, last_id));  // (instant, id) order
      last = base::ToUnixMillis(due->first);
      last_id = due->second;
      ++popped;
    }
    CHECK(popped == 10'000 - 2'500);
    CHECK(index.empty());
    CHECK_FALSE(index.Get(id(wave * 10'000)));
    if (wave == 0) after_first_wave = index.ApproximateMemory();
  }
  // Slots are reused: five waves cost what one did.
  CHECK(index.ApproximateMemory() <= after_first_wave);
  index.Set(id(7), At(5));
  CHECK(index.Next()->second == id(7));
  CHECK(index.size() == 1);
}

TEST_CASE("TimerIndex::Load rebuilds from the store's kTimers keys", "[timers][store]") {
  testing_support::TempDir dir;
  auto log = store::EventLog::Open(dir.str());
  REQUIRE(log.ok());
  store::Batch batch;
  batch.puts.push_back({store::Family::kTimers, router::TimerKey(At(5000), "case-b"), "case-b"});
  batch.puts.push_back({store::Family::kTimers, router::TimerKey(At(5000), "case-a"), "case-a"});
  batch.puts.push_back({store::Family::kTimers, router::TimerKey(At(100), "case-z"), "case-z"});
  REQUIRE((*log)->Append(batch).ok());
  auto index = TimerIndex::Load(**log);
  REQUIRE(index.ok());
  CHECK(index->size() == 3);
  CHECK(index->PopDue(At(10'000))->second == "case-z");
  CHECK(index->PopDue(At(10'000))->second == "case-a");
  CHECK(index->PopDue(At(10'000))->second == "case-b");

  SECTION("two timers for one case are corruption") {
    store::Batch twice;
    twice.puts.push_back({store::Family::kTimers, router::TimerKey(At(7000), "case-a"), "case-a"});
    REQUIRE((*log)->Append(twice).ok());
    auto bad = TimerIndex::Load(**log);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.status().code() == base::Code::kCorruption);
  }
  SECTION("a key shorter than 8 bytes is corruption") {
    store::Batch shortkey;
    shortkey.puts.push_back({store::Family::kTimers, "abc", "x"});
    REQUIRE((*log)->Append(shortkey).ok());
    CHECK_FALSE(TimerIndex::Load(**log).ok());
  }
}
