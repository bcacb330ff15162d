// Builds an SLA report (report/report.h) from a data directory's log, two ways:
//
//  - from the rollups (engine/report_rollups.h), when they are current: for each UTC
//    day of the window, a day the window covers whole and whose clocks' facts all lie
//    at or before `--to` (its "report/day/" horizon) is read from its buckets, plus its
//    running clocks (judged as of `--to` from their records) and its breached ones'
//    records (for the breach list); any other day (cut by the window's ends, or with
//    facts after `--to`) is judged clock by clock from its records. Nothing scans the
//    events. Percentiles of bucket days come from histograms (report/histogram.h: within
//    0.79%, exact when a bin's samples are equal); counts are exact.
//  - by folding every event of the log (the exact path: what the report did before
//    rollups, and what --exact and a log without current rollups use). Holds every
//    case's summary in memory.
//
// Both read only: they work on a log opened read-only while serve writes it.
#pragma once

#include <cstdint>

#include "base/status.h"
#include "report/charts.h"
#include "report/report.h"
#include "store/event_log.h"

namespace router {

// What a report read, for people curious why it was fast or slow (--verbose).
struct ReportSource {
  bool rollups = false;      // from the rollups; else every event folded
  uint64_t days_rolled = 0;  // days read from buckets
  uint64_t days_judged = 0;  // days judged clock by clock
  uint64_t buckets = 0;      // bucket values read
  uint64_t clocks = 0;       // clock records read
  uint64_t events = 0;       // events folded (the exact path)
};

// Whether the rollups cover every event of `log` ("report/seq" equals its next
// sequence number). Errors: the store's.
base::Result<bool> RollupsCurrent(const store::EventLog& log);

// The report from the rollups. `breaches` false skips the breach list (its records
// are then not read). Errors: kUnavailable when the rollups are not current;
// the store's; kCorruption for a rollup that does not decode.
base::Result<report::Report> ReportFromRollups(const store::EventLog& log,
                                               const report::ReportOptions& options, bool breaches,
                                               ReportSource* source);

// The report from every event of the log; each case is also added to `charts` unless
// null (the html report's charts need every clock). Errors: the store's; kCorruption for
// an event that does not decode.
base::Result<report::Report> ReportFromLog(const store::EventLog& log,
                                           const report::ReportOptions& options,
                                           report::ChartsBuilder* charts, ReportSource* source);

}  // namespace router
