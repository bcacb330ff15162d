// The batches store_bench appends (and tests/store replays): feed-like encoded events of
// ~200 bytes, each its own case, with one case projection per batch. Deterministic.
#pragma once

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "store/event_log.h"

namespace store_batches {

inline constexpr int kDistinctBatches = 16;  // prebuilt and reused, so building them is not timed

// A plausible encoded domain event (~200 bytes) for case `c`, varied so that compression
// sees realistic entropy rather than repeated bytes.
inline std::string MakeEvent(std::mt19937_64& rng, int c) {
  static const char* kTypes[] = {"communication_added", "paged", "escalated", "case_opened",
                                 "acknowledged"};
  char buf[320];
  int n = std::snprintf(
      buf, sizeof buf,
      "{\"v\":1,\"type\":\"%s\",\"case\":\"case-%010d-%04x\",\"at\":\"2024-05-%02dT%02d:%02d:%02d."
      "%03dZ\",\"origin\":\"CUSTOMER\",\"service\":\"medialive\",\"severity\":\"urgent\","
      "\"engineer\":\"eng-%03d\",\"step\":%d,\"cycle\":%d,\"corr\":\"%016llx\"}",
      kTypes[rng() % 5], c, static_cast<unsigned>(rng() % 0xffff), static_cast<int>(1 + rng() % 28),
      static_cast<int>(rng() % 24), static_cast<int>(rng() % 60), static_cast<int>(rng() % 60),
      static_cast<int>(rng() % 1000), static_cast<int>(rng() % 200), static_cast<int>(rng() % 4),
      static_cast<int>(rng() % 3), static_cast<unsigned long long>(rng()));
  return std::string(buf, static_cast<size_t>(n));
}

inline std::vector<store::Batch> MakeBatches(int events_per_batch) {
  std::mt19937_64 rng(42);
  std::vector<store::Batch> batches(kDistinctBatches);
  for (int b = 0; b < kDistinctBatches; ++b) {
    // Each event is its own case, the cases in key order within the batch, so the store writes
    // what the raw baseline writes: one index entry per event (kIndex is run-length, so one
    // case's consecutive events would share one entry), in the same order.
    std::string first_case;
    for (int i = 0; i < events_per_batch; ++i) {
      const int c = b * events_per_batch + i;
      char key[24];
      std::snprintf(key, sizeof key, "case-%08d", c);
      if (i == 0) first_case = key;
      batches[b].events.push_back({MakeEvent(rng, c), key});
    }
    std::string state = MakeEvent(rng, b);
    state += state;  // a case projection is a little larger than one event
    batches[b].puts.push_back({store::Family::kProjections, first_case, state});
  }
  return batches;
}

}  // namespace store_batches
