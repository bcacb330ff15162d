// Serve's main loop applies the acknowledgements posted to the HTTP API (web/ack_queue.h)
// through the node's direct input path, as the pager channel's are: one atomic write each,
// never held back for event time, answered only once durable.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "base/status.h"
#include "engine/node.h"
#include "web/ack_queue.h"

namespace web {

// Hands an acknowledgement to the case's owner among several instances (the commands topic,
// keyed by the case's account, so it lands in the owner's partition) and answers `request`
// once the broker has it, or not (web/ack_forwarder.h). Must not block: it runs on serve's
// main loop.
using ForwardAck =
    std::function<void(const router::Acknowledge&, std::shared_ptr<AckQueue::Request> request)>;

// Applies every acknowledgement waiting in `queue`, flushes, then answers each: 202 with
// responded / acknowledged / repeated, 404 for a case the log never opened, 409 when the core
// refused it (kept as a dead letter). With `forward` (serve with several instances), an
// acknowledgement of a case this instance does not own, or does not know (its partition may be
// another's), is handed to `forward`, which answers it 202 "forwarded" (503 when it could not
// be sent) without this call waiting: the owner applies it, or keeps it as a dead letter.
// `next_offset` numbers them uniquely (their dead-letter keys). `after_write` runs after the writes
// (serve's pager takes the pages they decided). Returns how many were applied here. Errors: the
// store's; every taken request is then answered 503 and none after the failure was written.
base::Result<size_t> ApplyHttpAcks(router::Node& node, AckQueue& queue, uint64_t& next_offset,
                                   const std::function<void()>& after_write,
                                   const ForwardAck& forward = {});

}  // namespace web
