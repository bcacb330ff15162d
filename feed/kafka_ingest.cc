#include "feed/kafka_ingest.h"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <thread>

#include "feed/kafka_commands.h"
#include "feed/kafka_consumer.h"
#include "feed/kafka_producer.h"
#include "feed/kafka_topic_reader.h"

namespace router {

namespace {

// Dead letters per export round, and how long a round waits for the topic to confirm them.
constexpr size_t kExportBatch = 1000;
constexpr int kExportConfirmMs = 5000;

// Sends the sink's pending dead letters to `topic` (after their batches are durable) and,
// once the topic has confirmed every one of them, has the sink forget them: a crash or a
// failure in between sends them again (at-least-once, keyed by where they came from), and
// none is lost. Clears `pending` when the outbox is empty. Errors: the sink's, or
// kUnavailable when the topic did not confirm them all (they stay pending).
base::Status ExportDeadLetters(IngestSink& sink, KafkaProducer& dlq, const std::string& topic,
                               bool& pending) {
  auto letters = sink.PendingDeadLetters(kExportBatch);
  if (!letters.ok()) return letters.status();
  if (letters->empty()) {
    pending = false;
    return base::Status::Ok();
  }
  const uint64_t failed_before = dlq.failed();
  for (const auto& [key, value] : *letters) {
    if (base::Status s = dlq.Produce(topic, key, value); !s.ok()) return s;
  }
  if (base::Status s = dlq.Flush(kExportConfirmMs); !s.ok()) return s;
  if (dlq.failed() != failed_before) {
    return base::Status::Unavailable("not delivered: " + dlq.last_error());
  }
  std::vector<std::string> keys;
  keys.reserve(letters->size());
  for (auto& [key, value] : *letters) keys.push_back(std::move(key));
  if (base::Status s = sink.ConfirmDeadLetters(keys); !s.ok()) return s;
  pending = keys.size() == kExportBatch;  // a full round: more may wait
  return base::Status::Ok();
}

// Produces the sink's pending changelog records to `topic` (after their batches are durable),
// each to its partition, in order; once the topic has confirmed every one, has the sink
// forget them. A failure in between produces them again (readers drop a record seen twice);
// the producer's idempotence keeps each partition's records in order across retries. Sets
// `pending` when a full round suggests more wait. Errors: the sink's, or kUnavailable when
// the topic did not confirm them all (they stay pending).
base::Status ExportChangelog(IngestSink& sink, KafkaProducer& producer, const std::string& topic,
                             bool& pending) {
  auto records = sink.PendingChangelog(kExportBatch);
  if (!records.ok()) return records.status();
  pending = false;
  if (records->empty()) return base::Status::Ok();
  const uint64_t failed_before = producer.failed();
  for (const auto& r : *records) {
    if (base::Status s = producer.Produce(topic, r.topic_key, r.value, r.partition); !s.ok()) {
      return s;
    }
  }
  if (base::Status s = producer.Flush(kExportConfirmMs); !s.ok()) return s;
  if (producer.failed() != failed_before) {
    return base::Status::Unavailable("not delivered: " + producer.last_error());
  }
  std::vector<std::string> keys;
  keys.reserve(records->size());
  for (auto& r : *records) keys.push_back(std::move(r.outbox_key));
  if (base::Status s = sink.ConfirmChangelog(keys); !s.ok()) return s;
  pending = keys.size() == kExportBatch;
  return base::Status::Ok();
}

// In an assignment: the partition numbers of the feed's partitions become the owned ones, and
// each is restored from its changelog partition before anything is consumed from it. Returns
// the partitions refused (the feed's and the commands topic's of that number): those whose
// changelog cannot be read or misses records, and those whose state is nowhere though the
// group consumed from them. They are not served: no state, no paging.
std::set<std::pair<std::string, int32_t>> RestoreAssigned(
    const IngestOptions& options, IngestSink& sink,
    const KafkaConsumerOptions::Partitions& assigned,
    const KafkaConsumerOptions::Committed& committed) {
  std::vector<int32_t> numbers;
  for (const auto& [topic, partition] : assigned) {
    if (topic == options.topic) numbers.push_back(partition);
  }
  std::set<std::pair<std::string, int32_t>> refused;
  auto tell = [&](int32_t p, const std::string& state) {
    if (options.on_partition_state) options.on_partition_state(p, state);
  };
  tell(-1, "");
  auto refuse = [&](int32_t p, const std::string& why) {
    spdlog::error("partition {}: refused, not served: {}", p, why);
    tell(p, "partition " + std::to_string(p) + " is refused, not served: " + why);
    refused.insert({options.topic, p});
    if (!options.commands_topic.empty()) refused.insert({options.commands_topic, p});
  };
  if (base::Status s = sink.SetOwnedPartitions(numbers); !s.ok()) {
    for (int32_t p : numbers) refuse(p, s.ToString());
    return refused;
  }
  std::vector<int32_t> served;
  for (int32_t p : numbers) {
    const auto started = std::chrono::steady_clock::now();
    tell(p, "partition " + std::to_string(p) + " is being restored from the changelog");
    std::vector<std::string> records;
    auto next = sink.ChangelogNext(p);
    if (!next.ok()) {
      refuse(p, next.status().ToString());
      continue;
    }
    TopicReadOptions read;
    read.brokers = options.brokers;
    read.topic = options.changelog_topic;
    read.partitions = {p};
    // Record N lies at offset N or later (each record takes an offset; one produced twice,
    // two), so records this instance lacks are never below offset N: an instance that held the
    // partition before reads only what was written since, not the whole changelog.
    read.from_offset = static_cast<int64_t>(*next);
    auto extents =
        ReadTopicToEnd(read, [&](int32_t, int64_t, std::string_view, std::string_view v) {
          records.emplace_back(v);
          return true;
        });
    if (!extents.ok()) {
      refuse(p, "cannot read its changelog: " + extents.status().ToString());
      continue;
    }
    // A changelog deleted (or recreated) while no instance held the partition's state reads
    // as empty, like a partition nobody served yet. The group's committed offset tells them
    // apart: someone consumed from it, so its state existed, and consuming again from the
    // beginning would page every old case's steps again (or, past the feed's retention, from
    // half a state).
    if (records.empty() && !sink.StoredOffset(options.topic, p)) {
      auto c = committed.find({options.topic, p});
      if (c != committed.end() && c->second > 0) {
        refuse(p, "its changelog (" + options.changelog_topic +
                      ") holds nothing and this instance has no state for it, but the group "
                      "has consumed " +
                      options.topic + "[" + std::to_string(p) + "] up to offset " +
                      std::to_string(c->second) +
                      ": its state cannot be restored (was the changelog topic deleted?)");
        continue;
      }
    }
    auto applied = sink.RestorePartition(p, records);
    if (!applied.ok()) {
      refuse(p, applied.status().ToString());
      continue;
    }
    served.push_back(p);
    tell(p, "");
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();
    // ops/bench/failover_tool.py reads this line: keep its shape.
    spdlog::info("partition {}: restored {} changelog records ({} read) in {} ms", p, *applied,
                 records.size(), ms);
  }
  if (served.size() != numbers.size()) {
    if (base::Status s = sink.SetOwnedPartitions(served); !s.ok()) {
      spdlog::error("partitions: {}", s.ToString());
    }
  }
  return refused;
}

}  // namespace

namespace {

using Clock = std::chrono::steady_clock;

// Logs a recurring problem at most once per interval, with how many were hidden.
class RateLimitedLog {
 public:
  explicit RateLimitedLog(std::chrono::seconds interval) : interval_(interval) {}
  void Warn(const std::string& what) {
    auto now = Clock::now();
    if (now - last_ < interval_) {
      ++suppressed_;
      return;
    }
    if (suppressed_ > 0) {
      spdlog::warn("kafka: {} ({} similar messages suppressed)", what, suppressed_);
    } else {
      spdlog::warn("kafka: {}", what);
    }
    last_ = now;
    suppressed_ = 0;
  }

 private:
  std::chrono::seconds interval_;
  Clock::time_point last_{};
  uint64_t suppressed_ = 0;
};

}  // namespace

base::Result<IngestStats> RunIngest(const IngestOptions& options, IngestSink& sink,
                                    const std::atomic<bool>& stop) {
  RateLimitedLog kafka_log(std::chrono::seconds(5));
  // Every partition a message came from, for the last commit at a clean stop.
  std::set<std::pair<std::string, int32_t>> consumed_from;
  KafkaConsumerOptions co;
  co.brokers = options.brokers;
  co.group = options.group;
  co.topics = {options.topic};
  if (!options.commands_topic.empty() && options.commands_topic != options.topic) {
    co.topics.push_back(options.commands_topic);
  }
  if (!options.snapshot_topic.empty()) co.topics.push_back(options.snapshot_topic);
  co.session_timeout_ms = options.session_timeout_ms;
  co.heartbeat_interval_ms = options.heartbeat_interval_ms;
  co.extra["fetch.wait.max.ms"] = std::to_string(options.fetch_wait_ms);
  co.stored_offset = [&sink](const std::string& topic, int32_t partition) {
    return sink.StoredOffset(topic, partition);
  };
  co.on_error = [&kafka_log](const std::string& what) { kafka_log.Warn(what); };
  co.on_rebalance = [](const std::string& what) { spdlog::info("kafka: {}", what); };
  // The changelog's producer: made before the consumer, whose revocations flush it.
  std::unique_ptr<KafkaProducer> changelog;
  if (!options.changelog_topic.empty()) {
    auto p = KafkaProducer::Create(options.brokers, {{"linger.ms", "5"}});
    if (!p.ok()) return p.status();
    changelog = std::move(*p);
    co.on_assign = [&](const KafkaConsumerOptions::Partitions& assigned,
                       const KafkaConsumerOptions::Committed& committed) {
      return RestoreAssigned(options, sink, assigned, committed);
    };
    co.on_revoke = [&](const KafkaConsumerOptions::Partitions&) {
      // The next owner restores from the changelog: leave it current first (a clean
      // handover loses nothing; what cannot be produced now stays in the outbox).
      for (bool more = true; more;) {
        if (base::Status s = ExportChangelog(sink, *changelog, options.changelog_topic, more);
            !s.ok()) {
          spdlog::warn("changelog topic: {} (kept; produced later)", s.message());
          break;
        }
      }
      if (base::Status s = sink.SetOwnedPartitions({}); !s.ok()) {
        spdlog::error("partitions: cannot give them up: {}", s.ToString());
      }
    };
  }
  auto consumer = KafkaConsumer::Create(std::move(co));
  if (!consumer.ok()) return consumer.status();

  std::unique_ptr<KafkaProducer> dlq;
  if (!options.dead_letter_topic.empty()) {
    auto p = KafkaProducer::Create(options.brokers);
    if (!p.ok()) return p.status();
    dlq = std::move(*p);
  }
  // Leftovers of an earlier run (written, not confirmed) go first.
  bool dead_letters_pending = dlq != nullptr;
  // Records come from batches and from the timer loop's writes alike: look every interval
  // (each look makes the store durable first, so not after every batch).
  auto next_changelog = Clock::now();
  bool changelog_pending = false;
  auto next_export = Clock::now();

  FeedParser parser(options.parser);
  IngestStats stats;
  std::vector<KafkaMessage> messages;
  std::vector<FeedParseResult> parsed;
  std::vector<SnapshotParseResult> snapshots;  // one per message (a rejection off that topic)
  std::vector<base::Result<Acknowledge>> commands;
  std::vector<std::string> command_cases;  // the case a refused command names, if any
  std::vector<IngestItem> items;
  messages.reserve(options.max_batch);
  auto last_summary = Clock::now();
  auto next_outbox_look = Clock::now() + std::chrono::seconds(5);

  while (!stop.load()) {
    messages.clear();
    auto t_poll = Clock::now();
    int timeout_ms = options.poll_timeout_ms;
    // Before the first assignment nothing is known, and the sink may fire nothing yet.
    if (auto sources = (*consumer)->Sources(); !sources.empty()) sink.ReportSources(sources);
    if (options.between_polls)
      timeout_ms = std::max(0, std::min(timeout_ms, options.between_polls()));
    (*consumer)->Poll(options.max_batch, timeout_ms, &messages);
    auto t_parse = Clock::now();
    if (messages.empty() && options.exit_when_caught_up && (*consumer)->Lag() == 0) {
      spdlog::info("ingest: caught up with every assigned partition");
      // The sink may hold inputs back for a partition it last saw lagging (event time): tell
      // it every partition is caught up, and let it apply them and fire what is due.
      sink.ReportSources((*consumer)->Sources());
      if (options.between_polls) options.between_polls();
      break;
    }
    if (!messages.empty()) {
      parsed.clear();
      snapshots.clear();
      commands.clear();
      command_cases.clear();
      items.clear();
      parsed.reserve(messages.size());
      snapshots.reserve(messages.size());
      commands.reserve(messages.size());
      command_cases.resize(messages.size());
      auto is_snapshot = [&](const KafkaMessage& m) {
        return !options.snapshot_topic.empty() && m.topic() == options.snapshot_topic;
      };
      for (const auto& m : messages) {
        snapshots.push_back(FeedRejection{});
        if (!options.commands_topic.empty() && m.topic() == options.commands_topic) {
          parsed.push_back(FeedRejection{});
          commands.push_back(ParseCommand(m.payload(), &command_cases[commands.size()]));
        } else if (is_snapshot(m)) {
          parsed.push_back(FeedRejection{});
          snapshots.back() = parser.ParseSnapshot(m.payload());
          commands.push_back(base::Status::InvalidInput("not a command"));
        } else {
          parsed.push_back(parser.Parse(m.payload()));
          commands.push_back(base::Status::InvalidInput("not a command"));
        }
      }
      std::map<std::pair<std::string, int32_t>, int64_t> next;
      for (size_t i = 0; i < messages.size(); ++i) {
        const auto& m = messages[i];
        IngestItem item;
        item.topic = m.topic();
        item.partition = m.partition();
        item.offset = m.offset();
        item.payload = m.payload();
        const bool command = !options.commands_topic.empty() && m.topic() == options.commands_topic;
        if (command) {
          if (commands[i].ok()) {
            item.ack = &*commands[i];
          } else {
            item.rejection = commands[i].status().message();
            item.rejected_case = command_cases[i];
          }
        } else if (is_snapshot(m)) {
          if (const auto* snap = std::get_if<Snapshot>(&snapshots[i])) {
            item.snapshot = snap;
          } else {
            item.rejection = std::get<FeedRejection>(snapshots[i]).reason;
          }
        } else if (const auto* ev = std::get_if<FeedEvent>(&parsed[i])) {
          item.event = ev;
        } else {
          item.rejection = std::get<FeedRejection>(parsed[i]).reason;
        }
        items.push_back(item);
        auto& n = next[{std::string(m.topic()), m.partition()}];
        n = std::max(n, m.offset() + 1);
        consumed_from.emplace(std::string(m.topic()), m.partition());
      }
      // The batch in hand is persisted even when a stop arrives meanwhile:
      // retrying until the store accepts it, with backoff.
      auto backoff = std::chrono::milliseconds(100);
      auto t_apply = Clock::now();
      base::Result<ApplyOutcome> outcome = base::Status::Unavailable("not applied yet");
      while (true) {
        outcome = sink.Apply(items);
        if (outcome.ok()) break;
        spdlog::error("store: cannot apply a batch of {} messages: {}; retrying in {} ms",
                      items.size(), outcome.status().ToString(), backoff.count());
        std::this_thread::sleep_for(backoff);
        backoff = std::min(backoff * 2, std::chrono::milliseconds(10000));
      }
      auto t_done = Clock::now();
      stats.poll_s += std::chrono::duration<double>(t_parse - t_poll).count();
      stats.parse_s += std::chrono::duration<double>(t_apply - t_parse).count();
      stats.apply_s += std::chrono::duration<double>(t_done - t_apply).count();
      ++stats.batches;
      stats.consumed += messages.size();
      stats.appended += outcome->appended;
      stats.duplicates += outcome->duplicates;
      stats.dead_lettered += outcome->dead_letters.size();
      for (const auto& d : outcome->dead_letters) {
        spdlog::debug("dead letter {}[{}]@{}: {}", d.topic, d.partition, d.offset, d.reason);
      }
      if (!outcome->dead_letters.empty()) dead_letters_pending = true;
      // The group hears only what the store holds durably: its reads see written batches only,
      // and the batch just applied may still be on its way to disk (write-behind) or held back
      // for event time. So a lag monitor never sees an offset a crash or a full disk undoes.
      for (auto it = next.begin(); it != next.end();) {
        const std::optional<int64_t> stored = sink.StoredOffset(it->first.first, it->first.second);
        if (stored) {
          it->second = *stored;
          ++it;
        } else {
          it = next.erase(it);
        }
      }
      (*consumer)->CommitAsync(next);
      spdlog::debug("batch: {} messages, {} appended, {} duplicates, {} dead letters",
                    messages.size(), outcome->appended, outcome->duplicates,
                    outcome->dead_letters.size());
    }
    // Dead letters may also come from inputs the sink held back and applied later (event
    // time, engine/node.h): look at the outbox now and then even when no batch reported one.
    if (dlq && Clock::now() >= next_outbox_look) {
      dead_letters_pending = true;
      next_outbox_look = Clock::now() + std::chrono::seconds(5);
    }
    if (dlq && dead_letters_pending && Clock::now() >= next_export) {
      if (base::Status s =
              ExportDeadLetters(sink, *dlq, options.dead_letter_topic, dead_letters_pending);
          !s.ok()) {
        kafka_log.Warn("dead-letter topic: " + s.message() + " (kept; retried)");
        next_export = Clock::now() + std::chrono::seconds(1);
      }
    }
    if (changelog && (changelog_pending || Clock::now() >= next_changelog)) {
      next_changelog = Clock::now() + std::chrono::milliseconds(100);
      if (base::Status s =
              ExportChangelog(sink, *changelog, options.changelog_topic, changelog_pending);
          !s.ok()) {
        kafka_log.Warn("changelog topic: " + s.message() + " (kept; retried)");
        changelog_pending = false;
        next_changelog = Clock::now() + std::chrono::seconds(1);
      }
    }
    if (Clock::now() - last_summary >= std::chrono::seconds(options.summary_interval_s)) {
      last_summary = Clock::now();
      spdlog::info("ingest: consumed {}, appended {}, duplicates {}, dead-lettered {}, lag {}",
                   stats.consumed, stats.appended, stats.duplicates, stats.dead_lettered,
                   (*consumer)->Lag());
    }
  }
  messages.clear();
  // Durable before leaving the group: the next owner resumes from the stored offsets.
  if (base::Status flushed = sink.Flush(); !flushed.ok()) {
    spdlog::error("store: cannot flush: {}", flushed.ToString());
  }
  // The group hears the durable offsets once more, waiting for it (CommitSync says why).
  std::map<std::pair<std::string, int32_t>, int64_t> durable;
  for (const auto& [topic, partition] : consumed_from) {
    if (auto stored = sink.StoredOffset(topic, partition)) durable[{topic, partition}] = *stored;
  }
  if (base::Status s = (*consumer)->CommitSync(durable); !s.ok()) {
    spdlog::warn("kafka: the last offsets were not committed: {}", s.message());
  }
  // The next owner restores from the changelog: leave it current (what cannot be produced now
  // stays in the outbox for the next start).
  for (bool more = changelog != nullptr; more;) {
    if (base::Status s = ExportChangelog(sink, *changelog, options.changelog_topic, more);
        !s.ok()) {
      spdlog::warn("changelog topic: {} (kept for the next start)", s.message());
      break;
    }
  }
  (*consumer)->Close();
  // Inputs the sink held back and applied since the last round may have added dead letters.
  if (dlq) dead_letters_pending = true;
  if (dlq && dead_letters_pending) {
    // One last round; what it cannot deliver stays in the outbox for the next start.
    if (base::Status s =
            ExportDeadLetters(sink, *dlq, options.dead_letter_topic, dead_letters_pending);
        !s.ok()) {
      spdlog::warn("dead-letter topic: {} (kept for the next start)", s.message());
    }
  }
  spdlog::info(
      "ingest stopped: consumed {}, appended {}, duplicates {}, dead-lettered {}; seconds in "
      "poll {:.2f}, parse {:.2f}, apply (engine + store write + fsync) {:.2f}",
      stats.consumed, stats.appended, stats.duplicates, stats.dead_lettered, stats.poll_s,
      stats.parse_s, stats.apply_s);
  return stats;
}

}  // namespace router
