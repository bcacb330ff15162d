// Where the ingest loop (feed/kafka_ingest.h) hands each consumed batch: the
// interface between the Kafka adapters and the runtime that applies inputs
// (engine/). Pure: no Kafka, no store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "feed/dead_letter.h"
#include "feed/feed_parser.h"
#include "router/inputs.h"

namespace router {

// The topic of acknowledgements that came over the pager channel (serve's pager hub) rather
// than Kafka: the node stores no offset for them and takes no event-time progress from them
// (each is dated when serve received it). Their `offset` must still be unique, as it keys
// their dead letters: the hub uses the receipt instant in microseconds.
inline constexpr std::string_view kPagerChannel = "pager";
// The same for acknowledgements posted to serve's HTTP API (POST /api/v1/cases/ID/ack).
inline constexpr std::string_view kHttpChannel = "http";
// Whether `topic` is one of those direct channels (applied at once, no offset, no source).
inline bool IsDirectChannel(std::string_view topic) {
  return topic == kPagerChannel || topic == kHttpChannel;
}

// One consumed message, parsed. Views point into the consumer's buffers and
// live until the sink's Apply returns.
struct IngestItem {
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string_view payload;
  const FeedEvent* event = nullptr;    // a feed message, parsed
  const Acknowledge* ack = nullptr;    // a command (feed/commands.h), parsed
  const Snapshot* snapshot = nullptr;  // a reconciliation snapshot, parsed (its cases apply
                                       // one after another, as one input at taken_at)
  std::string_view rejection;          // neither: why the parser refused it
  std::string_view rejected_case;      // with a rejection: the case it names, when known
  // Where it came from, for people ("line 3"); empty: "<topic>[<partition>]@<offset>".
  std::string_view where;
};

struct ApplyOutcome {
  uint64_t appended = 0;                 // events appended to the log
  uint64_t duplicates = 0;               // redeliveries that changed nothing
  std::vector<DeadLetter> dead_letters;  // everything written as a dead letter
};

// A changelog record waiting in the store's outbox (engine/changelog.h), as the relay produces
// it: to `partition` of the changelog topic, under `topic_key`.
struct ChangelogEntry {
  std::string outbox_key;  // what ConfirmChangelog takes
  int32_t partition = 0;
  std::string topic_key;
  std::string value;
};

// One source of inputs (a topic partition) as its consumer sees it.
struct SourceState {
  std::string topic;
  int32_t partition = 0;
  bool caught_up = false;  // nothing left to consume right now
  int64_t lag = -1;        // messages left to the high watermark the last fetch saw; -1 unknown
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
  // The partitions assigned to the consumer, each caught up or lagging: called
  // before every poll once the assignment is known. Event time (engine/node.h)
  // lets no timer fire past what a lagging partition has delivered.
  virtual void ReportSources(const std::vector<SourceState>& /*sources*/) {}
  // How many inputs handed to Apply are held back, not yet applied (event time,
  // engine/node.h): a stop now would leave them to be consumed again.
  virtual size_t HeldBack() const { return 0; }
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
  // The changelog's outbox (kept only by a sink told there is a changelog topic): records
  // written and not yet confirmed on the topic, in partition then record order, at most
  // `limit`. Makes everything applied durable first. Errors: the store's.
  virtual base::Result<std::vector<ChangelogEntry>> PendingChangelog(size_t /*limit*/) {
    return std::vector<ChangelogEntry>();
  }
  // Forgets the records under these outbox keys: the topic has confirmed them. Errors: the
  // store's (they stay pending and are produced again; readers drop a record seen twice).
  virtual base::Status ConfirmChangelog(const std::vector<std::string>& /*outbox_keys*/) {
    return base::Status::Ok();
  }
  // Scale-out (README "Several instances"): the partition numbers this instance now owns,
  // at each assignment and revocation; only their cases' timers fire. Errors: the store's.
  virtual base::Status SetOwnedPartitions(const std::vector<int32_t>& /*partitions*/) {
    return base::Status::Ok();
  }
  // Restores a partition from its changelog records (`records`: the topic's values, in topic
  // order; those already here are skipped). Returns how many it applied. Errors: kCorruption
  // when a record is missing (the changelog was truncated or deleted) or does not decode: the
  // partition's state cannot be restored, and it must not be served; the store's.
  virtual base::Result<uint64_t> RestorePartition(int32_t /*partition*/,
                                                  const std::vector<std::string>& /*records*/) {
    return uint64_t{0};
  }
  // The number of the partition's next changelog record here: those below it are here
  // already. Errors: the store's.
  virtual base::Result<uint64_t> ChangelogNext(int32_t /*partition*/) { return uint64_t{0}; }
};

// A sink that forwards everything to another: the base of decorators (serve's StopAfter and
// MeteredSink), which override only what they add to, so a hook added here reaches the inner
// sink through every decorator. REQUIRES: `inner` outlives it.
class ForwardingSink : public IngestSink {
 public:
  explicit ForwardingSink(IngestSink& inner) : inner_(inner) {}
  base::Result<ApplyOutcome> Apply(const std::vector<IngestItem>& items) override {
    return inner_.Apply(items);
  }
  std::optional<int64_t> StoredOffset(const std::string& topic, int32_t partition) override {
    return inner_.StoredOffset(topic, partition);
  }
  void ReportSources(const std::vector<SourceState>& sources) override {
    inner_.ReportSources(sources);
  }
  size_t HeldBack() const override { return inner_.HeldBack(); }
  base::Status Flush() override { return inner_.Flush(); }
  base::Result<std::vector<std::pair<std::string, std::string>>> PendingDeadLetters(
      size_t limit) override {
    return inner_.PendingDeadLetters(limit);
  }
  base::Status ConfirmDeadLetters(const std::vector<std::string>& keys) override {
    return inner_.ConfirmDeadLetters(keys);
  }
  base::Result<std::vector<ChangelogEntry>> PendingChangelog(size_t limit) override {
    return inner_.PendingChangelog(limit);
  }
  base::Status ConfirmChangelog(const std::vector<std::string>& outbox_keys) override {
    return inner_.ConfirmChangelog(outbox_keys);
  }
  base::Status SetOwnedPartitions(const std::vector<int32_t>& partitions) override {
    return inner_.SetOwnedPartitions(partitions);
  }
  base::Result<uint64_t> RestorePartition(int32_t partition,
                                          const std::vector<std::string>& records) override {
    return inner_.RestorePartition(partition, records);
  }
  base::Result<uint64_t> ChangelogNext(int32_t partition) override {
    return inner_.ChangelogNext(partition);
  }

 protected:
  IngestSink& inner_;
};

}  // namespace router
