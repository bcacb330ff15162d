#include "pager/outbox.h"

#include <algorithm>

namespace pager {

base::Result<RelayStats> OutboxRelay::DeliverPending() {
  RelayStats stats;
  store::Batch deletes;
  base::Status send_error;
  uint64_t sent_through = sent_through_;
  base::Status scan =
      log_.Scan(store::Family::kOutbox, "", [&](std::string_view key, std::string_view value) {
        // Handled by an earlier round whose deletes a write-behind log has not
        // written yet: sending it again would page twice.
        if (key.size() == 8) {
          const uint64_t seq = store::DecodeSeq(key);
          if (seq <= sent_through_) return true;
          sent_through = std::max(sent_through, seq);
        }
        auto page = FromOutbox(key, value);
        if (!page.ok()) {
          ++stats.dropped;
          stats.problems.push_back(page.status().message());
        } else {
          send_error = sink_.Send(*page);
          if (!send_error.ok()) {
            sent_through = page->seq - 1;  // this one and the rest wait for the next round
            stats.problems.push_back("page " + std::to_string(page->seq) +
                                     " not sent: " + send_error.message());
            return false;  // keep order: later pages wait for this one
          }
          ++stats.sent;
        }
        deletes.puts.push_back({store::Family::kOutbox, std::string(key), std::nullopt});
        return true;
      });
  if (!scan.ok()) return scan;
  if (!deletes.empty()) {
    auto appended = log_.Append(deletes);
    if (!appended.ok()) return appended.status();
  }
  sent_through_ = sent_through;
  return stats;
}

base::Result<uint64_t> OutboxRelay::Pending() const {
  uint64_t n = 0;
  base::Status scan =
      log_.Scan(store::Family::kOutbox, "", [&](std::string_view, std::string_view) {
        ++n;
        return true;
      });
  if (!scan.ok()) return scan;
  return n;
}

}  // namespace pager
