#include "report/retro.h"

#include <algorithm>
#include <tuple>

#include "base/check.h"
#include "report/format.h"
#include "schedules/schedules.h"

namespace report {

void RetroFold::Add(uint64_t seq, const router::Event& event) {
  fold_.Add(seq, event);
  if (const auto* w = std::get_if<router::SlaWarning>(&event)) warnings_.push_back(*w);
}

namespace {

std::string Instant(Timestamp t) { return base::FormatInstant(t); }

std::string DueText(const std::optional<Timestamp>& due) {
  return due ? Instant(*due) : std::string("none");
}

// The spans of [from, to) on `cal`, merged where the state does not change; at most kMaxSpans.
void CalendarSpans(const config::Calendar& cal, Timestamp from, Timestamp to, RetroClock& out) {
  for (Timestamp t = from; t < to;) {
    if (out.spans.size() == kMaxSpans) {
      out.spans_truncated = true;
      return;
    }
    const bool open = schedules::IsOpen(cal, t);
    const auto next = schedules::NextChange(cal, t);
    const Timestamp end = next ? std::min(*next, to) : to;
    out.spans.push_back({t, end, open});
    t = end;
  }
}

}  // namespace

std::string EntryText(const TimelineEntry& e, const ClockSummary& clock) {
  switch (e.kind) {
    case EntryKind::kStarted:
      switch (clock.kind) {
        case ClockKind::kOpened:
          return "clock started: case opened";
        case ClockKind::kReopened:
          return "clock started: case reopened";
        case ClockKind::kFollowUp:
          return "clock started: customer follow-up (next response)";
      }
      return "clock started";
    case EntryKind::kRouted: {
      const Routing& r = *e.routing;
      if (!r.due) return "not routed: no target, no due (level " + std::to_string(r.level) + ")";
      std::string out = "routed: level " + std::to_string(r.level) + ", plan " + clock.plan +
                        ", target " + TargetLabel(r.target_s, r.target_business) + " on " +
                        r.calendar + ", due " + Instant(*r.due);
      if (clock.fallback)
        out += "; the fallback schedule (unknown account or service out of scope)";
      if (clock.deferred) out += "; opened outside coverage (deferred)";
      return out;
    }
    case EntryKind::kRetargeted: {
      const Routing& r = *e.routing;
      return "severity " + r.from_severity + " -> " + r.severity + ": level " +
             std::to_string(r.level) + ", due " + DueText(r.due);
    }
    case EntryKind::kEscalated: {
      const StepFact& s = *e.step;
      std::string out = s.step < 0 ? std::string("escalated: the fallback page (outside coverage)")
                                   : "escalated: cycle " + std::to_string(s.cycle) + " step " +
                                         std::to_string(s.step);
      if (!s.nobody.empty()) {
        out += "; reached nobody through ";
        for (size_t i = 0; i < s.nobody.size(); ++i) out += (i ? ", " : "") + s.nobody[i];
      }
      return out;
    }
    case EntryKind::kPaged:
      return "paged " + e.page->engineer + " through " + e.page->target;
    case EntryKind::kDelivered:
      return "page to " + e.page->engineer + " delivered";
    case EntryKind::kUndelivered:
      return "page to " + e.page->engineer + " not delivered (delivery_failed)";
    case EntryKind::kSuperseded:
      return "page to " + e.page->engineer + " dropped: answered or resolved before it left";
    case EntryKind::kAcknowledged:
      return "acknowledged by " + e.who;
    case EntryKind::kWarning:
      return "SLA warning: due " + DueText(e.due);
    case EntryKind::kDuePassed:
      return "due " + DueText(e.due) + " passed with no response";
    case EntryKind::kBreached:
      return "BREACHED: due " + DueText(e.due);
    case EntryKind::kResponded:
      return clock.response_how == router::ResponseKind::kAck
                 ? "responded: acknowledged by " + e.who
                 : "responded: AWS communication " + e.who;
    case EntryKind::kResolved:
      return "resolved";
  }
  return "";
}

RetroBuilder::RetroBuilder(const RetroOptions& options)
    : options_(options),
      report_(ReportOptions{options.from, options.to, GroupBy::kLevel, options.config}) {
  CHECK(options.from <= options.to);
}

RetroClock RetroBuilder::JudgeClock(const RetroFold& fold, size_t index) const {
  const auto& clocks = fold.summary().clocks;
  const ClockSummary& c = clocks[index];
  const Timestamp to = options_.to;
  RetroClock out;
  out.clock = &c;
  out.outcome = Evaluate(c, to, options_.config);
  if (out.outcome.outcome == Outcome::kBreached) {
    out.breach = ExplainBreach(c, out.outcome, to);
    out.breach_detail = BreachDetail(*out.breach);
  }
  out.end = to;
  for (const auto& stop : {c.response_at, c.resolved_at}) {
    if (stop && *stop <= to && (!out.stopped || *stop < out.end)) {
      out.end = *stop;
      out.stopped = true;
    }
  }

  // In this order, so that entries at one instant read as they happened (a step, then its
  // pages; a response, then the pages it made moot); then stably sorted by time.
  auto& tl = out.timeline;
  tl.push_back({c.start, EntryKind::kStarted});
  for (size_t i = 0; i < c.routing.size(); ++i) {
    if (c.routing[i].at > to) continue;
    TimelineEntry e{c.routing[i].at, i == 0 ? EntryKind::kRouted : EntryKind::kRetargeted};
    e.routing = &c.routing[i];
    tl.push_back(e);
  }
  // Each step with the pages it sent (same step, cycle and instant), then any other page (a
  // handoff, a clock resuming).
  std::vector<bool> listed(c.pages.size(), false);
  auto add_page = [&](size_t i) {
    const PageFact& p = c.pages[i];
    listed[i] = true;
    if (p.at > to) return;
    TimelineEntry e{p.at, EntryKind::kPaged, p.engineer};
    e.page = &p;
    tl.push_back(e);
  };
  for (const StepFact& s : c.steps) {
    if (s.at > to) continue;
    TimelineEntry e{s.at, EntryKind::kEscalated};
    e.step = &s;
    tl.push_back(e);
    for (size_t i = 0; i < c.pages.size(); ++i) {
      const PageFact& p = c.pages[i];
      if (!listed[i] && p.at == s.at && p.step == s.step && p.cycle == s.cycle) add_page(i);
    }
  }
  for (size_t i = 0; i < c.pages.size(); ++i) {
    if (!listed[i]) add_page(i);
  }
  const Timestamp next_start = index + 1 < clocks.size() ? clocks[index + 1].start : to;
  for (const router::SlaWarning& w : fold.warnings()) {
    if (w.at < c.start || w.at >= next_start || w.at > to) continue;
    TimelineEntry e{w.at, EntryKind::kWarning};
    e.due = w.due;
    tl.push_back(e);
  }
  if (c.breached_at && *c.breached_at <= to) {
    TimelineEntry e{*c.breached_at, EntryKind::kBreached};
    e.due = c.breach_due;
    tl.push_back(e);
  } else if (out.outcome.outcome == Outcome::kBreached) {
    TimelineEntry e{*out.outcome.breached_at, EntryKind::kDuePassed};
    e.due = out.outcome.breached_at;
    tl.push_back(e);
  }
  for (const AckFact& a : c.acks) {
    if (a.at <= to) tl.push_back({a.at, EntryKind::kAcknowledged, a.engineer});
  }
  if (c.response_at && *c.response_at <= to) {
    tl.push_back({*c.response_at, EntryKind::kResponded, c.responder});
  }
  for (const PageFact& p : c.pages) {
    auto add = [&](const std::optional<Timestamp>& at, EntryKind kind) {
      if (!at || *at > to) return;
      TimelineEntry e{*at, kind, p.engineer};
      e.page = &p;
      tl.push_back(e);
    };
    add(p.delivered_at, EntryKind::kDelivered);
    add(p.failed_at, EntryKind::kUndelivered);
    add(p.superseded_at, EntryKind::kSuperseded);
  }
  if (c.resolved_at && *c.resolved_at <= to) tl.push_back({*c.resolved_at, EntryKind::kResolved});
  std::stable_sort(tl.begin(), tl.end(),
                   [](const TimelineEntry& a, const TimelineEntry& b) { return a.at < b.at; });

  const Routing& judged = *out.outcome.routing;
  const config::Calendar* cal =
      options_.config != nullptr ? options_.config->FindCalendar(judged.calendar) : nullptr;
  out.calendar_known = cal != nullptr;
  if (c.start < out.end) {
    if (cal != nullptr) {
      CalendarSpans(*cal, c.start, out.end, out);
    } else {
      out.spans.push_back({c.start, out.end, true});
    }
  }
  for (const ClockSpan& s : out.spans) (s.running ? out.running : out.paused) += s.to - s.from;

  const bool responded = c.response_at && *c.response_at <= to;
  if (out.outcome.outcome == Outcome::kMet && responded && judged.due) {
    out.margin = cal != nullptr ? schedules::Elapsed(*cal, *c.response_at, *judged.due)
                                : *judged.due - *c.response_at;
  }
  return out;
}

void RetroBuilder::AddCase(const RetroFold& fold) {
  const CaseSummary& s = fold.summary();
  if (!options_.account.empty() && s.account != options_.account) return;
  RetroCase rc;
  rc.summary = &s;
  for (size_t i = 0; i < s.clocks.size(); ++i) {
    const Timestamp start = s.clocks[i].start;
    if (start >= options_.from && start < options_.to) rc.clocks.push_back(JudgeClock(fold, i));
  }
  if (rc.clocks.empty()) return;
  if (options_.config != nullptr) {
    if (const config::Customer* cu = options_.config->FindCustomer(s.account)) {
      rc.customer = cu->name;
    }
  }
  report_.AddCase(s);
  cases_.push_back(std::move(rc));
}

Retro RetroBuilder::Finish() {
  Retro r;
  r.from = options_.from;
  r.to = options_.to;
  r.account = options_.account;
  r.summary = report_.Finish();
  r.cases = std::move(cases_);
  std::sort(r.cases.begin(), r.cases.end(), [](const RetroCase& a, const RetroCase& b) {
    return std::tie(a.clocks.front().clock->start, a.summary->case_id) <
           std::tie(b.clocks.front().clock->start, b.summary->case_id);
  });
  for (size_t i = 0; i < r.cases.size(); ++i) {
    for (size_t j = 0; j < r.cases[i].clocks.size(); ++j) {
      if (r.cases[i].clocks[j].margin) r.closest.push_back({i, j});
    }
  }
  auto key = [&r](const Closest& x) {
    const RetroCase& c = r.cases[x.c];
    const RetroClock& k = c.clocks[x.clock];
    return std::tuple(*k.margin, k.clock->start, c.summary->case_id);
  };
  std::sort(r.closest.begin(), r.closest.end(),
            [&key](const Closest& a, const Closest& b) { return key(a) < key(b); });
  if (r.closest.size() > kClosest) r.closest.resize(kClosest);
  cases_.clear();
  return r;
}

}  // namespace report
