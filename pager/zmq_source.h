// The ZeroMQ side of a pager client (`escalator pager`): a SUB socket connected
// to serve's publisher, subscribed to one engineer's pages. ZeroMQ matches
// subscriptions by prefix, so pages for other engineers whose id starts with
// this one are dropped here. One thread at a time.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "pager/page.h"

namespace pager {

class ZmqSource {
 public:
  // Connects (ZeroMQ reconnects by itself while the publisher is away) and
  // subscribes to `engineer`. Errors: kInvalidInput for a malformed endpoint
  // or an empty engineer.
  static base::Result<std::unique_ptr<ZmqSource>> Connect(const std::string& endpoint,
                                                          const std::string& engineer);
  ~ZmqSource();

  // Waits up to `timeout` until a connection to the publisher is established
  // (handshake done; the subscription follows it at once). True once it is.
  bool WaitConnected(std::chrono::milliseconds timeout);

  // The next page for the engineer, waiting at most `timeout`; nullopt when
  // none came. Errors: kInvalidInput for a message that is not a page (the
  // next call goes on with the next message).
  base::Result<std::optional<Page>> Receive(std::chrono::milliseconds timeout);

 private:
  ZmqSource() = default;
  struct Sockets;
  std::unique_ptr<Sockets> sockets_;
  std::string engineer_;
};

}  // namespace pager
