// Proves `escalator report` over logs written by `escalator simulate` (and receipts appended as
// serve's pager would log them): exact counts, compliance and percentiles, one scenario per
// breach code, a business-time level-4 response, a next-response clock, windows that are empty
// or cut a case in two, bad arguments, and every figure recomputed apart from the log; and that
// the rollups simulate kept equal those rebuilt from the log, and give the exact fold's figures
// (counts exactly, percentiles within the histogram's stated error).
//
// Expectations are worked out by hand from tests/scenarios/data/config.yaml (its header says
// who is on call when) and the feeds of tests/report/data/make_report_scenarios.py and
// tests/scenarios/data/make_scenarios.py. Times are UTC; New York is UTC-5 in November 2026.
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/config.h"
#include "engine/layouts.h"
#include "engine/report_keys.h"
#include "engine/report_rollups.h"
#include "router/codec.h"
#include "store/event_log.h"
#include "tests/report/simulated_log.h"
#include "tests/test_support.h"

namespace {

using nlohmann::json;
using report_testing::Config;
using report_testing::ReportFile;
using report_testing::ScenarioFile;
using report_testing::SimulatedLog;
using testing_support::EscalatorBin;
using testing_support::RunCommand;
using testing_support::SourceDir;
using testing_support::TempDir;

const json& GroupOf(const json& report, const std::string& key) {
  for (const auto& g : report["groups"]) {
    if (g["key"] == key) return g;
  }
  FAIL("no group " << key << " in " << report.dump());
  return report;
}

json Percentiles(json p50, json p90, json p99, json max) {
  return {{"p50", p50}, {"p90", p90}, {"p99", p99}, {"max", max}};
}

// The breach reason of the only breach of a scenario's log over November 2026.
json OnlyBreach(const SimulatedLog& log) {
  const json r = log.ReportJson("2026-10-01T00:00:00Z", "2026-12-31T00:00:00Z");
  REQUIRE(r["breaches"].size() == 1);
  return r["breaches"][0];
}

}  // namespace

TEST_CASE("Exact counts, compliance and percentiles", "[report][scenario]") {
  // Tuesday 2026-11-10, Northwind (24x7: the always clock). Level 1: acks after 3, 6, 9 and 12
  // minutes and one never (breached at 16:15): 4 met, compliance 0.8, first responses
  // 180/360/540/720 s: p50 = rank 2 = 360, p90 = rank 4 = 720. Level 2: resolved after 20
  // minutes unanswered (met, resolved_unanswered) and acked after 30 minutes.
  SimulatedLog log({ReportFile("counts.jsonl")});
  const json r = log.ReportJson("2026-11-10T00:00:00Z", "2026-11-11T00:00:00Z");
  CHECK(r["from"] == "2026-11-10T00:00:00Z");
  CHECK(r["by"] == "level");
  REQUIRE(r["groups"].size() == 2);
  const json& l1 = GroupOf(r, "1");
  CHECK(l1["clocks"] == 5);
  CHECK(l1["met"] == 4);
  CHECK(l1["breached"] == 1);
  CHECK(l1["open"] == 0);
  CHECK(l1["resolved_unanswered"] == 0);
  CHECK(l1["compliance"] == 0.8);
  CHECK(l1["first_response_s"] == Percentiles(360, 720, 720, 720));
  // Pages: p1; p1, s2, eae1 (twice); p1, s2, eae1, edm1, mgr; and the breached case's two
  // cycles of five: 1 + 3 + 3 + 5 + 10. Its second cycle reached step 6.
  CHECK(l1["pages"] == 22);
  CHECK(l1["deepest_step"] == 6);
  const json& l2 = GroupOf(r, "2");
  CHECK(l2["clocks"] == 2);
  CHECK(l2["met"] == 2);
  CHECK(l2["resolved_unanswered"] == 1);
  CHECK(l2["compliance"] == 1.0);
  CHECK(l2["first_response_s"] == Percentiles(1800, 1800, 1800, 1800));
  CHECK(l2["time_to_resolve_s"]["p50"] == 1200);
  CHECK(r["total"]["clocks"] == 7);
  CHECK(r["total"]["met"] == 6);
  // p1 acknowledged all five answers: 3, 6, 9, 12 and 30 minutes after their first page.
  const json& p1 = r["engineers"][3];
  REQUIRE(p1["engineer"] == "p1");
  CHECK(p1["acks"] == 5);
  CHECK(p1["median_ack_s"] == 540);
  CHECK(p1["pages"] == 8);
  CHECK(p1["business"] == 7);
  CHECK(p1["off_hours"] == 1);  // 18:00Z: evening in UTC
  CHECK(p1["sleep"] == 0);
  REQUIRE(r["breaches"].size() == 1);
  CHECK(r["breaches"][0]["reason"] == "not_acknowledged_in_time");
  CHECK(r["breaches"][0]["detail"] ==
        "6 pages to p1, s2, eae1, edm1, mgr, none acknowledged by the due 2026-11-10T16:15:00Z");
}

TEST_CASE("Breach reasons: one scenario per code", "[report][scenario]") {
  SECTION("nobody on call: a step reached nobody") {
    // Night-time Sev2 on 24x7: step 1 (designated_eae) at 04:20Z is outside New York hours.
    const json b = OnlyBreach(SimulatedLog({ScenarioFile("step_resolves_to_nobody.jsonl")}));
    CHECK(b["reason"] == "nobody_on_call");
    CHECK(b["detail"].get<std::string>().starts_with(
        "reached nobody: cycle 0 step 1 at 2026-11-10T04:20:00Z (designated_eae)"));
    CHECK(b["level"] == 2);
    CHECK(b["first_response"] == nullptr);
  }
  SECTION("not acknowledged in time: how many pages, to whom") {
    const json b = OnlyBreach(SimulatedLog({ScenarioFile("launch_sev2_friday_1655.jsonl")}));
    CHECK(b["reason"] == "not_acknowledged_in_time");
    CHECK(b["detail"] ==
          "4 pages to p1, eae2, s1, edm1, none acknowledged by the due 2026-11-16T14:55:00Z");
    CHECK(b["customer"] == "444455556666");
    CHECK(b["customer_name"] == "Contoso Streaming");
    CHECK(b["plan"] == "launch");
    CHECK(b["opened"] == "2026-11-13T21:55:00Z");
    CHECK(b["due"] == "2026-11-16T14:55:00Z");
    REQUIRE(b["pages"].size() == 4);
    CHECK(b["pages"][0] == json({{"engineer", "p1"},
                                 {"at", "2026-11-13T21:55:00Z"},
                                 {"target", "schedule/primary"},
                                 {"delivered", nullptr},
                                 {"delivery_failed", nullptr}}));
  }
  SECTION("deferred outside coverage") {
    const json b = OnlyBreach(SimulatedLog({ScenarioFile("sev1_saturday_cloudfront.jsonl")}));
    CHECK(b["reason"] == "deferred_outside_coverage");
    CHECK(b["detail"].get<std::string>().starts_with(
        "started outside coverage: the fallback schedule was paged at once, the policy's first "
        "step at 2026-11-09T14:00:00Z"));
  }
  SECTION("severity raised after the new target had passed") {
    // Opened high at 10:00; critical at 10:30, when its 15-minute due (10:15) had passed.
    const json b = OnlyBreach(SimulatedLog({ScenarioFile("severity_upgrade.jsonl")}));
    CHECK(b["reason"] == "severity_raised_past_target");
    CHECK(b["level"] == 1);
    CHECK(b["due"] == "2026-11-10T10:15:00Z");
    CHECK(b["breached_at"] == "2026-11-10T10:30:00Z");
    CHECK(b["first_response"] == "2026-11-10T10:42:00Z");
  }
  SECTION("routed to the fallback schedule: a service out of scope, an unknown account") {
    const json scope = OnlyBreach(SimulatedLog({ScenarioFile("out_of_scope_service.jsonl")}));
    CHECK(scope["reason"] == "fallback_routing");
    CHECK(scope["plan"] == "enterprise");
    CHECK(scope["detail"].get<std::string>().starts_with(
        "routed to the fallback schedule (service amazon-rds out of scope)"));
    const json unknown = OnlyBreach(SimulatedLog({ScenarioFile("unknown_account.jsonl")}));
    CHECK(unknown["reason"] == "fallback_routing");
    CHECK(unknown["customer_name"] == "");
    CHECK(unknown["detail"].get<std::string>().starts_with(
        "routed to the fallback schedule (unknown account 999900001111)"));
  }
  SECTION("pages not delivered") {
    // The Friday launch case again, with every page logged delivery_failed 5 minutes after it
    // was decided, and the last one delivered after the due.
    SimulatedLog log({ScenarioFile("launch_sev2_friday_1655.jsonl")});
    std::vector<router::Event> receipts;
    for (const json& e : log.Events()) {
      if (e["type"] != "paged") continue;
      const auto at = *base::ParseInstant(e["at"].get<std::string>());
      receipts.push_back(router::DeliveryFailed{e["case"], at + std::chrono::minutes(5),
                                                e["engineer"], e["seq"], 4});
    }
    REQUIRE(receipts.size() == 4);
    const auto& last = std::get<router::DeliveryFailed>(receipts.back());
    receipts.push_back(router::Delivered{last.case_id, *base::ParseInstant("2026-11-16T15:30:00Z"),
                                         last.engineer, "phone", last.paged_seq});
    log.Append(receipts);
    const json r = log.ReportJson("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z");
    REQUIRE(r["breaches"].size() == 1);
    CHECK(r["breaches"][0]["reason"] == "pages_not_delivered");
    CHECK(r["breaches"][0]["detail"] ==
          "4 pages to p1, eae2, s1, edm1 by the due 2026-11-16T14:55:00Z, none delivered (4 "
          "logged delivery_failed)");
    const json& l2 = GroupOf(r, "2");
    CHECK(l2["pages"] == 4);
    CHECK(l2["pages_delivered"] == 1);
    CHECK(l2["pages_undelivered"] == 3);
  }
}

TEST_CASE("A level-4 first response counts business hours", "[report][scenario]") {
  // Wed 2026-11-25 15:00 New York (20:00Z), 12bh on ny-business; Thanksgiving and the Friday
  // after are holidays. p3 acks Tue Dec 1 09:30 New York: 2h (Wed) + 8h (Mon) + 0h30 (Tue) =
  // 10h30 of business time = 37800 s, though 5 days 18h30 of wall time (498600 s) passed.
  SimulatedLog log({ScenarioFile("sev4_holiday_weekend.jsonl")});
  const json r = log.ReportJson("2026-11-25T00:00:00Z", "2026-12-05T00:00:00Z");
  const json& l4 = GroupOf(r, "4");
  CHECK(l4["met"] == 1);
  CHECK(l4["first_response_s"] == Percentiles(37800, 37800, 37800, 37800));
  CHECK(l4["first_response_wall_clock"] == 0);
  CHECK(l4["time_to_ack_s"]["p50"] == 498600);
  // The rollups measured it on the calendar of the configuration simulate ran with, so the
  // report needs no --config for it.
  const json rolled =
      log.ReportJson("2026-11-25T00:00:00Z", "2026-12-05T00:00:00Z", "level", false);
  CHECK(GroupOf(rolled, "4")["first_response_s"]["p50"] == 37800);
  CHECK(GroupOf(rolled, "4")["first_response_wall_clock"] == 0);
  // Folding the log without the configuration, the calendar is unknown: wall time, and the
  // report says so.
  const json wall =
      log.ReportJson("2026-11-25T00:00:00Z", "2026-12-05T00:00:00Z", "level", false, {"--exact"});
  CHECK(GroupOf(wall, "4")["first_response_s"]["p50"] == 498600);
  CHECK(GroupOf(wall, "4")["first_response_wall_clock"] == 1);
}

TEST_CASE("A customer follow-up starts a next-response clock, counted in the same groups",
          "[report][scenario]") {
  // Opened 14:00Z, acked by p1 at 14:04; the customer writes at 15:00, which pages p1 again;
  // p1 acks at 15:10.
  SimulatedLog log({ReportFile("follow_up.jsonl")});
  const json r = log.ReportJson("2026-11-10T00:00:00Z", "2026-11-11T00:00:00Z");
  REQUIRE(r["groups"].size() == 1);
  const json& l1 = GroupOf(r, "1");
  CHECK(l1["clocks"] == 2);
  CHECK(l1["met"] == 2);
  CHECK(l1["first_response_s"] == Percentiles(240, 600, 600, 600));
  CHECK(l1["pages"] == 2);
  CHECK(r["breaches"].empty());
  const json by_schedule =
      log.ReportJson("2026-11-10T00:00:00Z", "2026-11-11T00:00:00Z", "schedule");
  // The follow-up pages the case's owner by name, not through a schedule.
  CHECK(GroupOf(by_schedule, "primary")["clocks"] == 1);
  CHECK(GroupOf(by_schedule, "p1")["clocks"] == 1);
}

TEST_CASE("A window that cuts a case in two counts each clock by its start", "[report][scenario]") {
  SimulatedLog log({ReportFile("follow_up.jsonl")});
  SECTION("ending as the follow-up starts: only the first clock") {
    const json r = log.ReportJson("2026-11-10T00:00:00Z", "2026-11-10T15:00:00Z");
    CHECK(r["total"]["clocks"] == 1);
    CHECK(r["total"]["first_response_s"]["max"] == 240);
  }
  SECTION("starting after the opening: only the follow-up clock") {
    const json r = log.ReportJson("2026-11-10T14:30:00Z", "2026-11-11T00:00:00Z");
    CHECK(r["total"]["clocks"] == 1);
    CHECK(r["total"]["first_response_s"]["max"] == 600);
  }
  SECTION("ending while the follow-up clock runs: open, not met") {
    const json r = log.ReportJson("2026-11-10T00:00:00Z", "2026-11-10T15:05:00Z");
    CHECK(r["total"]["clocks"] == 2);
    CHECK(r["total"]["met"] == 1);
    CHECK(r["total"]["open"] == 1);
    CHECK(r["total"]["compliance"] == 1.0);
  }
}

TEST_CASE("An empty window prints an empty report and exits 0", "[report]") {
  SimulatedLog log({ReportFile("follow_up.jsonl")});
  const json r = log.ReportJson("2027-01-01T00:00:00Z", "2027-01-02T00:00:00Z");
  CHECK(r["groups"].empty());
  CHECK(r["breaches"].empty());
  CHECK(r["engineers"].empty());
  CHECK(r["total"]["clocks"] == 0);
  CHECK(r["total"]["compliance"] == nullptr);
  CHECK(r["total"]["first_response_s"]["p50"] == nullptr);
  auto text = log.Report({"--from", "2026-11-10T12:00:00Z", "--to", "2026-11-10T12:00:00Z"});
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("Breaches: 0") != std::string::npos);
}

TEST_CASE("csv to a file: RFC 4180 records, nothing on stdout", "[report]") {
  SimulatedLog log({ReportFile("counts.jsonl")});
  TempDir out;
  const std::string path = (out.path() / "report.csv").string();
  auto r = log.Report({"--from", "2026-11-10T00:00:00Z", "--to", "2026-11-11T00:00:00Z", "--format",
                       "csv", "--out", path, "--config", Config()});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.empty());
  const std::string csv = testing_support::ReadFile(path);
  CHECK(csv.starts_with("section,key,name,clocks,met,breached,open,resolved_unanswered,"));
  CHECK(csv.find("\r\ngroup,1,,5,4,1,0,0,0,0.8,360,720,720,720,") != std::string::npos);
  CHECK(csv.ends_with("\r\n"));
}

TEST_CASE("The report reads a log another process holds open for writing", "[report]") {
  SimulatedLog log({ReportFile("follow_up.jsonl")});
  auto writer = store::EventLog::Open(log.data());  // takes the directory's lock, as serve does
  REQUIRE(writer.ok());
  const json r = log.ReportJson("2026-11-10T00:00:00Z", "2026-11-11T00:00:00Z");
  CHECK(r["total"]["clocks"] == 2);
}

TEST_CASE("Bad arguments exit 2 naming the problem", "[report]") {
  SimulatedLog log({ReportFile("follow_up.jsonl")});
  auto expect_usage = [&](const std::vector<std::string>& args, const std::string& names) {
    auto r = log.Report(args);
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(names) != std::string::npos);
    CHECK(r.out.empty());
  };
  expect_usage({"--from", "2026-11-11T00:00:00Z", "--to", "2026-11-10T00:00:00Z"},
               "--from 2026-11-11T00:00:00Z is after --to 2026-11-10T00:00:00Z");
  expect_usage({"--from", "2026-11-10T00:00:00", "--to", "2026-11-11T00:00:00Z"},
               "--from '2026-11-10T00:00:00' is not an ISO 8601 instant with Z or an offset");
  expect_usage({"--from", "2026-11-10T00:00:00Z", "--to", "tomorrow"}, "--to 'tomorrow'");
  expect_usage(
      {"--from", "2026-11-10T00:00:00Z", "--to", "2026-11-11T00:00:00Z", "--by", "severity"},
      "--by must be level, customer, plan, service, engineer or schedule, got "
      "'severity'");
  expect_usage(
      {"--from", "2026-11-10T00:00:00Z", "--to", "2026-11-11T00:00:00Z", "--format", "xml"},
      "--format must be text, json, csv or html, got 'xml'");
  expect_usage({"--from", "2026-11-10T00:00:00Z", "--to", "2026-11-11T00:00:00Z", "--format",
                "html", "--goal", "120"},
               "--goal must be a number in 0..100, got '120'");
  expect_usage({"--from", "2026-11-10T00:00:00Z"}, "--to");
  auto missing = RunCommand({EscalatorBin(), "report", "--data", "/nonexistent/escalator-data",
                             "--from", "2026-11-10T00:00:00Z", "--to", "2026-11-11T00:00:00Z"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("/nonexistent/escalator-data") != std::string::npos);
  auto help = RunCommand({EscalatorBin(), "report", "--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("when the clock STARTED in") != std::string::npos);
}

TEST_CASE("Every figure recomputed apart from the log equals the report's", "[report][scenario]") {
  // Every scenario feed in one log, plus receipts on some pages (delivered, delivery_failed,
  // superseded) so that every page figure has something to count; then
  // tests/report/recompute_report.py folds `escalator log --format json` by itself.
  SimulatedLog log({ScenarioFile("all_scenarios.jsonl"), ReportFile("counts.jsonl"),
                    ReportFile("follow_up.jsonl")});
  std::vector<router::Event> receipts;
  int n = 0;
  for (const json& e : log.Events()) {
    if (e["type"] != "paged") continue;
    const auto at = *base::ParseInstant(e["at"].get<std::string>());
    const uint64_t seq = e["seq"];
    if (n % 3 == 0) {
      receipts.push_back(
          router::Delivered{e["case"], at + std::chrono::seconds(2), e["engineer"], "phone", seq});
    } else if (n % 3 == 1) {
      receipts.push_back(
          router::DeliveryFailed{e["case"], at + std::chrono::minutes(5), e["engineer"], seq, 3});
    }
    if (n % 7 == 5) {
      receipts.push_back(router::PageSuperseded{e["case"], at, e["engineer"], seq,
                                                router::SupersededBy::kResponse});
    }
    ++n;
  }
  log.Append(receipts);
  TempDir tmp;
  const std::string log_path = (tmp.path() / "log.jsonl").string();
  {
    auto dump = RunCommand({EscalatorBin(), "log", "--data", log.data(), "--format", "json"});
    REQUIRE(dump.exit_code == 0);
    testing_support::WriteFile(log_path, dump.out);
  }
  struct Window {
    const char* from;
    const char* to;
  };
  const Window windows[] = {{"2026-10-01T00:00:00Z", "2027-01-01T00:00:00Z"},
                            {"2026-11-10T00:00:00Z", "2026-11-10T15:05:00Z"},
                            {"2026-11-09T12:00:00Z", "2026-11-13T22:00:00Z"}};
  for (const auto& w : windows) {
    for (const char* by : {"level", "customer", "plan", "service", "engineer", "schedule"}) {
      INFO("window " << w.from << " .. " << w.to << " by " << by);
      auto py = RunCommand({"/usr/bin/python3",
                            (SourceDir() / "tests/report/recompute_report.py").string(), log_path,
                            Config(), w.from, w.to, by});
      INFO("recompute stderr: " << py.err);
      REQUIRE(py.exit_code == 0);
      const json expected = json::parse(py.out);
      const json got = log.ReportJson(w.from, w.to, by);
      // The report says more (names, details, pages); every figure recomputed must match.
      REQUIRE(got["groups"].size() == expected["groups"].size());
      for (size_t i = 0; i < expected["groups"].size(); ++i) {
        for (const auto& [k, v] : expected["groups"][i].items()) {
          INFO("group " << i << " " << k);
          CHECK(got["groups"][i][k] == v);
        }
      }
      for (const auto& [k, v] : expected["total"].items()) {
        INFO("total " << k);
        CHECK(got["total"][k] == v);
      }
      REQUIRE(got["breaches"].size() == expected["breaches"].size());
      for (size_t i = 0; i < expected["breaches"].size(); ++i) {
        for (const auto& [k, v] : expected["breaches"][i].items()) {
          INFO("breach " << i << " " << k);
          CHECK(got["breaches"][i][k] == v);
        }
      }
      REQUIRE(got["engineers"].size() == expected["engineers"].size());
      for (size_t i = 0; i < expected["engineers"].size(); ++i) {
        for (const auto& [k, v] : expected["engineers"][i].items()) {
          INFO("engineer " << i << " " << k);
          CHECK(got["engineers"][i][k] == v);
        }
      }
    }
  }
}

TEST_CASE("The rollups kept as the log was written equal those rebuilt from it",
          "[report][rollups]") {
  // Every scenario and 600 cases at random instants, written by simulate (which keeps the
  // rollups batch by batch, 1,000 inputs each), then folded again from nothing.
  SimulatedLog log({ScenarioFile("all_scenarios.jsonl"), ReportFile("counts.jsonl"),
                    ReportFile("follow_up.jsonl"), ReportFile("many.jsonl")});
  const router::RollupCheck check = log.CheckRollups();
  INFO("mismatched " << check.mismatched.size() << ", missing " << check.missing.size()
                     << ", extra " << check.extra.size());
  for (const auto& key : check.mismatched) INFO(key);
  CHECK(check.consistent());
  CHECK(check.cases > 600);
  CHECK(check.keys > 2 * check.cases);  // a case record and at least one clock record each

  SECTION("a damaged rollup is found, and --rebuild repairs it") {
    {
      auto store = store::EventLog::Open(log.data());
      REQUIRE(store.ok());
      report::RollupDims dims;
      dims.kind = report::RollupKind::kService;
      dims.key = "medialive";
      const std::string key = router::ReportBucketKey(
          router::ReportDay(*base::ParseInstant("2026-11-10T12:00:00Z")), dims);
      auto stored = (*store)->Get(store::Family::kProjections, key);
      REQUIRE(stored.ok());
      REQUIRE(stored->has_value());
      store::Batch damage;
      damage.puts.push_back({store::Family::kProjections, key, report::RollupFigures{}.Encode()});
      damage.puts.push_back(
          {store::Family::kProjections, std::string(router::kReportPrefix) + "roll/junk", "x"});
      REQUIRE((*store)->Append(damage).ok());
    }
    const router::RollupCheck damaged = log.CheckRollups();
    CHECK(damaged.mismatched.size() == 1);
    CHECK(damaged.extra.size() == 1);
    auto rebuilt = log.Report({"--rebuild", "--config", Config()});
    INFO("stderr: " << rebuilt.err);
    REQUIRE(rebuilt.exit_code == 0);
    CHECK(rebuilt.err.find("1 changed, 0 added, 1 removed") != std::string::npos);
    CHECK(log.CheckRollups().consistent());
  }
  SECTION("--rebuild needs the configuration") {
    auto r = log.Report({"--rebuild"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--rebuild needs --config") != std::string::npos);
  }
}

namespace {

// Checks a percentile from the rollups against the exact one: equal, or within the
// histogram's bound (report/histogram.h: less than value / 128). Counts the differences.
void CheckWithin(const json& rolled, const json& exact, const std::string& what, int* differ) {
  INFO(what << ": rollups " << rolled << ", exact " << exact);
  if (exact.is_null()) {
    CHECK(rolled.is_null());
    return;
  }
  REQUIRE(rolled.is_number());
  const double a = rolled.get<double>();
  const double b = exact.get<double>();
  CHECK(std::abs(a - b) <= b / 128 + 0.001);
  if (a != b) ++*differ;
}

void CheckFigures(const json& rolled, const json& exact, const std::string& where, int* differ) {
  for (const auto& [k, v] : exact.items()) {
    INFO(where << " " << k);
    if (v.is_object()) {
      for (const auto& [p, x] : v.items())
        CheckWithin(rolled[k][p], x, where + " " + k + " " + p, differ);
    } else {
      CHECK(rolled[k] == v);  // counts, compliance, names: exactly
    }
  }
}

}  // namespace

TEST_CASE("Rollup figures equal the exact fold's: counts exactly, percentiles within 1/128",
          "[report][rollups]") {
  SimulatedLog log({ReportFile("many.jsonl")});
  struct Window {
    const char* from;
    const char* to;
    const char* read;  // what --verbose says the report read
  };
  const Window windows[] = {
      // Whole days whose facts all precede the end: buckets only.
      {"2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z", "4 day(s) from"},
      // Cut at both ends, and ending while clocks run: those days clock by clock.
      {"2026-11-09T13:30:00Z", "2026-11-11T09:15:00Z", "0 day(s) from"},
      // Whole days ending before the last day's clocks have ended: that day clock by clock.
      {"2026-11-09T00:00:00Z", "2026-11-11T00:00:00Z", "1 day(s) clock by clock"}};
  int differ = 0;
  for (const auto& w : windows) {
    for (const char* by : {"level", "customer", "plan", "service", "engineer", "schedule"}) {
      INFO("window " << w.from << " .. " << w.to << " by " << by);
      auto verbose = log.Report({"--from", w.from, "--to", w.to, "--by", by, "--config", Config(),
                                 "--verbose", "--format", "json"});
      REQUIRE(verbose.exit_code == 0);
      INFO("stderr: " << verbose.err);
      CHECK(verbose.err.find("from the rollups") != std::string::npos);
      CHECK(verbose.err.find(w.read) != std::string::npos);
      const json rolled = json::parse(verbose.out);
      const json exact = log.ReportJson(w.from, w.to, by, true, {"--exact"});
      REQUIRE(rolled["groups"].size() == exact["groups"].size());
      for (size_t i = 0; i < exact["groups"].size(); ++i) {
        CheckFigures(rolled["groups"][i], exact["groups"][i], "group " + std::to_string(i),
                     &differ);
      }
      CheckFigures(rolled["total"], exact["total"], "total", &differ);
      CHECK(rolled["breaches"] == exact["breaches"]);  // judged from records: exactly
      REQUIRE(rolled["engineers"].size() == exact["engineers"].size());
      for (size_t i = 0; i < exact["engineers"].size(); ++i) {
        const json& a = rolled["engineers"][i];
        const json& b = exact["engineers"][i];
        for (const auto& [k, v] : b.items()) {
          INFO("engineer " << b["engineer"] << " " << k);
          if (k == "median_ack_s") {
            CheckWithin(a[k], v, "median_ack_s", &differ);
          } else {
            CHECK(a[k] == v);
          }
        }
      }
    }
  }
  // Samples to the second do share bins: the difference is there, and within the bound.
  CHECK(differ > 0);
  // A summary leaves the breach list out and keeps its count.
  const json summary =
      log.ReportJson("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z", "level", true, {"--summary"});
  CHECK(!summary.contains("breaches"));
  CHECK(summary["total"]["breached"].get<int>() > 0);
}
