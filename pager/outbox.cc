#include "pager/outbox.h"

namespace pager {

base::Result<RelayStats> OutboxRelay::DeliverPending() {
  RelayStats stats;
  store::Batch deletes;
  base::Status send_error;
  base::Status scan =
      log_.Scan(store::Family::kOutbox, "", [&](std::string_view key, std::string_view value) {
        auto page = FromOutbox(key, value);
        if (!page.ok()) {
          ++stats.dropped;
          stats.problems.push_back(page.status().message());
        } else {
          send_error = sink_.Send(*page);
          if (!send_error.ok()) {
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
