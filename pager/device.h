// A device on the pager channel (pager/protocol.h): what `escalator pager`
// and `escalator pager-gateway` are to serve. A ZeroMQ DEALER connected to
// serve's ROUTER, with heartbeats (dead peers are dropped within ~3 s) and
// ZeroMQ's own reconnection; it says hello on every (re)connection, so serve
// sends it every page pending for its engineer within a second of connecting.
//
// Delivery is at least once: a page may come again until serve has the
// receipt. The caller shows a seq once (keep the seqs seen) and confirms
// each page it has, shown or repeated.
//
// One thread at a time.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "pager/protocol.h"

namespace pager {

struct DeviceOptions {
  std::string endpoint;  // serve's pager endpoint: tcp://HOST:PORT or ipc://PATH
  std::string engineer;
  std::string device = "default";  // which of the engineer's devices this is
  // CURVE, for tcp:// endpoints that are not insecure: serve's public key and
  // this device's key pair, all Z85 (pager/curve.h reads them from files).
  // All empty: no encryption (ipc://, or serve configured insecure).
  std::string server_public;
  std::string public_key;
  std::string secret_key;
};

class Device {
 public:
  // Starts connecting (ZeroMQ retries in the background while serve is away).
  // Errors: kInvalidInput for a malformed endpoint, an empty engineer or
  // device, or keys given only in part.
  static base::Result<std::unique_ptr<Device>> Connect(const DeviceOptions& options);
  ~Device();

  // The next message from serve, waiting at most `timeout`; nullopt when none
  // came. Says hello first when a (re)connection was made since the last call.
  // Errors: kInvalidInput for a frame that is not a valid message (the next
  // call goes on with the next one).
  base::Result<std::optional<FromServe>> Receive(std::chrono::milliseconds timeout);

  // Tells serve this device has page `seq`. Errors: kUnavailable when the
  // message cannot be queued now (serve away too long: ZeroMQ's queue full).
  base::Status ConfirmReceipt(uint64_t seq);

  // Asks serve to acknowledge page `seq`'s case for this engineer; the answer
  // (an AckAnswer with this `ref`) comes through Receive once it is durable.
  // Errors: as ConfirmReceipt.
  base::Status Acknowledge(uint64_t seq, uint64_t ref);

  // Whether a welcome arrived since the last (re)connection.
  bool welcomed() const { return welcomed_; }

 private:
  Device() = default;
  struct Sockets;
  std::unique_ptr<Sockets> sockets_;
  DeviceOptions options_;
  bool welcomed_ = false;
};

}  // namespace pager
