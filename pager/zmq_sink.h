// The ZeroMQ side of paging in serve: a PUB socket bound to an endpoint
// (tcp://127.0.0.1:PORT or ipc://PATH). Each page is one two-frame message:
// the engineer id (the topic a pager client subscribes to), then the page's
// wire JSON (pager/page.h). PUB semantics: a page sent while no subscriber of
// that engineer is connected is gone; the outbox relay has already deleted it
// then. One thread at a time.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "pager/outbox.h"

namespace pager {

class ZmqSink : public PageSink {
 public:
  // Binds a PUB socket to `endpoint`. Errors: kInvalidInput for a malformed
  // endpoint; kUnavailable when it cannot be bound (address in use, ...).
  static base::Result<std::unique_ptr<ZmqSink>> Bind(const std::string& endpoint);
  ~ZmqSink() override;

  // Queues the page for every connected subscriber of page.engineer.
  // Errors: kUnavailable when ZeroMQ refuses the message.
  base::Status Send(const OutboundPage& page) override;

  // The endpoint actually bound (a "*" port resolved to the real one).
  const std::string& endpoint() const { return endpoint_; }

 private:
  ZmqSink() = default;
  struct Sockets;
  std::unique_ptr<Sockets> sockets_;
  std::string endpoint_;
};

}  // namespace pager
