#include "store/rocksdb_options.h"

namespace store {

rocksdb::DBOptions LogDbOptions() {
  rocksdb::DBOptions options;
  options.create_missing_column_families = true;
  // A torn WAL tail (crash mid-write) is cut at the last whole batch, which is
  // what makes a batch all-or-nothing across crashes.
  options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  // The WAL is zstd-compressed: serve writes ~1.5 KiB of mostly repeated text per input
  // and, on this machine, the kernel's copy of WAL bytes into the page cache was a third of
  // the store writer's CPU. Compressed, ingest_bench measured 65-67k events/s against
  // 51-57k (BENCHMARKS.md, Ingest). Recovery reads compressed and plain WALs alike
  // (tests/store: reopen and SIGKILL tests); a RocksDB built without zstd silently writes
  // plain WALs instead.
  options.wal_compression = rocksdb::kZSTD;
  return options;
}

}  // namespace store
