#include <string_view>
#include <vector>

#include "report/render.h"

namespace report {

namespace {

using Json = nlohmann::ordered_json;

// Every column, in order; each section fills its own.
constexpr std::string_view kColumns[] = {
    "section",
    "key",
    "name",
    "clocks",
    "met",
    "breached",
    "open",
    "resolved_unanswered",
    "unrouted",
    "compliance",
    "first_response_p50_s",
    "first_response_p90_s",
    "first_response_p99_s",
    "first_response_max_s",
    "first_response_wall_clock",
    "time_to_ack_p50_s",
    "time_to_ack_p90_s",
    "time_to_ack_max_s",
    "time_to_resolve_p50_s",
    "time_to_resolve_p90_s",
    "time_to_resolve_max_s",
    "deepest_step",
    "pages",
    "pages_delivered",
    "pages_undelivered",
    "case",
    "display_id",
    "customer",
    "customer_name",
    "plan",
    "level",
    "clock",
    "opened",
    "clock_start",
    "due",
    "breached_at",
    "first_response",
    "reason",
    "detail",
    "paged",
    "acks",
    "median_ack_s",
    "business",
    "off_hours",
    "sleep",
    "schedules",
};

// A field per RFC 4180: quoted (quotes doubled) when it holds a comma, quote, CR or LF.
std::string Field(const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// A JSON scalar as CSV text: null -> "", strings as they are, numbers as JSON writes them.
std::string Text(const Json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

class Table {
 public:
  Table() {
    for (std::string_view c : kColumns) header_.emplace_back(c);
    Emit(header_);
  }
  // Starts a row of `section`: every column empty.
  void Row(const char* section) {
    if (!row_.empty()) Emit(row_);
    row_.assign(std::size(kColumns), "");
    row_[0] = section;
  }
  void Set(std::string_view column, const std::string& value) {
    for (size_t i = 0; i < std::size(kColumns); ++i) {
      if (kColumns[i] == column) {
        row_[i] = value;
        return;
      }
    }
  }
  // Copies the object's scalar fields into the columns of the same name.
  void SetScalars(const Json& object) {
    for (const auto& [k, v] : object.items()) {
      if (!v.is_structured()) Set(k, Text(v));
    }
  }
  void SetPercentiles(const std::string& prefix, const Json& p) {
    for (const auto& [k, v] : p.items()) Set(prefix + "_" + k + "_s", Text(v));
  }
  std::string Finish() {
    if (!row_.empty()) Emit(row_);
    row_.clear();
    return std::move(out_);
  }

 private:
  void Emit(const std::vector<std::string>& fields) {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) out_ += ',';
      out_ += Field(fields[i]);
    }
    out_ += "\r\n";
  }
  std::vector<std::string> header_;
  std::vector<std::string> row_;
  std::string out_;
};

void GroupRow(Table& t, const char* section, const Json& g) {
  t.Row(section);
  t.SetScalars(g);
  t.SetPercentiles("first_response", g["first_response_s"]);
  t.SetPercentiles("time_to_ack", g["time_to_ack_s"]);
  t.SetPercentiles("time_to_resolve", g["time_to_resolve_s"]);
}

}  // namespace

std::string RenderCsv(const Report& report) {
  const Json doc = ReportJson(report);
  Table t;
  for (const Json& g : doc["groups"]) GroupRow(t, "group", g);
  GroupRow(t, "total", doc["total"]);
  for (const Json& b : doc.contains("breaches") ? doc["breaches"] : Json::array()) {
    t.Row("breach");
    t.SetScalars(b);
    std::string paged;
    for (const Json& p : b["pages"]) {
      paged += (paged.empty() ? "" : "; ") + Text(p["engineer"]) + " " + Text(p["at"]);
    }
    t.Set("paged", paged);
    t.Set("pages", std::to_string(b["pages"].size()));
  }
  for (const Json& e : doc["engineers"]) {
    t.Row("engineer");
    t.SetScalars(e);
    t.Set("key", Text(e["engineer"]));
    std::string schedules;
    for (const auto& [k, v] : e["schedules"].items()) {
      schedules += (schedules.empty() ? "" : "; ") + k + "=" + Text(v);
    }
    t.Set("schedules", schedules);
  }
  return t.Finish();
}

}  // namespace report
