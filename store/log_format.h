// The log's layout rules that every EventLog implementation shares (RocksDB's and the
// simulation's): what Append refuses, the bounds record, and the index's run entries. Written
// once here so the simulated log cannot drift from the real one. No I/O library.
//
// Persisted (all of it: the RocksDB log stores these bytes): never change a layout.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/event_log.h"

namespace store {

// Keys of kMeta that belong to the store; Append refuses puts under this prefix.
inline constexpr std::string_view kReservedMetaPrefix = "store.";

// Persisted: 16 bytes, big-endian first seq then last seq of the log. Written in every Append
// that adds events, in the same atomic write, so the bounds and the events can never disagree
// unless something other than Append wrote.
inline constexpr std::string_view kBoundsKey = "store.log_bounds";

// The longest run of consecutive events one kIndex entry covers (see event_log.h).
inline constexpr size_t kMaxIndexRun = 1u << 20;

// Whether `family` is one of kFamilies (a cast from a bad integer is not).
inline bool KnownFamily(Family family) { return static_cast<size_t>(family) < kFamilies.size(); }

// Checks one put against Append's rules. Errors: kInvalidInput for an unknown family, a put
// into kLog, or a kMeta key under kReservedMetaPrefix.
base::Status CheckPut(const Put& put);

// Writes n as 8 big-endian bytes into out (EncodeSeq without allocating).
inline void PutSeq(char* out, uint64_t n) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(n & 0xff);
    n >>= 8;
  }
}

// Writes a kIndex entry's run length n as 4 big-endian bytes into out. An entry of one event
// stores "" instead (see event_log.h).
inline void PutRunLength(char* out, uint32_t n) {
  for (int i = 3; i >= 0; --i) {
    out[i] = static_cast<char>(n & 0xff);
    n >>= 8;
  }
}

// Calls fn(i, run) for each run of consecutive events events[i], ..., events[i + run - 1] that
// share one non-empty index key, in order: one kIndex entry each, at the seq of events[i].
// A run is at most kMaxIndexRun long; unindexed events belong to no run.
template <typename Fn>
void ForEachIndexRun(const std::vector<Batch::Event>& events, Fn&& fn) {
  for (size_t i = 0; i < events.size();) {
    size_t run = 1;
    while (i + run < events.size() && run < kMaxIndexRun &&
           events[i + run].index_key == events[i].index_key) {
      ++run;
    }
    if (!events[i].index_key.empty()) fn(i, static_cast<uint32_t>(run));
    i += run;
  }
}

// What Open reports when the log disagrees with its bounds record (kCorruption), the same
// words for every implementation: an empty log with a record, a gap between two seqs, and
// first/last seqs other than the recorded ones.
base::Status EmptyLogWithBounds(uint64_t recorded_first, uint64_t recorded_last);
base::Status LogGap(uint64_t seq, uint64_t next);
base::Status BoundsMismatch(uint64_t first, uint64_t last, uint64_t recorded_first,
                            uint64_t recorded_last);

// The run length stored in the kIndex entry of `index_key` at seq `first` (for messages).
// Errors: kCorruption if `value` is neither "" nor 4 bytes, or says 0.
base::Result<uint32_t> DecodeRunLength(std::string_view index_key, uint64_t first,
                                       std::string_view value);

}  // namespace store
