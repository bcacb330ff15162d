#include <vector>

#include "report/format.h"
#include "report/render.h"

namespace report {

namespace {

std::vector<std::string> FiguresRow(const std::string& key, const GroupFigures& f) {
  const auto& fr = f.first_response;
  return {key,
          std::to_string(f.clocks),
          std::to_string(f.met),
          std::to_string(f.breached),
          std::to_string(f.open),
          std::to_string(f.resolved_unanswered),
          FormatPercent(f.Compliance()),
          FormatSpan(fr.Percentile(50)),
          FormatSpan(fr.Percentile(90)),
          FormatSpan(fr.Percentile(99)),
          FormatSpan(fr.Percentile(100)),
          FormatSpan(f.to_ack.Percentile(50)),
          FormatSpan(f.to_resolve.Percentile(50)),
          f.deepest_step > 0 ? std::to_string(f.deepest_step) : "-",
          std::to_string(f.pages),
          std::to_string(f.delivered),
          std::to_string(f.undelivered)};
}

std::string GroupLabel(const Group& g) { return g.name.empty() ? g.key : g.key + " " + g.name; }

}  // namespace

std::string RenderGroupsText(const Report& r) {
  TextTable groups;
  groups.Add({GroupByName(r.by), "clocks", "met", "breached", "open", "unanswered", "compliance",
              "p50", "p90", "p99", "max", "ack p50", "resolve p50", "step", "pages", "delivered",
              "undelivered"});
  for (const Group& g : r.groups) groups.Add(FiguresRow(GroupLabel(g), g.figures));
  groups.Add(FiguresRow("all", r.total));
  std::string out = groups.Render("");
  out +=
      "(p50 .. max: time to first response on each case's own clock; unanswered: resolved\n"
      " before the due with no response, counted as met)\n";
  if (r.total.wall_clock > 0) {
    out += "note: " + std::to_string(r.total.wall_clock) +
           " first response(s) measured in wall-clock time: their calendar is not in the "
           "configuration (pass --config)\n";
  }
  return out;
}

std::string RenderBreachesText(const Report& r) {
  if (!r.breaches_listed) {
    return "Breaches: " + std::to_string(r.total.breached) + " (list left out: --summary)\n";
  }
  std::string out = "Breaches: " + std::to_string(r.breaches.size()) + "\n";
  for (const BreachRow& b : r.breaches) {
    std::string who = b.customer.empty() ? b.account : b.customer;
    out += "  " + (b.display_id.empty() ? b.case_id : b.display_id) + "  " + who + " (" + b.plan +
           ")  level " + std::to_string(b.level) + "  " + ClockKindName(b.kind) + " " +
           base::FormatInstant(b.clock_start) + "  due " + base::FormatInstant(b.due) +
           "  first response " +
           (b.first_response ? base::FormatInstant(*b.first_response) : std::string("none")) + "\n";
    out += "    " + std::string(BreachCodeName(b.reason)) + ": " + b.detail + "\n";
  }
  return out;
}

std::string RenderEngineersText(const Report& r) {
  std::string out = "Engineer load: " + std::to_string(r.engineers.size()) + " engineer(s)\n";
  if (r.engineers.empty()) return out;
  TextTable load(/*last_left=*/true);
  load.Add(
      {"engineer", "pages", "acks", "median ack", "business", "off-hours", "sleep", "schedules"});
  for (const EngineerRow& e : r.engineers) {
    std::string schedules;
    for (const auto& [s, n] : e.load.by_schedule) {
      schedules += (schedules.empty() ? "" : ", ") + s + " " + std::to_string(n);
    }
    load.Add({e.engineer, std::to_string(e.load.pages), std::to_string(e.load.acks),
              FormatSpan(e.load.to_ack.Percentile(50)), std::to_string(e.load.business),
              std::to_string(e.load.off_hours), std::to_string(e.load.sleep), schedules});
  }
  out += load.Render("  ");
  out +=
      "  (interruptions in each engineer's zone: business 08:00-18:00 Mon-Fri, sleep\n"
      "   22:00-08:00, off-hours the rest)\n";
  return out;
}

std::string RenderText(const Report& r) {
  return "SLA compliance by " + std::string(GroupByName(r.by)) + ": clocks started " +
         base::FormatInstant(r.from) + " .. " + base::FormatInstant(r.to) +
         ", judged as of the end\n\n" + RenderGroupsText(r) + "\n" + RenderBreachesText(r) + "\n" +
         RenderEngineersText(r);
}

}  // namespace report
