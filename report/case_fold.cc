#include "report/case_fold.h"

#include <algorithm>

namespace report {

const char* ClockKindName(ClockKind kind) {
  switch (kind) {
    case ClockKind::kOpened:
      return "opened";
    case ClockKind::kReopened:
      return "reopened";
    case ClockKind::kFollowUp:
      return "follow_up";
  }
  return "opened";
}

namespace {

ClockKind KindOf(router::ReasonCode code) {
  switch (code) {
    case router::ReasonCode::kReopened:
      return ClockKind::kReopened;
    case router::ReasonCode::kFollowUpOwner:
    case router::ReasonCode::kFollowUpPolicy:
      return ClockKind::kFollowUp;
    default:
      // kOpened, and an old record's sentence (kProse): the first clock of a case
      // is its opening, which is what such records started.
      return ClockKind::kOpened;
  }
}

Routing RoutingOf(const router::Routed& e) {
  Routing r;
  r.at = e.at;
  r.level = e.level;
  if (!e.clock.empty()) r.due = e.due;
  r.calendar = e.clock;
  r.target_s = e.target_s;
  r.target_business = e.target_business;
  r.steps = e.steps;
  if (e.reason.code == router::ReasonCode::kSeverityChanged) {
    r.from_severity = e.reason.from_severity;
    r.severity = e.reason.severity;
  }
  return r;
}

}  // namespace

ClockSummary* CaseFold::current() {
  return summary_.clocks.empty() ? nullptr : &summary_.clocks.back();
}

PageFact* CaseFold::FindPage(uint64_t paged_seq, int* clock) {
  // Receipts come soon after their page: search the newest clocks first.
  for (int i = static_cast<int>(summary_.clocks.size()) - 1; i >= 0; --i) {
    auto& pages = summary_.clocks[i].pages;
    auto it = std::lower_bound(pages.begin(), pages.end(), paged_seq,
                               [](const PageFact& p, uint64_t seq) { return p.seq < seq; });
    if (it != pages.end() && it->seq == paged_seq) {
      *clock = i;
      return &*it;
    }
    if (!pages.empty() && pages.front().seq < paged_seq) return nullptr;
  }
  return nullptr;
}

struct CaseFold::Visitor {
  CaseFold& f;
  uint64_t seq;
  int changed = -1;  // the index of the clock changed

  // The current clock, noted as changed; null before the first clock.
  ClockSummary* Current() {
    ClockSummary* c = f.current();
    if (c != nullptr) changed = static_cast<int>(f.summary_.clocks.size()) - 1;
    return c;
  }
  PageFact* Page(uint64_t paged_seq) {
    int clock = -1;
    PageFact* p = f.FindPage(paged_seq, &clock);
    if (p != nullptr) changed = clock;
    return p;
  }

  void operator()(const router::CaseOpened& e) {
    CaseSummary& s = f.summary_;
    s.case_id = e.case_id;
    s.display_id = e.display_id;
    s.account = e.account;
    s.service = e.service;
    s.opened = e.at;
  }
  void operator()(const router::Routed& e) {
    if (e.clock_start) {
      ClockSummary c;
      c.kind = KindOf(e.reason.code);
      c.start = *e.clock_start;
      c.plan = e.plan;
      c.fallback = e.fallback;
      c.calendars = e.calendars;
      c.deferred = e.deferred;
      c.routing.push_back(RoutingOf(e));
      f.summary_.clocks.push_back(std::move(c));
      changed = static_cast<int>(f.summary_.clocks.size()) - 1;
      return;
    }
    if (ClockSummary* c = Current()) c->routing.push_back(RoutingOf(e));
  }
  void operator()(const router::Paged& e) {
    ClockSummary* c = Current();
    if (c == nullptr) return;
    PageFact p;
    p.seq = seq;
    p.at = e.at;
    p.engineer = e.engineer;
    p.target = e.target;
    p.step = e.step;
    p.cycle = e.cycle;
    c->pages.push_back(std::move(p));
  }
  void operator()(const router::Escalated& e) {
    ClockSummary* c = Current();
    if (c == nullptr) return;
    StepFact s;
    s.at = e.at;
    s.step = e.step;
    s.cycle = e.cycle;
    if (e.step >= 0) s.position = e.cycle * c->routing.back().steps + e.step + 1;
    s.empty = e.empty;
    for (const auto& t : e.targets) {
      if (!t.engineer) s.nobody.push_back(t.target);
    }
    c->steps.push_back(std::move(s));
  }
  void operator()(const router::Acknowledged& e) {
    if (ClockSummary* c = Current()) c->acks.push_back({e.at, e.engineer});
  }
  void operator()(const router::Responded& e) {
    ClockSummary* c = Current();
    if (c == nullptr || c->response_at) return;
    c->response_at = e.at;
    c->response_how = e.how;
    c->responder = e.by;
  }
  void operator()(const router::Breached& e) {
    ClockSummary* c = Current();
    if (c == nullptr || c->breached_at) return;  // a clock records at most one breach
    c->breached_at = e.at;
    c->breach_due = e.due;
    c->breach_at_severity_change = e.at_severity_change;
  }
  void operator()(const router::CaseResolved& e) {
    ClockSummary* c = Current();
    if (c != nullptr && !c->resolved_at) c->resolved_at = e.at;
  }
  void operator()(const router::Delivered& e) {
    PageFact* p = Page(e.paged_seq);
    if (p != nullptr && !p->delivered_at) p->delivered_at = e.at;
  }
  void operator()(const router::DeliveryFailed& e) {
    PageFact* p = Page(e.paged_seq);
    if (p != nullptr && !p->failed_at) p->failed_at = e.at;
  }
  void operator()(const router::PageSuperseded& e) {
    PageFact* p = Page(e.paged_seq);
    if (p != nullptr && !p->superseded_at) p->superseded_at = e.at;
  }
  // The clock they start, re-target or stop is told by the routed, responded or
  // case_resolved that follows; the rest changes no SLA figure.
  void operator()(const router::CommunicationAdded&) {}
  void operator()(const router::SeverityChanged&) {}
  void operator()(const router::CaseReopened&) {}
  void operator()(const router::SlaWarning&) {}
  void operator()(const router::HandoffChecked&) {}
  void operator()(const router::InputRejected&) {}
};

int CaseFold::Add(uint64_t seq, const router::Event& event) {
  Visitor v{*this, seq};
  std::visit(v, event);
  return v.changed;
}

}  // namespace report
