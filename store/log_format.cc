#include "store/log_format.h"

#include <string>

namespace store {

base::Status CheckPut(const Put& put) {
  if (!KnownFamily(put.family)) {
    return base::Status::InvalidInput("put into an unknown column family");
  }
  if (put.family == Family::kLog) {
    return base::Status::InvalidInput("put into the log family: events are appended, not put");
  }
  if (put.family == Family::kMeta && put.key.starts_with(kReservedMetaPrefix)) {
    return base::Status::InvalidInput("put into meta under the store's reserved prefix: " +
                                      put.key);
  }
  return base::Status::Ok();
}

base::Result<uint32_t> DecodeRunLength(std::string_view index_key, uint64_t first,
                                       std::string_view value) {
  if (value.empty()) return uint32_t{1};
  if (value.size() != 4) {
    return base::Status::Corruption("index entry for '" + std::string(index_key) + "' at seq " +
                                    std::to_string(first) + " has a malformed run length");
  }
  uint32_t n = 0;
  for (char c : value) n = (n << 8) | static_cast<unsigned char>(c);
  if (n == 0) {
    return base::Status::Corruption("index entry for '" + std::string(index_key) + "' at seq " +
                                    std::to_string(first) + " has a run of 0");
  }
  return n;
}

base::Status EmptyLogWithBounds(uint64_t recorded_first, uint64_t recorded_last) {
  return base::Status::Corruption("event log is empty but its bounds record says seqs " +
                                  std::to_string(recorded_first) + ".." +
                                  std::to_string(recorded_last));
}

base::Status LogGap(uint64_t seq, uint64_t next) {
  return base::Status::Corruption("event log gap: seq " + std::to_string(seq) +
                                  " is followed by seq " + std::to_string(next));
}

base::Status BoundsMismatch(uint64_t first, uint64_t last, uint64_t recorded_first,
                            uint64_t recorded_last) {
  return base::Status::Corruption("event log holds seqs " + std::to_string(first) + ".." +
                                  std::to_string(last) + " but its bounds record says " +
                                  std::to_string(recorded_first) + ".." +
                                  std::to_string(recorded_last));
}

}  // namespace store
