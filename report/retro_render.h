// The retrospective (report/retro.h) for people: as text for a terminal or a ticket, and as
// one self-contained HTML page (report/html.h's stylesheet; each clock's running and paused
// spans drawn as an inline SVG strip with its events and due marked).
//
// Pure: builds strings. Thread-safe (reads only its arguments).
#pragma once

#include <string>

#include "report/html.h"
#include "report/retro.h"

namespace report {

// The summary table, every case's clocks with their outcome, spans and timeline, the clocks
// closest to breaching and the engineers who worked them. Ends with a newline.
std::string RenderRetroText(const Retro& retro);

// The same as a page, ending with a newline.
std::string RenderRetroHtml(const Retro& retro, const HtmlOptions& options);

// "MET", "MET (resolved unanswered)", "BREACHED", "OPEN", "UNROUTED".
std::string OutcomeLabel(const RetroClock& clock);

}  // namespace report
