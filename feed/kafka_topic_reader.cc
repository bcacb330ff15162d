#include "feed/kafka_topic_reader.h"

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <algorithm>
#include <map>
#include <memory>

namespace router {

namespace {

struct Handle {
  rd_kafka_t* rk = nullptr;
  ~Handle() {
    if (rk) {
      rd_kafka_consumer_close(rk);
      rd_kafka_destroy(rk);
    }
  }
};

}  // namespace

base::Result<std::vector<PartitionExtent>> ReadTopicToEnd(
    const TopicReadOptions& options,
    const std::function<bool(int32_t, int64_t, std::string_view, std::string_view)>& each) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(options.timeout_ms);
  auto left_ms = [&] {
    return static_cast<int>(std::max<int64_t>(
        0, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count()));
  };
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  const std::map<std::string, std::string> props = {
      {"bootstrap.servers", options.brokers},
      {"group.id", "escalator-topic-reader"},  // required by the API; never joined (assign only)
      {"enable.auto.commit", "false"},
      // The end of a partition is also where its last message is not (compaction, control
      // records): the EOF event ends it too.
      {"enable.partition.eof", "true"},
      {"fetch.wait.max.ms", "10"},
      {"log_level", "3"},
  };
  for (const auto& [k, v] : props) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return base::Status::InvalidInput("Kafka property " + k + ": " + errstr);
    }
  }
  rd_kafka_conf_set_log_cb(conf, [](const rd_kafka_t*, int, const char*, const char*) {});
  Handle h;
  h.rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  if (!h.rk) {
    rd_kafka_conf_destroy(conf);
    return base::Status::InvalidInput(std::string("cannot create a Kafka consumer: ") + errstr);
  }

  std::vector<int32_t> partitions = options.partitions;
  {
    // Every topic's metadata, not the one topic's: asking for one creates it on a broker that
    // creates topics on demand, and a reader must not.
    const rd_kafka_metadata_t* md = nullptr;
    auto err = rd_kafka_metadata(h.rk, 1, nullptr, &md, std::max(1, std::min(10000, left_ms())));
    if (err) {
      return base::Status::Unavailable("cannot read the metadata of topic " + options.topic + ": " +
                                       rd_kafka_err2str(err));
    }
    std::unique_ptr<const rd_kafka_metadata_t, void (*)(const rd_kafka_metadata_t*)> owned(
        md, rd_kafka_metadata_destroy);
    const rd_kafka_metadata_topic_t* topic = nullptr;
    for (int i = 0; i < md->topic_cnt; ++i) {
      if (options.topic == md->topics[i].topic) topic = &md->topics[i];
    }
    if (topic == nullptr || topic->err || topic->partition_cnt == 0) {
      return base::Status::NotFound("the broker has no topic " + options.topic);
    }
    const int count = topic->partition_cnt;
    if (partitions.empty()) {
      for (int p = 0; p < count; ++p) partitions.push_back(p);
    }
    for (int32_t p : partitions) {
      if (p < 0 || p >= count) {
        return base::Status::NotFound("topic " + options.topic + " has no partition " +
                                      std::to_string(p) + " (it has " + std::to_string(count) +
                                      ")");
      }
    }
  }

  std::vector<PartitionExtent> extents;
  std::map<int32_t, int64_t> left;  // partition -> end offset not yet reached
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size()));
  for (int32_t p : partitions) {
    int64_t lo = 0, hi = 0;
    auto err = rd_kafka_query_watermark_offsets(h.rk, options.topic.c_str(), p, &lo, &hi,
                                                std::max(1, std::min(10000, left_ms())));
    if (err) {
      rd_kafka_topic_partition_list_destroy(list);
      return base::Status::Unavailable("cannot read the extent of " + options.topic + "[" +
                                       std::to_string(p) + "]: " + rd_kafka_err2str(err));
    }
    extents.push_back({p, lo, hi});
    const int64_t start = std::max(lo, options.from_offset);
    if (hi > start) {
      left[p] = hi;
      rd_kafka_topic_partition_list_add(list, options.topic.c_str(), p)->offset = start;
    }
  }
  if (!left.empty()) {
    auto err = rd_kafka_assign(h.rk, list);
    rd_kafka_topic_partition_list_destroy(list);
    if (err)
      return base::Status::Unavailable(std::string("cannot assign: ") + rd_kafka_err2str(err));
  } else {
    rd_kafka_topic_partition_list_destroy(list);
  }
  while (!left.empty()) {
    if (left_ms() == 0) {
      return base::Status::Unavailable("reading " + options.topic + " did not finish within " +
                                       std::to_string(options.timeout_ms) + " ms");
    }
    rd_kafka_message_t* m = rd_kafka_consumer_poll(h.rk, std::min(100, left_ms()));
    if (!m) continue;
    std::unique_ptr<rd_kafka_message_t, void (*)(rd_kafka_message_t*)> msg(
        m, rd_kafka_message_destroy);
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      left.erase(m->partition);
      continue;
    }
    if (m->err) continue;  // transient (the poll retries); the deadline bounds it
    auto it = left.find(m->partition);
    if (it == left.end() || m->offset >= it->second) continue;
    const bool go_on =
        each(m->partition, m->offset,
             std::string_view(static_cast<const char*>(m->key), m->key ? m->key_len : 0),
             std::string_view(static_cast<const char*>(m->payload), m->payload ? m->len : 0));
    if (!go_on) break;
    if (m->offset + 1 >= it->second) left.erase(it);
  }
  return extents;
}

}  // namespace router
