// A histogram of durations with fixed log-scale bins, for report rollups: it has a
// bounded size whatever the number of samples, adds and removes samples (so a
// clock's contribution can be taken back when its facts change), and merges by
// adding bins, so rollups sum in any order to the same bytes.
//
// Bins (HDR-style, 7 sub-bits): a value v in milliseconds below 256 has a bin of its
// own; above, the octave [2^e, 2^(e+1)) is cut into 128 bins of width 2^(e-7), so a
// bin is at most 1/128 of its lower bound wide. Each bin keeps its count and the sum
// of its samples. A percentile is nearest-rank, as report::Samples computes it over
// exact samples: the bin that holds the sample of that rank is found by counts, and
// its samples' mean (rounded down to the millisecond) is the answer. Hence:
//  - exact when the samples sharing that bin are equal (always below 256 ms);
//  - otherwise off by less than the bin's width: |error| < value / 128 (0.79%).
// The maximum is the 100th percentile, with the same bound. Negative durations (a
// clock's facts out of order) count as 0.
//
// Pure: no clock, no I/O. Not thread-safe (a value).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/time.h"
#include "router/codec.h"

namespace report {

class Histogram {
 public:
  struct Bin {
    uint32_t index = 0;
    int64_t count = 0;
    int64_t sum_ms = 0;
    friend bool operator==(const Bin&, const Bin&) = default;
  };

  // The bin of `ms` (>= 0) and the bounds [lower, lower + width) of a bin.
  static uint32_t IndexOf(int64_t ms);
  static int64_t LowerBound(uint32_t index);
  static int64_t Width(uint32_t index);

  void Add(base::Duration d) { Change(d.count(), +1); }
  // Takes back one sample Add gave. REQUIRES: it was added (else counts go negative,
  // which Percentile treats as empty bins and Encode keeps, so a rebuild shows it).
  void Remove(base::Duration d) { Change(d.count(), -1); }
  // Adds (sign +1) or subtracts (sign -1) every bin of `other`.
  void Merge(const Histogram& other, int sign = +1);

  int64_t count() const { return count_; }
  bool empty() const { return count_ == 0; }
  // Nearest-rank: the mean of the bin holding the sample of rank ceil(percent × n / 100).
  // nullopt when empty. REQUIRES: 0 < percent <= 100.
  std::optional<base::Duration> Percentile(int percent) const;
  const std::vector<Bin>& bins() const { return bins_; }  // by index, none empty

  // The bins as a nested message of router/codec.h's format: repeated {1 index delta
  // from the previous bin, 2 count, 3 sum minus count × the bin's lower bound} packed
  // as varints in one kBytes field (field 1), so a bin costs 3-6 bytes.
  void Encode(router::wire::Writer& w, uint32_t field) const;
  // Errors (through `r`): a malformed field.
  void Decode(router::wire::Reader& r, router::wire::Wire wire);

  friend bool operator==(const Histogram&, const Histogram&) = default;

 private:
  void Change(int64_t ms, int sign);

  std::vector<Bin> bins_;
  int64_t count_ = 0;
};

}  // namespace report
