// Reasons as sentences for people, rendered at the edge (escalator log and
// explain, the pager's page) from the codes and fields the events keep
// (router/reason.h). Each takes the reason's holder: a reason leaves to its
// holder what the holder already records (a page's step and target, a
// resolution's shift). A reason of code kProse (an old record) renders as the
// sentence it carries.
//
// Pure: no clock, no I/O, no config. Thread-safe.
#pragma once

#include <string>

#include "router/events.h"

namespace router {

// "skill medialive +3.00; workflows live-linear +1.00; 0 open; on call in
// video-sme-primary (london)".
std::string ReasonText(const Candidate& candidate);

// Why a target resolved to this engineer or to nobody: "on call in
// video-sme-primary (london) until 2026-11-24T16:00:00Z".
std::string ReasonText(const TargetResolution& resolution);

// Why the engineer was paged: "cycle 0 step 1: schedule/video-sme-secondary:
// on call in video-sme-secondary (weekly) until ...".
std::string ReasonText(const Paged& page);

// Why the case is routed as it is: "opened: annual plan with oncall_24x7:
// coverage always, business us-east-business; level 1 target 15m on the
// always clock, due ...".
std::string ReasonText(const Routed& routed);

// Why the input was refused: "unknown severityCode 'sev-zero'".
std::string ReasonText(const InputRejected& rejected);

}  // namespace router
