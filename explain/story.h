// One case's story, told from its events alone (no configuration needed): how it was routed and
// why, every page (who, when, through which target, layer or override, the familiar ranking with
// scores) and what became of it, escalations, warnings, breaches, responses and the resolution.
//
// `escalator explain` prints it (explain/render.h); the HTTP API and the dashboard's case page
// serve the same story. Pure: the events are an argument; nothing here reads a log or a clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/time.h"
#include "router/events.h"

namespace explain {

using base::Timestamp;

// What became of one page: paged -> delivered (or failed, or dropped) -> acknowledged.
struct PagePath {
  uint64_t id = 0;  // the paged event's seq, as the delivery events name it
  std::string engineer;
  Timestamp paged{};
  std::optional<Timestamp> delivered, failed, acked;
  std::optional<Timestamp> superseded;  // dropped: the case was answered or resolved first
  std::string device;                   // the device that confirmed it (when delivered)
};

// What one event tells.
struct StoryEntry {
  uint64_t seq = 0;
  Timestamp at{};
  // A stable lowercase word per event type, for the API and the dashboard to pick an icon or a
  // filter by: "opened", "message", "severity", "resolved", "reopened", "routed", "paged",
  // "escalated", "acknowledged", "responded", "breached", "warning", "refused", "handoff",
  // "dropped", "delivered", "undelivered".
  std::string kind;
  // The lines `escalator explain` prints for it, the first starting with the instant; empty when
  // the event is not worth telling people (a handoff check: the pages it sent tell it).
  std::vector<std::string> text;
};

struct Story {
  std::string case_id;
  std::vector<StoryEntry> entries;  // one per event, in the events' order
  std::vector<PagePath> pages;      // one per paged event, by id
};

// Tells the story of case `case_id` from its events. REQUIRES: `events` are (seq, event) pairs
// of that case in increasing seq order (as the log's case index hands them over). Pure.
Story TellCase(const std::string& case_id,
               const std::vector<std::pair<uint64_t, router::Event>>& events);

// The stable word StoryEntry::kind holds for `event`'s type.
std::string_view KindOf(const router::Event& event);

}  // namespace explain
