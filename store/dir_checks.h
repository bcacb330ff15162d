// store: checks of a log directory's files beyond RocksDB's own, so that a damaged directory is
// refused at open, naming the file, instead of opening to silently older state.
//
// What RocksDB refuses by itself (LogDbOptions, paranoid_checks): a missing or truncated table
// file (*.sst; every one is opened and its size checked against the MANIFEST), a missing or
// damaged MANIFEST, and, with kTolerateCorruptedTailRecords, a write-ahead log record that is
// corrupt where more follow. What it cannot tell: a write-ahead log (*.log) cut short, or
// deleted. After a crash a WAL may legitimately end in a torn record (the batch being written,
// never acknowledged), and a cut looks the same. After a clean close nothing is being written,
// so the close records every WAL's size (WriteWalRecord) and the next open refuses a WAL that
// is shorter or gone (CheckWalRecord). A WAL damaged after a crash and before the next open
// goes unseen: it opens as of the cut, which the log's bounds keep consistent (events,
// projections, timers and consumed offsets are one write), and serve consumes again from Kafka
// what the cut removed; what came from no topic since the cut (pager receipts, acknowledgements
// over the pager channel or the HTTP API) is lost, so its pages go out again.
#pragma once

#include <string>

#include "base/status.h"

namespace store {

// The file a clean close writes into the log's directory (one "NNNNNN.log SIZE" line per WAL).
inline constexpr char kWalRecordName[] = "ESCALATOR-WAL-SIZES";

// Records the size of every write-ahead log file in `dir`, durably (a temporary file, fsync,
// rename, fsync of the directory). Call after the database is closed. Best effort: on any
// error the record is not written, and the next open checks nothing.
void WriteWalRecord(const std::string& dir);

// Checks `dir`'s write-ahead logs against its record, if it has one. A recorded WAL that is
// missing is fine once a WAL numbered after every recorded one exists (a later read-write open
// replayed and retired it). Errors: kCorruption naming the WAL that is shorter than recorded,
// or missing; kCorruption for a malformed record.
base::Status CheckWalRecord(const std::string& dir);

// Removes the record (a read-write open has replayed the WALs it names). Best effort.
void RemoveWalRecord(const std::string& dir);

// Adds to RocksDB's message for a failed open the files it means: RocksDB reports a missing
// table file under its legacy name NNNNNN.ldb, and a corrupt WAL record under no name at all.
std::string ExplainOpenFailure(const std::string& dir, const std::string& message);

}  // namespace store
