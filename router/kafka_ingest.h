// The ingest loop of `escalator serve`: consume the support feed from Kafka in
// batches, parse each message (router::FeedParser), and hand the batch to an
// IngestSink that writes, in ONE atomic store batch, the events, the dead
// letters and each partition's next offset. On restart the consumer resumes
// from those stored offsets, so every message lands in the log exactly once.
// Also: the persisted encodings of offsets and dead letters.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "router/feed_parser.h"
#include "router/inputs.h"

namespace router {

// Persisted key of a partition's offset in store::Family::kOffsets:
// "<topic>/<partition>". Value: the next offset to consume, in decimal.
std::string OffsetKey(std::string_view topic, int32_t partition);
std::string EncodeOffset(int64_t next_offset);
// nullopt for a value that is not a decimal number.
std::optional<int64_t> DecodeOffset(std::string_view value);

// A rejected message with why, as kept in store::Family::kDeadLetters.
struct DeadLetter {
  std::string reason;
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string payload;  // the raw bytes
  friend bool operator==(const DeadLetter&, const DeadLetter&) = default;
};

// Persisted key: "<topic>/<partition, 10 digits>/<offset, 20 digits>" so a scan
// lists them in partition and offset order.
std::string DeadLetterKey(std::string_view topic, int32_t partition, int64_t offset);
// Persisted value: one JSON object {"reason","topic","partition","offset",
// "payload","payload_encoding"}; payload is the bytes as a JSON string when they
// are UTF-8 ("payload_encoding":"utf-8"), else base64 ("base64").
std::string EncodeDeadLetter(const DeadLetter& letter);
// Errors: kCorruption when `json` is not such an object.
base::Result<DeadLetter> DecodeDeadLetter(std::string_view json);

// One consumed message, parsed. Views point into the consumer's buffers and
// live until the sink's Apply returns.
struct IngestItem {
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string_view payload;
  const FeedEvent* event = nullptr;  // a feed message, parsed
  const Acknowledge* ack = nullptr;  // a command (router/kafka_commands.h), parsed
  std::string_view rejection;        // neither: why the parser refused it
};

struct ApplyOutcome {
  uint64_t appended = 0;                 // events appended to the log
  uint64_t duplicates = 0;               // redeliveries that changed nothing
  std::vector<DeadLetter> dead_letters;  // everything written as a dead letter
};

// Where a batch goes. Implemented over router::Engine by `escalator serve`.
class IngestSink {
 public:
  virtual ~IngestSink() = default;
  // Applies `items` in order as ONE atomic write: each parsed event or
  // acknowledgement through the core, each rejection (parser's or core's, e.g. a case never opened)
  // as a dead letter, and for each partition OffsetKey -> last offset + 1. Errors: the store's;
  // nothing was written then, and the caller retries.
  virtual base::Result<ApplyOutcome> Apply(const std::vector<IngestItem>& items) = 0;
  // The next offset to consume for a partition, or nullopt when none is stored.
  virtual std::optional<int64_t> StoredOffset(const std::string& topic, int32_t partition) = 0;
  // Returns once everything applied is durable (a sink may write behind: its
  // Apply returning means applied in order, not yet on disk). Errors: the store's.
  virtual base::Status Flush() { return base::Status::Ok(); }

  // The dead-letter topic's outbox (kept only by a sink told there is such a topic): the
  // dead letters written and not yet confirmed on the topic, in key order, at most `limit`,
  // as (DeadLetterKey, EncodeDeadLetter). Makes everything applied durable first, so no dead
  // letter leaves before its batch is on disk. Errors: the store's.
  virtual base::Result<std::vector<std::pair<std::string, std::string>>> PendingDeadLetters(
      size_t /*limit*/) {
    return std::vector<std::pair<std::string, std::string>>();
  }
  // Forgets the pending dead letters under `keys`: the topic has confirmed them.
  // Errors: the store's (they stay pending and are sent again).
  virtual base::Status ConfirmDeadLetters(const std::vector<std::string>& /*keys*/) {
    return base::Status::Ok();
  }
};

struct IngestOptions {
  std::string brokers;
  std::string topic = "support.cases";
  // Also consumed, messages parsed as commands (router/kafka_commands.h); empty: none.
  std::string commands_topic;
  std::string group = "escalator";
  int session_timeout_ms = 45000;
  int heartbeat_interval_ms = 3000;
  std::string dead_letter_topic;  // empty: dead letters only in the store
  // Smaller batches measured faster (their working set stays in cache) and page
  // sooner; 1,000 (BENCHMARKS.md "Ingest": 42k vs 35-38k events/s at 5,000).
  size_t max_batch = 1000;
  int poll_timeout_ms = 100;
  int summary_interval_s = 10;
  FeedParserOptions parser;
  // Stop once every assigned partition is consumed to its end (lag 0 after an
  // empty poll): for batch runs, tests and demos. A daemon leaves it false.
  bool exit_when_caught_up = false;
  // Called on the loop's thread before every poll (the shell's timer loop and
  // pager live here); returns how long the poll may wait at most, in ms (the
  // smaller of it and poll_timeout_ms is used). Null: nothing to do.
  std::function<int()> between_polls;
};

struct IngestStats {
  uint64_t consumed = 0;
  uint64_t appended = 0;
  uint64_t duplicates = 0;
  uint64_t dead_lettered = 0;
  uint64_t batches = 0;
  // Where the loop's time went (seconds), for the final log line and benchmarks.
  double poll_s = 0, parse_s = 0, apply_s = 0;
};

// Runs the loop until *stop becomes true, then persists the batch in hand,
// leaves the group and returns. Broker trouble is retried forever (logged at
// most every few seconds); a failing store write is retried with backoff.
// Logs through spdlog: one line per batch at debug, a summary at info.
// Errors: kInvalidInput for bad options (e.g. a rejected Kafka property).
base::Result<IngestStats> RunIngest(const IngestOptions& options, IngestSink& sink,
                                    const std::atomic<bool>& stop);

}  // namespace router
