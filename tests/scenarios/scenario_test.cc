// Proves that `escalator simulate` routes and escalates real feed files exactly as
// DESIGN.md "Escalation semantics, precisely" says: pages (who, when), acks, warnings, breaches.
//
// Every expectation below is worked out by hand from tests/scenarios/data/config.yaml
// (its header lists who is on call when) and the DESIGN rules; the feed files are
// written by tests/scenarios/data/make_scenarios.py. Times are UTC; New York is
// UTC-5 in November 2026 (DST ended Nov 1), so 09:00-17:00 New York = 14:00-22:00Z.
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/test_support.h"

namespace {

using nlohmann::json;
using testing_support::EscalatorBin;
using testing_support::RunCommand;
using testing_support::SourceDir;
using testing_support::TempDir;

std::string DataPath(const std::string& file) {
  return (SourceDir() / "tests/scenarios/data" / file).string();
}

// The log of one simulation, as parsed JSON lines of `escalator log --format json`.
struct Run {
  std::string summary;  // simulate's stdout
  std::string log;      // the raw JSON lines
  std::vector<json> events;

  // "AT ENGINEER" of every page of the case, sorted (pages at one instant have no order).
  std::vector<std::string> Pages(const std::string& case_id) const {
    return Collect(case_id, "paged", [](const json& e) {
      return e["at"].get<std::string>() + " " + e["engineer"].get<std::string>();
    });
  }
  std::vector<std::string> Warnings(const std::string& case_id) const {
    return Collect(case_id, "sla_warning", [](const json& e) {
      return e["at"].get<std::string>() + " due " + e["due"].get<std::string>();
    });
  }
  std::vector<std::string> Breaches(const std::string& case_id) const {
    return Collect(case_id, "breached", [](const json& e) {
      return e["at"].get<std::string>() + " due " + e["due"].get<std::string>();
    });
  }
  std::vector<std::string> Responses(const std::string& case_id) const {
    return Collect(case_id, "responded", [](const json& e) {
      return e["at"].get<std::string>() + " " + e["how"].get<std::string>() + " " +
             e["by"].get<std::string>();
    });
  }
  std::vector<std::string> Acks(const std::string& case_id) const {
    return Collect(case_id, "acknowledged", [](const json& e) {
      return e["at"].get<std::string>() + " " + e["engineer"].get<std::string>();
    });
  }
  // The events of one type for a case, in log order.
  std::vector<json> Of(const std::string& case_id, const std::string& type) const {
    std::vector<json> out;
    for (const auto& e : events) {
      if (e["case"] == case_id && e["type"] == type) out.push_back(e);
    }
    return out;
  }

 private:
  template <typename F>
  std::vector<std::string> Collect(const std::string& case_id, const std::string& type, F f) const {
    std::vector<std::string> out;
    for (const auto& e : Of(case_id, type)) out.push_back(f(e));
    std::sort(out.begin(), out.end());
    return out;
  }
};

Run Simulate(const std::string& input_file, const std::vector<std::string>& extra = {}) {
  TempDir dir;
  std::string data = (dir.path() / "data").string();
  std::vector<std::string> argv{
      EscalatorBin(), "simulate",           "--config", DataPath("config.yaml"),
      "--input",      DataPath(input_file), "--data",   data,
      "--quiet"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto sim = RunCommand(argv);
  INFO("simulate stderr: " << sim.err);
  REQUIRE(sim.exit_code == 0);
  auto log = RunCommand({EscalatorBin(), "log", "--data", data, "--format", "json"});
  INFO("log stderr: " << log.err);
  REQUIRE(log.exit_code == 0);
  Run run;
  run.summary = sim.out;
  run.log = log.out;
  std::istringstream lines(log.out);
  std::string line;
  while (std::getline(lines, line)) run.events.push_back(json::parse(line));
  return run;
}

std::string Case(const std::string& account, int n) {
  char suffix[3];
  std::snprintf(suffix, sizeof suffix, "%02d", n);
  return "case-" + account + "-muen-2026-5ce0a100000000" + suffix;
}

const std::string kNorthwind = "111122223333";  // annual + oncall_24x7, EAE eae1
const std::string kContoso = "444455556666";    // launch, EAE eae2
const std::string kInitech = "777700001111";    // annual without add-on, EAE eae3
const std::string kUnknown = "999900001111";

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("Sev1 at 3 a.m. Saturday on a 24x7 annual plan: wall-clock escalation, ack stops it",
          "[scenario]") {
  // Sat 2026-11-07 03:00 New York = 08:00Z; coverage `always`, target 15m.
  // Step 0 (0m) primary: p3 (Nov 6 12:00Z - Nov 7 12:00Z). Step 1 (5m) secondary s1
  // (week of Nov 2) + designated_eae: Saturday is outside ny-business, nobody.
  // Step 2 (10m) edm1 + mgr. Warning at 75% of 15m = 08:11:15. s1 acks at 08:12:
  // no breach, no second cycle.
  Run run = Simulate("sev1_saturday_24x7.jsonl");
  const std::string c = Case(kNorthwind, 1);
  CHECK(run.Pages(c) == Lines{"2026-11-07T08:00:00Z p3", "2026-11-07T08:05:00Z s1",
                              "2026-11-07T08:10:00Z edm1", "2026-11-07T08:10:00Z mgr"});
  CHECK(run.Warnings(c) == Lines{"2026-11-07T08:11:15Z due 2026-11-07T08:15:00Z"});
  CHECK(run.Breaches(c).empty());
  CHECK(run.Acks(c) == Lines{"2026-11-07T08:12:00Z s1"});
  CHECK(run.Responses(c) == Lines{"2026-11-07T08:12:00Z ack s1"});
  auto routed = run.Of(c, "routed");
  REQUIRE(routed.size() == 1);
  CHECK(routed[0]["level"] == 1);
  CHECK(routed[0]["coverage"] == "always");
  CHECK(routed[0]["due"] == "2026-11-07T08:15:00Z");
  for (const auto& p : run.Of(c, "paged")) {
    CHECK_FALSE(p["target"].get<std::string>().empty());
    CHECK_FALSE(p["reason"].get<std::string>().empty());
  }
}

TEST_CASE("The same Sev1 on CloudFront: business hours only, deferred to Monday", "[scenario]") {
  // CloudFront is excluded from the 24x7 add-on: coverage ny-business. Opened outside
  // it: the fallback schedule at once (general: g1, 00:00-12:00Z), and the policy at
  // the next opening, Mon Nov 9 09:00 NY = 14:00Z: step 0 primary p3 (Nov 9 12:00Z -
  // Nov 10 12:00Z), step 1 at 14:05 secondary s2 (week of Nov 9) + eae1 (inside
  // business now), step 2 at 14:10 edm1 + mgr; warning at 14:11:15, breach at due
  // 14:15, then the second cycle (repeat 1) at 14:15 / 14:20 / 14:25.
  Run run = Simulate("sev1_saturday_cloudfront.jsonl");
  const std::string c = Case(kNorthwind, 2);
  CHECK(run.Pages(c) ==
        Lines{"2026-11-07T08:00:00Z g1", "2026-11-09T14:00:00Z p3", "2026-11-09T14:05:00Z eae1",
              "2026-11-09T14:05:00Z s2", "2026-11-09T14:10:00Z edm1", "2026-11-09T14:10:00Z mgr",
              "2026-11-09T14:15:00Z p3", "2026-11-09T14:20:00Z eae1", "2026-11-09T14:20:00Z s2",
              "2026-11-09T14:25:00Z edm1", "2026-11-09T14:25:00Z mgr"});
  CHECK(run.Warnings(c) == Lines{"2026-11-09T14:11:15Z due 2026-11-09T14:15:00Z"});
  CHECK(run.Breaches(c) == Lines{"2026-11-09T14:15:00Z due 2026-11-09T14:15:00Z"});
  auto paged = run.Of(c, "paged");
  REQUIRE_FALSE(paged.empty());
  CHECK(paged[0]["engineer"] == "g1");
  CHECK(paged[0]["target"] == "schedule/general");
  auto routed = run.Of(c, "routed");
  REQUIRE(routed.size() == 1);
  CHECK(routed[0]["coverage"] == "ny-business");
  CHECK(routed[0]["due"] == "2026-11-09T14:15:00Z");
}

TEST_CASE("Launch-plan Sev2 on Friday 16:55: the clock stops for the weekend", "[scenario]") {
  // Fri Nov 13 16:55 NY = 21:55Z, coverage ny-business, target 1h. Step 0 primary p1
  // (Nov 13 12:00Z - Nov 14 12:00Z). 5 minutes run on Friday, so step 1 (20m) is Mon
  // Nov 16 09:15 NY = 14:15Z: eae2; step 2 (40m) at 14:35Z: secondary s1 (week of
  // Nov 16) + edm1. At the Monday opening (14:00Z) p1 is on call again and was
  // already paged by step 0: no resume page. Warning (45m) 14:40Z, breach (1h) 14:55Z.
  Run run = Simulate("launch_sev2_friday_1655.jsonl");
  const std::string c = Case(kContoso, 3);
  CHECK(run.Pages(c) == Lines{"2026-11-13T21:55:00Z p1", "2026-11-16T14:15:00Z eae2",
                              "2026-11-16T14:35:00Z edm1", "2026-11-16T14:35:00Z s1"});
  CHECK(run.Warnings(c) == Lines{"2026-11-16T14:40:00Z due 2026-11-16T14:55:00Z"});
  CHECK(run.Breaches(c) == Lines{"2026-11-16T14:55:00Z due 2026-11-16T14:55:00Z"});
}

TEST_CASE("Sev4 across a holiday weekend: 12 business hours skip Thanksgiving", "[scenario]") {
  // Wed Nov 25 15:00 NY = 20:00Z; 12bh on ny-business; Nov 26-27 are holidays.
  // Wed gives 2h, Mon Nov 30 8h, Tue 2h: due Tue Dec 1 11:00 NY = 16:00Z. Step 0:
  // eae3 at once (inside business). Step 1 (8bh) at Mon 15:00 NY = 20:00Z: primary
  // p3 (Nov 30 12:00Z - Dec 1 12:00Z). Warning (9bh) Mon 16:00 NY = 21:00Z. p3
  // acks Tue 14:30Z, before the due instant: no breach.
  Run run = Simulate("sev4_holiday_weekend.jsonl");
  const std::string c = Case(kInitech, 4);
  CHECK(run.Pages(c) == Lines{"2026-11-25T20:00:00Z eae3", "2026-11-30T20:00:00Z p3"});
  CHECK(run.Warnings(c) == Lines{"2026-11-30T21:00:00Z due 2026-12-01T16:00:00Z"});
  CHECK(run.Breaches(c).empty());
  CHECK(run.Responses(c) == Lines{"2026-12-01T14:30:00Z ack p3"});
  auto routed = run.Of(c, "routed");
  REQUIRE(routed.size() == 1);
  CHECK(routed[0]["level"] == 4);
  CHECK(routed[0]["due"] == "2026-12-01T16:00:00Z");
}

TEST_CASE("Severity upgrade mid-escalation: new policy from the change, breached at once",
          "[scenario]") {
  // Sev3 (4h) at Tue Nov 10 10:00Z: step 0 primary p3. At 10:30 a customer update
  // carries severity critical (level 1, 15m): due becomes opened + 15m = 10:15,
  // already past without a response, so breached at 10:30. The level-1 policy starts
  // over from 10:30: p3, at 10:35 secondary s2 (eae1: 05:35 NY, nobody), at 10:40
  // edm1 + mgr. mgr acks at 10:42. No warning: the level-3 one (13:00) never came
  // and a breach at the change says more than a warning.
  Run run = Simulate("severity_upgrade.jsonl");
  const std::string c = Case(kNorthwind, 5);
  CHECK(run.Pages(c) == Lines{"2026-11-10T10:00:00Z p3", "2026-11-10T10:30:00Z p3",
                              "2026-11-10T10:35:00Z s2", "2026-11-10T10:40:00Z edm1",
                              "2026-11-10T10:40:00Z mgr"});
  CHECK(run.Breaches(c) == Lines{"2026-11-10T10:30:00Z due 2026-11-10T10:15:00Z"});
  CHECK(run.Warnings(c).empty());
  CHECK(run.Responses(c) == Lines{"2026-11-10T10:42:00Z ack mgr"});
  auto changed = run.Of(c, "severity_changed");
  REQUIRE(changed.size() == 1);
  CHECK(changed[0]["to_level"] == 1);
  CHECK(changed[0]["due"] == "2026-11-10T10:15:00Z");
}

TEST_CASE("A reopened case starts a new clock", "[scenario]") {
  // Contoso (launch, ny-business) Sev3 at Tue Nov 10 15:00Z (10:00 NY): primary p1.
  // AWS answers at 15:20 (first response), resolved 16:00, reopened 17:00: a new
  // clock from 17:00: p1 again at once, step 1 (2h) at 19:00Z: eae2 + secondary s2.
  // s2 acks at 19:30; neither clock warns nor breaches.
  Run run = Simulate("reopen.jsonl");
  const std::string c = Case(kContoso, 6);
  CHECK(run.Pages(c) == Lines{"2026-11-10T15:00:00Z p1", "2026-11-10T17:00:00Z p1",
                              "2026-11-10T19:00:00Z eae2", "2026-11-10T19:00:00Z s2"});
  CHECK(run.Responses(c) ==
        Lines{"2026-11-10T15:20:00Z aws_communication cm-0006-1", "2026-11-10T19:30:00Z ack s2"});
  CHECK(run.Warnings(c).empty());
  CHECK(run.Breaches(c).empty());
  CHECK(run.Of(c, "case_reopened").size() == 1);
}

TEST_CASE("A case for an out-of-scope service pages the general rotation, repeated", "[scenario]") {
  // amazon-rds is out of scope: a fallback case (enterprise, 24x7). Level 1 repeats
  // once: the general rotation (g1 until 12:00Z) at 10:00 and one target later, 10:15.
  Run run = Simulate("out_of_scope_service.jsonl");
  const std::string c = Case(kNorthwind, 7);
  CHECK(run.Pages(c) == Lines{"2026-11-10T10:00:00Z g1", "2026-11-10T10:15:00Z g1"});
  CHECK(run.Warnings(c) == Lines{"2026-11-10T10:11:15Z due 2026-11-10T10:15:00Z"});
  CHECK(run.Breaches(c) == Lines{"2026-11-10T10:15:00Z due 2026-11-10T10:15:00Z"});
  auto routed = run.Of(c, "routed");
  REQUIRE(routed.size() == 1);
  CHECK(routed[0]["fallback"] == true);
}

TEST_CASE("An unknown account pages the general rotation; no handoff after the last step",
          "[scenario]") {
  // Level 2 (1h, repeat 0) at 11:30Z: g1 once. The 12:00Z handoff to g2 comes after
  // the last step of the last cycle: no page. Warning 12:15, breach 12:30.
  Run run = Simulate("unknown_account.jsonl");
  const std::string c = Case(kUnknown, 8);
  CHECK(run.Pages(c) == Lines{"2026-11-10T11:30:00Z g1"});
  CHECK(run.Warnings(c) == Lines{"2026-11-10T12:15:00Z due 2026-11-10T12:30:00Z"});
  CHECK(run.Breaches(c) == Lines{"2026-11-10T12:30:00Z due 2026-11-10T12:30:00Z"});
}

TEST_CASE("A step that resolves to nobody brings the next step forward", "[scenario]") {
  // Northwind 24x7 Sev2 at Tue Nov 10 04:00Z (23:00 NY): step 0 primary p3. Step 1
  // (20m) is designated_eae only, outside ny-business: nobody, so step 2 fires at
  // 04:20 too (secondary s2 + edm1), not at 04:40. Warning 04:45, breach 05:00.
  Run run = Simulate("step_resolves_to_nobody.jsonl");
  const std::string c = Case(kNorthwind, 9);
  CHECK(run.Pages(c) ==
        Lines{"2026-11-10T04:00:00Z p3", "2026-11-10T04:20:00Z edm1", "2026-11-10T04:20:00Z s2"});
  CHECK(run.Warnings(c) == Lines{"2026-11-10T04:45:00Z due 2026-11-10T05:00:00Z"});
  CHECK(run.Breaches(c) == Lines{"2026-11-10T05:00:00Z due 2026-11-10T05:00:00Z"});
}

TEST_CASE("A handoff in the middle of a step pages the incoming engineer", "[scenario]") {
  // Sev2 at 11:50Z: step 0 primary p3; primary hands off to p1 at 12:00Z while step 0
  // is current (step 1 is due 12:10): p1 is paged at 12:00 through schedule/primary.
  // p1 acks at 12:05: nothing more.
  Run run = Simulate("handoff_mid_step.jsonl");
  const std::string c = Case(kNorthwind, 10);
  CHECK(run.Pages(c) == Lines{"2026-11-10T11:50:00Z p3", "2026-11-10T12:00:00Z p1"});
  CHECK(run.Responses(c) == Lines{"2026-11-10T12:05:00Z ack p1"});
  CHECK(run.Warnings(c).empty());
  for (const auto& p : run.Of(c, "paged")) {
    if (p["engineer"] == "p1") CHECK(p["target"] == "schedule/primary");
  }
}

TEST_CASE("Malformed, out-of-order and refused lines are dead letters; the run goes on",
          "[scenario][simulate]") {
  // bad_lines.jsonl: a good Sev2 at 04:00Z, broken JSON, an ack without engineer,
  // the good line again (a duplicate), a CreateCase at 03:00 (before the clock), an
  // unknown severity, and p3's ack at 04:03 (the response).
  TempDir dir;
  std::string data = (dir.path() / "data").string();
  auto sim =
      RunCommand({EscalatorBin(), "simulate", "--config", DataPath("config.yaml"), "--input",
                  DataPath("bad_lines.jsonl"), "--data", data, "--format", "json", "--quiet"});
  INFO(sim.err);
  REQUIRE(sim.exit_code == 0);
  json summary = json::parse(sim.out);
  CHECK(summary["lines"] == 7);
  CHECK(summary["dead_letters"] == 4);
  CHECK(summary["out_of_order"] == 1);
  CHECK(summary["duplicates"] == 1);
  CHECK(summary["acks"] == 1);

  auto letters = RunCommand({EscalatorBin(), "dead-letters", "--data", data, "--format", "json"});
  REQUIRE(letters.exit_code == 0);
  std::vector<json> rows;
  std::istringstream lines(letters.out);
  std::string line;
  while (std::getline(lines, line)) rows.push_back(json::parse(line));
  REQUIRE(rows.size() == 4);
  CHECK(rows[0]["offset"] == 1);
  CHECK(rows[0]["reason"].get<std::string>().find("invalid JSON") != std::string::npos);
  CHECK(rows[1]["offset"] == 2);
  CHECK(rows[1]["reason"] == "command: field engineer missing");
  CHECK(rows[2]["offset"] == 4);
  CHECK(rows[2]["reason"].get<std::string>().rfind("out of time order", 0) == 0);
  CHECK(rows[3]["offset"] == 5);
  CHECK(rows[3]["reason"].get<std::string>().find("sev-zero") != std::string::npos);

  auto log = RunCommand({EscalatorBin(), "log", "--data", data, "--format", "json"});
  REQUIRE(log.exit_code == 0);
  std::istringstream events(log.out);
  int rejected = 0, responded = 0, opened = 0;
  while (std::getline(events, line)) {
    json e = json::parse(line);
    rejected += e["type"] == "input_rejected";
    responded += e["type"] == "responded";
    opened += e["type"] == "case_opened";
  }
  CHECK(rejected == 4);
  CHECK(opened == 1);
  CHECK(responded == 1);
}

TEST_CASE("simulate refuses bad usage with exit 2 and a clear error", "[simulate]") {
  TempDir dir;
  std::string data = (dir.path() / "data").string();
  auto missing = RunCommand({EscalatorBin(), "simulate", "--config", DataPath("config.yaml"),
                             "--input", DataPath("no-such-file.jsonl"), "--data", data});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("no-such-file.jsonl") != std::string::npos);
  auto until =
      RunCommand({EscalatorBin(), "simulate", "--config", DataPath("config.yaml"), "--input",
                  DataPath("reopen.jsonl"), "--data", data, "--until", "next tuesday"});
  CHECK(until.exit_code == 2);
  CHECK(until.err.find("--until") != std::string::npos);
  auto first = RunCommand({EscalatorBin(), "simulate", "--config", DataPath("config.yaml"),
                           "--input", DataPath("reopen.jsonl"), "--data", data, "--quiet"});
  REQUIRE(first.exit_code == 0);
  auto again = RunCommand({EscalatorBin(), "simulate", "--config", DataPath("config.yaml"),
                           "--input", DataPath("reopen.jsonl"), "--data", data, "--quiet"});
  CHECK(again.exit_code == 2);
  CHECK(again.err.find("empty log") != std::string::npos);
}

TEST_CASE("--until stops the clock: later inputs are not applied, later timers do not fire",
          "[simulate]") {
  // The CloudFront case with --until Monday 14:07Z: the deferred page, step 0 and
  // step 1 only; the timers after it stay pending.
  Run run = Simulate("sev1_saturday_cloudfront.jsonl", {"--until", "2026-11-09T14:07:00Z"});
  const std::string c = Case(kNorthwind, 2);
  CHECK(run.Pages(c) == Lines{"2026-11-07T08:00:00Z g1", "2026-11-09T14:00:00Z p3",
                              "2026-11-09T14:05:00Z eae1", "2026-11-09T14:05:00Z s2"});
  CHECK(run.summary.find("still pending") != std::string::npos);
  Run none = Simulate("reopen.jsonl", {"--until", "2026-11-10T14:00:00Z"});
  CHECK(none.events.empty());
  CHECK(none.summary.find("5 not reached") != std::string::npos);
}

TEST_CASE("Determinism: the same input and config give a byte-identical log", "[scenario]") {
  Run a = Simulate("all_scenarios.jsonl");
  Run b = Simulate("all_scenarios.jsonl");
  REQUIRE_FALSE(a.log.empty());
  CHECK(a.log == b.log);
  // Cases do not influence each other here (no `familiar` target): each case's pages
  // in the combined run are those of its own scenario.
  Run one = Simulate("handoff_mid_step.jsonl");
  CHECK(a.Pages(Case(kNorthwind, 10)) == one.Pages(Case(kNorthwind, 10)));
  Run two = Simulate("launch_sev2_friday_1655.jsonl");
  CHECK(a.Pages(Case(kContoso, 3)) == two.Pages(Case(kContoso, 3)));
  CHECK_FALSE(a.Pages(Case(kContoso, 3)).empty());
}
