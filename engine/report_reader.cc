#include "engine/report_reader.h"

#include <charconv>
#include <string>
#include <unordered_map>

#include "engine/layouts.h"
#include "engine/report_keys.h"
#include "engine/report_rollups.h"
#include "report/case_fold.h"
#include "report/summary_codec.h"
#include "router/codec.h"

namespace router {

namespace {

using report::Placement;

constexpr report::Placement kPlacements[] = {Placement::kRunning, Placement::kEnded,
                                             Placement::kBreached};

std::optional<int64_t> ParseDecimal(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// Calls add(summary) for each clock record of `placement` on `day`.
template <typename Add>
base::Status ScanClocks(const store::EventLog& log, Placement placement, uint32_t day,
                        ReportSource* source, Add add) {
  const std::string prefix = ReportClockDayPrefix(placement, day);
  base::Status bad;
  base::Status scan = log.Scan(
      store::Family::kProjections, prefix, [&](std::string_view key, std::string_view value) {
        auto parts = ParseReportClockKey(key, prefix.size() - 4);
        auto summary =
            parts ? report::DecodeClockRecord(parts->case_id, value)
                  : base::Result<report::CaseSummary>(base::Status::Corruption("malformed key"));
        if (!summary.ok()) {
          bad = base::Status::Corruption("report clock " + PrintableKey(key) + ": " +
                                         summary.status().message());
          return false;
        }
        ++source->clocks;
        add(*summary);
        return true;
      });
  return scan.ok() ? bad : scan;
}

base::Status ReadBuckets(const store::EventLog& log, uint32_t day, report::ReportBuilder& builder,
                         ReportSource* source) {
  base::Status bad;
  base::Status scan = log.Scan(
      store::Family::kProjections, ReportBucketDayPrefix(day),
      [&](std::string_view key, std::string_view value) {
        auto parts = ParseReportBucketKey(key);
        if (!parts) {
          bad = base::Status::Corruption("malformed report bucket key " + PrintableKey(key));
          return false;
        }
        ++source->buckets;
        if (parts->is_load) {
          auto load = report::RollupLoad::Decode(value);
          if (!load.ok()) {
            bad = base::Status::Corruption("report bucket " + PrintableKey(key) + ": " +
                                           load.status().message());
            return false;
          }
          builder.AddRollupLoad(parts->engineer, *load);
        } else {
          auto figures = report::RollupFigures::Decode(value);
          if (!figures.ok()) {
            bad = base::Status::Corruption("report bucket " + PrintableKey(key) + ": " +
                                           figures.status().message());
            return false;
          }
          builder.AddRollup(parts->dims, *figures);
        }
        return true;
      });
  return scan.ok() ? bad : scan;
}

}  // namespace

base::Result<bool> RollupsCurrent(const store::EventLog& log) {
  auto marker = log.Get(store::Family::kProjections, kReportSeqKey);
  if (!marker.ok()) return marker.status();
  if (!marker->has_value()) return false;
  const auto seq = ParseDecimal(**marker);
  return seq && *seq >= 0 && static_cast<uint64_t>(*seq) == log.next_seq();
}

base::Result<report::Report> ReportFromRollups(const store::EventLog& log,
                                               const report::ReportOptions& options, bool breaches,
                                               ReportSource* source) {
  auto current = RollupsCurrent(log);
  if (!current.ok()) return current.status();
  if (!*current) return base::Status::Unavailable("the report rollups do not cover the log");
  source->rollups = true;
  report::ReportBuilder builder(options);
  if (options.from < options.to) {
    const uint32_t first = ReportDay(options.from);
    const uint32_t last = ReportDay(options.to - base::Duration(1));
    for (uint32_t day = first; day <= last; ++day) {
      auto stored = log.Get(store::Family::kProjections, ReportDayKey(day));
      if (!stored.ok()) return stored.status();
      if (!stored->has_value()) continue;  // no clock started that day
      const auto value = DecodeReportDay(**stored);
      if (!value) {
        return base::Status::Corruption("report day " + std::to_string(day) +
                                        ": not a horizon and a count");
      }
      const base::Timestamp start = ReportDayStart(day);
      const bool whole = options.from <= start && start + std::chrono::days(1) <= options.to;
      // Every fact of the day's clocks at or before `to`: an ended clock is judged as
      // its bucket has it, and a running one has nothing after `to` either.
      const bool final = base::FromUnixMillis(value->horizon_ms) <= options.to;
      base::Status s;
      if (whole && final) {
        ++source->days_rolled;
        s = ReadBuckets(log, day, builder, source);
        // The running list is mostly deleted entries (every clock ran once): read it only
        // when something runs.
        if (s.ok() && value->running > 0) {
          s = ScanClocks(log, Placement::kRunning, day, source,
                         [&](const report::CaseSummary& c) { builder.AddCase(c); });
        }
        if (s.ok() && breaches) {
          s = ScanClocks(log, Placement::kBreached, day, source,
                         [&](const report::CaseSummary& c) { builder.AddBreaches(c); });
        }
      } else {
        ++source->days_judged;
        for (Placement p : kPlacements) {
          if (!s.ok()) break;
          if (p == Placement::kRunning && value->running == 0) continue;
          s = ScanClocks(log, p, day, source,
                         [&](const report::CaseSummary& c) { builder.AddCase(c); });
        }
      }
      if (!s.ok()) return s;
    }
  }
  return builder.Finish();
}

base::Result<report::Report> ReportFromLog(const store::EventLog& log,
                                           const report::ReportOptions& options,
                                           report::ChartsBuilder* charts, ReportSource* source) {
  std::unordered_map<std::string, report::CaseFold> cases;
  Event event;
  base::Status bad;
  base::Status read = log.Read(1, log.next_seq(), [&](uint64_t seq, std::string_view bytes) {
    base::Status decoded = DecodeEventInto(bytes, &event);
    if (!decoded.ok()) {
      bad = base::Status::Corruption("event " + std::to_string(seq) + ": " + decoded.message());
      return false;
    }
    ++source->events;
    const std::string& case_id = CaseIdOf(event);
    if (case_id.empty()) return true;  // a refusal that named no case
    cases[case_id].Add(seq, event);
    return true;
  });
  if (!read.ok()) return read;
  if (!bad.ok()) return bad;
  report::ReportBuilder builder(options);
  for (auto& [id, fold] : cases) {
    builder.AddCase(fold.summary());
    if (charts != nullptr) charts->AddCase(fold.summary());
  }
  return builder.Finish();
}

}  // namespace router
