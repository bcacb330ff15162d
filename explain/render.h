// The story as `escalator explain` prints it: text for people, JSON for programs (the HTTP API's
// case page returns the same JSON). Pure: strings and JSON values, no output.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "explain/story.h"
#include "router/events.h"

namespace explain {

// "page 7 to alice: paged T -> delivered T (phone) -> acknowledged T": one page's path on one
// line; " -> not delivered yet" when nothing became of it.
std::string PageSummaryLine(const PagePath& page);

// What `escalator explain` prints: "case ID", every entry's lines, then (when anything was paged)
// "pages (paged -> delivered -> acknowledged):" and a PageSummaryLine per page, indented. Every
// line ends with a newline.
std::string RenderText(const Story& story);

// {"case": ID, "story": [{"event": <router::EventToJson>, "text": [lines]}, ...],
//  "pages": [PageSummaryLine, ...]}, keys in that order. REQUIRES: `story` was told from
// `events` (TellCase(story.case_id, events)): the events themselves are rendered, not retold.
nlohmann::ordered_json StoryJson(const Story& story,
                                 const std::vector<std::pair<uint64_t, router::Event>>& events);

// StoryJson serialized as `escalator explain --format json` prints it: indented by two spaces,
// invalid UTF-8 replaced, a trailing newline.
std::string RenderJson(const Story& story,
                       const std::vector<std::pair<uint64_t, router::Event>>& events);

}  // namespace explain
