#include "web/readiness.h"

namespace web {

void Readiness::SetSources(const std::vector<router::SourceState>& sources, size_t held_inputs,
                           uint64_t applied_next_seq) {
  std::lock_guard<std::mutex> lock(mu_);
  sources_ = sources;
  held_inputs_ = held_inputs;
  applied_next_seq_ = applied_next_seq;
}

void Readiness::SetStoreFailure(const std::string& why) {
  std::lock_guard<std::mutex> lock(mu_);
  store_failure_ = why;
  store_failed_.store(true);
}

void Readiness::ClearStoreFailure() {
  if (!store_failed_.load()) return;
  std::lock_guard<std::mutex> lock(mu_);
  store_failure_.clear();
  store_failed_.store(false);
}

std::vector<router::SourceState> Readiness::sources() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sources_;
}

Readiness::Verdict Readiness::Check() const {
  Verdict v;
  const std::vector<router::SourceState> sources = this->sources();
  v.partitions = sources.size();
  bool lag_known = !sources.empty();
  int64_t lag = 0;
  for (const auto& s : sources) {
    // A partition reported caught up has nothing left whatever its last-seen watermark says.
    if (s.caught_up) continue;
    if (s.lag < 0) {
      lag_known = false;
    } else {
      lag += s.lag;
    }
  }
  v.lag = lag_known ? lag : -1;
  if (sources.empty())
    v.reasons.push_back("the consumer has no partition assigned yet");
  else if (!lag_known)
    v.reasons.push_back("the consumer's lag is not known yet");
  else if (lag > max_lag_) {
    v.reasons.push_back("the consumer is " + std::to_string(lag) + " messages behind (ready at " +
                        std::to_string(max_lag_) + " or fewer)");
  }
  // Consumed is not yet seen: inputs held back for event time apply later, and the live view
  // follows the log on its own thread. Judged only once the consumer itself is caught up, so
  // the reasons name the first thing to wait for.
  if (v.reasons.empty()) {
    size_t held = 0;
    uint64_t applied_next = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      held = held_inputs_;
      applied_next = applied_next_seq_;
    }
    if (static_cast<int64_t>(held) > max_lag_) {
      v.reasons.push_back(std::to_string(held) +
                          " consumed inputs are held back for event time, not applied yet");
    } else if (view_followed_) {
      const uint64_t followed = view_followed_();
      if (applied_next > followed && static_cast<int64_t>(applied_next - followed) > max_lag_) {
        v.reasons.push_back("the live view is " + std::to_string(applied_next - followed) +
                            " events behind the log");
      }
    }
  }
  if (!timers_loaded_.load()) v.reasons.push_back("the timers are not loaded yet");
  if (!pager_bound_.load()) v.reasons.push_back("the pager's socket is not bound");
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (store_failed_.load() && !store_failure_.empty()) v.reasons.push_back(store_failure_);
    for (const auto& [partition, why] : partition_states_) v.reasons.push_back(why);
  }
  v.ready = v.reasons.empty();
  return v;
}

void Readiness::SetPartitionState(int32_t partition, const std::string& why) {
  std::lock_guard<std::mutex> lock(mu_);
  if (why.empty()) {
    partition_states_.erase(partition);
  } else {
    partition_states_[partition] = why;
  }
}

void Readiness::ClearPartitions() {
  std::lock_guard<std::mutex> lock(mu_);
  partition_states_.clear();
}

}  // namespace web
