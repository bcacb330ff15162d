// End-to-end ingest benchmark: preloads N feed-shaped events into the embedded
// broker (`escalator dev-broker`), then times kcat consuming the topic to
// /dev/null and `escalator serve` consuming it into a fresh log (fsync per
// batch), in the same run, then two in-process shares of serve's work: consume
// and parse only, and consume, parse and log the inputs without routing. Prints
// one line per run and the medians.
//
// usage: ingest_bench --bin build/cli/escalator --config ../shared/samples/config.yaml
//                     [--events 1000000] [--partitions 256] [--runs 3] [--max-batch 1000]
//                     [--accounts configured|unknown] [--http-cost [--http-poll-ms 500]]
// --http-cost measures serve --http's cost to ingest instead (issue 17): serve alone over one
// preloaded topic, without and with --http, alternating; see HttpCost below.
// By default serve's configuration gets a customer for each of the feed's accounts
// (feed_customers.h), so the cases route through plans, calendars and account engineers.
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/time.h"
#include "cli/flags.h"
#include "engine/layouts.h"
#include "engine/serve_sink.h"
#include "feed/feed_parser.h"
#include "feed/kafka_ingest.h"
#include "feed/kafka_producer.h"
#include "ops/bench/feed_customers.h"
#include "ops/bench/feed_events.h"
#include "store/event_log.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Child {
  pid_t pid = -1;
  int out_fd = -1;
};

// Starts argv with stdout to a pipe (or to `out_path` when given) and stderr to /dev/null.
Child Spawn(const std::vector<std::string>& argv, const std::string& out_path = "") {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe");
  pid_t pid = fork();
  if (pid == 0) {
    if (out_path.empty()) {
      dup2(fds[1], 1);
    } else {
      FILE* f = std::fopen(out_path.c_str(), "w");
      dup2(fileno(f), 1);
    }
    FILE* null = std::fopen("/dev/null", "w");
    dup2(fileno(null), 2);
    FILE* in = std::fopen("/dev/null", "r");
    dup2(fileno(in), 0);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  return {pid, fds[0]};
}

std::string ReadLine(int fd) {
  std::string line;
  char c;
  while (read(fd, &c, 1) == 1 && c != '\n') line += c;
  return line;
}

std::string ReadAll(int fd) {
  std::string s;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) s.append(buf, static_cast<size_t>(n));
  return s;
}

struct Exit {
  int code = -1;
  long max_rss_kb = 0;
  double cpu_s = 0;  // user + system time of the process and its threads
};

Exit Reap(pid_t pid) {
  int status = 0;
  rusage ru{};
  wait4(pid, &status, 0, &ru);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), ru.ru_maxrss,
          seconds(ru.ru_utime) + seconds(ru.ru_stime)};
}

// Consumes and parses like serve, but writes nothing: the Kafka + parse share.
class NullSink : public router::IngestSink {
 public:
  base::Result<router::ApplyOutcome> Apply(const std::vector<router::IngestItem>& items) override {
    router::ApplyOutcome o;
    for (const auto& i : items) o.appended += i.event != nullptr;
    return o;
  }
  std::optional<int64_t> StoredOffset(const std::string&, int32_t) override { return std::nullopt; }
};

// Consumes and parses like serve and appends each message's bytes as one event
// (indexed by its case) with each partition's next offset, one write per batch,
// fsynced and written behind as serve's are, but routes nothing: the floor of
// exactly-once ingest into this log. Serve's figure minus this one is routing's
// share (decisions, projections, timers, pages).
class LogOnlySink : public router::IngestSink {
 public:
  explicit LogOnlySink(store::EventLog& log) : log_(log) {}
  base::Result<router::ApplyOutcome> Apply(const std::vector<router::IngestItem>& items) override {
    router::ApplyOutcome o;
    std::map<std::string, int64_t> next_offsets;
    for (const auto& i : items) {
      batch_.events.push_back(
          {std::string(i.payload), i.event ? "case/" + i.event->case_id : std::string()});
      next_offsets[router::OffsetKey(i.topic, i.partition)] = i.offset + 1;
      o.appended += i.event != nullptr;
    }
    for (const auto& [key, next] : next_offsets) {
      batch_.puts.push_back({store::Family::kOffsets, key, router::EncodeOffset(next)});
    }
    auto appended = log_.Append(std::move(batch_));
    batch_.events.clear();
    batch_.puts.clear();
    if (!appended.ok()) return appended.status();
    return o;
  }
  std::optional<int64_t> StoredOffset(const std::string&, int32_t) override { return std::nullopt; }
  base::Status Flush() override { return log_.Flush(); }

 private:
  store::EventLog& log_;
  store::Batch batch_;
};

// Runs the ingest loop in-process into `sink` until `events` messages are
// applied; returns the seconds from the first batch to the last one applied
// (and flushed), or -1 (said on stderr) when it did not consume them all.
double InProcessSeconds(router::IngestSink& sink, const std::string& bootstrap,
                        const std::string& group, size_t max_batch, uint64_t events,
                        const char* what) {
  router::IngestOptions io;
  io.brokers = bootstrap;
  io.group = group;
  io.max_batch = max_batch;
  io.summary_interval_s = 3600;
  std::atomic<bool> stop{false};
  router::StopAfter counted(sink, events, stop);
  auto stats = router::RunIngest(io, counted, stop);
  if (!stats.ok() || stats->consumed != events) {
    std::cerr << what << " did not consume every event\n";
    return -1;
  }
  return counted.first_to_last_ms() / 1000.0;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Produces `events` feed-shaped events (bench::FeedEvent over `cases` cases) to the feed topic
// and waits until the broker has them all. Returns the bytes produced, or nullopt (said on
// stderr) when it could not.
std::optional<uint64_t> Preload(const std::string& bootstrap, uint64_t events, int cases) {
  auto producer =
      router::KafkaProducer::Create(bootstrap, {{"linger.ms", "20"},
                                                {"batch.num.messages", "10000"},
                                                {"queue.buffering.max.messages", "500000"}});
  if (!producer.ok()) return std::nullopt;
  uint64_t bytes = 0;
  const auto base = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  for (uint64_t n = 0; n < events; ++n) {
    std::string e = bench::FeedEvent(n, cases, base);
    bytes += e.size();
    if (!(*producer)->Produce("support.cases", router::FeedPartitionKey(e), e).ok()) {
      return std::nullopt;
    }
    if (n % 1000 == 0) (*producer)->Poll(0);
  }
  auto s = (*producer)->Flush(120000);
  if (!s.ok() || (*producer)->delivered() != events) {
    std::cerr << "preload failed: " << s.ToString() << "\n";
    return std::nullopt;
  }
  return bytes;
}

// A free loopback port, for a serve whose port the bench must know before serve logs it
// (serve runs at --log-level warn here and the address line is info). Another process may
// take it between this and serve's bind; serve then fails and the bench says so.
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  int port = 0;
  if (fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  if (fd >= 0) close(fd);
  return port;
}

// GETs /api/v1/dashboard every `every` on its own thread until destroyed, as a dashboard tab
// that polls instead of following the event stream would; counts answers and failures.
class DashboardPoller {
 public:
  DashboardPoller(int port, std::chrono::milliseconds every)
      : thread_([this, port, every] {
          httplib::Client client("127.0.0.1", port);
          client.set_keep_alive(true);
          std::unique_lock lock(mu_);
          // The wait comes first: serve is not listening yet when the poller starts.
          while (!wake_.wait_for(lock, every, [this] { return stop_; })) {
            lock.unlock();
            auto r = client.Get("/api/v1/dashboard");
            (r && r->status == 200 ? ok_ : failed_)++;
            lock.lock();
          }
        }) {}
  ~DashboardPoller() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  int ok() const { return ok_.load(); }
  // A poll of a serve still opening, or already stopping, fails too.
  int failed() const { return failed_.load(); }

 private:
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::atomic<int> ok_{0}, failed_{0};
  std::thread thread_;  // last: starts once the rest is built
};

// --http-cost: serve alone over one preloaded topic, each run once without and once with
// --http (the live view follows every batch on its own thread; with `poll_ms` > 0 a client
// also polls /api/v1/dashboard), alternating which goes first; a fresh log and consumer group
// each time. Prints each serve's rate, CPU and peak RSS, the ratio with / without per run, and
// the medians.
int HttpCost(const std::string& bin, const std::string& serve_config, const std::string& work,
             const std::string& max_batch, const std::vector<std::string>& wrap,
             const std::string& bootstrap, uint64_t events, int runs, int poll_ms) {
  std::map<bool, std::vector<double>> rates, cpu, rss;
  std::vector<double> ratios;
  int polls = 0, poll_failures = 0;
  for (int run = 0; run < runs; ++run) {
    std::vector<bool> order = {false, true};
    if (run % 2 == 1) std::reverse(order.begin(), order.end());  // who goes first alternates
    for (const bool http : order) {
      const std::string data = work + "/data-" + std::to_string(run) + (http ? "-http" : "");
      std::vector<std::string> argv = wrap;
      for (std::string a :
           {bin, std::string("serve"), std::string("--config"), serve_config, std::string("--data"),
            data, std::string("--brokers"), bootstrap, std::string("--group"),
            "bench-http-cost-" + std::to_string(run) + (http ? "h" : "n"),
            std::string("--exit-when-caught-up"), std::string("--max-batch"), max_batch,
            std::string("--log-level"), std::string("warn"), std::string("--session-timeout-ms"),
            std::string("6000")}) {
        argv.push_back(a);
      }
      const int port = http && poll_ms > 0 ? FreePort() : 0;
      if (http) {
        argv.push_back("--http");
        argv.push_back("127.0.0.1:" + std::to_string(port));
      }
      Child serve = Spawn(argv);
      std::optional<DashboardPoller> poller;
      if (port != 0) poller.emplace(port, std::chrono::milliseconds(poll_ms));
      std::string out = ReadAll(serve.out_fd);
      Exit exit = Reap(serve.pid);
      close(serve.out_fd);
      if (poller) {
        polls += poller->ok();
        poll_failures += poller->failed();
        poller.reset();
      }
      std::filesystem::remove_all(data);
      if (exit.code != 0 || out.empty()) {
        std::cerr << "serve" << (http ? " --http" : "") << " failed (exit " << exit.code << ")\n";
        return 1;
      }
      auto j = nlohmann::json::parse(out.substr(0, out.find('\n')));
      if (j["consumed"].get<uint64_t>() != events) {
        std::cerr << "serve consumed " << j["consumed"] << " of " << events << "\n";
        return 1;
      }
      const double s = j["first_to_last_durable_ms"].get<double>() / 1000.0;
      rates[http].push_back(events / s);
      cpu[http].push_back(exit.cpu_s);
      rss[http].push_back(exit.max_rss_kb / 1024.0);
      std::printf(
          "run %d: serve%s %.0f events/s (%.2f s), CPU %.2f s (all threads), peak RSS "
          "%.0f MiB\n",
          run + 1, http ? " --http" : "       ", rates[http].back(), s, cpu[http].back(),
          rss[http].back());
      std::fflush(stdout);
    }
    ratios.push_back(rates[true].back() / rates[false].back());
    std::printf("run %d: with / without --http %.3f of the rate\n", run + 1, ratios.back());
  }
  std::printf(
      "median of %d pairs: serve %.0f events/s, CPU %.2f s, %.0f MiB; serve --http%s %.0f "
      "events/s, CPU %.2f s, %.0f MiB; with / without %.3f of the rate (min %.3f, max %.3f)\n",
      runs, Median(rates[false]), Median(cpu[false]), Median(rss[false]),
      poll_ms > 0 ? (" + dashboard poll every " + std::to_string(poll_ms) + " ms").c_str() : "",
      Median(rates[true]), Median(cpu[true]), Median(rss[true]), Median(ratios),
      *std::min_element(ratios.begin(), ratios.end()),
      *std::max_element(ratios.begin(), ratios.end()));
  if (poll_ms > 0) std::printf("dashboard polls: %d answered, %d failed\n", polls, poll_failures);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = cli::ParseFlags(
      "ingest_bench", "End-to-end ingest: kcat vs escalator serve on the same preloaded topic.",
      {
          {"bin", true, true, "the escalator binary", ""},
          {"config", true, true, "configuration for serve", ""},
          {"accounts", true, false,
           "configured: serve's configuration gets a customer for each of the feed's accounts "
           "(WORK/config.yaml); unknown: the configuration as given (the feed's accounts are "
           "not in it, so every case takes the fallback route)",
           "configured"},
          {"events", true, false, "events to preload", "1000000"},
          {"partitions", true, false, "partitions (each keeps ~5 MiB in the mock)", "256"},
          {"runs", true, false, "runs", "3"},
          {"max-batch", true, false, "serve --max-batch", "1000"},
          {"work", true, false, "scratch directory", "/tmp/escalator-ingest-bench"},
          {"keep", false, false, "keep the last run's scratch directory (serve's log in WORK/data)",
           ""},
          {"serve-wrap", true, false,
           "a command (space-separated) to run serve under, e.g. 'perf record -g -o F --'", ""},
          {"http-cost", false, false,
           "instead: serve alone without and with --http 127.0.0.1:0 (the live view follows "
           "every batch), alternating, over one preload; --runs pairs",
           ""},
          {"http-poll-ms", true, false,
           "with --http-cost: a client GETs /api/v1/dashboard this often while serve --http "
           "ingests (on a free port picked first); 0: no client",
           "0"},
      },
      argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const auto& f = parsed.flags;
  spdlog::set_level(spdlog::level::warn);  // the in-process null-sink run logs like serve
  const std::string bin = *f.Get("bin"), config = *f.Get("config"), work = *f.Get("work");
  const auto events_flag = cli::IntFlag("ingest_bench", f, "events", 1);
  const auto partitions_flag = cli::IntFlag("ingest_bench", f, "partitions", 1, 100000);
  const auto runs_flag = cli::IntFlag("ingest_bench", f, "runs", 1, INT_MAX);
  const auto max_batch_flag = cli::IntFlag("ingest_bench", f, "max-batch", 1);
  const auto poll_flag = cli::IntFlag("ingest_bench", f, "http-poll-ms", 0, 3600000);
  if (!events_flag || !partitions_flag || !runs_flag || !max_batch_flag || !poll_flag) {
    return cli::kExitUsage;
  }
  const uint64_t events = *events_flag;
  const int partitions = static_cast<int>(*partitions_flag), runs = static_cast<int>(*runs_flag);
  const size_t max_batch = *max_batch_flag;
  const int cases = static_cast<int>(std::max<uint64_t>(1, events / 10));
  const std::string accounts = *f.Get("accounts");
  if (accounts != "configured" && accounts != "unknown") {
    std::cerr << "ingest_bench: --accounts must be configured or unknown, got '" << accounts
              << "'\n";
    return 2;
  }

  std::vector<std::string> wrap;
  {
    std::istringstream words(f.Get("serve-wrap").value_or(""));
    for (std::string w; words >> w;) wrap.push_back(w);
  }
  // A fresh scratch directory and serve's configuration in it (or the given one); nullopt
  // (said on stderr) when it cannot be written.
  auto fresh_work = [&]() -> std::optional<std::string> {
    std::filesystem::remove_all(work);
    std::filesystem::create_directories(work);
    if (accounts != "configured") return config;
    auto yaml = bench::ConfigWithFeedCustomers(
        config, std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
    if (!yaml.ok()) {
      std::cerr << "ingest_bench: " << yaml.status().ToString() << "\n";
      return std::nullopt;
    }
    const std::string path = work + "/config.yaml";
    if (!(std::ofstream(path) << *yaml)) {
      std::cerr << "ingest_bench: cannot write " << path << "\n";
      return std::nullopt;
    }
    return path;
  };

  if (f.Has("http-cost")) {
    const auto given = fresh_work();
    if (!given) return 1;
    // Reads open, so the optional poller reads what a dashboard would (without a token it
    // would get a cheap 401). Both modes run with this configuration.
    const std::string serve_config = work + "/config-http.yaml";
    {
      std::ifstream in(*given);
      std::stringstream text;
      text << in.rdbuf();
      if (text.str().find("\nhttp:") != std::string::npos) {
        std::cerr << "ingest_bench: " << *given << " already has an http: section\n";
        return 2;
      }
      if (!(std::ofstream(serve_config) << text.str() << "\nhttp: {read_open: true}\n")) {
        std::cerr << "ingest_bench: cannot write " << serve_config << "\n";
        return 1;
      }
    }
    Child broker = Spawn({bin, "dev-broker", "--partitions", std::to_string(partitions)});
    const std::string bootstrap = ReadLine(broker.out_fd);
    int code = 1;
    if (bootstrap.empty()) {
      std::cerr << "dev-broker did not start\n";
    } else if (const auto bytes = Preload(bootstrap, events, cases)) {
      std::cerr << "preloaded " << events << " events, " << *bytes / events
                << " bytes each on average, " << partitions << " partitions\n";
      code = HttpCost(bin, serve_config, work, *f.Get("max-batch"), wrap, bootstrap, events, runs,
                      static_cast<int>(*poll_flag));
    }
    kill(broker.pid, SIGTERM);
    Reap(broker.pid);
    close(broker.out_fd);
    if (!f.Has("keep")) std::filesystem::remove_all(work);
    return code;
  }

  std::vector<double> kcat_rates, serve_rates, ratios, rss_mb, parse_rates, log_only_rates,
      log_only_ratios;
  for (int run = 0; run < runs; ++run) {
    const auto serve_config = fresh_work();
    if (!serve_config) return 1;
    Child broker = Spawn({bin, "dev-broker", "--partitions", std::to_string(partitions)});
    auto stop_broker = [&] {
      kill(broker.pid, SIGTERM);
      Reap(broker.pid);
      close(broker.out_fd);
    };
    std::string bootstrap = ReadLine(broker.out_fd);
    if (bootstrap.empty()) {
      std::cerr << "dev-broker did not start\n";
      return stop_broker(), 1;
    }
    const auto bytes = Preload(bootstrap, events, cases);
    if (!bytes) return stop_broker(), 1;
    std::cerr << "run " << run + 1 << ": preloaded " << events << " events, " << *bytes / events
              << " bytes each on average, " << partitions << " partitions\n";

    auto t0 = Clock::now();
    Child kcat = Spawn({"/usr/bin/kcat", "-C", "-b", bootstrap, "-t", "support.cases", "-o",
                        "beginning", "-e", "-q"},
                       "/dev/null");
    Exit kexit = Reap(kcat.pid);
    double kcat_s = std::chrono::duration<double>(Clock::now() - t0).count();
    close(kcat.out_fd);
    if (kexit.code != 0) return stop_broker(), 1;

    std::vector<std::string> serve_argv = wrap;
    for (std::string a :
         {bin, std::string("serve"), std::string("--config"), *serve_config, std::string("--data"),
          work + "/data", std::string("--brokers"), bootstrap, std::string("--exit-when-caught-up"),
          std::string("--max-batch"), *f.Get("max-batch"), std::string("--log-level"),
          std::string("warn"), std::string("--session-timeout-ms"), std::string("6000")}) {
      serve_argv.push_back(a);
    }
    Child serve = Spawn(serve_argv);
    std::string out = ReadAll(serve.out_fd);
    Exit sexit = Reap(serve.pid);
    close(serve.out_fd);
    NullSink null_sink;
    const double parse_s =
        InProcessSeconds(null_sink, bootstrap, "bench-null", max_batch, events, "consume+parse");
    if (parse_s < 0) return stop_broker(), 1;
    double log_only_s = -1;
    {
      store::Options so;
      so.sync = true;
      so.write_behind = true;
      auto log = store::EventLog::Open(work + "/log-only", so);
      if (!log.ok()) {
        std::cerr << log.status().ToString() << "\n";
        return stop_broker(), 1;
      }
      LogOnlySink log_sink(**log);
      log_only_s = InProcessSeconds(log_sink, bootstrap, "bench-log-only", max_batch, events,
                                    "consume+parse+log");
    }
    if (log_only_s < 0) return stop_broker(), 1;
    stop_broker();
    if (sexit.code != 0 || out.empty()) {
      std::cerr << "serve failed (exit " << sexit.code << ")\n";
      return 1;
    }
    auto j = nlohmann::json::parse(out.substr(0, out.find('\n')));
    if (j["consumed"].get<uint64_t>() != events) {
      std::cerr << "serve consumed " << j["consumed"] << " of " << events
                << " (the mock's retention dropped data: use more partitions)\n";
      return 1;
    }
    double serve_s = j["first_to_last_durable_ms"].get<double>() / 1000.0;
    kcat_rates.push_back(events / kcat_s);
    serve_rates.push_back(events / serve_s);
    ratios.push_back(kcat_s / serve_s);
    rss_mb.push_back(sexit.max_rss_kb / 1024.0);
    parse_rates.push_back(events / parse_s);
    log_only_rates.push_back(events / log_only_s);
    log_only_ratios.push_back(kcat_s / log_only_s);
    std::printf(
        "run %d: kcat %.0f events/s (%.2f s); serve %.0f events/s (%.2f s, %llu appended, "
        "%llu batches), %.2f of kcat; serve peak RSS %.0f MiB; consume+parse without the "
        "store %.0f events/s; consume+parse+log without routing %.0f events/s (%.2f of kcat)\n",
        run + 1, kcat_rates.back(), kcat_s, serve_rates.back(), serve_s,
        static_cast<unsigned long long>(j["appended"].get<uint64_t>()),
        static_cast<unsigned long long>(j["batches"].get<uint64_t>()), ratios.back(), rss_mb.back(),
        parse_rates.back(), log_only_rates.back(), log_only_ratios.back());
    std::printf("run %d: serve seconds %s; serve CPU %.2f s (all threads)\n", run + 1,
                j["seconds"].dump().c_str(), sexit.cpu_s);
    std::fflush(stdout);
  }
  std::printf(
      "median of %d: kcat %.0f events/s; serve %.0f events/s; ratio %.2f; serve peak RSS "
      "%.0f MiB; consume+parse without the store %.0f events/s; consume+parse+log without "
      "routing %.0f events/s (%.2f of kcat)\n",
      runs, Median(kcat_rates), Median(serve_rates), Median(ratios), Median(rss_mb),
      Median(parse_rates), Median(log_only_rates), Median(log_only_ratios));
  if (!f.Has("keep")) std::filesystem::remove_all(work);
  return 0;
}
