// A report (report/report.h) as text for people, JSON for programs and CSV for
// spreadsheets: the same figures in each. Field names are stable (README
// "Reports"): durations in seconds (`_s`, millisecond precision), instants in UTC
// ISO 8601, null where a figure has no value (no samples; no met or breached clock
// for compliance).
//
// Pure: builds strings, writes nothing. Thread-safe (reads only its arguments).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "report/report.h"

namespace report {

// A summary table per group and a total, the breach list with reasons and pages,
// and the engineer load table. Ends with a newline.
std::string RenderText(const Report& report);

// RenderText's parts, for other texts built on a report (escalator retro): the group
// table with its notes, the breach list, the engineer load table. Each ends with a newline.
std::string RenderGroupsText(const Report& report);
std::string RenderBreachesText(const Report& report);
std::string RenderEngineersText(const Report& report);

// The JSON document RenderJson prints (and RenderCsv flattens, so both carry the
// same figures):
// {"from","to","by","window","groups":[{"key",...}],"total":{...},"breaches":[...],
//  "engineers":[...]}.
nlohmann::ordered_json ReportJson(const Report& report);

// ReportJson, indented by two, with a final newline.
std::string RenderJson(const Report& report);

// RFC 4180 (CRLF, a header record, fields quoted when they hold a comma, quote, CR
// or LF): one table with a `section` column (group, total, breach, engineer); a
// row fills the columns of its section and leaves the others empty.
std::string RenderCsv(const Report& report);

}  // namespace report
