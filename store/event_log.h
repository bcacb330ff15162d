// store: the RocksDB event log. Knows bytes and keys, not cases: the domain
// encoding lives in router/. One column family per concern; everything one
// input causes is written in one atomic WriteBatch.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace store {

// Column families. Persisted (as RocksDB column family names): never rename.
enum class Family {
  kLog,               // "log": key = 8-byte big-endian sequence number -> event bytes
  kIndex,             // "index": key = index key + 8-byte big-endian seq -> run length: "" for
                      // that one event, else 4-byte big-endian n: it and the n - 1 seqs after it
                      // (consecutive events of one key in one batch share an entry)
  kProjections,       // "projections": key -> current state bytes (e.g. per case)
  kTimers,            // "timers": key = due instant + id -> payload
  kOutbox,            // "outbox": key -> message not yet delivered
  kOffsets,           // "offsets": key = topic/partition -> consumed offset
  kDeadLetters,       // "dead_letters": key -> rejected input with its reason
  kDeadLetterOutbox,  // "dead_letter_outbox": a kDeadLetters key -> "": not yet confirmed
                      // on the dead-letter topic (written only when there is one)
  kMeta,              // "meta": small bookkeeping values
  kChangelogOutbox,   // "changelog_outbox": changelog records not yet confirmed on the
                      // changelog topic (engine/changelog.h; written only when there is one)
};

// Every family, in enum order: what Open opens (or creates).
inline constexpr std::array<Family, 10> kFamilies = {
    Family::kLog,    Family::kIndex,           Family::kProjections, Family::kTimers,
    Family::kOutbox, Family::kOffsets,         Family::kDeadLetters, Family::kDeadLetterOutbox,
    Family::kMeta,   Family::kChangelogOutbox,
};

// How much of the log Open reads to prove it has no gap.
enum class OpenCheck {
  kFull,    // every key of the log: linear in its size (~1.5 s per million events)
  kBounds,  // first and last keys against the bounds recorded by Append: constant time
};

// Faults injected under the RocksDB log, for the fault tests only (serve's --fault-* flags;
// store/fault_fs.h). None by default.
struct FaultOptions {
  // Each sync of a write-ahead log file (*.log) first sleeps this long (a slow disk, an fsync
  // stall); zero: none.
  std::chrono::milliseconds sync_delay{0};
  // Non-empty: while a file exists at this path, every append to or sync of a file in the
  // log's directory fails with "No space left on device", and its filesystem reports no space
  // free, as on a full disk.
  std::string full_flag = {};
  bool any() const { return sync_delay.count() > 0 || !full_flag.empty(); }
};

struct Options {
  bool sync = true;               // fsync the WAL on every Append (WAL is always on)
  bool create_if_missing = true;  // false: opening a missing log is an error
  OpenCheck check = OpenCheck::kFull;
  // Write-behind, for one writer that builds its next batch while the last one
  // goes to disk (serve's ingest): Append queues the batch for a writer thread
  // and returns once the batch before it has left the queue. Each batch stays
  // atomic and batches are written in order, so a crash loses at most the
  // batches not yet written, whole. A batch is not written while the directory's
  // filesystem has less than min_free_bytes free besides it, and a failed write
  // closes the store and opens it again before the batch is retried: either waits
  // with backoff, at most 2 s apart, reporting through on_write_error each time,
  // until the batch is written (a disk that was full resumes by itself once space
  // is freed); Flush waits for everything queued. Reads see written batches only,
  // so call Flush before reading what you appended (and before VerifyLog); a read
  // waits while the store is being opened again, so the function a read calls
  // back must not Append or Flush.
  bool write_behind = false;
  // With write_behind: the space the data directory's filesystem must keep free besides the
  // batch being written (store/rocksdb_log.cc, the writer, says why); 0: no check, a full
  // disk is met as a failed write. RocksDB log only.
  uint64_t min_free_bytes = 0;
  // Opens without taking the directory's lock, so readers (log, explain,
  // dead-letters) work while serve writes: sees what was written when it
  // opened; Append fails with kInvalidInput. Never creates anything.
  bool read_only = false;
  std::function<void(const base::Status&)> on_write_error = nullptr;  // from the writer thread
  // Called once each appended batch is written (with `sync`, durable), with the sequence
  // number after its last event: every event below it is on disk. From the writer thread
  // with write_behind, else from Append's caller before Append returns. The paging hub
  // sends a page only once this has passed its seq. RocksDB log only (SimLog ignores it).
  std::function<void(uint64_t written_next_seq)> on_written = nullptr;
  // Called after each successful RocksDB write of a batch with the wall time (steady clock) of
  // that Write call, WAL append and with `sync` its fsync included, and the size of the batch as
  // written (RocksDB's WriteBatch data size: keys, values and framing). From the thread that
  // wrote (as on_written), before on_written. A failed attempt that write-behind retries is not
  // timed (it goes to on_write_error); the attempt that succeeds is. For serve's metrics: keep
  // it cheap, it runs on the write path. RocksDB log only (SimLog ignores it).
  std::function<void(double seconds, size_t bytes)> on_write_timed = nullptr;
  FaultOptions faults = {};  // testing only; RocksDB log only
};

// One key update in a column family other than kLog. `value` nullopt deletes.
struct Put {
  Family family;
  std::string key;
  std::optional<std::string> value;
};

// Everything one input causes. Append writes it as one WriteBatch: all or nothing.
struct Batch {
  struct Event {
    std::string bytes;      // appended to kLog at the next sequence number
    std::string index_key;  // non-empty: also indexed under this key in kIndex
  };
  std::vector<Event> events;
  std::vector<Put> puts;
  bool empty() const { return events.empty() && puts.empty(); }
};

// The family's persisted RocksDB column family name ("log", "index", ...).
std::string_view FamilyName(Family family);

// Encodes n as 8 big-endian bytes (so keys sort numerically).
std::string EncodeSeq(uint64_t n);
// REQUIRES: bytes.size() == 8.
uint64_t DecodeSeq(std::string_view bytes);

// The event log over one RocksDB directory. Append from one thread at a time;
// reads may run concurrently with it (each sees a consistent prefix).
class EventLog {
 public:
  // Opens or creates the log in `dir`, creating missing column families (unknown
  // extra families of a newer version are kept and ignored). Verifies the log
  // has no gap between its first and last sequence numbers and agrees with the
  // bounds recorded by Append (how thoroughly: options.check).
  // Errors: kCorruption for a gap, a malformed key or lost events; kNotFound if
  // `dir` holds no log and !create_if_missing; kUnavailable if another process
  // has it open; kIoError otherwise.
  static base::Result<std::unique_ptr<EventLog>> Open(const std::string& dir,
                                                      const Options& options = {});
  virtual ~EventLog() = default;

  // Appends atomically. Returns the sequence number given to the batch's first
  // event (events get consecutive numbers from 1 up); for a batch without
  // events, the next sequence number. On error nothing was written. With
  // Options::write_behind, returns once the batch is queued (see there).
  // Errors: kInvalidInput for a put into kLog or under kMeta's reserved
  // "store." prefix; kIoError (or kCorruption) from the disk.
  virtual base::Result<uint64_t> Append(const Batch& batch) = 0;
  // The same, taking the batch's contents: with write-behind the writer thread
  // builds the store write from them, so the caller's thread never copies the
  // bytes. Afterwards `batch` is valid but unspecified (clear it to reuse it).
  virtual base::Result<uint64_t> Append(Batch&& batch) {
    return Append(static_cast<const Batch&>(batch));
  }

  // The sequence number the next appended event will get (1 for an empty log).
  // With write-behind, events below it may still be on their way to disk.
  virtual uint64_t next_seq() const = 0;

  // Returns once every appended batch is written (with write-behind; at once
  // otherwise). Errors: none today; a failing write is retried, so Flush waits.
  virtual base::Status Flush() = 0;

  // Calls fn(seq, bytes) for events with from <= seq < to, in order, until fn
  // returns false.
  virtual base::Status Read(uint64_t from, uint64_t to,
                            const std::function<bool(uint64_t, std::string_view)>& fn) const = 0;

  // Calls fn(seq, bytes) for every event indexed under `index_key`, in order.
  virtual base::Status ReadIndexed(
      std::string_view index_key,
      const std::function<bool(uint64_t, std::string_view)>& fn) const = 0;

  // The value under `key` in `family` (not kLog), or nullopt.
  virtual base::Result<std::optional<std::string>> Get(Family family,
                                                       std::string_view key) const = 0;

  // Calls fn(key, value) for keys of `family` starting with `prefix`, in key
  // order, until fn returns false.
  virtual base::Status Scan(
      Family family, std::string_view prefix,
      const std::function<bool(std::string_view, std::string_view)>& fn) const = 0;

  // The same, starting at the first key >= `from` (paging through a family: pass the last key
  // seen with a '\0' appended). The default skips keys below `from` one by one; the RocksDB
  // log seeks.
  virtual base::Status ScanFrom(
      Family family, std::string_view prefix, std::string_view from,
      const std::function<bool(std::string_view, std::string_view)>& fn) const {
    return Scan(family, prefix, [&](std::string_view key, std::string_view value) {
      return key < from ? true : fn(key, value);
    });
  }
};

// Reads the whole log and checks that its sequence numbers are consecutive and
// end at next_seq() - 1. Works on any EventLog. Errors: kCorruption naming the
// first gap; the log's own read errors.
base::Status VerifyLog(const EventLog& log);

}  // namespace store
