#include "report/render.h"

namespace report {

namespace {

using Json = nlohmann::ordered_json;

// Seconds with millisecond precision: a whole number when it is one.
Json Seconds(Duration d) {
  const int64_t ms = d.count();
  if (ms % 1000 == 0) return Json(ms / 1000);
  return Json(static_cast<double>(ms) / 1000.0);
}

Json Seconds(const std::optional<Duration>& d) { return d ? Seconds(*d) : Json(nullptr); }

Json Instant(const std::optional<Timestamp>& t) {
  return t ? Json(base::FormatInstant(*t)) : Json(nullptr);
}

Json Percentiles(const Samples& s, bool p99) {
  Json j;
  j["p50"] = Seconds(s.Percentile(50));
  j["p90"] = Seconds(s.Percentile(90));
  if (p99) j["p99"] = Seconds(s.Percentile(99));
  j["max"] = Seconds(s.Percentile(100));
  return j;
}

Json FiguresJson(const std::string& key, const std::string& name, const GroupFigures& f) {
  Json j;
  j["key"] = key;
  if (!name.empty()) j["name"] = name;
  j["clocks"] = f.clocks;
  j["met"] = f.met;
  j["breached"] = f.breached;
  j["open"] = f.open;
  j["resolved_unanswered"] = f.resolved_unanswered;
  j["unrouted"] = f.unrouted;
  const auto compliance = f.Compliance();
  j["compliance"] = compliance ? Json(*compliance) : Json(nullptr);
  j["first_response_s"] = Percentiles(f.first_response, true);
  j["first_response_wall_clock"] = f.wall_clock;
  j["time_to_ack_s"] = Percentiles(f.to_ack, false);
  j["time_to_resolve_s"] = Percentiles(f.to_resolve, false);
  j["deepest_step"] = f.deepest_step;
  j["pages"] = f.pages;
  j["pages_delivered"] = f.delivered;
  j["pages_undelivered"] = f.undelivered;
  return j;
}

Json BreachJson(const BreachRow& b) {
  Json j;
  j["case"] = b.case_id;
  j["display_id"] = b.display_id;
  j["customer"] = b.account;
  j["customer_name"] = b.customer;
  j["plan"] = b.plan;
  j["level"] = b.level;
  j["clock"] = ClockKindName(b.kind);
  j["opened"] = base::FormatInstant(b.opened);
  j["clock_start"] = base::FormatInstant(b.clock_start);
  j["due"] = base::FormatInstant(b.due);
  j["breached_at"] = base::FormatInstant(b.breached_at);
  j["first_response"] = Instant(b.first_response);
  j["reason"] = BreachCodeName(b.reason);
  j["detail"] = b.detail;
  Json pages = Json::array();
  for (const PageFact& p : b.pages) {
    Json pj;
    pj["engineer"] = p.engineer;
    pj["at"] = base::FormatInstant(p.at);
    pj["target"] = p.target;
    pj["delivered"] = Instant(p.delivered_at);
    pj["delivery_failed"] = Instant(p.failed_at);
    pages.push_back(std::move(pj));
  }
  j["pages"] = std::move(pages);
  return j;
}

Json EngineerJson(const EngineerRow& e) {
  Json j;
  j["engineer"] = e.engineer;
  if (!e.name.empty()) j["name"] = e.name;
  j["pages"] = e.load.pages;
  j["acks"] = e.load.acks;
  j["median_ack_s"] = Seconds(e.load.to_ack.Percentile(50));
  j["business"] = e.load.business;
  j["off_hours"] = e.load.off_hours;
  j["sleep"] = e.load.sleep;
  Json schedules = Json::object();
  for (const auto& [schedule, n] : e.load.by_schedule) schedules[schedule] = n;
  j["schedules"] = std::move(schedules);
  return j;
}

}  // namespace

nlohmann::ordered_json ReportJson(const Report& r) {
  Json j;
  j["from"] = base::FormatInstant(r.from);
  j["to"] = base::FormatInstant(r.to);
  j["by"] = GroupByName(r.by);
  j["window"] = "clocks started in [from, to), judged as of to";
  Json groups = Json::array();
  for (const Group& g : r.groups) groups.push_back(FiguresJson(g.key, g.name, g.figures));
  j["groups"] = std::move(groups);
  j["total"] = FiguresJson("all", "", r.total);
  if (r.breaches_listed) {
    Json breaches = Json::array();
    for (const BreachRow& b : r.breaches) breaches.push_back(BreachJson(b));
    j["breaches"] = std::move(breaches);
  }
  Json engineers = Json::array();
  for (const EngineerRow& e : r.engineers) engineers.push_back(EngineerJson(e));
  j["engineers"] = std::move(engineers);
  return j;
}

std::string RenderJson(const Report& r) {
  return ReportJson(r).dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace report
