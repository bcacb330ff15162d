// EventLog over RocksDB: one column family per store::Family, one WriteBatch per
// Append. RocksDB statuses become base::Status here and nowhere else.
#include <rocksdb/db.h>
#include <rocksdb/iterator.h>
#include <rocksdb/options.h>
#include <rocksdb/slice.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "store/dir_checks.h"
#include "store/event_log.h"
#include "store/fault_fs.h"
#include "store/log_format.h"
#include "store/rocksdb_options.h"

namespace store {
namespace {

base::Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return base::Status::Ok();
  std::string message = std::string(what) + ": " + s.ToString();
  if (s.IsNotFound()) return base::Status::NotFound(std::move(message));
  if (s.IsCorruption()) return base::Status::Corruption(std::move(message));
  if (s.IsInvalidArgument() || s.IsNotSupported()) {
    return base::Status::InvalidInput(std::move(message));
  }
  if (s.IsBusy() || s.IsTimedOut() || s.IsTryAgain() || s.IsIncomplete()) {
    return base::Status::Unavailable(std::move(message));
  }
  // The LOCK file held by another process surfaces as an IOError.
  if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
    return base::Status::Unavailable(std::move(message));
  }
  return base::Status::IoError(std::move(message));
}

// The largest WriteBatch buffer Append keeps for the next append.
constexpr size_t kMaxKeptBatchBytes = 128u << 20;
// The longest a failed write-behind write waits before its next attempt: how soon writes
// resume once the cause is gone (space freed on a full disk).
constexpr auto kMaxWriteBackoff = std::chrono::milliseconds(2000);

// One open of a log directory: the database and its column families.
struct OpenedDb {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;  // all opened, including unknown ones
  std::array<rocksdb::ColumnFamilyHandle*, kFamilies.size()> families{};  // null: absent
};

// Opens `dir` with the column families `names` (every one the directory has, plus those to
// create). Errors as EventLog::Open's, a damaged directory's naming the files it means.
base::Result<OpenedDb> OpenDb(const std::string& dir, const rocksdb::DBOptions& db_options,
                              const std::vector<std::string>& names, bool read_only) {
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& name : names) {
    descriptors.emplace_back(name, LogCfOptions(name));
  }
  OpenedDb opened;
  rocksdb::DB* raw = nullptr;
  SkipPerfCounters();  // opening replays the WAL into the memtables on this thread
  auto s = read_only
               ? rocksdb::DB::OpenForReadOnly(db_options, dir, descriptors, &opened.handles, &raw)
               : rocksdb::DB::Open(db_options, dir, descriptors, &opened.handles, &raw);
  if (!s.ok()) {
    base::Status status = FromRocks(s, "open event log in " + dir);
    if (status.code() == base::Code::kCorruption || status.code() == base::Code::kIoError) {
      std::string message = ExplainOpenFailure(dir, status.message());
      return status.code() == base::Code::kCorruption ? base::Status::Corruption(message)
                                                      : base::Status::IoError(message);
    }
    return status;
  }
  opened.db.reset(raw);
  for (size_t i = 0; i < names.size(); ++i) {
    for (Family f : kFamilies) {
      if (names[i] == FamilyName(f)) opened.families[static_cast<size_t>(f)] = opened.handles[i];
    }
  }
  return opened;
}

class RocksDbLog final : public EventLog {
 public:
  RocksDbLog(std::unique_ptr<rocksdb::Env> env, OpenedDb opened, rocksdb::DBOptions db_options,
             std::vector<std::string> names, const Options& options, std::string dir)
      : env_(std::move(env)),
        db_options_(std::move(db_options)),
        names_(std::move(names)),
        db_(std::move(opened.db)),
        handles_(std::move(opened.handles)),
        families_(opened.families),
        dir_(std::move(dir)) {
    write_options_.sync = options.sync;
    min_free_bytes_ = options.min_free_bytes;
    write_options_.disableWAL = false;
    read_only_ = options.read_only;
    on_write_error_ = options.on_write_error;
    on_written_ = options.on_written;
    on_write_timed_ = options.on_write_timed;
    if (options.write_behind) writer_ = std::thread([this] { WriteBehindLoop(); });
  }

  ~RocksDbLog() override {
    if (writer_.joinable()) {
      {
        std::lock_guard<std::mutex> lock(queue_mu_);
        stopping_ = true;
      }
      queue_cv_.notify_all();
      writer_.join();  // after it has written everything queued
    }
    if (!db_) return;  // never: the writer ends with the store open
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
    // A clean close: nothing is being written, so the next open can tell a WAL cut short
    // from a torn last write (store/dir_checks.h).
    if (db_->Close().ok() && !read_only_) WriteWalRecord(dir_);
  }

  base::Status Flush() override {
    if (!writer_.joinable()) return base::Status::Ok();
    std::unique_lock<std::mutex> lock(queue_mu_);
    queue_cv_.wait(lock, [&] { return !queued_ && !writing_; });
    return base::Status::Ok();
  }

  // Reads the log's bounds and, for OpenCheck::kFull, every key between them.
  base::Status Recover(OpenCheck check) {
    std::optional<std::pair<uint64_t, uint64_t>> recorded;
    auto bounds = Get(Family::kMeta, kBoundsKey);
    if (!bounds.ok()) return bounds.status();
    if (bounds->has_value()) {
      const std::string& b = **bounds;
      if (b.size() != 16) return base::Status::Corruption("event log bounds record is malformed");
      recorded.emplace(DecodeSeq(std::string_view(b).substr(0, 8)),
                       DecodeSeq(std::string_view(b).substr(8, 8)));
    }

    auto lock = ReadLock();
    rocksdb::ReadOptions ro;
    ro.fill_cache = false;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf(Family::kLog)));
    it->SeekToFirst();
    if (!it->Valid()) {
      if (!it->status().ok()) return FromRocks(it->status(), "read event log");
      if (recorded) {
        return EmptyLogWithBounds(recorded->first, recorded->second);
      }
      next_seq_ = 1;
      return base::Status::Ok();
    }
    if (!recorded) {
      return base::Status::Corruption("event log has events but no bounds record");
    }
    if (it->key().size() != 8) return MalformedKey(it->key());
    const uint64_t first = DecodeSeq(it->key().ToStringView());
    uint64_t last = first;
    if (check == OpenCheck::kFull) {
      for (it->Next(); it->Valid(); it->Next()) {
        if (it->key().size() != 8) return MalformedKey(it->key());
        const uint64_t seq = DecodeSeq(it->key().ToStringView());
        if (seq != last + 1) {
          return LogGap(last, seq);
        }
        last = seq;
      }
    } else {
      it->SeekToLast();
      if (it->Valid()) {
        if (it->key().size() != 8) return MalformedKey(it->key());
        last = DecodeSeq(it->key().ToStringView());
      }
    }
    if (!it->status().ok()) return FromRocks(it->status(), "read event log");
    if (first != recorded->first || last != recorded->second) {
      return BoundsMismatch(first, last, recorded->first, recorded->second);
    }
    first_seq_ = first;
    next_seq_ = last + 1;
    return base::Status::Ok();
  }

  base::Result<uint64_t> Append(const Batch& batch) override {
    SkipPerfCounters();
    // The writer thread needs a batch of its own; other callers (outbox
    // deletes, repairs) are small.
    if (writer_.joinable()) return Append(Batch(batch));
    std::lock_guard<std::mutex> lock(append_mu_);
    auto planned = PlanAppend(batch);
    if (!planned.ok()) return planned.status();
    if (batch.empty()) return planned->first;
    // Reused across appends so its buffer stays allocated; the single appender
    // (append_mu_) owns it.
    if (!batch_) batch_ = std::make_unique<rocksdb::WriteBatch>();
    Build(batch, *planned, *batch_);
    double seconds = 0;
    auto s = TimedWrite(*batch_, &seconds);
    const size_t bytes = batch_->GetDataSize();
    // Keep the buffer (ingest batches run to tens of MiB: regrowing it for each
    // one cost ~10% of serve's CPU in copies and page faults), but not a rare
    // huge one's.
    if (bytes > kMaxKeptBatchBytes) batch_.reset();
    if (!s.ok()) return FromRocks(s, "append to event log");
    Advance(*planned);
    if (on_write_timed_) on_write_timed_(seconds, bytes);
    if (on_written_) on_written_(planned->next);
    return planned->first;
  }

  base::Result<uint64_t> Append(Batch&& batch) override {
    SkipPerfCounters();
    if (!writer_.joinable()) return Append(static_cast<const Batch&>(batch));
    std::lock_guard<std::mutex> lock(append_mu_);
    auto planned = PlanAppend(batch);
    if (!planned.ok()) return planned.status();
    if (batch.empty()) return planned->first;
    // Write-behind: hand the batch over once the one before it has left the
    // queue. The writer thread builds the RocksDB write, so the caller's
    // thread never copies the bytes; it gets back a written batch to clear,
    // whose vectors keep their capacity.
    {
      std::unique_lock<std::mutex> lock(queue_mu_);
      queue_cv_.wait(lock, [&] { return !queued_; });
      queued_.emplace(Queued{std::move(batch), *planned});
      batch = std::move(spare_);
      spare_ = Batch{};
    }
    queue_cv_.notify_all();
    // Freed on the thread that allocated them: under glibc (measured before the
    // programs linked tcmalloc) freeing another thread's blocks took that arena's
    // lock and cost more than the copy it saved.
    batch.events.clear();
    batch.puts.clear();
    Advance(*planned);
    return planned->first;
  }

  uint64_t next_seq() const override { return next_seq_.load(std::memory_order_acquire); }

  base::Status Read(uint64_t from, uint64_t to,
                    const std::function<bool(uint64_t, std::string_view)>& fn) const override {
    SkipPerfCounters();
    if (from >= to) return base::Status::Ok();
    auto lock = ReadLock();
    char from_key[8], to_key[8];
    PutSeq(from_key, from);
    PutSeq(to_key, to);
    rocksdb::Slice upper(to_key, 8);
    rocksdb::ReadOptions ro;
    ro.iterate_upper_bound = &upper;
    // An iterator reads an implicit snapshot: a consistent prefix of the log.
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf(Family::kLog)));
    for (it->Seek(rocksdb::Slice(from_key, 8)); it->Valid(); it->Next()) {
      if (it->key().size() != 8) return MalformedKey(it->key());
      if (!fn(DecodeSeq(it->key().ToStringView()), it->value().ToStringView())) break;
    }
    return FromRocks(it->status(), "read event log");
  }

  base::Status ReadIndexed(
      std::string_view index_key,
      const std::function<bool(uint64_t, std::string_view)>& fn) const override {
    SkipPerfCounters();
    auto lock = ReadLock();
    if (cf(Family::kIndex) == nullptr) return base::Status::Ok();  // read-only, absent
    // One snapshot for both families, so every indexed event is found even
    // while an Append runs.
    const rocksdb::Snapshot* snapshot = db_->GetSnapshot();
    struct Release {
      rocksdb::DB* db;
      const rocksdb::Snapshot* s;
      ~Release() { db->ReleaseSnapshot(s); }
    } release{db_.get(), snapshot};
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot;
    std::unique_ptr<rocksdb::Iterator> index(db_->NewIterator(ro, cf(Family::kIndex)));
    std::unique_ptr<rocksdb::Iterator> log(db_->NewIterator(ro, cf(Family::kLog)));
    const rocksdb::Slice prefix(index_key.data(), index_key.size());
    for (index->Seek(prefix); index->Valid() && index->key().starts_with(prefix); index->Next()) {
      // Another index key may extend this one ("case-1" vs "case-10"): only
      // keys of exactly index_key + 8 seq bytes belong to it.
      if (index->key().size() != index_key.size() + 8) continue;
      const uint64_t first = DecodeSeq(index->key().ToStringView().substr(index_key.size()));
      auto run_length = DecodeRunLength(index_key, first, index->value().ToStringView());
      if (!run_length.ok()) return run_length.status();
      const uint32_t run = *run_length;
      char seq_key[8];
      PutSeq(seq_key, first);
      log->Seek(rocksdb::Slice(seq_key, 8));
      for (uint32_t k = 0; k < run; ++k, log->Next()) {
        PutSeq(seq_key, first + k);
        if (!log->Valid() || log->key().ToStringView() != std::string_view(seq_key, 8)) {
          if (!log->status().ok()) return FromRocks(log->status(), "read event log");
          return base::Status::Corruption("index entry for '" + std::string(index_key) +
                                          "' names seq " + std::to_string(first + k) +
                                          " which is not in the log");
        }
        if (!fn(first + k, log->value().ToStringView())) return base::Status::Ok();
      }
    }
    return FromRocks(index->status(), "read event index");
  }

  base::Result<std::optional<std::string>> Get(Family family, std::string_view key) const override {
    SkipPerfCounters();
    if (!KnownFamily(family)) return base::Status::InvalidInput("unknown column family");
    auto lock = ReadLock();
    if (cf(family) == nullptr) return std::optional<std::string>();  // read-only, absent
    std::string value;
    auto s = db_->Get(rocksdb::ReadOptions(), cf(family), rocksdb::Slice(key.data(), key.size()),
                      &value);
    if (s.IsNotFound()) return std::optional<std::string>();
    if (!s.ok()) return FromRocks(s, "get from " + std::string(FamilyName(family)));
    return std::optional<std::string>(std::move(value));
  }

  base::Status Scan(
      Family family, std::string_view prefix,
      const std::function<bool(std::string_view, std::string_view)>& fn) const override {
    return ScanFrom(family, prefix, prefix, fn);
  }

  base::Status ScanFrom(
      Family family, std::string_view prefix, std::string_view from,
      const std::function<bool(std::string_view, std::string_view)>& fn) const override {
    SkipPerfCounters();
    if (!KnownFamily(family)) return base::Status::InvalidInput("unknown column family");
    auto lock = ReadLock();
    if (cf(family) == nullptr) return base::Status::Ok();  // read-only, absent: empty
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf(family)));
    const rocksdb::Slice p(prefix.data(), prefix.size());
    const std::string_view start = from > prefix ? from : prefix;
    for (it->Seek(rocksdb::Slice(start.data(), start.size()));
         it->Valid() && it->key().starts_with(p); it->Next()) {
      if (!fn(it->key().ToStringView(), it->value().ToStringView())) break;
    }
    return FromRocks(it->status(), "scan " + std::string(FamilyName(family)));
  }

 private:
  static base::Status MalformedKey(const rocksdb::Slice& key) {
    return base::Status::Corruption("event log key of " + std::to_string(key.size()) +
                                    " bytes (expected 8)");
  }

  // Writes `wb`, setting *seconds to how long the Write call took (steady clock).
  rocksdb::Status TimedWrite(rocksdb::WriteBatch& wb, double* seconds) {
    const auto start = std::chrono::steady_clock::now();
    auto s = db_->Write(write_options_, &wb);
    *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return s;
  }

  // The write-behind thread: builds and writes each queued batch, in order (WriteUntilWritten).
  void WriteBehindLoop() {
    SkipPerfCounters();
    rocksdb::WriteBatch wb;  // this thread's, reused
    while (true) {
      std::optional<Queued> queued;
      {
        std::unique_lock<std::mutex> lock(queue_mu_);
        queue_cv_.wait(lock, [&] { return queued_ || stopping_; });
        if (!queued_) return;  // stopping, and everything is written
        queued = std::move(queued_);
        queued_.reset();
        writing_ = true;
      }
      queue_cv_.notify_all();  // the appender may queue the next batch
      Build(queued->batch, queued->plan, wb);
      double seconds = 0;
      WriteUntilWritten(wb, &seconds);
      const size_t bytes = wb.GetDataSize();
      if (bytes > kMaxKeptBatchBytes) wb = rocksdb::WriteBatch();
      if (on_write_timed_) on_write_timed_(seconds, bytes);
      if (on_written_) on_written_(queued->plan.next);
      {
        std::lock_guard<std::mutex> lock(queue_mu_);
        writing_ = false;
        spare_ = std::move(queued->batch);
      }
      queue_cv_.notify_all();
    }
  }

  // Writes `wb` on the writer thread, however long that takes: the appender has moved on as if
  // it had been written, and giving up would leave its in-memory state ahead of the disk. Two
  // things make it wait, each attempt reported to on_write_error, retried with backoff:
  //
  // A full disk, seen before RocksDB meets it. The batch is not written while the directory's
  // filesystem has less than the batch plus min_free_bytes free (serve keeps 64 MiB: what one
  // memtable flush writes at most, and what RocksDB itself wants free before resuming). So in
  // the common case, a disk filling up, RocksDB never gets ENOSPC, and nothing needs
  // recovering: the batch goes to the handle that wrote the last one once space returns.
  //
  // A failed write: the space went between the check and the write (another process took it,
  // or a flush or compaction did), no check was asked for, or an I/O error. RocksDB 7.8 cannot
  // be trusted to go on with a handle after that: its recovery (Resume, a flush) can hand the
  // next write to the WAL writer that failed, which aborts the process on the assertion
  // `sync_without_flush_called_` (facebook/rocksdb#12448; the recovery switches to a new WAL
  // only for a non-empty memtable, fixed upstream in #12873), and from a WAL I/O error other
  // than ENOSPC (fatal with paranoid_checks) it never resumes at all. We found no 7.8 option
  // that avoids it: the assertion guards every operation on a WAL file writer that failed. So
  // the handle that failed is never written, flushed or resumed again (LogDbOptions also turns
  // RocksDB's own recovery off): it stays open for reads until there is space, then it is
  // closed and the directory opened again, which recovers exactly as a restart would. The replay
  // stops at the WAL's last whole record: a torn record the failed write left is that WAL's tail,
  // which kTolerateCorruptedTailRecords drops. The batch is then written on the new handle. If the
  // failed write did reach the WAL whole (an append that went through and a sync that failed), the
  // replay applies it and the retry writes the same keys with the same values again: a batch's keys
  // are its seqs, index runs, puts and bounds, so nothing doubles. Only this thread writes, so only
  // it closes and opens; readers hold db_mu_ shared and wait on db_cv_ while the store is closed.
  void WriteUntilWritten(rocksdb::WriteBatch& wb, double* seconds) {
    auto backoff = std::chrono::milliseconds(100);
    auto report_and_wait = [&](const base::Status& s) {
      if (on_write_error_) on_write_error_(s);
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, kMaxWriteBackoff);
    };
    bool failed = false;  // db_ saw a failed write: open the directory again before writing
    while (true) {
      if (base::Status space = CheckFreeSpace(wb.GetDataSize()); !space.ok()) {
        report_and_wait(space);
        continue;
      }
      if (failed) {
        CloseDb();
        failed = false;
      }
      if (!db_) {
        if (base::Status opened = OpenAgain(); !opened.ok()) {
          report_and_wait(opened);
          continue;
        }
      }
      rocksdb::Status s = TimedWrite(wb, seconds);
      if (s.ok()) return;
      failed = true;
      report_and_wait(FromRocks(s, "append to event log (retrying)"));
    }
  }

  // Ok if the data directory's filesystem has `bytes` plus min_free_bytes_ free (or cannot
  // tell, or no check is asked for); else an error saying how much it has.
  base::Status CheckFreeSpace(size_t bytes) const {
    if (min_free_bytes_ == 0) return base::Status::Ok();
    uint64_t free = 0;
    rocksdb::Env* env = db_options_.env ? db_options_.env : rocksdb::Env::Default();
    if (!env->GetFreeSpace(dir_, &free).ok()) return base::Status::Ok();  // the write will tell
    const uint64_t need = min_free_bytes_ + bytes;
    if (free >= need) return base::Status::Ok();
    char message[160];
    std::snprintf(message, sizeof message, "%.1f MiB free, need %.1f MiB (%.1f kept free)",
                  free / 1048576.0, need / 1048576.0, min_free_bytes_ / 1048576.0);
    return base::Status::IoError("disk full: " + dir_ + " has " + message +
                                 "; not writing until there is");
  }

  // Closes the store (readers wait). REQUIRES: the writer thread.
  void CloseDb() {
    std::unique_lock<std::shared_mutex> lock(db_mu_);  // after the reads under way
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
    handles_.clear();
    families_ = {};
    // Reports the WAL it could not write, which is why it closes; the open after it replays
    // what that WAL holds.
    db_->Close().PermitUncheckedError();
    db_.reset();
  }

  // Opens the directory again after CloseDb, and lets the waiting readers go on.
  // REQUIRES: the writer thread.
  base::Status OpenAgain() {
    auto opened = OpenDb(dir_, db_options_, names_, /*read_only=*/false);
    if (!opened.ok()) {
      return base::Status::IoError("after a failed write, " + opened.status().ToString());
    }
    {
      std::unique_lock<std::shared_mutex> lock(db_mu_);
      db_ = std::move(opened->db);
      handles_ = std::move(opened->handles);
      families_ = opened->families;
    }
    db_cv_.notify_all();
    return base::Status::Ok();
  }

  // Holds the store open for a read: waits while the writer opens it again.
  std::shared_lock<std::shared_mutex> ReadLock() const {
    std::shared_lock<std::shared_mutex> lock(db_mu_);
    db_cv_.wait(lock, [&] { return db_ != nullptr; });
    return lock;
  }

  // Where an append goes: decided by the appender, under append_mu_.
  struct AppendPlan {
    uint64_t first = 0;         // the batch's first seq
    uint64_t next = 0;          // the next batch's first seq
    uint64_t bounds_first = 0;  // the log's first seq after it (0: still empty)
  };
  struct Queued {
    Batch batch;
    AppendPlan plan;
  };

  // Checks the puts and numbers the events. REQUIRES: append_mu_ held.
  base::Result<AppendPlan> PlanAppend(const Batch& batch) const {
    if (read_only_) return base::Status::InvalidInput("the event log is open read-only");
    for (const Put& put : batch.puts) {
      if (auto s = CheckPut(put); !s.ok()) return s;
    }
    AppendPlan plan;
    plan.first = next_seq_.load(std::memory_order_relaxed);
    plan.next = plan.first + batch.events.size();
    plan.bounds_first = first_seq_;
    if (!batch.events.empty() && plan.bounds_first == 0) plan.bounds_first = plan.first;
    return plan;
  }

  // The batch is written (or queued): later appends number after it.
  // REQUIRES: append_mu_ held.
  void Advance(const AppendPlan& plan) {
    first_seq_ = plan.bounds_first;
    next_seq_.store(plan.next, std::memory_order_release);
  }

  // Fills `wb` with the batch: the events under their seqs, one index entry per
  // run, the puts, and the log's bounds. Index entries and puts go in key order
  // within each family (a stable sort, so two writes of one key keep their
  // order): a memtable insert in key order starts from where the last one
  // ended, where a random one searches the skiplist from the top (measured:
  // ~20% of the writer thread's CPU on ingest batches).
  void Build(const Batch& batch, const AppendPlan& plan, rocksdb::WriteBatch& wb) const {
    wb.Clear();
    char seq_key[8];
    const auto& events = batch.events;
    for (size_t i = 0; i < events.size(); ++i) {
      PutSeq(seq_key, plan.first + i);
      wb.Put(cf(Family::kLog), rocksdb::Slice(seq_key, 8), events[i].bytes);
    }
    // One index entry per run of consecutive events of the same key (an
    // input's events): fewer, not larger, writes.
    struct IndexRun {
      const std::string* key;
      uint64_t seq;
      uint32_t run;
    };
    std::vector<IndexRun> runs;
    ForEachIndexRun(events, [&](size_t i, uint32_t run) {
      runs.push_back({&events[i].index_key, plan.first + i, run});
    });
    std::sort(runs.begin(), runs.end(), [](const IndexRun& a, const IndexRun& b) {
      return *a.key != *b.key ? *a.key < *b.key : a.seq < b.seq;
    });
    std::string index_key;
    for (const IndexRun& r : runs) {
      PutSeq(seq_key, r.seq);
      index_key.assign(*r.key);
      index_key.append(seq_key, 8);
      char n[4];
      PutRunLength(n, r.run);
      wb.Put(cf(Family::kIndex), index_key, r.run == 1 ? rocksdb::Slice() : rocksdb::Slice(n, 4));
    }
    std::vector<const Put*> puts;
    puts.reserve(batch.puts.size());
    for (const Put& put : batch.puts) puts.push_back(&put);
    std::stable_sort(puts.begin(), puts.end(), [](const Put* a, const Put* b) {
      return a->family != b->family ? a->family < b->family : a->key < b->key;
    });
    for (const Put* put : puts) {
      if (put->value) {
        wb.Put(cf(put->family), put->key, *put->value);
      } else {
        wb.Delete(cf(put->family), put->key);
      }
    }
    if (!events.empty()) {
      char bounds[16];
      PutSeq(bounds, plan.bounds_first);
      PutSeq(bounds + 8, plan.next - 1);
      wb.Put(cf(Family::kMeta), rocksdb::Slice(kBoundsKey.data(), kBoundsKey.size()),
             rocksdb::Slice(bounds, 16));
    }
  }

  rocksdb::ColumnFamilyHandle* cf(Family family) const {
    return families_[static_cast<size_t>(family)];
  }

  std::unique_ptr<rocksdb::Env> env_;     // fault injection only (null: the default); outlives db_
  const rocksdb::DBOptions db_options_;   // what opens the directory again; its env is env_
  const std::vector<std::string> names_;  // the column families opened

  // The open store. Only the writer thread replaces it (closes it, then opens the directory
  // again), under db_mu_ held exclusively; other threads use it under db_mu_ shared, waiting
  // on db_cv_ while it is closed (null). The writer thread itself reads it without the lock.
  mutable std::shared_mutex db_mu_;
  mutable std::condition_variable_any db_cv_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // all opened, including unknown ones
  std::array<rocksdb::ColumnFamilyHandle*, kFamilies.size()> families_{};

  std::string dir_;
  rocksdb::WriteOptions write_options_;
  uint64_t min_free_bytes_ = 0;
  bool read_only_ = false;

  std::mutex append_mu_;
  std::unique_ptr<rocksdb::WriteBatch> batch_;  // guarded by append_mu_; null: make one
  uint64_t first_seq_ = 0;                      // 0 while the log is empty; guarded by append_mu_
  std::atomic<uint64_t> next_seq_{1};

  // Write-behind (Options::write_behind): at most one batch queued and one
  // being written while the appender builds the next.
  std::function<void(const base::Status&)> on_write_error_;
  std::function<void(uint64_t)> on_written_;
  std::function<void(double, size_t)> on_write_timed_;
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::optional<Queued> queued_;  // guarded by queue_mu_
  Batch spare_;                   // guarded by queue_mu_: a written batch, for the appender
  bool writing_ = false;          // guarded by queue_mu_
  bool stopping_ = false;         // guarded by queue_mu_
  std::thread writer_;            // runs only with write_behind
};

}  // namespace

base::Result<std::unique_ptr<EventLog>> EventLog::Open(const std::string& dir,
                                                       const Options& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const bool exists = fs::exists(fs::path(dir) / "CURRENT", ec);
  if (!exists && (!options.create_if_missing || options.read_only)) {
    return base::Status::NotFound("no event log in " + dir);
  }
  if (!exists) {
    // RocksDB creates only the last path component; `--data a/b/c` should just work.
    fs::create_directories(dir, ec);
    if (ec) return base::Status::IoError("cannot create " + dir + ": " + ec.message());
  }

  rocksdb::DBOptions db_options = LogDbOptions();
  db_options.create_if_missing = options.create_if_missing;
  std::unique_ptr<rocksdb::Env> env;
  if (options.faults.any()) {
    env = NewFaultEnv(options.faults);
    db_options.env = env.get();
  }
  if (exists) {
    if (base::Status s = CheckWalRecord(dir); !s.ok()) {
      return base::Status::Corruption("open event log in " + dir + ": " + s.message());
    }
  }

  std::vector<std::string> names;
  if (exists) {
    auto s = rocksdb::DB::ListColumnFamilies(db_options, dir, &names);
    if (!s.ok()) return FromRocks(s, "list column families of " + dir);
  }
  if (std::find(names.begin(), names.end(), rocksdb::kDefaultColumnFamilyName) == names.end()) {
    names.push_back(rocksdb::kDefaultColumnFamilyName);
  }
  for (Family f : kFamilies) {
    if (std::find(names.begin(), names.end(), FamilyName(f)) == names.end()) {
      // A read-only open cannot create column families. A family added after the log was
      // written (by an older version: `log` or `dead-letters` beside its serve) reads as
      // empty, which it is; the log and its bounds record it cannot do without.
      if (options.read_only) {
        if (f != Family::kLog && f != Family::kMeta) continue;
        return base::Status::InvalidInput("the event log in " + dir + " has no '" +
                                          std::string(FamilyName(f)) +
                                          "' column family: open it read-write once to add it");
      }
      names.emplace_back(FamilyName(f));
    }
  }
  auto opened = OpenDb(dir, db_options, names, options.read_only);
  if (!opened.ok()) return opened.status();
  auto log = std::make_unique<RocksDbLog>(std::move(env), std::move(*opened), db_options,
                                          std::move(names), options, dir);
  if (auto status = log->Recover(options.check); !status.ok()) return status;
  // Replayed: the WALs it names are retired, and the next clean close records the new ones.
  if (!options.read_only) RemoveWalRecord(dir);
  return std::unique_ptr<EventLog>(std::move(log));
}

}  // namespace store
