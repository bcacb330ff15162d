#include "store/dir_checks.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <system_error>

namespace store {
namespace {

namespace fs = std::filesystem;

// The write-ahead log files in `dir`: number -> size.
std::map<uint64_t, uint64_t> WalFiles(const std::string& dir) {
  static const std::regex kWal(R"((\d+)\.log)");
  std::map<uint64_t, uint64_t> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::smatch m;
    const std::string name = entry.path().filename().string();
    if (!std::regex_match(name, m, kWal) || !entry.is_regular_file(ec)) continue;
    const uint64_t size = entry.file_size(ec);
    if (!ec) out[std::stoull(m[1].str())] = size;
  }
  return out;
}

std::string WalName(uint64_t number) {
  std::string digits = std::to_string(number);
  return std::string(digits.size() < 6 ? 6 - digits.size() : 0, '0') + digits + ".log";
}

bool SyncPath(const std::string& path, int flags) {
  const int fd = open(path.c_str(), flags);
  if (fd < 0) return false;
  const bool ok = fsync(fd) == 0;
  close(fd);
  return ok;
}

}  // namespace

void WriteWalRecord(const std::string& dir) {
  std::string text = "# escalator: the write-ahead log files at the last clean close\n";
  for (const auto& [number, size] : WalFiles(dir)) {
    text += WalName(number) + " " + std::to_string(size) + "\n";
  }
  const std::string path = (fs::path(dir) / kWalRecordName).string();
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      return;
    }
  }
  if (!SyncPath(tmp, O_RDONLY) || rename(tmp.c_str(), path.c_str()) != 0) {
    std::error_code ec;
    fs::remove(tmp, ec);
    return;
  }
  SyncPath(dir, O_RDONLY | O_DIRECTORY);
}

base::Status CheckWalRecord(const std::string& dir) {
  const fs::path path = fs::path(dir) / kWalRecordName;
  std::ifstream in(path);
  if (!in) return base::Status::Ok();  // none: the last close was not clean, or older
  std::map<uint64_t, uint64_t> recorded;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string name;
    uint64_t size = 0;
    static const std::regex kWal(R"((\d+)\.log)");
    std::smatch m;
    if (!(fields >> name >> size) || !std::regex_match(name, m, kWal)) {
      return base::Status::Corruption(path.string() + " is malformed: '" + line + "'");
    }
    recorded[std::stoull(m[1].str())] = size;
  }
  if (recorded.empty()) return base::Status::Ok();
  const std::map<uint64_t, uint64_t> on_disk = WalFiles(dir);
  if (!on_disk.empty() && on_disk.rbegin()->first > recorded.rbegin()->first) {
    return base::Status::Ok();  // a later open replayed them: the record is stale
  }
  for (const auto& [number, size] : recorded) {
    const std::string wal = (fs::path(dir) / WalName(number)).string();
    auto it = on_disk.find(number);
    if (it == on_disk.end()) {
      return base::Status::Corruption("the write-ahead log file " + wal + " is missing (it held " +
                                      std::to_string(size) +
                                      " bytes when the log was last closed)");
    }
    if (it->second < size) {
      return base::Status::Corruption(
          "the write-ahead log file " + wal + " is truncated: " + std::to_string(it->second) +
          " bytes, but " + std::to_string(size) + " when the log was last closed");
    }
  }
  return base::Status::Ok();
}

void RemoveWalRecord(const std::string& dir) {
  std::error_code ec;
  fs::remove(fs::path(dir) / kWalRecordName, ec);
}

std::string ExplainOpenFailure(const std::string& dir, const std::string& message) {
  static const std::regex kLegacyTable(R"((\d+)\.ldb)");
  std::string out = message;
  std::string seen;
  for (auto it = std::sregex_iterator(message.begin(), message.end(), kLegacyTable);
       it != std::sregex_iterator(); ++it) {
    const std::string number = (*it)[1].str();
    if (seen.find("/" + number + "/") != std::string::npos) continue;
    seen += "/" + number + "/";
    std::error_code ec;
    const fs::path sst = fs::path(dir) / (number + ".sst");
    if (!fs::exists(sst, ec) && !fs::exists(fs::path(dir) / (number + ".ldb"), ec)) {
      out += " (the table file " + sst.string() + " is missing)";
    }
  }
  // A corrupt WAL record comes without a file name ("Corruption: checksum mismatch"): name the
  // write-ahead logs the open replays.
  if (out.find(dir + "/") == std::string::npos) {
    std::string wals;
    for (const auto& [number, size] : WalFiles(dir)) {
      wals += (wals.empty() ? "" : ", ") + (fs::path(dir) / WalName(number)).string();
    }
    if (!wals.empty()) out += " (the write-ahead log file(s) replayed: " + wals + ")";
  }
  return out;
}

}  // namespace store
