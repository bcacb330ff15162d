// `escalator ics`: the final schedule as an RFC 5545 iCalendar, one VEVENT per
// shift, reproducible byte for byte for the same configuration and range.
#include <cstdint>
#include <iostream>
#include <sstream>
#include <string>

#include "base/hash.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "config/config.h"
#include "schedules/schedules.h"

namespace cli {
namespace {
constexpr char kCommand[] = "ics";

// 20261124T140211Z: RFC 5545 UTC date-time (seconds; milliseconds dropped).
std::string IcsTime(base::Timestamp t) {
  std::string iso = base::FormatInstant(std::chrono::floor<std::chrono::seconds>(t));
  std::string out;
  for (char c : iso)
    if (c != '-' && c != ':') out += c;
  return out;  // "2026-11-24T14:02:11Z" -> "20261124T140211Z"
}

// RFC 5545 TEXT escaping.
std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == ';' || c == ',') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// One content line, folded at 75 octets (continuations start with a space and
// carry 74), never splitting a UTF-8 sequence, ended by CRLF.
void WriteLine(std::ostream& out, const std::string& line) {
  size_t pos = 0;
  size_t limit = 75;
  while (line.size() - pos > limit) {
    size_t cut = pos + limit;
    while (cut > pos && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    out << line.substr(pos, cut - pos) << "\r\n ";
    pos = cut;
    limit = 74;
  }
  out << line.substr(pos) << "\r\n";
}

// The basis the UIDs were first published with: FNV's offset basis with its last digit lost
// (14695981039346656037). Kept, so that a calendar that subscribed before sees the same events
// rather than a second copy of each.
constexpr uint64_t kUidBasis = 1469598103934665603ull;

}  // namespace

int RunIcs(int argc, char** argv) {
  auto parsed = ParseFlags(
      kCommand,
      "The final schedule of --schedule over [--from, --to) as an iCalendar (RFC 5545):\n"
      "one VEVENT per shift with someone on call (UTC DTSTART/DTEND, UID stable per shift,\n"
      "DTSTAMP = --from so output is reproducible), optionally only --engineer's shifts.",
      {
          {"config", true, true, "the configuration file", ""},
          {"schedule", true, true, "the schedule", ""},
          {"from", true, true, "start of the range, ISO 8601 with Z or an offset", ""},
          {"to", true, true, "end of the range, exclusive (ISO 8601 instant)", ""},
          {"engineer", true, false, "only this engineer's shifts", ""},
      },
      argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const auto& f = parsed.flags;
  int exit = kExitOk;
  auto from = InstantFlag(kCommand, f, "from", exit);
  if (!from) return exit;
  auto to = InstantFlag(kCommand, f, "to", exit);
  if (!to) return exit;
  if (!(*from < *to)) return UsageError(kCommand, "--from must be before --to");
  auto loaded = LoadConfigOrReport(kCommand, f);
  if (!loaded) return kExitUsage;
  const config::Config& cfg = *loaded;
  const std::string name = *f.Get("schedule");
  const config::Schedule* schedule = cfg.FindSchedule(name);
  if (schedule == nullptr) {
    return UsageError(kCommand, "--schedule: unknown schedule '" + name + "'");
  }
  std::string only;
  if (auto e = f.Get("engineer")) {
    if (cfg.FindEngineer(*e) == nullptr)
      return UsageError(kCommand, "--engineer: unknown engineer '" + *e + "'");
    only = *e;
  }
  std::ostringstream out;
  WriteLine(out, "BEGIN:VCALENDAR");
  WriteLine(out, "VERSION:2.0");
  WriteLine(out, "PRODID:-//escalator//schedules//EN");
  WriteLine(out, "CALSCALE:GREGORIAN");
  WriteLine(out, "METHOD:PUBLISH");
  WriteLine(out, "X-WR-CALNAME:" + Escape("on call: " + name));
  const std::string stamp = IcsTime(*from);
  for (const auto& s : schedules::Shifts(*schedule, *from, *to)) {
    if (!s.engineer || (!only.empty() && *s.engineer != only)) continue;
    const config::Engineer* who = cfg.FindEngineer(*s.engineer);
    const std::string display =
        who && !who->name.empty() ? who->name + " (" + *s.engineer + ")" : *s.engineer;
    char uid[17];
    std::snprintf(uid, sizeof uid, "%016llx",
                  static_cast<unsigned long long>(base::Fnv1a64(
                      name + "|" + base::FormatInstant(s.start) + "|" + *s.engineer, kUidBasis)));
    WriteLine(out, "BEGIN:VEVENT");
    WriteLine(out, std::string("UID:") + uid + "@escalator");
    WriteLine(out, "DTSTAMP:" + stamp);
    WriteLine(out, "DTSTART:" + IcsTime(s.start));
    WriteLine(out, "DTEND:" + IcsTime(s.end));
    WriteLine(out, "SEQUENCE:0");
    WriteLine(out, "SUMMARY:" + Escape("On call: " + display + " - " + name));
    WriteLine(out, "DESCRIPTION:" + Escape("Schedule " + name + ", source " + s.source +
                                           ", engineer " + *s.engineer + "."));
    WriteLine(out, "TRANSP:TRANSPARENT");
    WriteLine(out, "END:VEVENT");
  }
  WriteLine(out, "END:VCALENDAR");
  std::cout << out.str();
  return kExitOk;
}

}  // namespace cli
