// An LD_PRELOAD shim for page_latency --serve-fetch-wait-ms: gives every librdkafka consumer
// the process creates fetch.wait.max.ms = $ESCALATOR_BENCH_FETCH_WAIT_MS, so a bench can
// measure serve with a shorter fetch wait than librdkafka's 500 ms without a flag in serve.
// Why it matters: the embedded broker (librdkafka's mock cluster) answers a fetch that finds
// no data only after the full fetch.wait.max.ms, even when a message arrives meanwhile
// (rdkafka_mock_handlers.c, "This isn't strictly correct..."), so on dev-broker that wait is
// the Kafka hop. A real broker answers as soon as data arrives (fetch.min.bytes = 1).
#include <dlfcn.h>
#include <librdkafka/rdkafka.h>

#include <cstdlib>

extern "C" rd_kafka_t* rd_kafka_new(rd_kafka_type_t type, rd_kafka_conf_t* conf, char* errstr,
                                    size_t errstr_size) {
  using New = rd_kafka_t* (*)(rd_kafka_type_t, rd_kafka_conf_t*, char*, size_t);
  static const New real = reinterpret_cast<New>(dlsym(RTLD_NEXT, "rd_kafka_new"));
  const char* wait = std::getenv("ESCALATOR_BENCH_FETCH_WAIT_MS");
  if (type == RD_KAFKA_CONSUMER && conf != nullptr && wait != nullptr && *wait != '\0') {
    char err[256];
    if (rd_kafka_conf_set(conf, "fetch.wait.max.ms", wait, err, sizeof err) != RD_KAFKA_CONF_OK) {
      return nullptr;  // the caller reports rd_kafka_new's failure
    }
  }
  return real(type, conf, errstr, errstr_size);
}
