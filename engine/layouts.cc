#include "engine/layouts.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "router/codec.h"
#include "router/reason_text.h"
#include "store/event_log.h"

namespace router {

namespace {

void JsonString(std::string& out, std::string_view v) {
  out += '"';
  // Runs of characters that need no escape are appended whole: this builds every page's
  // outbox entry, and a character at a time cost ~20 instructions each (~4% of serve's).
  size_t run = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    const auto ch = static_cast<unsigned char>(v[i]);
    if (ch >= 0x20 && ch != '"' && ch != '\\') continue;
    out.append(v.data() + run, i - run);
    run = i + 1;
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(ch));
        out += buf;
      }
    }
  }
  out.append(v.data() + run, v.size() - run);
  out += '"';
}

}  // namespace

std::string CaseKey(std::string_view case_id) {
  std::string k(kCaseKeyPrefix);
  k.append(case_id);
  return k;
}

std::string TimerKey(Timestamp due, std::string_view case_id) {
  // Timers are never due before 1970; clamping keeps the key order numeric.
  std::string k =
      store::EncodeSeq(static_cast<uint64_t>(std::max<int64_t>(0, base::ToUnixMillis(due))));
  k.append(case_id);
  return k;
}

base::Result<std::pair<Timestamp, std::string>> DecodeTimerKey(std::string_view key) {
  if (key.size() < 8) return base::Status::Corruption("timer key shorter than 8 bytes");
  uint64_t ms = store::DecodeSeq(key.substr(0, 8));
  return std::pair<Timestamp, std::string>(base::FromUnixMillis(static_cast<int64_t>(ms)),
                                           std::string(key.substr(8)));
}

std::string EncodeHistory(const std::vector<HandledCase>& history) {
  std::string out;
  wire::Writer w(&out);
  w.Byte(1);
  std::string nested;
  for (const auto& h : history) {
    nested.clear();
    wire::Writer n(&nested);
    n.String(1, h.engineer);
    n.Time(2, h.at);
    w.Bytes(1, nested);
  }
  return out;
}

base::Result<std::vector<HandledCase>> DecodeHistory(std::string_view bytes,
                                                     const std::string& account) {
  wire::Reader r(bytes);
  uint8_t version = 0;
  if (!r.ReadByte(&version)) return r.status();
  if (version != 1) return base::Status::Corruption("unknown history version");
  std::vector<HandledCase> out;
  uint32_t f;
  wire::Wire w;
  while (r.Next(&f, &w)) {
    if (f != 1) {
      r.Skip(w);
      continue;
    }
    wire::Reader n(r.Bytes(w));
    HandledCase h;
    h.account = account;
    uint32_t nf;
    wire::Wire nw;
    while (n.Next(&nf, &nw)) {
      if (nf == 1) {
        n.String(nw, &h.engineer);
      } else if (nf == 2) {
        n.Time(nw, &h.at);
      } else {
        n.Skip(nw);
      }
    }
    if (!n.ok()) return n.status();
    out.push_back(std::move(h));
  }
  if (!r.ok()) return r.status();
  return out;
}

std::string OutboxValue(const Paged& p, const CaseState& s) {
  std::string out;
  out.reserve(512);  // one allocation: entries run ~430 bytes
  out += "{\"case\":";
  JsonString(out, p.case_id);
  out += ",\"engineer\":";
  JsonString(out, p.engineer);
  out += ",\"at\":";
  JsonString(out, base::FormatInstant(p.at));
  out += ",\"step\":" + std::to_string(p.step);
  out += ",\"target\":";
  JsonString(out, p.target);
  out += ",\"reason\":";
  JsonString(out, ReasonText(p));
  out += ",\"reason_code\":";
  JsonString(out, ReasonCodeName(p.reason.code));
  out += ",\"display_id\":";
  JsonString(out, s.display_id);
  out += ",\"subject\":";
  JsonString(out, s.subject);
  out += ",\"severity\":";
  JsonString(out, s.severity_code);
  out += ",\"level\":" + std::to_string(s.level);
  out += ",\"customer\":";
  JsonString(out, s.account);
  out += ",\"service\":";
  JsonString(out, s.service);
  if (s.escalation) {
    out += ",\"due\":";
    JsonString(out, base::FormatInstant(s.escalation->due));
  }
  out += "}";
  return out;
}

std::string OffsetKey(std::string_view topic, int32_t partition) {
  return std::string(topic) + "/" + std::to_string(partition);
}

std::string EncodeOffset(int64_t next_offset) { return std::to_string(next_offset); }

std::optional<int64_t> DecodeOffset(std::string_view value) {
  if (value.empty() || value.size() > 19) return std::nullopt;
  int64_t n = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

std::string DeadLetterKey(std::string_view topic, int32_t partition, int64_t offset) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "/%010d/%020lld", partition, static_cast<long long>(offset));
  return std::string(topic) + buf;
}

std::optional<OutboxPage> ParseOutboxPage(uint64_t seq, std::string_view value) {
  auto j = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  auto text = [&](const char* name) -> const std::string* {
    auto it = j.find(name);
    return it != j.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
  };
  const std::string *case_id = text("case"), *engineer = text("engineer"), *at = text("at");
  if (case_id == nullptr || engineer == nullptr || at == nullptr) return std::nullopt;
  auto decided = base::ParseInstant(*at);
  if (!decided) return std::nullopt;
  OutboxPage page{seq, *case_id, *engineer, *decided, std::nullopt, std::string(value)};
  if (const std::string* failed = text("delivery_failed_at")) {
    page.delivery_failed_at = base::ParseInstant(*failed);
  }
  return page;
}

std::string MarkDeliveryFailed(std::string_view value, Timestamp at) {
  auto j = nlohmann::ordered_json::parse(value, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::string(value);
  j["delivery_failed_at"] = base::FormatInstant(at);
  return j.dump();
}

}  // namespace router
