// Resolving escalation step targets to engineers at one instant: who is on
// call in a schedule, the customer's designated EAE (inside the customer's
// business calendar only), the EDM, a named engineer, or the familiar
// engineer (the on-shift engineer who best knows this case). Returns plain
// values with the reasons (router/reason.h: codes and fields), so a caller can
// record why each page went where.
//
// Pure: no clock, no I/O. Thread-safe (reads only its arguments).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/time.h"
#include "config/config.h"
#include "router/reason.h"
#include "schedules/schedules.h"

namespace router {

using base::Timestamp;

class RoutingMemo;

// One earlier case an engineer handled for a customer (from the log).
struct HandledCase {
  std::string engineer;
  std::string account;
  Timestamp at;  // when they handled it (e.g. their first response)
};

// Everything target resolution reads besides the instant.
struct RoutingFacts {
  const config::Config* config = nullptr;                  // REQUIRED
  const config::Customer* customer = nullptr;              // nullptr: unknown account
  std::string service;                                     // the case's serviceCode
  const std::vector<HandledCase>* history = nullptr;       // nullptr: no history
  const std::map<std::string, int>* open_cases = nullptr;  // engineer -> open cases; nullptr: none
  RoutingMemo* memo = nullptr;  // nullptr: compute every lookup afresh (same results)
};

// One engineer considered by `familiar`, with how well they know the case:
// the parts of the score and where they are on call, as facts (ReasonText in
// router/reason_text.h renders "skill medialive +3.00; workflows live-linear
// +1.00; 0 open; on call in video-sme-primary (london)").
struct Candidate {
  std::string engineer;
  double score = 0;     // higher knows the case better: the sum of the parts
  int open_cases = 0;   // the tie-breaker: fewer first
  std::string skill{};  // the case's service, when it is among their skills
  double skill_score = 0;
  std::vector<std::string> workflows{};  // the customer's workflow tags among their skills
  double workflow_score = 0;
  int earlier_cases = 0;     // cases of this customer they handled before
  double history_score = 0;  // those cases' weight, halving with age
  std::string schedule{};    // where they are on call (the first schedule, by name)
  std::string layer{};       // that schedule's layer, or "override"
  std::string prose{};       // an old record's sentence (its parts are then empty)
  friend bool operator==(const Candidate&, const Candidate&) = default;
};

// Familiarity weights. A skill equal to the service counts most; each of the
// customer's workflow tags among the skills counts one; each earlier case of
// this customer counts two, halving every kHistoryHalfLife of age.
inline constexpr double kServiceSkillScore = 3.0;
inline constexpr double kWorkflowScore = 1.0;
inline constexpr double kHandledCaseScore = 2.0;
inline constexpr std::chrono::hours kHistoryHalfLife{24 * 30};

// Ranks every engineer on call in any schedule at `at` (each once), best
// first: by score, then fewest open cases, then id. Empty when nobody is on
// call anywhere. History entries after `at` or of other accounts are ignored.
// REQUIRES: facts.config.
std::vector<Candidate> RankFamiliar(Timestamp at, const RoutingFacts& facts);

// Scratch for one decision (one router::Decide call): the on-call shifts and
// familiar rankings already computed, by instant, so that routing, the
// familiar target, a schedule target and the handoff watch of one input look
// each up once (an opening asked OnCallAt about eight times for three
// schedules at one instant). Results are exactly what the uncached functions
// return; only the repeats are saved. Keyed by what the result depends on
// (schedule and instant; instant and routing facts), so a memo shared by
// calls with different facts stays correct. Not thread-safe: one per call.
class RoutingMemo {
 public:
  RoutingMemo() = default;
  RoutingMemo(const RoutingMemo&) = delete;
  RoutingMemo& operator=(const RoutingMemo&) = delete;

  // schedules::OnCallAt(schedule, at), computed once per (schedule, at). The
  // reference is valid until the next call on this memo.
  const schedules::Shift& OnCallAt(const config::Schedule& schedule, Timestamp at);

  // Who is on call at `at`: the returned shift's engineer and source are
  // schedules::WhoIsOnCall's (its start and end mean nothing unless OnCallAt
  // was asked the same). Reuses a full shift; computes only the value (a third
  // of OnCallAt) otherwise. Valid until the next call on this memo.
  const schedules::Shift& WhoIsOnCall(const config::Schedule& schedule, Timestamp at);

  // RankFamiliar(at, facts), computed once per (at, facts) (facts.memo aside).
  // The reference is valid until the next call on this memo.
  const std::vector<Candidate>& RankFamiliar(Timestamp at, const RoutingFacts& facts);

 private:
  struct ShiftEntry {
    const config::Schedule* schedule;
    Timestamp at;
    bool full;  // shift.start and shift.end are OnCallAt's (else only who and source)
    schedules::Shift shift;
  };
  ShiftEntry* Find(const config::Schedule& schedule, Timestamp at);
  void MakeRoom();  // before adding a shift entry
  struct RankingEntry {
    Timestamp at;
    const config::Config* config;
    const config::Customer* customer;
    std::string service;
    const std::vector<HandledCase>* history;
    const std::map<std::string, int>* open_cases;
    std::vector<Candidate> ranking;
  };
  std::vector<ShiftEntry> shifts_;
  std::vector<RankingEntry> rankings_;
};

// schedules::OnCallAt(schedule, at) through `memo` when there is one, else
// computed into `own`. The reference is valid until the memo's next lookup.
const schedules::Shift& OnCallVia(RoutingMemo* memo, const config::Schedule& schedule, Timestamp at,
                                  schedules::Shift& own);
// schedules::WhoIsOnCall the same way: the shift's engineer and source only.
const schedules::Shift& WhoIsOnCallVia(RoutingMemo* memo, const config::Schedule& schedule,
                                       Timestamp at, schedules::Shift& own);

// What one target resolved to at one instant.
struct TargetResolution {
  std::string target;                   // as written: "schedule/video-sme-primary"
  std::optional<std::string> engineer;  // nullopt: nobody
  std::string schedule;                 // schedule targets: the schedule name
  std::string source;                   // schedule targets: layer name or "override"
  std::optional<Timestamp> until;       // schedule targets: the end of that shift
  std::vector<Candidate> candidates;    // familiar: the ranking, best first
  Reason reason;                        // why this engineer, or why nobody
  friend bool operator==(const TargetResolution&, const TargetResolution&) = default;
};

// Resolves one target at `at`. Unknown schedules, engineers, a missing
// customer or an empty field resolve to nobody with the reason in `reason`.
// REQUIRES: facts.config.
TargetResolution ResolveTarget(const config::Target& target, Timestamp at,
                               const RoutingFacts& facts);

// One page a step sends: each engineer once, through the first target (in
// the step's order) that reached them.
struct StepPage {
  std::string engineer;
  std::string target;                 // the first target that reached them
  std::vector<std::string> also_via;  // the step's other targets that reached them
  std::string source;                 // layer or "override" when `target` is a schedule
  std::vector<Candidate> candidates;  // when `target` is familiar
  Reason reason;  // `target`'s resolution reason, with `until` (the shift's end) of a schedule
};

// A whole step resolved at one instant.
struct StepResolution {
  std::vector<TargetResolution> targets;  // one per target, in the step's order
  std::vector<StepPage> pages;            // deduplicated, in order of first reach
  std::vector<std::string> schedules;     // schedules the step targets (watched for handoffs)
  bool empty() const { return pages.empty(); }
};

// Resolves every target of `step` at `at` and deduplicates the engineers.
// REQUIRES: facts.config.
StepResolution ResolveStep(const config::Step& step, Timestamp at, const RoutingFacts& facts);

}  // namespace router
