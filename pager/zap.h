// The ZAP handler (ZeroMQ RFC 27) that decides who may connect to serve's pager channel: a REP
// socket bound on inproc://zeromq.zap.01 in the server socket's context, which libzmq asks
// during each handshake. It has no thread of its own: its owner polls socket() in the loop
// that polls the server socket and calls HandleOne when it is readable. One thread at a time.
//
// Policy:
//   CURVE  the client's public key known (a configured device's) -> 200, User-Id = the key in
//          Z85 (messages from that peer carry it as their "User-Id" property, zmq_msg_gets, so
//          the hub can look up which engineer and device the key may claim); unknown -> 400
//          "unknown key", on_refused(fingerprint, peer address), counted in refused().
//   NULL   -> 200 with an empty User-Id (ipc://, or tcp:// with pager.insecure).
//   other  (PLAIN) -> 400, counted in refused(); on_refused is not called (there is no key).
//   A malformed request (too few frames, version not "1.0", a CURVE key not 32 bytes) -> 500.
//
// When libzmq 4.3.4 asks (verified in tests/pager/zap_test.cc; src/curve_server.cpp and
// src/null_mechanism.cpp of that release):
//   - a CURVE server socket asks the handler bound in its context for every connection,
//     whatever ZMQ_ZAP_DOMAIN. With NO handler bound it lets in every client that knows the
//     server's public key. ConfigureCurveServer closes that hole: with a ZAP domain and
//     ZMQ_ZAP_ENFORCE_DOMAIN (draft in zmq.h, honoured by the 4.3.4 library) a missing handler
//     fails the handshake instead (nothing passes, though 4.3.4 sometimes leaves such a
//     connection open until ZMQ_HANDSHAKE_IVL). ENFORCE without a domain would skip ZAP
//     altogether. Still, bind the handler before the server socket binds and keep it alive as
//     long as the socket.
//   - a NULL socket asks only when ZMQ_ZAP_DOMAIN is set (non-empty); without a domain every
//     peer is let in unasked, and NULL requests never reach this handler.
//   - while the owner does not call HandleOne the handshake waits (until ZMQ_HANDSHAKE_IVL,
//     30 s by default, drops it): nothing passes unauthenticated.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <zmq.hpp>

#include "base/status.h"
#include "pager/curve.h"

namespace pager {

// The ZAP domain ConfigureCurveServer sets.
inline constexpr char kPagerZapDomain[] = "escalator.pager";

// Makes `socket` (serve's ROUTER, before it binds) a CURVE server with `server_secret_z85` that
// always asks the ZAP handler and refuses every connection while none is bound: sets
// ZMQ_CURVE_SERVER, ZMQ_CURVE_SECRETKEY, ZMQ_ZAP_DOMAIN (kPagerZapDomain) and
// ZMQ_ZAP_ENFORCE_DOMAIN. Errors: kInvalidInput when the secret is not a 40-character Z85 key;
// kUnavailable when libzmq lacks CURVE or refuses an option.
base::Status ConfigureCurveServer(zmq::socket_t& socket, const std::string& server_secret_z85);

class ZapHandler {
 public:
  // Called for each refused CURVE key, with Fingerprint(key) and the peer's address as libzmq
  // reports it (the IP address for tcp://). Should only log and count: it runs inside HandleOne.
  using OnRefused =
      std::function<void(const std::string& fingerprint, const std::string& peer_address)>;

  // Binds the handler in `ctx`, letting in the CURVE keys of `devices`. `ctx` must outlive the
  // handler. Errors: kInvalidInput when a handler is already bound in `ctx`; kUnavailable
  // when libzmq lacks CURVE or the socket cannot be made.
  static base::Result<std::unique_ptr<ZapHandler>> Bind(zmq::context_t& ctx, DeviceKeys devices,
                                                        OnRefused on_refused);
  ~ZapHandler();

  // The REP socket, to poll for ZMQ_POLLIN in the owner's loop.
  zmq::socket_t& socket() { return socket_; }

  // Answers one pending request, if any, without blocking. True when it answered one (call
  // again to drain), false when none was waiting or the context is shutting down.
  bool HandleOne();

  uint64_t allowed() const { return allowed_; }  // 200 answers
  uint64_t refused() const { return refused_; }  // 400 answers

 private:
  ZapHandler(zmq::context_t& ctx, DeviceKeys devices, OnRefused on_refused);

  zmq::socket_t socket_;
  DeviceKeys devices_;
  OnRefused on_refused_;
  uint64_t allowed_ = 0;
  uint64_t refused_ = 0;
};

}  // namespace pager
