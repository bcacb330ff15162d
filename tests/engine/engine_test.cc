// Proves the engine applies inputs durably over a real RocksDB log: events,
// case index, projection, due timer and source offset land in one batch; a
// restart resumes from the stored projections; a fold of the log equals them; the report
// rollups ride in the same batches, only over a log they cover whole.
#include "engine/engine.h"

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>

#include "engine/report_keys.h"
#include "engine/report_rollups.h"
#include "router/codec.h"
#include "router/reason_text.h"
#include "tests/router/samples.h"
#include "tests/test_support.h"

namespace {

using namespace router;
using router_testing::T;
using testing_support::TempDir;

// One input, or a batch of them, staged and committed as one write: what the node does for
// a batch, without its timers (these tests are about the engine's write).
struct Applied {
  Staged outcome;
  uint64_t first_seq = 0;  // sequence number of its first event (next_seq when none)
};
struct BatchItem {
  Input input;
  std::optional<SourceOffset> source;
};
struct BatchApplied {
  std::vector<Staged> outcomes;  // one per item, in order
  uint64_t first_seq = 0;
  uint64_t events = 0;
};

base::Result<Applied> Apply(Engine& engine, const Input& input,
                            const std::optional<SourceOffset>& source, Timestamp now,
                            std::vector<store::Put> extra = {}) {
  engine.Abort();
  auto staged = engine.Stage(input, now);
  if (!staged.ok()) {
    engine.Abort();
    return staged.status();
  }
  if (source) engine.StageOffset(*source);
  for (auto& p : extra) engine.StagePut(std::move(p));
  auto first = engine.Commit();
  if (!first.ok()) return first.status();
  return Applied{*staged, *first};
}

base::Result<Applied> ApplyRejection(Engine& engine, const std::string& reason,
                                     const std::string& summary, const std::string& case_id,
                                     const std::optional<SourceOffset>& source, Timestamp now,
                                     std::vector<store::Put> extra = {}) {
  engine.Abort();
  if (base::Status st = engine.StageRejection(reason, summary, case_id, now); !st.ok()) {
    engine.Abort();
    return st;
  }
  if (source) engine.StageOffset(*source);
  for (auto& p : extra) engine.StagePut(std::move(p));
  auto first = engine.Commit();
  if (!first.ok()) return first.status();
  return Applied{Staged{1, reason}, *first};
}

base::Result<BatchApplied> ApplyBatch(Engine& engine, const std::vector<BatchItem>& items,
                                      Timestamp now) {
  engine.Abort();
  BatchApplied result;
  for (const BatchItem& item : items) {
    auto staged = engine.Stage(item.input, now);
    if (!staged.ok()) {
      engine.Abort();
      return staged.status();
    }
    result.events += staged->events;
    result.outcomes.push_back(*staged);
    if (item.source) engine.StageOffset(*item.source);
  }
  auto first = engine.Commit();
  if (!first.ok()) return first.status();
  result.first_seq = *first;
  return result;
}

const Timestamp kNow = T("2026-11-24T14:30:00Z");

std::unique_ptr<store::EventLog> OpenLog(const TempDir& dir) {
  store::Options options;
  options.sync = false;  // durability is the store's own test; here it only slows us down
  auto log = store::EventLog::Open(dir.str(), options);
  REQUIRE(log.ok());
  return std::move(*log);
}

FeedEvent Feed(const std::string& case_id, FeedAction action, const std::string& id,
               Origin origin = Origin::kNone, const std::string& severity = "") {
  FeedEvent fe;
  fe.event_id = id;
  fe.case_id = case_id;
  fe.account = "111122223333";
  fe.action = action;
  fe.origin = origin;
  fe.at = T("2026-11-24T14:02:11Z");
  if (action == FeedAction::kAddCommunication) fe.communication_id = "comm-" + id;
  if (action == FeedAction::kCreateCase || !severity.empty()) {
    CaseDetails d;
    d.case_id = case_id;
    d.service_code = "medialive";
    d.severity_code = severity.empty() ? "urgent" : severity;
    fe.details = d;
  }
  return fe;
}

std::vector<std::pair<uint64_t, Event>> ReadAll(const store::EventLog& log) {
  std::vector<std::pair<uint64_t, Event>> out;
  REQUIRE(log.Read(1, log.next_seq(),
                   [&](uint64_t seq, std::string_view bytes) {
                     auto e = DecodeEvent(bytes);
                     REQUIRE(e.ok());
                     out.emplace_back(seq, *e);
                     return true;
                   })
              .ok());
  return out;
}

std::vector<uint64_t> CaseSeqs(const store::EventLog& log, const std::string& case_id) {
  std::vector<uint64_t> seqs;
  REQUIRE(log.ReadIndexed(CaseKey(case_id),
                          [&](uint64_t seq, std::string_view) {
                            seqs.push_back(seq);
                            return true;
                          })
              .ok());
  return seqs;
}

std::vector<std::string> TimerKeys(const store::EventLog& log) {
  std::vector<std::string> keys;
  REQUIRE(log.Scan(store::Family::kTimers, "",
                   [&](std::string_view k, std::string_view) {
                     keys.emplace_back(k);
                     return true;
                   })
              .ok());
  return keys;
}

}  // namespace

TEST_CASE("applying an input writes its events, index, projection and offset together") {
  TempDir dir;
  auto log = OpenLog(dir);
  Engine engine(*log, router_testing::SmallConfig());
  auto applied = Apply(engine, Feed("c-1", FeedAction::kCreateCase, "ev-1"),
                       SourceOffset{"support.cases", 2, 41}, kNow);
  REQUIRE(applied.ok());
  CHECK(applied->first_seq == 1);
  auto events = ReadAll(*log);
  // case_opened, routed, then step 0 (escalated + its pages).
  REQUIRE(events.size() >= 3);
  CHECK(applied->outcome.events == events.size());
  CHECK(TypeOf(events[0].second) == EventType::kCaseOpened);
  CHECK(TypeOf(events[1].second) == EventType::kRouted);
  CHECK(TypeOf(events[2].second) == EventType::kEscalated);
  std::vector<uint64_t> all;
  for (const auto& e : events) all.push_back(e.first);
  CHECK(CaseSeqs(*log, "c-1") == all);

  auto projection = log->Get(store::Family::kProjections, "case/c-1");
  REQUIRE(projection.ok());
  REQUIRE(projection->has_value());
  auto state = DecodeCaseState(**projection);
  REQUIRE(state.ok());
  CHECK(state->opened);
  CHECK(state->level == 2);
  CaseState folded;
  for (const auto& e : events) folded = Evolve(std::move(folded), e.second);
  CHECK(*state == folded);
  REQUIRE(state->next_action_at.has_value());
  CHECK(TimerKeys(*log) == std::vector<std::string>{TimerKey(*state->next_action_at, "c-1")});

  auto offset = log->Get(store::Family::kOffsets, "support.cases/2");
  REQUIRE(offset.ok());
  CHECK(offset->value_or("") == "42");
  auto stored = engine.StoredOffset("support.cases", 2);
  REQUIRE(stored.ok());
  CHECK(*stored == std::optional<int64_t>(42));
  CHECK(engine.StoredOffset("support.cases", 3)->has_value() == false);
}

TEST_CASE("a redelivery changes nothing but the offset, also after a restart") {
  TempDir dir;
  {
    auto log = OpenLog(dir);
    Engine engine(*log, router_testing::SmallConfig());
    REQUIRE(
        Apply(engine, Feed("c-1", FeedAction::kCreateCase, "ev-1"), SourceOffset{"t", 0, 0}, kNow)
            .ok());
    const uint64_t next = log->next_seq();
    auto again =
        Apply(engine, Feed("c-1", FeedAction::kCreateCase, "ev-1"), SourceOffset{"t", 0, 1}, kNow);
    REQUIRE(again.ok());
    CHECK(again->outcome.duplicate());
    CHECK(log->next_seq() == next);
    CHECK(engine.StoredOffset("t", 0)->value_or(-1) == 2);
  }
  auto log = OpenLog(dir);  // a restart: nothing in memory
  Engine engine(*log, router_testing::SmallConfig());
  auto state = engine.Load("c-1");
  REQUIRE(state.ok());
  CHECK(state->opened);
  const uint64_t next = log->next_seq();
  auto again = Apply(engine, Feed("c-1", FeedAction::kCreateCase, "ev-1"), std::nullopt, kNow);
  REQUIRE(again.ok());
  CHECK(again->outcome.duplicate());
  CHECK(log->next_seq() == next);
}

TEST_CASE("a refused input is logged as input_rejected; a case never opened gets no projection") {
  TempDir dir;
  auto log = OpenLog(dir);
  Engine engine(*log, router_testing::SmallConfig());
  auto applied =
      Apply(engine, Feed("ghost", FeedAction::kResolveCase, "ev-1"), SourceOffset{"t", 0, 7}, kNow);
  REQUIRE(applied.ok());
  REQUIRE(applied->outcome.rejection.has_value());
  CHECK_THAT(*applied->outcome.rejection, Catch::Contains("never opened"));
  auto events = ReadAll(*log);
  REQUIRE(events.size() == 1);
  const auto& r = std::get<InputRejected>(events[0].second);
  CHECK(r.case_id == "ghost");
  CHECK(r.at == kNow);
  CHECK(CaseSeqs(*log, "ghost") == std::vector<uint64_t>{1});
  CHECK_FALSE(log->Get(store::Family::kProjections, "case/ghost")->has_value());
  CHECK(engine.StoredOffset("t", 0)->value_or(-1) == 8);

  auto parse =
      ApplyRejection(engine, "invalid JSON at byte 3", "12 bytes", "", SourceOffset{"t", 0, 8},
                     kNow, {{store::Family::kDeadLetters, "t/0/8", "dead letter"}});
  REQUIRE(parse.ok());
  CHECK(parse->first_seq == 2);
  CHECK(log->Get(store::Family::kDeadLetters, "t/0/8")->value_or("") == "dead letter");
  CHECK(engine.StoredOffset("t", 0)->value_or(-1) == 9);
  CHECK(engine.Rebuild()->consistent());
}

TEST_CASE("the due timer follows next_action_at: written, moved and deleted with the projection") {
  TempDir dir;
  auto log = OpenLog(dir);
  // A log as the routing core writes it, then its projection and timer lost.
  {
    Engine writer(*log, router_testing::SmallConfig());
    REQUIRE(Apply(writer, Feed("c-1", FeedAction::kCreateCase, "ev-1"), std::nullopt, kNow).ok());
  }
  const auto timer = TimerKeys(*log);
  REQUIRE(timer.size() == 1);
  REQUIRE(log->Append(store::Batch{{},
                                   {{store::Family::kProjections, "case/c-1", std::nullopt},
                                    {store::Family::kTimers, timer[0], std::nullopt}}})
              .ok());

  Engine engine(*log, router_testing::SmallConfig());
  auto report = engine.Rebuild();
  REQUIRE(report.ok());
  CHECK(report->missing == std::vector<std::string>{"c-1"});
  report = engine.Rebuild(/*repair=*/true);
  REQUIRE(report.ok());
  CHECK(report->repaired == 2);  // the projection and the timer
  CHECK(TimerKeys(*log) == timer);
  auto decoded = DecodeTimerKey(TimerKeys(*log)[0]);
  REQUIRE(decoded.ok());
  // Level 2 opened 14:02:11 on a 24x7 clock: step 1 at +20m is the next action
  // (the warning is at +45m, the due at +1h).
  CHECK(decoded->first == T("2026-11-24T14:22:11Z"));
  CHECK(decoded->second == "c-1");
  CHECK(engine.Rebuild()->consistent());

  // A customer communication keeps the timer; the AWS response clears it.
  REQUIRE(Apply(engine, Feed("c-1", FeedAction::kAddCommunication, "ev-2", Origin::kCustomer),
                std::nullopt, kNow)
              .ok());
  CHECK(TimerKeys(*log).size() == 1);
  auto response = Apply(engine, Feed("c-1", FeedAction::kAddCommunication, "ev-3", Origin::kAws),
                        std::nullopt, kNow);
  REQUIRE(response.ok());
  CHECK(response->outcome.events == 2);  // communication_added + responded (same instant)
  CHECK(TimerKeys(*log).empty());
  CHECK_FALSE(engine.Load("c-1")->next_action_at.has_value());
  CHECK(engine.Rebuild()->consistent());
}

TEST_CASE("a batch of inputs is one append; each input sees the ones before it") {
  TempDir dir;
  auto log = OpenLog(dir);
  Engine engine(*log, router_testing::SmallConfig());
  std::vector<BatchItem> items = {
      {Feed("c-1", FeedAction::kCreateCase, "ev-1"), SourceOffset{"t", 0, 10}},
      {Feed("c-1", FeedAction::kAddCommunication, "ev-2", Origin::kAws), SourceOffset{"t", 0, 11}},
      {Feed("c-1", FeedAction::kCreateCase, "ev-1"), SourceOffset{"t", 0, 12}},  // redelivery
      {Feed("c-2", FeedAction::kResolveCase, "ev-3"), SourceOffset{"t", 1, 5}},  // never opened
      {Acknowledge{"c-1", "bob", T("2026-11-24T14:10:00Z")}, std::nullopt},
      {Feed("c-1", FeedAction::kResolveCase, "ev-4"), SourceOffset{"t", 0, 13}},
  };
  auto applied = ApplyBatch(engine, items, kNow);
  REQUIRE(applied.ok());
  REQUIRE(applied->outcomes.size() == items.size());
  const size_t opened = applied->outcomes[0].events;  // case_opened, routed, step 0
  CHECK(opened >= 3);
  CHECK(applied->outcomes[1].events == 2);  // communication_added + responded
  CHECK(applied->outcomes[2].duplicate());
  CHECK(applied->outcomes[3].rejection.has_value());
  CHECK(applied->outcomes[4].events == 1);  // acknowledged, no longer a response
  CHECK(applied->outcomes[5].events == 1);
  CHECK(applied->events == opened + 5);
  CHECK(applied->first_seq == 1);
  CHECK(log->next_seq() == opened + 6);
  std::vector<uint64_t> c1;
  for (uint64_t i = 1; i <= opened + 2; ++i) c1.push_back(i);
  c1.push_back(opened + 4);
  c1.push_back(opened + 5);
  CHECK(CaseSeqs(*log, "c-1") == c1);
  CHECK(engine.StoredOffset("t", 0)->value_or(-1) == 14);
  CHECK(engine.StoredOffset("t", 1)->value_or(-1) == 6);
  auto s = engine.Load("c-1");
  REQUIRE(s.ok());
  CHECK(s->status == CaseStatus::kResolved);
  CHECK(s->acked_by == std::vector<std::string>{"bob"});
  CHECK(engine.Rebuild()->consistent());
}

TEST_CASE("Abort forgets staged work: nothing written, the next input sees committed state") {
  TempDir dir;
  auto log = OpenLog(dir);
  Engine engine(*log, router_testing::SmallConfig());
  REQUIRE(engine.Stage(Feed("c-1", FeedAction::kCreateCase, "ev-1"), kNow).ok());
  engine.StageOffset({"t", 0, 3});
  engine.Abort();
  CHECK(log->next_seq() == 1);
  CHECK_FALSE(engine.StoredOffset("t", 0)->has_value());
  auto staged = engine.Stage(Feed("c-1", FeedAction::kCreateCase, "ev-1"), kNow);
  REQUIRE(staged.ok());
  CHECK(staged->events >= 3);  // not a duplicate: the aborted open never happened
  engine.StagePut({store::Family::kDeadLetters, "x", "y"});
  auto first = engine.Commit();
  REQUIRE(first.ok());
  CHECK(*first == 1);
  CHECK(log->Get(store::Family::kDeadLetters, "x")->value_or("") == "y");
}

TEST_CASE(
    "a random feed with duplicates and refusals: the fold of the log equals the projections, "
    "and Rebuild finds and repairs a damaged projection") {
  TempDir dir;
  auto log = OpenLog(dir);
  Engine engine(*log, router_testing::SmallConfig());
  const uint64_t seed = 20261124;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  const char* severities[] = {"low", "normal", "high", "urgent", "critical"};
  std::vector<BatchItem> batch;
  int64_t offset = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string c = "c-" + std::to_string(rng() % 60);
    std::string id = "ev-" + std::to_string(rng() % 2500);  // collisions: redeliveries
    Input in;
    switch (rng() % 6) {
      case 0:
        in = Feed(c, FeedAction::kCreateCase, id, Origin::kNone, severities[rng() % 5]);
        break;
      case 1:
        in = Feed(c, FeedAction::kAddCommunication, id, Origin::kAws);
        break;
      case 2:
        in = Feed(c, FeedAction::kAddCommunication, id, Origin::kCustomer,
                  rng() % 4 == 0 ? severities[rng() % 5] : "");
        break;
      case 3:
        in = Feed(c, FeedAction::kResolveCase, id);
        break;
      case 4:
        in = Feed(c, FeedAction::kReopenCase, id);
        break;
      case 5:
        in = Acknowledge{c, rng() % 2 ? "alice" : "bob", T("2026-11-24T15:00:00Z")};
        break;
    }
    batch.push_back({in, SourceOffset{"t", 0, offset++}});
    if (batch.size() == 1 + rng() % 50) {
      REQUIRE(ApplyBatch(engine, batch, kNow).ok());
      batch.clear();
    }
  }
  REQUIRE(ApplyBatch(engine, batch, kNow).ok());
  CHECK(engine.StoredOffset("t", 0)->value_or(-1) == offset);
  auto report = engine.Rebuild();
  REQUIRE(report.ok());
  CHECK(report->consistent());
  CHECK(report->events == log->next_seq() - 1);
  CHECK(report->cases > 30);

  CaseState wrong = *engine.Load("c-1");
  wrong.level = 99;
  store::Batch damage;
  damage.puts.push_back({store::Family::kProjections, CaseKey("c-1"), EncodeCaseState(wrong)});
  damage.puts.push_back({store::Family::kProjections, CaseKey("c-nope"), EncodeCaseState(wrong)});
  REQUIRE(log->Append(damage).ok());
  report = engine.Rebuild();
  REQUIRE(report.ok());
  CHECK(report->mismatched == std::vector<std::string>{"c-1"});
  CHECK(report->extra == std::vector<std::string>{"c-nope"});
  REQUIRE(engine.Rebuild(/*repair=*/true).ok());
  CHECK(engine.Rebuild()->consistent());
  CHECK(engine.Load("c-1")->level != 99);
}

TEST_CASE("every page is written to the outbox in the same batch, keyed by its event's seq") {
  TempDir dir;
  auto log = OpenLog(dir);
  Engine engine(*log, router_testing::SmallConfig());
  FeedEvent create = Feed("c-1", FeedAction::kCreateCase, "ev-1", Origin::kNone, "critical");
  // Every kind of character the outbox's JSON must escape, among plain ones and UTF-8.
  const std::string subject = "MediaLive \"input\" loss \\ on\npipeline\t1 \x01 caf\xc3\xa9";
  create.details->subject = subject;
  create.display_id = "1234560001";
  create.details->display_id = "1234560001";
  REQUIRE(Apply(engine, create, std::nullopt, kNow).ok());
  std::map<std::string, std::string> outbox;
  REQUIRE(log->Scan(store::Family::kOutbox, "",
                    [&](std::string_view k, std::string_view v) {
                      outbox.emplace(std::string(k), std::string(v));
                      return true;
                    })
              .ok());
  std::vector<std::pair<uint64_t, Paged>> pages;
  for (auto& [seq, e] : ReadAll(*log)) {
    if (auto* p = std::get_if<Paged>(&e)) pages.emplace_back(seq, *p);
  }
  // Level 1 at 14:02:11 Tuesday: step 0 pages the EAE alice (inside Northwind's
  // business hours), the familiar engineer and the primary on call.
  REQUIRE(pages.size() == 3);
  REQUIRE(outbox.size() == pages.size());
  for (const auto& [seq, page] : pages) {
    auto it = outbox.find(store::EncodeSeq(seq));
    REQUIRE(it != outbox.end());
    auto j = nlohmann::json::parse(it->second);
    CHECK(j["case"] == "c-1");
    CHECK(j["engineer"] == page.engineer);
    CHECK(j["at"] == "2026-11-24T14:02:11Z");
    CHECK(j["step"] == 0);
    CHECK(j["target"] == page.target);
    CHECK(j["reason"] == router::ReasonText(page));
    CHECK(j["reason_code"] == std::string(router::ReasonCodeName(page.reason.code)));
    CHECK(j["display_id"] == "1234560001");
    CHECK(j["subject"] == subject);
    CHECK(it->second.find("\\u0001") != std::string::npos);
    CHECK(j["severity"] == "critical");
    CHECK(j["level"] == 1);
  }
  CHECK(pages[0].second.engineer == "alice");
  CHECK(pages[0].second.target == "designated_eae");

  // A tick at step 1's instant pages the secondary: one more outbox entry.
  REQUIRE(Apply(engine, Tick{"c-1", T("2026-11-24T14:07:11Z")}, std::nullopt, kNow).ok());
  size_t entries = 0;
  REQUIRE(log->Scan(store::Family::kOutbox, "",
                    [&](std::string_view, std::string_view) {
                      ++entries;
                      return true;
                    })
              .ok());
  CHECK(entries == 4);
}

TEST_CASE(
    "a seeded random stream with ticks, acks and restarts: the invariant holds after every "
    "input, every page has its outbox entry, and the fold equals every projection") {
  TempDir dir;
  auto log = OpenLog(dir);
  auto engine = std::make_unique<Engine>(*log, router_testing::SmallConfig());
  const uint64_t seed = 5150;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  const char* severities[] = {"low", "normal", "high", "urgent", "critical"};
  const char* accounts[] = {"111122223333", "444455556666", "999900001111"};
  const char* services[] = {"medialive", "cloudfront", "mediapackage", "amazon-rds"};
  const char* engineers[] = {"alice", "bob", "chen", "dana", "erin", "femi", "gus"};
  Timestamp now = T("2026-11-20T08:00:00Z");
  int ev = 0;
  for (int i = 0; i < 1500; ++i) {
    now += std::chrono::minutes(rng() % 30);
    // Fire every due timer first, as the shell does.
    std::vector<std::pair<Timestamp, std::string>> due;
    REQUIRE(log->Scan(store::Family::kTimers, "",
                      [&](std::string_view k, std::string_view) {
                        auto t = DecodeTimerKey(k);
                        if (t.ok() && t->first <= now) due.push_back(*t);
                        return true;
                      })
                .ok());
    for (const auto& [at, c] : due) REQUIRE(Apply(*engine, Tick{c, now}, std::nullopt, now).ok());

    std::string c = "c-" + std::to_string(rng() % 40);
    std::string id = "ev-" + std::to_string(ev++);
    Input in;
    FeedEvent fe;
    switch (rng() % 6) {
      case 0:
        fe = Feed(c, FeedAction::kCreateCase, id, Origin::kNone, severities[rng() % 5]);
        fe.account = accounts[rng() % 3];
        fe.details->service_code = services[rng() % 4];
        break;
      case 1:
        fe = Feed(c, FeedAction::kAddCommunication, id, Origin::kAws);
        break;
      case 2:
        fe = Feed(c, FeedAction::kAddCommunication, id, Origin::kCustomer,
                  rng() % 4 == 0 ? severities[rng() % 5] : "");
        break;
      case 3:
        fe = Feed(c, FeedAction::kResolveCase, id);
        break;
      case 4:
        fe = Feed(c, FeedAction::kReopenCase, id);
        break;
      case 5:
        in = Acknowledge{c, engineers[rng() % 7], now};
        break;
    }
    if (!std::holds_alternative<Acknowledge>(in)) {
      fe.at = now;
      in = fe;
    }
    REQUIRE(Apply(*engine, in, std::nullopt, now).ok());
    if (rng() % 200 == 0) engine = std::make_unique<Engine>(*log, router_testing::SmallConfig());

    // The invariant, seen from outside (the engine also aborts on it).
    auto state = engine->Load(c);
    REQUIRE(state.ok());
    if (state->opened && state->status == CaseStatus::kOpen && state->awaiting_response &&
        state->escalation) {
      const auto& x = *state->escalation;
      CHECK((state->next_action_at.has_value() || (x.exhausted && x.warned && x.breached)));
      if (state->next_action_at) CHECK(*state->next_action_at > now);
    }
  }
  size_t paged = 0;
  for (const auto& [seq, e] : ReadAll(*log)) paged += std::holds_alternative<Paged>(e);
  size_t outbox = 0;
  REQUIRE(log->Scan(store::Family::kOutbox, "",
                    [&](std::string_view, std::string_view) {
                      ++outbox;
                      return true;
                    })
              .ok());
  CHECK(paged > 100);
  CHECK(outbox == paged);
  auto report = engine->Rebuild();
  REQUIRE(report.ok());
  CHECK(report->mismatched.empty());
  CHECK(report->missing.empty());
  CHECK(report->extra.empty());
  // The familiar projections exist and match the fold (Rebuild compared them).
  CHECK(log->Get(store::Family::kProjections, "history/111122223333")->has_value());
}

namespace {

std::vector<std::string> ReportKeys(const store::EventLog& log) {
  std::vector<std::string> keys;
  REQUIRE(log.Scan(store::Family::kProjections, kReportPrefix,
                   [&](std::string_view k, std::string_view) {
                     keys.emplace_back(k);
                     return true;
                   })
              .ok());
  return keys;
}

}  // namespace

TEST_CASE("the report rollups are written in the engine's batches, and only over a whole log") {
  TempDir dir;
  auto log = OpenLog(dir);
  auto config = router_testing::SmallConfig();
  SECTION("on: every batch leaves them covering the log and equal to a fold of it") {
    Engine engine(*log, config);
    REQUIRE(Apply(engine, Feed("c-1", FeedAction::kCreateCase, "ev-1"), std::nullopt, kNow).ok());
    REQUIRE(Apply(engine, Feed("c-2", FeedAction::kCreateCase, "ev-2"), std::nullopt, kNow).ok());
    CHECK(engine.report_rollups_kept());
    CHECK(log->Get(store::Family::kProjections, kReportSeqKey)->value_or("") ==
          std::to_string(log->next_seq()));
    CHECK(log->Get(store::Family::kProjections, ReportCaseKey("c-1"))->has_value());
    auto check = RebuildReportRollups(*log, config, /*repair=*/false);
    REQUIRE(check.ok());
    CHECK(check->consistent());
    CHECK(check->cases == 2);
  }
  SECTION("off: nothing; turned on later over that log, still nothing (they would be partial)") {
    {
      Engine engine(*log, config, EngineOptions{.report_rollups = false});
      REQUIRE(Apply(engine, Feed("c-1", FeedAction::kCreateCase, "ev-1"), std::nullopt, kNow).ok());
    }
    CHECK(ReportKeys(*log).empty());
    Engine engine(*log, config);
    REQUIRE(Apply(engine, Feed("c-2", FeedAction::kCreateCase, "ev-2"), std::nullopt, kNow).ok());
    CHECK_FALSE(engine.report_rollups_kept());
    CHECK(ReportKeys(*log).empty());
    // A rebuild brings them back, and a new engine keeps them from there on.
    REQUIRE(RebuildReportRollups(*log, config, /*repair=*/true).ok());
    Engine again(*log, config);
    REQUIRE(Apply(again, Feed("c-3", FeedAction::kCreateCase, "ev-3"), std::nullopt, kNow).ok());
    CHECK(again.report_rollups_kept());
    CHECK(RebuildReportRollups(*log, config, /*repair=*/false)->consistent());
  }
}
