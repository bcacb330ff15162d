// The embedded Kafka-protocol broker: librdkafka's mock cluster (rdkafka_mock.h)
// hosted in this process, for demos, tests and benchmarks. Real Kafka clients
// (ours, kcat) talk to it over TCP on 127.0.0.1 as long as this object lives.
// Known limits (librdkafka 2.0.2): about 5 MiB / 100k batches kept per partition,
// older data silently dropped; see shared/FACTS.md.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace router {

struct MockTopic {
  std::string name;
  int partitions = 4;
};

// Owns the mock cluster. Fault-injection methods may be called from any one
// thread at a time while clients are connected.
class KafkaMockCluster {
 public:
  // Starts `brokers` brokers (ids 1..brokers) and creates `topics`.
  // REQUIRES: brokers >= 1, every topic has partitions >= 1.
  // Errors: kUnavailable when librdkafka cannot start the cluster; kInvalidInput
  // when a topic cannot be created.
  static base::Result<std::unique_ptr<KafkaMockCluster>> Start(
      int brokers, const std::vector<MockTopic>& topics);
  ~KafkaMockCluster();
  KafkaMockCluster(const KafkaMockCluster&) = delete;
  KafkaMockCluster& operator=(const KafkaMockCluster&) = delete;

  // "127.0.0.1:port,..." for bootstrap.servers.
  std::string bootstrap() const;
  int broker_count() const { return brokers_; }

  // Creates one more topic. Errors: kInvalidInput (bad name, partitions < 1).
  base::Status CreateTopic(const MockTopic& topic);
  // Takes a broker down (connections closed, no new ones accepted) or back up.
  // Errors: kInvalidInput for an unknown broker id.
  base::Status SetBrokerDown(int32_t broker_id);
  base::Status SetBrokerUp(int32_t broker_id);
  // The next `count` requests of Kafka API `api_key` (Fetch=1, OffsetCommit=8,
  // ...) fail with Kafka error code `error_code`, on whichever broker gets them.
  void PushRequestErrors(int16_t api_key, size_t count, int error_code);
  // Adds `rtt_ms` of latency to every response from a broker.
  base::Status SetBrokerRtt(int32_t broker_id, int rtt_ms);

 private:
  KafkaMockCluster() = default;
  struct Handle;
  std::unique_ptr<Handle> handle_;
  int brokers_ = 0;
};

}  // namespace router
