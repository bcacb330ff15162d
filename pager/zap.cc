#include "pager/zap.h"

#include <vector>
#include <zmq_addon.hpp>

namespace pager {
namespace {

// Where libzmq sends ZAP requests (RFC 27); fixed by the library.
constexpr const char* kZapEndpoint = "inproc://zeromq.zap.01";

// Request frames after REP has taken the envelope off: version, request id, domain, address,
// routing id, mechanism, then the mechanism's credentials.
enum Frame { kVersion = 0, kRequestId, kDomain, kAddress, kRoutingId, kMechanism, kCredentials };

// ZMQ_ZAP_ENFORCE_DOMAIN: zmq.h defines it only with ZMQ_BUILD_DRAFT_API, but libzmq 4.3.4's
// setsockopt handles it in every build (src/options.cpp).
constexpr int kZapEnforceDomain = 93;

std::string Text(const zmq::message_t& m) { return std::string(m.data<char>(), m.size()); }

}  // namespace

base::Status ConfigureCurveServer(zmq::socket_t& socket, const std::string& server_secret_z85) {
  // Also checks that libzmq has CURVE.
  if (auto pub = PublicFromSecret(server_secret_z85); !pub.ok()) return pub.status();
  try {
    socket.set(zmq::sockopt::curve_server, 1);
    socket.set(zmq::sockopt::curve_secretkey, server_secret_z85);
    socket.set(zmq::sockopt::zap_domain, kPagerZapDomain);
    socket.set(zmq::sockopt::integral_option<kZapEnforceDomain, int, false>{}, 1);
  } catch (const zmq::error_t& e) {
    return base::Status::Unavailable(std::string("CURVE server options: ") + e.what());
  }
  return base::Status::Ok();
}

ZapHandler::ZapHandler(zmq::context_t& ctx, DeviceKeys devices, OnRefused on_refused)
    : socket_(ctx, zmq::socket_type::rep),
      devices_(std::move(devices)),
      on_refused_(std::move(on_refused)) {}

ZapHandler::~ZapHandler() = default;

base::Result<std::unique_ptr<ZapHandler>> ZapHandler::Bind(zmq::context_t& ctx, DeviceKeys devices,
                                                           OnRefused on_refused) {
  if (!zmq_has("curve"))
    return base::Status::Unavailable("libzmq was built without CURVE security");
  std::unique_ptr<ZapHandler> handler;
  try {
    handler.reset(new ZapHandler(ctx, std::move(devices), std::move(on_refused)));
    handler->socket_.set(zmq::sockopt::linger, 0);
    handler->socket_.bind(kZapEndpoint);
  } catch (const zmq::error_t& e) {
    if (e.num() == EADDRINUSE)
      return base::Status::InvalidInput(std::string("a ZAP handler is already bound on ") +
                                        kZapEndpoint + " in this context");
    return base::Status::Unavailable(std::string("ZAP handler: ") + e.what());
  }
  return handler;
}

bool ZapHandler::HandleOne() {
  std::vector<zmq::message_t> request;
  try {
    if (!zmq::recv_multipart(socket_, std::back_inserter(request), zmq::recv_flags::dontwait))
      return false;
  } catch (const zmq::error_t&) {
    return false;  // ETERM: the context is closing; nobody is waiting for an answer.
  }
  std::string status = "500", text = "malformed ZAP request", user_id;
  const std::string request_id = request.size() > kRequestId ? Text(request[kRequestId]) : "";
  if (request.size() > kMechanism && Text(request[kVersion]) == "1.0") {
    const std::string mechanism = Text(request[kMechanism]);
    const std::string address = Text(request[kAddress]);
    if (mechanism == "CURVE") {
      if (request.size() == kCredentials + 1 && request[kCredentials].size() == 32) {
        char z85[41];
        zmq_z85_encode(z85, request[kCredentials].data<uint8_t>(), 32);
        std::string key(z85);
        if (devices_.count(key)) {
          status = "200";
          text = "OK";
          user_id = key;
          ++allowed_;
        } else {
          status = "400";
          text = "unknown key";
          ++refused_;
          if (on_refused_) on_refused_(Fingerprint(key), address);
        }
      }
    } else if (mechanism == "NULL") {
      status = "200";
      text = "OK";
      ++allowed_;
    } else {
      status = "400";
      text = "mechanism " + mechanism + " not allowed";
      ++refused_;
    }
  }
  // A REP socket must answer every request before it can take the next, even a malformed one.
  std::vector<zmq::message_t> reply;
  reply.emplace_back(std::string("1.0"));
  reply.emplace_back(request_id);
  reply.emplace_back(status);
  reply.emplace_back(text);
  reply.emplace_back(user_id);
  reply.emplace_back();  // metadata: none
  try {
    (void)zmq::send_multipart(socket_, reply, zmq::send_flags::dontwait);
  } catch (const zmq::error_t&) {
    // ETERM while closing, or the requester gone: its handshake fails, which is the safe side.
  }
  return true;
}

}  // namespace pager
