// The ingest thread's side of paging in serve: between the node (engine/node.h),
// which decides pages and owns every write, and the hub (pager/hub.h), which
// talks to devices on its own thread.
//
//  - After each write of the node (AfterWrite), it takes the pages that write
//    put into the outbox, drops those whose case was answered meanwhile
//    (page_superseded) and offers the rest to the hub, which sends each once
//    the store reports it durable.
//  - Each round (Round, between polls) it writes what the hub reported: each
//    receipt as a `delivered` event with the outbox entry's deletion, each
//    timeout as `delivery_failed`; applies each acknowledgement that came over
//    the pager channel through the node (the same path as a Kafka ack) and
//    answers the device once it is durable; and drops pages still pending
//    whose case has been answered or resolved since.
//
// It keeps the outbox's pages in memory (loaded once at Start), so nothing is
// scanned per round. One thread: the one that drives the node.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "base/status.h"
#include "engine/layouts.h"
#include "engine/node.h"
#include "pager/hub.h"
#include "store/event_log.h"

namespace pager {

struct DeskStats {
  uint64_t offered = 0;
  uint64_t superseded = 0;
  uint64_t delivered = 0;
  uint64_t failed = 0;
  uint64_t acks = 0;
};

class Desk {
 public:
  using Logger = std::function<void(const std::string&)>;
  // REQUIRES: node, log and hub outlive the desk; nothing else writes the outbox.
  Desk(router::Node& node, store::EventLog& log, Hub& hub, Logger info, Logger warn);

  // Loads the outbox's pages (of the owned partitions: Reown), drops the answered ones and
  // offers the rest (all durable: the log reports its next seq to the hub). Makes the engine
  // keep new pages for AfterWrite. Errors: the store's.
  base::Status Start();

  // Offers the pages the node's last write decided (see above). Errors: the store's
  // (superseding); the pages stay in the outbox and are offered at the next start.
  base::Status AfterWrite();

  // Records the hub's reports and applies its acknowledgements (see above). `now` dates
  // nothing the hub dated itself; it is the clock for superseding. Errors: the store's;
  // what was not written is kept and retried at the next round.
  base::Status Round();

  // Scale-out: after the node's owned partitions changed (an assignment, a revocation, a
  // restore), stops sending the pages of cases it no longer owns and offers the outbox's pages
  // of those it owns and does not hold yet (restored from the changelog). Errors: the store's.
  base::Status Reown();

  // Pages in the outbox not yet confirmed.
  size_t pending() const { return pending_.size(); }
  const DeskStats& stats() const { return stats_; }

 private:
  base::Status Offer(std::vector<router::OutboxPage> pages);
  base::Status ApplyAcks(const std::vector<AckReport>& acks);
  base::Status SupersedePending();

  router::Node& node_;
  store::EventLog& log_;
  Hub& hub_;
  Logger info_, warn_;
  std::map<uint64_t, router::OutboxPage> pending_;  // the outbox's pages, by seq
  HubReports carried_;        // reports whose write failed: retried next round
  uint64_t next_direct_ = 0;  // a unique offset for each pager-channel input
  DeskStats stats_;
};

}  // namespace pager
