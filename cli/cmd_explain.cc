// escalator explain --data DIR --case ID [--format text|json]: the story of one
// case for people, in time order, from its events alone (no config needed):
// how it was routed and why, every page (who, when, through which target,
// layer or override, the familiar ranking with scores), escalations,
// warnings, breaches, responses and the resolution.
#include <cstdio>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "engine/engine.h"
#include "router/codec.h"
#include "router/event_json.h"
#include "router/reason_text.h"
#include "store/event_log.h"

namespace cli {

namespace {

using router::Timestamp;

std::string At(Timestamp t) {
  if (t == Timestamp::max()) return "never";
  return base::FormatInstant(t);
}
std::string At(const std::optional<Timestamp>& t) { return t ? At(*t) : std::string("-"); }

std::string Target(int64_t secs, bool business) {
  std::string unit = business ? "bh" : "h";
  if (secs % 3600 == 0) return std::to_string(secs / 3600) + unit;
  if (secs % 60 == 0)
    return std::to_string(secs / 60) + "m" + (business ? " of business time" : "");
  return std::to_string(secs) + "s";
}

// A short span for delivery: "850 ms", "12.3 s", "4 min".
std::string Span(Timestamp from, Timestamp to) {
  const auto ms = (to - from).count();
  if (ms < 1000) return std::to_string(ms) + " ms";
  if (ms < 60'000) {
    char s[32];
    std::snprintf(s, sizeof s, "%.1f s", static_cast<double>(ms) / 1000);
    return s;
  }
  return std::to_string(ms / 60'000) + " min";
}

std::string Elapsed(Timestamp from, Timestamp to) {
  auto m = std::chrono::duration_cast<std::chrono::minutes>(to - from).count();
  if (m < 120) return std::to_string(m) + " min";
  return std::to_string(m / 60) + " h " + std::to_string(m % 60) + " min";
}

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

// The lines telling one event (empty: nothing worth telling people).
struct Teller {
  std::vector<std::string>& out;
  Timestamp opened{};
  std::optional<Timestamp> clock_start{};
  uint64_t seq = 0;  // the event being told
  // Each page's path, by its id (the paged event's seq): paged -> delivered -> acknowledged.
  struct PagePath {
    std::string engineer;
    Timestamp paged{};
    std::optional<Timestamp> delivered, failed, acked, superseded;
    std::string device;
  };
  std::map<uint64_t, PagePath> pages{};

  // The summary lines: one per page, in page order.
  std::vector<std::string> PageSummary() const {
    std::vector<std::string> lines;
    for (const auto& [id, p] : pages) {
      std::string line =
          "page " + std::to_string(id) + " to " + p.engineer + ": paged " + At(p.paged);
      if (p.superseded) line += " -> dropped (answered first) " + At(*p.superseded);
      if (p.delivered) line += " -> delivered " + At(*p.delivered) + " (" + p.device + ")";
      if (p.failed) line += " -> delivery failed " + At(*p.failed);
      if (!p.delivered && !p.failed && !p.superseded) line += " -> not delivered yet";
      if (p.acked) line += " -> acknowledged " + At(*p.acked);
      lines.push_back(std::move(line));
    }
    return lines;
  }

  void Line(Timestamp at, const std::string& text) { out.push_back(At(at) + "  " + text); }
  void Detail(const std::string& text) { out.push_back("                        " + text); }

  void operator()(const router::CaseOpened& e) {
    opened = e.at;
    Line(e.at, "OPENED  case " + (e.display_id.empty() ? e.case_id : e.display_id) + " \"" +
                   e.subject + "\"");
    Detail("account " + e.account + ", service " + e.service + ", severity " + e.severity_code +
           " -> level " + std::to_string(e.level));
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
      Candidates(out, e.candidates, "                          ");
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
    pages[seq] = PagePath{e.engineer, e.at, {}, {}, {}, {}, ""};
    Line(e.at, "PAGED   " + e.engineer + " via " + via + " [" + router::PageCauseName(e.cause) +
                   "] (page " + std::to_string(seq) + ")");
    Detail("why: " + router::ReasonText(e));
    if (!e.candidates.empty()) {
      Detail("familiar ranking (best first):");
      Candidates(out, e.candidates, "                          ");
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
  }
  void operator()(const router::CaseResolved& e) { Line(e.at, "RESOLVED"); }
  void operator()(const router::CaseReopened& e) {
    Line(e.at, "REOPENED a new response clock starts");
  }
  void operator()(const router::InputRejected& e) {
    Line(e.at, "REFUSED input: " + router::ReasonText(e) + " (" + e.raw_summary + ")");
  }
};

}  // namespace

int RunExplain(int argc, char** argv) {
  auto parsed = ParseFlags(
      "explain",
      "Tells one case's story in time order, from the log alone: how it was routed and why\n"
      "(level, plan, coverage and business calendars, due), every page (who, when, through\n"
      "which target, layer or override, the familiar ranking with scores), escalations,\n"
      "warnings, breaches, responses and the resolution.",
      {{"data", true, true, "the data directory of the event log", ""},
       {"case", true, true, "the case id", ""},
       {"format", true, false, "text or json", "text"}},
      argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const Flags& f = parsed.flags;
  int exit = kExitOk;
  const std::optional<bool> json_format = JsonFormatFlag("explain", f, exit);
  if (!json_format) return exit;
  const bool json = *json_format;
  store::Options options;
  options.create_if_missing = false;
  options.check = store::OpenCheck::kBounds;
  options.read_only = true;  // works while serve holds the log
  const std::string dir = *f.Get("data");
  const std::string case_id = *f.Get("case");
  auto log = store::EventLog::Open(dir, options);
  if (!log.ok()) {
    std::cerr << "escalator explain: cannot open the event log in '" << dir
              << "': " << log.status().ToString() << "\n";
    return log.status().code() == base::Code::kNotFound ? kExitUsage : kExitFailure;
  }
  std::vector<std::pair<uint64_t, router::Event>> events;
  base::Status bad;
  base::Status read = (*log)->ReadIndexed(router::CaseKey(case_id), [&](uint64_t seq,
                                                                        std::string_view bytes) {
    auto e = router::DecodeEvent(bytes);
    if (!e.ok()) {
      bad = base::Status::Corruption("event " + std::to_string(seq) + ": " + e.status().message());
      return false;
    }
    events.emplace_back(seq, std::move(*e));
    return true;
  });
  if (!read.ok() || !bad.ok()) {
    std::cerr << "escalator explain: " << (bad.ok() ? read : bad).ToString() << "\n";
    return kExitFailure;
  }
  if (events.empty()) {
    std::cerr << "escalator explain: no case '" << case_id << "' in the log in '" << dir << "'\n";
    return kExitUsage;
  }
  if (json) {
    nlohmann::ordered_json out;
    out["case"] = case_id;
    nlohmann::ordered_json story = nlohmann::ordered_json::array();
    std::vector<std::string> lines;
    Teller teller{lines};
    for (const auto& [seq, e] : events) {
      lines.clear();
      teller.seq = seq;
      std::visit(teller, e);
      nlohmann::ordered_json j;
      j["event"] = router::EventToJson(seq, e);
      j["text"] = lines;
      story.push_back(std::move(j));
    }
    out["story"] = std::move(story);
    out["pages"] = teller.PageSummary();
    std::cout << out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
    return kExitOk;
  }
  std::vector<std::string> lines;
  Teller teller{lines};
  for (const auto& [seq, e] : events) {
    teller.seq = seq;
    std::visit(teller, e);
  }
  std::cout << "case " << case_id << "\n";
  for (const auto& l : lines) std::cout << l << "\n";
  if (!teller.pages.empty()) {
    std::cout << "pages (paged -> delivered -> acknowledged):\n";
    for (const auto& l : teller.PageSummary()) std::cout << "  " << l << "\n";
  }
  return kExitOk;
}

}  // namespace cli
