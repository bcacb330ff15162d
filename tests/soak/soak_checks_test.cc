// The soak's judge fails the runs it must: fed a small clean run it passes every check, and
// fed that run with one fault each (an input applied twice, a page lost, a step fired twice,
// ...) it fails the check that names the fault, and only that one.
#include "tests/soak/soak_checks.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

namespace {

using nlohmann::json;
using soak::Check;

const std::string kCreate =
    R"({"id":"soak-ev-1","account":"111122223333","detail":{"case-id":"A"}})";
const std::string kResolve =
    R"({"id":"soak-ev-2","account":"111122223333","detail":{"case-id":"A"}})";
const std::string kBad = R"({"id":"soak-bad-1","account":"1111)";

struct Fixture {
  soak::RunRecord run;
  soak::Observed seen;
  Fixture() {
    run.published["soak-ev-1"] = {"soak-ev-1", true, "create", kCreate};
    run.published["soak-ev-2"] = {"soak-ev-2", true, "resolve", kResolve};
    run.published["soak-bad-1"] = {"soak-bad-1", false, "invalid JSON", kBad};
    run.stopped_at =
        std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
    run.ack_commands[{"A", "gus"}] = 1;
    seen.feed = std::vector<soak::TopicMessage>{{0, 0, kCreate}, {0, 1, kBad}, {0, 2, kResolve}};
    seen.dead_letter_topic = std::vector<soak::TopicMessage>{{0, 0, "{\"payload\":\"" + kBad}};
    seen.commands = std::vector<soak::TopicMessage>{
        {0, 0, R"({"type":"ack","case":"A","engineer":"gus","at":"2026-12-06T10:00:00Z"})"}};
    seen.log = std::vector<json>{
        {{"seq", 1}, {"type", "case_opened"}, {"case", "A"}, {"event_id", "soak-ev-1"}},
        {{"seq", 2}, {"type", "routed"}, {"case", "A"}, {"clock_start", "2026-12-06T10:00:00Z"}},
        {{"seq", 3}, {"type", "escalated"}, {"case", "A"}, {"step", 0}, {"cycle", 0}},
        Paged(4, "alice", 0),
        {{"seq", 5}, {"type", "delivered"}, {"case", "A"}, {"engineer", "alice"}, {"paged_seq", 4}},
        {{"seq", 6}, {"type", "input_rejected"}, {"case", ""}},
        {{"seq", 7}, {"type", "acknowledged"}, {"case", "A"}, {"engineer", "gus"}},
        {{"seq", 8}, {"type", "case_resolved"}, {"case", "A"}, {"event_id", "soak-ev-2"}},
    };
    seen.dead_letters = std::vector<json>{{{"payload", kBad}, {"reason", "invalid JSON"}}};
    seen.offsets["support.cases/0"] = "3";
    run.device_lines["alice"] = {R"({"seq":4,"case":"A","engineer":"alice","step":0})"};
  }
  static json Paged(int seq, const std::string& engineer, int step) {
    return {{"seq", seq},   {"type", "paged"}, {"case", "A"},    {"engineer", engineer},
            {"step", step}, {"cycle", 0},      {"cause", "step"}};
  }
  // The names of the checks that failed.
  std::vector<std::string> Failed() {
    soak::Figures figures;
    std::vector<std::string> failed;
    for (const Check& c : soak::Judge(run, seen, &figures)) {
      if (!c.ok) failed.push_back(c.name);
    }
    return failed;
  }
};

using Names = std::vector<std::string>;

}  // namespace

TEST_CASE("a clean run passes every check") {
  Fixture f;
  CHECK(f.Failed() == Names{});
}

TEST_CASE("each fault fails the check that names it") {
  Fixture f;
  SECTION("a valid input applied twice") {
    f.seen.log->push_back(
        {{"seq", 9}, {"type", "communication_added"}, {"case", "A"}, {"event_id", "soak-ev-2"}});
    CHECK(f.Failed() == Names{"every valid input applied exactly once"});
  }
  SECTION("a valid input never applied") {
    f.seen.log->pop_back();
    CHECK(f.Failed() == Names{"every valid input applied exactly once"});
  }
  SECTION("a published message missing from the topic") {
    f.seen.feed->pop_back();
    f.seen.log->pop_back();
    f.seen.offsets["support.cases/0"] = "2";
    CHECK(f.Failed() == Names{"feed on the topic (kcat)"});
  }
  SECTION("a dead letter lost") {
    f.seen.dead_letters->clear();
    CHECK(f.Failed() == Names{"every dead letter kept"});
  }
  SECTION("a dead letter kept twice") {
    f.seen.dead_letters->push_back(f.seen.dead_letters->front());
    f.seen.log->push_back({{"seq", 9}, {"type", "input_rejected"}, {"case", ""}});
    CHECK(f.Failed() == Names{"every dead letter kept"});
  }
  SECTION("a dead letter never produced to its topic") {
    f.seen.dead_letter_topic->clear();
    CHECK(f.Failed() == Names{"every dead letter kept"});
  }
  SECTION("an offset short of the partition's end") {
    f.seen.offsets["support.cases/0"] = "2";
    CHECK(f.Failed() == Names{"every input consumed, offsets at the topic's end"});
  }
  SECTION("a due timer never fired") {
    f.seen.timers.push_back({f.run.stopped_at - std::chrono::seconds(10), "A"});
    CHECK(f.Failed() == Names{"no timer left behind"});
  }
  SECTION("a page neither delivered, superseded nor in the outbox") {
    f.seen.log->erase(f.seen.log->begin() + 4);  // its receipt
    f.run.device_lines["alice"].clear();
    CHECK(f.Failed() == Names{"no page lost"});
  }
  SECTION("a page still in the outbox for an engineer with a device") {
    f.seen.log->erase(f.seen.log->begin() + 4);
    f.run.device_lines["alice"].clear();
    f.seen.outbox.insert(4);
    CHECK(f.Failed() == Names{"no page lost"});
  }
  SECTION("a page of an engineer without a device may wait in the outbox") {
    f.seen.log->push_back(Fixture::Paged(9, "femi", 0));
    f.seen.outbox.insert(9);
    CHECK(f.Failed() == Names{});
  }
  SECTION("a page a device showed that the log never decided") {
    f.run.device_lines["alice"].push_back(R"({"seq":99,"case":"A","engineer":"alice"})");
    CHECK(f.Failed() == Names{"no page lost"});
  }
  SECTION("an answered acknowledgement missing from the log") {
    f.run.device_lines["bob"] = {
        R"({"type":"acked","ref":1,"page":4,"case":"A","result":"responded","detail":""})"};
    CHECK(f.Failed() == Names{"every answered acknowledgement in the log"});
  }
  SECTION("an ack command never applied") {
    f.seen.log->erase(f.seen.log->begin() + 6);
    CHECK(f.Failed() == Names{"every ack command applied"});
  }
  SECTION("a step fired twice") {
    f.seen.log->push_back(
        {{"seq", 9}, {"type", "escalated"}, {"case", "A"}, {"step", 0}, {"cycle", 0}});
    CHECK(f.Failed() == Names{"no step fired twice"});
  }
  SECTION("an engineer paged twice for one step") {
    f.seen.log->push_back(Fixture::Paged(9, "alice", 0));
    f.seen.outbox.insert(9);
    f.run.device_lines.erase("alice");  // (no device: the second page may wait)
    f.seen.log->erase(f.seen.log->begin() + 4);
    f.seen.outbox.insert(4);
    CHECK(f.Failed() == Names{"no step fired twice"});
  }
  SECTION("a new response clock starts the steps again") {
    f.seen.log->push_back(
        {{"seq", 9}, {"type", "routed"}, {"case", "A"}, {"clock_start", "2026-12-06T10:05:00Z"}});
    f.seen.log->push_back(
        {{"seq", 10}, {"type", "escalated"}, {"case", "A"}, {"step", 0}, {"cycle", 0}});
    f.seen.log->push_back(Fixture::Paged(11, "femi", 0));
    f.seen.outbox.insert(11);
    CHECK(f.Failed() == Names{});
  }
}
