// The pager channel's messages: what a device (`escalator pager`, `escalator
// pager-gateway`) and serve's hub (pager/hub.h) say to each other. Pure
// encoding: no socket, no store.
//
// Transport: a device is a ZeroMQ DEALER connected to serve's ROUTER (the
// ROUTER gives each connection its own routing id; pager/hub.h argues the
// choice). Every message is ONE frame holding one JSON object with a "type":
//
//   device -> serve
//     {"type":"hello","engineer":E,"device":D,"version":1}
//         on every (re)connection: serve answers welcome, then sends every
//         page pending for E
//     {"type":"receipt","page":N}      the device has page N (shown, or posted)
//     {"type":"ack","page":N,"ref":R}  acknowledge page N's case; R is the
//         device's own number for the request, echoed in the answer
//   serve -> device
//     {"type":"welcome","engineer":E,"device":D,"pending":n}
//     {"type":"page","seq":N,...}      a page (pager/page.h): N is its id
//     {"type":"acked","ref":R,"page":N,"case":C,"result":..,"detail":..}
//         sent once the acknowledgement is durable. result: "responded" (it
//         stopped the clock), "acknowledged" (recorded; someone had responded
//         already), "repeated" (this engineer had acknowledged: nothing
//         changed), "refused" (detail says why: an unknown page or case, ...)
//     {"type":"error","error":TEXT}    a message serve refused, and why
//
// Unknown fields are ignored, so either side may add some.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "base/status.h"
#include "pager/page.h"

namespace pager {

// The largest message serve accepts from a device; a longer one is refused unread.
inline constexpr size_t kMaxMessageBytes = 16 * 1024;
// The largest message a device accepts from serve (a page quotes the case's subject, which
// the feed allows up to its message limit).
inline constexpr size_t kMaxServeMessageBytes = 256 * 1024;
inline constexpr int kProtocolVersion = 1;

struct Hello {
  std::string engineer;
  std::string device;
  int version = kProtocolVersion;
  friend bool operator==(const Hello&, const Hello&) = default;
};
struct Receipt {
  uint64_t page = 0;
  friend bool operator==(const Receipt&, const Receipt&) = default;
};
struct AckRequest {
  uint64_t page = 0;
  uint64_t ref = 0;
  friend bool operator==(const AckRequest&, const AckRequest&) = default;
};
using FromDevice = std::variant<Hello, Receipt, AckRequest>;

struct Welcome {
  std::string engineer;
  std::string device;
  uint64_t pending = 0;
  friend bool operator==(const Welcome&, const Welcome&) = default;
};
struct AckAnswer {
  uint64_t ref = 0;
  uint64_t page = 0;
  std::string case_id;
  std::string result;  // "responded", "acknowledged", "repeated" or "refused"
  std::string detail;
  friend bool operator==(const AckAnswer&, const AckAnswer&) = default;
};
struct ServeError {
  std::string error;
  friend bool operator==(const ServeError&, const ServeError&) = default;
};
using FromServe = std::variant<Welcome, Page, AckAnswer, ServeError>;

std::string Encode(const FromDevice& message);
std::string Encode(const FromServe& message);

// Errors: kInvalidInput naming the problem (longer than the limit above, not
// JSON, not an object, an unknown or missing "type", a missing or mistyped
// field, an empty engineer or device, page 0, a hello of another version).
base::Result<FromDevice> DecodeFromDevice(std::string_view frame);
base::Result<FromServe> DecodeFromServe(std::string_view frame);

// A page's wire frame from an outbox entry's value (the router's JSON, see
// engine/layouts.h) and its seq: the value plus "type" and "seq", which replace any the value
// carries.
// Errors: kCorruption for a value that is not a page.
base::Result<std::string> PageFrameFromOutbox(uint64_t seq, std::string_view value);

}  // namespace pager
