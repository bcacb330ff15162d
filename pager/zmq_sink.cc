#include "pager/zmq_sink.h"

#include <zmq.hpp>

namespace pager {

struct ZmqSink::Sockets {
  zmq::context_t context{1};
  zmq::socket_t pub{context, zmq::socket_type::pub};
};

base::Result<std::unique_ptr<ZmqSink>> ZmqSink::Bind(const std::string& endpoint) {
  std::unique_ptr<ZmqSink> sink(new ZmqSink());
  sink->sockets_ = std::make_unique<Sockets>();
  auto& pub = sink->sockets_->pub;
  try {
    // Pages queued when serve stops still get a second to leave.
    pub.set(zmq::sockopt::linger, 1000);
    pub.set(zmq::sockopt::sndhwm, 100000);
    pub.bind(endpoint);
    sink->endpoint_ = pub.get(zmq::sockopt::last_endpoint);
  } catch (const zmq::error_t& e) {
    if (e.num() == EINVAL || e.num() == EPROTONOSUPPORT) {
      return base::Status::InvalidInput("pager endpoint '" + endpoint + "': " + e.what());
    }
    return base::Status::Unavailable("cannot bind the pager to '" + endpoint + "': " + e.what());
  }
  return sink;
}

ZmqSink::~ZmqSink() = default;

base::Status ZmqSink::Send(const OutboundPage& page) {
  try {
    auto& pub = sockets_->pub;
    if (!pub.send(zmq::buffer(page.engineer),
                  zmq::send_flags::sndmore | zmq::send_flags::dontwait) ||
        !pub.send(zmq::buffer(page.wire), zmq::send_flags::dontwait)) {
      return base::Status::Unavailable("the ZeroMQ publisher would block");
    }
  } catch (const zmq::error_t& e) {
    return base::Status::Unavailable(std::string("ZeroMQ send: ") + e.what());
  }
  return base::Status::Ok();
}

}  // namespace pager
