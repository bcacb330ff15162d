#include "web/api_json.h"

#include "schedules/schedules.h"

namespace web {

namespace {

Json Instant(std::optional<Timestamp> t) { return t ? Json(base::FormatInstant(*t)) : Json(); }

int64_t Seconds(base::Duration d) {
  return std::chrono::duration_cast<std::chrono::seconds>(d).count();
}

Json ClockJson(const router::CaseState& s, Timestamp now) {
  Json clock;
  clock["start"] = base::FormatInstant(s.clock_start);
  if (!s.escalation) {
    clock["state"] = s.awaiting_response ? "unrouted" : "stopped";
    return clock;
  }
  const router::EscalationState& e = *s.escalation;
  clock["due"] = base::FormatInstant(e.due);
  clock["warning_at"] = base::FormatInstant(e.warning_at);
  clock["target_s"] = e.target.amount.count();
  clock["target_business"] = e.target.business;
  clock["calendar"] = e.clock_calendar;
  if (!s.awaiting_response) {
    clock["state"] = "stopped";
    clock["first_response"] = Instant(s.first_response_at);
    return clock;
  }
  // Time left in wall time: what a person watching the screen counts down. A business-hours
  // clock pauses overnight, which the due instant already accounts for.
  clock["left_s"] = Seconds(e.due - now);
  clock["state"] = e.breached || now >= e.due        ? "breached"
                   : e.warned || now >= e.warning_at ? "warning"
                                                     : "ok";
  return clock;
}

}  // namespace

Json OncallJson(const config::Schedule& schedule, Timestamp at) {
  const schedules::Shift now = schedules::OnCallAt(schedule, at);
  Json j;
  j["schedule"] = schedule.name;
  j["at"] = base::FormatInstant(at);
  j["oncall"] = now.engineer ? Json(*now.engineer) : Json();
  j["source"] = now.engineer ? Json(now.source) : Json();
  j["since"] = base::FormatInstant(now.start);
  j["until"] = base::FormatInstant(now.end);
  // The next shift with someone in it, a few shifts ahead at most (a gap may come first).
  Json next, next_from;
  Timestamp t = now.end;
  for (int i = 0; i < 8 && t < Timestamp::max(); ++i) {
    const schedules::Shift s = schedules::OnCallAt(schedule, t);
    if (s.engineer && s.engineer != now.engineer) {
      next = *s.engineer;
      next_from = base::FormatInstant(s.start);
      break;
    }
    if (s.end <= t) break;
    t = s.end;
  }
  j["next"] = next;
  j["next_from"] = next_from;
  return j;
}

Json OncallListJson(const config::Config& config, Timestamp at) {
  Json list = Json::array();
  for (const auto& [name, schedule] : config.schedules) list.push_back(OncallJson(schedule, at));
  return list;
}

Json CaseStateJson(const router::CaseState& s, Timestamp now) {
  Json j;
  j["case"] = s.case_id;
  j["display_id"] = s.display_id;
  j["status"] = s.status == router::CaseStatus::kResolved ? "resolved" : "open";
  j["subject"] = s.subject;
  j["account"] = s.account;
  j["service"] = s.service;
  j["severity"] = s.severity_code;
  j["level"] = s.level;
  j["plan"] = s.plan;
  j["fallback"] = s.fallback;
  j["opened"] = base::FormatInstant(s.opened_at);
  j["resolved"] = Instant(s.resolved_at);
  j["owner"] = s.owner.empty() ? Json() : Json(s.owner);
  j["awaiting_response"] = s.awaiting_response;
  j["breaches"] = s.breach_count;
  j["clock"] = ClockJson(s, now);
  if (s.escalation && s.escalation->current_step >= 0) {
    j["step"] = {{"cycle", s.escalation->current_cycle}, {"step", s.escalation->current_step}};
  } else {
    j["step"] = Json();
  }
  j["paged"] = s.paged;
  j["acked_by"] = s.acked_by;
  j["next_action_at"] = Instant(s.next_action_at);
  return j;
}

Json CaseSummaryJson(const CaseView& c, Timestamp now) {
  Json j = CaseStateJson(c.state, now);
  Json pages = Json::array();
  for (const PageView& p : c.pages) {
    Json page;
    page["id"] = p.id;
    page["engineer"] = p.engineer;
    page["at"] = base::FormatInstant(p.at);
    page["step"] = p.step;
    page["cycle"] = p.cycle;
    page["target"] = p.target;
    page["delivered"] = Instant(p.delivered);
    page["device"] = p.device.empty() ? Json() : Json(p.device);
    page["failed"] = Instant(p.failed);
    page["superseded"] = Instant(p.superseded);
    page["acked"] = Instant(p.acked);
    pages.push_back(std::move(page));
  }
  j["pages"] = std::move(pages);
  return j;
}

Json ActivityJson(const Activity& a) {
  Json j;
  j["seq"] = a.seq;
  j["at"] = base::FormatInstant(a.at);
  j["kind"] = a.kind;
  j["case"] = a.case_id;
  j["display_id"] = a.display_id;
  j["level"] = a.level;
  j["engineer"] = a.engineer.empty() ? Json() : Json(a.engineer);
  j["detail"] = a.detail;
  return j;
}

Json DeadLetterJson(std::string_view key, std::string_view value) {
  Json j;
  j["key"] = std::string(key);
  Json parsed = Json::parse(value, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    j["error"] = "stored value is not JSON";
    return j;
  }
  for (auto& [k, v] : parsed.items()) j[k] = v;
  return j;
}

std::string ErrorBody(const std::string& message) {
  return Json{{"error", message}}.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace web
