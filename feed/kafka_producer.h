// A Kafka producer (librdkafka) for the feed publisher and the dead-letter
// topic. Messages are queued by Produce and confirmed by delivery reports,
// which Poll and Flush serve. One thread at a time.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

namespace router {

class KafkaProducer {
 public:
  // Connects lazily to `brokers` ("host:port,..."); `extra` are librdkafka
  // properties (e.g. {"linger.ms","5"}). Idempotence is on, so retries after
  // broker faults neither lose nor duplicate messages within a partition.
  // Errors: kInvalidInput for a rejected property.
  static base::Result<std::unique_ptr<KafkaProducer>> Create(
      const std::string& brokers, const std::map<std::string, std::string>& extra = {});
  ~KafkaProducer();
  KafkaProducer(const KafkaProducer&) = delete;
  KafkaProducer& operator=(const KafkaProducer&) = delete;

  // Queues one message; the partition is `partition` when >= 0, else chosen by hashing `key`
  // (empty key: librdkafka's partitioner spreads them). Waits while the local queue is
  // full. Errors: kInvalidInput for an unknown topic or a too-large message.
  base::Status Produce(const std::string& topic, std::string_view key, std::string_view value,
                       int32_t partition = -1);

  // Serves delivery reports without blocking longer than timeout_ms.
  void Poll(int timeout_ms);

  // Waits until every queued message has a delivery report, or timeout_ms.
  // Errors: kUnavailable when messages are still undelivered at the deadline.
  base::Status Flush(int timeout_ms);

  uint64_t delivered() const;
  uint64_t failed() const;
  // The reason of the last failed delivery ("" if none).
  std::string last_error() const;

 private:
  KafkaProducer() = default;
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace router
