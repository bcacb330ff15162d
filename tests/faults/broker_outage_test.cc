// The broker gone for 60 s while serve runs: escalations already under way keep paging, and
// what was produced meanwhile is consumed once the broker is back, exactly once.
#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/faults/fault_support.h"

namespace {

using ingest_test::Broker;
using ingest_test::ChildProcess;
using nlohmann::json;
using testing_support::TempDir;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

}  // namespace

TEST_CASE(
    "broker outage for 60 s: timers fire and pages go out during it; afterwards serve "
    "catches up exactly once",
    "[faults][outage]") {
  const auto started = Clock::now();
  TempDir dir;
  const std::string d = dir.str();
  const std::string err = d + "/serve.err";
  Broker broker(1, d + "/broker.err");
  // alice at once, bob 15 s and gus 35 s after the case opened: both inside the outage.
  const std::string config = serve_fixture::WriteConfig(dir, 15, 35);
  const std::string data = d + "/data";
  const std::string endpoint = "ipc://" + d + "/pager.sock";
  auto serve = serve_fixture::StartServe(broker, config, data, endpoint, err);
  INFO("serve stderr:\n" << testing_support::ReadFile(err));
  auto alice = serve_fixture::StartPager(endpoint, "alice", 60, d + "/alice.err");
  auto bob = serve_fixture::StartPager(endpoint, "bob", 120, d + "/bob.err");
  auto gus = serve_fixture::StartPager(endpoint, "gus", 120, d + "/gus.err");
  for (const char* who : {"alice", "bob", "gus"}) {
    REQUIRE(serve_fixture::WaitForText(d + "/" + who + ".err", "connected", 20s));
  }

  const std::string paged_case = "case-111122223333-outage-paged";
  const base::Timestamp opened = serve_fixture::Now();
  serve_fixture::Publish(broker, dir, serve_fixture::CreateCase(paged_case, opened));
  auto alice_page = alice->ReadLine(30s);
  REQUIRE(alice_page);
  CHECK(json::parse(*alice_page).at("case") == paged_case);

  REQUIRE(broker.Control("down 1").rfind("ok", 0) == 0);
  const auto down_at = Clock::now();
  // Produced during the outage by a client of the test's own, which keeps them until the broker
  // is back (kcat gives up once every broker is down).
  faults::Producer producer(broker.bootstrap);
  for (const auto& line : faults::Cases("case-111122223333-during", 5)) producer.Produce(line);

  auto bob_page = bob->ReadLine(40s);
  const double bob_s = Since(down_at);
  auto gus_page = gus->ReadLine(50s);
  const double gus_s = Since(down_at);
  REQUIRE(bob_page);
  REQUIRE(gus_page);
  std::printf("broker outage: bob's page %.1f s and gus's %.1f s into the outage\n", bob_s, gus_s);
  CHECK(json::parse(*bob_page).at("case") == paged_case);
  CHECK(json::parse(*gus_page).at("case") == paged_case);
  CHECK(json::parse(*gus_page).at("step") == 2);
  // Both came while the broker was down (it comes back at 60 s).
  CHECK(gus_s < 60);
  CHECK(serve_fixture::WaitForText(err, "kafka:", 1s));  // serve noticed the outage

  while (Since(down_at) < 60) std::this_thread::sleep_for(100ms);
  REQUIRE(broker.Control("up 1").rfind("ok", 0) == 0);
  const auto up_at = Clock::now();
  faults::PublishAll(broker, dir, faults::Cases("case-111122223333-after", 5));
  CHECK(producer.Flush(120s) == 0);
  REQUIRE(faults::WaitForOpened(data, 11, 90s) == 11);
  std::printf("broker outage: caught up %.1f s after the broker came back\n", Since(up_at));
  serve_fixture::StopServe(*serve, err);

  auto opened_cases = faults::OpenedInLog(data);
  REQUIRE(opened_cases);
  faults::CheckExactlyOnce(*opened_cases, faults::TopicCases(broker));
  // Each step paged once: the outage doubled nothing.
  auto log = serve_fixture::LogOf(data, paged_case);
  INFO(serve_fixture::Dump(log));
  auto paged = serve_fixture::OfType(log, "paged");
  REQUIRE(paged.size() == 3);
  CHECK(paged[0].at("engineer") == "alice");
  CHECK(paged[1].at("engineer") == "bob");
  CHECK(paged[2].at("engineer") == "gus");
  std::printf("broker outage test: %.0f s\n", Since(started));
}
