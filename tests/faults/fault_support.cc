#include "tests/faults/fault_support.h"

#include <fcntl.h>
#include <librdkafka/rdkafka.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

namespace faults {

using nlohmann::json;
using namespace std::chrono_literals;

Reply Get(const std::string& url) {
  auto r = ingest_test::Run(
      {"/usr/bin/curl", "-sS", "--max-time", "10", "-w", "\n%{http_code}", url}, 20);
  Reply reply;
  const size_t nl = r.out.rfind('\n');
  if (r.exit_code != 0 || nl == std::string::npos) return reply;
  reply.status = std::stoi(r.out.substr(nl + 1));
  reply.body = r.out.substr(0, nl);
  return reply;
}

Reply WaitForStatus(const std::string& url, int status, std::chrono::seconds limit) {
  Reply r;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    r = Get(url);
    if (r.status == status) return r;
    std::this_thread::sleep_for(100ms);
  }
  return r;
}

void PublishAll(const ingest_test::Broker& broker, const testing_support::TempDir& dir,
                const std::vector<std::string>& lines) {
  auto path = dir.path() / "batch.jsonl";
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  testing_support::WriteFile(path, text);
  auto r = ingest_test::Run(
      {serve_fixture::Bin(), "publish", "--brokers", broker.bootstrap, path.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

std::vector<std::string> Cases(const std::string& prefix, int n) {
  std::vector<std::string> out;
  const auto now = serve_fixture::Now();
  for (int i = 0; i < n; ++i) {
    out.push_back(serve_fixture::CreateCase(prefix + "-" + std::to_string(i), now));
  }
  return out;
}

std::vector<std::string> TopicCases(const ingest_test::Broker& broker) {
  auto r = ingest_test::Run({"/usr/bin/kcat", "-C", "-b", broker.bootstrap, "-t", "support.cases",
                             "-o", "beginning", "-e", "-q", "-f", "%s\n"},
                            60);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::vector<std::string> out;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    auto j = json::parse(line, nullptr, false);
    REQUIRE_FALSE(j.is_discarded());
    out.push_back(j.at("detail").at("case-id").get<std::string>());
  }
  return out;
}

std::optional<std::map<std::string, int>> OpenedInLog(const std::string& data, std::string* err) {
  auto r = ingest_test::Run({serve_fixture::Bin(), "log", "--data", data, "--format", "json"}, 60);
  if (err) *err = r.err;
  if (r.exit_code != 0) return std::nullopt;
  std::map<std::string, int> opened;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    auto j = json::parse(line, nullptr, false);
    if (j.is_discarded()) return std::nullopt;
    if (j.at("type") == "case_opened") ++opened[j.at("case").get<std::string>()];
  }
  return opened;
}

size_t WaitForOpened(const std::string& data, size_t n, std::chrono::seconds limit) {
  size_t seen = 0;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto opened = OpenedInLog(data)) {
      seen = opened->size();
      if (seen >= n) return seen;
    }
    std::this_thread::sleep_for(200ms);
  }
  return seen;
}

void CheckExactlyOnce(const std::map<std::string, int>& opened,
                      const std::vector<std::string>& expected) {
  std::map<std::string, int> want;
  for (const auto& c : expected) ++want[c];
  for (const auto& [c, n] : want) {
    INFO("case " << c << " on the topic " << n << " time(s)");
    REQUIRE(n == 1);  // the test publishes each case once
    auto it = opened.find(c);
    CHECK((it == opened.end() ? 0 : it->second) == 1);
  }
  for (const auto& [c, n] : opened) {
    INFO("case " << c << " in the log but never published");
    CHECK(want.count(c) == 1);
  }
}

std::optional<int64_t> TryCommittedOffset(const std::string& bootstrap, const std::string& group,
                                          const std::string& topic, int32_t partition) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (const auto& [k, v] : std::vector<std::pair<std::string, std::string>>{
           {"bootstrap.servers", bootstrap}, {"group.id", group}, {"log_level", "0"}}) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return std::nullopt;
    }
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  if (rk == nullptr) return std::nullopt;
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(list, topic.c_str(), partition);
  const rd_kafka_resp_err_t err = rd_kafka_committed(rk, list, 10000);
  const int64_t offset = list->elems[0].offset;
  const rd_kafka_resp_err_t part_err = list->elems[0].err;
  rd_kafka_topic_partition_list_destroy(list);
  rd_kafka_destroy(rk);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR || part_err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return std::nullopt;
  }
  return offset < 0 ? -1 : offset;
}

int64_t CommittedOffset(const std::string& bootstrap, const std::string& group,
                        const std::string& topic, int32_t partition) {
  const std::optional<int64_t> offset = TryCommittedOffset(bootstrap, group, topic, partition);
  REQUIRE(offset);  // OffsetFetch answered
  return *offset;
}

Producer::Producer(const std::string& bootstrap) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (const auto& [k, v] :
       std::vector<std::pair<std::string, std::string>>{{"bootstrap.servers", bootstrap},
                                                        {"message.timeout.ms", "180000"},
                                                        {"log_level", "0"}}) {
    REQUIRE(rd_kafka_conf_set(conf, k.c_str(), v.c_str(), errstr, sizeof errstr) ==
            RD_KAFKA_CONF_OK);
  }
  rd_kafka_conf_set_opaque(conf, &failed_);
  rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    if (m->err) ++*static_cast<int*>(opaque);
  });
  rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  REQUIRE(rk_ != nullptr);
}

Producer::~Producer() {
  if (rk_) rd_kafka_destroy(static_cast<rd_kafka_t*>(rk_));
}

void Producer::Produce(const std::string& value) {
  const rd_kafka_resp_err_t err = rd_kafka_producev(
      static_cast<rd_kafka_t*>(rk_), RD_KAFKA_V_TOPIC("support.cases"),
      RD_KAFKA_V_KEY(serve_fixture::kAccount, std::strlen(serve_fixture::kAccount)),
      RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
  REQUIRE(err == RD_KAFKA_RESP_ERR_NO_ERROR);
}

int Producer::Flush(std::chrono::seconds limit) {
  const rd_kafka_resp_err_t err =
      rd_kafka_flush(static_cast<rd_kafka_t*>(rk_), static_cast<int>(limit.count() * 1000));
  INFO("flush: " << rd_kafka_err2str(err));
  REQUIRE(err == RD_KAFKA_RESP_ERR_NO_ERROR);
  return failed_;
}

size_t CountLines(const std::string& text, const std::string& what) {
  size_t n = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) n += line.find(what) != std::string::npos;
  return n;
}

SmallDisk::SmallDisk(const std::filesystem::path& dir, int mib, bool may_mount) : dir_(dir) {
  std::filesystem::create_directories(dir_);
  const std::string size = "size=" + std::to_string(mib) + "m";
  // ESCALATOR_FAULTS_NO_MOUNT=1 takes the fallback on purpose (to test it where mounting works).
  const char* no_mount = std::getenv("ESCALATOR_FAULTS_NO_MOUNT");
  const bool forced = !may_mount || (no_mount != nullptr && std::string(no_mount) == "1");
  if (!forced && mount("tmpfs", dir_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, size.c_str()) == 0) {
    mounted_ = true;
    std::printf("disk full: serve's data on a %d MiB tmpfs at %s\n", mib, dir_.c_str());
  } else {
    std::printf(
        "disk full: no tmpfs (%s); serve's fault injection instead (--fault-disk-full-flag: "
        "writes fail with ENOSPC while a flag file exists)\n",
        !may_mount ? "this case takes the flag"
        : forced   ? "ESCALATOR_FAULTS_NO_MOUNT=1"
                   : std::strerror(errno));
  }
  std::fflush(stdout);
}

SmallDisk::~SmallDisk() {
  if (mounted_ && umount2(dir_.c_str(), 0) != 0) umount2(dir_.c_str(), MNT_DETACH);
}

uint64_t SmallDisk::Fill() {
  if (!mounted_) {
    testing_support::WriteFile(flag(), "full\n");
    return 0;
  }
  const std::string path = (dir_ / "filler").string();
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  REQUIRE(fd >= 0);
  std::vector<char> block(1 << 20, 'f');
  uint64_t written = 0;
  // Whole MiBs, then smaller and smaller writes to the last byte (bounded: each size shrinks).
  for (size_t chunk = block.size(); chunk > 0; chunk /= 2) {
    while (true) {
      const ssize_t n = write(fd, block.data(), chunk);
      if (n <= 0) break;
      written += static_cast<uint64_t>(n);
    }
  }
  close(fd);
  return written;
}

void SmallDisk::Free() {
  std::error_code ec;
  std::filesystem::remove(mounted_ ? dir_ / "filler" : std::filesystem::path(flag()), ec);
}

}  // namespace faults
