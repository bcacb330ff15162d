#include "engine/changelog.h"

#include "router/codec.h"

namespace router {

namespace {

constexpr uint8_t kRecordVersion = 1;

}  // namespace

std::string EncodeChangelogRecord(const ChangelogRecord& record) {
  std::string out;
  wire::Writer w(&out);
  w.Byte(kRecordVersion);
  w.Uint(1, static_cast<uint32_t>(record.partition));
  w.Uint(2, record.pseq);
  w.Uint(5, record.writer);
  for (const auto& [topic, next] : record.offsets) {
    std::string nested;
    wire::Writer n(&nested);
    n.String(1, topic);
    n.Int(2, next);
    w.Bytes(3, nested);
  }
  for (const auto& e : record.events) {
    std::string nested;
    wire::Writer n(&nested);
    n.Uint(1, e.seq);
    n.Bytes(2, e.bytes);
    n.Uint(3, e.ref_writer);
    w.Bytes(4, nested);
  }
  return out;
}

base::Result<ChangelogRecord> DecodeChangelogRecord(std::string_view bytes) {
  wire::Reader r(bytes);
  uint8_t version = 0;
  if (!r.ReadByte(&version)) return base::Status::Corruption("changelog record: empty");
  if (version != kRecordVersion) {
    return base::Status::Corruption("changelog record: unknown version " + std::to_string(version));
  }
  ChangelogRecord record;
  uint32_t field = 0;
  wire::Wire type{};
  while (r.Next(&field, &type)) {
    switch (field) {
      case 1: {
        uint64_t p = 0;
        r.Uint(type, &p);
        record.partition = static_cast<int32_t>(p);
        break;
      }
      case 2:
        r.Uint(type, &record.pseq);
        break;
      case 3: {
        wire::Reader n(r.Bytes(type));
        std::pair<std::string, int64_t> offset;
        uint32_t f = 0;
        wire::Wire t{};
        while (n.Next(&f, &t)) {
          if (f == 1) {
            n.String(t, &offset.first);
          } else if (f == 2) {
            n.Int(t, &offset.second);
          } else {
            n.Skip(t);
          }
        }
        if (!n.ok())
          return base::Status::Corruption("changelog record offset: " + n.status().message());
        record.offsets.push_back(std::move(offset));
        break;
      }
      case 4: {
        wire::Reader n(r.Bytes(type));
        ChangelogRecord::Event e;
        uint32_t f = 0;
        wire::Wire t{};
        while (n.Next(&f, &t)) {
          if (f == 1) {
            n.Uint(t, &e.seq);
          } else if (f == 2) {
            e.bytes = std::string(n.Bytes(t));
          } else if (f == 3) {
            n.Uint(t, &e.ref_writer);
          } else {
            n.Skip(t);
          }
        }
        if (!n.ok())
          return base::Status::Corruption("changelog record event: " + n.status().message());
        record.events.push_back(std::move(e));
        break;
      }
      case 5:
        r.Uint(type, &record.writer);
        break;
      default:
        r.Skip(type);
    }
  }
  if (!r.ok()) return base::Status::Corruption("changelog record: " + r.status().message());
  return record;
}

std::string ChangelogOutboxKey(int32_t partition, uint64_t pseq) {
  std::string key(12, '\0');
  const auto p = static_cast<uint32_t>(partition);
  for (int i = 0; i < 4; ++i) key[i] = static_cast<char>(p >> (8 * (3 - i)));
  for (int i = 0; i < 8; ++i) key[4 + i] = static_cast<char>(pseq >> (8 * (7 - i)));
  return key;
}

base::Result<std::pair<int32_t, uint64_t>> DecodeChangelogOutboxKey(std::string_view key) {
  if (key.size() != 12) {
    return base::Status::Corruption("changelog outbox key of " + std::to_string(key.size()) +
                                    " bytes, not 12");
  }
  uint32_t p = 0;
  uint64_t pseq = 0;
  for (int i = 0; i < 4; ++i) p = p << 8 | static_cast<uint8_t>(key[i]);
  for (int i = 0; i < 8; ++i) pseq = pseq << 8 | static_cast<uint8_t>(key[4 + i]);
  return std::make_pair(static_cast<int32_t>(p), pseq);
}

std::string ChangelogTopicKey(int32_t partition, uint64_t pseq) {
  return std::to_string(partition) + "/" + std::to_string(pseq);
}

std::string PartitionKey(std::string_view case_id) {
  return std::string(kPartitionKeyPrefix) + std::string(case_id);
}

std::string PageLocalKey(uint64_t writer, uint64_t seq) {
  return "pagelocal/" + std::to_string(writer) + "/" + std::to_string(seq);
}

std::string PageOriginKey(uint64_t seq) { return "pageorigin/" + std::to_string(seq); }

std::string ChangelogNextKey(int32_t partition) {
  return "changelog/next/" + std::to_string(partition);
}

}  // namespace router
