// The inline SVG charts of the html pages (report/html.h): each is a standalone <svg>
// element with a viewBox (it scales to its container, on screen and on paper), a <title>
// per mark for a tooltip, and text escaped. Internal to report/.
//
// Pure: builds strings. Thread-safe.
#pragma once

#include <string>

#include "report/charts.h"
#include "report/retro.h"

namespace report {

// Compliance per level per bucket of days (charts.daily) as grouped bars (few buckets) or
// lines with points (many), with the goal as a dashed horizontal line and a legend.
// A bucket where a level has no met or breached clock draws nothing for it.
std::string ComplianceSvg(const Charts& charts, double goal);

// One level's first-response histogram: bins of a fifth of the target up to twice the
// target and one bin beyond, the target as a dashed vertical line. REQUIRES: d.target_s > 0.
std::string DistributionSvg(const LevelDistribution& d);

// One clock's life as a strip: its running and paused spans from its start to its end, its
// due as a dashed line, and each timeline entry as a mark with the entry in a tooltip.
std::string TimelineSvg(const RetroClock& clock);

// The colour a level is drawn in ("#c0392b" for level 1, ...), the same on every chart.
const char* LevelColour(int level);

// A number for an SVG attribute: fixed, one decimal, never NaN or infinite (0 instead).
std::string SvgNumber(double v);

}  // namespace report
