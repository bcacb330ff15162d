#include "report/format.h"
#include "report/html_svg.h"
#include "report/retro_render.h"

namespace report {

namespace {

std::string OutcomeClass(const RetroClock& k) {
  switch (k.outcome.outcome) {
    case Outcome::kMet:
      return "meets";
    case Outcome::kBreached:
      return "below";
    default:
      return "";
  }
}

std::string ClockSection(const RetroClock& k) {
  const ClockSummary& c = *k.clock;
  const Routing& r = *k.outcome.routing;
  std::string s = "<div class=\"clock\"><p><strong class=\"outcome " + OutcomeClass(k) + "\">" +
                  HtmlEscape(OutcomeLabel(k)) + "</strong> &middot; " +
                  HtmlEscape(ClockKindName(c.kind)) + " " + HtmlTime(c.start) + " &middot; level " +
                  std::to_string(r.level);
  if (r.due) s += " &middot; due " + HtmlTime(*r.due);
  if (k.outcome.first_response) {
    s += " &middot; first response " + HtmlEscape(FormatSpan(k.outcome.first_response));
  }
  if (k.margin) s += " &middot; " + HtmlEscape(FormatSpan(k.margin)) + " to spare";
  s += "<br><small>on the clock " + HtmlEscape(FormatSpan(k.running)) + ", paused " +
       HtmlEscape(FormatSpan(k.paused)) + " (" +
       HtmlEscape(k.calendar_known ? "calendar " + r.calendar
                                   : std::string("wall time: calendar not in --config")) +
       (k.stopped ? "" : "; still running at the end") +
       (k.spans_truncated ? "; spans beyond the first " + std::to_string(kMaxSpans) + " not drawn"
                          : std::string()) +
       ")</small></p>";
  if (k.breach) {
    s += "<p><span class=\"code\">" + HtmlEscape(BreachCodeName(k.breach->code)) + "</span> " +
         HtmlEscape(k.breach_detail) + "</p>";
  }
  s += TimelineSvg(k);
  s += "<table class=\"timeline\"><tbody>";
  for (const TimelineEntry& e : k.timeline) {
    s += "<tr><td class=\"text\">" + HtmlTime(e.at) + "</td><td class=\"text wrap\">" +
         HtmlEscape(EntryText(e, c)) + "</td></tr>";
  }
  return s + "</tbody></table></div>";
}

std::string CaseSection(const RetroCase& c) {
  const CaseSummary& s = *c.summary;
  std::string out = "<article class=\"case\" data-case=\"" + HtmlEscape(s.case_id) + "\"><h3>" +
                    HtmlEscape(s.display_id.empty() ? s.case_id : s.display_id) + " &middot; " +
                    HtmlEscape(c.customer.empty() ? s.account : c.customer) +
                    (s.service.empty() ? "" : " &middot; " + HtmlEscape(s.service)) +
                    "</h3><p><small>" + HtmlEscape(s.case_id) + "</small></p>";
  for (const RetroClock& k : c.clocks) out += ClockSection(k);
  return out + "</article>";
}

std::string ClosestSection(const Retro& r) {
  std::string s =
      "<section id=\"closest\"><h2>Closest to breaching</h2><p class=\"note\">The clocks met "
      "with the least time left between the first response and the due, on their own "
      "calendar.</p>";
  if (r.closest.empty()) return s + "<p class=\"note\">No clock met with a response.</p></section>";
  s += "<table><thead><tr><th>case</th><th>level</th><th class=\"text\">clock started</th>"
       "<th class=\"text\">first response</th><th class=\"text\">due</th><th>to spare</th>"
       "</tr></thead><tbody>";
  for (const Closest& x : r.closest) {
    const RetroCase& c = r.cases[x.c];
    const RetroClock& k = c.clocks[x.clock];
    const CaseSummary& cs = *c.summary;
    s += "<tr><td>" + HtmlEscape(cs.display_id.empty() ? cs.case_id : cs.display_id) + "</td><td>" +
         std::to_string(k.outcome.routing->level) + "</td><td class=\"text\">" +
         HtmlTime(k.clock->start) + "</td><td class=\"text\">" + HtmlTime(*k.clock->response_at) +
         "</td><td class=\"text\">" + HtmlTime(*k.outcome.routing->due) + "</td><td>" +
         HtmlEscape(FormatSpan(k.margin)) + "</td></tr>";
  }
  return s + "</tbody></table></section>";
}

}  // namespace

std::string RenderRetroHtml(const Retro& r, const HtmlOptions& options) {
  const std::string window = base::FormatInstant(r.from) + " .. " + base::FormatInstant(r.to);
  std::string body =
      "<header><h1>SLA retrospective</h1><p class=\"window\">Response clocks started " +
      HtmlEscape(window) +
      (r.account.empty() ? std::string() : ", account " + HtmlEscape(r.account)) +
      ", as of the end: " + std::to_string(r.cases.size()) + " case(s).</p></header>";
  body += HtmlSummarySection(r.summary, options.goal);
  body += ClosestSection(r);
  body += "<section id=\"cases\"><h2>Cases (" + std::to_string(r.cases.size()) + ")</h2>";
  body +=
      "<p class=\"note\">Each clock from its start: <span style=\"color:#27ae60\">&#9632;</span> "
      "running, <span style=\"color:#a0a8b0\">&#9632;</span> paused (its calendar closed), the "
      "due dashed; pages and receipts above the strip, the clock's own events below.</p>";
  for (const RetroCase& c : r.cases) body += CaseSection(c);
  if (r.cases.empty()) body += "<p class=\"note\">No clock started in the window.</p>";
  body += "</section>";
  body += HtmlEngineerSection(r.summary);
  body +=
      "<footer>Written by escalator retro from the event log. Self-contained: nothing on "
      "this page is fetched.</footer>";
  return HtmlDocument("SLA retrospective " + window, body);
}

}  // namespace report
