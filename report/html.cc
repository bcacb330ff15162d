#include "report/html.h"

#include <cstdio>

#include "report/format.h"
#include "report/html_svg.h"
#include "report/render.h"

namespace report {

namespace {

// One stylesheet for screen and paper: system fonts only (nothing is fetched), tables
// that break between rows, colours kept when printed.
constexpr const char* kStyle = R"css(
:root { --ink: #1d2733; --muted: #5d6b7a; --line: #d9dee4; --bg: #ffffff; --panel: #f5f7f9;
  --good: #27ae60; --bad: #c0392b; --warn: #e67e22; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1240px; padding: 24px 28px 40px; color: var(--ink);
  background: var(--bg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto,
  "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 15px; margin: 0 0 6px; }
p.window, p.note, figcaption, .muted { color: var(--muted); }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px;
  margin: 18px 0 8px; }
.kpi { background: var(--panel); border-radius: 8px; padding: 12px 14px; }
.kpi .label { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.kpi .value { font-size: 26px; font-weight: 650; font-variant-numeric: tabular-nums;
  white-space: nowrap; }
.kpi .value.bad { color: var(--bad); } .kpi .value.good { color: var(--good); }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
table { font-size: 13px; }
th, td { padding: 4px 6px; border-bottom: 1px solid var(--line); text-align: right; vertical-align: top;
  white-space: nowrap; }
td.wrap { white-space: normal; min-width: 240px; }
table.figures { font-size: 12px; } table.figures td, table.figures th { padding: 4px 5px; }
td.id small { display: block; max-width: 150px; white-space: normal; word-break: break-all; }
th { font-size: 12px; color: var(--muted); font-weight: 600; background: var(--panel);
  white-space: normal; vertical-align: bottom; }
th:first-child, td:first-child, td.text, th.text { text-align: left; }
tfoot td { font-weight: 650; border-top: 2px solid var(--ink); }
td.below { color: var(--bad); font-weight: 650; }
td.meets { color: var(--good); font-weight: 650; }
.code { display: inline-block; font: 12px ui-monospace, "DejaVu Sans Mono", monospace;
  background: #fdecea; color: var(--bad); border-radius: 4px; padding: 1px 6px; margin-bottom: 3px; }
.pages { list-style: none; margin: 0; padding: 0; font-size: 12px; }
.pages .delivered::after { content: " \2713"; color: var(--good); }
.pages .failed::after { content: " \2717"; color: var(--bad); }
small { color: var(--muted); }
time { white-space: nowrap; }
svg.chart { width: 100%; height: auto; display: block; }
svg .grid { stroke: #e6e9ed; stroke-width: 1; }
svg .axis { stroke: #8a96a3; stroke-width: 1; }
svg .goal, svg .target { stroke: var(--ink); stroke-width: 1.5; stroke-dasharray: 6 4; }
svg .series { fill: none; stroke-width: 2; }
svg text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: var(--muted); }
svg .value { fill: var(--ink); } svg .goal-label, svg .target-label { fill: var(--ink); font-weight: 650; }
svg .legend { fill: var(--ink); } svg .empty { font-size: 14px; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 18px; }
figure { margin: 0; background: var(--panel); border-radius: 8px; padding: 12px 14px; }
.bar { display: inline-block; vertical-align: middle; }
footer { margin-top: 36px; font-size: 12px; color: var(--muted); }
article.case { border-top: 1px solid var(--line); padding-top: 8px; margin-top: 18px; }
article.case h3 { font-size: 16px; margin-bottom: 0; }
.clock { margin: 8px 0 16px; } .clock p { margin: 6px 0; }
.outcome.meets { color: var(--good); } .outcome.below { color: var(--bad); }
table.timeline { width: auto; font-size: 12px; } table.timeline td { padding: 2px 8px 2px 0; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; }
  figure, .kpis, tr, svg.timeline { break-inside: avoid; }
  thead { display: table-header-group; }
  .grid2 { grid-template-columns: 1fr 1fr; }
}
)css";

std::string Td(const std::string& text, const std::string& cls = "") {
  return (cls.empty() ? "<td>" : "<td class=\"" + cls + "\">") + HtmlEscape(text) + "</td>";
}

std::string Num(int64_t n) { return "<td>" + std::to_string(n) + "</td>"; }

std::string Th(const std::string& text, const std::string& cls = "") {
  return (cls.empty() ? "<th>" : "<th class=\"" + cls + "\">") + HtmlEscape(text) + "</th>";
}

std::string Kpi(const std::string& label, const std::string& value, const std::string& cls,
                const std::string& id) {
  return "<div class=\"kpi\"><div class=\"label\">" + HtmlEscape(label) +
         "</div><div class=\"value " + cls + "\" id=\"" + id + "\">" + HtmlEscape(value) +
         "</div></div>";
}

// Below the goal in red, at or above it in green; no class without a figure.
std::string ComplianceClass(const std::optional<double>& v, double goal) {
  if (!v) return "";
  return *v < goal ? "below" : "meets";
}

std::string FiguresRow(const std::string& label, const std::string& name, const GroupFigures& f,
                       double goal) {
  const auto& fr = f.first_response;
  std::string row = "<td>" + HtmlEscape(label);
  if (!name.empty()) row += " <small>" + HtmlEscape(name) + "</small>";
  row += "</td>";
  row += Num(f.clocks) + Num(f.met) + Num(f.breached) + Num(f.open) + Num(f.resolved_unanswered) +
         Num(f.unrouted);
  row += Td(FormatPercent(f.Compliance()), ComplianceClass(f.Compliance(), goal));
  for (int p : {50, 90, 99, 100}) row += Td(FormatSpan(fr.Percentile(p)));
  row += Td(FormatSpan(f.to_ack.Percentile(50))) + Td(FormatSpan(f.to_resolve.Percentile(50)));
  row += Td(f.deepest_step > 0 ? std::to_string(f.deepest_step) : "-");
  row += Num(f.pages) + Num(f.delivered) + Num(f.undelivered);
  return row;
}

}  // namespace

std::string HtmlSummarySection(const Report& r, double goal) {
  std::string s = "<section id=\"summary\"><h2>Summary by " + std::string(GroupByName(r.by)) +
                  "</h2><table class=\"figures\"><thead><tr>" + Th(GroupByName(r.by));
  for (const char* h : {"clocks", "met", "breached", "open", "unanswered", "unrouted", "compliance",
                        "p50", "p90", "p99", "max", "ack p50", "resolve p50", "deepest step",
                        "pages", "delivered", "undelivered"}) {
    s += Th(h);
  }
  s += "</tr></thead><tbody>";
  for (const Group& g : r.groups)
    s += "<tr>" + FiguresRow(g.key, g.name, g.figures, goal) + "</tr>";
  s += "</tbody><tfoot><tr id=\"total\">" + FiguresRow("all", "", r.total, goal) +
       "</tr></tfoot></table>";
  s += "<p class=\"note\">p50 .. max: time to first response on each case's own clock (business "
       "time for a business-hours target). Unanswered: resolved before the due with no response, "
       "counted as met. Compliance: met / (met + breached).</p>";
  if (r.total.wall_clock > 0) {
    s += "<p class=\"note\">" + std::to_string(r.total.wall_clock) +
         " first response(s) measured in wall-clock time: their calendar is not in the "
         "configuration (pass --config).</p>";
  }
  return s + "</section>";
}

namespace {

std::string ComplianceSection(const Charts& c, double goal) {
  std::string per = c.bucket_days == 1 ? "day" : std::to_string(c.bucket_days) + " days";
  return "<section id=\"compliance\"><h2>Compliance by level per " + per + "</h2><figure>" +
         ComplianceSvg(c, goal) +
         "<figcaption>Met / (met + breached) of the clocks that started each " + per +
         " (UTC), by the level in force when the clock ended; the dashed line is the goal, " +
         FormatPercent(goal) + ".</figcaption></figure></section>";
}

std::string DistributionSection(const Charts& c) {
  std::string s =
      "<section id=\"distribution\"><h2>Time to first response by level</h2><div class=\"grid2\">";
  for (const LevelDistribution& d : c.levels) {
    s += "<figure><h3 style=\"color:" + std::string(LevelColour(d.level)) + "\">Level " +
         std::to_string(d.level) +
         (d.target_s > 0
              ? " &middot; target " + HtmlEscape(TargetLabel(d.target_s, d.target_business))
              : std::string()) +
         "</h3>";
    if (d.target_s > 0) s += DistributionSvg(d);
    std::string caption = std::to_string(d.responded) + " first response(s)";
    if (d.target_s > 0 && d.responded > 0) {
      caption +=
          ", " + std::to_string(d.within_target) + " within the target (" +
          FormatPercent(static_cast<double>(d.within_target) / static_cast<double>(d.responded)) +
          ")";
    }
    if (d.breached_unanswered > 0) {
      caption += "; " + std::to_string(d.breached_unanswered) + " breached with no response";
    }
    if (d.open > 0) caption += "; " + std::to_string(d.open) + " still open";
    if (d.wall_clock > 0) caption += "; " + std::to_string(d.wall_clock) + " in wall-clock time";
    if (d.target_s == 0) caption += "; no target: never routed";
    s += "<figcaption>" + HtmlEscape(caption) + ".</figcaption></figure>";
  }
  if (c.levels.empty()) s += "<p class=\"note\">No clocks in the window.</p>";
  return s + "</div></section>";
}

// Each page as "p1 16:00Z" (the date too when it is not the clock's start date), marked
// delivered or not delivered; its target in a tooltip.
std::string PagesList(const std::vector<PageFact>& pages, base::Timestamp clock_start) {
  const std::string start_day = base::FormatInstant(clock_start).substr(0, 10);
  std::string s = "<ul class=\"pages\">";
  for (const PageFact& p : pages) {
    const char* cls = p.delivered_at ? "delivered" : p.failed_at ? "failed" : "";
    const std::string iso = base::FormatInstant(p.at);
    const std::string shown =
        (iso.substr(0, 10) == start_day ? "" : iso.substr(5, 5) + " ") + iso.substr(11, 5) + "Z";
    s += std::string("<li class=\"") + cls + "\" title=\"" + HtmlEscape(p.target) + "\">" +
         HtmlEscape(p.engineer) + " <time datetime=\"" + iso + "\">" + shown + "</time></li>";
  }
  return s + "</ul>";
}

std::string BreachSection(const Report& r) {
  std::string s =
      "<section id=\"breaches\"><h2>Breaches (" + std::to_string(r.total.breached) + ")</h2>";
  if (!r.breaches_listed) {
    return s + "<p class=\"note\">The list is left out (--summary).</p></section>";
  }
  if (r.breaches.empty()) return s + "<p class=\"note\">No clock breached.</p></section>";
  s += "<table><thead><tr>";
  for (const char* h : {"case", "customer, plan", "level", "clock started", "due / breached",
                        "first response", "why", "pages"}) {
    s += Th(h, "text");
  }
  s += "</tr></thead><tbody>";
  for (const BreachRow& b : r.breaches) {
    s += "<tr class=\"breach\" data-case=\"" + HtmlEscape(b.case_id) + "\">";
    s += "<td class=\"text id\">" + HtmlEscape(b.display_id.empty() ? b.case_id : b.display_id) +
         "<small>" + HtmlEscape(b.case_id) + "</small></td>";
    s += "<td class=\"text\">" + HtmlEscape(b.customer.empty() ? b.account : b.customer);
    if (!b.customer.empty()) s += "<br><small>" + HtmlEscape(b.account) + "</small>";
    s += "<br>" + HtmlEscape(b.plan) + "</td>" + Td(std::to_string(b.level), "text");
    s += "<td class=\"text\">" + HtmlEscape(ClockKindName(b.kind)) + "<br>" +
         HtmlTime(b.clock_start) + "</td>";
    s += "<td class=\"text\">" + HtmlTime(b.due) + "<br>" + HtmlTime(b.breached_at) + "</td>";
    s +=
        "<td class=\"text\">" + (b.first_response ? HtmlTime(*b.first_response) : "none") + "</td>";
    s += "<td class=\"text wrap\"><span class=\"code\">" + HtmlEscape(BreachCodeName(b.reason)) +
         "</span><br>" + HtmlEscape(b.detail) + "</td>";
    s += "<td class=\"text\">" + PagesList(b.pages, b.clock_start) + "</td></tr>";
  }
  return s +
         "</tbody></table><p class=\"note\">Pages sent by the end of the window: "
         "<span style=\"color:#27ae60\">&#10003;</span> delivered, "
         "<span style=\"color:#c0392b\">&#10007;</span> logged delivery_failed; the target "
         "each came through in its tooltip.</p></section>";
}

// Business, off-hours and sleep pages as one stacked bar, 120 px for the busiest engineer.
std::string LoadBar(const EngineerLoad& l, int64_t busiest) {
  constexpr double kWidth = 120;
  const double scale = busiest > 0 ? kWidth / static_cast<double>(busiest) : 0;
  std::string s = "<svg class=\"bar\" width=\"" + SvgNumber(kWidth) +
                  "\" height=\"12\" viewBox=\"0 0 120 12\" xmlns=\"http://www.w3.org/2000/svg\">";
  double x = 0;
  const std::pair<int64_t, const char*> parts[] = {
      {l.business, "#2980b9"}, {l.off_hours, "#e67e22"}, {l.sleep, "#8e44ad"}};
  for (const auto& [n, colour] : parts) {
    const double w = static_cast<double>(n) * scale;
    if (w > 0) {
      s += "<rect x=\"" + SvgNumber(x) + "\" y=\"0\" width=\"" + SvgNumber(w) +
           "\" height=\"12\" fill=\"" + colour + "\"/>";
    }
    x += w;
  }
  return s + "</svg>";
}

}  // namespace

std::string HtmlEngineerSection(const Report& r) {
  std::string s = "<section id=\"engineers\"><h2>Engineer load (" +
                  std::to_string(r.engineers.size()) + ")</h2>";
  if (r.engineers.empty()) return s + "<p class=\"note\">Nobody was paged.</p></section>";
  int64_t busiest = 0;
  for (const EngineerRow& e : r.engineers) busiest = std::max(busiest, e.load.pages);
  s += "<table><thead><tr>" + Th("engineer");
  for (const char* h : {"pages", "acks", "median ack", "business", "off-hours", "sleep"})
    s += Th(h);
  s += Th("interruptions", "text") + Th("schedules", "text") + "</tr></thead><tbody>";
  for (const EngineerRow& e : r.engineers) {
    std::string schedules;
    for (const auto& [name, n] : e.load.by_schedule) {
      schedules += (schedules.empty() ? "" : ", ") + name + " " + std::to_string(n);
    }
    s += "<tr><td>" + HtmlEscape(e.engineer);
    if (!e.name.empty()) s += " <small>" + HtmlEscape(e.name) + "</small>";
    s += "</td>" + Num(e.load.pages) + Num(e.load.acks) +
         Td(FormatSpan(e.load.to_ack.Percentile(50))) + Num(e.load.business) +
         Num(e.load.off_hours) + Num(e.load.sleep);
    s += "<td class=\"text\">" + LoadBar(e.load, busiest) + "</td>" + Td(schedules, "text") +
         "</tr>";
  }
  s += "</tbody></table><p class=\"note\">Interruptions in each engineer's own zone: "
       "<span style=\"color:#2980b9\">&#9632;</span> business 08:00-18:00 Mon-Fri, "
       "<span style=\"color:#e67e22\">&#9632;</span> off-hours, "
       "<span style=\"color:#8e44ad\">&#9632;</span> sleep 22:00-08:00.</p>";
  return s + "</section>";
}

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

std::string HtmlDocument(std::string_view title, std::string_view body) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"generator\" content=\"escalator\">\n<title>";
  out += HtmlEscape(title);
  out += "</title>\n<style>";
  out += kStyle;
  out += "</style>\n</head>\n<body>\n";
  out += body;
  out += "\n</body>\n</html>\n";
  return out;
}

std::string HtmlTime(base::Timestamp t) {
  const std::string iso = base::FormatInstant(t);  // 2026-11-10T16:00:00Z or ...00.250Z
  std::string shown = iso.substr(0, 10) + " " + iso.substr(11, 5);
  const std::string rest = iso.substr(16, iso.size() - 17);  // ":00", ":30.250"
  if (rest != ":00") shown += rest;
  return "<time datetime=\"" + HtmlEscape(iso) + "\">" + HtmlEscape(shown) + "Z</time>";
}

std::string RenderHtml(const Report& r, const Charts& c, const HtmlOptions& options) {
  const std::string window = base::FormatInstant(r.from) + " .. " + base::FormatInstant(r.to);
  std::string body = "<header><h1>SLA compliance</h1><p class=\"window\">Response clocks started " +
                     HtmlEscape(window) + ", judged as of the end. Goal " +
                     FormatPercent(options.goal) + ".</p></header>";
  const auto& t = r.total;
  const auto compliance = t.Compliance();
  body += "<section class=\"kpis\">";
  body += Kpi("compliance", FormatPercent(compliance),
              compliance ? (*compliance < options.goal ? "bad" : "good") : "", "kpi-compliance");
  body += Kpi("clocks", std::to_string(t.clocks), "", "kpi-clocks");
  body += Kpi("met", std::to_string(t.met), "", "kpi-met");
  body += Kpi("breached", std::to_string(t.breached), t.breached > 0 ? "bad" : "", "kpi-breached");
  body += Kpi("open", std::to_string(t.open), "", "kpi-open");
  body += Kpi("first response p90", FormatSpan(t.first_response.Percentile(90)), "", "kpi-p90");
  body += Kpi("pages", std::to_string(t.pages), "", "kpi-pages");
  body += "</section>";
  body += HtmlSummarySection(r, options.goal);
  body += ComplianceSection(c, options.goal);
  body += DistributionSection(c);
  body += BreachSection(r);
  body += HtmlEngineerSection(r);
  body +=
      "<footer>Written by escalator report from the event log: the figures of --format json. "
      "Self-contained: nothing on this page is fetched.</footer>";
  return HtmlDocument("SLA compliance " + window, body);
}

}  // namespace report
