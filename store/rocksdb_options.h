// The RocksDB database options of every event log, in one place so the benchmarks' raw
// RocksDB baselines (ops/bench) measure the same settings the log runs with.
#pragma once

#include <rocksdb/options.h>

#include <string_view>

namespace store {

// Database-wide options for a log directory; the caller sets create_if_missing.
rocksdb::DBOptions LogDbOptions();

// The options of the log's column family named `name` (store::FamilyName); RocksDB's
// defaults but for the memtable of the families that are written on every input and read
// only when opened (see the definition).
rocksdb::ColumnFamilyOptions LogCfOptions(std::string_view name);

// Turns RocksDB's perf counters off for the calling thread (the setting is per thread).
// RocksDB counts every key comparison into thread-local counters unless a thread says
// otherwise, and in Debian's shared librocksdb each count is a __tls_get_addr call: 14% of
// the write-behind thread's CPU, serve's critical path (BENCHMARKS.md, Ingest). The log
// reads none of them, so each of its entry points calls this (one thread-local store), and
// so do the raw baselines before they write.
void SkipPerfCounters();

}  // namespace store
