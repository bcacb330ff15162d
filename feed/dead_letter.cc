#include "feed/dead_letter.h"

#include <simdjson.h>

#include <cstring>
#include <nlohmann/json.hpp>

namespace router {

namespace {

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kB64[(v >> s) & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t v = uint8_t(in[i]) << 16;
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::optional<std::string> Unbase64(std::string_view in) {
  std::string out;
  uint32_t v = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    const char* p = std::strchr(kB64, c);
    if (!p || c == '\0') return std::nullopt;
    v = (v << 6) | uint32_t(p - kB64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char((v >> bits) & 0xff);
    }
  }
  return out;
}

}  // namespace

std::string EncodeDeadLetter(const DeadLetter& d) {
  bool utf8 = simdjson::validate_utf8(d.payload.data(), d.payload.size());
  nlohmann::ordered_json j;
  j["reason"] = d.reason;
  j["topic"] = d.topic;
  j["partition"] = d.partition;
  j["offset"] = d.offset;
  j["payload"] = utf8 ? d.payload : Base64(d.payload);
  j["payload_encoding"] = utf8 ? "utf-8" : "base64";
  return j.dump();
}

base::Result<DeadLetter> DecodeDeadLetter(std::string_view json) {
  try {
    auto j = nlohmann::json::parse(json);
    DeadLetter d;
    d.reason = j.at("reason").get<std::string>();
    d.topic = j.at("topic").get<std::string>();
    d.partition = j.at("partition").get<int32_t>();
    d.offset = j.at("offset").get<int64_t>();
    std::string payload = j.at("payload").get<std::string>();
    if (j.value("payload_encoding", "utf-8") == "base64") {
      auto raw = Unbase64(payload);
      if (!raw) return base::Status::Corruption("dead letter payload is not base64");
      d.payload = std::move(*raw);
    } else {
      d.payload = std::move(payload);
    }
    return d;
  } catch (const std::exception& e) {
    return base::Status::Corruption(std::string("bad dead letter record: ") + e.what());
  }
}

}  // namespace router
