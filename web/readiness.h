// What /readyz judges: serve is ready when its consumer is assigned and caught up to within
// the configured lag, what it consumed is applied and visible (no more than that lag held back
// for event time, and the live view within that many events of the log), its timers are
// loaded, its pager (when it has one) is bound, and its store's last write succeeded. Set by
// serve's main loop, read by HTTP threads and the service notifier. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "feed/ingest_sink.h"

namespace web {

class Readiness {
 public:
  // `max_lag`: at most this many messages left to consume over the assignment.
  explicit Readiness(int64_t max_lag) : max_lag_(max_lag) {}

  void SetTimersLoaded() { timers_loaded_.store(true); }
  // Whether the pager's socket is bound (true also when serve runs without a pager).
  void SetPagerBound(bool bound) { pager_bound_.store(bound); }
  // The store's writes fail (a full disk, an I/O error): not ready, for `why`, until
  // ClearStoreFailure. From the store's writer thread.
  void SetStoreFailure(const std::string& why);
  // A write succeeded: cheap when nothing failed (called after every write).
  void ClearStoreFailure();
  // Scale-out: a partition being restored from the changelog, or refused, keeps serve not
  // ready with `why` until cleared ("" clears it; ClearPartitions clears all, at each
  // assignment). From the ingest thread.
  void SetPartitionState(int32_t partition, const std::string& why);
  void ClearPartitions();
  // The consumer's assignment as the ingest loop last reported it, with what consumption alone
  // does not show: `held_inputs` consumed but held back for event time (not applied yet), and
  // `applied_next_seq`, the log's next sequence number (every event below it is applied). A
  // consumer caught up on a backlog it has not applied is not ready.
  void SetSources(const std::vector<router::SourceState>& sources, size_t held_inputs = 0,
                  uint64_t applied_next_seq = 0);
  // Where the live view is (every event below the returned seq is visible to readers); unset,
  // the view is not judged. Set once, before HTTP starts.
  void SetViewFollowed(std::function<uint64_t()> followed) { view_followed_ = std::move(followed); }
  std::vector<router::SourceState> sources() const;

  struct Verdict {
    bool ready = false;
    std::vector<std::string> reasons;  // why not, for people; empty when ready
    int64_t lag = -1;                  // summed over the assignment; -1 unknown
    size_t partitions = 0;
  };
  Verdict Check() const;

 private:
  const int64_t max_lag_;
  std::atomic<bool> timers_loaded_{false};
  std::atomic<bool> pager_bound_{false};
  std::atomic<bool> store_failed_{false};
  mutable std::mutex mu_;
  std::vector<router::SourceState> sources_;         // guarded by mu_
  size_t held_inputs_ = 0;                           // guarded by mu_
  uint64_t applied_next_seq_ = 0;                    // guarded by mu_
  std::function<uint64_t()> view_followed_;          // set before readers start
  std::string store_failure_;                        // guarded by mu_; empty: writes succeed
  std::map<int32_t, std::string> partition_states_;  // guarded by mu_
};

}  // namespace web
