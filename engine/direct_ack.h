// An acknowledgement that reaches serve directly (a pager device over the pager channel, or
// the HTTP API) rather than through the commands topic: both apply it the same way, as one
// atomic write through Node::ApplyDirect, and tell the sender what became of it in the same
// words.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "base/status.h"
#include "engine/node.h"

namespace router {

struct DirectAck {
  std::string_view channel;  // kPagerChannel or kHttpChannel
  int64_t offset = 0;        // unique per channel and process: the dead-letter key's offset
  Acknowledge ack;
  // Extra fields of the stored input, after "ack" and "engineer" and before "at" (the pager's
  // device and page).
  std::vector<std::pair<std::string, std::variant<std::string, int64_t>>> extra;
  std::string where;  // for dead letters and logs: "HTTP API", "pager channel, alice's phone"
};

// What the sender is told. `result`: responded (the first response: escalation stopped),
// acknowledged (recorded; the case had a response already), repeated (this engineer had
// acknowledged already: nothing changed) or refused (kept as a dead letter; `detail` is why).
struct DirectAckAnswer {
  std::string result;
  std::string detail;
};

// The input as stored: {"ack":CASE,"engineer":E,<extra>...,"at":T}.
std::string DirectAckPayload(const DirectAck& in);

// Applies `in` at `in.ack.at` through node.ApplyDirect (not yet flushed: the caller flushes
// before answering, as both channels promise durability first). Errors: the node's; nothing
// was written then.
base::Result<DirectAckAnswer> ApplyDirectAck(Node& node, const DirectAck& in);

}  // namespace router
