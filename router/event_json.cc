#include "router/event_json.h"

#include "router/reason_text.h"

namespace router {

namespace {

using Json = nlohmann::ordered_json;

// Field writers that leave out what an event does not carry, so every line
// holds only facts.
struct Out {
  Json& j;
  void Str(const char* k, const std::string& v) {
    if (!v.empty()) j[k] = v;
  }
  void Int(const char* k, int v) { j[k] = v; }
  void Time(const char* k, Timestamp t) { j[k] = base::FormatInstant(t); }
  void Time(const char* k, const std::optional<Timestamp>& t) {
    if (t) Time(k, *t);
  }
  void Bool(const char* k, bool v) { j[k] = v; }
  // A fact learned from a reconciliation snapshot says so, and when the snapshot was taken.
  void Reconciled(const std::optional<Timestamp>& taken_at) {
    if (!taken_at) return;
    j["origin"] = "reconciliation";
    Time("snapshot_taken_at", taken_at);
  }
};

Json CandidatesJson(const std::vector<Candidate>& candidates) {
  Json out = Json::array();
  for (const Candidate& c : candidates) {
    Json cj;
    cj["engineer"] = c.engineer;
    cj["score"] = c.score;
    cj["open_cases"] = c.open_cases;
    cj["why"] = ReasonText(c);
    // The parts of the score, as facts (none in an old record).
    if (!c.skill.empty()) {
      cj["skill"] = c.skill;
      cj["skill_score"] = c.skill_score;
    }
    if (!c.workflows.empty()) {
      cj["workflows"] = c.workflows;
      cj["workflow_score"] = c.workflow_score;
    }
    if (c.earlier_cases > 0) {
      cj["earlier_cases"] = c.earlier_cases;
      cj["history_score"] = c.history_score;
    }
    if (!c.schedule.empty()) cj["schedule"] = c.schedule;
    if (!c.layer.empty()) cj["layer"] = c.layer;
    out.push_back(std::move(cj));
  }
  return out;
}

// Adds "<prefix>_code" (ReasonCodeName) and, when the reason has any,
// "<prefix>_fields" with its fields (the sentence itself is the caller's).
void ReasonJson(Json& j, const std::string& prefix, const Reason& r) {
  j[prefix + "_code"] = std::string(ReasonCodeName(r.code));
  Json f = Json::object();
  auto str = [&f](const char* k, const std::string& v) {
    if (!v.empty()) f[k] = v;
  };
  str("engineer", r.engineer);
  str("calendar", r.calendar);
  str("account", r.account);
  str("service", r.service);
  str("case_id", r.case_id);
  str("severity", r.severity);
  str("from_severity", r.from_severity);
  str("action", r.action);
  if (r.until) f["until"] = base::FormatInstant(*r.until);
  if (r.scheduled) f["scheduled"] = base::FormatInstant(*r.scheduled);
  if (r.fallback) f["fallback"] = true;
  if (!f.empty()) j[prefix + "_fields"] = std::move(f);
}

struct Fields {
  Out o;
  void operator()(const CaseOpened& e) {
    o.Str("display_id", e.display_id);
    o.Str("account", e.account);
    o.Str("subject", e.subject);
    o.Str("service", e.service);
    o.Str("category", e.category);
    o.Str("severity_code", e.severity_code);
    o.Int("level", e.level);
    o.Str("submitted_by", e.submitted_by);
    o.Time("time_created", e.time_created);
    o.Str("language", e.language);
    o.Str("event_id", e.event_id);
    o.Reconciled(e.reconciled_at);
  }
  void operator()(const CommunicationAdded& e) {
    o.Str("origin", std::string(OriginName(e.origin)));
    o.Str("communication_id", e.communication_id);
    o.Str("event_id", e.event_id);
    if (e.starts_clock) o.Bool("starts_clock", true);
    o.Time("due", e.due);
    o.Time("next_action_at", e.next_action_at);
  }
  void operator()(const SeverityChanged& e) {
    o.Str("from_code", e.from_code);
    o.Str("to_code", e.to_code);
    o.Int("from_level", e.from_level);
    o.Int("to_level", e.to_level);
    o.Str("event_id", e.event_id);
    o.Time("due", e.due);
    o.Time("next_action_at", e.next_action_at);
    o.Reconciled(e.reconciled_at);
  }
  void operator()(const CaseResolved& e) {
    o.Str("event_id", e.event_id);
    o.Reconciled(e.reconciled_at);
  }
  void operator()(const CaseReopened& e) {
    o.Str("event_id", e.event_id);
    o.Time("next_action_at", e.next_action_at);
    o.Reconciled(e.reconciled_at);
  }
  void operator()(const Routed& e) {
    o.Int("level", e.level);
    o.Str("coverage", e.coverage);
    o.Str("business", e.business);
    o.Str("plan", e.plan);
    o.Bool("fallback", e.fallback);
    o.Str("reason", ReasonText(e));
    ReasonJson(o.j, "reason", e.reason);
    if (e.calendars != Reason{}) ReasonJson(o.j, "calendars", e.calendars);
    o.Time("clock_start", e.clock_start);
    o.Time("due", e.due);
    o.j["candidates"] = CandidatesJson(e.candidates);
    o.Time("next_action_at", e.next_action_at);
    if (e.clock.empty()) return;
    Json plan;
    plan["clock"] = e.clock;
    plan["target_s"] = e.target_s;
    plan["target_business"] = e.target_business;
    if (e.policy_base) plan["policy_base"] = base::FormatInstant(*e.policy_base);
    plan["repeat"] = e.repeat;
    plan["steps"] = e.steps;
    if (e.first_step_at) plan["first_step_at"] = base::FormatInstant(*e.first_step_at);
    if (e.warning_at) plan["warning_at"] = base::FormatInstant(*e.warning_at);
    if (e.deferred) plan["deferred"] = true;
    if (e.deferred_page) plan["deferred_page"] = true;
    if (!e.owner.empty()) plan["owner"] = e.owner;
    o.j["plan_of_escalation"] = std::move(plan);
  }
  void operator()(const Paged& e) {
    o.Str("engineer", e.engineer);
    o.Int("step", e.step);
    o.Int("cycle", e.cycle);
    o.Str("target", e.target);
    o.Str("source", e.source);
    o.Str("reason", ReasonText(e));
    ReasonJson(o.j, "reason", e.reason);
    o.Str("cause", PageCauseName(e.cause));
    if (!e.also_via.empty()) o.j["also_via"] = e.also_via;
    if (!e.candidates.empty()) o.j["candidates"] = CandidatesJson(e.candidates);
  }
  void operator()(const Escalated& e) {
    o.Int("step", e.step);
    o.Int("cycle", e.cycle);
    o.Time("next_action_at", e.next_action_at);
    if (e.scheduled && *e.scheduled != e.at) o.Time("scheduled", e.scheduled);
    if (e.empty) o.Bool("empty", true);
    Json targets = Json::array();
    for (const auto& t : e.targets) {
      Json tj;
      tj["target"] = t.target;
      if (t.engineer) tj["engineer"] = *t.engineer;
      if (!t.source.empty()) tj["source"] = t.source;
      if (t.until) tj["until"] = base::FormatInstant(*t.until);
      tj["why"] = ReasonText(t);
      ReasonJson(tj, "why", t.reason);
      targets.push_back(std::move(tj));
    }
    o.j["targets"] = std::move(targets);
    if (e.exhausted) o.Bool("exhausted", true);
    if (!e.schedules.empty()) o.j["watching"] = e.schedules;
  }
  void operator()(const HandoffChecked& e) {
    o.Time("watch_at", e.watch_at);
    o.Time("next_action_at", e.next_action_at);
  }
  void operator()(const Acknowledged& e) { o.Str("engineer", e.engineer); }
  void operator()(const PageSuperseded& e) {
    o.Str("engineer", e.engineer);
    o.j["paged_seq"] = e.paged_seq;
    o.Str("by", e.by == SupersededBy::kResolution ? "resolution" : "response");
  }
  void operator()(const Delivered& e) {
    o.Str("engineer", e.engineer);
    o.Str("device", e.device);
    o.j["paged_seq"] = e.paged_seq;
  }
  void operator()(const DeliveryFailed& e) {
    o.Str("engineer", e.engineer);
    o.j["paged_seq"] = e.paged_seq;
    o.j["attempts"] = e.attempts;
  }
  void operator()(const Responded& e) {
    o.Str("how", std::string(ResponseKindName(e.how)));
    o.Str("by", e.by);
  }
  void operator()(const Breached& e) {
    o.Time("due", e.due);
    o.Time("next_action_at", e.next_action_at);
    if (e.at_severity_change) o.Bool("at_severity_change", true);
  }
  void operator()(const SlaWarning& e) {
    o.Time("due", e.due);
    o.Time("next_action_at", e.next_action_at);
  }
  void operator()(const InputRejected& e) {
    o.Str("reason", ReasonText(e));
    ReasonJson(o.j, "reason", e.reason);
    o.Str("raw_summary", e.raw_summary);
    o.Str("event_id", e.event_id);
  }
};

}  // namespace

Json EventToJson(uint64_t seq, const Event& event) {
  Json j;
  j["seq"] = seq;
  j["type"] = std::string(TypeName(event));
  j["case"] = CaseIdOf(event);
  j["at"] = base::FormatInstant(AtOf(event));
  std::visit(Fields{Out{j}}, event);
  return j;
}

std::string EventJsonLine(uint64_t seq, const Event& event) {
  // Replace invalid UTF-8 rather than throw: a case subject is customer text.
  return EventToJson(seq, event).dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string EventTextLine(uint64_t seq, const Event& event) {
  Json j = EventToJson(seq, event);
  std::string line = "#" + std::to_string(seq) + " " + j["at"].get<std::string>() + " " +
                     j["type"].get<std::string>() + " " + j["case"].get<std::string>();
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    if (k == "seq" || k == "type" || k == "case" || k == "at") continue;
    // Detail for programs (and `explain`); too long for one line.
    if (k == "targets" || k == "plan_of_escalation") continue;
    if (k.ends_with("_fields")) continue;  // the sentence (`reason`) tells them
    line += " " + k + "=";
    if (it->is_string()) {
      const std::string& s = it->get_ref<const std::string&>();
      bool quote = s.find(' ') != std::string::npos || s.empty();
      line += quote ? Json(s).dump(-1, ' ', false, Json::error_handler_t::replace) : s;
    } else if (k == "candidates") {
      std::string list;
      for (const auto& c : *it) {
        if (!list.empty()) list += ",";
        list += c["engineer"].get<std::string>() + ":" + c["score"].dump();
      }
      line += "[" + list + "]";
    } else {
      line += it->dump();
    }
  }
  return line;
}

}  // namespace router
