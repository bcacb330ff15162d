// The web package's parts without HTTP: token files (web/tokens.h), the live view over a real
// RocksDB log written by the engine (web/live_view.h), the fold of a case's pages, and the
// queue that hands HTTP acknowledgements to serve's main loop (web/ack_queue.h), the thread that
// forwards those another instance owns (web/ack_forwarder.h), and what
// /readyz judges (web/readiness.h).
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/engine.h"
#include "router/codec.h"
#include "store/event_log.h"
#include "tests/router/samples.h"
#include "tests/test_support.h"
#include "web/ack_forwarder.h"
#include "web/ack_queue.h"
#include "web/live_view.h"
#include "web/readiness.h"
#include "web/tokens.h"

namespace {

using router_testing::T;
using testing_support::TempDir;
using web::CaseFilter;
using web::LiveView;
using web::Tokens;
using namespace std::chrono_literals;

const std::string kHex(64, 'a');  // a well-formed digest

bool KnownEngineer(const std::string& id) { return id == "alice" || id == "bob"; }

// The error Parse gives for `text` (which must fail).
std::string ParseError(const std::string& text) {
  auto parsed = Tokens::Parse(text, KnownEngineer);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().code() == base::Code::kInvalidInput);
  return parsed.status().message();
}

std::unique_ptr<store::EventLog> OpenLog(const TempDir& dir) {
  store::Options options;
  options.sync = false;  // durability is the store's own test
  auto log = store::EventLog::Open(dir.str(), options);
  REQUIRE(log.ok());
  return std::move(*log);
}

// Stages one input and commits it: one atomic write, as the node makes per batch.
void Apply(router::Engine& engine, const router::Input& input, base::Timestamp now) {
  auto staged = engine.Stage(input, now);
  REQUIRE(staged.ok());
  REQUIRE_FALSE(staged->rejection);
  REQUIRE(engine.Commit().ok());
}

router::FeedEvent Create(const std::string& case_id, const char* at, const std::string& severity,
                         const std::string& account = "111122223333") {
  router::FeedEvent fe;
  fe.event_id = "ev-open-" + case_id;
  fe.case_id = case_id;
  fe.display_id = "d-" + case_id;
  fe.account = account;
  fe.action = router::FeedAction::kCreateCase;
  fe.at = T(at);
  router::CaseDetails d;
  d.case_id = case_id;
  d.display_id = fe.display_id;
  d.subject = "subject of " + case_id;
  d.service_code = "medialive";
  d.severity_code = severity;
  fe.details = d;
  return fe;
}

router::FeedEvent Resolve(const std::string& case_id, const char* at) {
  router::FeedEvent fe;
  fe.event_id = "ev-resolve-" + case_id;
  fe.case_id = case_id;
  fe.account = "111122223333";
  fe.action = router::FeedAction::kResolveCase;
  fe.at = T(at);
  return fe;
}

router::FeedEvent Reopen(const std::string& case_id, const char* at) {
  router::FeedEvent fe = Resolve(case_id, at);
  fe.event_id = "ev-reopen-" + case_id;
  fe.action = router::FeedAction::kReopenCase;
  return fe;
}

// Fires the case's timers up to `until`, one tick per due instant, as serve's loop does.
void TickUntil(router::Engine& engine, const std::string& case_id, base::Timestamp until) {
  for (int i = 0; i < 20; ++i) {
    auto state = engine.Load(case_id);
    REQUIRE(state.ok());
    if (!state->next_action_at || *state->next_action_at > until) return;
    Apply(engine, router::Tick{case_id, *state->next_action_at}, *state->next_action_at);
  }
  FAIL("the case still had timers due after 20 ticks");
}

std::vector<std::pair<uint64_t, router::Event>> CaseEvents(const store::EventLog& log,
                                                           const std::string& case_id) {
  std::vector<std::pair<uint64_t, router::Event>> out;
  REQUIRE(log.ReadIndexed(router::CaseKey(case_id),
                          [&](uint64_t seq, std::string_view bytes) {
                            auto e = router::DecodeEvent(bytes);
                            REQUIRE(e.ok());
                            out.emplace_back(seq, std::move(*e));
                            return true;
                          })
              .ok());
  return out;
}

std::vector<std::string> Ids(const std::vector<web::CaseView>& cases) {
  std::vector<std::string> out;
  for (const auto& c : cases) out.push_back(c.state.case_id);
  return out;
}

// Waits (5 s at most) until the view has followed every event written so far.
void Follow(LiveView& view, const store::EventLog& log) {
  view.Written(log.next_seq());
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while ((!view.loaded() || view.followed_seq() < log.next_seq()) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  REQUIRE(view.loaded());
  REQUIRE(view.followed_seq() == log.next_seq());
}

}  // namespace

TEST_CASE("a token file lists hashes with roles; a presented token is found by its hash",
          "[web][tokens]") {
  const std::string admin = Tokens::Generate(), alice = Tokens::Generate();
  CHECK(admin.size() == 43);  // 32 bytes, URL-safe base64 without padding
  CHECK(admin != alice);
  CHECK(
      admin.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
      std::string::npos);
  const std::string text = "# the on-call team\n\n" + Tokens::HashLine(admin) + " admin\n" + "  " +
                           Tokens::HashLine(alice) + "\tengineer:alice   # her phone\n";
  auto tokens = Tokens::Parse(text, KnownEngineer);
  REQUIRE(tokens.ok());
  CHECK(tokens->size() == 2);
  auto a = tokens->Find(admin);
  REQUIRE(a);
  CHECK(a->admin);
  CHECK(a->engineer.empty());
  auto e = tokens->Find(alice);
  REQUIRE(e);
  CHECK_FALSE(e->admin);
  CHECK(e->engineer == "alice");
  // Neither the hash line itself nor a near miss is a token.
  CHECK_FALSE(tokens->Find(Tokens::HashLine(admin)));
  CHECK_FALSE(tokens->Find(admin + "x"));
  CHECK_FALSE(tokens->Find(""));
  CHECK(Tokens::Parse("", KnownEngineer)->size() == 0);
}

TEST_CASE("HashLine is the SHA-256 sha256sum prints", "[web][tokens]") {
  for (const std::string& token : std::vector<std::string>{"s3cret", "", Tokens::Generate()}) {
    auto r = testing_support::RunCommand(
        {"/bin/sh", "-c", "printf '%s' \"$0\" | /usr/bin/sha256sum", token});
    REQUIRE(r.exit_code == 0);
    CHECK(Tokens::HashLine(token) == "sha256:" + r.out.substr(0, 64));
  }
}

TEST_CASE("every bad line of a token file is refused, naming its line", "[web][tokens]") {
  const std::string good = "sha256:" + kHex + " admin\n";
  // The bad line is always line 3, after a comment and a good line.
  auto third = [&](const std::string& line) { return ParseError("# tokens\n" + good + line); };
  CHECK_THAT(third("sha256:" + std::string(64, 'b')),
             Catch::Contains("line 3: expected 'sha256:<hex> admin|engineer:<id>'"));
  CHECK_THAT(third("sha256:" + std::string(63, 'b') + " admin"),
             Catch::Contains("line 3: the hash must be"));
  CHECK_THAT(third("sha256:" + std::string(64, 'B') + " admin"),
             Catch::Contains("line 3: the hash must be"));
  CHECK_THAT(third("sha256:" + std::string(63, 'b') + "g admin"),
             Catch::Contains("line 3: the hash must be"));
  CHECK_THAT(third("md5:" + kHex + " admin"), Catch::Contains("line 3: the hash must be"));
  CHECK_THAT(third("s3cret-token admin"), Catch::Contains("line 3: the hash must be"));
  CHECK_THAT(third("sha256:" + std::string(64, 'b') + " root"),
             Catch::Contains("line 3: role must be 'admin' or 'engineer:<id>', got 'root'"));
  CHECK_THAT(third("sha256:" + std::string(64, 'b') + " engineer:"),
             Catch::Contains("line 3: role must be"));
  CHECK_THAT(third("sha256:" + std::string(64, 'b') + " engineer:mallory"),
             Catch::Contains("line 3: unknown engineer 'mallory'"));
  CHECK_THAT(third("sha256:" + kHex + " engineer:bob"),
             Catch::Contains("line 3: this hash is listed already"));
}

TEST_CASE("Load names the token file in its errors", "[web][tokens]") {
  TempDir dir;
  auto missing = Tokens::Load((dir.path() / "none").string(), KnownEngineer);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == base::Code::kNotFound);
  const auto path = dir.path() / "tokens";
  testing_support::WriteFile(path, "sha256:" + kHex + " engineer:zed\n");
  auto bad = Tokens::Load(path.string(), KnownEngineer);
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.status().message(),
             Catch::Contains(path.string()) && Catch::Contains("line 1: unknown engineer 'zed'"));
  testing_support::WriteFile(path, "sha256:" + kHex + " engineer:bob\n");
  auto good = Tokens::Load(path.string(), KnownEngineer);
  REQUIRE(good.ok());
  CHECK(good->size() == 1);
}

TEST_CASE("the live view holds the open cases, most urgent first, and follows the log",
          "[web][live_view]") {
  TempDir dir;
  auto log = OpenLog(dir);
  router::Engine engine(*log, router_testing::SmallConfig());
  // Before the view starts: level-1 cases due 15 minutes after opening (b before a), a level-2
  // one due an hour after, another customer's level-3 case, one resolved, and b past its due.
  Apply(engine, Create("c-b", "2026-11-24T14:00:00Z", "critical"), T("2026-11-24T14:00:00Z"));
  Apply(engine, Create("c-u", "2026-11-24T14:01:00Z", "urgent"), T("2026-11-24T14:01:00Z"));
  Apply(engine, Create("c-x", "2026-11-24T14:02:00Z", "high", "444455556666"),
        T("2026-11-24T14:02:00Z"));
  Apply(engine, Create("c-r", "2026-11-24T14:03:00Z", "critical"), T("2026-11-24T14:03:00Z"));
  Apply(engine, Create("c-a", "2026-11-24T14:05:00Z", "critical"), T("2026-11-24T14:05:00Z"));
  Apply(engine, Resolve("c-r", "2026-11-24T14:04:00Z"), T("2026-11-24T14:04:00Z"));
  TickUntil(engine, "c-b", T("2026-11-24T14:16:00Z"));
  auto b = engine.Load("c-b");
  REQUIRE(b.ok());
  REQUIRE(b->escalation);
  REQUIRE(b->escalation->breached);

  const uint64_t start = log->next_seq();
  LiveView view(*log, start);
  CHECK_FALSE(view.loaded());
  view.Start();
  Follow(view, *log);
  CHECK(view.followed_seq() == start);

  auto all = view.OpenCases({}, 100, "");
  REQUIRE(all.ok());
  CHECK(Ids(all->cases) == std::vector<std::string>{"c-b", "c-a", "c-u", "c-x"});
  CHECK(all->next_cursor.empty());
  // Each folded from its events below the start.
  for (const auto& c : all->cases) {
    CHECK(c.last_seq < start);
    CHECK(c.state.display_id == "d-" + c.state.case_id);
    CHECK_FALSE(c.pages.empty());  // step 0 paged someone
  }

  // After the start: a new level-1 case (due 14:25, between b and u), a resolution, b answered.
  Apply(engine, Create("c-new", "2026-11-24T14:10:00Z", "critical"), T("2026-11-24T14:10:00Z"));
  Apply(engine, Resolve("c-a", "2026-11-24T14:17:00Z"), T("2026-11-24T14:17:00Z"));
  const uint64_t before_follow = view.version();
  Follow(view, *log);
  CHECK(view.version() > before_follow);
  CHECK(view.WaitForChange(before_follow, 0ms) == view.version());

  all = view.OpenCases({}, 100, "");
  REQUIRE(all.ok());
  CHECK(Ids(all->cases) == std::vector<std::string>{"c-b", "c-new", "c-u", "c-x"});
  for (size_t i = 0; i + 1 < all->cases.size(); ++i) {
    const auto& s = all->cases[i].state;
    const auto& next = all->cases[i + 1].state;
    REQUIRE(s.escalation);
    REQUIRE(next.escalation);
    CHECK(s.escalation->due <= next.escalation->due);
  }
  CHECK_FALSE(view.Case("c-a"));
  CHECK_FALSE(view.Case("c-r"));
  CHECK_FALSE(view.Case("nope"));
  auto fresh = view.Case("c-new");
  REQUIRE(fresh);
  CHECK(fresh->state.subject == "subject of c-new");
  CHECK(fresh->last_seq >= start);
  REQUIRE_FALSE(fresh->pages.empty());
  CHECK(fresh->pages[0].step == 0);
  CHECK(fresh->pages[0].id >= start);

  SECTION("paging with cursors visits every case once, in order") {
    auto first = view.OpenCases({}, 2, "");
    REQUIRE(first.ok());
    CHECK(Ids(first->cases) == std::vector<std::string>{"c-b", "c-new"});
    REQUIRE_FALSE(first->next_cursor.empty());
    auto second = view.OpenCases({}, 2, first->next_cursor);
    REQUIRE(second.ok());
    CHECK(Ids(second->cases) == std::vector<std::string>{"c-u", "c-x"});
    CHECK(second->next_cursor.empty());
    auto one = view.OpenCases({}, 1, first->next_cursor);
    REQUIRE(one.ok());
    CHECK(Ids(one->cases) == std::vector<std::string>{"c-u"});
    CHECK_FALSE(one->next_cursor.empty());
    for (const std::string bad : {"nope", "2:0:c-b", "0:x:c-b", "0:1", ":1:c"}) {
      auto r = view.OpenCases({}, 2, bad);
      INFO(bad);
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().code() == base::Code::kInvalidInput);
    }
  }

  SECTION("filters: level, account, breached") {
    CaseFilter level1;
    level1.level = 1;
    CHECK(Ids(view.OpenCases(level1, 100, "")->cases) == std::vector<std::string>{"c-b", "c-new"});
    CaseFilter level4;
    level4.level = 4;
    CHECK(view.OpenCases(level4, 100, "")->cases.empty());
    CaseFilter contoso;
    contoso.account = "444455556666";
    CHECK(Ids(view.OpenCases(contoso, 100, "")->cases) == std::vector<std::string>{"c-x"});
    CaseFilter breached;
    breached.breached_only = true;
    CHECK(Ids(view.OpenCases(breached, 100, "")->cases) == std::vector<std::string>{"c-b"});
    breached.level = 2;
    CHECK(view.OpenCases(breached, 100, "")->cases.empty());
    const auto by_level = view.OpenByLevel();
    CHECK(by_level.at(1) == 2);
    CHECK(by_level.at(2) == 1);
    CHECK(by_level.at(3) == 1);
  }

  SECTION("the recent activity: the log's tail, then what followed, newest first") {
    const auto recent = view.Recent(1000);
    REQUIRE(recent.size() >= 8);
    for (size_t i = 0; i + 1 < recent.size(); ++i) CHECK(recent[i].seq > recent[i + 1].seq);
    CHECK(recent[0].kind == "resolved");
    CHECK(recent[0].case_id == "c-a");
    bool opened_new = false, breached_b = false, resolved_r = false;
    for (const auto& a : recent) {
      if (a.kind == "opened" && a.case_id == "c-new") {
        opened_new = true;
        CHECK(a.display_id == "d-c-new");
        CHECK(a.level == 1);
        CHECK(a.detail == "subject of c-new");
      }
      breached_b = breached_b || (a.kind == "breached" && a.case_id == "c-b");
      resolved_r = resolved_r || (a.kind == "resolved" && a.case_id == "c-r");
    }
    CHECK(opened_new);
    CHECK(breached_b);
    CHECK(resolved_r);
    CHECK(view.Recent(3).size() == 3);
  }

  SECTION("a reopened case is followed again, from the store") {
    Apply(engine, Reopen("c-a", "2026-11-24T14:20:00Z"), T("2026-11-24T14:20:00Z"));
    Follow(view, *log);
    auto reopened = view.Case("c-a");
    REQUIRE(reopened);
    CHECK(reopened->state.status == router::CaseStatus::kOpen);
    CHECK(reopened->last_seq == log->next_seq() - 1);
  }

  view.Stop();
  view.Stop();  // idempotent
}

TEST_CASE("a view started at the log's start sees an empty screen, then every case",
          "[web][live_view]") {
  TempDir dir;
  auto log = OpenLog(dir);
  router::Engine engine(*log, router_testing::SmallConfig());
  LiveView view(*log, log->next_seq());
  view.Start();
  Follow(view, *log);
  CHECK(view.OpenCases({}, 10, "")->cases.empty());
  CHECK(view.Recent(10).empty());
  Apply(engine, Create("c-1", "2026-11-24T14:00:00Z", "critical"), T("2026-11-24T14:00:00Z"));
  Follow(view, *log);
  CHECK(Ids(view.OpenCases({}, 10, "")->cases) == std::vector<std::string>{"c-1"});
  CHECK(view.Recent(10).back().kind == "opened");
}

TEST_CASE("FoldIntoCase tracks each page of the running clock", "[web][live_view]") {
  TempDir dir;
  auto log = OpenLog(dir);
  router::Engine engine(*log, router_testing::SmallConfig());
  Apply(engine, Create("c-1", "2026-11-24T14:00:00Z", "critical"), T("2026-11-24T14:00:00Z"));
  TickUntil(engine, "c-1", T("2026-11-24T14:06:00Z"));  // step 1 pages the secondary
  web::CaseView view;
  for (const auto& [seq, e] : CaseEvents(*log, "c-1")) web::FoldIntoCase(view, seq, e);
  REQUIRE(view.pages.size() >= 2);
  CHECK(view.state.case_id == "c-1");
  CHECK(view.last_seq == log->next_seq() - 1);
  const web::PageView first = view.pages.front(), last = view.pages.back();
  CHECK(first.step == 0);
  CHECK(last.step == 1);
  CHECK(first.id < last.id);
  for (const auto& p : view.pages) {
    CHECK_FALSE(p.delivered);
    CHECK_FALSE(p.acked);
  }

  uint64_t seq = log->next_seq();
  const base::Timestamp t1 = T("2026-11-24T14:07:00Z"), t2 = T("2026-11-24T14:08:00Z");
  web::FoldIntoCase(view, seq++, router::Delivered{"c-1", t1, first.engineer, "phone", first.id});
  // A second receipt (another device) keeps the first.
  web::FoldIntoCase(view, seq++, router::Delivered{"c-1", t2, first.engineer, "desk", first.id});
  web::FoldIntoCase(view, seq++, router::DeliveryFailed{"c-1", t2, last.engineer, last.id, 3});
  // A receipt for a page this clock does not have changes nothing.
  web::FoldIntoCase(view, seq++, router::Delivered{"c-1", t2, "zed", "x", 999999});
  REQUIRE(view.pages.front().delivered);
  CHECK(*view.pages.front().delivered == t1);
  CHECK(view.pages.front().device == "phone");
  REQUIRE(view.pages.back().failed);
  CHECK_FALSE(view.pages.back().delivered);

  // The first engineer acknowledges: every page to them is marked; the others are superseded.
  web::FoldIntoCase(view, seq++, router::Acknowledged{"c-1", t2, first.engineer});
  web::FoldIntoCase(view, seq++,
                    router::Responded{"c-1", t2, router::ResponseKind::kAck, first.engineer});
  web::FoldIntoCase(
      view, seq++,
      router::PageSuperseded{"c-1", t2, last.engineer, last.id, router::SupersededBy::kResponse});
  for (const auto& p : view.pages) {
    INFO("page " << p.id << " to " << p.engineer);
    if (p.engineer == first.engineer) {
      REQUIRE(p.acked);
      CHECK(*p.acked == t2);
    } else {
      CHECK_FALSE(p.acked);
    }
  }
  REQUIRE(view.pages.back().superseded);
  CHECK_FALSE(view.state.awaiting_response);
  CHECK(view.last_seq == seq - 1);
}

TEST_CASE("a new clock starts its own pages", "[web][live_view]") {
  TempDir dir;
  auto log = OpenLog(dir);
  router::Engine engine(*log, router_testing::SmallConfig());
  Apply(engine, Create("c-1", "2026-11-24T14:00:00Z", "critical"), T("2026-11-24T14:00:00Z"));
  Apply(engine, Resolve("c-1", "2026-11-24T14:03:00Z"), T("2026-11-24T14:03:00Z"));
  const uint64_t reopen_seq = log->next_seq();
  Apply(engine, Reopen("c-1", "2026-11-24T15:00:00Z"), T("2026-11-24T15:00:00Z"));
  web::CaseView view;
  for (const auto& [seq, e] : CaseEvents(*log, "c-1")) web::FoldIntoCase(view, seq, e);
  REQUIRE_FALSE(view.pages.empty());
  for (const auto& p : view.pages) CHECK(p.id > reopen_seq);
}

TEST_CASE("ActivityOf: a line for what people watch, none for the bookkeeping",
          "[web][live_view]") {
  web::CaseView view;
  view.state.display_id = "77";
  view.state.level = 2;
  const base::Timestamp t = T("2026-11-24T14:00:00Z");
  auto paged = web::ActivityOf(5, router::Paged{"c", t, "bob", 0, 0, "schedule/x"}, &view);
  REQUIRE(paged);
  CHECK(paged->kind == "paged");
  CHECK(paged->engineer == "bob");
  CHECK(paged->display_id == "77");
  CHECK(paged->level == 2);
  CHECK(paged->detail == "schedule/x");
  auto failed = web::ActivityOf(6, router::DeliveryFailed{"c", t, "bob", 5, 2}, nullptr);
  REQUIRE(failed);
  CHECK(failed->kind == "undelivered");
  CHECK(failed->detail == "2 attempt(s)");
  CHECK(failed->display_id.empty());
  CHECK_FALSE(web::ActivityOf(7, router::Responded{"c", t}, &view));
}

TEST_CASE("the ack queue hands requests to the main loop and their answers back",
          "[web][ack_queue]") {
  web::AckQueue queue;
  const base::Timestamp at = T("2026-11-24T14:00:00Z");
  CHECK(queue.Take().empty());

  SECTION("answered: Submit returns the loop's answer") {
    auto waiting =
        std::async(std::launch::async, [&] { return queue.Submit("c-1", "alice", at, 10s); });
    std::vector<std::shared_ptr<web::AckQueue::Request>> taken;
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (taken.empty() && std::chrono::steady_clock::now() < deadline) {
      taken = queue.Take();
      std::this_thread::sleep_for(1ms);
    }
    REQUIRE(taken.size() == 1);
    CHECK(taken[0]->case_id == "c-1");
    CHECK(taken[0]->engineer == "alice");
    CHECK(taken[0]->at == at);
    web::AckQueue::Answer(*taken[0], {202, "responded", "the first response"});
    auto answer = waiting.get();
    REQUIRE(answer);
    CHECK(answer->http_status == 202);
    CHECK(answer->result == "responded");
    CHECK(queue.Take().empty());  // taken once
  }

  SECTION("a timeout abandons the request: the loop skips it") {
    auto answer = queue.Submit("c-1", "alice", at, 20ms);
    CHECK_FALSE(answer);
    CHECK(queue.Take().empty());
  }

  SECTION("at shutdown everything still queued fails with 503") {
    auto a = std::async(std::launch::async, [&] { return queue.Submit("c-1", "alice", at, 10s); });
    auto b = std::async(std::launch::async, [&] { return queue.Submit("c-2", "bob", at, 10s); });
    // Both queued before FailAll: it answers only what waits.
    int answered = 0;
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (answered < 2 && std::chrono::steady_clock::now() < deadline) {
      queue.FailAll("serve is stopping");
      answered = (a.wait_for(1ms) == std::future_status::ready) +
                 (b.wait_for(1ms) == std::future_status::ready);
    }
    REQUIRE(answered == 2);
    for (auto* f : {&a, &b}) {
      auto answer = f->get();
      REQUIRE(answer);
      CHECK(answer->http_status == 503);
      CHECK(answer->result == "failed");
      CHECK(answer->detail == "serve is stopping");
    }
  }
}

TEST_CASE("readiness: a consumer caught up on a backlog it has not applied or shown is not ready",
          "[web][ready]") {
  web::Readiness readiness(/*max_lag=*/5);
  readiness.SetTimersLoaded();
  readiness.SetPagerBound(true);
  std::atomic<uint64_t> view_followed{1};
  readiness.SetViewFollowed([&] { return view_followed.load(); });
  const std::vector<router::SourceState> caught_up = {{"feed", 0, true, 0}, {"cmds", 0, true, 0}};

  // Nothing assigned yet.
  CHECK_FALSE(readiness.Check().ready);

  // Consumed to the end, but 600 inputs held back for event time.
  readiness.SetSources(caught_up, /*held_inputs=*/600, /*applied_next_seq=*/1);
  web::Readiness::Verdict v = readiness.Check();
  CHECK_FALSE(v.ready);
  REQUIRE(v.reasons.size() == 1);
  CHECK(v.reasons[0] == "600 consumed inputs are held back for event time, not applied yet");

  // Applied (2,400 events), but the live view has shown none of them.
  readiness.SetSources(caught_up, 0, 2401);
  v = readiness.Check();
  CHECK_FALSE(v.ready);
  REQUIRE(v.reasons.size() == 1);
  CHECK(v.reasons[0] == "the live view is 2400 events behind the log");

  // Within the lag on both counts: ready.
  view_followed = 2396;
  readiness.SetSources(caught_up, 5, 2401);
  v = readiness.Check();
  CHECK(v.ready);
  CHECK(v.lag == 0);

  // A lagging consumer is named first, and alone.
  readiness.SetSources({{"feed", 0, false, 40}}, 600, 2401);
  v = readiness.Check();
  REQUIRE(v.reasons.size() == 1);
  CHECK(v.reasons[0] == "the consumer is 40 messages behind (ready at 5 or fewer)");
}

TEST_CASE(
    "ack forwarder: the loop hands over without waiting; answers come from the broker's verdict",
    "[web][acks]") {
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::vector<std::string> sent;
  web::AckForwarder forwarder([&](const router::Acknowledge& ack) -> base::Status {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return release; });  // a broker that takes its time
    sent.push_back(ack.case_id);
    if (ack.case_id == "case-refused") return base::Status::Unavailable("broker said no");
    return base::Status::Ok();
  });
  auto request = [](const std::string& id) {
    auto r = std::make_shared<web::AckQueue::Request>();
    r->case_id = id;
    r->engineer = "alice";
    return r;
  };
  auto answer_of = [](web::AckQueue::Request& r) {
    std::unique_lock<std::mutex> lock(r.mu);
    r.done.wait_for(lock, 10s, [&] { return r.answer.has_value(); });
    return r.answer;
  };
  auto first = request("case-ok");
  auto second = request("case-refused");
  // Both are queued while the send blocks: Forward returned, nothing is answered yet.
  forwarder.Forward({"case-ok", "alice", T("2026-03-02T10:00:00Z")}, first);
  forwarder.Forward({"case-refused", "alice", T("2026-03-02T10:00:00Z")}, second);
  {
    std::lock_guard<std::mutex> lock(first->mu);
    CHECK_FALSE(first->answer.has_value());
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  auto a = answer_of(*first);
  REQUIRE(a);
  CHECK(a->http_status == 202);
  CHECK(a->result == "forwarded");
  auto b = answer_of(*second);
  REQUIRE(b);
  CHECK(b->http_status == 503);
  CHECK(b->detail == "not forwarded: broker said no");
  {
    std::lock_guard<std::mutex> lock(mu);
    CHECK(sent == std::vector<std::string>{"case-ok", "case-refused"});
  }
  // After Stop, an acknowledgement is refused at once rather than left waiting.
  forwarder.Stop();
  auto late = request("case-late");
  forwarder.Forward({"case-late", "alice", T("2026-03-02T10:00:00Z")}, late);
  auto c = answer_of(*late);
  REQUIRE(c);
  CHECK(c->http_status == 503);
  CHECK(c->detail == "not forwarded: serve is stopping");
}
