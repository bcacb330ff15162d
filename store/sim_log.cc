// SimDisk and SimLog: the event log in memory, writing what RocksDbLog writes (the layout rules
// of store/log_format.h), with the caller's faults.
#include "store/sim_log.h"

#include <algorithm>
#include <utility>

#include "store/log_format.h"

namespace store {

void SimDisk::FailNextWrites(uint64_t n) { writes_to_fail_ = n; }

void SimDisk::Crash(uint64_t keep_unsynced) {
  const uint64_t keep = std::min<uint64_t>(keep_unsynced, unsynced_.size());
  // Newest first, each batch's writes in reverse: every key gets back the value it had
  // before the oldest dropped batch.
  for (uint64_t b = unsynced_.size(); b > keep; --b) {
    std::vector<Undo>& undo = unsynced_[b - 1];
    for (auto it = undo.rbegin(); it != undo.rend(); ++it) {
      Table& table = tables_[static_cast<size_t>(it->family)];
      if (it->old_value) {
        table.insert_or_assign(std::move(it->key), std::move(*it->old_value));
      } else {
        table.erase(it->key);
      }
    }
  }
  counters_.unsynced_batches_dropped += unsynced_.size() - keep;
  unsynced_.clear();
  ++counters_.crashes;  // the epoch: every log open over the disk is now dead
  locked_ = false;      // its process died, and RocksDB's LOCK with it
}

void SimDisk::Sync() { unsynced_.clear(); }

void SimDisk::Apply(std::vector<Write>&& writes, bool sync) {
  std::vector<Undo> undo;
  if (!sync) undo.reserve(writes.size());
  for (Write& w : writes) {
    Table& table = tables_[static_cast<size_t>(w.family)];
    auto it = table.find(w.key);
    if (!sync) {
      undo.push_back({w.family, w.key,
                      it == table.end() ? std::nullopt : std::optional<std::string>(it->second)});
    }
    if (w.value) {
      if (it == table.end()) {
        table.emplace(std::move(w.key), std::move(*w.value));
      } else {
        it->second = std::move(*w.value);
      }
    } else if (it != table.end()) {
      table.erase(it);
    }
  }
  // A synced write fsyncs the whole WAL: the batches before it become durable too.
  if (sync) {
    unsynced_.clear();
  } else {
    unsynced_.push_back(std::move(undo));
  }
}

base::Result<std::unique_ptr<EventLog>> SimLog::Open(SimDisk& disk, const Options& options) {
  if (!disk.formatted_ && (!options.create_if_missing || options.read_only)) {
    return base::Status::NotFound("no event log on the simulated disk");
  }
  if (!options.read_only && disk.locked_) {
    return base::Status::Unavailable(
        "open event log on the simulated disk: another SimLog has it open");
  }
  std::unique_ptr<SimLog> log(new SimLog(disk, options));
  if (auto s = log->Recover(options.check); !s.ok()) return s;
  return std::unique_ptr<EventLog>(std::move(log));
}

SimLog::SimLog(SimDisk& disk, const Options& options)
    : disk_(disk), options_(options), epoch_(disk.epoch()) {
  if (options.read_only) {
    frozen_ = disk.tables_;
  } else {
    // Creating the log is durable at once, as RocksDB syncs a new database's MANIFEST.
    disk.formatted_ = true;
    disk.locked_ = true;
    holds_lock_ = true;
  }
}

SimLog::~SimLog() {
  // After a crash the lock is no longer this log's: a newer SimLog may hold it.
  if (holds_lock_ && disk_.epoch() == epoch_) disk_.locked_ = false;
}

base::Status SimLog::CheckAlive() const {
  if (disk_.epoch() == epoch_) return base::Status::Ok();
  return base::Status::Unavailable(
      "the simulated disk crashed after this log was opened: open a new SimLog");
}

const SimDisk::Table& SimLog::table(Family family) const {
  const SimDisk::Tables& tables = frozen_ ? *frozen_ : disk_.tables_;
  return tables[static_cast<size_t>(family)];
}

base::Status SimLog::Recover(OpenCheck check) {
  std::optional<std::pair<uint64_t, uint64_t>> recorded;
  const SimDisk::Table& meta = table(Family::kMeta);
  if (auto b = meta.find(kBoundsKey); b != meta.end()) {
    const std::string_view bytes = b->second;
    if (bytes.size() != 16) return base::Status::Corruption("event log bounds record is malformed");
    recorded.emplace(DecodeSeq(bytes.substr(0, 8)), DecodeSeq(bytes.substr(8, 8)));
  }
  const SimDisk::Table& log = table(Family::kLog);
  if (log.empty()) {
    if (recorded) {
      return EmptyLogWithBounds(recorded->first, recorded->second);
    }
    next_seq_ = 1;
    return base::Status::Ok();
  }
  if (!recorded) return base::Status::Corruption("event log has events but no bounds record");
  // Only Append writes kLog (CheckPut refuses puts into it), so every key is 8 bytes.
  const uint64_t first = DecodeSeq(log.begin()->first);
  uint64_t last = DecodeSeq(log.rbegin()->first);
  if (check == OpenCheck::kFull) {
    uint64_t expected = first;
    for (const auto& [key, bytes] : log) {
      if (DecodeSeq(key) != expected) {
        return LogGap(expected - 1, DecodeSeq(key));
      }
      ++expected;
    }
  }
  if (first != recorded->first || last != recorded->second) {
    return BoundsMismatch(first, last, recorded->first, recorded->second);
  }
  first_seq_ = first;
  next_seq_ = last + 1;
  return base::Status::Ok();
}

base::Result<uint64_t> SimLog::Append(const Batch& batch) {
  if (auto s = CheckAlive(); !s.ok()) return s;
  if (options_.read_only) return base::Status::InvalidInput("the event log is open read-only");
  for (const Put& put : batch.puts) {
    if (auto s = CheckPut(put); !s.ok()) return s;
  }
  const uint64_t first = next_seq_;
  if (batch.empty()) return first;
  while (disk_.writes_to_fail_ > 0) {
    --disk_.writes_to_fail_;
    ++disk_.counters_.writes_failed;
    if (!options_.write_behind) {
      return base::Status::IoError("append to event log: simulated write failure");
    }
    // RocksDbLog's writer thread retries until the write succeeds (with a backoff: the
    // simulation has no clock, so at once), reporting each failure.
    if (options_.on_write_error) {
      options_.on_write_error(
          base::Status::IoError("append to event log (retrying): simulated write failure"));
    }
  }

  // What RocksDbLog::Build puts in its WriteBatch, in its order where the order matters (one
  // key written twice): the events, their index entries, the puts, the bounds record.
  std::vector<SimDisk::Write> writes;
  writes.reserve(batch.events.size() * 2 + batch.puts.size() + 1);
  for (size_t i = 0; i < batch.events.size(); ++i) {
    writes.push_back({Family::kLog, EncodeSeq(first + i), batch.events[i].bytes});
  }
  ForEachIndexRun(batch.events, [&](size_t i, uint32_t run) {
    char n[4];
    PutRunLength(n, run);
    writes.push_back({Family::kIndex, batch.events[i].index_key + EncodeSeq(first + i),
                      run == 1 ? std::string() : std::string(n, 4)});
  });
  for (const Put& put : batch.puts) writes.push_back({put.family, put.key, put.value});
  const uint64_t next = first + batch.events.size();
  const uint64_t bounds_first = first_seq_ != 0 ? first_seq_ : first;
  if (!batch.events.empty()) {
    writes.push_back(
        {Family::kMeta, std::string(kBoundsKey), EncodeSeq(bounds_first) + EncodeSeq(next - 1)});
  }
  disk_.Apply(std::move(writes), options_.sync);
  if (!batch.events.empty()) first_seq_ = bounds_first;
  next_seq_ = next;
  return first;
}

base::Status SimLog::Flush() { return CheckAlive(); }

base::Status SimLog::Read(uint64_t from, uint64_t to,
                          const std::function<bool(uint64_t, std::string_view)>& fn) const {
  if (auto s = CheckAlive(); !s.ok()) return s;
  // RocksDB's iterator reads a snapshot: events fn appends are not part of this read.
  to = std::min(to, next_seq_);
  if (from >= to) return base::Status::Ok();
  const SimDisk::Table& log = table(Family::kLog);
  const std::string end = EncodeSeq(to);
  for (auto it = log.lower_bound(EncodeSeq(from)); it != log.end() && it->first < end; ++it) {
    if (!fn(DecodeSeq(it->first), it->second)) break;
    // fn may have crashed the disk, which erases events: `it` may dangle.
    if (auto s = CheckAlive(); !s.ok()) return s;
  }
  return base::Status::Ok();
}

base::Status SimLog::ReadIndexed(std::string_view index_key,
                                 const std::function<bool(uint64_t, std::string_view)>& fn) const {
  if (auto s = CheckAlive(); !s.ok()) return s;
  // A snapshot, as RocksDbLog reads one: the key's entries copied (few), and the log up to
  // next_seq_ (kLog only grows while the log lives).
  std::vector<std::pair<uint64_t, std::string>> entries;
  const SimDisk::Table& index = table(Family::kIndex);
  for (auto it = index.lower_bound(index_key);
       it != index.end() && std::string_view(it->first).starts_with(index_key); ++it) {
    // Another index key may extend this one ("case-1" vs "case-10").
    if (it->first.size() != index_key.size() + 8) continue;
    entries.emplace_back(DecodeSeq(std::string_view(it->first).substr(index_key.size())),
                         it->second);
  }
  const uint64_t end = next_seq_;
  const SimDisk::Table& log = table(Family::kLog);
  for (const auto& [first, value] : entries) {
    auto run = DecodeRunLength(index_key, first, value);
    if (!run.ok()) return run.status();
    for (uint32_t k = 0; k < *run; ++k) {
      auto event = first + k < end ? log.find(EncodeSeq(first + k)) : log.end();
      if (event == log.end()) {
        return base::Status::Corruption("index entry for '" + std::string(index_key) +
                                        "' names seq " + std::to_string(first + k) +
                                        " which is not in the log");
      }
      if (!fn(first + k, event->second)) return base::Status::Ok();
      if (auto s = CheckAlive(); !s.ok()) return s;
    }
  }
  return base::Status::Ok();
}

base::Result<std::optional<std::string>> SimLog::Get(Family family, std::string_view key) const {
  if (auto s = CheckAlive(); !s.ok()) return s;
  if (!KnownFamily(family)) return base::Status::InvalidInput("unknown column family");
  const SimDisk::Table& t = table(family);
  auto it = t.find(key);
  if (it == t.end()) return std::optional<std::string>();
  return std::optional<std::string>(it->second);
}

base::Status SimLog::Scan(Family family, std::string_view prefix,
                          const std::function<bool(std::string_view, std::string_view)>& fn) const {
  if (auto s = CheckAlive(); !s.ok()) return s;
  if (!KnownFamily(family)) return base::Status::InvalidInput("unknown column family");
  // Copied first, as a RocksDB iterator reads a snapshot: fn may write this family (the
  // outbox relay deletes what it delivered) without changing what this scan visits.
  std::vector<std::pair<std::string, std::string>> rows;
  const SimDisk::Table& t = table(family);
  for (auto it = t.lower_bound(prefix);
       it != t.end() && std::string_view(it->first).starts_with(prefix); ++it) {
    rows.emplace_back(it->first, it->second);
  }
  for (const auto& [key, value] : rows) {
    if (!fn(key, value)) break;
  }
  return base::Status::Ok();
}

}  // namespace store
