#include "feed/kafka_consumer.h"

#include <librdkafka/rdkafka.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace router {

namespace {
rd_kafka_message_t* Msg(void* m) { return static_cast<rd_kafka_message_t*>(m); }
}  // namespace

KafkaMessage::KafkaMessage(KafkaMessage&& o) noexcept : msg_(o.msg_) { o.msg_ = nullptr; }
KafkaMessage& KafkaMessage::operator=(KafkaMessage&& o) noexcept {
  if (this != &o) {
    if (msg_) rd_kafka_message_destroy(Msg(msg_));
    msg_ = o.msg_;
    o.msg_ = nullptr;
  }
  return *this;
}
KafkaMessage::~KafkaMessage() {
  if (msg_) rd_kafka_message_destroy(Msg(msg_));
}
std::string_view KafkaMessage::topic() const { return rd_kafka_topic_name(Msg(msg_)->rkt); }
int32_t KafkaMessage::partition() const { return Msg(msg_)->partition; }
int64_t KafkaMessage::offset() const { return Msg(msg_)->offset; }
std::string_view KafkaMessage::key() const {
  auto* m = Msg(msg_);
  return m->key ? std::string_view(static_cast<const char*>(m->key), m->key_len)
                : std::string_view();
}
std::string_view KafkaMessage::payload() const {
  auto* m = Msg(msg_);
  return m->payload ? std::string_view(static_cast<const char*>(m->payload), m->len)
                    : std::string_view();
}

struct KafkaConsumer::State {
  KafkaConsumerOptions options;
  rd_kafka_t* rk = nullptr;
  bool closed = false;
  // topic -> partition -> next offset handed out by this process.
  std::map<std::string, std::map<int32_t, int64_t>, std::less<>> handed_next;

  ~State() {
    if (rk) {
      if (!closed) rd_kafka_consumer_close(rk);
      rd_kafka_destroy(rk);
    }
  }

  // Messages left in a partition before the high watermark the last fetch saw, counted from
  // the next offset handed out (or the low watermark, before any); -1 while unknown.
  int64_t PartitionLag(const char* topic, int32_t partition) const {
    int64_t lo = -1, hi = -1;
    if (rd_kafka_get_watermark_offsets(rk, topic, partition, &lo, &hi) || hi < 0) return -1;
    int64_t pos = lo;
    auto t = handed_next.find(std::string_view(topic));
    if (t != handed_next.end()) {
      auto it = t->second.find(partition);
      if (it != t->second.end()) pos = std::max(pos, it->second);
    }
    return std::max<int64_t>(0, hi - pos);
  }

  void Rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts) {
    std::string what;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      std::set<std::pair<std::string, int32_t>> refused;
      if (options.on_assign) {
        KafkaConsumerOptions::Partitions assigned;
        for (int i = 0; i < parts->cnt; ++i) {
          assigned.emplace_back(parts->elems[i].topic, parts->elems[i].partition);
        }
        KafkaConsumerOptions::Committed committed;
        rd_kafka_topic_partition_list_t* asked = rd_kafka_topic_partition_list_copy(parts);
        if (rd_kafka_resp_err_t e = rd_kafka_committed(rk, asked, 10000); e) {
          if (options.on_error) {
            options.on_error(std::string("cannot read the group's committed offsets: ") +
                             rd_kafka_err2str(e));
          }
        } else {
          for (int i = 0; i < asked->cnt; ++i) {
            const auto& p = asked->elems[i];
            if (!p.err && p.offset >= 0) committed[{p.topic, p.partition}] = p.offset;
          }
        }
        rd_kafka_topic_partition_list_destroy(asked);
        refused = options.on_assign(assigned, committed);
      }
      int resumed = 0;
      std::string detail;
      for (int i = 0; i < parts->cnt; ++i) {
        auto& p = parts->elems[i];
        std::optional<int64_t> next;
        if (options.stored_offset) next = options.stored_offset(p.topic, p.partition);
        auto t = handed_next.find(std::string_view(p.topic));
        if (t != handed_next.end()) {
          auto it = t->second.find(p.partition);
          if (it != t->second.end()) next = std::max(next.value_or(0), it->second);
        }
        p.offset = next ? *next : RD_KAFKA_OFFSET_BEGINNING;
        // Below the resume point everything is persisted: never hand it out again.
        if (next) handed_next[p.topic][p.partition] = *next;
        resumed += next.has_value();
        if (detail.size() < 400) {
          detail += " " + std::string(p.topic) + "[" + std::to_string(p.partition) + "]@" +
                    (next ? std::to_string(*next) : std::string("beginning"));
        } else if (detail.back() != '.') {
          detail += " ...";
        }
      }
      rd_kafka_assign(rk, parts);
      what = "assigned " + std::to_string(parts->cnt) + " partitions (" + std::to_string(resumed) +
             " resumed from stored offsets):" + detail;
      if (!refused.empty()) {
        rd_kafka_topic_partition_list_t* paused =
            rd_kafka_topic_partition_list_new(static_cast<int>(refused.size()));
        for (const auto& [topic, partition] : refused) {
          rd_kafka_topic_partition_list_add(paused, topic.c_str(), partition);
        }
        rd_kafka_pause_partitions(rk, paused);
        rd_kafka_topic_partition_list_destroy(paused);
        what += "; " + std::to_string(refused.size()) + " refused (paused)";
      }
    } else {
      what = "revoked " + std::to_string(parts->cnt) + " partitions";
      if (options.on_revoke) {
        KafkaConsumerOptions::Partitions revoked;
        for (int i = 0; i < parts->cnt; ++i) {
          revoked.emplace_back(parts->elems[i].topic, parts->elems[i].partition);
          auto t = handed_next.find(std::string_view(parts->elems[i].topic));
          if (t != handed_next.end()) t->second.erase(parts->elems[i].partition);
        }
        options.on_revoke(revoked);
      }
      if (err != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
        what += std::string(" (") + rd_kafka_err2str(err) + ")";
      }
      rd_kafka_assign(rk, nullptr);
    }
    if (options.on_rebalance) options.on_rebalance(what);
  }
};

base::Result<std::unique_ptr<KafkaConsumer>> KafkaConsumer::Create(KafkaConsumerOptions options) {
  if (options.topics.empty()) return base::Status::InvalidInput("no topic to consume");
  std::unique_ptr<KafkaConsumer> c(new KafkaConsumer());
  c->state_ = std::make_unique<State>();
  State* state = c->state_.get();
  state->options = std::move(options);
  const auto& o = state->options;
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::map<std::string, std::string> props = {
      {"bootstrap.servers", o.brokers},
      {"group.id", o.group},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", "earliest"},
      {"session.timeout.ms", std::to_string(o.session_timeout_ms)},
      {"heartbeat.interval.ms", std::to_string(o.heartbeat_interval_ms)},
      {"enable.partition.eof", "false"},
      {"log_level", "3"},
  };
  for (const auto& [k, v] : o.extra) props[k] = v;
  for (const auto& [k, v] : props) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return base::Status::InvalidInput("Kafka property " + k + ": " + errstr);
    }
  }
  rd_kafka_conf_set_opaque(conf, state);
  // librdkafka's own log lines go through spdlog (syslog levels). Errors (<= 3)
  // also reach on_error, which the caller rate-limits, so they log at debug here.
  rd_kafka_conf_set_log_cb(conf,
                           [](const rd_kafka_t*, int level, const char* fac, const char* buf) {
                             spdlog::log(level <= 3   ? spdlog::level::debug
                                         : level == 4 ? spdlog::level::warn
                                                      : spdlog::level::trace,
                                         "librdkafka {}: {}", fac, buf);
                           });
  rd_kafka_conf_set_rebalance_cb(
      conf, [](rd_kafka_t*, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
               void* opaque) { static_cast<State*>(opaque)->Rebalance(err, parts); });
  rd_kafka_conf_set_error_cb(conf, [](rd_kafka_t*, int err, const char* reason, void* opaque) {
    auto* s = static_cast<State*>(opaque);
    if (s->options.on_error) {
      s->options.on_error(std::string(rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err))) +
                          ": " + reason);
    }
  });
  state->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  if (!state->rk) {
    rd_kafka_conf_destroy(conf);
    return base::Status::InvalidInput(std::string("cannot create a Kafka consumer: ") + errstr);
  }
  rd_kafka_poll_set_consumer(state->rk);
  rd_kafka_topic_partition_list_t* topics =
      rd_kafka_topic_partition_list_new(static_cast<int>(o.topics.size()));
  for (const auto& t : o.topics) {
    rd_kafka_topic_partition_list_add(topics, t.c_str(), RD_KAFKA_PARTITION_UA);
  }
  auto err = rd_kafka_subscribe(state->rk, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (err) {
    return base::Status::InvalidInput(std::string("cannot subscribe: ") + rd_kafka_err2str(err));
  }
  return c;
}

KafkaConsumer::~KafkaConsumer() = default;

size_t KafkaConsumer::Poll(size_t max, int timeout_ms, std::vector<KafkaMessage>* out) {
  size_t added = 0;
  int wait = timeout_ms;
  while (added < max) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(state_->rk, wait);
    if (!m) break;
    wait = 0;
    if (m->err) {
      if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF && state_->options.on_error) {
        state_->options.on_error(std::string(rd_kafka_err2name(m->err)) + ": " +
                                 rd_kafka_message_errstr(m));
      }
      rd_kafka_message_destroy(m);
      continue;
    }
    std::string_view topic = rd_kafka_topic_name(m->rkt);
    auto t = state_->handed_next.find(topic);
    if (t == state_->handed_next.end())
      t = state_->handed_next.emplace(std::string(topic), std::map<int32_t, int64_t>{}).first;
    auto& next = t->second;
    auto [it, inserted] = next.try_emplace(m->partition, 0);
    if (!inserted && m->offset < it->second) {
      rd_kafka_message_destroy(m);  // re-fetched after a rebalance: already handed out
      continue;
    }
    it->second = m->offset + 1;
    out->push_back(KafkaMessage(m));
    ++added;
  }
  return added;
}

void KafkaConsumer::CommitAsync(
    const std::map<std::pair<std::string, int32_t>, int64_t>& next_offsets) {
  if (next_offsets.empty() || state_->closed) return;
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(next_offsets.size()));
  for (const auto& [tp, off] : next_offsets) {
    rd_kafka_topic_partition_list_add(list, tp.first.c_str(), tp.second)->offset = off;
  }
  rd_kafka_commit(state_->rk, list, 1);
  rd_kafka_topic_partition_list_destroy(list);
}

base::Status KafkaConsumer::CommitSync(
    const std::map<std::pair<std::string, int32_t>, int64_t>& next_offsets) {
  if (next_offsets.empty() || state_->closed) return base::Status::Ok();
  // Only what is assigned now: a partition handed over since is its new owner's to commit.
  rd_kafka_topic_partition_list_t* assigned = nullptr;
  if (rd_kafka_assignment(state_->rk, &assigned) != RD_KAFKA_RESP_ERR_NO_ERROR || !assigned) {
    return base::Status::Unavailable("commit: the assignment is unknown");
  }
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(next_offsets.size()));
  for (int i = 0; i < assigned->cnt; ++i) {
    auto it = next_offsets.find({assigned->elems[i].topic, assigned->elems[i].partition});
    if (it == next_offsets.end()) continue;
    rd_kafka_topic_partition_list_add(list, it->first.first.c_str(), it->first.second)->offset =
        it->second;
  }
  rd_kafka_topic_partition_list_destroy(assigned);
  if (list->cnt == 0) {
    rd_kafka_topic_partition_list_destroy(list);
    return base::Status::Ok();
  }
  const rd_kafka_resp_err_t err = rd_kafka_commit(state_->rk, list, 0);
  rd_kafka_topic_partition_list_destroy(list);
  if (err) return base::Status::Unavailable(std::string("commit: ") + rd_kafka_err2str(err));
  return base::Status::Ok();
}

int64_t KafkaConsumer::Lag() const {
  rd_kafka_topic_partition_list_t* list = nullptr;
  if (rd_kafka_assignment(state_->rk, &list) != RD_KAFKA_RESP_ERR_NO_ERROR || !list) return -1;
  int64_t lag = 0;
  bool known = list->cnt > 0;
  for (int i = 0; i < list->cnt && known; ++i) {
    const int64_t one = state_->PartitionLag(list->elems[i].topic, list->elems[i].partition);
    known = one >= 0;
    lag += one;
  }
  rd_kafka_topic_partition_list_destroy(list);
  return known ? lag : -1;
}

std::vector<SourceState> KafkaConsumer::Sources() const {
  std::vector<SourceState> out;
  rd_kafka_topic_partition_list_t* list = nullptr;
  if (rd_kafka_assignment(state_->rk, &list) != RD_KAFKA_RESP_ERR_NO_ERROR || !list) return out;
  for (int i = 0; i < list->cnt; ++i) {
    auto& p = list->elems[i];
    const int64_t lag = state_->PartitionLag(p.topic, p.partition);
    // Unknown lag counts as lagging: event time must not run ahead of a partition not yet seen.
    out.push_back({p.topic, p.partition, /*caught_up=*/lag == 0, lag});
  }
  rd_kafka_topic_partition_list_destroy(list);
  return out;
}

void KafkaConsumer::Close() {
  if (state_->closed) return;
  rd_kafka_consumer_close(state_->rk);
  state_->closed = true;
}

}  // namespace router
