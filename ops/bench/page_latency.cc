// page_latency: how long a level-1 case takes from the feed to an engineer's device, against
// the Kafka hop alone, in the same run (BENCHMARKS.md "Page latency").
//
// Starts `escalator dev-broker` and `escalator serve --pager-endpoint ipc://...` as child
// processes (a fresh data directory and consumer group each run), connects --devices
// pager::Device instances for alice (each on its own thread, confirming every page), and a
// plain librdkafka consumer in a group of its own on the feed topic: the baseline. Then it
// produces level-1 CreateCase events with a librdkafka producer at a steady --rate, each a new
// case whose send instant is recorded just before it is handed to the producer. Per case:
//   kafka  send -> the plain consumer has the message (rd_kafka_consumer_poll returned it)
//   page   send -> the first device has the page (Device::Receive returned it)
//   all    send -> the last of the devices has it
// The first --warmup cases are left out. Prints p50/p90/p99/max of each, the ratio of the p99s
// (page / kafka), then one JSON line.
//
// The configuration is the given one with level 1's policy replaced as
// tests/cli/serve_fixture.cc does: alice at 0 s, so every case pages alice at once (bob and gus
// come an hour and two later, so no timer fires during a run). Every case is for account
// 111122223333 (annual + 24x7, medialive always covered), so the feed's messages all go to one
// partition (the feed is keyed by account).
//
// On the embedded broker the Kafka hop is librdkafka's fetch wait: its mock cluster answers a
// fetch that found nothing after the whole fetch.wait.max.ms (librdkafka's default 500 ms),
// whatever arrives meanwhile. serve's consumer waits 10 ms (serve --fetch-wait-ms); so does the
// baseline consumer, by default (--baseline-fetch-wait-ms), so both hops are alike, as they
// would be on a real broker, which answers as soon as data arrives. --dump writes each case's send
// instant on the steady clock (CLOCK_MONOTONIC), to line up with `perf record -k CLOCK_MONOTONIC`
// run through --serve-wrap (BENCHMARKS.md shows the breakdown).
//
// usage: page_latency [--bin build/cli/escalator] [--config ../shared/samples/config.yaml]
//                     [--rate 20] [--cases 1200] [--warmup 40] [--devices 2]
//                     [--baseline-fetch-wait-ms MS] [--serve-fetch-wait-ms MS] [--dump CSV]
//                     [--serve-log-level info] [--serve-wrap CMD] [--work DIR] [--keep]
#include <fcntl.h>
#include <librdkafka/rdkafka.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/time.h"
#include "cli/flags.h"
#include "feed/feed_parser.h"
#include "feed/kafka_producer.h"
#include "pager/device.h"

#ifndef ESCALATOR_BIN
#define ESCALATOR_BIN "build/cli/escalator"
#endif
#ifndef ESCALATOR_SAMPLE_CONFIG
#define ESCALATOR_SAMPLE_CONFIG "../shared/samples/config.yaml"
#endif

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;
namespace fs = std::filesystem;

constexpr char kAccount[] = "111122223333";
constexpr char kTopic[] = "support.cases";
constexpr char kEngineer[] = "alice";

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The last `n` lines of a file, for error messages about a child.
std::string Tail(const std::string& path, size_t n = 15) {
  std::vector<std::string> lines;
  std::istringstream in(ReadFile(path));
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  std::string out;
  for (size_t i = lines.size() > n ? lines.size() - n : 0; i < lines.size(); ++i) {
    out += "  | " + lines[i] + "\n";
  }
  return out;
}

// The processes whose parent is `pid` (from /proc/*/stat: this kernel may lack
// /proc/PID/task/TID/children).
std::vector<pid_t> ChildrenOf(pid_t pid) {
  std::vector<pid_t> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string stat = ReadFile(entry.path().string() + "/stat");
    // "PID (COMM) STATE PPID ...": COMM may hold spaces and parentheses, so from the last ')'.
    const size_t paren = stat.rfind(')');
    if (paren == std::string::npos) continue;
    std::istringstream rest(stat.substr(paren + 1));
    std::string state;
    pid_t ppid = 0;
    if (rest >> state >> ppid && ppid == pid) out.push_back(static_cast<pid_t>(std::stol(name)));
  }
  return out;
}

// A child process started by this bench: stdout to a pipe (read with ReadLine) or a file,
// stderr to a file. Stop() (also the destructor) ends it by its PID: SIGTERM, then SIGKILL
// after a bounded wait. PR_SET_PDEATHSIG kills it too if the bench itself dies first.
class Child {
 public:
  // `env` (NAME=VALUE) is added to this process's environment for the child. nullptr when
  // the pipe or fork fails (exec failures show as exit 127).
  static std::unique_ptr<Child> Start(const std::vector<std::string>& argv,
                                      const std::string& err_path, const std::string& out_path = "",
                                      const std::vector<std::string>& env = {}) {
    // Everything the child needs is built before fork: only async-signal-safe calls after.
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<char*> envp;
    for (char** e = environ; *e != nullptr; ++e) envp.push_back(*e);
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return nullptr;
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid < 0) return nullptr;
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(126);  // the bench died between fork and prctl
      int out =
          out_path.empty() ? fds[1] : open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int in = open("/dev/null", O_RDONLY);
      if (out < 0 || err < 0 || in < 0) _exit(126);
      dup2(in, 0);
      dup2(out, 1);
      dup2(err, 2);
      execvpe(args[0], args.data(), envp.data());
      _exit(127);
    }
    close(fds[1]);
    auto c = std::unique_ptr<Child>(new Child());
    c->pid_ = pid;
    c->out_fd_ = fds[0];
    c->name_ = argv[0];
    return c;
  }
  ~Child() { Stop(seconds(10)); }

  pid_t pid() const { return pid_; }

  // The next stdout line, or nullopt at EOF or after `timeout`.
  std::optional<std::string> ReadLine(milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (true) {
      if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return line;
      }
      const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{out_fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[4096];
      const ssize_t n = read(out_fd_, buf, sizeof buf);
      if (n <= 0) return std::nullopt;
      buffer_.append(buf, static_cast<size_t>(n));
    }
  }

  // Whether it still runs (reaps it, keeping its exit code, when it has ended).
  bool Running() {
    if (exit_code_) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return false;
    }
    return true;
  }

  // Ends it: SIGTERM, up to `grace` for it to exit, then SIGKILL. A wrapper (--serve-wrap:
  // strace, perf) is left to end by itself once its program has: the SIGTERM goes to the
  // wrapper's children (strace would detach and leave the program running). Returns its exit
  // code (128 + signal when killed). Idempotent.
  int Stop(milliseconds grace) {
    if (pid_ > 0 && Running()) {
      const std::vector<pid_t> children = ChildrenOf(pid_);
      for (pid_t c : children) kill(c, SIGTERM);
      if (children.empty()) kill(pid_, SIGTERM);
      const auto deadline = Clock::now() + grace;
      while (Running() && Clock::now() < deadline) std::this_thread::sleep_for(milliseconds(10));
      if (Running()) {
        std::cerr << "page_latency: " << name_ << " (pid " << pid_ << ") still running "
                  << grace.count() << " ms after SIGTERM: SIGKILL\n";
        for (pid_t c : ChildrenOf(pid_)) kill(c, SIGKILL);
        kill(pid_, SIGKILL);
        int status = 0;
        waitpid(pid_, &status, 0);
        exit_code_ = 128 + SIGKILL;
      }
    }
    if (out_fd_ >= 0) close(out_fd_);
    out_fd_ = -1;
    return exit_code_.value_or(-1);
  }

 private:
  Child() = default;
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string name_;
  std::string buffer_;
  std::optional<int> exit_code_;
};

// Polls a file until it contains `what`, `limit` passes, or `child` exits.
bool WaitForText(const std::string& path, const std::string& what, milliseconds limit,
                 Child& child) {
  const auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline && child.Running()) {
    if (ReadFile(path).find(what) != std::string::npos) return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return false;
}

// The configuration with level 1's policy replaced as tests/cli/serve_fixture.cc
// WriteConfig does: alice at once; bob and gus far enough out that no timer fires in a run.
std::optional<std::string> FastLevelOne(const std::string& text) {
  const std::regex level1(R"(  1: \{repeat: 2, steps: \[[^\n]*\n[^\n]*\n[^\n]*\]\}\n)");
  std::string replaced = std::regex_replace(
      text, level1,
      "  1: {repeat: 0, steps: [{after: 0s, notify: [alice]}, {after: 3600s, notify: [bob]},\n"
      "                         {after: 7200s, notify: [gus]}]}\n");
  if (replaced == text) return std::nullopt;
  return replaced;
}

// The n-th case's id: the feed's shape, unique per run (`run` is the run's own number).
std::string CaseId(const std::string& run, uint64_t n) {
  char digits[17];
  std::snprintf(digits, sizeof digits, "%016llx", static_cast<unsigned long long>(n));
  return std::string("case-") + kAccount + "-page-" + run + "-" + digits;
}

// The case number in an id CaseId made for this run, or nullopt (another run's, or garbage).
std::optional<uint64_t> CaseNumber(const std::string& run, std::string_view id) {
  const std::string prefix = std::string("case-") + kAccount + "-page-" + run + "-";
  if (id.size() != prefix.size() + 16 || id.substr(0, prefix.size()) != prefix) return std::nullopt;
  uint64_t n = 0;
  for (char c : id.substr(prefix.size())) {
    const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return std::nullopt;
    n = n * 16 + static_cast<uint64_t>(d);
  }
  return n;
}

// A level-1 (critical) medialive CreateCase, as tests/cli/serve_fixture.cc CreateCase.
std::string CreateCase(const std::string& case_id, base::Timestamp at) {
  nlohmann::json j = {{"version", "0"},
                      {"id", "env-" + case_id},
                      {"detail-type", "Support Case Update"},
                      {"source", "aws.support"},
                      {"account", kAccount},
                      {"time", base::FormatInstant(at)},
                      {"region", "us-east-1"},
                      {"resources", nlohmann::json::array()},
                      {"detail",
                       {{"case-id", case_id},
                        {"display-id", "77"},
                        {"communication-id", ""},
                        {"event-name", "CreateCase"},
                        {"origin", ""},
                        {"case",
                         {{"caseId", case_id},
                          {"displayId", "77"},
                          {"subject", "channel down"},
                          {"status", "opened"},
                          {"serviceCode", "medialive"},
                          {"categoryCode", "other"},
                          {"severityCode", "critical"},
                          {"submittedBy", "ops@northwind.example"},
                          {"timeCreated", base::FormatInstant(at)},
                          {"language", "en"}}}}}};
  return j.dump();
}

// The Kafka hop's baseline: a plain librdkafka consumer (default settings but its group and
// earliest reset) in a group of its own, on its own thread. Records the instant each of this
// run's cases comes out of rd_kafka_consumer_poll, before anything else is done with it.
class PlainConsumer {
 public:
  // Errors: a message on stderr and nullptr.
  // `fetch_wait_ms` empty: librdkafka's default fetch.wait.max.ms, as serve's consumer has.
  static std::unique_ptr<PlainConsumer> Start(const std::string& brokers, const std::string& group,
                                              const std::string& run, size_t cases,
                                              const std::string& fetch_wait_ms) {
    std::unique_ptr<PlainConsumer> c(new PlainConsumer());
    c->run_ = run;
    c->at_ns_.assign(cases, 0);
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    std::vector<std::pair<const char*, std::string>> props = {{"bootstrap.servers", brokers},
                                                              {"group.id", group},
                                                              {"auto.offset.reset", "earliest"},
                                                              {"enable.partition.eof", "false"},
                                                              {"log_level", "3"}};
    if (!fetch_wait_ms.empty()) props.push_back({"fetch.wait.max.ms", fetch_wait_ms});
    for (const auto& [k, v] : props) {
      if (rd_kafka_conf_set(conf, k, v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
        std::cerr << "page_latency: baseline consumer: " << k << ": " << err << "\n";
        rd_kafka_conf_destroy(conf);
        return nullptr;
      }
    }
    rd_kafka_conf_set_opaque(conf, c.get());
    rd_kafka_conf_set_rebalance_cb(conf, [](rd_kafka_t* rk, rd_kafka_resp_err_t e,
                                            rd_kafka_topic_partition_list_t* parts, void* opaque) {
      if (e == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        rd_kafka_assign(rk, parts);
        static_cast<PlainConsumer*>(opaque)->assigned_ = true;
      } else {
        rd_kafka_assign(rk, nullptr);
      }
    });
    c->rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    if (c->rk_ == nullptr) {
      std::cerr << "page_latency: baseline consumer: " << err << "\n";
      rd_kafka_conf_destroy(conf);
      return nullptr;
    }
    rd_kafka_poll_set_consumer(c->rk_);
    rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(topics, kTopic, RD_KAFKA_PARTITION_UA);
    const rd_kafka_resp_err_t e = rd_kafka_subscribe(c->rk_, topics);
    rd_kafka_topic_partition_list_destroy(topics);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::cerr << "page_latency: baseline consumer: subscribe: " << rd_kafka_err2str(e) << "\n";
      return nullptr;
    }
    c->thread_ = std::thread([p = c.get()] { p->Loop(); });
    return c;
  }
  ~PlainConsumer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (rk_ != nullptr) {
      rd_kafka_consumer_close(rk_);
      rd_kafka_destroy(rk_);
    }
  }
  bool assigned() const { return assigned_; }
  uint64_t seen() const { return seen_; }
  // Stops the thread; then at_ns() may be read.
  void Join() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  // Per case, when it was consumed (steady clock, ns), 0 if never. After Join.
  const std::vector<int64_t>& at_ns() const { return at_ns_; }

 private:
  PlainConsumer() = default;
  void Loop() {
    while (!stop_) {
      rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, 100);
      if (m == nullptr) continue;
      const int64_t now = NowNs();
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR && m->payload != nullptr) {
        std::string_view payload(static_cast<const char*>(m->payload), m->len);
        auto parsed = nlohmann::json::parse(payload, nullptr, false);
        if (!parsed.is_discarded()) {
          auto n = CaseNumber(run_, parsed["detail"].value("case-id", ""));
          if (n && *n < at_ns_.size() && at_ns_[*n] == 0) {
            at_ns_[*n] = now;
            ++seen_;
          }
        }
      }
      rd_kafka_message_destroy(m);
    }
  }

  rd_kafka_t* rk_ = nullptr;
  std::string run_;
  std::vector<int64_t> at_ns_;
  std::atomic<bool> assigned_{false};
  std::atomic<uint64_t> seen_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// One pager device for alice on its own thread: records the instant each of this run's pages
// first comes out of Receive, and confirms every page it gets (repeats too, as a device must).
class DeviceThread {
 public:
  DeviceThread(const std::string& endpoint, const std::string& name, const std::string& run,
               size_t cases)
      : run_(run), at_ns_(cases, 0) {
    auto d = pager::Device::Connect({endpoint, kEngineer, name, "", "", ""});
    if (!d.ok()) {
      error_ = d.status().ToString();
      return;
    }
    device_ = std::move(*d);
    thread_ = std::thread([this] { Loop(); });
  }
  ~DeviceThread() { Join(); }
  const std::string& error() const { return error_; }
  bool welcomed() const { return welcomed_; }
  uint64_t seen() const { return seen_; }
  uint64_t bad() const { return bad_; }
  void Join() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  // Per case, when this device first had its page (steady clock, ns), 0 if never. After Join.
  const std::vector<int64_t>& at_ns() const { return at_ns_; }

 private:
  void Loop() {
    while (!stop_) {
      auto got = device_->Receive(milliseconds(50));
      const int64_t now = NowNs();
      if (!got.ok()) {
        ++bad_;
        continue;
      }
      if (!*got) continue;
      if (std::holds_alternative<pager::Welcome>(**got)) welcomed_ = true;
      const auto* page = std::get_if<pager::Page>(&**got);
      if (page == nullptr) continue;
      if (auto n = CaseNumber(run_, page->case_id); n && *n < at_ns_.size() && at_ns_[*n] == 0) {
        at_ns_[*n] = now;
        ++seen_;
      }
      if (!device_->ConfirmReceipt(page->seq).ok()) ++bad_;
    }
  }

  std::string run_;
  std::vector<int64_t> at_ns_;
  std::unique_ptr<pager::Device> device_;
  std::string error_;
  std::atomic<bool> welcomed_{false};
  std::atomic<uint64_t> seen_{0}, bad_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

struct Percentiles {
  double p50 = 0, p90 = 0, p99 = 0, max = 0;
  size_t n = 0;
};

// Nearest-rank percentiles of latencies in ms.
Percentiles Summarize(std::vector<double> ms) {
  Percentiles p;
  p.n = ms.size();
  if (ms.empty()) return p;
  std::sort(ms.begin(), ms.end());
  auto rank = [&](double q) {
    size_t i = static_cast<size_t>(std::ceil(q * static_cast<double>(ms.size())));
    return ms[std::clamp<size_t>(i, 1, ms.size()) - 1];
  };
  p.p50 = rank(0.50);
  p.p90 = rank(0.90);
  p.p99 = rank(0.99);
  p.max = ms.back();
  return p;
}

nlohmann::json ToJson(const Percentiles& p) {
  auto r = [](double v) { return std::round(v * 100) / 100; };
  return {{"n", p.n}, {"p50", r(p.p50)}, {"p90", r(p.p90)}, {"p99", r(p.p99)}, {"max", r(p.max)}};
}

void PrintLine(const char* what, const Percentiles& p) {
  std::printf("  %-34s p50 %8.2f  p90 %8.2f  p99 %8.2f  max %8.2f ms  (n %zu)\n", what, p.p50,
              p.p90, p.p99, p.max, p.n);
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = cli::ParseFlags(
      "page_latency",
      "Kafka -> page latency of escalator serve at a steady rate of level-1 cases, against a\n"
      "plain librdkafka consumer of the same topic (the Kafka hop) in the same run.",
      {
          {"bin", true, false, "the escalator binary", ESCALATOR_BIN},
          {"config", true, false,
           "configuration to derive serve's from (level 1 replaced: alice at once)",
           ESCALATOR_SAMPLE_CONFIG},
          {"rate", true, false, "cases produced per second, evenly spaced", "20"},
          {"cases", true, false, "cases measured (after the warm-up)", "1200"},
          {"warmup", true, false,
           "cases produced first and left out of the figures (the first ~0.5 s queue behind the "
           "producer's connection and id: 400 ms on both sides)",
           "40"},
          {"devices", true, false, "pager devices connected for alice, one thread each", "2"},
          {"partitions", true, false, "dev-broker --partitions (the feed topic's)", "4"},
          {"serve-log-level", true, false, "serve --log-level (debug: a line per batch)", "info"},
          {"serve-wrap", true, false,
           "a command (space-separated) to run serve under, e.g. 'strace -f -tt -o F'", ""},
          {"drain-s", true, false, "seconds to wait for the last pages after the last send", "30"},
          {"work", true, false, "scratch directory (emptied first)", "/tmp/escalator-page-latency"},
          {"keep", false, false, "keep the scratch directory (serve.err, broker.err, data/)", ""},
          {"baseline-fetch-wait-ms", true, false,
           "fetch.wait.max.ms of the baseline consumer, as serve's by default", "10"},
          {"serve-fetch-wait-ms", true, false, "serve --fetch-wait-ms", "10"},
          {"dump", true, false,
           "write one CSV line per measured case: n, send instant (unix us; steady ns, i.e. "
           "CLOCK_MONOTONIC as perf record -k mono), kafka ms, page ms",
           ""},
      },
      argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const auto& f = parsed.flags;
  const char* cmd = "page_latency";
  const auto rate_flag = cli::IntFlag(cmd, f, "rate", 1, 100000);
  const auto cases_flag = cli::IntFlag(cmd, f, "cases", 1, 10'000'000);
  const auto warmup_flag = cli::IntFlag(cmd, f, "warmup", 0, 10'000'000);
  const auto devices_flag = cli::IntFlag(cmd, f, "devices", 1, 1000);
  const auto partitions_flag = cli::IntFlag(cmd, f, "partitions", 1, 100000);
  const auto drain_flag = cli::IntFlag(cmd, f, "drain-s", 1, 3600);
  if (!rate_flag || !cases_flag || !warmup_flag || !devices_flag || !partitions_flag ||
      !drain_flag) {
    return cli::kExitUsage;
  }
  const std::string bin = *f.Get("bin"), work = *f.Get("work");
  const size_t warmup = static_cast<size_t>(*warmup_flag);
  const size_t total = warmup + static_cast<size_t>(*cases_flag);
  const int rate = static_cast<int>(*rate_flag);
  if (access(bin.c_str(), X_OK) != 0) {
    std::cerr << "page_latency: no escalator binary at '" << bin << "' (--bin)\n";
    return cli::kExitUsage;
  }
  const std::string sample = ReadFile(*f.Get("config"));
  const auto config_text = FastLevelOne(sample);
  if (sample.empty() || !config_text) {
    std::cerr << "page_latency: '" << *f.Get("config")
              << "' is missing or has no level-1 policy of the sample's shape\n";
    return cli::kExitUsage;
  }
  std::error_code ec;
  fs::remove_all(work, ec);
  fs::create_directories(work, ec);
  if (ec) {
    std::cerr << "page_latency: cannot create " << work << ": " << ec.message() << "\n";
    return 1;
  }
  const std::string config_path = work + "/config.yaml";
  if (!(std::ofstream(config_path) << *config_text)) {
    std::cerr << "page_latency: cannot write " << config_path << "\n";
    return 1;
  }
  // Unique to this run: case ids, serve's and the baseline's consumer groups.
  const std::string run = [] {
    char s[9];
    std::snprintf(s, sizeof s, "%08x",
                  static_cast<unsigned>(
                      getpid() ^ std::chrono::system_clock::now().time_since_epoch().count()));
    return std::string(s);
  }();

  // 1. The broker.
  auto broker =
      Child::Start({bin, "dev-broker", "--partitions", *f.Get("partitions")}, work + "/broker.err");
  if (!broker) {
    std::cerr << "page_latency: cannot start dev-broker\n";
    return 1;
  }
  const auto bootstrap = broker->ReadLine(seconds(20));
  if (!bootstrap || bootstrap->rfind("127.0.0.1:", 0) != 0) {
    std::cerr << "page_latency: dev-broker printed no bootstrap address within 20 s:\n"
              << Tail(work + "/broker.err");
    return 1;
  }

  // 2. serve, with a fresh log and group; its consumer is ready once it logs "assigned".
  const std::string endpoint = "ipc://" + work + "/pager.sock";
  std::vector<std::string> serve_argv;
  {
    std::istringstream wrap(f.Get("serve-wrap").value_or(""));
    for (std::string w; wrap >> w;) serve_argv.push_back(w);
  }
  for (const std::string& a : std::vector<std::string>{
           bin, "serve", "--config", config_path, "--data", work + "/data", "--brokers", *bootstrap,
           "--pager-endpoint", endpoint, "--group", "page-latency-" + run, "--session-timeout-ms",
           "6000", "--heartbeat-interval-ms", "1000", "--log-level", *f.Get("serve-log-level")}) {
    serve_argv.push_back(a);
  }
  const std::string serve_err = work + "/serve.err";
  if (!cli::ParseInt(*f.Get("serve-fetch-wait-ms"), 0, 300000)) {
    return cli::UsageError(cmd, "--serve-fetch-wait-ms must be a number in 0..300000");
  }
  serve_argv.push_back("--fetch-wait-ms");
  serve_argv.push_back(*f.Get("serve-fetch-wait-ms"));
  auto serve = Child::Start(serve_argv, serve_err, work + "/serve.out", {});
  if (!serve) {
    std::cerr << "page_latency: cannot start serve\n";
    return 1;
  }
  if (!WaitForText(serve_err, "assigned", seconds(60), *serve)) {
    std::cerr << "page_latency: serve logged no assignment within 60 s"
              << (serve->Running() ? "" : " (it exited)") << ":\n"
              << Tail(serve_err);
    return 1;
  }

  // 3. The devices and the baseline consumer; both must be ready before the first send.
  std::vector<std::unique_ptr<DeviceThread>> devices;
  for (int64_t i = 0; i < *devices_flag; ++i) {
    devices.push_back(
        std::make_unique<DeviceThread>(endpoint, "bench-" + std::to_string(i), run, total));
    if (!devices.back()->error().empty()) {
      std::cerr << "page_latency: device " << i << ": " << devices.back()->error() << "\n";
      return 1;
    }
  }
  auto consumer = PlainConsumer::Start(*bootstrap, "page-latency-baseline-" + run, run, total,
                                       f.Get("baseline-fetch-wait-ms").value_or(""));
  if (!consumer) return 1;
  {
    const auto deadline = Clock::now() + seconds(30);
    auto ready = [&] {
      if (!consumer->assigned()) return false;
      for (const auto& d : devices) {
        if (!d->welcomed()) return false;
      }
      return true;
    };
    while (!ready() && Clock::now() < deadline && serve->Running()) {
      std::this_thread::sleep_for(milliseconds(20));
    }
    if (!ready()) {
      std::cerr << "page_latency: not ready within 30 s (baseline assigned: "
                << consumer->assigned() << ", serve running: " << serve->Running() << ")\n"
                << Tail(serve_err);
      return 1;
    }
  }

  // 4. Produce at a steady rate. linger.ms 0: each case leaves the producer at once, so its
  // send instant is the instant it was handed over.
  auto producer = router::KafkaProducer::Create(*bootstrap, {{"linger.ms", "0"}});
  if (!producer.ok()) {
    std::cerr << "page_latency: producer: " << producer.status().ToString() << "\n";
    return 1;
  }
  const std::string load_before = ReadFile("/proc/loadavg");
  std::vector<int64_t> sent_ns(total, 0), sent_unix_us(total, 0);
  const auto period = std::chrono::nanoseconds(1'000'000'000 / rate);
  const auto start = Clock::now() + milliseconds(100);
  std::fprintf(stderr, "page_latency: producing %zu cases (%zu warm-up) at %d/s to %s\n", total,
               warmup, rate, bootstrap->c_str());
  int64_t behind_max_ns = 0;  // how late a send was against its slot: the producer's own lag
  for (size_t n = 0; n < total; ++n) {
    const auto slot = start + period * static_cast<int64_t>(n);
    std::this_thread::sleep_until(slot);
    const std::string case_id = CaseId(run, n);
    const auto at = std::chrono::floor<milliseconds>(std::chrono::system_clock::now());
    const std::string e = CreateCase(case_id, at);
    sent_ns[n] = NowNs();
    sent_unix_us[n] = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
    behind_max_ns = std::max<int64_t>(behind_max_ns, (Clock::now() - slot).count());
    if (base::Status s = (*producer)->Produce(kTopic, router::FeedPartitionKey(e), e); !s.ok()) {
      std::cerr << "page_latency: produce: " << s.ToString() << "\n";
      return 1;
    }
    (*producer)->Poll(0);
    if (!serve->Running()) {
      std::cerr << "page_latency: serve exited during the run:\n" << Tail(serve_err);
      return 1;
    }
  }
  if (base::Status s = (*producer)->Flush(10000); !s.ok() || (*producer)->failed() > 0) {
    std::cerr << "page_latency: not every case was delivered to the broker: " << s.ToString() << " "
              << (*producer)->last_error() << "\n";
    return 1;
  }

  // 5. Wait (bounded) until every case reached the baseline and every device.
  {
    const auto deadline = Clock::now() + seconds(*drain_flag);
    auto done = [&] {
      if (consumer->seen() < total) return false;
      for (const auto& d : devices) {
        if (d->seen() < total) return false;
      }
      return true;
    };
    while (!done() && Clock::now() < deadline) std::this_thread::sleep_for(milliseconds(20));
  }
  const std::string load_after = ReadFile("/proc/loadavg");
  for (auto& d : devices) d->Join();
  consumer->Join();

  // 6. Stop what was started: the clients first, while the broker still answers them (a
  // consumer closing against a dead broker waits for its group leave to time out), then the
  // children by PID, bounded.
  const std::vector<int64_t> consumed_ns = consumer->at_ns();
  std::vector<std::vector<int64_t>> paged_ns;
  uint64_t bad = 0;
  for (const auto& d : devices) {
    paged_ns.push_back(d->at_ns());
    bad += d->bad();
  }
  devices.clear();
  consumer.reset();
  producer->reset();
  const int serve_code = serve->Stop(seconds(30));
  const int broker_code = broker->Stop(seconds(10));

  // 7. Figures, warm-up left out.
  std::vector<double> kafka_ms, first_ms, all_ms, diff_ms;
  std::string dump = "n,sent_unix_us,sent_steady_ns,kafka_ms,page_ms\n";
  size_t missing_kafka = 0, missing_page = 0, missing_all = 0;
  for (size_t n = warmup; n < total; ++n) {
    const int64_t consumed = consumed_ns[n];
    if (consumed == 0) {
      ++missing_kafka;
    } else {
      kafka_ms.push_back((consumed - sent_ns[n]) / 1e6);
    }
    int64_t first = 0, last = 0;
    bool everywhere = true;
    for (const auto& device : paged_ns) {
      const int64_t t = device[n];
      if (t == 0) {
        everywhere = false;
        continue;
      }
      first = first == 0 ? t : std::min(first, t);
      last = std::max(last, t);
    }
    if (first == 0) {
      ++missing_page;
    } else {
      first_ms.push_back((first - sent_ns[n]) / 1e6);
    }
    if (!everywhere) {
      ++missing_all;
    } else {
      all_ms.push_back((last - sent_ns[n]) / 1e6);
    }
    if (consumed != 0 && first != 0) diff_ms.push_back((first - consumed) / 1e6);
    char line[128];
    std::snprintf(line, sizeof line, "%zu,%lld,%lld,%.3f,%.3f\n", n,
                  static_cast<long long>(sent_unix_us[n]), static_cast<long long>(sent_ns[n]),
                  consumed ? (consumed - sent_ns[n]) / 1e6 : -1.0,
                  first ? (first - sent_ns[n]) / 1e6 : -1.0);
    dump += line;
  }
  if (auto path = f.Get("dump"); path && !path->empty()) {
    if (!(std::ofstream(*path) << dump))
      std::cerr << "page_latency: cannot write " << *path << "\n";
  }
  const Percentiles kafka = Summarize(kafka_ms), page = Summarize(first_ms),
                    every = Summarize(all_ms);
  const double ratio = kafka.p99 > 0 ? page.p99 / kafka.p99 : 0;
  std::printf(
      "page_latency: %zu cases at %d/s (after %zu warm-up), %lld device(s) for alice, "
      "producer at most %.2f ms behind its schedule\n",
      total - warmup, rate, warmup, static_cast<long long>(*devices_flag), behind_max_ns / 1e6);
  PrintLine("kafka: send -> plain consumer", kafka);
  PrintLine("page: send -> first device", page);
  PrintLine("page: send -> every device", every);
  // Meaningful only while both consumers' fetches return in the same round (the embedded
  // broker answers an empty fetch after fetch.wait.max.ms whatever arrives meanwhile).
  PrintLine("page - kafka, same case", Summarize(diff_ms));
  std::printf(
      "  p99 page / p99 kafka: %.2f; missing: kafka %zu, page %zu, every device %zu; "
      "device errors %llu; serve exit %d, broker exit %d\n",
      ratio, missing_kafka, missing_page, missing_all, static_cast<unsigned long long>(bad),
      serve_code, broker_code);
  std::printf("  load before %s  load after %s", load_before.c_str(), load_after.c_str());
  nlohmann::json j = {{"bench", "page_latency"},
                      {"rate", rate},
                      {"cases", total - warmup},
                      {"warmup", warmup},
                      {"devices", *devices_flag},
                      {"kafka_ms", ToJson(kafka)},
                      {"page_ms", ToJson(page)},
                      {"page_every_device_ms", ToJson(every)},
                      {"p99_ratio", std::round(ratio * 100) / 100},
                      {"missing", {{"kafka", missing_kafka}, {"page", missing_page}}},
                      {"serve_exit", serve_code}};
  std::printf("%s\n", j.dump().c_str());
  if (!f.Has("keep")) fs::remove_all(work, ec);
  const bool ok = missing_kafka == 0 && missing_page == 0 && serve_code == 0;
  if (!ok) std::cerr << "page_latency: FAILED: cases missing or serve did not exit 0\n";
  return ok ? 0 : 1;
}
