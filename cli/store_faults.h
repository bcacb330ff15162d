// serve's handling of its store's failing writes (a full disk, an I/O error): the write-behind
// writer retries each failed write until it succeeds (store/event_log.h), and meanwhile the
// ingest loop blocks on its next batch, so nothing is consumed, no offset is stored and no page
// leaves beyond what is durable. This reports it: one log line when writes start failing, then
// one per interval (not one per retry), /readyz not ready naming the store, a metric, and a line
// when writes succeed again. Called from the store's writer thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "base/status.h"
#include "web/readiness.h"
#include "web/serve_metrics.h"

namespace cli {

class StoreFaults {
 public:
  // `metrics` may be null (no --http). REQUIRES: readiness (and metrics) outlive this.
  StoreFaults(web::Readiness& readiness, web::ServeMetrics* metrics, std::string dir,
              std::chrono::seconds log_interval = std::chrono::seconds(10))
      : readiness_(readiness), metrics_(metrics), dir_(std::move(dir)), interval_(log_interval) {}

  // A write attempt failed with `s` (Options::on_write_error).
  void OnFailure(const base::Status& s);
  // A write succeeded (Options::on_written): cheap when nothing failed.
  void OnWritten();

 private:
  using Clock = std::chrono::steady_clock;
  web::Readiness& readiness_;
  web::ServeMetrics* metrics_;
  const std::string dir_;
  const std::chrono::seconds interval_;
  bool failing_ = false;
  Clock::time_point first_failure_{}, last_logged_{};
  uint64_t failures_ = 0;            // since writes started failing
  uint64_t failures_since_log_ = 0;  // not yet reported in a line
};

}  // namespace cli
