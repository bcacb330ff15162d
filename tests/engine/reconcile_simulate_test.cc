// Proves that a reconciliation snapshot goes through the one runtime (the node, here driven by
// simulate on its simulated clock): a missed case opened and escalating on its timers from the
// snapshot, a resolution, a bad case refused alone as one dead letter, and the same snapshot
// again adding no fact.
#include <catch2/catch.hpp>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.h"
#include "engine/simulation.h"
#include "feed/dead_letter.h"
#include "router/codec.h"
#include "store/event_log.h"
#include "tests/test_support.h"

namespace {

using testing_support::TempDir;

const std::string kFed = "case-111122223333-muen-2026-s0000000000001";
const std::string kMissed = "case-111122223333-muen-2026-s0000000000002";

std::string Details(const std::string& case_id, const std::string& status, const char* created) {
  return R"({"caseId":")" + case_id + R"(","displayId":"9","subject":"s","status":")" + status +
         R"(","serviceCode":"medialive","categoryCode":"c","severityCode":"critical",)"
         R"("submittedBy":"a@b","timeCreated":")" +
         created + R"(","language":"en"})";
}

const std::string kCreate =
    R"({"version":"0","id":"sim-1","detail-type":"Support Case Update","source":"aws.support",)"
    R"("account":"111122223333","time":"2026-11-24T14:00:00Z","detail":{"case-id":")" +
    kFed + R"(","event-name":"CreateCase","origin":"","case":)" +
    Details(kFed, "opened", "2026-11-24T14:00:00Z") + "}}";

// Taken at 15:00: the fed case resolved, a case created at 14:30 the feed missed, a bad one.
const std::string kSnapshot =
    R"({"account":"111122223333","taken_at":"2026-11-24T15:00:00Z","cases":[)" +
    Details(kFed, "resolved", "2026-11-24T14:00:00Z") + "," +
    Details(kMissed, "opened", "2026-11-24T14:30:00Z") + "," +
    R"({"caseId":"case-111122223333-muen-2026-s0000000000003","status":"opened"}]})";

}  // namespace

TEST_CASE("simulate applies snapshot lines through the node, as serve does") {
  TempDir dir;
  auto loaded =
      config::LoadConfigFile((testing_support::SharedDir() / "samples" / "config.yaml").string());
  REQUIRE(loaded.config);
  auto log = store::EventLog::Open(dir.str() + "/data", store::Options{});
  REQUIRE(log.ok());
  // The same snapshot twice; the run goes on to 15:30, so the missed case's timers fire.
  std::istringstream input(kCreate + "\n" + kSnapshot + "\n" + kSnapshot + "\n");
  router::SimulationOptions options;
  options.until = *base::ParseInstant("2026-11-24T15:30:00Z");
  auto summary = router::Simulate(**log, loaded.config, input, options);
  REQUIRE(summary.ok());
  CHECK(summary->lines == 3);
  CHECK(summary->dead_letters == 2);  // the bad case, once per snapshot message

  std::map<std::string, std::vector<router::Event>> by_case;
  REQUIRE((*log)
              ->Read(1, (*log)->next_seq(),
                     [&](uint64_t, std::string_view bytes) {
                       auto e = router::DecodeEvent(bytes);
                       REQUIRE(e.ok());
                       by_case[router::CaseIdOf(*e)].push_back(*e);
                       return true;
                     })
              .ok());
  auto count = [&](const std::string& case_id, router::EventType type) {
    int n = 0;
    for (const auto& e : by_case[case_id]) n += router::TypeOf(e) == type;
    return n;
  };
  // The fed case: resolved once, by the snapshot.
  CHECK(count(kFed, router::EventType::kCaseResolved) == 1);
  for (const auto& e : by_case[kFed]) {
    if (const auto* r = std::get_if<router::CaseResolved>(&e)) {
      CHECK(r->reconciled_at == *base::ParseInstant("2026-11-24T15:00:00Z"));
    }
  }
  // The missed case: opened once at its creation, breached at 14:45 (15m), and escalating from
  // the snapshot: step 0 at 15:00, later steps on their timers, none before the snapshot.
  CHECK(count(kMissed, router::EventType::kCaseOpened) == 1);
  CHECK(count(kMissed, router::EventType::kBreached) == 1);
  std::vector<base::Timestamp> steps;
  for (const auto& e : by_case[kMissed]) {
    if (const auto* x = std::get_if<router::Escalated>(&e)) steps.push_back(x->at);
    if (const auto* b = std::get_if<router::Breached>(&e)) {
      CHECK(b->at == *base::ParseInstant("2026-11-24T14:45:00Z"));
    }
    if (const auto* o = std::get_if<router::CaseOpened>(&e)) {
      CHECK(o->at == *base::ParseInstant("2026-11-24T14:30:00Z"));
      CHECK(o->reconciled_at == *base::ParseInstant("2026-11-24T15:00:00Z"));
    }
  }
  REQUIRE(steps.size() >= 3);
  CHECK(steps.front() == *base::ParseInstant("2026-11-24T15:00:00Z"));
  CHECK(steps.back() > *base::ParseInstant("2026-11-24T15:05:00Z"));
  // The bad case: refused, in the log, and in one dead letter naming it.
  CHECK(count("case-111122223333-muen-2026-s0000000000003", router::EventType::kInputRejected) ==
        2);
  std::vector<std::string> reasons;
  REQUIRE((*log)
              ->Scan(store::Family::kDeadLetters, "",
                     [&](std::string_view, std::string_view value) {
                       auto d = router::DecodeDeadLetter(value);
                       REQUIRE(d.ok());
                       reasons.push_back(d->reason);
                       return true;
                     })
              .ok());
  REQUIRE(reasons.size() == 2);
  CHECK(reasons[0] ==
        "snapshot of account 111122223333: 1 of 3 case(s) refused, the others applied: [field "
        "cases[2].severityCode missing]");
}
