#include "store/rocksdb_options.h"

namespace store {

rocksdb::DBOptions LogDbOptions() {
  rocksdb::DBOptions options;
  options.create_missing_column_families = true;
  // A torn WAL tail (crash mid-write) is cut at the last whole batch, which is
  // what makes a batch all-or-nothing across crashes.
  options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  // The WAL is zstd-compressed: serve writes ~1.5 KiB of mostly repeated text per input,
  // and writing it was a third of the store writer's CPU on this machine, most of that the
  // kernel copying the bytes into the page cache. Compressed, ingest_bench measured a
  // median of 66k events/s against 55k over ten interleaved runs each (BENCHMARKS.md,
  // Ingest). Recovery reads compressed and plain WALs alike (tests/store: reopen and SIGKILL
  // tests); a RocksDB built without zstd silently writes plain WALs instead.
  options.wal_compression = rocksdb::kZSTD;
  return options;
}

}  // namespace store
