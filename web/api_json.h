// The JSON bodies of serve's HTTP API (/api/v1/...), built from the live view, the store and
// the configuration. Field names are part of the API (README "HTTP API"): keep them stable.
// Pure: `now` is an argument.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/time.h"
#include "config/config.h"
#include "web/live_view.h"

namespace web {

using Json = nlohmann::ordered_json;

// {"schedule","at","oncall","source","until","next","next_from"}: who is on call in one
// schedule at `at`, from which layer or "override", until when, and who comes after.
Json OncallJson(const config::Schedule& schedule, Timestamp at);
// Every schedule, by name.
Json OncallListJson(const config::Config& config, Timestamp at);

// A case as listings show it: the projection's fields, the clock (due, time left as of
// `now`, "ok" | "warning" (past the warning instant) | "breached" | "stopped"), the current
// escalation step, and each page of the running clock with its delivery and acknowledgement.
Json CaseSummaryJson(const CaseView& c, Timestamp now);
// A case from its projection alone (listings of every case, resolved ones too).
Json CaseStateJson(const router::CaseState& s, Timestamp now);

// One line of recent activity.
Json ActivityJson(const Activity& a);

// A dead letter as the API lists it, from its key and stored value (feed/dead_letter.h).
// Undecodable values come back with "error".
Json DeadLetterJson(std::string_view key, std::string_view value);

// {"error": message}.
std::string ErrorBody(const std::string& message);

}  // namespace web
