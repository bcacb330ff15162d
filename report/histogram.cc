#include "report/histogram.h"

#include <algorithm>
#include <bit>

#include "base/check.h"

namespace report {

namespace {

constexpr int kSubBits = 7;
constexpr uint32_t kSub = 1u << kSubBits;  // bins per octave
constexpr uint32_t kExact = 2 * kSub;      // values below have a bin of their own

}  // namespace

uint32_t Histogram::IndexOf(int64_t ms) {
  const uint64_t v = ms < 0 ? 0 : static_cast<uint64_t>(ms);
  if (v < kExact) return static_cast<uint32_t>(v);
  const int e = std::bit_width(v) - 1;            // v in [2^e, 2^(e+1)), e >= 8
  const uint64_t mantissa = v >> (e - kSubBits);  // in [128, 256)
  return static_cast<uint32_t>((e - kSubBits) * kSub + mantissa);
}

int64_t Histogram::LowerBound(uint32_t index) {
  if (index < kExact) return index;
  const int shift = static_cast<int>(index / kSub) - 1;  // e - kSubBits
  const uint64_t mantissa = kSub + index % kSub;
  return static_cast<int64_t>(mantissa << shift);
}

int64_t Histogram::Width(uint32_t index) {
  if (index < kExact) return 1;
  return int64_t{1} << (index / kSub - 1);
}

void Histogram::Change(int64_t ms, int sign) {
  const int64_t v = std::max<int64_t>(ms, 0);
  const uint32_t index = IndexOf(v);
  auto it = std::lower_bound(bins_.begin(), bins_.end(), index,
                             [](const Bin& b, uint32_t i) { return b.index < i; });
  if (it == bins_.end() || it->index != index) it = bins_.insert(it, Bin{index, 0, 0});
  it->count += sign;
  it->sum_ms += sign * v;
  count_ += sign;
  if (it->count == 0 && it->sum_ms == 0) bins_.erase(it);
}

void Histogram::Merge(const Histogram& other, int sign) {
  if (other.bins_.empty()) return;
  std::vector<Bin> out;
  out.reserve(bins_.size() + other.bins_.size());
  auto a = bins_.begin();
  auto b = other.bins_.begin();
  while (a != bins_.end() || b != other.bins_.end()) {
    if (b == other.bins_.end() || (a != bins_.end() && a->index < b->index)) {
      out.push_back(*a++);
    } else if (a == bins_.end() || b->index < a->index) {
      out.push_back({b->index, sign * b->count, sign * b->sum_ms});
      ++b;
    } else {
      Bin sum{a->index, a->count + sign * b->count, a->sum_ms + sign * b->sum_ms};
      if (sum.count != 0 || sum.sum_ms != 0) out.push_back(sum);
      ++a;
      ++b;
    }
  }
  bins_ = std::move(out);
  count_ += sign * other.count_;
}

std::optional<base::Duration> Histogram::Percentile(int percent) const {
  CHECK(percent > 0 && percent <= 100);
  if (count_ <= 0) return std::nullopt;
  // The same integer rank as Samples::Percentile.
  const int64_t rank = (int64_t{percent} * count_ + 99) / 100;
  int64_t seen = 0;
  const Bin* last = nullptr;
  for (const Bin& b : bins_) {
    if (b.count <= 0) continue;
    last = &b;
    seen += b.count;
    if (seen >= rank) break;
  }
  if (last == nullptr) return std::nullopt;
  return base::Duration(last->sum_ms / last->count);
}

void Histogram::Encode(router::wire::Writer& w, uint32_t field) const {
  if (bins_.empty()) return;
  std::string packed;
  router::wire::Writer p(&packed);
  uint32_t previous = 0;
  for (const Bin& b : bins_) {
    p.Varint(b.index - previous);
    p.Varint(router::wire::ZigZag(b.count));
    p.Varint(router::wire::ZigZag(b.sum_ms - b.count * LowerBound(b.index)));
    previous = b.index;
  }
  w.Bytes(field, packed);
}

void Histogram::Decode(router::wire::Reader& r, router::wire::Wire wire) {
  std::string_view packed = r.Bytes(wire);
  if (!r.ok()) return;
  bins_.clear();
  count_ = 0;
  router::wire::Reader p(packed);
  uint64_t previous = 0;
  while (!p.at_end()) {
    uint64_t delta = 0, count = 0, offset = 0;
    if (!p.ReadVarint(&delta) || !p.ReadVarint(&count) || !p.ReadVarint(&offset)) break;
    const uint64_t index = previous + delta;
    if (index > UINT32_MAX || (!bins_.empty() && delta == 0)) {
      p.Fail("histogram bins out of order");
      break;
    }
    Bin b;
    b.index = static_cast<uint32_t>(index);
    b.count = router::wire::UnZigZag(count);
    b.sum_ms = router::wire::UnZigZag(offset) + b.count * LowerBound(b.index);
    count_ += b.count;
    bins_.push_back(b);
    previous = index;
  }
  if (!p.ok()) r.Fail("corrupt histogram");
}

}  // namespace report
