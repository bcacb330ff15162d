#include "store/fault_fs.h"

#include <rocksdb/file_system.h>
#include <sys/stat.h>

#include <thread>
#include <utility>

namespace store {
namespace {

bool IsWal(const std::string& path) {
  return path.size() > 4 && path.compare(path.size() - 4, 4, ".log") == 0;
}

// A writable file whose syncs stall (WAL files) and whose writes fail while the flag exists.
class FaultFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultFile(std::unique_ptr<rocksdb::FSWritableFile> file, const FaultOptions& faults, bool wal)
      : FSWritableFileOwnerWrapper(std::move(file)), faults_(faults), wal_(wal) {}

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
    if (auto s = Full(); !s.ok()) return s;
    return FSWritableFileOwnerWrapper::Append(data, options, dbg);
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& info,
                           rocksdb::IODebugContext* dbg) override {
    if (auto s = Full(); !s.ok()) return s;
    return FSWritableFileOwnerWrapper::Append(data, options, info, dbg);
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     rocksdb::IODebugContext* dbg) override {
    if (auto s = Full(); !s.ok()) return s;
    return FSWritableFileOwnerWrapper::PositionedAppend(data, offset, options, dbg);
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     const rocksdb::DataVerificationInfo& info,
                                     rocksdb::IODebugContext* dbg) override {
    if (auto s = Full(); !s.ok()) return s;
    return FSWritableFileOwnerWrapper::PositionedAppend(data, offset, options, info, dbg);
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    Stall();
    if (auto s = Full(); !s.ok()) return s;
    return FSWritableFileOwnerWrapper::Sync(options, dbg);
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    Stall();
    if (auto s = Full(); !s.ok()) return s;
    return FSWritableFileOwnerWrapper::Fsync(options, dbg);
  }

 private:
  void Stall() const {
    if (wal_ && faults_.sync_delay.count() > 0) std::this_thread::sleep_for(faults_.sync_delay);
  }
  rocksdb::IOStatus Full() const {
    struct stat st;
    if (faults_.full_flag.empty() || stat(faults_.full_flag.c_str(), &st) != 0) {
      return rocksdb::IOStatus::OK();
    }
    return rocksdb::IOStatus::NoSpace("fault injection: " + faults_.full_flag + " exists");
  }

  const FaultOptions faults_;
  const bool wal_;
};

class FaultFs final : public rocksdb::FileSystemWrapper {
 public:
  explicit FaultFs(const FaultOptions& faults)
      : FileSystemWrapper(rocksdb::FileSystem::Default()), faults_(faults) {}
  const char* Name() const override { return "EscalatorFaultFs"; }

  // A full disk has no space free: what the write-behind writer's free-space check reads while
  // the flag exists (and RocksDB's, where it looks).
  rocksdb::IOStatus GetFreeSpace(const std::string& path, const rocksdb::IOOptions& options,
                                 uint64_t* free, rocksdb::IODebugContext* dbg) override {
    struct stat st;
    if (!faults_.full_flag.empty() && stat(faults_.full_flag.c_str(), &st) == 0) {
      *free = 0;
      return rocksdb::IOStatus::OK();
    }
    return FileSystemWrapper::GetFreeSpace(path, options, free, dbg);
  }

  rocksdb::IOStatus NewWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    return Wrap(path, target()->NewWritableFile(path, options, result, dbg), result);
  }
  rocksdb::IOStatus ReopenWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override {
    return Wrap(path, target()->ReopenWritableFile(path, options, result, dbg), result);
  }
  rocksdb::IOStatus ReuseWritableFile(const std::string& path, const std::string& old_path,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override {
    return Wrap(path, target()->ReuseWritableFile(path, old_path, options, result, dbg), result);
  }

 private:
  rocksdb::IOStatus Wrap(const std::string& path, rocksdb::IOStatus opened,
                         std::unique_ptr<rocksdb::FSWritableFile>* result) const {
    if (!opened.ok()) return opened;
    *result = std::make_unique<FaultFile>(std::move(*result), faults_, IsWal(path));
    return opened;
  }

  const FaultOptions faults_;
};

}  // namespace

std::unique_ptr<rocksdb::Env> NewFaultEnv(const FaultOptions& faults) {
  return rocksdb::NewCompositeEnv(std::make_shared<FaultFs>(faults));
}

}  // namespace store
