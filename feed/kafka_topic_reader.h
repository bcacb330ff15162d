// Reads partitions of a topic from the start to the end they had when reading began, with no
// consumer group (librdkafka assign, not subscribe): how a new owner restores a partition from
// the changelog topic, and how `escalator log --brokers` lists every partition's log.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace router {

struct TopicReadOptions {
  std::string brokers;
  std::string topic;
  std::vector<int32_t> partitions;  // empty: every partition of the topic
  // Where each partition's read starts (its low watermark, when that is later).
  int64_t from_offset = 0;
  // The whole read must finish within this time (a broker that stops answering).
  int timeout_ms = 60000;
};

// What a read found of one partition.
struct PartitionExtent {
  int32_t partition = 0;
  int64_t low = 0;   // the first offset the topic still holds (above 0: truncated or compacted)
  int64_t high = 0;  // the end when the read began: every message below it was read
};

// Calls `each(partition, offset, key, value)` for every message of the partitions, each
// partition in offset order, up to the end each had when the read began; stops early when
// `each` returns false. Returns the partitions' extents. Errors: kNotFound for a topic or
// partition the broker does not have; kUnavailable when the broker cannot be reached or the
// read does not finish within the timeout.
base::Result<std::vector<PartitionExtent>> ReadTopicToEnd(
    const TopicReadOptions& options,
    const std::function<bool(int32_t partition, int64_t offset, std::string_view key,
                             std::string_view value)>& each);

}  // namespace router
