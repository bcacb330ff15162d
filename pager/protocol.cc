#include "pager/protocol.h"

#include <nlohmann/json.hpp>
#include <type_traits>

namespace pager {

namespace {

using nlohmann::json;

base::Status Invalid(const std::string& what) {
  return base::Status::InvalidInput("pager message: " + what);
}

// Parses one frame into an object with a string "type".
base::Result<json> ParseFrame(std::string_view frame, size_t limit, std::string* type) {
  if (frame.size() > limit) {
    return Invalid(std::to_string(frame.size()) + " bytes, over the limit of " +
                   std::to_string(limit));
  }
  json j = json::parse(frame, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Invalid("not JSON");
  if (!j.is_object()) return Invalid(std::string("expected an object, got ") + j.type_name());
  auto t = j.find("type");
  if (t == j.end() || !t->is_string()) return Invalid("no \"type\" string");
  *type = t->get<std::string>();
  return j;
}

base::Status String(const json& j, const char* name, std::string* out, bool non_empty) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) {
    return Invalid(std::string("field ") + name + ": expected a string");
  }
  *out = it->get<std::string>();
  if (non_empty && out->empty()) return Invalid(std::string("field ") + name + " is empty");
  return base::Status::Ok();
}

base::Status Number(const json& j, const char* name, uint64_t* out, bool positive) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_number_unsigned()) {
    return Invalid(std::string("field ") + name + ": expected a non-negative integer");
  }
  *out = it->get<uint64_t>();
  if (positive && *out == 0) return Invalid(std::string("field ") + name + " is 0");
  return base::Status::Ok();
}

}  // namespace

std::string Encode(const FromDevice& message) {
  nlohmann::ordered_json j;
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, Hello>) {
          j["type"] = "hello";
          j["engineer"] = m.engineer;
          j["device"] = m.device;
          j["version"] = m.version;
        } else if constexpr (std::is_same_v<T, Receipt>) {
          j["type"] = "receipt";
          j["page"] = m.page;
        } else {
          j["type"] = "ack";
          j["page"] = m.page;
          j["ref"] = m.ref;
        }
      },
      message);
  return j.dump();
}

std::string Encode(const FromServe& message) {
  return std::visit(
      [](const auto& m) -> std::string {
        using T = std::decay_t<decltype(m)>;
        nlohmann::ordered_json j;
        if constexpr (std::is_same_v<T, Welcome>) {
          j["type"] = "welcome";
          j["engineer"] = m.engineer;
          j["device"] = m.device;
          j["pending"] = m.pending;
        } else if constexpr (std::is_same_v<T, Page>) {
          j = nlohmann::ordered_json::parse(EncodePage(m));
          j["type"] = "page";
        } else if constexpr (std::is_same_v<T, AckAnswer>) {
          j["type"] = "acked";
          j["ref"] = m.ref;
          j["page"] = m.page;
          j["case"] = m.case_id;
          j["result"] = m.result;
          j["detail"] = m.detail;
        } else {
          j["type"] = "error";
          j["error"] = m.error;
        }
        return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
      },
      message);
}

base::Result<FromDevice> DecodeFromDevice(std::string_view frame) {
  std::string type;
  auto j = ParseFrame(frame, kMaxMessageBytes, &type);
  if (!j.ok()) return j.status();
  if (type == "hello") {
    Hello h;
    if (auto s = String(*j, "engineer", &h.engineer, true); !s.ok()) return s;
    if (auto s = String(*j, "device", &h.device, true); !s.ok()) return s;
    if (auto v = j->find("version"); v != j->end()) {
      if (!v->is_number_integer()) return Invalid("field version: expected an integer");
      // A device of another protocol version would misread every page: refused at hello.
      if (*v != kProtocolVersion) {
        return Invalid("field version: " + v->dump() + " is not a version serve speaks (" +
                       std::to_string(kProtocolVersion) + ")");
      }
      h.version = kProtocolVersion;
    }
    return FromDevice{h};
  }
  if (type == "receipt") {
    Receipt r;
    if (auto s = Number(*j, "page", &r.page, true); !s.ok()) return s;
    return FromDevice{r};
  }
  if (type == "ack") {
    AckRequest a;
    if (auto s = Number(*j, "page", &a.page, true); !s.ok()) return s;
    if (auto s = Number(*j, "ref", &a.ref, false); !s.ok()) return s;
    return FromDevice{a};
  }
  return Invalid("unknown type '" + type + "'");
}

base::Result<FromServe> DecodeFromServe(std::string_view frame) {
  std::string type;
  auto j = ParseFrame(frame, kMaxServeMessageBytes, &type);
  if (!j.ok()) return j.status();
  if (type == "welcome") {
    Welcome w;
    if (auto s = String(*j, "engineer", &w.engineer, true); !s.ok()) return s;
    if (auto s = String(*j, "device", &w.device, true); !s.ok()) return s;
    if (auto s = Number(*j, "pending", &w.pending, false); !s.ok()) return s;
    return FromServe{w};
  }
  if (type == "page") {
    auto page = DecodePage(frame);
    if (!page.ok()) return page.status();
    if (page->seq == 0) return Invalid("field seq is 0");
    return FromServe{*page};
  }
  if (type == "acked") {
    AckAnswer a;
    if (auto s = Number(*j, "ref", &a.ref, false); !s.ok()) return s;
    if (auto s = Number(*j, "page", &a.page, false); !s.ok()) return s;
    if (auto s = String(*j, "case", &a.case_id, false); !s.ok()) return s;
    if (auto s = String(*j, "result", &a.result, true); !s.ok()) return s;
    if (auto s = String(*j, "detail", &a.detail, false); !s.ok()) return s;
    return FromServe{a};
  }
  if (type == "error") {
    ServeError e;
    if (auto s = String(*j, "error", &e.error, false); !s.ok()) return s;
    return FromServe{e};
  }
  return Invalid("unknown type '" + type + "'");
}

base::Result<std::string> PageFrameFromOutbox(uint64_t seq, std::string_view value) {
  nlohmann::ordered_json j =
      nlohmann::ordered_json::parse(value, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return base::Status::Corruption("outbox entry " + std::to_string(seq) +
                                    " is not a JSON object");
  }
  j.erase("delivery_failed_at");  // the hub's bookkeeping, not the page's
  nlohmann::ordered_json frame;
  frame["type"] = "page";
  frame["seq"] = seq;
  for (auto& [key, v] : j.items()) {
    // The frame's own type and seq win: a value carrying either (a page's full encoding, or a
    // damaged entry) must not send the device a frame of another type, or under another id
    // than the entry it acknowledges receipt of.
    if (key == "type" || key == "seq") continue;
    frame[key] = std::move(v);
  }
  std::string out = frame.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  if (auto page = DecodePage(out); !page.ok()) {
    return base::Status::Corruption("outbox entry " + std::to_string(seq) + ": " +
                                    page.status().message());
  }
  return out;
}

}  // namespace pager
