// The changelog (scale-out, README "Several instances"): every write's changes to one Kafka
// partition's state, as records produced to the changelog topic's partition of the same
// number, from which a new owner of that partition restores it.
//
// A record is what one store write did to one partition: the events it appended for the
// partition's cases (each with its sequence number in the writer's log) and the next offsets
// it stored for the partition's sources (the feed's and the commands topic's partition of
// that number: both topics are keyed by account and partitioned alike). Records of a
// partition are numbered from 0 without gaps (`pseq`), across owners: a new owner continues
// the numbering it restored.
//
// They reach the topic through an outbox (store::Family::kChangelogOutbox), written in the
// same batch as the state they describe, so the log, the offsets and the changelog agree: a
// crash before the relay confirms a record produces it again (readers drop a pseq they have
// seen). Pure: no I/O.
//
// Persisted layouts (never change them):
//   kChangelogOutbox  ChangelogOutboxKey(partition, pseq) -> EncodeChangelogRecord
//   kProjections      "partition/<case id>" -> the partition of the case's first input
//                     with one, in decimal (PartitionKey)
//   kProjections      "changelog/next/<partition>" -> the partition's next pseq, decimal
//   kProjections      "changelog/writer" -> this log's writer id (random, decimal): records
//                     name their writer, as page references name the log they point into
//   kProjections      "pagelocal/<writer>/<seq>" -> the seq, in this log, of a paged event
//                     restored from a record of that writer, where it had that seq
//   kProjections      "pageorigin/<seq>" -> "<writer>/<seq>": the reverse, for this log's seq
//   Record: version byte 1, then router/codec.h fields: 1 partition, 2 pseq, 3 repeated
//   offset {1 topic, 2 next}, 4 repeated event {1 seq, 2 bytes (router/codec.h), 3 the
//   writer of the log its paged_seq points into, when not the record's}, 5 writer.
//
// Page references: delivered, delivery_failed and page_superseded name their page by the
// paged event's seq, which differs from log to log. A record's references point into its
// writer's log, or into the log named by the event's field 3 (a page the writer restored);
// a restoring log maps them to its own seqs through "pagelocal/".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace router {

struct ChangelogRecord {
  int32_t partition = 0;
  uint64_t pseq = 0;
  std::vector<std::pair<std::string, int64_t>> offsets;  // (topic, next offset to consume)
  uint64_t writer = 0;                                   // the id of the log that wrote it
  struct Event {
    uint64_t seq = 0;   // in the log of the instance that wrote it
    std::string bytes;  // router/codec.h
    // For an event naming a page (paged_seq): the log that seq is in, when not the writer's
    // (0: the writer's).
    uint64_t ref_writer = 0;
    friend bool operator==(const Event&, const Event&) = default;
  };
  std::vector<Event> events;
  friend bool operator==(const ChangelogRecord&, const ChangelogRecord&) = default;
};

std::string EncodeChangelogRecord(const ChangelogRecord& record);
// Errors: kCorruption naming the problem (an unknown version, a truncated field).
base::Result<ChangelogRecord> DecodeChangelogRecord(std::string_view bytes);

// 4-byte big-endian partition + 8-byte big-endian pseq: the outbox scans in partition, then
// record order, which is the order each partition's records must be produced in.
std::string ChangelogOutboxKey(int32_t partition, uint64_t pseq);
// Errors: kCorruption for a key that is not 12 bytes.
base::Result<std::pair<int32_t, uint64_t>> DecodeChangelogOutboxKey(std::string_view key);

// The record's key on the topic: "<partition>/<pseq>" (unique, so compaction keeps every
// record and folds only a record produced twice).
std::string ChangelogTopicKey(int32_t partition, uint64_t pseq);

inline constexpr std::string_view kPartitionKeyPrefix = "partition/";
std::string PartitionKey(std::string_view case_id);
std::string ChangelogNextKey(int32_t partition);
inline constexpr std::string_view kChangelogWriterKey = "changelog/writer";
std::string PageLocalKey(uint64_t writer, uint64_t seq);
std::string PageOriginKey(uint64_t seq);

}  // namespace router
