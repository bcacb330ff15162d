// Proves the hand-built fixture is the sample configuration: the same cases escalate identically
// (same pages, steps, warnings, breaches) on shared/samples/config.yaml loaded by config::.
#include <catch2/catch.hpp>

#include "router/escalation.h"
#include "tests/router/escalation/fixture.h"
#include "tests/test_support.h"

using namespace escalation_test;

namespace {

std::vector<std::string> Story(const config::Config& c, const char* account, const char* service,
                               int level, const char* opened, const char* until) {
  auto s = router::Start(c, account, service, level, At(opened));
  REQUIRE(s.ok());
  const router::EscalationContext ctx{&c, nullptr, nullptr};
  auto r = router::Advance(*s, At(until), ctx);
  std::vector<std::string> out;
  for (const auto& e : StepsOf(r))
    out.push_back("step " + base::FormatInstant(e.at) + " " + std::to_string(e.cycle) + "/" +
                  std::to_string(e.step) + (e.empty ? " empty" : ""));
  for (const auto& p : PagesOf(r))
    out.push_back("page " + base::FormatInstant(p.at) + " " + p.engineer + " " +
                  router::PageCauseName(p.cause) + " " + p.target + " [" + p.source + "]");
  for (const auto& w : WarningsOf(r)) out.push_back("warning " + base::FormatInstant(w.at));
  for (const auto& b : BreachesOf(r)) out.push_back("breach " + base::FormatInstant(b.at));
  return out;
}

}  // namespace

TEST_CASE("the fixture and the loaded sample configuration escalate identically") {
  auto loaded =
      config::LoadConfigFile((testing_support::SharedDir() / "samples/config.yaml").string());
  for (const auto& e : loaded.errors) FAIL(e.ToString());
  REQUIRE(loaded.config);
  const auto fixture = SampleConfig();
  struct Row {
    const char* account;
    const char* service;
    int level;
    const char* opened;
    const char* until;
  };
  const Row rows[] = {
      {kNorthwind, "medialive", 1, "2026-11-24T15:00:00Z", "2026-11-24T16:00:00Z"},
      {kNorthwind, "medialive", 1, "2026-11-17T15:58:00Z", "2026-11-17T17:00:00Z"},
      {kNorthwind, "cloudfront", 1, "2026-11-28T08:00:00Z", "2026-11-30T18:00:00Z"},
      {kNorthwind, "medialive", 4, "2026-11-25T20:00:00Z", "2026-12-01T00:00:00Z"},
      {kContoso, "mediapackage", 2, "2026-11-27T16:50:00Z", "2026-11-30T12:00:00Z"},
      {kContoso, "mediapackage", 2, "2026-11-28T10:00:00Z", "2026-11-30T12:00:00Z"},
      {kContoso, "medialive", 3, "2026-12-24T16:00:00Z", "2026-12-29T18:00:00Z"},
      {"999900001111", "medialive", 1, "2026-11-24T11:50:00Z", "2026-11-24T13:00:00Z"},
      {kNorthwind, "amazon-rds", 2, "2026-11-24T13:00:00Z", "2026-11-24T16:00:00Z"},
  };
  for (const auto& row : rows) {
    INFO(row.account << " " << row.service << " level " << row.level << " at " << row.opened);
    auto want = Story(fixture, row.account, row.service, row.level, row.opened, row.until);
    CHECK(want.size() > 2);
    CHECK(Story(*loaded.config, row.account, row.service, row.level, row.opened, row.until) ==
          want);
  }
}
