// Proves `escalator retro` over logs written by `escalator simulate`: a business-hours clock's
// timeline with its weekend pause, the clocks met closest to their due, the account filter, the
// html page, and bad arguments exiting 2 with a message naming the problem.
//
// Expectations are worked out by hand from tests/scenarios/data/config.yaml and the feeds (see
// report_command_test.cc); times are UTC, New York is UTC-5 in November 2026.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/report/simulated_log.h"
#include "tests/test_support.h"

namespace {

using report_testing::Config;
using report_testing::ReportFile;
using report_testing::ScenarioFile;
using report_testing::SimulatedLog;
using testing_support::CommandResult;
using testing_support::EscalatorBin;
using testing_support::RunCommand;

CommandResult Retro(const SimulatedLog& log, const std::vector<std::string>& args) {
  std::vector<std::string> argv{EscalatorBin(), "retro", "--data", log.data()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv);
}

bool Has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

}  // namespace

TEST_CASE("retro: a Friday launch case, paused over the weekend, breached on Monday",
          "[retro][scenario]") {
  // Contoso (launch, ny-business) opens a Sev2 on Friday 16:55 New York: 5 minutes count on
  // Friday, the clock pauses until Monday 09:00 New York (14:00Z), and the 1h target falls due
  // at 14:55Z with nobody having acknowledged the four pages.
  SimulatedLog log({ScenarioFile("launch_sev2_friday_1655.jsonl")});
  auto r = Retro(log, {"--from", "2026-11-13T00:00:00Z", "--to", "2026-11-17T00:00:00Z", "--config",
                       Config()});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(Has(r.out, "1 case(s), 1 clock(s)"));
  CHECK(Has(r.out, "Contoso Streaming (444455556666)"));
  CHECK(Has(r.out,
            "clock opened 2026-11-13T21:55:00Z: BREACHED, level 2, due "
            "2026-11-16T14:55:00Z"));
  CHECK(Has(r.out, "not_acknowledged_in_time: 4 pages to p1, eae2, s1, edm1"));
  CHECK(Has(r.out, "spans: running 2026-11-13T21:55:00Z .. 2026-11-13T22:00:00Z (5m 00s)"));
  CHECK(Has(r.out, "paused  2026-11-13T22:00:00Z .. 2026-11-16T14:00:00Z (2d 16h)"));
  CHECK(Has(r.out,
            "routed: level 2, plan launch, target 1h on ny-business, due "
            "2026-11-16T14:55:00Z"));
  CHECK(Has(r.out, "2026-11-16T14:40:00Z  SLA warning: due 2026-11-16T14:55:00Z"));
  CHECK(Has(r.out, "2026-11-16T14:55:00Z  BREACHED: due 2026-11-16T14:55:00Z"));
  CHECK(Has(r.out, "(no clock met with a response)"));
  CHECK(r.err.empty());
}

TEST_CASE("retro: the clocks met closest to their due", "[retro][scenario]") {
  // The Tuesday at Northwind: level-1 acks 3, 6, 9 and 12 minutes into a 15-minute target
  // leave 12, 9, 6 and 3 minutes; the level-2 ack after 30 minutes leaves 30.
  SimulatedLog log({ReportFile("counts.jsonl")});
  auto r = Retro(log, {"--from", "2026-11-10T00:00:00Z", "--to", "2026-11-11T00:00:00Z", "--config",
                       Config()});
  REQUIRE(r.exit_code == 0);
  const size_t closest = r.out.find("Closest to breaching");
  REQUIRE(closest != std::string::npos);
  const std::string table = r.out.substr(closest);
  size_t at = 0;
  for (const char* row : {"000004", "000003", "000002", "000001", "000007"}) {
    INFO(row << " in\n" << table);
    const size_t found = table.find(row, at);
    REQUIRE(found != std::string::npos);
    at = found;
  }
  CHECK(Has(table, "3m 00s"));
  CHECK(Has(table, "30m 00s"));
  CHECK(Has(r.out, "Engineer load: "));
}

TEST_CASE("retro: --account keeps one customer's cases; html is one page", "[retro][scenario]") {
  SimulatedLog log({ScenarioFile("all_scenarios.jsonl")});
  const std::vector<std::string> window{
      "--from", "2026-11-01T00:00:00Z", "--to", "2026-12-08T00:00:00Z", "--config", Config()};
  std::vector<std::string> args = window;
  args.insert(args.end(), {"--account", "444455556666"});
  auto one = Retro(log, args);
  REQUIRE(one.exit_code == 0);
  // Contoso: a case answered, resolved and reopened (two clocks), and the Friday launch case.
  CHECK(Has(one.out, ", account 444455556666, as of the end: 2 case(s), 3 clock(s)"));
  CHECK(Has(one.out, "clock reopened 2026-11-10T17:00:00Z: MET, level 3"));
  CHECK_FALSE(Has(one.out, "Northwind"));

  args.insert(args.end(), {"--format", "html"});
  auto html = Retro(log, args);
  REQUIRE(html.exit_code == 0);
  CHECK(html.out.starts_with("<!DOCTYPE html>"));
  CHECK(Has(html.out, "<h1>SLA retrospective</h1>"));
  CHECK(Has(html.out, "data-case=\"case-444455556666-muen-2026-5ce0a10000000003\""));
  CHECK_FALSE(Has(html.out, "<script"));

  auto all = Retro(log, window);
  REQUIRE(all.exit_code == 0);
  CHECK(Has(all.out, "Northwind Sports (111122223333)"));
  CHECK(Has(all.out, "Initech Media"));
}

TEST_CASE("retro: bad arguments exit 2 naming the problem", "[retro]") {
  SimulatedLog log({ReportFile("follow_up.jsonl")});
  auto expect_usage = [&](const std::vector<std::string>& args, const std::string& names) {
    auto r = Retro(log, args);
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(Has(r.err, names));
    CHECK(r.out.empty());
  };
  expect_usage({"--from", "2026-11-11T00:00:00Z", "--to", "2026-11-10T00:00:00Z"},
               "--from 2026-11-11T00:00:00Z is after --to 2026-11-10T00:00:00Z");
  expect_usage({"--from", "2026-11-10", "--to", "2026-11-11T00:00:00Z"}, "--from '2026-11-10'");
  expect_usage(
      {"--from", "2026-11-10T00:00:00Z", "--to", "2026-11-11T00:00:00Z", "--format", "json"},
      "--format must be text or html, got 'json'");
  expect_usage({"--from", "2026-11-10T00:00:00Z", "--to", "2026-11-11T00:00:00Z", "--account", ""},
               "flag --account has an empty value");
  expect_usage({"--from", "2026-11-10T00:00:00Z", "--to", "2026-11-11T00:00:00Z", "--config",
                "/nonexistent/config.yaml"},
               "/nonexistent/config.yaml");
  expect_usage({"--to", "2026-11-11T00:00:00Z"}, "--from");
  auto missing = RunCommand({EscalatorBin(), "retro", "--data", "/nonexistent/escalator-data",
                             "--from", "2026-11-10T00:00:00Z", "--to", "2026-11-11T00:00:00Z"});
  CHECK(missing.exit_code == 2);
  CHECK(Has(missing.err, "cannot open the event log in '/nonexistent/escalator-data'"));
  auto help = RunCommand({EscalatorBin(), "retro", "--help"});
  CHECK(help.exit_code == 0);
  CHECK(Has(help.out, "STARTED in [--from, --to)"));
}
