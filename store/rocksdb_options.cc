#include "store/rocksdb_options.h"

#include <rocksdb/perf_level.h>

namespace store {

rocksdb::DBOptions LogDbOptions() {
  rocksdb::DBOptions options;
  options.create_missing_column_families = true;
  // A torn WAL tail (crash mid-write) is cut at the last whole batch, which is
  // what makes a batch all-or-nothing across crashes.
  options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  // The WAL stays uncompressed. zstd WAL compression made serve ~20% faster here
  // (BENCHMARKS.md, Ingest), but Debian's RocksDB 7.8.3 then failed to reopen a log it had
  // written: `store_bench --sizes 1 --sync off --open-events 1000000` (1,024-event batches of
  // distinct cases, no fsync) gave "Corruption: bad WriteBatch Put" on every reopen, and the
  // same run with the WAL plain reopens (tests/store: "a log of a million events ... reopens
  // whole" fails with compression on). Upstream fixed at least one streaming WAL
  // decompression bug after 7.8 (RocksDB PR 11198, 2023-02; whether it is this one was not
  // checked): do not turn compression on before a RocksDB with that fix.
  return options;
}

void SkipPerfCounters() { rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable); }

}  // namespace store
