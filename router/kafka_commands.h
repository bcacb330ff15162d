// The commands topic (`escalator.commands` by default): instructions to serve
// that do not come from the support feed. One kind so far, the acknowledgement
// of a page, in the shape simulate also reads:
//   {"type":"ack","case":ID,"engineer":ID,"at":INSTANT}
// `escalator ack` and `escalator pager --ack` produce them; serve consumes them
// with the feed (same batch, same atomic write, offsets stored alike).
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "router/inputs.h"

namespace router {

class KafkaProducer;

inline constexpr char kDefaultCommandsTopic[] = "escalator.commands";

// The wire JSON of an acknowledgement command.
std::string EncodeAckCommand(const Acknowledge& ack);

// Reads one command message. Errors: kInvalidInput naming the problem (not
// JSON, not an object, an unknown "type", a missing or empty field, a bad
// instant).
base::Result<Acknowledge> ParseCommand(std::string_view payload);

// Produces one acknowledgement to `topic`, keyed by the case id (a case's
// commands stay in order), and waits up to timeout_ms for the broker to confirm.
// Errors: kInvalidInput (unknown topic, ...); kUnavailable when it was not
// confirmed in time or the broker refused it.
base::Status SendAck(KafkaProducer& producer, const std::string& topic, const Acknowledge& ack,
                     int timeout_ms);

}  // namespace router
