#include "cli/store_faults.h"

#include <spdlog/spdlog.h>

#include "service/notify.h"

namespace cli {

void StoreFaults::OnFailure(const base::Status& s) {
  const auto now = Clock::now();
  ++failures_;
  ++failures_since_log_;
  // The main loop waits for this writer while it retries, so it stops feeding systemd's
  // watchdog; the retries feed it instead (every 2 s at most, well within WatchdogSec): a
  // full disk is waited out, not turned into a kill and a restart loop that cannot open the log.
  service::NotifyWatchdog();
  if (metrics_) metrics_->OnStoreWriteFailure();
  readiness_.SetStoreFailure("the store cannot write the event log in " + dir_ + ": " +
                             s.ToString());
  if (!failing_) {
    failing_ = true;
    first_failure_ = now;
  } else if (now - last_logged_ < interval_) {
    return;
  }
  last_logged_ = now;
  spdlog::error(
      "store: cannot write the event log in {}: {}; consuming, timers and new pages wait, "
      "retrying (failed {} time(s) in {:.0f} s)",
      dir_, s.ToString(), failures_since_log_,
      std::chrono::duration<double>(now - first_failure_).count());
  failures_since_log_ = 0;
}

void StoreFaults::OnWritten() {
  if (!failing_) return;
  failing_ = false;
  readiness_.ClearStoreFailure();
  spdlog::warn("store: writes succeed again after {:.1f} s and {} failed attempt(s); resuming",
               std::chrono::duration<double>(Clock::now() - first_failure_).count(), failures_);
  failures_ = 0;
  failures_since_log_ = 0;
}

}  // namespace cli
