#include "explain/story.h"

#include <cstdio>
#include <map>
#include <variant>

#include "explain/words.h"
#include "router/reason_text.h"

namespace explain {

namespace {

void Candidates(std::vector<std::string>& out, const std::vector<router::Candidate>& cs,
                const std::string& indent) {
  int rank = 1;
  for (const auto& c : cs) {
    char score[32];
    std::snprintf(score, sizeof score, "%.2f", c.score);
    out.push_back(indent + std::to_string(rank++) + ". " + c.engineer + "  score " + score + ", " +
                  std::to_string(c.open_cases) + " open case(s)" + ": " + router::ReasonText(c));
  }
}

// Tells one event at a time into `out`; keeps what later events are told against (the opening,
// the clock's start, the pages so far).
struct Teller {
  std::vector<std::string>* out = nullptr;  // the lines of the event being told
  uint64_t seq = 0;                         // the event being told
  Timestamp opened{};
  std::optional<Timestamp> clock_start{};
  // By id: delivery events name their page by the paged event's seq.
  std::map<uint64_t, PagePath> pages{};

  void Line(Timestamp at, const std::string& text) { out->push_back(At(at) + "  " + text); }
  void Detail(const std::string& text) { out->push_back("                        " + text); }

  void operator()(const router::CaseOpened& e) {
    opened = e.at;
    Line(e.at, "OPENED  case " + (e.display_id.empty() ? e.case_id : e.display_id) + " \"" +
                   e.subject + "\"");
    Detail("account " + e.account + ", service " + e.service + ", severity " + e.severity_code +
           " -> level " + std::to_string(e.level));
    if (e.reconciled_at) {
      Detail(
          "from reconciliation: the feed never delivered this case's opening; the snapshot "
          "taken at " +
          At(*e.reconciled_at) + " listed it open, " + Elapsed(e.at, *e.reconciled_at) +
          " after it was created");
      Detail(
          "its response clock counts from its creation; its escalation policy from the "
          "snapshot (nothing could be paged before)");
    }
  }
  void operator()(const router::Routed& e) {
    if (e.clock_start) clock_start = e.clock_start;
    Line(e.at, "ROUTED  level " + std::to_string(e.level) + ", plan " + e.plan + ", coverage " +
                   e.coverage + ", business " + e.business +
                   (e.fallback ? " (fallback case)" : ""));
    Detail("why: " + router::ReasonText(e));
    if (e.clock.empty()) {
      Detail("not routed: nothing will be paged for this clock");
    } else {
      Detail("clock: " + Target(e.target_s, e.target_business) + " counted on " + e.clock +
             ", due " + At(e.due) + ", warning at " + At(e.warning_at));
      Detail("policy: " + std::to_string(e.steps) + " step(s) per cycle, repeated " +
             std::to_string(e.repeat) + " time(s), from " + At(e.policy_base) + "; first step at " +
             At(e.first_step_at));
      if (e.deferred) Detail("opened outside coverage: the fallback schedule is paged at once");
      if (!e.owner.empty()) Detail("next-response clock: pages the case's owner " + e.owner);
    }
    if (!e.candidates.empty()) {
      Detail("familiar ranking at this instant (on call anywhere; best first):");
      Candidates(*out, e.candidates, "                          ");
    }
  }
  void operator()(const router::Escalated& e) {
    if (e.step < 0) {
      Line(e.at, "FALLBACK PAGE at opening (outside coverage)" +
                     std::string(e.empty ? ": nobody on call" : ""));
    } else {
      std::string line =
          "STEP    " + std::to_string(e.step) + " of cycle " + std::to_string(e.cycle) + " fired";
      if (e.scheduled && *e.scheduled != e.at)
        line += " (brought forward from " + At(e.scheduled) + ": the step before reached nobody)";
      if (e.empty) line += ": it reached nobody";
      Line(e.at, line);
    }
    for (const auto& t : e.targets) {
      Detail("  " + t.target + " -> " + (t.engineer ? *t.engineer : std::string("nobody")) +
             (t.source.empty() ? "" : " (" + t.source + ")") + ": " + router::ReasonText(t));
    }
    if (e.step >= 0) {
      if (e.exhausted) {
        Detail("escalation exhausted: no further steps");
      } else {
        Detail("next: step " + std::to_string(e.next_step) + " of cycle " +
               std::to_string(e.next_cycle) + " at " + At(e.next_step_at));
      }
    }
  }
  void operator()(const router::Paged& e) {
    std::string via = e.target;
    if (!e.source.empty()) {
      via += e.source == "override" ? " (override)" : " (layer " + e.source + ")";
    }
    if (!e.also_via.empty()) {
      via += ", also reached via";
      for (const auto& v : e.also_via) via += " " + v;
    }
    pages[seq] = PagePath{seq, e.engineer, e.at, {}, {}, {}, {}, ""};
    Line(e.at, "PAGED   " + e.engineer + " via " + via + " [" + router::PageCauseName(e.cause) +
                   "] (page " + std::to_string(seq) + ")");
    Detail("why: " + router::ReasonText(e));
    if (!e.candidates.empty()) {
      Detail("familiar ranking (best first):");
      Candidates(*out, e.candidates, "                          ");
    }
  }
  void operator()(const router::HandoffChecked&) {}  // the pages it sent tell the story
  void operator()(const router::SlaWarning& e) {
    Line(e.at, "WARNING the first response is due at " + At(e.due));
  }
  void operator()(const router::Breached& e) {
    Line(e.at,
         "BREACHED the response was due at " + At(e.due) +
             (e.at_severity_change ? " (at once: the new level's due had already passed)" : ""));
  }
  void operator()(const router::Acknowledged& e) {
    // An acknowledgement answers every page its engineer had for the case.
    for (auto& [id, p] : pages) {
      if (p.engineer == e.engineer && !p.acked) p.acked = e.at;
    }
    Line(e.at, "ACKED   by " + e.engineer);
  }
  void operator()(const router::Delivered& e) {
    std::string after;
    if (auto it = pages.find(e.paged_seq); it != pages.end()) {
      it->second.delivered = e.at;
      it->second.device = e.device;
      after = ", " + Span(it->second.paged, e.at) + " after it was decided";
    }
    Line(e.at, "DELIVERED page " + std::to_string(e.paged_seq) + " to " + e.engineer + "'s " +
                   e.device + after);
  }
  void operator()(const router::DeliveryFailed& e) {
    if (auto it = pages.find(e.paged_seq); it != pages.end()) it->second.failed = e.at;
    Line(e.at, "UNDELIVERED page " + std::to_string(e.paged_seq) + " to " + e.engineer +
                   ": no device confirmed it (" + std::to_string(e.attempts) +
                   " send(s)); still sent to any device that connects");
  }
  void operator()(const router::PageSuperseded& e) {
    if (auto it = pages.find(e.paged_seq); it != pages.end()) it->second.superseded = e.at;
    Line(e.at, "DROPPED page " + std::to_string(e.paged_seq) + " to " + e.engineer +
                   ": the case was " +
                   (e.by == router::SupersededBy::kResolution ? "resolved" : "answered") +
                   " before any device of theirs confirmed it");
  }
  void operator()(const router::Responded& e) {
    std::string how = e.how == router::ResponseKind::kAck ? "acknowledgement by " + e.by
                                                          : "AWS communication " + e.by;
    Line(e.at, "RESPONDED first response: " + how + ", " +
                   Elapsed(clock_start.value_or(opened), e.at) +
                   " after the clock started; escalation stopped");
  }
  void operator()(const router::CommunicationAdded& e) {
    std::string from = e.origin == router::Origin::kAws ? "AWS" : "the customer";
    Line(e.at, "MESSAGE from " + from +
                   (e.starts_clock ? ": a follow-up, starts a next-response clock due " + At(e.due)
                                   : ""));
  }
  void operator()(const router::SeverityChanged& e) {
    Line(e.at, "SEVERITY " + e.from_code + " -> " + e.to_code + " (level " +
                   std::to_string(e.from_level) + " -> " + std::to_string(e.to_level) +
                   "): due re-targeted to " + At(e.due));
    Reconciled(e.reconciled_at, "severity change");
  }
  void operator()(const router::CaseResolved& e) {
    Line(e.at, "RESOLVED");
    Reconciled(e.reconciled_at, "resolution");
  }
  void operator()(const router::CaseReopened& e) {
    Line(e.at, "REOPENED a new response clock starts");
    Reconciled(e.reconciled_at, "reopening");
  }
  // A fact the feed missed and a reconciliation snapshot told.
  void Reconciled(const std::optional<Timestamp>& taken_at, const std::string& what) {
    if (!taken_at) return;
    Detail("from reconciliation: the snapshot taken at " + At(*taken_at) + " told this " + what +
           ", which the feed never delivered");
  }
  void operator()(const router::InputRejected& e) {
    Line(e.at, "REFUSED input: " + router::ReasonText(e) + " (" + e.raw_summary + ")");
  }
};

}  // namespace

std::string_view KindOf(const router::Event& event) {
  // Named after what people read in the text ("ACKED" is "acknowledged", "MESSAGE" a message),
  // not router::TypeName: that is the log's JSON contract, which StoryJson carries already.
  switch (router::TypeOf(event)) {
    case router::EventType::kCaseOpened:
      return "opened";
    case router::EventType::kCommunicationAdded:
      return "message";
    case router::EventType::kSeverityChanged:
      return "severity";
    case router::EventType::kCaseResolved:
      return "resolved";
    case router::EventType::kCaseReopened:
      return "reopened";
    case router::EventType::kRouted:
      return "routed";
    case router::EventType::kPaged:
      return "paged";
    case router::EventType::kEscalated:
      return "escalated";
    case router::EventType::kAcknowledged:
      return "acknowledged";
    case router::EventType::kResponded:
      return "responded";
    case router::EventType::kBreached:
      return "breached";
    case router::EventType::kSlaWarning:
      return "warning";
    case router::EventType::kInputRejected:
      return "refused";
    case router::EventType::kHandoffChecked:
      return "handoff";
    case router::EventType::kPageSuperseded:
      return "dropped";
    case router::EventType::kDelivered:
      return "delivered";
    case router::EventType::kDeliveryFailed:
      return "undelivered";
  }
  return "event";  // unreachable: every type has a case above (-Wswitch names a new one)
}

Story TellCase(const std::string& case_id,
               const std::vector<std::pair<uint64_t, router::Event>>& events) {
  Story story;
  story.case_id = case_id;
  story.entries.reserve(events.size());
  Teller teller;
  for (const auto& [seq, event] : events) {
    StoryEntry& entry = story.entries.emplace_back();
    entry.seq = seq;
    entry.at = router::AtOf(event);
    entry.kind = std::string(KindOf(event));
    teller.out = &entry.text;
    teller.seq = seq;
    std::visit(teller, event);
  }
  story.pages.reserve(teller.pages.size());
  for (auto& [id, page] : teller.pages) story.pages.push_back(std::move(page));
  return story;
}

}  // namespace explain
