// The report for people who would rather look than read: one self-contained HTML file
// (inline CSS and SVG, no script, no font or image fetched, printable through @media
// print) with the summary per group, compliance by level per day against the goal line,
// the distribution of first responses per level with the target marked, the breach table
// and the engineer-load table. The figures are the report's (report/report.h) and the
// charts' (report/charts.h), which judge the same clocks, so the page shows what
// `--format json` says.
//
// Every text from the log or the configuration is escaped (HtmlEscape) before it is
// written, in elements and in attributes alike.
//
// Pure: builds strings, writes nothing. Thread-safe (reads only its arguments).
#pragma once

#include <string>
#include <string_view>

#include "report/charts.h"
#include "report/report.h"

namespace report {

struct HtmlOptions {
  // The compliance objective drawn across the daily chart; a group below it is marked.
  // A fraction in [0, 1].
  double goal = 0.95;
};

// The whole page, ending with a newline. REQUIRES: charts built over report's window.
std::string RenderHtml(const Report& report, const Charts& charts, const HtmlOptions& options);

// `text` with & < > " ' replaced by character references: safe inside an element and
// inside a quoted attribute.
std::string HtmlEscape(std::string_view text);

// A complete document: `title` (escaped) and `body` (HTML, written as is) with the
// stylesheet every escalator page shares (screen and print). For RenderHtml and the
// retrospective.
std::string HtmlDocument(std::string_view title, std::string_view body);

// "2026-11-10 16:00Z" ("16:00:30Z" when the seconds are not zero; ".250" for milliseconds)
// inside <time datetime="ISO 8601">: compact for tables, exact for machines.
std::string HtmlTime(base::Timestamp t);

// RenderHtml's summary table per group (compliance under `goal` marked) and its engineer-load
// table, each as a <section>: for other pages built on a report (the retrospective).
std::string HtmlSummarySection(const Report& report, double goal);
std::string HtmlEngineerSection(const Report& report);

}  // namespace report
