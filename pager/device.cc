#include "pager/device.h"

#include <algorithm>
#include <atomic>
#include <zmq.hpp>
#include <zmq_addon.hpp>

namespace pager {

namespace {

using Clock = std::chrono::steady_clock;

// Sees each connection come and go, so the device says hello after every handshake.
class ConnectionMonitor : public zmq::monitor_t {
 public:
  void on_event_handshake_succeeded(const zmq_event_t&, const char*) override { fresh = true; }
  bool fresh = false;  // a handshake since the last hello
};

std::string MonitorAddress() {
  static std::atomic<int> next{0};
  return "inproc://pager-device-monitor-" + std::to_string(next++);
}

// The longest Receive waits on the socket before it looks at the monitor again: a
// reconnection is greeted within this.
constexpr std::chrono::milliseconds kMonitorSlice{20};

}  // namespace

struct Device::Sockets {
  zmq::context_t context{1};
  zmq::socket_t dealer{context, zmq::socket_type::dealer};
  ConnectionMonitor monitor;
};

base::Result<std::unique_ptr<Device>> Device::Connect(const DeviceOptions& options) {
  if (options.engineer.empty()) return base::Status::InvalidInput("the engineer id is empty");
  if (options.device.empty()) return base::Status::InvalidInput("the device name is empty");
  const int keys =
      !options.server_public.empty() + !options.public_key.empty() + !options.secret_key.empty();
  if (keys != 0 && keys != 3) {
    return base::Status::InvalidInput(
        "CURVE needs serve's public key and this device's public and secret keys; only part "
        "of them is given");
  }
  std::unique_ptr<Device> device(new Device());
  device->options_ = options;
  device->sockets_ = std::make_unique<Sockets>();
  auto& s = *device->sockets_;
  try {
    // Explicit, not libzmq's defaults: closing waits at most 500 ms for the last receipts
    // and acknowledgements (a lost receipt only means one more copy from serve), a dead
    // serve is noticed within 3 s of silence, reconnection starts at 100 ms and backs off
    // to 500 ms (a serve back from a restart is found within half a second), and messages are
    // queued only to a connection that completed its handshake.
    s.dealer.set(zmq::sockopt::linger, 500);
    s.dealer.set(zmq::sockopt::heartbeat_ivl, 1000);
    s.dealer.set(zmq::sockopt::heartbeat_timeout, 3000);
    s.dealer.set(zmq::sockopt::heartbeat_ttl, 3000);
    s.dealer.set(zmq::sockopt::reconnect_ivl, 100);
    s.dealer.set(zmq::sockopt::reconnect_ivl_max, 500);
    s.dealer.set(zmq::sockopt::sndhwm, 1000);
    s.dealer.set(zmq::sockopt::rcvhwm, 10000);
    s.dealer.set(zmq::sockopt::immediate, 1);
    s.dealer.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(kMaxServeMessageBytes) * 2);
    if (keys == 3) {
      s.dealer.set(zmq::sockopt::curve_serverkey, options.server_public);
      s.dealer.set(zmq::sockopt::curve_publickey, options.public_key);
      s.dealer.set(zmq::sockopt::curve_secretkey, options.secret_key);
    }
    s.monitor.init(s.dealer, MonitorAddress(), ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
    s.dealer.connect(options.endpoint);
  } catch (const zmq::error_t& e) {
    return base::Status::InvalidInput("pager endpoint '" + options.endpoint + "': " + e.what());
  }
  return device;
}

Device::~Device() = default;

base::Result<std::optional<FromServe>> Device::Receive(std::chrono::milliseconds timeout) {
  auto& s = *sockets_;
  const auto deadline = Clock::now() + timeout;
  while (true) {
    zmq::pollitem_t item{s.dealer.handle(), 0, ZMQ_POLLIN, 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    try {
      while (s.monitor.check_event(0)) {
      }
      if (s.monitor.fresh) {
        s.monitor.fresh = false;
        welcomed_ = false;
        const std::string hello = Encode(FromDevice{Hello{options_.engineer, options_.device}});
        (void)s.dealer.send(zmq::buffer(hello), zmq::send_flags::dontwait);
      }
      zmq::poll(&item, 1, std::clamp(left, std::chrono::milliseconds(0), kMonitorSlice));
    } catch (const zmq::error_t& e) {
      // A signal (the caller's SIGTERM) interrupted the wait: nothing came; the caller looks
      // at its stop flag.
      if (e.num() != EINTR) throw;
      return std::optional<FromServe>();
    }
    if (item.revents & ZMQ_POLLIN) {
      zmq::message_t frame;
      if (s.dealer.recv(frame, zmq::recv_flags::dontwait)) {
        if (frame.more()) {  // serve sends one frame per message: drop the rest
          while (frame.more() && s.dealer.recv(frame, zmq::recv_flags::dontwait)) {
          }
          return base::Status::InvalidInput("pager message: more than one frame");
        }
        auto message = DecodeFromServe(frame.to_string_view());
        if (!message.ok()) return message.status();
        if (std::holds_alternative<Welcome>(*message)) welcomed_ = true;
        return std::optional<FromServe>(std::move(*message));
      }
    }
    if (left.count() <= 0) return std::optional<FromServe>();
  }
}

base::Status Device::ConfirmReceipt(uint64_t seq) {
  const std::string frame = Encode(FromDevice{Receipt{seq}});
  if (!sockets_->dealer.send(zmq::buffer(frame), zmq::send_flags::dontwait)) {
    return base::Status::Unavailable("not connected to serve: the receipt of page " +
                                     std::to_string(seq) + " was not sent");
  }
  return base::Status::Ok();
}

base::Status Device::Acknowledge(uint64_t seq, uint64_t ref) {
  const std::string frame = Encode(FromDevice{AckRequest{seq, ref}});
  if (!sockets_->dealer.send(zmq::buffer(frame), zmq::send_flags::dontwait)) {
    return base::Status::Unavailable("not connected to serve: the acknowledgement of page " +
                                     std::to_string(seq) + " was not sent");
  }
  return base::Status::Ok();
}

}  // namespace pager
