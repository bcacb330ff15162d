// The RocksDB database options of every event log, in one place so the benchmarks' raw
// RocksDB baselines (ops/bench) measure the same settings the log runs with.
#pragma once

#include <rocksdb/options.h>

namespace store {

// Database-wide options for a log directory (column families keep RocksDB's defaults);
// the caller sets create_if_missing.
rocksdb::DBOptions LogDbOptions();

}  // namespace store
