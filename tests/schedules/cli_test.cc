// Proves the oncall, due, shifts and ics commands keep their JSON contracts on the sample
// configuration, refuse bad input with exit 2 naming it, and that ics parses as real iCalendar;
// and that every command with --format refuses a value other than text or json in the same words.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "tests/test_support.h"

using nlohmann::json;
using testing_support::EscalatorBin;
using testing_support::RunCommand;
using testing_support::SharedDir;

namespace {
std::string SampleConfig() { return (SharedDir() / "samples" / "config.yaml").string(); }

testing_support::CommandResult Run(std::vector<std::string> args) {
  args.insert(args.begin(), EscalatorBin());
  return RunCommand(args);
}

std::vector<json> JsonLines(const std::string& text) {
  std::vector<json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(json::parse(line));
  return out;
}
}  // namespace

// Expected values are the ones worked out by hand in oncall_test.cc and coverage_test.cc.
TEST_CASE("oncall --format json: one object per schedule, exact contract") {
  auto r = Run({"oncall", "--config", SampleConfig(), "--at", "2026-11-24T09:02:11-05:00",
                "--schedule", "video-sme-primary", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  // Tue 14:02Z: London window (08-16Z), London week 3 = erin; New York takes over at 16:00Z.
  CHECK(r.out ==
        "{\"schedule\":\"video-sme-primary\",\"at\":\"2026-11-24T14:02:11Z\",\"oncall\":\"erin\","
        "\"source\":\"london\",\"until\":\"2026-11-24T16:00:00Z\"}\n");
  r = Run(
      {"oncall", "--config", SampleConfig(), "--at", "2026-11-24T14:02:11Z", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  auto lines = JsonLines(r.out);
  REQUIRE(lines.size() == 3);
  // 12h custom rotation: handoff 655 = bob; weekly secondary week 3 = bob until Mon 09:00 EST.
  CHECK(lines[0] == json::parse(R"({"schedule":"enterprise-support","at":"2026-11-24T14:02:11Z",
        "oncall":"bob","source":"layer-1","until":"2026-11-25T00:00:00Z"})"));
  CHECK(lines[1]["oncall"] == "erin");
  CHECK(lines[2] == json::parse(R"({"schedule":"video-sme-secondary","at":"2026-11-24T14:02:11Z",
        "oncall":"bob","source":"layer-1","until":"2026-11-30T14:00:00Z"})"));
  // Before the rotations start nobody is on call: null engineer and source.
  r = Run({"oncall", "--config", SampleConfig(), "--at", "2026-10-01T00:00:00Z", "--schedule",
           "video-sme-primary", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  auto gap = json::parse(r.out);
  CHECK(gap["oncall"].is_null());
  CHECK(gap["until"] == "2026-11-02T01:00:00Z");
}

TEST_CASE("due --format json: level, due, calendars and first schedule") {
  auto r = Run({"due", "--config", SampleConfig(), "--account", "111122223333", "--service",
                "cloudfront", "--severity", "critical", "--opened", "2026-11-28T03:00:00Z",
                "--format", "json"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out ==
        "{\"level\":1,\"due\":\"2026-11-30T14:15:00Z\",\"coverage\":\"us-east-business\","
        "\"business\":\"us-east-business\",\"schedule\":\"enterprise-support\","
        "\"fallback\":false}\n");
  r = Run({"due", "--config", SampleConfig(), "--account", "444455556666", "--service",
           "mediaconvert", "--severity", "low", "--opened", "2026-12-24T10:00:00Z", "--format",
           "json"});
  REQUIRE(r.exit_code == 0);
  CHECK(json::parse(r.out) == json::parse(R"({"level":4,"due":"2026-12-29T14:00:00Z",
        "coverage":"uk-business","business":"uk-business","schedule":"enterprise-support",
        "fallback":false})"));
  r = Run({"due", "--config", SampleConfig(), "--account", "111122223333", "--service", "medialive",
           "--severity", "critical", "--opened", "2026-11-28T03:00:00Z"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("2026-11-28T03:15:00Z") != std::string::npos);
}

TEST_CASE("due answers an unknown account as the router routes it: the fallback route, exit 0") {
  // The router routes a case of an account it does not know to the fallback schedule under the
  // enterprise plan (coverage and business `always`); due says the same, and that it is a fallback.
  auto r =
      Run({"due", "--config", SampleConfig(), "--account", "000000000000", "--service", "medialive",
           "--severity", "critical", "--opened", "2026-11-24T00:00Z", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out ==
        "{\"level\":1,\"due\":\"2026-11-24T00:15:00Z\",\"coverage\":\"always\","
        "\"business\":\"always\",\"schedule\":\"enterprise-support\",\"fallback\":true}\n");
  r = Run({"due", "--config", SampleConfig(), "--account", "000000000000", "--service", "medialive",
           "--severity", "critical", "--opened", "2026-11-24T00:00Z"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("unknown account 000000000000: general enterprise support (always)") !=
        std::string::npos);
  CHECK(r.out.find("\n  route: fallback") != std::string::npos);
  // An unknown severity code stays a usage error.
  r = Run({"due", "--config", SampleConfig(), "--account", "000000000000", "--service", "medialive",
           "--severity", "sev9", "--opened", "2026-11-24T00:00Z"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "escalator due: --severity: unknown severity 'sev9' (not in severity_map)\n");
}

TEST_CASE("shifts --format json tiles the range with the override visible") {
  auto r = Run({"shifts", "--config", SampleConfig(), "--schedule", "video-sme-primary", "--from",
                "2026-12-24T12:00:00Z", "--to", "2026-12-27T00:00:00Z", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  CHECK(
      r.out ==
      "{\"engineer\":\"erin\",\"start\":\"2026-12-24T12:00:00Z\",\"end\":\"2026-12-24T16:00:00Z\","
      "\"source\":\"london\"}\n"
      "{\"engineer\":\"bob\",\"start\":\"2026-12-24T16:00:00Z\",\"end\":\"2026-12-25T01:00:00Z\","
      "\"source\":\"new-york\"}\n"
      "{\"engineer\":\"dana\",\"start\":\"2026-12-25T01:00:00Z\",\"end\":\"2026-12-26T13:00:00Z\","
      "\"source\":\"override\"}\n"
      "{\"engineer\":\"erin\",\"start\":\"2026-12-26T13:00:00Z\",\"end\":\"2026-12-27T00:00:00Z\","
      "\"source\":\"nights-and-weekends\"}\n");
  // Before the first handoff the gap is a shift of its own.
  r = Run({"shifts", "--config", SampleConfig(), "--schedule", "video-sme-primary", "--from",
           "2026-11-01T00:00:00Z", "--to", "2026-11-02T02:00:00Z", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  auto lines = JsonLines(r.out);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == json::parse(R"({"engineer":null,"start":"2026-11-01T00:00:00Z",
        "end":"2026-11-02T01:00:00Z","source":null})"));
  CHECK(lines[1]["engineer"] == "alice");
}

TEST_CASE("bad input exits 2 with a message naming it") {
  struct Row {
    std::vector<std::string> args;
    const char* named;
  };
  const std::string c = SampleConfig();
  const Row rows[] = {
      {{"oncall", "--config", c, "--at", "2026-11-24T14:02:11"}, "2026-11-24T14:02:11"},
      {{"oncall", "--config", c, "--at", "2026-11-24T14:02:11Z", "--schedule", "nope"}, "nope"},
      {{"shifts", "--config", c, "--schedule", "ghost", "--from", "2026-11-24T00:00Z", "--to",
        "2026-11-25T00:00Z"},
       "ghost"},
      {{"shifts", "--config", c, "--schedule", "video-sme-primary", "--from", "2026-11-24", "--to",
        "2026-11-25T00:00Z"},
       "2026-11-24"},
      {{"due", "--config", c, "--account", "111122223333", "--service", "medialive", "--severity",
        "sev9", "--opened", "2026-11-24T00:00Z"},
       "sev9"},
      {{"due", "--config", c, "--account", "111122223333", "--service", "medialive", "--severity",
        "critical", "--opened", "noon"},
       "noon"},
      {{"ics", "--config", c, "--schedule", "video-sme-primary", "--from", "2026-11-24T00:00Z",
        "--to", "2026-11-25T00:00Z", "--engineer", "zed"},
       "zed"},
      {{"ics", "--config", c, "--schedule", "nada", "--from", "2026-11-24T00:00Z", "--to",
        "2026-11-25T00:00Z"},
       "nada"},
  };
  for (const auto& row : rows) {
    INFO(row.args[0] << " naming " << row.named);
    auto r = Run(row.args);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(row.named) != std::string::npos);
    CHECK(r.out.empty());
  }
}

TEST_CASE("every command with --format refuses anything but text or json in the same words") {
  const std::string c = SampleConfig();
  const std::string nowhere = "/nonexistent/escalator-format-test";
  const std::vector<std::vector<std::string>> commands = {
      {"oncall", "--config", c, "--at", "2026-11-24T14:02:11Z"},
      {"due", "--config", c, "--account", "111122223333", "--service", "medialive", "--severity",
       "critical", "--opened", "2026-11-24T00:00Z"},
      {"shifts", "--config", c, "--schedule", "video-sme-primary", "--from", "2026-11-24T00:00Z",
       "--to", "2026-11-25T00:00Z"},
      {"simulate", "--config", c, "--input", nowhere, "--data", nowhere},
      {"log", "--data", nowhere},
      {"explain", "--data", nowhere, "--case", "c-1"},
      {"dead-letters", "--data", nowhere},
      // Refused before they would connect anywhere.
      {"ack", "--brokers", "127.0.0.1:1", "--case", "c-1", "--engineer", "bob"},
      {"pager", "--endpoint", "tcp://127.0.0.1:1", "--engineer", "bob"},
  };
  for (auto args : commands) {
    INFO(args[0]);
    args.insert(args.end(), {"--format", "xml"});
    auto r = Run(args);
    CHECK(r.exit_code == 2);
    CHECK(r.err == "escalator " + args[0] + ": --format must be text or json, got 'xml'\n");
    CHECK(r.out.empty());
  }
}

TEST_CASE("ics UIDs keep the values they were published with") {
  // A subscribed calendar matches events by UID: a changed UID would show every shift twice.
  auto r = Run({"ics", "--config", SampleConfig(), "--schedule", "video-sme-primary", "--from",
                "2026-12-24T12:00:00Z", "--to", "2026-12-27T00:00:00Z"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("UID:c009c24d3cd2e0cb@escalator\r\n") != std::string::npos);  // erin from 12:00Z
  CHECK(r.out.find("UID:e32a711a00b646f6@escalator\r\n") != std::string::npos);
}

TEST_CASE("ics parses with python3-icalendar and matches shifts event for event") {
  testing_support::TempDir dir;
  const std::vector<std::string> range = {
      "--config", SampleConfig(),         "--schedule", "video-sme-primary",
      "--from",   "2026-10-25T00:00:00Z", "--to",       "2026-12-31T00:00:00Z"};
  auto args = range;
  args.insert(args.begin(), "ics");
  auto ics = Run(args);
  REQUIRE(ics.exit_code == 0);
  // Reproducible byte for byte.
  CHECK(Run(args).out == ics.out);
  // CRLF everywhere, no line over 75 octets.
  std::istringstream in(ics.out);
  for (std::string line; std::getline(in, line, '\n');) {
    REQUIRE(!line.empty());
    CHECK(line.back() == '\r');
    CHECK(line.size() - 1 <= 75);
  }
  auto path = dir.path() / "schedule.ics";
  testing_support::WriteFile(path, ics.out);
  const char* script = R"(
import sys, json, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
out = []
for ev in cal.walk('VEVENT'):
    s = ev.decoded('DTSTART'); e = ev.decoded('DTEND')
    assert s.utcoffset().total_seconds() == 0 and e.utcoffset().total_seconds() == 0
    out.append({'start': s.strftime('%Y-%m-%dT%H:%M:%SZ'), 'end': e.strftime('%Y-%m-%dT%H:%M:%SZ'),
                'summary': str(ev['SUMMARY']), 'uid': str(ev['UID']), 'seq': int(ev['SEQUENCE']),
                'stamp': ev.decoded('DTSTAMP').strftime('%Y%m%dT%H%M%SZ')})
print(json.dumps(out))
)";
  auto parsed = RunCommand({"/usr/bin/python3", "-c", script, path.string()});
  REQUIRE(parsed.exit_code == 0);
  auto events = json::parse(parsed.out);
  args = range;
  args.insert(args.begin(), "shifts");
  args.insert(args.end(), {"--format", "json"});
  auto shifts = Run(args);
  REQUIRE(shifts.exit_code == 0);
  std::vector<json> covered;
  for (auto& s : JsonLines(shifts.out))
    if (!s["engineer"].is_null()) covered.push_back(s);
  REQUIRE(events.size() == covered.size());
  REQUIRE(events.size() > 100);  // ~2 months of daily handoffs and weekday windows
  std::set<std::string> uids;
  for (size_t i = 0; i < events.size(); ++i) {
    INFO("event " << i);
    CHECK(events[i]["start"] == covered[i]["start"]);
    CHECK(events[i]["end"] == covered[i]["end"]);
    CHECK(events[i]["summary"].get<std::string>().find(covered[i]["engineer"].get<std::string>()) !=
          std::string::npos);
    CHECK(events[i]["seq"] == 0);
    CHECK(events[i]["stamp"] == "20261025T000000Z");
    uids.insert(events[i]["uid"].get<std::string>());
  }
  CHECK(uids.size() == events.size());
  // --engineer keeps only that engineer's shifts.
  args = range;
  args.insert(args.begin(), "ics");
  args.insert(args.end(), {"--engineer", "dana"});
  auto dana = Run(args);
  REQUIRE(dana.exit_code == 0);
  size_t dana_events = 0, dana_shifts = 0;
  for (size_t p = 0; (p = dana.out.find("BEGIN:VEVENT", p)) != std::string::npos; ++p)
    ++dana_events;
  for (auto& s : covered)
    if (s["engineer"] == "dana") ++dana_shifts;
  CHECK(dana_events == dana_shifts);
  CHECK(dana_events > 0);
}

TEST_CASE("ics folds long UTF-8 lines at 75 octets without splitting characters") {
  testing_support::TempDir dir;
  std::string yaml = testing_support::ReadFile(SampleConfig());
  const std::string long_name =
      "Erin Walsh-\u00d3 Se\u00e1ghdha, On-Call Lead for Live Video \u00e9v\u00e9nements "
      "\u2014 \u6771\u4eac";
  auto at = yaml.find("Erin Walsh");
  REQUIRE(at != std::string::npos);
  yaml.replace(at, std::string("Erin Walsh").size(), "\"" + long_name + "\"");
  auto cfg = dir.path() / "config.yaml";
  testing_support::WriteFile(cfg, yaml);
  auto ics = Run({"ics", "--config", cfg.string(), "--schedule", "video-sme-primary", "--from",
                  "2026-12-24T12:00:00Z", "--to", "2026-12-24T16:00:00Z"});
  REQUIRE(ics.exit_code == 0);
  CHECK(ics.out.find("\r\n ") != std::string::npos);  // at least one folded line
  std::istringstream in(ics.out);
  for (std::string line; std::getline(in, line, '\n');) {
    CHECK(line.size() - 1 <= 75);
    // A continuation never starts inside a UTF-8 sequence.
    if (line.size() > 1 && line[0] == ' ')
      CHECK((static_cast<unsigned char>(line[1]) & 0xC0) != 0x80);
  }
  auto path = dir.path() / "erin.ics";
  testing_support::WriteFile(path, ics.out);
  auto parsed = RunCommand({"/usr/bin/python3", "-c",
                            "import sys, icalendar\n"
                            "cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())\n"
                            "ev = list(cal.walk('VEVENT'))[0]\n"
                            "sys.stdout.buffer.write(str(ev['SUMMARY']).encode('utf-8'))\n",
                            path.string()});
  REQUIRE(parsed.exit_code == 0);
  CHECK(parsed.out ==
        "On call: Erin Walsh-\u00d3 Se\u00e1ghdha, On-Call Lead for Live Video "
        "\u00e9v\u00e9nements \u2014 \u6771\u4eac (erin) - video-sme-primary");
}
