// store: a simulated EventLog, for seeded simulation (TigerBeetle's VOPR, FoundationDB's
// simulation) and tests. SimLog keeps the RocksDB log's contract to the byte (sequence numbers,
// index runs, the bounds record, Scan order, kInvalidInput rules; the contract suite in
// tests/store runs against both) over a SimDisk, which outlives it as a disk outlives a process.
// The caller injects faults: write failures and power loss. Nothing inside is random or reads a
// clock, and nothing runs on another thread, so a seeded simulator replays exactly.
//
// Durability, as the simulation models it (a power loss, not a process kill):
// - An Append with Options::sync is durable when it returns, and so is every earlier write:
//   RocksDB fsyncs the whole WAL, which holds them.
// - An Append without sync is visible to reads at once (and survives the SimLog being
//   destroyed, as RocksDB's WAL survives a killed process) but stays unsynced until a later
//   synced Append or SimDisk::Sync(). Flush() does not sync: RocksDbLog::Flush only waits for
//   write-behind, and a closed or reopened log does not sync either. Real RocksDB may make
//   unsynced writes durable sooner (the OS writes its cache back, a memtable flush, a reopen
//   flushing what it recovered); a simulator models that with Sync() or Crash(keep_unsynced).
// - SimDisk::Crash() drops the unsynced batches, whole and newest first: a batch is never torn.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/event_log.h"

namespace store {

// The durable state of one simulated data directory: what was synced, plus the batches written
// but not yet synced (kept as what undoes them). Outlives the SimLogs opened over it; at most
// one read-write SimLog is open over it at a time. Not thread-safe: one thread (the
// simulator's) uses the disk and its logs.
class SimDisk {
 public:
  // What the disk has been through, for the simulator's report.
  struct Counters {
    uint64_t crashes = 0;                   // Crash() calls
    uint64_t writes_failed = 0;             // Append writes failed by FailNextWrites
    uint64_t unsynced_batches_dropped = 0;  // batches Crash() dropped
  };

  SimDisk() = default;
  SimDisk(const SimDisk&) = delete;
  SimDisk& operator=(const SimDisk&) = delete;

  // Makes the next n writes fail with kIoError, writing nothing (replacing any count still
  // pending; 0 cancels; a crash keeps it: the fault is the disk's). A write is an Append of a
  // valid, non-empty batch: an empty batch or one refused with kInvalidInput reaches no disk and
  // leaves the count alone. With Options::write_behind, Append retries instead of failing (as
  // RocksDbLog's writer thread does): each failed attempt is reported to on_write_error and uses up
  // one of the n.
  void FailNextWrites(uint64_t n);

  // Power loss. Keeps the oldest min(keep_unsynced, unsynced_batches()) unsynced batches (the
  // OS had written them back; the WAL's point-in-time recovery keeps a prefix of batches) and
  // drops the rest, whole; what is kept is durable from then on. Every SimLog open over this
  // disk, read-only ones too, died with it: do not use one afterwards (its calls fail with
  // kUnavailable and write nothing), destroy it, and open a new SimLog over the disk.
  void Crash(uint64_t keep_unsynced = 0);

  // Makes every write so far durable, as if the OS had written its cache back.
  void Sync();

  // Batches written but not yet synced: what Crash() would drop.
  uint64_t unsynced_batches() const { return unsynced_.size(); }

  const Counters& counters() const { return counters_; }

 private:
  friend class SimLog;

  // One family's keys and values, in key order (RocksDB's bytewise order).
  using Table = std::map<std::string, std::string, std::less<>>;
  using Tables = std::array<Table, kFamilies.size()>;
  // One key's value before a write: nullopt if the key was absent.
  struct Undo {
    Family family;
    std::string key;
    std::optional<std::string> old_value;
  };
  // One key update of a batch, in the order RocksDbLog writes its WriteBatch.
  struct Write {
    Family family;
    std::string key;
    std::optional<std::string> value;  // nullopt deletes
  };

  // Applies a batch's writes in order; unsynced unless `sync` (which syncs everything).
  void Apply(std::vector<Write>&& writes, bool sync);
  // Crash() calls so far: a SimLog opened in an earlier epoch is dead.
  uint64_t epoch() const { return counters_.crashes; }

  Tables tables_;                            // the live state: synced and unsynced writes
  std::vector<std::vector<Undo>> unsynced_;  // per unsynced batch, oldest first: its undo
  bool formatted_ = false;                   // a read-write open created the log (durably)
  bool locked_ = false;                      // a read-write SimLog is open over the disk
  uint64_t writes_to_fail_ = 0;
  Counters counters_;
};

// An EventLog over a SimDisk, with the contract of store/event_log.h and store::Options as
// EventLog::Open reads them; the durability rules are at the top of this file. Deviations,
// all of them schedules the real log may also take: write-behind writes before Append returns
// (so reads see a batch at once); a read-only open copies the disk's state when it opens.
// Single-threaded, like its SimDisk: no concurrent reads beside an Append.
class SimLog final : public EventLog {
 public:
  // Opens the log on `disk` as EventLog::Open opens a directory: creates it if missing and
  // options.create_if_missing (never when read-only), then checks it has no gap (how
  // thoroughly: options.check). A read-write open holds the disk until destroyed or a crash.
  // Errors: kNotFound if the disk holds no log and !create_if_missing or read-only;
  // kUnavailable if another read-write SimLog is open over it; kCorruption as EventLog::Open.
  static base::Result<std::unique_ptr<EventLog>> Open(SimDisk& disk, const Options& options = {});
  ~SimLog() override;

  // EventLog's contract. Each call on a log whose disk crashed after it opened fails with
  // kUnavailable (next_seq() keeps its last value).
  using EventLog::Append;  // EventLog's Append(Batch&&), which reads it as Append(const Batch&)
  base::Result<uint64_t> Append(const Batch& batch) override;
  uint64_t next_seq() const override { return next_seq_; }
  base::Status Flush() override;
  base::Status Read(uint64_t from, uint64_t to,
                    const std::function<bool(uint64_t, std::string_view)>& fn) const override;
  base::Status ReadIndexed(
      std::string_view index_key,
      const std::function<bool(uint64_t, std::string_view)>& fn) const override;
  base::Result<std::optional<std::string>> Get(Family family, std::string_view key) const override;
  base::Status Scan(
      Family family, std::string_view prefix,
      const std::function<bool(std::string_view, std::string_view)>& fn) const override;

 private:
  SimLog(SimDisk& disk, const Options& options);

  // Reads next_seq_ and checks the log against its bounds record, as RocksDbLog::Recover.
  base::Status Recover(OpenCheck check);
  // kUnavailable if the disk crashed since this log opened.
  base::Status CheckAlive() const;
  // The state reads see: the disk's, or the copy a read-only open took.
  const SimDisk::Table& table(Family family) const;

  SimDisk& disk_;
  const Options options_;
  const uint64_t epoch_;                   // the disk's epoch when this log opened
  std::optional<SimDisk::Tables> frozen_;  // read-only: the disk's state when opened
  bool holds_lock_ = false;
  uint64_t first_seq_ = 0;  // 0 while the log is empty
  uint64_t next_seq_ = 1;
};

}  // namespace store
