// Proves that `serve --stop-after N` (router::StopAfter over serve's sink on a real log) stops
// only once the N inputs it consumed are in the log: inputs held back for event time (a
// partition still lagging, engine/node.h) keep it running until a later write applies them.
// The CI run that found it: the broker went down before any partition was reported caught up,
// and serve stopped with all 1,500 inputs held and none written.
#include <atomic>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "engine/serve_sink.h"
#include "store/event_log.h"
#include "tests/router/samples.h"
#include "tests/test_support.h"

namespace {

using namespace router;
using router_testing::T;

FeedEvent Create(const std::string& case_id, const char* at) {
  FeedEvent fe;
  fe.event_id = "ev-" + case_id;
  fe.case_id = case_id;
  fe.account = "111122223333";
  fe.action = FeedAction::kCreateCase;
  fe.at = T(at);
  CaseDetails d;
  d.case_id = case_id;
  d.service_code = "medialive";
  d.severity_code = "urgent";
  fe.details = d;
  return fe;
}

}  // namespace

TEST_CASE("stop-after waits for the inputs held back for event time, then stops with them logged") {
  testing_support::TempDir dir;
  auto log = store::EventLog::Open(dir.str());
  REQUIRE(log.ok());
  NodeOptions options;
  options.hold_until_sources_reported = true;  // as serve runs it
  auto sink = ServeSink::Create(**log, router_testing::SmallConfig(), options,
                                [] { return T("2026-12-01T00:00:00Z"); });
  REQUIRE(sink.ok());
  std::atomic<bool> stop{false};
  StopAfter counted(**sink, 2, stop);

  const FeedEvent a = Create("c-1", "2026-11-24T14:00:00Z");
  const FeedEvent b = Create("c-2", "2026-11-24T14:01:00Z");
  std::vector<IngestItem> items(2);
  items[0].topic = items[1].topic = "support.cases";
  items[0].offset = 0;
  items[0].event = &a;
  items[1].offset = 1;
  items[1].event = &b;

  // Given both inputs arrive before the partition is reported caught up,
  auto applied = counted.Apply(items);
  REQUIRE(applied.ok());
  // then they are held, not logged, and the count alone does not stop serve.
  CHECK(applied->appended == 0);
  CHECK(counted.HeldBack() == 2);
  CHECK_FALSE(stop.load());
  counted.ReportSources({{"support.cases", 0, true, 0}});
  CHECK_FALSE(stop.load());  // reported, but not yet applied: the timer loop's write does that

  // When the timer loop's write applies them,
  REQUIRE((*sink)->FireDue().ok());
  CHECK(counted.HeldBack() == 0);
  // then the next report before a poll stops serve, with both inputs in the log.
  counted.ReportSources({{"support.cases", 0, true, 0}});
  CHECK(stop.load());
  CHECK((*sink)->node().stats().appended == 2);
  REQUIRE((*log)->Flush().ok());
  CHECK((*log)->next_seq() > 2);
}

TEST_CASE("stop-after stops at once when nothing is held back") {
  testing_support::TempDir dir;
  auto log = store::EventLog::Open(dir.str());
  REQUIRE(log.ok());
  auto sink = ServeSink::Create(**log, router_testing::SmallConfig(), {},
                                [] { return T("2026-12-01T00:00:00Z"); });
  REQUIRE(sink.ok());
  std::atomic<bool> stop{false};
  StopAfter counted(**sink, 1, stop);
  const FeedEvent a = Create("c-1", "2026-11-24T14:00:00Z");
  std::vector<IngestItem> items(1);
  items[0].topic = "support.cases";
  items[0].event = &a;
  auto applied = counted.Apply(items);
  REQUIRE(applied.ok());
  CHECK(applied->appended == 1);
  CHECK(stop.load());
}
