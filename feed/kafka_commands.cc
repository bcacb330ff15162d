#include "feed/kafka_commands.h"

#include "feed/kafka_producer.h"

namespace router {

base::Status SendAck(KafkaProducer& producer, const std::string& topic, const Acknowledge& ack,
                     int timeout_ms) {
  uint64_t failed_before = producer.failed();
  if (auto s = producer.Produce(topic, ack.case_id, EncodeAckCommand(ack)); !s.ok()) return s;
  if (auto s = producer.Flush(timeout_ms); !s.ok()) return s;
  if (producer.failed() != failed_before) {
    return base::Status::Unavailable("the broker refused the acknowledgement: " +
                                     producer.last_error());
  }
  return base::Status::Ok();
}

}  // namespace router
