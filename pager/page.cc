#include "pager/page.h"

#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <utility>

#include "base/hash.h"

namespace pager {

namespace {

using nlohmann::json;

base::Status Invalid(const std::string& what) {
  return base::Status::InvalidInput("page: " + what);
}

// A string field that must be present.
base::Status RequireString(const json& j, const char* name, std::string* out) {
  auto it = j.find(name);
  if (it == j.end()) return Invalid(std::string("field ") + name + " missing");
  if (!it->is_string()) {
    return Invalid(std::string("field ") + name + ": expected string, got " + it->type_name());
  }
  *out = it->get<std::string>();
  return base::Status::Ok();
}

// A string field that may be absent (then "").
base::Status OptionalString(const json& j, const char* name, std::string* out) {
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) return base::Status::Ok();
  return RequireString(j, name, out);
}

}  // namespace

std::string StablePageId(const Page& page) {
  // Separated by NUL, which none of the fields holds, so no two field lists hash alike.
  std::string key = page.case_id;
  for (const std::string& part : {page.engineer, std::to_string(page.step),
                                  std::to_string(base::ToUnixMillis(page.at)), page.target}) {
    key += '\0';
    key += part;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(base::Fnv1a64(key)));
  return hex;
}

std::string EncodePage(const Page& page) {
  nlohmann::ordered_json j;
  j["seq"] = page.seq;
  j["id"] = StablePageId(page);
  j["case"] = page.case_id;
  j["engineer"] = page.engineer;
  j["at"] = base::FormatInstant(page.at);
  j["step"] = page.step;
  j["target"] = page.target;
  j["reason"] = page.reason;
  if (!page.reason_code.empty()) j["reason_code"] = page.reason_code;
  if (!page.display_id.empty()) j["display_id"] = page.display_id;
  if (!page.subject.empty()) j["subject"] = page.subject;
  if (!page.customer.empty()) j["customer"] = page.customer;
  if (!page.service.empty()) j["service"] = page.service;
  if (!page.severity.empty()) j["severity"] = page.severity;
  if (page.level != 0) j["level"] = page.level;
  if (page.due) j["due"] = base::FormatInstant(*page.due);
  return j.dump();
}

base::Result<Page> DecodePage(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Invalid("not JSON");
  if (!j.is_object()) return Invalid(std::string("expected an object, got ") + j.type_name());
  Page p;
  auto seq = j.find("seq");
  if (seq == j.end()) return Invalid("field seq missing");
  if (!seq->is_number_unsigned()) return Invalid("field seq: expected a non-negative integer");
  p.seq = seq->get<uint64_t>();
  if (auto s = RequireString(j, "case", &p.case_id); !s.ok()) return s;
  if (auto s = RequireString(j, "engineer", &p.engineer); !s.ok()) return s;
  std::string at;
  if (auto s = RequireString(j, "at", &at); !s.ok()) return s;
  auto parsed = base::ParseInstant(at);
  if (!parsed) return Invalid("field at: not an ISO 8601 instant with offset: '" + at + "'");
  p.at = *parsed;
  if (auto step = j.find("step"); step != j.end() && !step->is_null()) {
    if (!step->is_number_integer()) return Invalid("field step: expected an integer");
    p.step = step->get<int>();
  }
  if (auto s = OptionalString(j, "target", &p.target); !s.ok()) return s;
  if (auto s = OptionalString(j, "reason", &p.reason); !s.ok()) return s;
  for (auto [name, out] : {std::pair{"reason_code", &p.reason_code},
                           {"display_id", &p.display_id},
                           {"subject", &p.subject},
                           {"customer", &p.customer},
                           {"service", &p.service},
                           {"severity", &p.severity}}) {
    if (auto s = OptionalString(j, name, out); !s.ok()) return s;
  }
  if (auto level = j.find("level"); level != j.end() && !level->is_null()) {
    if (!level->is_number_integer()) return Invalid("field level: expected an integer");
    p.level = level->get<int>();
  }
  std::string due;
  if (auto s = OptionalString(j, "due", &due); !s.ok()) return s;
  if (!due.empty()) {
    auto parsed_due = base::ParseInstant(due);
    if (!parsed_due)
      return Invalid("field due: not an ISO 8601 instant with offset: '" + due + "'");
    p.due = *parsed_due;
  }
  if (p.case_id.empty()) return Invalid("field case is empty");
  if (p.engineer.empty()) return Invalid("field engineer is empty");
  return p;
}

std::string_view LevelMeaning(int level) {
  switch (level) {
    case 1:
      return "urgent: full production outage";
    case 2:
      return "critical: production impacting";
    case 3:
      return "major: business impact, little production impact";
    case 4:
      return "normal: moderate or minor impact";
    default:
      return "";
  }
}

std::string FormatPageLine(const Page& p) {
  std::string line =
      base::FormatInstant(p.at) + "  case " + p.case_id + "  step " + std::to_string(p.step);
  if (!p.target.empty()) line += " via " + p.target;
  if (!p.reason.empty()) line += ": " + p.reason;
  line += "  (seq " + std::to_string(p.seq) + ")";
  return line;
}

}  // namespace pager
