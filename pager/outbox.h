// The outbox relay: delivers the pages the router left in the store's outbox
// (store::Family::kOutbox, written in the same batch as the paged events) and
// deletes each entry once it was handed to the transport. An entry is deleted
// only after it was sent, so a crash between the two resends it at the next
// start: at-least-once, deduplicated by clients on the page's seq.
//
// One thread at a time: the thread that also appends to the log (serve's loop).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "pager/page.h"
#include "store/event_log.h"

namespace pager {

// Where the relay hands pages: the ZeroMQ publisher (pager/zmq_sink.h) in
// serve, a recording double in tests.
class PageSink {
 public:
  virtual ~PageSink() = default;
  // Hands one page over for delivery to page.engineer.
  // Errors: kUnavailable when it could not be handed over now (kept; retried).
  virtual base::Status Send(const OutboundPage& page) = 0;
};

struct RelayStats {
  uint64_t sent = 0;
  uint64_t dropped = 0;               // entries that are not pages: deleted, never sent
  std::vector<std::string> problems;  // why each was dropped, or why sending stopped
};

class OutboxRelay {
 public:
  // REQUIRES: `log` and `sink` outlive the relay.
  OutboxRelay(store::EventLog& log, PageSink& sink) : log_(log), sink_(sink) {}

  // Sends every entry of the outbox in seq order, then deletes the sent ones
  // (and the undecodable ones, reported in `problems`) in one store write. A
  // send that fails stops the round; the rest stay for the next call. Entries
  // already sent by this relay are never sent again, even while a
  // write-behind log has not yet written their deletion.
  // Errors: the store's (reading, or deleting: then the sent entries stay and
  // are sent again, which clients tolerate).
  base::Result<RelayStats> DeliverPending();

  // Entries in the outbox now.
  base::Result<uint64_t> Pending() const;

 private:
  store::EventLog& log_;
  PageSink& sink_;
  // The highest outbox seq sent (or dropped) and queued for deletion: skipped
  // until a write-behind log has written the deletes.
  uint64_t sent_through_ = 0;
};

}  // namespace pager
