// serve's end of the pager channel (pager/protocol.h): a ZeroMQ ROUTER that
// devices connect to, run on a thread of its own so that a page leaves the
// moment the batch that decided it is durable, not at the ingest loop's next
// turn.
//
// Why ROUTER/DEALER. PUB/SUB (what serve had) cannot confirm anything: a page
// sent while a subscriber reconnects is gone, and nothing comes back. ROUTER
// gives each device connection its own routing id, so serve can send a page to
// exactly the devices of its engineer, learn which connection a receipt or an
// acknowledgement came from, and answer that one; ROUTER_MANDATORY makes a send
// to a connection that died fail, so the hub forgets it. Devices are DEALERs:
// asynchronous both ways (a REQ/REP lockstep would stall pages behind an ack).
// ZeroMQ heartbeats close silent connections within 3 s.
//
// Threads. The hub's thread owns the sockets and the DeliveryBook. The ingest
// thread (pager/desk.h) offers pages, forgets them, answers acknowledgements
// and takes the hub's reports; the store's writer thread reports what is
// durable (Written). Each call only queues a command and wakes the hub through
// an eventfd, so none of them waits on the network.
//
// A page offered with seq N is sent once Written has reported a sequence
// number above N: never before the batch that decided it is on disk.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "pager/curve.h"
#include "pager/delivery_book.h"
#include "pager/protocol.h"

namespace pager {

struct HubOptions {
  std::string endpoint;  // tcp://HOST:PORT (PORT may be *) or ipc://PATH
  BookOptions book;
  // CURVE for tcp:// endpoints (pager/curve.h): serve's key pair and the device keys it lets
  // in, each with the (engineer, device) pairs it may say hello as. None: no encryption
  // (ipc://, or pager.insecure).
  std::optional<PagerKeys> curve;
  std::set<std::string> engineers;  // who may say hello (the configured engineers)
  // Where the hub's own lines go (serve: spdlog). Called from the hub's thread.
  std::function<void(const std::string&)> info = nullptr;
  std::function<void(const std::string&)> warn = nullptr;
};

// A page the ingest thread offers: its id, engineer, decision instant, whether its failure
// was logged before (a restart), and its wire frame.
struct OfferedPage {
  uint64_t seq = 0;
  std::string engineer;
  base::Timestamp decided{};
  bool failed_before = false;
  std::string frame;
};

struct ReceiptReport {
  uint64_t seq = 0;
  std::string engineer;
  std::string device;
  base::Timestamp at{};
};
struct AckReport {
  std::string route;  // the connection to answer
  uint64_t ref = 0;
  uint64_t seq = 0;
  std::string engineer;
  std::string device;
  base::Timestamp at{};
};
struct HubReports {
  std::vector<ReceiptReport> receipts;
  std::vector<AckReport> acks;
  std::vector<FailureNote> failed;
  base::Timestamp failed_at{};  // when the failures were noticed
  bool empty() const { return receipts.empty() && acks.empty() && failed.empty(); }
};

struct HubStats {
  std::atomic<uint64_t> sent{0};            // page frames handed to ZeroMQ
  std::atomic<uint64_t> receipts{0};        // first receipts
  std::atomic<uint64_t> refused_keys{0};    // CURVE handshakes with unknown keys (ZAP)
  std::atomic<uint64_t> refused_hellos{0};  // hellos for an engineer the key or config lacks
  std::atomic<uint64_t> bad_messages{0};    // malformed, oversized, out of order
  std::atomic<uint64_t> devices{0};         // connected devices that said hello
  std::atomic<uint64_t> pending{0};         // pages waiting for a receipt
};

class Hub {
 public:
  // Binds the ROUTER (with CURVE and a ZAP handler when options.curve is set) and starts the
  // hub's thread. Errors: kInvalidInput for a malformed endpoint; kUnavailable when it
  // cannot be bound (address in use, ...).
  static base::Result<std::unique_ptr<Hub>> Start(HubOptions options);
  // Stops the thread and closes the socket (pages not confirmed stay in the outbox).
  ~Hub();

  // The endpoint actually bound (a "*" port resolved to the real one).
  const std::string& endpoint() const { return endpoint_; }

  // Pages decided and committed: each is sent once Written passes its seq. Any thread.
  void Offer(std::vector<OfferedPage> pages);
  // Every event below `next_seq` is durable. Any thread (the store's writer).
  void Written(uint64_t next_seq);
  // Stops sending these pages (answered first, or their receipt is recorded). Any thread.
  void Forget(std::vector<uint64_t> seqs);
  // Sends an acknowledgement's answer to the connection that asked. Any thread.
  void Answer(std::string route, AckAnswer answer);

  // What happened since the last call: first receipts, acknowledgement requests, pages that
  // became undelivered. Any thread.
  HubReports TakeReports();

  const HubStats& stats() const { return *stats_; }

 private:
  Hub() = default;
  struct Loop;
  void Run();
  void Wake();

  std::string endpoint_;
  std::unique_ptr<Loop> loop_;
  std::unique_ptr<HubStats> stats_;
};

}  // namespace pager
