// Hand-made case histories for the report tests: a Story appends the events a case's log
// would hold (router/events.h), in order, to a report::CaseFold, with sequence numbers.
#pragma once

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "report/case_fold.h"
#include "report/retro.h"
#include "tests/test_support.h"

namespace report_testing {

inline base::Timestamp T(const char* iso) { return *base::ParseInstant(iso); }

// tests/scenarios/data/config.yaml: ny-business (Mon-Fri 09-17 New York, Thanksgiving and
// the day after off), always; engineers p1-p3, s1-s2, g1-g2 in UTC, eae1-3, edm1, mgr in
// New York.
inline std::shared_ptr<const config::Config> TestConfig() {
  auto loaded = config::LoadConfigFile(
      (testing_support::SourceDir() / "tests/scenarios/data/config.yaml").string());
  REQUIRE(loaded.errors.empty());
  return loaded.config;
}

class Story {
 public:
  explicit Story(std::string case_id) : case_id_(std::move(case_id)) {}

  const report::CaseSummary& summary() const { return fold_.summary(); }
  // The same events folded for the retrospective (with the warnings).
  const report::RetroFold& retro() const { return retro_; }

  void Open(const char* at, int level, const std::string& account = "111122223333") {
    router::CaseOpened e;
    e.case_id = case_id_;
    e.at = T(at);
    e.display_id = "D-" + case_id_;
    e.account = account;
    e.service = "medialive";
    e.level = level;
    Add(e);
  }
  // A Routed that starts a clock at `at`.
  void Route(const char* at, int level, const char* due,
             router::ReasonCode why = router::ReasonCode::kOpened,
             const std::string& clock = "always", int64_t target_s = 900, bool business = false,
             bool deferred = false, bool fallback = false,
             router::Reason calendars = router::Reason{router::ReasonCode::kPlan}) {
    router::Routed e;
    e.case_id = case_id_;
    e.at = T(at);
    e.level = level;
    e.plan = fallback ? "enterprise" : "annual";
    e.fallback = fallback;
    e.reason.code = why;
    e.calendars = std::move(calendars);
    e.clock_start = T(at);
    e.due = T(due);
    e.clock = clock;
    e.target_s = target_s;
    e.target_business = business;
    e.steps = 3;
    e.deferred = deferred;
    awaiting_ = true;
    Add(e);
  }
  // A severity change re-targeting the running clock.
  void Retarget(const char* at, int level, const char* due, const std::string& from,
                const std::string& to) {
    router::Routed e;
    e.case_id = case_id_;
    e.at = T(at);
    e.level = level;
    e.plan = "annual";
    e.reason.code = router::ReasonCode::kSeverityChanged;
    e.reason.from_severity = from;
    e.reason.severity = to;
    e.due = T(due);
    e.clock = "always";
    e.target_s = 900;
    e.steps = 3;
    Add(e);
  }
  // A step that fired: it paged `engineers` (through schedule/primary) and reached nobody
  // through the targets in `nobody`.
  void Step(const char* at, int step, int cycle, const std::vector<std::string>& engineers,
            const std::vector<std::string>& nobody = {}) {
    router::Escalated e;
    e.case_id = case_id_;
    e.at = T(at);
    e.step = step;
    e.cycle = cycle;
    e.empty = engineers.empty();
    for (const auto& who : engineers) {
      router::TargetResolution t;
      t.target = "schedule/primary";
      t.engineer = who;
      e.targets.push_back(t);
    }
    for (const auto& target : nobody) {
      router::TargetResolution t;
      t.target = target;
      e.targets.push_back(t);
    }
    Add(e);
    for (const auto& who : engineers) Page(at, who, step, cycle);
  }
  // A page; returns its id (the paged event's sequence number).
  uint64_t Page(const char* at, const std::string& engineer, int step = 0, int cycle = 0) {
    router::Paged e;
    e.case_id = case_id_;
    e.at = T(at);
    e.engineer = engineer;
    e.step = step;
    e.cycle = cycle;
    e.target = "schedule/primary";
    return Add(e);
  }
  // An acknowledgement; the response too while the clock runs (as Decide emits them).
  void Ack(const char* at, const std::string& engineer) {
    Add(router::Acknowledged{case_id_, T(at), engineer});
    if (awaiting_) {
      Add(router::Responded{case_id_, T(at), router::ResponseKind::kAck, engineer});
      awaiting_ = false;
    }
  }
  void Breach(const char* at, const char* due, bool at_severity_change = false) {
    router::Breached e;
    e.case_id = case_id_;
    e.at = T(at);
    e.due = T(due);
    e.at_severity_change = at_severity_change;
    Add(e);
  }
  void Warning(const char* at, const char* due) {
    Add(router::SlaWarning{case_id_, T(at), T(due), std::nullopt});
  }
  void Resolve(const char* at) {
    Add(router::CaseResolved{case_id_, T(at), ""});
    awaiting_ = false;
  }
  void Delivered(const char* at, uint64_t page) {
    Add(router::Delivered{case_id_, T(at), "", "phone", page});
  }
  void Failed(const char* at, uint64_t page) {
    Add(router::DeliveryFailed{case_id_, T(at), "", page, 3});
  }
  void Superseded(const char* at, uint64_t page) {
    Add(router::PageSuperseded{case_id_, T(at), "", page, router::SupersededBy::kResponse});
  }

 private:
  uint64_t Add(const router::Event& e) {
    fold_.Add(++seq_, e);
    retro_.Add(seq_, e);
    return seq_;
  }
  std::string case_id_;
  uint64_t seq_ = 0;
  bool awaiting_ = false;
  report::CaseFold fold_;
  report::RetroFold retro_;
};

}  // namespace report_testing
