#include "report/format.h"
#include "report/render.h"
#include "report/retro_render.h"

namespace report {

namespace {

// Spans listed one per line up to this many; then how many more.
constexpr size_t kSpansShown = 8;

std::string Instant(Timestamp t) { return base::FormatInstant(t); }

std::string CaseLabel(const RetroCase& c) {
  const CaseSummary& s = *c.summary;
  std::string out = (s.display_id.empty() ? s.case_id : s.display_id) + "  ";
  out += c.customer.empty() ? s.account : c.customer + " (" + s.account + ")";
  if (!s.service.empty()) out += "  " + s.service;
  if (!s.display_id.empty()) out += "  " + s.case_id;
  return out;
}

std::string ClockHeadline(const RetroClock& k) {
  const ClockSummary& c = *k.clock;
  const Routing& r = *k.outcome.routing;
  std::string out = std::string("clock ") + ClockKindName(c.kind) + " " + Instant(c.start) + ": " +
                    OutcomeLabel(k) + ", level " + std::to_string(r.level);
  if (r.due) out += ", due " + Instant(*r.due);
  if (k.outcome.first_response) out += ", first response " + FormatSpan(k.outcome.first_response);
  if (k.margin) out += " (" + FormatSpan(k.margin) + " to spare)";
  return out;
}

std::string SpansText(const RetroClock& k) {
  std::string out = "    on the clock " + FormatSpan(k.running) + ", paused " +
                    FormatSpan(k.paused) + " (" +
                    (k.calendar_known ? "calendar " + k.outcome.routing->calendar
                                      : std::string("wall time: calendar not in --config")) +
                    (k.stopped ? "" : "; still running at the end") + ")\n";
  for (size_t i = 0; i < k.spans.size() && i < kSpansShown; ++i) {
    const ClockSpan& s = k.spans[i];
    out += std::string(i == 0 ? "    spans: " : "           ") +
           (s.running ? "running " : "paused  ") + Instant(s.from) + " .. " + Instant(s.to) + " (" +
           FormatSpan(s.to - s.from) + ")\n";
  }
  if (k.spans.size() > kSpansShown || k.spans_truncated) {
    out += "           ... " + std::to_string(k.spans.size() - kSpansShown) +
           (k.spans_truncated ? "+" : "") + " more\n";
  }
  return out;
}

}  // namespace

std::string OutcomeLabel(const RetroClock& k) {
  switch (k.outcome.outcome) {
    case Outcome::kMet:
      return k.outcome.resolved_unanswered ? "MET (resolved unanswered)" : "MET";
    case Outcome::kBreached:
      return "BREACHED";
    case Outcome::kOpen:
      return "OPEN";
    case Outcome::kUnrouted:
      return "UNROUTED";
  }
  return "OPEN";
}

std::string RenderRetroText(const Retro& r) {
  size_t clocks = 0;
  for (const RetroCase& c : r.cases) clocks += c.clocks.size();
  std::string out = "SLA retrospective: clocks started " + Instant(r.from) + " .. " +
                    Instant(r.to) + (r.account.empty() ? "" : ", account " + r.account) +
                    ", as of the end: " + std::to_string(r.cases.size()) + " case(s), " +
                    std::to_string(clocks) + " clock(s)\n\n";
  out += RenderGroupsText(r.summary);

  for (const RetroCase& c : r.cases) {
    out += "\n" + CaseLabel(c) + "\n";
    for (const RetroClock& k : c.clocks) {
      out += "  " + ClockHeadline(k) + "\n";
      if (k.breach) {
        out += "    " + std::string(BreachCodeName(k.breach->code)) + ": " + k.breach_detail + "\n";
      }
      out += SpansText(k);
      for (const TimelineEntry& e : k.timeline) {
        out += "    " + Instant(e.at) + "  " + EntryText(e, *k.clock) + "\n";
      }
    }
  }

  out += "\nClosest to breaching: the least time left between the first response and the due\n";
  if (r.closest.empty()) {
    out += "  (no clock met with a response)\n";
  } else {
    TextTable t;
    t.Add({"case", "level", "clock started", "first response", "due", "to spare"});
    for (const Closest& x : r.closest) {
      const RetroCase& c = r.cases[x.c];
      const RetroClock& k = c.clocks[x.clock];
      const CaseSummary& s = *c.summary;
      t.Add({s.display_id.empty() ? s.case_id : s.display_id,
             std::to_string(k.outcome.routing->level), Instant(k.clock->start),
             Instant(*k.clock->response_at), Instant(*k.outcome.routing->due),
             FormatSpan(k.margin)});
    }
    out += t.Render("  ");
  }
  out += "\n" + RenderEngineersText(r.summary);
  return out;
}

}  // namespace report
