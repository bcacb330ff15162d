// The parts of store/event_log.h that do not depend on RocksDB.
#include "store/event_log.h"

#include <string>

#include "base/check.h"

namespace store {

std::string_view FamilyName(Family family) {
  switch (family) {
    case Family::kLog:
      return "log";
    case Family::kIndex:
      return "index";
    case Family::kProjections:
      return "projections";
    case Family::kTimers:
      return "timers";
    case Family::kOutbox:
      return "outbox";
    case Family::kOffsets:
      return "offsets";
    case Family::kDeadLetters:
      return "dead_letters";
    case Family::kDeadLetterOutbox:
      return "dead_letter_outbox";
    case Family::kMeta:
      return "meta";
    case Family::kChangelogOutbox:
      return "changelog_outbox";
  }
  return "";
}

std::string EncodeSeq(uint64_t n) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(n & 0xff);
    n >>= 8;
  }
  return out;
}

uint64_t DecodeSeq(std::string_view bytes) {
  CHECK(bytes.size() == 8);
  uint64_t n = 0;
  for (char c : bytes) n = (n << 8) | static_cast<unsigned char>(c);
  return n;
}

base::Status VerifyLog(const EventLog& log) {
  uint64_t expected = 0;  // 0: no event seen yet; the first may be any number
  base::Status gap;
  auto status = log.Read(0, UINT64_MAX, [&](uint64_t seq, std::string_view) {
    if (expected != 0 && seq != expected) {
      gap = base::Status::Corruption("event log gap: expected seq " + std::to_string(expected) +
                                     ", found " + std::to_string(seq));
      return false;
    }
    expected = seq + 1;
    return true;
  });
  if (!status.ok()) return status;
  if (!gap.ok()) return gap;
  if (expected != 0 && expected != log.next_seq()) {
    return base::Status::Corruption("event log ends at seq " + std::to_string(expected - 1) +
                                    " but next_seq is " + std::to_string(log.next_seq()));
  }
  return base::Status::Ok();
}

}  // namespace store
