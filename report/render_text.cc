#include <algorithm>
#include <cstdio>
#include <vector>

#include "report/render.h"

namespace report {

namespace {

// "45s", "12m 30s", "3h 05m", "2d 04h": a span people read at a glance.
std::string Span(const std::optional<Duration>& d) {
  if (!d) return "-";
  const int64_t ms = d->count();
  const int64_t s = ms / 1000;
  char out[48];
  if (s < 60) {
    if (ms % 1000 == 0) {
      std::snprintf(out, sizeof out, "%llds", static_cast<long long>(s));
    } else {
      std::snprintf(out, sizeof out, "%.1fs", static_cast<double>(ms) / 1000.0);
    }
  } else if (s < 3600) {
    std::snprintf(out, sizeof out, "%lldm %02llds", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  } else if (s < 48 * 3600) {
    std::snprintf(out, sizeof out, "%lldh %02lldm", static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60));
  } else {
    std::snprintf(out, sizeof out, "%lldd %02lldh", static_cast<long long>(s / 86400),
                  static_cast<long long>(s / 3600 % 24));
  }
  return out;
}

std::string Percent(const std::optional<double>& v) {
  if (!v) return "-";
  char out[16];
  std::snprintf(out, sizeof out, "%.1f%%", *v * 100.0);
  return out;
}

// Columns padded to their widest cell: numbers right-aligned, the first column (and a
// trailing text column, when asked) left-aligned.
class Table {
 public:
  explicit Table(bool last_left = false) : last_left_(last_left) {}
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  std::string Render(const std::string& indent) const {
    std::vector<size_t> width;
    for (const auto& row : rows_) {
      width.resize(std::max(width.size(), row.size()), 0);
      for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
    }
    std::string out;
    for (const auto& row : rows_) {
      std::string line = indent;
      for (size_t i = 0; i < row.size(); ++i) {
        const std::string pad(width[i] - row[i].size(), ' ');
        if (i > 0) line += "  ";
        const bool left = i == 0 || (last_left_ && i + 1 == row.size());
        line += left ? row[i] + pad : pad + row[i];
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
    return out;
  }

 private:
  bool last_left_;
  std::vector<std::vector<std::string>> rows_;
};

std::vector<std::string> FiguresRow(const std::string& key, const GroupFigures& f) {
  const auto& fr = f.first_response;
  return {key,
          std::to_string(f.clocks),
          std::to_string(f.met),
          std::to_string(f.breached),
          std::to_string(f.open),
          std::to_string(f.resolved_unanswered),
          Percent(f.Compliance()),
          Span(fr.Percentile(50)),
          Span(fr.Percentile(90)),
          Span(fr.Percentile(99)),
          Span(fr.Percentile(100)),
          Span(f.to_ack.Percentile(50)),
          Span(f.to_resolve.Percentile(50)),
          f.deepest_step > 0 ? std::to_string(f.deepest_step) : "-",
          std::to_string(f.pages),
          std::to_string(f.delivered),
          std::to_string(f.undelivered)};
}

std::string GroupLabel(const Group& g) { return g.name.empty() ? g.key : g.key + " " + g.name; }

}  // namespace

std::string RenderText(const Report& r) {
  std::string out = "SLA compliance by " + std::string(GroupByName(r.by)) + ": clocks started " +
                    base::FormatInstant(r.from) + " .. " + base::FormatInstant(r.to) +
                    ", judged as of the end\n\n";
  Table groups;
  groups.Add({GroupByName(r.by), "clocks", "met", "breached", "open", "unanswered", "compliance",
              "p50", "p90", "p99", "max", "ack p50", "resolve p50", "step", "pages", "delivered",
              "undelivered"});
  for (const Group& g : r.groups) groups.Add(FiguresRow(GroupLabel(g), g.figures));
  groups.Add(FiguresRow("all", r.total));
  out += groups.Render("");
  out +=
      "(p50 .. max: time to first response on each case's own clock; unanswered: resolved\n"
      " before the due with no response, counted as met)\n";
  if (r.total.wall_clock > 0) {
    out += "note: " + std::to_string(r.total.wall_clock) +
           " first response(s) measured in wall-clock time: their calendar is not in the "
           "configuration (pass --config)\n";
  }

  if (!r.breaches_listed) {
    out += "\nBreaches: " + std::to_string(r.total.breached) + " (list left out: --summary)\n";
  } else {
    out += "\nBreaches: " + std::to_string(r.breaches.size()) + "\n";
  }
  for (const BreachRow& b : r.breaches) {
    std::string who = b.customer.empty() ? b.account : b.customer;
    out += "  " + (b.display_id.empty() ? b.case_id : b.display_id) + "  " + who + " (" + b.plan +
           ")  level " + std::to_string(b.level) + "  " + ClockKindName(b.kind) + " " +
           base::FormatInstant(b.clock_start) + "  due " + base::FormatInstant(b.due) +
           "  first response " +
           (b.first_response ? base::FormatInstant(*b.first_response) : std::string("none")) + "\n";
    out += "    " + std::string(BreachCodeName(b.reason)) + ": " + b.detail + "\n";
  }

  out += "\nEngineer load: " + std::to_string(r.engineers.size()) + " engineer(s)\n";
  if (!r.engineers.empty()) {
    Table load(/*last_left=*/true);
    load.Add(
        {"engineer", "pages", "acks", "median ack", "business", "off-hours", "sleep", "schedules"});
    for (const EngineerRow& e : r.engineers) {
      std::string schedules;
      for (const auto& [s, n] : e.load.by_schedule) {
        schedules += (schedules.empty() ? "" : ", ") + s + " " + std::to_string(n);
      }
      load.Add({e.engineer, std::to_string(e.load.pages), std::to_string(e.load.acks),
                Span(e.load.to_ack.Percentile(50)), std::to_string(e.load.business),
                std::to_string(e.load.off_hours), std::to_string(e.load.sleep), schedules});
    }
    out += load.Render("  ");
    out +=
        "  (interruptions in each engineer's zone: business 08:00-18:00 Mon-Fri, sleep\n"
        "   22:00-08:00, off-hours the rest)\n";
  }
  return out;
}

}  // namespace report
