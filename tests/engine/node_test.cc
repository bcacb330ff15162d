// Proves the node's event time and relay rules on a real log: inputs ahead of the watermark
// wait for the lagging source and then apply in event-time order, and a page whose case was
// answered before it could leave is dropped from the outbox with a page_superseded event.
#include "engine/node.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "router/codec.h"
#include "store/event_log.h"
#include "tests/router/samples.h"
#include "tests/test_support.h"

namespace {

using namespace router;
using router_testing::T;
using testing_support::TempDir;

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

IngestItem Item(const char* topic, int64_t offset, const FeedEvent* event,
                const Acknowledge* ack = nullptr) {
  IngestItem item;
  item.topic = topic;
  item.offset = offset;
  item.event = event;
  item.ack = ack;
  return item;
}

std::vector<std::string> Types(const store::EventLog& log) {
  std::vector<std::string> out;
  REQUIRE(log.Read(1, log.next_seq(),
                   [&](uint64_t, std::string_view bytes) {
                     auto e = DecodeEvent(bytes);
                     REQUIRE(e.ok());
                     out.emplace_back(TypeName(*e));
                     return true;
                   })
              .ok());
  return out;
}

uint64_t OutboxSize(const store::EventLog& log) {
  uint64_t n = 0;
  REQUIRE(log.Scan(store::Family::kOutbox, "",
                   [&](std::string_view, std::string_view) {
                     ++n;
                     return true;
                   })
              .ok());
  return n;
}

}  // namespace

TEST_CASE("an acknowledgement ahead of the lagging feed waits for it, then applies in time order") {
  TempDir dir;
  auto log = store::EventLog::Open(dir.str());
  REQUIRE(log.ok());
  NodeOptions options;
  options.stuck_source_after = base::Duration(0);
  auto node = Node::Open(**log, router_testing::SmallConfig(), options);
  REQUIRE(node.ok());
  const Timestamp now = T("2026-12-01T00:00:00Z");
  (*node)->ReportSources({{"support.cases", 0, false}, {"escalator.commands", 0, false}}, now);

  // Given the ack (14:05) arrives before the case's creation (14:02) on the other topic,
  const Acknowledge ack{"c-1", "alice", T("2026-11-24T14:05:00Z")};
  auto held = (*node)->Apply({Item("escalator.commands", 0, nullptr, &ack)}, now);
  REQUIRE(held.ok());
  // then it is held: the feed has delivered nothing yet, and nothing is written.
  CHECK(held->appended == 0);
  CHECK((*log)->next_seq() == 1);

  // When the feed delivers the creation and a later event,
  const FeedEvent create = Create("c-1", "2026-11-24T14:02:00Z");
  const FeedEvent later = Create("c-2", "2026-11-24T14:10:00Z");
  REQUIRE((*node)
              ->Apply({Item("support.cases", 0, &create), Item("support.cases", 1, &later)}, now)
              .ok());
  // then the creation applies first, then the ack (both sources are past 14:05), and the
  // later creation waits for the commands topic to move past 14:10 or catch up.
  auto types = Types(**log);
  REQUIRE(!types.empty());
  CHECK(types.front() == "case_opened");
  CHECK(std::count(types.begin(), types.end(), "acknowledged") == 1);
  CHECK(std::count(types.begin(), types.end(), "case_opened") == 1);

  (*node)->ReportSources({{"support.cases", 0, true}, {"escalator.commands", 0, true}}, now);
  REQUIRE((*node)->FireDue(now).ok());
  types = Types(**log);
  CHECK(std::count(types.begin(), types.end(), "case_opened") == 2);
  // The stored offsets cover what was applied.
  auto offset = (*node)->StoredOffset("support.cases", 0);
  REQUIRE(offset.ok());
  CHECK(*offset == std::optional<int64_t>(2));
}

TEST_CASE("a page whose case was answered before it left is dropped as superseded") {
  TempDir dir;
  auto log = store::EventLog::Open(dir.str());
  REQUIRE(log.ok());
  auto node = Node::Open(**log, router_testing::SmallConfig());
  REQUIRE(node.ok());
  const Timestamp now = T("2026-12-01T00:00:00Z");
  // Given a case paged at its opening, its page still in the outbox,
  const FeedEvent create = Create("c-1", "2026-11-24T14:02:00Z");
  REQUIRE((*node)->Apply({Item("support.cases", 0, &create)}, now).ok());
  const uint64_t pages = OutboxSize(**log);
  REQUIRE(pages > 0);
  // a relay round before any answer drops nothing,
  auto none = (*node)->SupersedeAnsweredPages();
  REQUIRE(none.ok());
  CHECK(*none == 0);
  CHECK(OutboxSize(**log) == pages);

  // When the case is acknowledged before the relay sends the page,
  const Acknowledge ack{"c-1", "alice", T("2026-11-24T14:03:00Z")};
  REQUIRE((*node)->Apply({Item("escalator.commands", 0, nullptr, &ack)}, now).ok());
  auto dropped = (*node)->SupersedeAnsweredPages();
  REQUIRE(dropped.ok());
  // then every such page leaves the outbox with a page_superseded event, and the fold of the
  // log still equals the projections.
  CHECK(*dropped == pages);
  CHECK(OutboxSize(**log) == 0);
  auto types = Types(**log);
  CHECK(static_cast<uint64_t>(std::count(types.begin(), types.end(), "page_superseded")) == pages);
  auto rebuilt = (*node)->engine().Rebuild(false);
  REQUIRE(rebuilt.ok());
  CHECK(rebuilt->consistent());
}
