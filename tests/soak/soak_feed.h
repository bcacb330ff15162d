// The soak's support feed: cases that open, hear from the customer or AWS and resolve, in the
// order one timeline gives them, with malformed messages mixed in that serve must keep as dead
// letters. Pure: the caller passes the wall-clock instant; the choices follow the seed.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "base/time.h"

namespace soak {

// One message for the feed topic.
struct Message {
  std::string id;  // the envelope id ("soak-ev-N"), or the marker of a malformed one ("soak-bad-N")
  bool valid = true;  // false: serve must refuse it (a dead letter)
  std::string kind;   // "create", "customer", "aws", "resolve"; for bad ones what is wrong
  std::string line;   // the message as published (one JSON line, or not JSON at all)
};

class FeedGenerator {
 public:
  // `cases_per_s`: the mean rate of new cases; one malformed message per ~5 cases.
  FeedGenerator(uint64_t seed, double cases_per_s);

  // The messages due at `now`: new cases (a Poisson count for the time since the last call)
  // when `open_new`, malformed ones likewise, and the follow-ups of earlier cases whose
  // instant has come, in time order. Event times are `now`. REQUIRES: `now` never decreases.
  std::vector<Message> Due(base::Timestamp now, bool open_new);

  // Whether follow-ups of cases already opened are still to come.
  bool has_follow_ups() const { return !follow_ups_.empty(); }

 private:
  struct FollowUp {
    std::string kind;  // "customer", "aws", "resolve"
    std::string case_id;
    std::string account;
  };
  Message Create(base::Timestamp now);
  Message Bad(base::Timestamp now);
  Message Emit(const FollowUp& f, base::Timestamp now);
  double Uniform(double lo, double hi);

  std::mt19937_64 rng_;
  double cases_per_s_;
  std::optional<base::Timestamp> last_;
  std::multimap<base::Timestamp, FollowUp> follow_ups_;
  uint64_t next_case_ = 1;
  uint64_t next_event_ = 1;
  uint64_t next_bad_ = 1;
};

}  // namespace soak
