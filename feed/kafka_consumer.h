// A Kafka consumer-group member (librdkafka) whose offsets live in our store,
// not in Kafka: on every partition assignment it asks `stored_offset` where to
// resume, so whatever was written atomically with the events is the truth.
// Auto-commit is off; CommitAsync only reports progress for lag monitoring.
// One thread at a time; callbacks run inside Poll on that thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "feed/ingest_sink.h"

namespace router {

// One consumed message; owns librdkafka's buffer (no copy of the payload).
class KafkaMessage {
 public:
  KafkaMessage(KafkaMessage&&) noexcept;
  KafkaMessage& operator=(KafkaMessage&&) noexcept;
  ~KafkaMessage();
  std::string_view topic() const;
  int32_t partition() const;
  int64_t offset() const;
  std::string_view key() const;
  std::string_view payload() const;

 private:
  friend class KafkaConsumer;
  explicit KafkaMessage(void* msg) : msg_(msg) {}
  void* msg_;  // rd_kafka_message_t*
};

struct KafkaConsumerOptions {
  std::string brokers;
  std::string group = "escalator";
  std::vector<std::string> topics;
  int session_timeout_ms = 45000;
  int heartbeat_interval_ms = 3000;
  // The next offset to consume for a partition, from the store; nullopt: the
  // store has nothing from it, start at the earliest offset Kafka still has.
  std::function<std::optional<int64_t>(const std::string& topic, int32_t partition)> stored_offset;
  // Told about consumer-level problems (broker down, fetch errors); the consumer
  // keeps retrying by itself. May be called often: rate-limit the logging.
  std::function<void(const std::string& what)> on_error;
  // Told about each assignment change: "assigned topic[p]@offset ..." / "revoked ...".
  std::function<void(const std::string& what)> on_rebalance;
  // Scale-out (README "Several instances"), both optional. Called in each assignment, before
  // stored_offset, with the partitions assigned and the group's committed offset of each that
  // has one (read from the coordinator; empty when it could not be): prepares them (restores
  // their state) and returns those it refuses, which stay assigned but paused (nobody consumes
  // them until the next assignment).
  using Partitions = std::vector<std::pair<std::string, int32_t>>;
  using Committed = std::map<std::pair<std::string, int32_t>, int64_t>;
  std::function<std::set<std::pair<std::string, int32_t>>(const Partitions&, const Committed&)>
      on_assign;
  // Called in each revocation, before the assignment is dropped. With it set, offsets handed
  // out from a revoked partition are forgotten: what was handed out and not persisted is the
  // next owner's to consume (the caller drops it too).
  std::function<void(const Partitions&)> on_revoke;
  std::map<std::string, std::string> extra;  // more librdkafka properties
};

class KafkaConsumer {
 public:
  // Creates the member and subscribes; joining the group happens inside Poll.
  // Errors: kInvalidInput for a rejected property or no topics.
  static base::Result<std::unique_ptr<KafkaConsumer>> Create(KafkaConsumerOptions options);
  ~KafkaConsumer();
  KafkaConsumer(const KafkaConsumer&) = delete;
  KafkaConsumer& operator=(const KafkaConsumer&) = delete;

  // Appends up to `max` messages to *out, waiting at most timeout_ms for the
  // first one. Offsets handed out are strictly increasing per partition within
  // this process, even across rebalances (a re-fetched older message is
  // dropped), provided every batch handed out is persisted before the next Poll.
  // Returns how many messages were appended.
  size_t Poll(size_t max, int timeout_ms, std::vector<KafkaMessage>* out);

  // Reports "consumed up to" per partition to Kafka, asynchronously, for lag
  // monitoring only. Failures are ignored: the store holds the truth.
  void CommitAsync(const std::map<std::pair<std::string, int32_t>, int64_t>& next_offsets);
  // The same, waiting for the coordinator's answer: at a clean stop, so the group's committed
  // offsets say what the leaving instance holds (a new owner with no state and an empty
  // changelog tells "deleted" from "never served" by them). Errors: kUnavailable with the
  // broker's reason.
  base::Status CommitSync(const std::map<std::pair<std::string, int32_t>, int64_t>& next_offsets);

  // Messages still to consume over the current assignment, from the high
  // watermarks last seen by fetches; -1 when unknown.
  int64_t Lag() const;

  // Each assigned partition, caught up (nothing left by the high watermark the
  // last fetch saw) or lagging (also while that is unknown), with its lag (-1
  // while unknown). Empty before the first assignment.
  std::vector<SourceState> Sources() const;

  // Leaves the group and closes. Idempotent.
  void Close();

 private:
  KafkaConsumer() = default;
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace router
