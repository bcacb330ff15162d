// How events read outside the process: one JSON object per event (the
// `escalator log --format json` contract) and a one-line text form for people.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "router/events.h"

namespace router {

// {"seq":N,"type":"paged","case":"...","at":"2026-11-24T14:02:11Z", ...fields}.
// Keys in that order, then the event's fields under their snake_case names
// (router/events.h); instants as UTC ISO 8601; absent optionals and empty
// strings are left out; `level`, `step`, `cycle` and scores are numbers.
nlohmann::ordered_json EventToJson(uint64_t seq, const Event& event);

// The same object, serialized on one line without a trailing newline.
std::string EventJsonLine(uint64_t seq, const Event& event);

// "#12 2026-11-24T14:02:11Z paged case-1 engineer=alice step=0 ...": for people.
std::string EventTextLine(uint64_t seq, const Event& event);

}  // namespace router
