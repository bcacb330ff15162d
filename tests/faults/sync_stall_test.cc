// Every fsync of serve's write-ahead log stalled (serve --fault-sync-delay-ms): escalations keep
// their steps, and nothing leaves serve (a page, an offset the group sees) before the write that
// decided it is durable: SIGKILLed the moment a page arrives, serve has that page in its log.
#include <signal.h>

#include <atomic>
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

constexpr int kStallMs = 1500;

}  // namespace

TEST_CASE(
    "fsync stalls of 1.5 s: pages keep their steps, none leaves before its write is "
    "durable, no offset is committed before it is",
    "[faults][stall]") {
  const auto started = Clock::now();
  TempDir dir;
  const std::string d = dir.str();
  const std::string err = d + "/serve.err";
  Broker broker(1, d + "/broker.err");
  // alice at once, bob at 4 s, gus at 8 s.
  const std::string config = serve_fixture::WriteConfig(dir, 4, 8);
  const std::string data = d + "/data";
  const std::string endpoint = "ipc://" + d + "/pager.sock";
  auto args = serve_fixture::ServeArgs(broker, config, data);
  args.insert(args.end(),
              {"--pager-endpoint", endpoint, "--fault-sync-delay-ms", std::to_string(kStallMs)});
  auto serve = std::make_unique<ChildProcess>(args, err);
  REQUIRE(serve_fixture::WaitForText(err, "assigned", 60s));
  INFO("serve stderr:\n" << testing_support::ReadFile(err));
  CHECK_THAT(testing_support::ReadFile(err), Catch::Contains("FAULT INJECTION"));
  auto alice = serve_fixture::StartPager(endpoint, "alice", 60, d + "/alice.err");
  auto bob = serve_fixture::StartPager(endpoint, "bob", 60, d + "/bob.err");
  auto gus = serve_fixture::StartPager(endpoint, "gus", 60, d + "/gus.err");
  for (const char* who : {"alice", "bob", "gus"}) {
    REQUIRE(serve_fixture::WaitForText(d + "/" + who + ".err", "connected", 20s));
  }

  const std::string paged_case = "case-111122223333-stall-paged";
  const base::Timestamp opened = serve_fixture::Now();
  serve_fixture::Publish(broker, dir, serve_fixture::CreateCase(paged_case, opened));
  // More feed while the steps run, one case per publish, each dated when it is published (event
  // time follows the feed, as a live feed's does): batch after batch waits on a sync.
  const base::Timestamp placeholder{std::chrono::milliseconds(978307200123)};
  const std::string stamp = base::FormatInstant(placeholder);
  ChildProcess feeder({"/bin/sh", "-c",
                       "for i in 1 2 3 4 5 6 7 8; do now=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ); "
                       "echo \"$0\" | sed \"s/STALLN/$i/g; s/" +
                           stamp + "/$now/g\" > " + d + "/one.jsonl; " + serve_fixture::Bin() +
                           " publish --brokers " + broker.bootstrap + " " + d +
                           "/one.jsonl || exit 1; sleep 0.5; done",
                       serve_fixture::CreateCase("case-111122223333-stall-STALLN", placeholder)},
                      d + "/feeder.err");

  // Meanwhile, on a thread of its own (the pages' arrival times are read on this one): the
  // group's committed offset, then what the log holds durably. An offset committed before its
  // batch is durable shows as more committed than the log holds, a sync stall long.
  struct Sample {
    int64_t committed;
    size_t durable;
  };
  std::vector<Sample> samples;
  std::atomic<bool> sampling{true};
  std::thread sampler([&] {
    const auto until = Clock::now() + 15s;
    while (sampling.load() && Clock::now() < until) {
      const auto committed =
          faults::TryCommittedOffset(broker.bootstrap, "escalator", "support.cases", 0);
      const auto durable = faults::OpenedInLog(data);
      if (committed && durable) samples.push_back({*committed, durable->size()});
    }
  });
  struct Arrival {
    std::string who;
    json page;
    double late_s;  // after the step's instant
  };
  std::vector<Arrival> arrivals;
  for (auto [pager, who, step_s] :
       {std::tuple{alice.get(), "alice", 0}, std::tuple{bob.get(), "bob", 4},
        std::tuple{gus.get(), "gus", 8}}) {
    auto line = pager->ReadLine(30s);
    INFO(who << ": " << testing_support::ReadFile(d + "/" + who + ".err"));
    REQUIRE(line);
    const auto late = serve_fixture::Now() - (opened + std::chrono::seconds(step_s));
    arrivals.push_back({who, json::parse(*line), std::chrono::duration<double>(late).count()});
  }
  sampling.store(false);
  // The moment gus's page is here, before anything else: the group's committed offset, then a
  // SIGKILL. Whatever a crash keeps, the page and the offset must be within it.
  const int64_t committed =
      faults::CommittedOffset(broker.bootstrap, "escalator", "support.cases", 0);
  serve->Signal(SIGKILL);
  REQUIRE(serve->Wait(10s));
  auto fed = feeder.Wait(60s);
  INFO("feeder: " << testing_support::ReadFile(d + "/feeder.err"));
  REQUIRE(fed);
  REQUIRE(*fed == 0);

  sampler.join();
  std::printf("fsync stall: %zu samples of (committed offset, cases durable) during the stalls\n",
              samples.size());
  CHECK(samples.size() >= 3);
  for (const Sample& s : samples) {
    INFO("committed " << s.committed << ", durable " << s.durable);
    CHECK(s.committed <= static_cast<int64_t>(s.durable));
  }
  for (const auto& a : arrivals) {
    std::printf("fsync stall %d ms: %s's page (step %d) arrived %.2f s after its instant\n",
                kStallMs, a.who.c_str(), a.page.at("step").get<int>(), a.late_s);
    CHECK(a.page.at("case") == paged_case);
    CHECK(a.late_s >= 0);  // never before its step
  }
  CHECK(arrivals[0].page.at("step") == 0);
  CHECK(arrivals[1].page.at("step") == 1);
  CHECK(arrivals[2].page.at("step") == 2);

  auto log = serve_fixture::LogOf(data, paged_case);
  INFO(serve_fixture::Dump(log));
  auto paged = serve_fixture::OfType(log, "paged");
  REQUIRE(paged.size() == 3);  // gus's too: it was durable before it left
  for (size_t i = 0; i < 3; ++i) {
    CHECK(paged[i].at("seq") == arrivals[i].page.at("seq"));
    CHECK(paged[i].at("engineer") == arrivals[i].who);
  }
  auto durable = faults::OpenedInLog(data);
  REQUIRE(durable);
  std::printf("fsync stall: at the kill %zu cases durable, the group committed offset %lld\n",
              durable->size(), static_cast<long long>(committed));
  CHECK(committed <= static_cast<int64_t>(durable->size()));

  // A serve without stalls picks up what the kill left, exactly once, and pages no step twice.
  auto again = serve_fixture::ServeArgs(broker, config, data);
  again.push_back("--exit-when-caught-up");
  auto r = ingest_test::Run(again, 60);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto opened_cases = faults::OpenedInLog(data);
  REQUIRE(opened_cases);
  faults::CheckExactlyOnce(*opened_cases, faults::TopicCases(broker));
  CHECK(serve_fixture::OfType(serve_fixture::LogOf(data, paged_case), "paged").size() == 3);
  std::printf("fsync stall test: %.0f s\n",
              std::chrono::duration<double>(Clock::now() - started).count());
}
