#include "pager/webhook_body.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <string_view>

#include "base/time.h"

namespace pager {
namespace {

using nlohmann::ordered_json;

// Replaces invalid UTF-8 instead of throwing: bodies are built from whatever
// the page carries.
std::string Dump(const ordered_json& j) {
  return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

// Slack's mrkdwn treats these three as control characters; its docs ask
// for exactly these escapes.
std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// At most `max` bytes, cut before a UTF-8 continuation byte so no character
// is split, with "..." when cut. Slack refuses a block whose text is over its
// limit (3000 for a section, 2000 for a field), so the whole post would fail.
std::string Cut(std::string text, size_t max) {
  if (text.size() <= max) return text;
  size_t end = max - 3;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text + "...";
}

std::string OrDash(const std::string& s) { return s.empty() ? "-" : s; }

std::string CaseName(const Page& p) { return p.display_id.empty() ? p.case_id : p.display_id; }

// "level 1 (urgent: full production outage)", or "level unknown".
std::string LevelText(int level) {
  const std::string_view meaning = LevelMeaning(level);
  if (meaning.empty()) return "level unknown";
  return "level " + std::to_string(level) + " (" + std::string(meaning) + ")";
}

// Slack's date token shows the instant in each reader's own time zone; the
// text after "|" is the fallback for clients that cannot.
std::string SlackDate(base::Timestamp t) {
  const auto unix_s = std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
  return "<!date^" + std::to_string(unix_s) + "^{date_short_pretty} {time}|" +
         base::FormatInstant(t) + ">";
}

ordered_json Mrkdwn(const std::string& text, size_t max) {
  return {{"type", "mrkdwn"}, {"text", Cut(text, max)}};
}

}  // namespace

std::string WebhookBody(const Page& p) {
  ordered_json j;
  j["page_id"] = StablePageId(p);
  j["seq"] = p.seq;
  j["case"] = p.case_id;
  j["display_id"] = p.display_id;
  j["customer"] = p.customer;
  j["level"] = p.level;
  j["level_meaning"] = LevelMeaning(p.level);
  j["subject"] = p.subject;
  j["service"] = p.service;
  j["severity"] = p.severity;
  j["due"] = p.due ? ordered_json(base::FormatInstant(*p.due)) : ordered_json(nullptr);
  j["step"] = p.step;
  j["target"] = p.target;
  j["engineer"] = p.engineer;
  j["why"] = p.reason;
  j["reason_code"] = p.reason_code;
  j["decided_at"] = base::FormatInstant(p.at);
  return Dump(j);
}

std::string SlackBody(const Page& p) {
  const std::string name = CaseName(p);
  const std::string level = LevelText(p.level);
  // The fallback is plain text (notifications, old clients): no escaping.
  const std::string fallback =
      "Page: " + name + ", " + level + ": " + OrDash(p.subject) + " (paging " + p.engineer + ")";
  const std::string headline =
      "*" + Escape(name) + "*  " + Escape(level) + "\n" + Escape(OrDash(p.subject));
  const std::string due = p.due ? SlackDate(*p.due) : "-";
  std::string who = "Paging *" + Escape(p.engineer) + "*, step " + std::to_string(p.step);
  if (!p.target.empty()) who += " via " + Escape(p.target);
  if (!p.reason.empty()) who += ": " + Escape(p.reason);

  ordered_json j;
  j["text"] = Cut(fallback, 3000);
  j["blocks"] = ordered_json::array({
      {{"type", "section"}, {"text", Mrkdwn(headline, 3000)}},
      {{"type", "section"},
       {"fields", ordered_json::array({
                      Mrkdwn("*Customer*\n" + Escape(OrDash(p.customer)), 2000),
                      Mrkdwn("*Service*\n" + Escape(OrDash(p.service)), 2000),
                      Mrkdwn("*Due*\n" + due, 2000),
                  })}},
      {{"type", "context"}, {"elements", ordered_json::array({Mrkdwn(who, 2000)})}},
  });
  return Dump(j);
}

}  // namespace pager
