// Sends commands (feed/commands.h) to the commands topic over Kafka.
#pragma once

#include <string>

#include "base/status.h"
#include "feed/commands.h"

namespace router {

class KafkaProducer;

// Produces one acknowledgement to `topic`, keyed by the case's account (the feed's key: the
// case's commands stay in order, in the partition of the case's events), and waits up to timeout_ms
// for the broker to confirm. Errors: kInvalidInput (unknown topic, ...); kUnavailable when it was
// not confirmed in time or the broker refused it.
base::Status SendAck(KafkaProducer& producer, const std::string& topic, const Acknowledge& ack,
                     int timeout_ms);

}  // namespace router
