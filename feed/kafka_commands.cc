#include "feed/kafka_commands.h"

#include "feed/feed_parser.h"
#include "feed/kafka_producer.h"

namespace router {

base::Status SendAck(KafkaProducer& producer, const std::string& topic, const Acknowledge& ack,
                     int timeout_ms) {
  uint64_t failed_before = producer.failed();
  // Keyed by the case's account, as the feed is: the acknowledgement lands in the partition of
  // the same number as the case's events, which the case's owner consumes (README "Several
  // instances"). A case id that names no account keys by itself.
  std::string key = AccountFromCaseId(ack.case_id);
  if (key.empty()) key = ack.case_id;
  if (auto s = producer.Produce(topic, key, EncodeAckCommand(ack)); !s.ok()) return s;
  if (auto s = producer.Flush(timeout_ms); !s.ok()) return s;
  if (producer.failed() != failed_before) {
    return base::Status::Unavailable("the broker refused the acknowledgement: " +
                                     producer.last_error());
  }
  return base::Status::Ok();
}

}  // namespace router
