// The ingest loop of `escalator serve`: consume the support feed from Kafka in
// batches, parse each message (router::FeedParser), and hand the batch to an
// IngestSink that writes, in ONE atomic store batch, the events, the dead
// letters and each partition's next offset. On restart the consumer resumes
// from those stored offsets, so every message lands in the log exactly once.
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
#include "feed/feed_parser.h"
#include "feed/ingest_sink.h"

namespace router {

struct IngestOptions {
  std::string brokers;
  std::string topic = "support.cases";
  // Also consumed, messages parsed as commands (feed/commands.h); empty: none.
  std::string commands_topic;
  // Also consumed, messages parsed as reconciliation snapshots (FeedParser::ParseSnapshot);
  // empty: none.
  std::string snapshot_topic;
  std::string group = "escalator";
  int session_timeout_ms = 45000;
  int heartbeat_interval_ms = 3000;
  // The consumer's fetch.wait.max.ms: the longest a fetch that found nothing waits at the
  // broker. A real broker answers as soon as data arrives; the embedded broker (librdkafka's
  // mock cluster) only at the end of the wait, so its default of 500 ms put up to half a
  // second between a case event and its page. 10 ms costs ~100 empty fetches a second.
  int fetch_wait_ms = 10;
  std::string dead_letter_topic;  // empty: dead letters only in the store
  // The changelog topic (engine/changelog.h), partitioned like the feed: the sink's changelog
  // outbox is produced to it, each record to its partition's number. Empty: none.
  std::string changelog_topic;
  // With a changelog topic: told, at each assignment, each assigned partition's state for
  // /readyz: "restoring ..." while it is restored, "" once served, "refused ..." when not.
  // All states are forgotten at the next assignment (first called with partition -1, "").
  std::function<void(int32_t partition, const std::string& state)> on_partition_state;
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
