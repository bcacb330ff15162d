#include "pager/zmq_source.h"

#include <atomic>
#include <vector>
#include <zmq.hpp>
#include <zmq_addon.hpp>

namespace pager {

namespace {

using Clock = std::chrono::steady_clock;

class HandshakeMonitor : public zmq::monitor_t {
 public:
  void on_event_handshake_succeeded(const zmq_event_t&, const char*) override { connected = true; }
  bool connected = false;
};

std::string MonitorAddress() {
  static std::atomic<int> next{0};
  return "inproc://pager-source-monitor-" + std::to_string(next++);
}

}  // namespace

struct ZmqSource::Sockets {
  zmq::context_t context{1};
  zmq::socket_t sub{context, zmq::socket_type::sub};
  HandshakeMonitor monitor;
};

base::Result<std::unique_ptr<ZmqSource>> ZmqSource::Connect(const std::string& endpoint,
                                                            const std::string& engineer) {
  if (engineer.empty()) return base::Status::InvalidInput("the engineer id is empty");
  std::unique_ptr<ZmqSource> source(new ZmqSource());
  source->engineer_ = engineer;
  source->sockets_ = std::make_unique<Sockets>();
  auto& s = *source->sockets_;
  try {
    s.sub.set(zmq::sockopt::linger, 0);
    s.monitor.init(s.sub, MonitorAddress(), ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
    s.sub.set(zmq::sockopt::subscribe, engineer);
    s.sub.connect(endpoint);
  } catch (const zmq::error_t& e) {
    return base::Status::InvalidInput("pager endpoint '" + endpoint + "': " + e.what());
  }
  return source;
}

ZmqSource::~ZmqSource() = default;

bool ZmqSource::WaitConnected(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  auto& m = sockets_->monitor;
  while (!m.connected) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    // At least one look, even with no time left: a zero timeout polls.
    m.check_event(static_cast<int>(std::max<int64_t>(0, left.count())));
    if (left.count() <= 0) break;
  }
  return m.connected;
}

base::Result<std::optional<Page>> ZmqSource::Receive(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  auto& sub = sockets_->sub;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    zmq::pollitem_t items[] = {{sub.handle(), 0, ZMQ_POLLIN, 0}};
    try {
      zmq::poll(items, 1, std::max<std::chrono::milliseconds>(left, std::chrono::milliseconds(0)));
    } catch (const zmq::error_t& e) {
      if (e.num() != EINTR)
        return base::Status::Unavailable(std::string("ZeroMQ poll: ") + e.what());
      return std::optional<Page>();
    }
    if (!(items[0].revents & ZMQ_POLLIN)) {
      if (Clock::now() >= deadline) return std::optional<Page>();
      continue;
    }
    std::vector<zmq::message_t> frames;
    auto received = zmq::recv_multipart(sub, std::back_inserter(frames), zmq::recv_flags::dontwait);
    if (!received) continue;
    // A subscription is a prefix: "alice" also receives "alice2"'s pages.
    if (frames.empty() || frames[0].to_string_view() != engineer_) continue;
    if (frames.size() != 2) {
      return base::Status::InvalidInput("a pager message of " + std::to_string(frames.size()) +
                                        " frames (expected engineer, page)");
    }
    auto page = DecodePage(frames[1].to_string_view());
    if (!page.ok()) return page.status();
    if (page->engineer != engineer_) {
      return base::Status::InvalidInput("a page for '" + page->engineer + "' under topic '" +
                                        engineer_ + "'");
    }
    return std::optional<Page>(std::move(*page));
  }
}

}  // namespace pager
