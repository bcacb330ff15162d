// The keys of the report rollups in store::Family::kProjections (layouts in
// engine/layouts.h), shared by the engine that keeps them (engine/report_rollups.h)
// and the reader that reports from them (engine/report_reader.h). Every key starts
// with "report/"; numbers in keys are big-endian so that keys sort by them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/time.h"
#include "report/rollup.h"

namespace router {

inline constexpr std::string_view kReportPrefix = "report/";
// The log's next sequence number when the rollups were last written: they are
// current when it equals the log's own.
inline constexpr std::string_view kReportSeqKey = "report/seq";

// Days since 1970-01-01 UTC of an instant (instants before it count as day 0).
uint32_t ReportDay(base::Timestamp at);
base::Timestamp ReportDayStart(uint32_t day);

// "report/case/<case id>" -> report::EncodeCaseRecord.
std::string ReportCaseKey(std::string_view case_id);

// "report/open/", "report/clock/" or "report/breach/" (by placement) + day (4 bytes)
// + start (8 bytes, unix ms) + the clock's index in its case (2 bytes) + case id
// -> report::EncodeClockRecord.
std::string ReportClockKey(report::Placement placement, base::Timestamp start, int index,
                           std::string_view case_id);
// The prefix of the clock records of one placement and day.
std::string ReportClockDayPrefix(report::Placement placement, uint32_t day);
struct ClockKeyParts {
  base::Timestamp start{};
  int index = 0;
  std::string_view case_id;  // points into the key
};
// Parses a key ReportClockKey made, given its prefix's length; nullopt if malformed.
std::optional<ClockKeyParts> ParseReportClockKey(std::string_view key, size_t prefix_size);

// "report/day/" + day (4 bytes) -> EncodeReportDay: of the clocks that started that
// day, the latest instant among their facts and how many run.
std::string ReportDayKey(uint32_t day);
struct ReportDayValue {
  int64_t horizon_ms = 0;  // unix ms
  int64_t running = 0;     // clocks listed under "report/open/" for the day
  friend bool operator==(const ReportDayValue&, const ReportDayValue&) = default;
};
// "<horizon_ms> <running>", both in decimal.
std::string EncodeReportDay(const ReportDayValue& value);
std::optional<ReportDayValue> DecodeReportDay(std::string_view value);

// "report/roll/" + day (4 bytes) + kind + what -> report::RollupFigures::Encode for
// kinds 'c' (what: level in decimal, NUL, account, NUL, plan), 's' (service), 'e'
// (first engineer) and 'h' (first schedule); report::RollupLoad::Encode for 'l'
// (engineer).
std::string ReportBucketKey(uint32_t day, const report::RollupDims& dims);
std::string ReportLoadKey(uint32_t day, std::string_view engineer);
std::string ReportBucketDayPrefix(uint32_t day);
// A bucket key's parts after its day prefix: the dims of a figures bucket, or the
// engineer of a load bucket (is_load). nullopt if malformed.
struct BucketKeyParts {
  bool is_load = false;
  report::RollupDims dims;
  std::string engineer;
};
std::optional<BucketKeyParts> ParseReportBucketKey(std::string_view key);

}  // namespace router
