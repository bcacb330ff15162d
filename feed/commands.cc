#include "feed/commands.h"

#include <nlohmann/json.hpp>

namespace router {

namespace {

base::Status Invalid(const std::string& what) {
  return base::Status::InvalidInput("command: " + what);
}

base::Status StringField(const nlohmann::json& j, const char* name, std::string* out) {
  auto it = j.find(name);
  if (it == j.end()) return Invalid(std::string("field ") + name + " missing");
  if (!it->is_string()) {
    return Invalid(std::string("field ") + name + ": expected string, got " + it->type_name());
  }
  *out = it->get<std::string>();
  if (out->empty()) return Invalid(std::string("field ") + name + " is empty");
  return base::Status::Ok();
}

}  // namespace

std::string EncodeAckCommand(const Acknowledge& ack) {
  nlohmann::ordered_json j;
  j["type"] = "ack";
  j["case"] = ack.case_id;
  j["engineer"] = ack.engineer;
  j["at"] = base::FormatInstant(ack.at);
  return j.dump();
}

base::Result<Acknowledge> ParseCommand(std::string_view payload, std::string* case_id) {
  nlohmann::json j = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Invalid("not JSON");
  if (!j.is_object()) return Invalid(std::string("expected an object, got ") + j.type_name());
  std::string type;
  if (auto s = StringField(j, "type", &type); !s.ok()) return s;
  if (type != "ack") return Invalid("unknown type '" + type + "' in type (expected \"ack\")");
  Acknowledge ack;
  std::string at;
  if (auto s = StringField(j, "case", &ack.case_id); !s.ok()) return s;
  if (case_id) *case_id = ack.case_id;
  if (auto s = StringField(j, "engineer", &ack.engineer); !s.ok()) return s;
  if (auto s = StringField(j, "at", &at); !s.ok()) return s;
  auto parsed = base::ParseInstant(at);
  if (!parsed) return Invalid("field at: not an ISO 8601 instant with offset: '" + at + "'");
  ack.at = *parsed;
  return ack;
}

}  // namespace router
