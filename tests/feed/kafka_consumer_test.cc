// The consumer's view of its partitions (Sources) against the embedded broker in this process:
// each partition's lag counts down to zero as Poll hands its messages out.
#include "feed/kafka_consumer.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "feed/kafka_mock_cluster.h"
#include "feed/kafka_producer.h"

namespace {

using router::KafkaConsumer;
using router::KafkaMessage;
using router::SourceState;

constexpr char kTopic[] = "lag.test";

}  // namespace

TEST_CASE("Sources reports each partition's lag: messages left to its high watermark") {
  auto cluster = router::KafkaMockCluster::Start(1, {{kTopic, 2}});
  REQUIRE(cluster.ok());
  auto producer = router::KafkaProducer::Create((*cluster)->bootstrap());
  REQUIRE(producer.ok());
  constexpr int kMessages = 40;
  for (int i = 0; i < kMessages; ++i) {
    REQUIRE((*producer)->Produce(kTopic, "key" + std::to_string(i), "m" + std::to_string(i)).ok());
  }
  REQUIRE((*producer)->Flush(10000).ok());
  REQUIRE((*producer)->delivered() == kMessages);

  router::KafkaConsumerOptions options;
  options.brokers = (*cluster)->bootstrap();
  options.group = "lag-test";
  options.topics = {kTopic};
  options.stored_offset = [](const std::string&, int32_t) { return std::nullopt; };
  auto consumer = KafkaConsumer::Create(options);
  REQUIRE(consumer.ok());
  CHECK((*consumer)->Sources().empty());  // no assignment yet

  // After each poll: the sources, and the next offset handed out per partition by then.
  struct Seen {
    std::vector<SourceState> sources;
    std::map<int32_t, int64_t> next;
  };
  std::vector<Seen> seen;
  std::map<int32_t, int64_t> next;
  int consumed = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (consumed < kMessages && std::chrono::steady_clock::now() < deadline) {
    std::vector<KafkaMessage> batch;
    consumed += static_cast<int>((*consumer)->Poll(3, 200, &batch));
    for (const auto& m : batch) next[m.partition()] = m.offset() + 1;
    seen.push_back({(*consumer)->Sources(), next});
  }
  REQUIRE(consumed == kMessages);
  // Every message is handed out, so each partition's high watermark is its next offset now.
  const std::map<int32_t, int64_t> high = next;
  REQUIRE(high.size() == 2);  // keys spread over both partitions

  bool saw_lagging = false;
  for (const auto& s : seen) {
    for (const auto& src : s.sources) {
      INFO("partition " << src.partition << " lag " << src.lag);
      CHECK(src.topic == kTopic);
      if (src.lag < 0) {  // no fetch has reported this partition's watermark yet
        CHECK_FALSE(src.caught_up);
        continue;
      }
      const auto handed = s.next.count(src.partition) ? s.next.at(src.partition) : 0;
      CHECK(src.lag == high.at(src.partition) - handed);
      CHECK(src.caught_up == (src.lag == 0));
      if (src.lag > 0) saw_lagging = true;
    }
  }
  CHECK(saw_lagging);
  const auto last = (*consumer)->Sources();
  REQUIRE(last.size() == 2);
  for (const auto& src : last) {
    CHECK(src.lag == 0);
    CHECK(src.caught_up);
  }
  CHECK((*consumer)->Lag() == 0);
  (*consumer)->Close();
}
