// A seeded simulator: random feed events, acks, duplicates and crash-restarts drive the
// real Engine on RocksDB with a simulated clock, and the invariants hold after every step.
//
// Invariants: every open case without a first response has a next action in the store
// (or has already breached with nothing left to do); the store's timers, the in-memory
// TimerIndex and the projections agree; no page for a resolved or answered case; no
// event dated after the instant that caused it and no breach before its due instant;
// the fold of the log equals the live projections (Engine::Rebuild without repair).
// Each seed is printed; ESCALATOR_SIM_SEED=N replays one, ESCALATOR_SIM_STEPS=N sizes it.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.h"
#include "engine/engine.h"
#include "engine/timer_index.h"
#include "router/codec.h"
#include "store/event_log.h"
#include "tests/test_support.h"

namespace {

using base::Timestamp;
using namespace router;
using std::chrono::milliseconds;
using std::chrono::minutes;

const std::vector<std::string> kAccounts = {"111122223333", "444455556666", "777788889999"};
const std::vector<std::string> kServices = {"medialive", "mediapackage", "cloudfront",
                                            "mediatailor", "amazon-rds"};
const std::vector<std::string> kSeverities = {"critical", "urgent", "high", "normal", "low"};

std::shared_ptr<const config::Config> SampleConfig() {
  auto loaded =
      config::LoadConfigFile((testing_support::SharedDir() / "samples/config.yaml").string());
  REQUIRE(loaded.errors.empty());
  return loaded.config;
}

// Fails the test with the seed and step in the message.
#define SIM_REQUIRE(cond, what)                                                            \
  do {                                                                                     \
    if (!(cond)) {                                                                         \
      FAIL("seed " << seed_ << " step " << step_ << " (" << clock_str() << "): " << what); \
    }                                                                                      \
  } while (0)

class Simulator {
 public:
  Simulator(uint64_t seed, std::shared_ptr<const config::Config> config)
      : seed_(seed), rng_(seed), config_(std::move(config)) {
    Open();
  }

  void Run(int steps) {
    for (step_ = 0; step_ < steps; ++step_) {
      Advance();
      Act();
      CheckStore();
      if (step_ % 200 == 199) CheckRebuild();
      if (Chance(2)) Restart();
    }
    // Let every case run out: fire timers for 40 days of simulated time.
    FireUntil(clock_ + std::chrono::hours(24 * 40));
    CheckStore();
    CheckRebuild();
    Restart();
    CheckRebuild();
    SIM_REQUIRE(timers_.empty() || timers_.Next()->first > clock_, "timers left unfired");
  }

  uint64_t inputs() const { return inputs_; }
  uint64_t events() const { return log_->next_seq() - 1; }
  uint64_t restarts() const { return restarts_; }
  uint64_t pages() const { return pages_; }
  uint64_t ticks() const { return ticks_; }

 private:
  std::string clock_str() const { return base::FormatInstant(clock_); }
  bool Chance(int percent) { return static_cast<int>(rng_() % 100) < percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[rng_() % v.size()];
  }

  void Open() {
    store::Options options;
    options.sync = false;  // a restart closes cleanly; RocksDB's WAL still orders writes
    auto log = store::EventLog::Open(dir_.str(), options);
    REQUIRE(log.ok());
    log_ = std::move(*log);
    engine_ = std::make_unique<Engine>(*log_, config_);
    auto timers = TimerIndex::Load(*log_);
    SIM_REQUIRE(timers.ok(), "TimerIndex::Load: " << timers.status().ToString());
    timers_ = std::move(*timers);
  }

  // A crash-restart: everything in memory is dropped; the store is all that is left.
  void Restart() {
    std::map<std::string, Timestamp> before;
    for (const auto& [id, _] : model_) {
      if (auto t = timers_.Get(id)) before[id] = *t;
    }
    engine_.reset();
    log_.reset();
    Open();
    ++restarts_;
    for (const auto& [id, _] : model_) {
      auto t = timers_.Get(id);
      auto it = before.find(id);
      SIM_REQUIRE((it == before.end()) == !t, "timer of " << id << " lost or gained by restart");
      if (t) SIM_REQUIRE(*t == it->second, "timer of " << id << " moved by restart");
    }
    CheckRebuild();
  }

  void Advance() {
    // Mostly minutes, sometimes hours, now and then days (weekends, nights).
    int64_t ms = 0;
    switch (rng_() % 10) {
      case 0:
        ms = 0;  // several inputs at one instant
        break;
      case 9:
        ms = static_cast<int64_t>(rng_() % (3LL * 24 * 3600 * 1000));
        break;
      default:
        ms = static_cast<int64_t>(rng_() % (90LL * 60 * 1000));
    }
    FireUntil(clock_ + milliseconds(ms));
  }

  void FireUntil(Timestamp until) {
    while (auto due = timers_.PopDue(until)) {
      SIM_REQUIRE(due->first >= clock_, "a timer due at " << base::FormatInstant(due->first)
                                                          << " was left behind the clock");
      clock_ = due->first;
      auto state = engine_->Load(due->second);
      REQUIRE(state.ok());
      SIM_REQUIRE(state->next_action_at == due->first,
                  "index timer of " << due->second << " disagrees with its projection");
      ++ticks_;
      Apply(Tick{due->second, clock_});
      auto after = engine_->Load(due->second);
      REQUIRE(after.ok());
      SIM_REQUIRE(!after->next_action_at || *after->next_action_at > clock_,
                  "a Tick left its own case due at or before the tick: " << due->second);
      CheckStore();
    }
    clock_ = std::max(clock_, until);
  }

  std::string NewCaseId() {
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(rng_()));
    return "case-" + Pick(kAccounts) + "-muen-2026-" + hex;
  }

  FeedEvent Feed(const std::string& case_id, FeedAction action) {
    FeedEvent fe;
    fe.event_id = "sim-" + std::to_string(seed_) + "-" + std::to_string(++event_ids_);
    fe.case_id = case_id;
    fe.account = case_id.substr(5, 12);
    fe.action = action;
    fe.at = clock_;
    return fe;
  }

  CaseDetails Details(const std::string& case_id, const std::string& service,
                      const std::string& severity) {
    CaseDetails d;
    d.case_id = case_id;
    d.subject = "sim";
    d.status = "opened";
    d.service_code = service;
    d.category_code = "sim";
    d.severity_code = severity;
    d.time_created = clock_;
    d.language = "en";
    return d;
  }

  void Act() {
    std::vector<std::string> ids;
    for (const auto& [id, _] : model_) ids.push_back(id);
    int roll = static_cast<int>(rng_() % 100);
    if (ids.empty() || roll < 25) {
      std::string id = NewCaseId();
      FeedEvent fe = Feed(id, FeedAction::kCreateCase);
      fe.details = Details(id, Pick(kServices), Pick(kSeverities));
      model_[id] = fe.details->service_code;
      Send(fe);
      return;
    }
    const std::string& id = Pick(ids);
    if (roll < 45) {  // an engineer acknowledges (now and then one nobody knows)
      std::string who = Chance(5) ? "nobody-knows-me" : Pick(config_->engineers).id;
      Apply(Acknowledge{id, who, clock_});
    } else if (roll < 60) {
      FeedEvent fe = Feed(id, FeedAction::kAddCommunication);
      fe.origin = Chance(50) ? Origin::kAws : Origin::kCustomer;
      fe.communication_id = fe.event_id;
      if (Chance(20)) fe.details = Details(id, model_[id], Pick(kSeverities));  // severity change?
      Send(fe);
    } else if (roll < 72) {
      Send(Feed(id, FeedAction::kResolveCase));
    } else if (roll < 80) {
      Send(Feed(id, FeedAction::kReopenCase));
    } else if (roll < 92 && !sent_.empty()) {  // a redelivery: must change nothing
      FeedEvent again = sent_[rng_() % sent_.size()];
      auto state = engine_->Load(again.case_id);
      REQUIRE(state.ok());
      // Only true redeliveries: an envelope that was refused or ignored when it
      // first came is not remembered, and replaying it now would be a late message
      // from the past (simulate refuses those as out of time order).
      if (!state->SawEventId(again.event_id)) return;
      uint64_t before = log_->next_seq();
      // The input's instant stays its own; the shell's clock is now.
      auto applied = engine_->Apply(again, std::nullopt, clock_);
      REQUIRE(applied.ok());
      ++inputs_;
      SIM_REQUIRE(applied->outcome.duplicate() && log_->next_seq() == before,
                  "a redelivered envelope changed the log");
      AfterInput(again.case_id, before, clock_);
    } else {  // an input the core must refuse: a case never opened
      Send(Feed(NewCaseId(), FeedAction::kResolveCase));
    }
  }

  void Send(const FeedEvent& fe) {
    if (sent_.size() < 5000) sent_.push_back(fe);
    Apply(fe);
  }

  void Apply(const Input& input) {
    uint64_t before = log_->next_seq();
    auto applied = engine_->Apply(input, std::nullopt, clock_);
    SIM_REQUIRE(applied.ok(), "Apply: " << applied.status().ToString());
    ++inputs_;
    AfterInput(CaseOf(input), before, clock_);
  }

  // Reads the events the input appended, folds them into the test's own copy of each
  // case (the oracle for "fold equals live") and checks the per-event invariants.
  void AfterInput(const std::string& case_id, uint64_t from, Timestamp now) {
    auto read = log_->Read(from, log_->next_seq(), [&](uint64_t seq, std::string_view bytes) {
      auto event = DecodeEvent(bytes);
      SIM_REQUIRE(event.ok(), "event " << seq << " does not decode");
      CheckEvent(*event, now);
      const std::string& id = CaseIdOf(*event);
      if (!id.empty()) EvolveInPlace(folded_[id], *event);
      return true;
    });
    REQUIRE(read.ok());
    if (!case_id.empty()) {
      auto live = engine_->Load(case_id);
      REQUIRE(live.ok());
      auto it = folded_.find(case_id);
      if (it != folded_.end() && it->second.opened) {
        SIM_REQUIRE(*live == it->second, "projection of " << case_id << " != fold of its events");
      }
      if (live->opened) timers_.Set(case_id, live->next_action_at);
    }
  }

  void CheckEvent(const Event& e, Timestamp now) {
    SIM_REQUIRE(AtOf(e) <= now, TypeName(e) << " dated " << base::FormatInstant(AtOf(e))
                                            << ", after the instant that caused it");
    const std::string& id = CaseIdOf(e);
    const CaseState& s = folded_[id];  // the case before this event
    if (const auto* p = std::get_if<Paged>(&e)) {
      ++pages_;
      SIM_REQUIRE(s.status == CaseStatus::kOpen, "page for " << id << " which is not open");
      SIM_REQUIRE(s.awaiting_response, "page for " << id << " which was already answered");
      SIM_REQUIRE(config_->FindEngineer(p->engineer) != nullptr,
                  "page to unknown engineer " << p->engineer);
      SIM_REQUIRE(p->at >= s.opened_at, "page before the case opened");
    }
    if (const auto* b = std::get_if<Breached>(&e)) {
      SIM_REQUIRE(b->at >= b->due, "breach at " << base::FormatInstant(b->at) << " before due "
                                                << base::FormatInstant(b->due));
      SIM_REQUIRE(s.awaiting_response, "breach of an answered clock");
    }
    if (const auto* w = std::get_if<SlaWarning>(&e)) {
      SIM_REQUIRE(w->at <= w->due, "warning after the due instant");
      SIM_REQUIRE(w->at >= s.opened_at, "warning before the case opened");
    }
  }

  // The store's timers, the projections and the in-memory index agree, and every open
  // unanswered case has a next action (or has breached with nothing left to do).
  void CheckStore() {
    std::map<std::string, Timestamp> stored;
    auto scan = log_->Scan(store::Family::kTimers, "", [&](std::string_view key, std::string_view) {
      auto k = DecodeTimerKey(key);
      REQUIRE(k.ok());
      stored[k->second] = k->first;
      return true;
    });
    REQUIRE(scan.ok());
    SIM_REQUIRE(stored.size() == timers_.size(),
                "store has " << stored.size() << " timers, the index " << timers_.size());
    for (const auto& [id, _] : model_) {
      auto state = engine_->Load(id);
      REQUIRE(state.ok());
      if (!state->opened) continue;
      auto it = stored.find(id);
      std::optional<Timestamp> in_store;
      if (it != stored.end()) in_store = it->second;
      SIM_REQUIRE(in_store == state->next_action_at, "stored timer of " << id << " != projection");
      SIM_REQUIRE(timers_.Get(id) == state->next_action_at,
                  "index timer of " << id << " != projection");
      if (state->status == CaseStatus::kOpen && state->awaiting_response) {
        SIM_REQUIRE(state->next_action_at.has_value() || state->breached,
                    "open unanswered case " << id << " has no next action");
      }
      if (state->status == CaseStatus::kResolved) {
        SIM_REQUIRE(!state->next_action_at, "resolved case " << id << " still has a timer");
      }
    }
  }

  void CheckRebuild() {
    auto report = engine_->Rebuild(/*repair=*/false);
    REQUIRE(report.ok());
    std::ostringstream why;
    for (const auto& id : report->mismatched) why << " mismatched " << id;
    for (const auto& id : report->missing) why << " missing " << id;
    for (const auto& id : report->extra) why << " extra " << id;
    SIM_REQUIRE(report->consistent(), "fold of the log != projections:" << why.str());
  }

  uint64_t seed_;
  std::mt19937_64 rng_;
  std::shared_ptr<const config::Config> config_;
  testing_support::TempDir dir_;
  std::unique_ptr<store::EventLog> log_;
  std::unique_ptr<Engine> engine_;
  TimerIndex timers_;
  Timestamp clock_ = *base::ParseInstant("2026-11-02T06:00:00Z");
  int step_ = 0;
  std::map<std::string, std::string> model_;  // case id -> service, for every case opened
  std::map<std::string, CaseState> folded_;   // the test's own fold of the log
  std::vector<FeedEvent> sent_;
  uint64_t event_ids_ = 0, inputs_ = 0, restarts_ = 0, pages_ = 0, ticks_ = 0;
};

std::vector<uint64_t> Seeds() {
  if (const char* one = std::getenv("ESCALATOR_SIM_SEED")) return {std::strtoull(one, nullptr, 10)};
  return {1, 2, 3, 7, 42, 1234, 20261107, 987654321};
}

int Steps() {
  if (const char* n = std::getenv("ESCALATOR_SIM_STEPS")) return std::atoi(n);
  return 1200;
}

}  // namespace

TEST_CASE("seeded simulator: invariants after every step, across crash-restarts", "[sim]") {
  auto config = SampleConfig();
  for (uint64_t seed : Seeds()) {
    std::cout << "sim seed " << seed << " (replay: ESCALATOR_SIM_SEED=" << seed
              << " build/tests/sim/sim_tests)" << std::endl;
    Simulator sim(seed, config);
    sim.Run(Steps());
    std::cout << "  " << sim.inputs() << " inputs, " << sim.ticks() << " timers fired, "
              << sim.events() << " events, " << sim.pages() << " pages, " << sim.restarts()
              << " restarts" << std::endl;
    CHECK(sim.inputs() > 0);
  }
}
