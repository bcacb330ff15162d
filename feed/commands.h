// The commands topic (`escalator.commands` by default): instructions to serve
// that do not come from the support feed. One kind so far, the acknowledgement
// of a page, in the shape simulate also reads:
//   {"type":"ack","case":ID,"engineer":ID,"at":INSTANT}
// `escalator ack` and `escalator pager --ack` produce them (feed/kafka_commands.h);
// serve consumes them with the feed (same batch, same atomic write, offsets
// stored alike). Pure: the one parser of an acknowledgement.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "router/inputs.h"

namespace router {

inline constexpr char kDefaultCommandsTopic[] = "escalator.commands";

// The wire JSON of an acknowledgement command.
std::string EncodeAckCommand(const Acknowledge& ack);

// Reads one command message: the one parser of an acknowledgement, for serve's
// commands topic and simulate's input alike. Errors: kInvalidInput naming the
// problem (not JSON, not an object, an unknown "type", a missing or empty
// field, a bad instant); then *case_id (when given) holds the case the message
// names, if it names one, so the refusal can be kept with the case.
base::Result<Acknowledge> ParseCommand(std::string_view payload, std::string* case_id = nullptr);

}  // namespace router
