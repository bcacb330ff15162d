#include "feed/kafka_mock_cluster.h"

#include <librdkafka/rdkafka.h>
// rdkafka_mock.h must follow rdkafka.h.
#include <librdkafka/rdkafka_mock.h>

#include <vector>

namespace router {

struct KafkaMockCluster::Handle {
  rd_kafka_t* rk = nullptr;
  rd_kafka_mock_cluster_t* mock = nullptr;
  ~Handle() {
    if (mock) rd_kafka_mock_cluster_destroy(mock);
    if (rk) rd_kafka_destroy(rk);
  }
};

base::Result<std::unique_ptr<KafkaMockCluster>> KafkaMockCluster::Start(
    int brokers, const std::vector<MockTopic>& topics) {
  if (brokers < 1) return base::Status::InvalidInput("--brokers must be >= 1");
  std::unique_ptr<KafkaMockCluster> cluster(new KafkaMockCluster());
  cluster->handle_ = std::make_unique<Handle>();
  cluster->brokers_ = brokers;
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // The hosting handle never connects anywhere; it only owns the mock's threads.
  rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr);
  cluster->handle_->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!cluster->handle_->rk) {
    rd_kafka_conf_destroy(conf);
    return base::Status::Unavailable(std::string("cannot create a Kafka handle: ") + errstr);
  }
  cluster->handle_->mock = rd_kafka_mock_cluster_new(cluster->handle_->rk, brokers);
  if (!cluster->handle_->mock) {
    return base::Status::Unavailable("cannot start the mock Kafka cluster");
  }
  for (const auto& t : topics) {
    if (auto s = cluster->CreateTopic(t); !s.ok()) return s;
  }
  return cluster;
}

KafkaMockCluster::~KafkaMockCluster() = default;

std::string KafkaMockCluster::bootstrap() const {
  return rd_kafka_mock_cluster_bootstraps(handle_->mock);
}

base::Status KafkaMockCluster::CreateTopic(const MockTopic& topic) {
  if (topic.name.empty()) return base::Status::InvalidInput("empty topic name");
  if (topic.partitions < 1) {
    return base::Status::InvalidInput("topic " + topic.name + ": partitions must be >= 1");
  }
  auto err = rd_kafka_mock_topic_create(handle_->mock, topic.name.c_str(), topic.partitions, 1);
  if (err) {
    return base::Status::InvalidInput("cannot create topic " + topic.name + ": " +
                                      rd_kafka_err2str(err));
  }
  return base::Status::Ok();
}

namespace {
base::Status BrokerResult(rd_kafka_resp_err_t err, int32_t id) {
  if (err) {
    return base::Status::InvalidInput("broker " + std::to_string(id) + ": " +
                                      rd_kafka_err2str(err));
  }
  return base::Status::Ok();
}
}  // namespace

base::Status KafkaMockCluster::SetBrokerDown(int32_t id) {
  if (id < 1 || id > brokers_) return BrokerResult(RD_KAFKA_RESP_ERR__UNKNOWN_BROKER, id);
  return BrokerResult(rd_kafka_mock_broker_set_down(handle_->mock, id), id);
}

base::Status KafkaMockCluster::SetBrokerUp(int32_t id) {
  if (id < 1 || id > brokers_) return BrokerResult(RD_KAFKA_RESP_ERR__UNKNOWN_BROKER, id);
  return BrokerResult(rd_kafka_mock_broker_set_up(handle_->mock, id), id);
}

base::Status KafkaMockCluster::SetBrokerRtt(int32_t id, int rtt_ms) {
  if (id < 1 || id > brokers_) return BrokerResult(RD_KAFKA_RESP_ERR__UNKNOWN_BROKER, id);
  return BrokerResult(rd_kafka_mock_broker_set_rtt(handle_->mock, id, rtt_ms), id);
}

void KafkaMockCluster::PushRequestErrors(int16_t api_key, size_t count, int error_code) {
  std::vector<rd_kafka_resp_err_t> errors(count, static_cast<rd_kafka_resp_err_t>(error_code));
  rd_kafka_mock_push_request_errors_array(handle_->mock, api_key, count, errors.data());
}

}  // namespace router
