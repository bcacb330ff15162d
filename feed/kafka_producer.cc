#include "feed/kafka_producer.h"

#include <librdkafka/rdkafka.h>
#include <spdlog/spdlog.h>

namespace router {

struct KafkaProducer::State {
  rd_kafka_t* rk = nullptr;
  uint64_t delivered = 0;
  uint64_t failed = 0;
  std::string last_error;
  ~State() {
    if (rk) rd_kafka_destroy(rk);
  }
};

base::Result<std::unique_ptr<KafkaProducer>> KafkaProducer::Create(
    const std::string& brokers, const std::map<std::string, std::string>& extra) {
  std::unique_ptr<KafkaProducer> p(new KafkaProducer());
  p->state_ = std::make_unique<State>();
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::map<std::string, std::string> props = {
      {"bootstrap.servers", brokers},
      {"enable.idempotence", "true"},
      {"linger.ms", "5"},
      {"log_level", "3"},
  };
  for (const auto& [k, v] : extra) props[k] = v;
  for (const auto& [k, v] : props) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return base::Status::InvalidInput("Kafka property " + k + ": " + errstr);
    }
  }
  State* state = p->state_.get();
  rd_kafka_conf_set_opaque(conf, state);
  rd_kafka_conf_set_log_cb(conf,
                           [](const rd_kafka_t*, int level, const char* fac, const char* buf) {
                             spdlog::log(level <= 4 ? spdlog::level::warn : spdlog::level::debug,
                                         "librdkafka {}: {}", fac, buf);
                           });
  rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
    auto* s = static_cast<State*>(opaque);
    if (msg->err) {
      ++s->failed;
      s->last_error = rd_kafka_err2str(msg->err);
    } else {
      ++s->delivered;
    }
  });
  state->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!state->rk) {
    rd_kafka_conf_destroy(conf);
    return base::Status::InvalidInput(std::string("cannot create a Kafka producer: ") + errstr);
  }
  return p;
}

KafkaProducer::~KafkaProducer() = default;

base::Status KafkaProducer::Produce(const std::string& topic, std::string_view key,
                                    std::string_view value, int32_t partition) {
  while (true) {
    auto err =
        rd_kafka_producev(state_->rk, RD_KAFKA_V_TOPIC(topic.c_str()),
                          RD_KAFKA_V_PARTITION(partition < 0 ? RD_KAFKA_PARTITION_UA : partition),
                          RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
                          RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return base::Status::Ok();
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(state_->rk, 10);  // delivery reports free queue space
      continue;
    }
    return base::Status::InvalidInput("cannot produce to " + topic + ": " + rd_kafka_err2str(err));
  }
}

void KafkaProducer::Poll(int timeout_ms) { rd_kafka_poll(state_->rk, timeout_ms); }

base::Status KafkaProducer::Flush(int timeout_ms) {
  rd_kafka_flush(state_->rk, timeout_ms);
  int left = rd_kafka_outq_len(state_->rk);
  if (left > 0) {
    return base::Status::Unavailable(std::to_string(left) + " messages still undelivered");
  }
  return base::Status::Ok();
}

uint64_t KafkaProducer::delivered() const { return state_->delivered; }
uint64_t KafkaProducer::failed() const { return state_->failed; }
std::string KafkaProducer::last_error() const { return state_->last_error; }

}  // namespace router
