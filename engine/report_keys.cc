#include "engine/report_keys.h"

#include <charconv>

namespace router {

namespace {

constexpr int64_t kDayMs = 24 * 3600 * 1000;
constexpr std::string_view kCasePrefix = "report/case/";
constexpr std::string_view kDayPrefix = "report/day/";
constexpr std::string_view kBucketPrefix = "report/roll/";

void PutBigEndian(std::string* out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>(v >> (8 * i)));
}

uint64_t GetBigEndian(std::string_view in, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = v << 8 | static_cast<uint8_t>(in[i]);
  return v;
}

std::string_view PlacementPrefix(report::Placement placement) {
  switch (placement) {
    case report::Placement::kRunning:
      return "report/open/";
    case report::Placement::kEnded:
      return "report/clock/";
    case report::Placement::kBreached:
      return "report/breach/";
  }
  return "report/clock/";
}

char KindByte(report::RollupKind kind) {
  switch (kind) {
    case report::RollupKind::kCase:
      return 'c';
    case report::RollupKind::kService:
      return 's';
    case report::RollupKind::kEngineer:
      return 'e';
    case report::RollupKind::kSchedule:
      return 'h';
  }
  return 'c';
}

}  // namespace

uint32_t ReportDay(base::Timestamp at) {
  const int64_t ms = base::ToUnixMillis(at);
  return ms < 0 ? 0 : static_cast<uint32_t>(ms / kDayMs);
}

base::Timestamp ReportDayStart(uint32_t day) {
  return base::FromUnixMillis(static_cast<int64_t>(day) * kDayMs);
}

std::string ReportCaseKey(std::string_view case_id) {
  std::string key(kCasePrefix);
  key += case_id;
  return key;
}

std::string ReportClockDayPrefix(report::Placement placement, uint32_t day) {
  std::string key(PlacementPrefix(placement));
  PutBigEndian(&key, day, 4);
  return key;
}

std::string ReportClockKey(report::Placement placement, base::Timestamp start, int index,
                           std::string_view case_id) {
  std::string key = ReportClockDayPrefix(placement, ReportDay(start));
  const int64_t ms = base::ToUnixMillis(start);
  PutBigEndian(&key, static_cast<uint64_t>(ms < 0 ? 0 : ms), 8);
  PutBigEndian(&key, static_cast<uint64_t>(index), 2);
  key += case_id;
  return key;
}

std::optional<ClockKeyParts> ParseReportClockKey(std::string_view key, size_t prefix_size) {
  if (key.size() < prefix_size + 4 + 8 + 2) return std::nullopt;
  std::string_view rest = key.substr(prefix_size + 4);
  ClockKeyParts parts;
  parts.start = base::FromUnixMillis(static_cast<int64_t>(GetBigEndian(rest, 8)));
  parts.index = static_cast<int>(GetBigEndian(rest.substr(8), 2));
  parts.case_id = rest.substr(10);
  return parts;
}

std::string ReportDayKey(uint32_t day) {
  std::string key(kDayPrefix);
  PutBigEndian(&key, day, 4);
  return key;
}

std::string EncodeReportDay(const ReportDayValue& value) {
  return std::to_string(value.horizon_ms) + " " + std::to_string(value.running);
}

std::optional<ReportDayValue> DecodeReportDay(std::string_view value) {
  ReportDayValue v;
  const char* end = value.data() + value.size();
  auto [p, ec] = std::from_chars(value.data(), end, v.horizon_ms);
  if (ec != std::errc() || p == end || *p != ' ') return std::nullopt;
  auto [q, ec2] = std::from_chars(p + 1, end, v.running);
  if (ec2 != std::errc() || q != end) return std::nullopt;
  return v;
}

std::string ReportBucketDayPrefix(uint32_t day) {
  std::string key(kBucketPrefix);
  PutBigEndian(&key, day, 4);
  return key;
}

std::string ReportBucketKey(uint32_t day, const report::RollupDims& dims) {
  std::string key = ReportBucketDayPrefix(day);
  key += KindByte(dims.kind);
  if (dims.kind == report::RollupKind::kCase) {
    key += std::to_string(dims.level);
    key += '\0';
    key += dims.account;
    key += '\0';
    key += dims.plan;
  } else {
    key += dims.key;
  }
  return key;
}

std::string ReportLoadKey(uint32_t day, std::string_view engineer) {
  std::string key = ReportBucketDayPrefix(day);
  key += 'l';
  key += engineer;
  return key;
}

std::optional<BucketKeyParts> ParseReportBucketKey(std::string_view key) {
  const size_t head = kBucketPrefix.size() + 4;
  if (key.size() <= head) return std::nullopt;
  const char kind = key[head];
  std::string_view what = key.substr(head + 1);
  BucketKeyParts parts;
  switch (kind) {
    case 'c': {
      const size_t a = what.find('\0');
      const size_t b = a == std::string_view::npos ? a : what.find('\0', a + 1);
      if (b == std::string_view::npos) return std::nullopt;
      int level = 0;
      auto [p, ec] = std::from_chars(what.data(), what.data() + a, level);
      if (ec != std::errc() || p != what.data() + a) return std::nullopt;
      parts.dims.kind = report::RollupKind::kCase;
      parts.dims.level = level;
      parts.dims.account = std::string(what.substr(a + 1, b - a - 1));
      parts.dims.plan = std::string(what.substr(b + 1));
      return parts;
    }
    case 's':
      parts.dims.kind = report::RollupKind::kService;
      break;
    case 'e':
      parts.dims.kind = report::RollupKind::kEngineer;
      break;
    case 'h':
      parts.dims.kind = report::RollupKind::kSchedule;
      break;
    case 'l':
      parts.is_load = true;
      parts.engineer = std::string(what);
      return parts;
    default:
      return std::nullopt;
  }
  parts.dims.key = std::string(what);
  return parts;
}

}  // namespace router
