#include "explain/render.h"

#include "base/check.h"
#include "explain/words.h"
#include "router/event_json.h"

namespace explain {

std::string PageSummaryLine(const PagePath& p) {
  std::string line =
      "page " + std::to_string(p.id) + " to " + p.engineer + ": paged " + At(p.paged);
  if (p.superseded) line += " -> dropped (answered first) " + At(*p.superseded);
  if (p.delivered) line += " -> delivered " + At(*p.delivered) + " (" + p.device + ")";
  if (p.failed) line += " -> delivery failed " + At(*p.failed);
  if (!p.delivered && !p.failed && !p.superseded) line += " -> not delivered yet";
  if (p.acked) line += " -> acknowledged " + At(*p.acked);
  return line;
}

std::string RenderText(const Story& story) {
  std::string out = "case " + story.case_id + "\n";
  for (const auto& entry : story.entries) {
    for (const auto& line : entry.text) out += line + "\n";
  }
  if (!story.pages.empty()) {
    out += "pages (paged -> delivered -> acknowledged):\n";
    for (const auto& page : story.pages) out += "  " + PageSummaryLine(page) + "\n";
  }
  return out;
}

nlohmann::ordered_json StoryJson(const Story& story,
                                 const std::vector<std::pair<uint64_t, router::Event>>& events) {
  CHECK(story.entries.size() == events.size(), "the story was told from other events");
  nlohmann::ordered_json out;
  out["case"] = story.case_id;
  nlohmann::ordered_json entries = nlohmann::ordered_json::array();
  for (size_t i = 0; i < events.size(); ++i) {
    const auto& [seq, event] = events[i];
    CHECK(story.entries[i].seq == seq, "the story was told from other events");
    nlohmann::ordered_json j;
    j["event"] = router::EventToJson(seq, event);
    j["text"] = story.entries[i].text;
    entries.push_back(std::move(j));
  }
  out["story"] = std::move(entries);
  nlohmann::ordered_json pages = nlohmann::ordered_json::array();
  for (const auto& page : story.pages) pages.push_back(PageSummaryLine(page));
  out["pages"] = std::move(pages);
  return out;
}

std::string RenderJson(const Story& story,
                       const std::vector<std::pair<uint64_t, router::Event>>& events) {
  // Replace, not throw: free text from the feed (subjects, refusals) may be invalid UTF-8.
  return StoryJson(story, events)
             .dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) +
         "\n";
}

}  // namespace explain
