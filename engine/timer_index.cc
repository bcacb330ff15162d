#include "engine/timer_index.h"

#include <algorithm>

#include "engine/engine.h"

namespace router {

base::Result<TimerIndex> TimerIndex::Load(
    const store::EventLog& log, const std::function<bool(std::string_view case_id)>& keep) {
  TimerIndex index;
  base::Status bad;
  // The store yields keys in (due, case id) order: appended in that order the
  // heap array is already sorted, which is a valid min-heap (no sift needed).
  base::Status scan =
      log.Scan(store::Family::kTimers, "", [&](std::string_view key, std::string_view) {
        if (key.size() < 8) {
          bad = base::Status::Corruption("timer key shorter than 8 bytes");
          return false;
        }
        std::string_view id = key.substr(8);
        if (id.empty()) {
          bad = base::Status::Corruption("timer key without a case id");
          return false;
        }
        if (keep && !keep(id)) return true;
        uint32_t slot = index.SlotOf(id);
        if (index.due_[slot] != kNone) {
          bad = base::Status::Corruption("two timers for case '" + std::string(id) + "'");
          return false;
        }
        auto ms = static_cast<int64_t>(store::DecodeSeq(key.substr(0, 8)));
        index.due_[slot] = ms;
        ++index.live_;
        index.Push(ms, slot);
        return true;
      });
  if (!scan.ok()) return scan;
  if (!bad.ok()) return bad;
  // Defensive: a store scanned out of key order would break the heap.
  auto later = [&index](auto& a, auto& b) { return index.Later(a, b); };
  if (!std::is_heap(index.heap_.begin(), index.heap_.end(), later)) {
    std::make_heap(index.heap_.begin(), index.heap_.end(), later);
  }
  return index;
}

uint32_t TimerIndex::SlotOf(std::string_view case_id) {
  if (auto it = slots_.find(case_id); it != slots_.end()) return it->second;
  uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
    ids_[slot].assign(case_id);
    due_[slot] = kNone;
    refs_[slot] = 0;
    used_[slot] = 1;
  } else {
    slot = static_cast<uint32_t>(ids_.size());
    ids_.emplace_back(case_id);
    due_.push_back(kNone);
    refs_.push_back(0);
    used_.push_back(1);
  }
  slots_.emplace(ids_[slot], slot);
  return slot;
}

void TimerIndex::Push(int64_t due_ms, uint32_t slot) {
  heap_.push_back({due_ms, slot});
  ++refs_[slot];
}

void TimerIndex::Unref(uint32_t slot) {
  --refs_[slot];
  MaybeFree(slot);
}

void TimerIndex::MaybeFree(uint32_t slot) {
  if (!used_[slot] || due_[slot] != kNone || refs_[slot] != 0) return;
  slots_.erase(std::string_view(ids_[slot]));
  std::string().swap(ids_[slot]);  // give the id's heap block back
  used_[slot] = 0;
  free_.push_back(slot);
}

bool TimerIndex::Later(const HeapEntry& a, const HeapEntry& b) const {
  if (a.due_ms != b.due_ms) return a.due_ms > b.due_ms;
  return ids_[a.slot] > ids_[b.slot];
}

void TimerIndex::Set(std::string_view case_id, std::optional<base::Timestamp> due) {
  if (!due) {
    auto it = slots_.find(case_id);
    if (it == slots_.end() || due_[it->second] == kNone) return;
    due_[it->second] = kNone;
    --live_;
    DropStale();
    return;
  }
  uint32_t slot = SlotOf(case_id);
  int64_t ms = base::ToUnixMillis(*due);
  if (due_[slot] == ms) return;  // already there: no second heap entry
  if (due_[slot] == kNone) ++live_;
  due_[slot] = ms;
  Push(ms, slot);
  std::push_heap(heap_.begin(), heap_.end(), [this](auto& a, auto& b) { return Later(a, b); });
  DropStale();
  if (heap_.size() > 2 * live_ + 1024) Compact();
}

std::optional<base::Timestamp> TimerIndex::Get(std::string_view case_id) const {
  auto it = slots_.find(case_id);
  if (it == slots_.end() || due_[it->second] == kNone) return std::nullopt;
  return base::FromUnixMillis(due_[it->second]);
}

std::optional<std::pair<base::Timestamp, std::string>> TimerIndex::Next() const {
  if (heap_.empty()) return std::nullopt;
  const HeapEntry& top = heap_.front();
  return std::pair<base::Timestamp, std::string>(base::FromUnixMillis(top.due_ms), ids_[top.slot]);
}

std::optional<std::pair<base::Timestamp, std::string>> TimerIndex::PopDue(base::Timestamp now) {
  auto next = Next();
  if (!next || next->first > now) return std::nullopt;
  // `next` holds a copy of the id: the slot may be freed below.
  due_[heap_.front().slot] = kNone;
  --live_;
  DropStale();
  return next;
}

void TimerIndex::DropStale() {
  auto later = [this](auto& a, auto& b) { return Later(a, b); };
  while (!heap_.empty() && due_[heap_.front().slot] != heap_.front().due_ms) {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    const uint32_t slot = heap_.back().slot;
    heap_.pop_back();
    Unref(slot);
  }
}

void TimerIndex::Compact() {
  std::vector<HeapEntry> live;
  live.reserve(live_);
  for (const HeapEntry& e : heap_) {
    // Two entries can match one slot (set, cleared, set again to the same
    // instant); keep one.
    if (due_[e.slot] == e.due_ms) live.push_back(e);
  }
  std::sort(live.begin(), live.end(),
            [](const HeapEntry& a, const HeapEntry& b) { return a.slot < b.slot; });
  live.erase(std::unique(live.begin(), live.end(),
                         [](const HeapEntry& a, const HeapEntry& b) { return a.slot == b.slot; }),
             live.end());
  // Recount the references: every slot the old heap named loses all its
  // entries, the kept ones get one back; then free what nothing names.
  for (const HeapEntry& e : heap_) refs_[e.slot] = 0;
  for (const HeapEntry& e : live) refs_[e.slot] = 1;
  std::vector<HeapEntry> old = std::move(heap_);
  heap_ = std::move(live);
  for (const HeapEntry& e : old) MaybeFree(e.slot);
  std::make_heap(heap_.begin(), heap_.end(), [this](auto& a, auto& b) { return Later(a, b); });
}

size_t TimerIndex::ApproximateMemory() const {
  size_t bytes = heap_.capacity() * sizeof(HeapEntry) + due_.capacity() * sizeof(int64_t) +
                 refs_.capacity() * sizeof(uint32_t) + used_.capacity() +
                 free_.capacity() * sizeof(uint32_t);
  for (const std::string& id : ids_) {
    bytes += sizeof(std::string);
    if (id.capacity() > 15) bytes += id.capacity() + 1;
  }
  // unordered_map: one node (key, value, next pointer, cached hash) per slot
  // plus the bucket array.
  bytes += slots_.size() * (sizeof(std::string_view) + sizeof(uint32_t) + 2 * sizeof(void*)) +
           slots_.bucket_count() * sizeof(void*);
  return bytes;
}

}  // namespace router
