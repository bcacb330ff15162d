#include "store/rocksdb_options.h"

#include <rocksdb/listener.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/perf_level.h>

#include <memory>

#include "store/event_log.h"

namespace store {
namespace {

// Vetoes RocksDB's own recovery from a background error (out of space: its SstFileManager
// resumes once space returns). In 7.8 a recovery can leave the write-ahead log writer whose
// write failed in place, since it switches to a new WAL only while a memtable holds data (fixed
// upstream after 7.8, facebook/rocksdb#12873), and the next write to that writer aborts the
// process on the assertion `sync_without_flush_called_` (facebook/rocksdb#12448; from
// DBImpl::WriteToWAL in 5 runs of 5 of a store test whose disk fills and frees at random
// instants, when the log still resumed the handle). The log instead retires a handle that saw
// a failed write and opens the directory again (store/rocksdb_log.cc, the write-behind
// writer): the same recovery a restart does.
class NoAutoRecovery final : public rocksdb::EventListener {
 public:
  const char* Name() const override { return "EscalatorNoAutoRecovery"; }
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason, rocksdb::Status bg_error,
                            bool* auto_recovery) override {
    bg_error.PermitUncheckedError();
    *auto_recovery = false;
  }
};

}  // namespace

rocksdb::DBOptions LogDbOptions() {
  rocksdb::DBOptions options;
  options.create_missing_column_families = true;
  // A torn last WAL record (a crash mid-write: the batch being written, never acknowledged) is
  // dropped, which keeps a batch all-or-nothing across crashes; a corrupt record with more
  // after it refuses the open. kPointInTimeRecovery would stop replaying at such a record and
  // open without every batch after it: batches that were fsynced, acknowledged and paged for,
  // gone without a word. kAbsoluteConsistency would refuse the torn tail a power cut leaves.
  // Every append is fsynced (serve), so no acknowledged batch can be torn. What the mode cannot
  // see (a WAL cut short, or deleted) store/dir_checks.h checks after a clean close; a table
  // file missing or cut short RocksDB refuses by itself (paranoid_checks, on by default, and
  // every table file is opened, and its size checked, when the log opens).
  options.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  options.paranoid_checks = true;
  // The WAL stays uncompressed. zstd WAL compression made serve ~20% faster here
  // (BENCHMARKS.md, Ingest), but Debian's RocksDB 7.8.3 then failed to reopen a log it had
  // written: `store_bench --sizes 1 --sync off --open-events 1000000` (1,024-event batches of
  // distinct cases, no fsync) gave "Corruption: bad WriteBatch Put" on every reopen, and the
  // same run with the WAL plain reopens (tests/store: "a log of a million events ... reopens
  // whole" fails with compression on). Upstream fixed at least one streaming WAL
  // decompression bug after 7.8 (RocksDB PR 11198, 2023-02; whether it is this one was not
  // checked): do not turn compression on before a RocksDB with that fix.
  //
  // Vector memtables (LogCfOptions) take no concurrent inserts; the log has one writer anyway.
  options.allow_concurrent_memtable_write = false;
  // A WAL file lives until every family's memtable holding its writes is flushed, and by
  // default RocksDB lets them add up to 4 x the families' write buffers (~4.6 GiB for nine)
  // before it flushes the laggards. Every read-only open (log, explain, report while serve
  // runs) replays all of it: ~1.9 s per GiB here (a report over a 1M-case simulate's 2.4 GiB
  // of WAL spent 4.3 of its 4.6 s there). Past 256 MiB the families holding the oldest file
  // are flushed instead (64 MiB cost simulate ~10% of its rate in A/B pairs; 256 MiB nothing
  // measurable).
  options.max_total_wal_size = 256u << 20;
  // No automatic recovery from any background error (NoAutoRecovery above; the resume after a
  // retryable error is a switch of its own). A handle that saw one stays stopped (reads still
  // work) until the log closes it.
  options.listeners.push_back(std::make_shared<NoAutoRecovery>());
  options.max_bgerror_resume_count = 0;
  return options;
}

rocksdb::ColumnFamilyOptions LogCfOptions(std::string_view name) {
  rocksdb::ColumnFamilyOptions options;
  // kIndex and kTimers take out-of-order keys on nearly every input (the case's index entry,
  // its timer's delete and put) and are read rarely: when a log is opened (the timer index
  // loads once), by a repair, and by `log --case` and `explain` in their own process (which
  // replay the WAL into memtables of their own). Inserting such a key into a skip-list
  // memtable of ~10^5 entries costs ~40-70 key comparisons, and memtable inserts were ~40% of
  // all of serve's instructions (BENCHMARKS.md, Ingest). A vector memtable appends, and sorts
  // once when it is flushed, on RocksDB's background thread. A read of a vector memtable still
  // being written sorts a copy of it, so the families read while serve runs (projections on a
  // cache miss, the outbox every relay round, offsets on assignment) keep the skip list;
  // kLog's and kOutbox's keys arrive in order, which a skip list takes cheaply.
  if (name == FamilyName(Family::kIndex) || name == FamilyName(Family::kTimers)) {
    options.memtable_factory = std::make_shared<rocksdb::VectorRepFactory>();
  }
  return options;
}

void SkipPerfCounters() { rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable); }

}  // namespace store
