// The persisted forms of a case's report summary (report/case_fold.h), which the
// rollups keep as events are appended (engine/report_rollups.h; keys in
// engine/layouts.h): one record per response clock, holding the case's own fields
// and the clock's facts, so a report scanning clocks by their start reads each
// from one value; and one record per case listing when its clocks started, so the
// engine finds them again (written only when a clock is added). Both are router/codec.h messages behind a version byte (1), with the
// same evolution rules (new fields take new numbers; unknown fields are skipped).
//
//   clock record  1 display_id, 2 account, 3 service, 4 opened (instant),
//                 5 clock (nested ClockSummary)
//   case record   1 display_id, 2 account, 3 service, 4 opened, 5 clock_start
//                 (repeated instant: each clock's start, by index)
//   ClockSummary  1 kind (enum ClockKind), 2 start, 3 plan, 4 fallback, 5 calendars
//                 (reason message, router/codec.h), 6 deferred, 7 routing (repeated
//                 {1 at, 2 level, 3 due, 4 calendar, 5 target_s, 6 target_business,
//                 7 steps, 8 from_severity, 9 severity}), 8 response_at, 9 response_how
//                 (enum ResponseKind), 10 responder, 11 breached_at, 12 breach_due,
//                 13 breach_at_severity_change, 14 resolved_at, 15 ack (repeated {1 at,
//                 2 engineer}), 16 page (repeated {1 seq, 2 at, 3 engineer, 4 target,
//                 5 step, 6 cycle, 7 delivered_at, 8 failed_at, 9 superseded_at}),
//                 17 step (repeated {1 at, 2 step, 3 cycle, 4 position, 5 empty,
//                 6 nobody (repeated string)})
// Decoding what was encoded gives back an equal summary (a test holds it).
//
// Pure: bytes in, bytes out. Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "report/case_fold.h"

namespace report {

// The case's fields and clock `clock` of it.
std::string EncodeClockRecord(const CaseSummary& c, const ClockSummary& clock);
// A summary of case `case_id` holding that one clock. Errors: kCorruption.
base::Result<CaseSummary> DecodeClockRecord(std::string_view case_id, std::string_view bytes);

// The case's own fields (`header`, no clocks) and the start of each of its clocks.
struct CaseRecord {
  CaseSummary header;  // case_id is the key's
  std::vector<Timestamp> clock_starts;
  friend bool operator==(const CaseRecord&, const CaseRecord&) = default;
};

std::string EncodeCaseRecord(const CaseRecord& record);
// Errors: kCorruption.
base::Result<CaseRecord> DecodeCaseRecord(std::string_view case_id, std::string_view bytes);

}  // namespace report
