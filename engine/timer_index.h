// The due-timer index in memory: which case's next action is due first. The
// store's kTimers family is the durable copy (the engine writes it in the same
// batch as the events that set it, engine/engine.h); this index is rebuilt
// from it at start and kept in step by telling it each case's next timer after
// every applied input, so the timer loop never scans the store.
//
// One case has at most one timer. Order: (due instant, case id), the store's
// key order. Memory follows the cases with a timer, not every case ever seen:
// a case's id is dropped once its timer is gone and the heap no longer
// refers to it, and its slot is reused. One thread at a time.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "store/event_log.h"

namespace router {

class TimerIndex {
 public:
  // Rebuilds the index from every key of the store's kTimers family.
  // Errors: the store's; kCorruption for a key the engine never writes (shorter
  // than 8 bytes, no case id) or two timers for one case.
  // With `keep`, only the timers of the cases it returns true for (serve's owned partitions).
  static base::Result<TimerIndex> Load(
      const store::EventLog& log,
      const std::function<bool(std::string_view case_id)>& keep = nullptr);

  // Sets (or with nullopt clears) the case's timer, replacing any earlier one.
  void Set(std::string_view case_id, std::optional<base::Timestamp> due);

  // The case's timer, if any.
  std::optional<base::Timestamp> Get(std::string_view case_id) const;

  // The earliest timer: (due, case id), or nullopt when none is pending.
  std::optional<std::pair<base::Timestamp, std::string>> Next() const;

  // Removes and returns the earliest timer if it is due at or before `now`.
  std::optional<std::pair<base::Timestamp, std::string>> PopDue(base::Timestamp now);

  size_t size() const { return live_; }
  bool empty() const { return live_ == 0; }

  // Bytes held by the index (heap, slots, ids, hash table), an estimate for
  // benchmarks.
  size_t ApproximateMemory() const;

 private:
  static constexpr int64_t kNone = INT64_MIN;
  struct HeapEntry {
    int64_t due_ms;
    uint32_t slot;
  };
  uint32_t SlotOf(std::string_view case_id);
  void Push(int64_t due_ms, uint32_t slot);  // adds a heap entry (no sift) and counts it
  void Unref(uint32_t slot);                 // a heap entry of the slot is gone
  void MaybeFree(uint32_t slot);             // frees the slot when nothing refers to it
  bool Later(const HeapEntry& a, const HeapEntry& b) const;  // heap order: min first
  void DropStale();  // keeps the heap's top live, so Next() is const
  void Compact();    // drops every stale entry when they outnumber live ones

  // A slot per case with a timer or a heap entry; a deque so the ids never
  // move (the hash table keys are views into them). A slot is freed (id
  // released, key erased, slot on free_) only when no heap entry refers to it,
  // so a stale entry never compares by another case's id.
  std::deque<std::string> ids_;
  std::vector<int64_t> due_;    // per slot: the live timer, or kNone
  std::vector<uint32_t> refs_;  // per slot: heap entries naming it
  std::vector<uint8_t> used_;   // per slot: 1 while it belongs to a case
  std::vector<uint32_t> free_;  // slots to reuse
  std::unordered_map<std::string_view, uint32_t> slots_;
  // Min-heap with lazy deletion: an entry is live iff due_[slot] == due_ms.
  std::vector<HeapEntry> heap_;
  size_t live_ = 0;
};

}  // namespace router
