// The hub's bookkeeping of delivery (pager/hub.h), with no socket and no clock:
// which pages wait for a receipt, which devices are connected for which
// engineer, when each page is sent again, and when it counts as undelivered.
// Time is an argument, so every rule here is tested exactly.
//
// Rules:
//  - a page is sent at once to every connected device of its engineer, then
//    again with backoff (first_retry, doubling, at most max_retry) until a
//    receipt from any of them arrives;
//  - a device that says hello gets every page pending for its engineer at once;
//  - a page with no receipt `delivery_timeout` after the later of its decision
//    and its arrival in the book (a backlog caught up on is not late at once)
//    is reported failed, once; it stays and is still sent;
//  - a receipt, or Drop (the case was answered first), ends a page.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/time.h"

namespace pager {

struct BookOptions {
  // Resends are for a connection that died silently before its heartbeat noticed (a device
  // that reconnects says hello and gets everything at once), so they start slow: a burst of
  // thousands of pages takes a second or more to confirm, and must not all go out twice.
  base::Duration first_retry = std::chrono::seconds(5);
  base::Duration max_retry = std::chrono::seconds(60);
  base::Duration delivery_timeout = std::chrono::minutes(5);
};

// A connected device, as the hub knows it.
struct DeviceEntry {
  std::string route;  // the ROUTER's routing id of its connection
  std::string engineer;
  std::string device;
};

// One send the hub must make: page `seq` to the connection `route`.
struct SendOrder {
  std::string route;
  uint64_t seq = 0;
  friend bool operator==(const SendOrder&, const SendOrder&) = default;
};

// A page's first receipt.
struct ReceiptNote {
  uint64_t seq = 0;
  std::string engineer;
  std::string device;
};

// A page undelivered past the timeout.
struct FailureNote {
  uint64_t seq = 0;
  std::string engineer;
  uint32_t attempts = 0;
};

class DeliveryBook {
 public:
  explicit DeliveryBook(BookOptions options = {}) : options_(options) {}

  // A page to deliver: `decided` is when it was decided; `failed_before` when its failure was
  // logged already (a restart). A seq already in the book is ignored. Returns the sends to
  // make now (one per connected device of the engineer).
  std::vector<SendOrder> Add(uint64_t seq, const std::string& engineer, base::Timestamp decided,
                             bool failed_before, base::Timestamp now);

  // A device said hello on `route` (again, or after a reconnection: a route's earlier entry
  // is replaced). Returns the sends to make now: every page pending for its engineer.
  std::vector<SendOrder> Connect(const DeviceEntry& device, base::Timestamp now);

  // The connection `route` is gone (a send found no such peer). Unknown routes are ignored.
  void Disconnect(const std::string& route);

  // Counts a send made (or queued) to a device: what DeliveryFailed reports.
  void Sent(uint64_t seq);

  // A receipt for `seq` from `route`: the note for the first receipt of a pending page,
  // nullopt for a page not in the book (delivered already, dropped, unknown) or a route
  // that never said hello.
  std::optional<ReceiptNote> Receive(const std::string& route, uint64_t seq);

  // Forgets a page (answered first, or recorded elsewhere). Unknown seqs are ignored.
  void Drop(uint64_t seq);

  // Everything due at `now`: the resends (each page's next round has come) and the pages
  // that just became undelivered.
  struct Due {
    std::vector<SendOrder> sends;
    std::vector<FailureNote> failed;
  };
  Due Poll(base::Timestamp now);

  // The next instant Poll has something to do, or nullopt when nothing is pending.
  std::optional<base::Timestamp> NextWake() const;

  // The connected device behind `route`, or nullptr.
  const DeviceEntry* Device(const std::string& route) const;
  size_t pending() const { return pages_.size(); }
  size_t devices() const { return devices_.size(); }
  // The engineer a pending page is for, or nullptr.
  const std::string* EngineerOf(uint64_t seq) const;

 private:
  struct Pending {
    std::string engineer;
    base::Timestamp fail_at{};
    bool failed = false;
    uint32_t attempts = 0;
    base::Duration backoff{};
    base::Timestamp next_send{};
  };
  std::vector<SendOrder> SendsFor(uint64_t seq, const std::string& engineer) const;
  // Sets the page's next send (backoff doubled) and keeps `wakes_` in step.
  void Schedule(uint64_t seq, Pending& p, base::Timestamp now);
  // The instant the page next needs Poll: its next send, or its failure if earlier.
  static base::Timestamp WakeOf(const Pending& p);

  BookOptions options_;
  std::map<uint64_t, Pending> pages_;
  std::map<std::string, DeviceEntry> devices_;              // by route
  std::map<std::string, std::set<std::string>> routes_of_;  // engineer -> routes
  std::map<std::string, std::set<uint64_t>> pages_of_;      // engineer -> pending seqs
  // Every pending page by WakeOf: Poll and NextWake touch only what is due, not every page.
  std::set<std::pair<base::Timestamp, uint64_t>> wakes_;
};

}  // namespace pager
