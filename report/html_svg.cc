#include "report/html_svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <vector>

#include "report/format.h"
#include "report/html.h"

namespace report {

namespace {

constexpr int64_t kDayMs = 24 * 3600 * 1000;

// Bars read better than lines while there are few of them.
constexpr int kMaxBarBuckets = 31;

std::string Pct(double fraction) {
  char out[16];
  std::snprintf(out, sizeof out, "%.0f%%", fraction * 100.0);
  return out;
}

// "11-10" for a bucket of one day, "11-10..11-16" for longer ones: the UTC dates it covers.
std::string BucketLabel(const Charts& c, int i, bool with_end) {
  const base::Timestamp start = c.first_day + base::Duration(int64_t{i} * c.bucket_days * kDayMs);
  std::string label = base::FormatInstant(start).substr(5, 5);
  if (with_end && c.bucket_days > 1) {
    const base::Timestamp last = start + base::Duration(int64_t{c.bucket_days - 1} * kDayMs);
    label += ".." + base::FormatInstant(last).substr(5, 5);
  }
  return label;
}

std::string BucketTitle(const Charts& c, int i) {
  const base::Timestamp start = c.first_day + base::Duration(int64_t{i} * c.bucket_days * kDayMs);
  std::string title = base::FormatInstant(start).substr(0, 10);
  if (c.bucket_days > 1) {
    const base::Timestamp last = start + base::Duration(int64_t{c.bucket_days - 1} * kDayMs);
    title += " .. " + base::FormatInstant(last).substr(0, 10);
  }
  return title;
}

std::string Text(double x, double y, const std::string& anchor, const std::string& cls,
                 const std::string& text) {
  return "<text x=\"" + SvgNumber(x) + "\" y=\"" + SvgNumber(y) + "\" text-anchor=\"" + anchor +
         "\" class=\"" + cls + "\">" + HtmlEscape(text) + "</text>";
}

std::string Line(double x1, double y1, double x2, double y2, const std::string& cls) {
  return "<line x1=\"" + SvgNumber(x1) + "\" y1=\"" + SvgNumber(y1) + "\" x2=\"" + SvgNumber(x2) +
         "\" y2=\"" + SvgNumber(y2) + "\" class=\"" + cls + "\"/>";
}

std::string Rect(double x, double y, double w, double h, const std::string& fill,
                 const std::string& title) {
  return "<rect x=\"" + SvgNumber(x) + "\" y=\"" + SvgNumber(y) + "\" width=\"" +
         SvgNumber(std::max(0.0, w)) + "\" height=\"" + SvgNumber(std::max(0.0, h)) + "\" fill=\"" +
         fill + "\"><title>" + HtmlEscape(title) + "</title></rect>";
}

std::string PointTitle(int level, const std::string& when, const GroupFigures& f) {
  return "level " + std::to_string(level) + ", " + when + ": " + FormatPercent(f.Compliance()) +
         " (" + std::to_string(f.met) + " met, " + std::to_string(f.breached) + " breached, " +
         std::to_string(f.open) + " open)";
}

}  // namespace

std::string SvgNumber(double v) {
  if (!std::isfinite(v)) v = 0;
  char out[32];
  std::snprintf(out, sizeof out, "%.1f", v);
  return out;
}

const char* LevelColour(int level) {
  switch (level) {
    case 1:
      return "#c0392b";
    case 2:
      return "#e67e22";
    case 3:
      return "#2980b9";
    case 4:
      return "#16a085";
    default:
      return "#7f8c8d";
  }
}

std::string ComplianceSvg(const Charts& c, double goal) {
  constexpr double kW = 960, kH = 300, kLeft = 52, kRight = 16, kTop = 14, kBottom = 64;
  const double plot_w = kW - kLeft - kRight, plot_h = kH - kTop - kBottom;
  const int n = std::max(1, c.buckets);

  // The lowest figure sets the floor (in tens of percent) so that 90% and 99% look apart.
  double lowest = goal;
  for (const auto& [level, days] : c.daily) {
    for (const GroupFigures& f : days) {
      if (auto v = f.Compliance()) lowest = std::min(lowest, *v);
    }
  }
  const double floor = std::max(0.0, std::floor((lowest - 0.05) * 10.0) / 10.0);
  auto y_of = [&](double v) { return kTop + plot_h * (1.0 - (v - floor) / (1.0 - floor)); };
  const double slot = plot_w / n;

  std::string svg = "<svg class=\"chart\" viewBox=\"0 0 " + SvgNumber(kW) + " " + SvgNumber(kH) +
                    "\" role=\"img\" aria-label=\"compliance by level per day\" "
                    "xmlns=\"http://www.w3.org/2000/svg\">";
  for (int t = static_cast<int>(std::lround(floor * 10)); t <= 10; ++t) {
    const double v = t / 10.0, y = y_of(v);
    svg += Line(kLeft, y, kLeft + plot_w, y, "grid");
    svg += Text(kLeft - 6, y + 4, "end", "tick", Pct(v));
  }
  const int label_every = (n + 11) / 12;
  for (int i = 0; i < n; i += label_every) {
    svg += Text(kLeft + slot * (i + 0.5), kTop + plot_h + 18, "middle", "tick",
                BucketLabel(c, i, label_every == 1 && n <= 8));
  }

  const bool bars = n <= kMaxBarBuckets;
  const double group_w = slot * 0.8;
  const double bar_w = c.daily.empty() ? 0 : group_w / static_cast<double>(c.daily.size());
  int series = 0;
  for (const auto& [level, days] : c.daily) {
    const std::string colour = LevelColour(level);
    std::string points;  // the current run of a line: broken where a bucket has no figure
    auto flush = [&] {
      if (points.find(' ') != std::string::npos) {
        svg += "<polyline class=\"series\" stroke=\"" + colour + "\" points=\"" + points + "\"/>";
      }
      points.clear();
    };
    for (int i = 0; i < static_cast<int>(days.size()); ++i) {
      const auto v = days[static_cast<size_t>(i)].Compliance();
      if (!v) {
        flush();
        continue;
      }
      const std::string title = PointTitle(level, BucketTitle(c, i), days[static_cast<size_t>(i)]);
      if (bars) {
        const double x = kLeft + slot * i + (slot - group_w) / 2 + bar_w * series;
        // At least a sliver, so that 0% shows as a bar and not as nothing.
        const double y = std::min(y_of(*v), kTop + plot_h - 2);
        svg += Rect(x + 1, y, bar_w - 2, kTop + plot_h - y, colour, title);
        if (bar_w >= 26) svg += Text(x + bar_w / 2, y - 4, "middle", "value", Pct(*v));
      } else {
        const double x = kLeft + slot * (i + 0.5), y = y_of(*v);
        points += (points.empty() ? "" : " ") + SvgNumber(x) + "," + SvgNumber(y);
        svg += "<circle cx=\"" + SvgNumber(x) + "\" cy=\"" + SvgNumber(y) + "\" r=\"3\" fill=\"" +
               colour + "\"><title>" + HtmlEscape(title) + "</title></circle>";
      }
    }
    flush();
    ++series;
  }
  svg += Line(kLeft, kTop + plot_h, kLeft + plot_w, kTop + plot_h, "axis");
  const double goal_y = y_of(goal);
  svg += Line(kLeft, goal_y, kLeft + plot_w, goal_y, "goal");
  svg += Text(kLeft + plot_w - 2, goal_y - 5, "end", "goal-label", "goal " + FormatPercent(goal));

  // The legend, under the axis labels.
  double x = kLeft;
  for (const auto& [level, days] : c.daily) {
    svg += "<rect x=\"" + SvgNumber(x) + "\" y=\"" + SvgNumber(kH - 22) +
           "\" width=\"12\" height=\"12\" fill=\"" + LevelColour(level) + "\"/>";
    svg += Text(x + 17, kH - 12, "start", "legend", "level " + std::to_string(level));
    x += 90;
  }
  if (c.daily.empty()) {
    svg +=
        Text(kLeft + plot_w / 2, kTop + plot_h / 2, "middle", "empty", "no clocks in the window");
  }
  return svg + "</svg>";
}

std::string DistributionSvg(const LevelDistribution& d) {
  constexpr double kW = 460, kH = 220, kLeft = 40, kRight = 12, kTop = 22, kBottom = 36;
  const double plot_w = kW - kLeft - kRight, plot_h = kH - kTop - kBottom;
  const double slot = plot_w / kHistogramBins;
  const int64_t highest = std::max<int64_t>(1, *std::max_element(d.bins.begin(), d.bins.end()));
  auto y_of = [&](double count) { return kTop + plot_h * (1.0 - count / highest); };

  std::string svg = "<svg class=\"chart histogram\" viewBox=\"0 0 " + SvgNumber(kW) + " " +
                    SvgNumber(kH) + "\" role=\"img\" aria-label=\"level " +
                    std::to_string(d.level) +
                    " first responses\" xmlns=\"http://www.w3.org/2000/svg\">";
  svg += Line(kLeft, y_of(highest), kLeft + plot_w, y_of(highest), "grid");
  svg += Text(kLeft - 6, y_of(highest) + 4, "end", "tick", std::to_string(highest));
  svg += Text(kLeft - 6, y_of(0) + 4, "end", "tick", "0");

  const int64_t target_ms = d.target_s * 1000;
  auto span_at = [&](int bin) {  // the upper bound of bins before `bin`, as a span
    return FormatSpan(base::Duration(target_ms * bin / kBinsToTarget));
  };
  for (int i = 0; i < kHistogramBins; ++i) {
    const int64_t count = d.bins[static_cast<size_t>(i)];
    const bool late = i >= kBinsToTarget;
    const std::string range = i + 1 < kHistogramBins ? span_at(i) + " .. " + span_at(i + 1)
                                                     : "over " + span_at(kHistogramBins - 1);
    const double x = kLeft + slot * i;
    const double y = y_of(static_cast<double>(count));
    svg += Rect(x + 2, y, slot - 4, kTop + plot_h - y, late ? "#c0392b" : "#27ae60",
                range + ": " + std::to_string(count) + " first response(s)");
    if (count > 0) svg += Text(x + slot / 2, y - 4, "middle", "value", std::to_string(count));
  }
  svg += Line(kLeft, kTop + plot_h, kLeft + plot_w, kTop + plot_h, "axis");
  svg += Text(kLeft, kTop + plot_h + 16, "middle", "tick", "0");
  svg += Text(kLeft + slot * (kHistogramBins - 0.5), kTop + plot_h + 16, "middle", "tick",
              "> " + TargetLabel(2 * d.target_s, d.target_business));
  const double target_x = kLeft + slot * kBinsToTarget;
  svg += Line(target_x, kTop - 8, target_x, kTop + plot_h, "target");
  svg += Text(target_x, kTop + plot_h + 16, "middle", "target-label",
              "target " + TargetLabel(d.target_s, d.target_business));
  return svg + "</svg>";
}

}  // namespace report

namespace report {

namespace {

// What a mark on the timeline is drawn as: a colour, and a row (pages and their receipts
// above, the clock's own events below) so that marks at one instant do not hide each other.
struct Mark {
  const char* colour;
  int row;
};

Mark MarkOf(EntryKind kind) {
  switch (kind) {
    case EntryKind::kStarted:
    case EntryKind::kRouted:
    case EntryKind::kRetargeted:
      return {"#1d2733", 2};
    case EntryKind::kEscalated:
      return {"#8e44ad", 2};
    case EntryKind::kPaged:
      return {"#2980b9", 0};
    case EntryKind::kDelivered:
      return {"#27ae60", 0};
    case EntryKind::kUndelivered:
    case EntryKind::kSuperseded:
      return {"#7f8c8d", 0};
    case EntryKind::kAcknowledged:
    case EntryKind::kResponded:
    case EntryKind::kResolved:
      return {"#27ae60", 2};
    case EntryKind::kWarning:
      return {"#e67e22", 2};
    case EntryKind::kDuePassed:
    case EntryKind::kBreached:
      return {"#c0392b", 2};
  }
  return {"#7f8c8d", 2};
}

}  // namespace

std::string TimelineSvg(const RetroClock& k) {
  constexpr double kW = 960, kH = 86, kLeft = 8, kRight = 8, kSpanY = 34, kSpanH = 14;
  const double plot_w = kW - kLeft - kRight;
  const ClockSummary& c = *k.clock;
  const auto& due = k.outcome.routing->due;
  // The strip spans what happened (and the due); a clock that runs on long after (breached and
  // never answered, open at the window's end) gets a tenth more, then is cut with its end named.
  Timestamp last = c.start;
  for (const TimelineEntry& e : k.timeline) last = std::max(last, e.at);
  if (due) last = std::max(last, *due);
  if (k.end > last)
    last = std::min(k.end, last + std::max(base::Duration(60'000), (last - c.start) / 10));
  const double range = std::max<double>(1.0, static_cast<double>((last - c.start).count()));
  auto x_of = [&](Timestamp t) {
    return kLeft + plot_w * static_cast<double>((t - c.start).count()) / range;
  };

  std::string svg = "<svg class=\"chart timeline\" viewBox=\"0 0 " + SvgNumber(kW) + " " +
                    SvgNumber(kH) +
                    "\" role=\"img\" aria-label=\"the clock's timeline\" "
                    "xmlns=\"http://www.w3.org/2000/svg\">";
  svg += Line(kLeft, kSpanY + kSpanH / 2, kLeft + plot_w, kSpanY + kSpanH / 2, "axis");
  for (const ClockSpan& s : k.spans) {
    const std::string what = std::string(s.running ? "running " : "paused ") +
                             base::FormatInstant(s.from) + " .. " + base::FormatInstant(s.to) +
                             " (" + FormatSpan(s.to - s.from) + ")";
    if (s.from >= last) break;
    svg += Rect(x_of(s.from), kSpanY, x_of(std::min(s.to, last)) - x_of(s.from), kSpanH,
                s.running ? "#27ae60" : "#d5dbe1", what);
  }
  for (const TimelineEntry& e : k.timeline) {
    const Mark m = MarkOf(e.kind);
    const double y = m.row == 0 ? kSpanY - 10 : kSpanY + kSpanH + 10;
    svg += "<circle cx=\"" + SvgNumber(x_of(e.at)) + "\" cy=\"" + SvgNumber(y) +
           "\" r=\"4\" fill=\"" + m.colour + "\"><title>" +
           HtmlEscape(base::FormatInstant(e.at) + "  " + EntryText(e, c)) + "</title></circle>";
  }
  if (due) {
    const double x = x_of(*due);
    svg += Line(x, 14, x, kSpanY + kSpanH + 18, "target");
    svg += Text(x, 10, "middle", "target-label", "due");
  }
  svg += Text(kLeft, kH - 6, "start", "tick", base::FormatInstant(c.start));
  svg +=
      Text(kLeft + plot_w, kH - 6, "end", "tick",
           k.end > last ? (k.stopped ? "stopped " : "running on to ") + base::FormatInstant(k.end)
                        : base::FormatInstant(last));
  return svg + "</svg>";
}

}  // namespace report
