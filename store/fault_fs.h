// store: fault injection under RocksDB, for the fault tests only (serve's --fault-* flags).
// A rocksdb::FileSystem over the default one that can stall each sync of the write-ahead log
// (a slow disk, an fsync stall) and can fail every write as a full disk would while a flag
// file exists (for machines where no small filesystem can be mounted). Never used unless a
// fault is asked for.
#pragma once

#include <rocksdb/env.h>

#include <memory>

#include "store/event_log.h"

namespace store {

// An Env over the default file system with `faults` injected. REQUIRES: faults.any(). The
// Env must outlive every DB opened with it.
std::unique_ptr<rocksdb::Env> NewFaultEnv(const FaultOptions& faults);

}  // namespace store
