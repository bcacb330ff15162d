// api_latency: serve's HTTP API latency with 10k open cases (issue 17), against the bare HTTP
// round trip (/healthz) in the same run (BENCHMARKS.md "HTTP API").
//
// Once per invocation: writes a feed of --cases CreateCase events (every 5th case acknowledged
// a minute later, so the listing holds both running clocks and answered cases) and runs
// `escalator simulate` over it into a data directory. The cases open in the 10 minutes before
// the bench started, at severities high/normal/low (levels 3 and 4: the next timer is hours
// or business hours away), and none is resolved, so every one is still open, and no timer
// falls due, when serve opens the log on the wall clock.
//
// Per run: `escalator dev-broker` (an empty feed topic) and `escalator serve --data DIR
// --http 127.0.0.1:0` on that directory, with `http: {read_open: true}` appended to the
// configuration. Waits for /readyz 200 with view_loaded (the live view folded the 10k cases),
// then sends --requests requests to each endpoint, one at a time, in rounds: every endpoint
// once over one kept connection (cpp-httplib's client, as a dashboard tab's fetch would), then
// every endpoint once over a new connection each (as curl or a monitoring probe would), so
// each endpoint and mode sees the same phase of the machine:
//   /healthz                              the baseline: HTTP round trip, a 15-byte JSON body
//   /api/v1/cases?state=open              the default page (100 cases, most urgent first)
//   /api/v1/cases?state=open&limit=1000   the largest page
//   /api/v1/dashboard                     what the page polls: oncall, 100 cases, activity,
//                                         compliance (cached by serve for 5 s)
// Latency is request sent to body read, on the client. Both modes matter because serve's
// sockets keep Nagle's algorithm on: on a kept connection a response's small last segment
// waits for the client's delayed ACK (~40 ms on Linux); a new connection is in quick-ACK mode.
// serve keeps a connection for 100 requests (set_keep_alive_max_count), so 1 kept-connection
// request in 100 opens a new one. Prints p50/p99/max per endpoint and mode per run and the
// medians over the runs, with each p50 as a multiple of /healthz's in the same mode, then one
// JSON line.
//
// usage: api_latency [--bin build/cli/escalator] [--config ../shared/samples/config.yaml]
//                    [--cases 10000] [--requests 1000] [--runs 3] [--work DIR] [--keep]
//                    [--serve-wrap CMD]
#include <fcntl.h>
#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
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
#include "ops/bench/feed_events.h"

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

// The processes whose parent is `pid` (from /proc/*/stat, as page_latency finds them).
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

// A child process started by this bench (page_latency's, cut down): stdout to a pipe, stderr
// to a file. Stop() (also the destructor) ends it by its PID, SIGTERM then SIGKILL;
// PR_SET_PDEATHSIG ends it if the bench dies first.
class Child {
 public:
  static std::unique_ptr<Child> Start(const std::vector<std::string>& argv,
                                      const std::string& err_path) {
    // Built before fork: only async-signal-safe calls in the child.
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return nullptr;
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid < 0) return nullptr;
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(126);
      int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int in = open("/dev/null", O_RDONLY);
      if (err < 0 || in < 0) _exit(126);
      dup2(in, 0);
      dup2(fds[1], 1);
      dup2(err, 2);
      execvp(args[0], args.data());
      _exit(127);
    }
    close(fds[1]);
    auto c = std::unique_ptr<Child>(new Child());
    c->pid_ = pid;
    c->out_fd_ = fds[0];
    return c;
  }
  ~Child() { Stop(seconds(10)); }

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

  bool Running() {
    if (exit_code_) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return false;
    }
    return true;
  }

  // Waits up to `limit` for it to exit by itself, then Stop(10 s). Returns the exit code.
  int Wait(milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    while (Running() && Clock::now() < deadline) std::this_thread::sleep_for(milliseconds(10));
    return Stop(seconds(10));
  }

  // SIGTERM, up to `grace`, then SIGKILL. A wrapper (--serve-wrap: perf) is left to end by
  // itself once its program has: the SIGTERM goes to the wrapper's children. Returns the exit
  // code. Idempotent.
  int Stop(milliseconds grace) {
    if (pid_ > 0 && Running()) {
      const std::vector<pid_t> children = ChildrenOf(pid_);
      for (pid_t c : children) kill(c, SIGTERM);
      if (children.empty()) kill(pid_, SIGTERM);
      const auto deadline = Clock::now() + grace;
      while (Running() && Clock::now() < deadline) std::this_thread::sleep_for(milliseconds(10));
      if (Running()) {
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
  std::string buffer_;
  std::optional<int> exit_code_;
};

// The feed: `cases` CreateCase events spread evenly over the 10 minutes before `now`, every
// 5th case acknowledged by alice a minute after it opened (acks past `now` are left out, so the
// simulated clock never passes the wall clock). Ids and envelopes are the feed's shapes
// (feed_events.h). Returns the number of lines.
size_t WriteFeed(const std::string& path, int cases, base::Timestamp now) {
  static const char* kAccounts[] = {"111122223333", "444455556666", "777788889999"};
  static const char* kServices[] = {"medialive", "mediapackage", "cloudfront", "mediatailor"};
  static const char* kSeverities[] = {"high", "normal", "low"};
  const base::Timestamp first = now - std::chrono::minutes(10);
  struct Line {
    base::Timestamp at;
    std::string text;
  };
  std::vector<Line> lines;
  for (int c = 0; c < cases; ++c) {
    const base::Timestamp at =
        first + std::chrono::milliseconds(int64_t{600'000} * c / std::max(cases, 1));
    const std::string account = kAccounts[c % 3];
    const std::string case_id =
        "case-" + account + "-muen-2026-" + bench::Hex(0xa1b2c3d4e5f60000ull + c, 16);
    const std::string display = std::to_string(1234560000 + c);
    nlohmann::ordered_json j = {{"version", "0"},
                                {"id", bench::EnvelopeId(static_cast<uint64_t>(c))},
                                {"detail-type", "Support Case Update"},
                                {"source", "aws.support"},
                                {"account", account},
                                {"time", base::FormatInstant(at)},
                                {"region", "us-east-1"},
                                {"resources", nlohmann::json::array()},
                                {"detail",
                                 {{"case-id", case_id},
                                  {"display-id", display},
                                  {"communication-id", ""},
                                  {"event-name", "CreateCase"},
                                  {"origin", ""},
                                  {"case",
                                   {{"caseId", case_id},
                                    {"displayId", display},
                                    {"subject", "MediaLive channel input loss on primary pipeline"},
                                    {"status", "opened"},
                                    {"serviceCode", kServices[c % 4]},
                                    {"categoryCode", "channel-failure"},
                                    {"severityCode", kSeverities[c % 3]},
                                    {"submittedBy", "ops@northwind.example"},
                                    {"timeCreated", base::FormatInstant(at)},
                                    {"language", "en"}}}}}};
    lines.push_back({at, j.dump()});
    const base::Timestamp ack_at = at + std::chrono::minutes(1);
    if (c % 5 == 0 && ack_at < now) {
      nlohmann::ordered_json ack = {{"type", "ack"},
                                    {"case", case_id},
                                    {"engineer", "alice"},
                                    {"at", base::FormatInstant(ack_at)}};
      lines.push_back({ack_at, ack.dump()});
    }
  }
  std::stable_sort(lines.begin(), lines.end(),
                   [](const Line& a, const Line& b) { return a.at < b.at; });
  std::ofstream out(path);
  for (const Line& l : lines) out << l.text << '\n';
  return lines.size();
}

struct Percentiles {
  size_t n = 0;
  double p50 = 0, p99 = 0, max = 0;
};

// Nearest-rank percentiles, in ms.
Percentiles Summarize(std::vector<double> ms) {
  Percentiles p;
  p.n = ms.size();
  if (ms.empty()) return p;
  std::sort(ms.begin(), ms.end());
  auto rank = [&](double q) {
    const size_t i = static_cast<size_t>(std::ceil(q * static_cast<double>(ms.size())));
    return ms[std::clamp<size_t>(i, 1, ms.size()) - 1];
  };
  p.p50 = rank(0.50);
  p.p99 = rank(0.99);
  p.max = ms.back();
  return p;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

struct Endpoint {
  const char* name;
  std::string path;
};

// How the requests travel: over one kept connection (a dashboard tab), or each over a new one
// (curl, a monitoring probe).
constexpr const char* kModes[] = {"keep-alive", "new-conn"};

}  // namespace

int main(int argc, char** argv) {
  const char* cmd = "api_latency";
  auto parsed = cli::ParseFlags(
      cmd,
      "serve's HTTP API latency with --cases open cases, against /healthz (the bare HTTP round\n"
      "trip) in the same run.",
      {
          {"bin", true, false, "the escalator binary", ESCALATOR_BIN},
          {"config", true, false, "configuration (http: {read_open: true} is appended)",
           ESCALATOR_SAMPLE_CONFIG},
          {"cases", true, false, "open cases in the log", "10000"},
          {"requests", true, false,
           "requests per endpoint and connection mode per run (after 50 warm-up ones)", "1000"},
          {"runs", true, false, "runs (a fresh broker and serve each; the log is kept)", "3"},
          {"work", true, false, "scratch directory (emptied first)", "/tmp/escalator-api-latency"},
          {"keep", false, false, "keep the scratch directory (serve-N.err, data/)", ""},
          {"serve-wrap", true, false,
           "a command (space-separated) to run serve under, e.g. 'perf record -g -o F --'", ""},
      },
      argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const auto& f = parsed.flags;
  const auto cases_flag = cli::IntFlag(cmd, f, "cases", 1, 1'000'000);
  const auto requests_flag = cli::IntFlag(cmd, f, "requests", 1, 10'000'000);
  const auto runs_flag = cli::IntFlag(cmd, f, "runs", 1, 1000);
  if (!cases_flag || !requests_flag || !runs_flag) return cli::kExitUsage;
  const int cases = static_cast<int>(*cases_flag), runs = static_cast<int>(*runs_flag);
  const size_t requests = static_cast<size_t>(*requests_flag);
  const std::string bin = *f.Get("bin"), work = *f.Get("work");
  if (access(bin.c_str(), X_OK) != 0) {
    std::cerr << "api_latency: no escalator binary at '" << bin << "' (--bin)\n";
    return cli::kExitUsage;
  }
  const std::string sample = ReadFile(*f.Get("config"));
  if (sample.empty() || sample.find("\nhttp:") != std::string::npos) {
    std::cerr << "api_latency: '" << *f.Get("config")
              << "' is missing or already has an http: section\n";
    return cli::kExitUsage;
  }
  std::error_code ec;
  fs::remove_all(work, ec);
  fs::create_directories(work, ec);
  if (ec) {
    std::cerr << "api_latency: cannot create " << work << ": " << ec.message() << "\n";
    return 1;
  }
  const std::string config_path = work + "/config.yaml";
  if (!(std::ofstream(config_path) << sample << "\nhttp: {read_open: true}\n")) {
    std::cerr << "api_latency: cannot write " << config_path << "\n";
    return 1;
  }

  // 1. The log: simulate over the generated feed.
  const std::string data = work + "/data", feed = work + "/feed.jsonl";
  const auto now = std::chrono::floor<seconds>(std::chrono::system_clock::now());
  const size_t lines = WriteFeed(feed, cases, now);
  {
    const auto t0 = Clock::now();
    // --until now: simulate would otherwise fire every timer to the end (days ahead), and
    // serve would open a log whose clocks all breached in the future.
    auto sim = Child::Start({bin, "simulate", "--config", config_path, "--input", feed, "--data",
                             data, "--format", "json", "--until", base::FormatInstant(now)},
                            work + "/simulate.err");
    if (!sim) return 1;
    const auto out = sim->ReadLine(seconds(600));
    // simulate prints its summary before it closes the log: wait for its exit, not a signal.
    const int code = sim->Wait(seconds(120));
    if (!out || code != 0) {
      std::cerr << "api_latency: simulate failed (exit " << code << "):\n"
                << Tail(work + "/simulate.err");
      return 1;
    }
    const auto j = nlohmann::json::parse(*out, nullptr, false);
    std::printf(
        "api_latency: simulate: %zu lines (%d cases), %s events, %s pages, %s acks, %s timers "
        "pending, %.1f s\n",
        lines, cases, j.value("events", nlohmann::json()).dump().c_str(),
        j.value("pages", nlohmann::json()).dump().c_str(),
        j.value("acks", nlohmann::json()).dump().c_str(),
        j.value("pending_timers", nlohmann::json()).dump().c_str(),
        std::chrono::duration<double>(Clock::now() - t0).count());
  }

  const std::vector<Endpoint> endpoints = {
      {"healthz", "/healthz"},
      {"cases open", "/api/v1/cases?state=open"},
      {"cases open limit=1000", "/api/v1/cases?state=open&limit=1000"},
      {"dashboard", "/api/v1/dashboard"},
  };
  // Per endpoint, per run.
  std::map<std::string, std::vector<double>> p50s, p99s, maxes, ratios;
  std::vector<double> ready_s;
  const std::string load_before = ReadFile("/proc/loadavg");
  for (int run = 0; run < runs; ++run) {
    auto broker = Child::Start({bin, "dev-broker", "--partitions", "4"}, work + "/broker.err");
    if (!broker) return 1;
    const auto bootstrap = broker->ReadLine(seconds(20));
    if (!bootstrap || bootstrap->rfind("127.0.0.1:", 0) != 0) {
      std::cerr << "api_latency: dev-broker printed no bootstrap address:\n"
                << Tail(work + "/broker.err");
      return 1;
    }
    std::vector<std::string> serve_argv;
    {
      std::istringstream wrap(f.Get("serve-wrap").value_or(""));
      for (std::string w; wrap >> w;) serve_argv.push_back(w);
    }
    for (const std::string& a : std::vector<std::string>{
             bin, "serve", "--config", config_path, "--data", data, "--brokers", *bootstrap,
             "--group", "api-latency-" + std::to_string(run), "--session-timeout-ms", "6000",
             "--heartbeat-interval-ms", "1000", "--http", "127.0.0.1:0"}) {
      serve_argv.push_back(a);
    }
    // A file of its own per run: the previous run's address line must not be read as this
    // one's before the child has truncated the file.
    const std::string serve_err = work + "/serve-" + std::to_string(run + 1) + ".err";
    const auto serve_start = Clock::now();
    auto serve = Child::Start(serve_argv, serve_err);
    if (!serve) return 1;

    // The bound port, from serve's log line "http: dashboard at http://127.0.0.1:PORT/".
    int port = 0;
    {
      const std::regex bound(R"(dashboard at http://127\.0\.0\.1:([0-9]+)/)");
      const auto deadline = Clock::now() + seconds(120);
      std::smatch m;
      while (port == 0 && Clock::now() < deadline && serve->Running()) {
        const std::string text = ReadFile(serve_err);
        if (std::regex_search(text, m, bound)) {
          port = std::stoi(m[1]);
        } else {
          std::this_thread::sleep_for(milliseconds(20));
        }
      }
    }
    if (port == 0) {
      std::cerr << "api_latency: serve logged no http address:\n" << Tail(serve_err);
      return 1;
    }
    httplib::Client client("127.0.0.1", port);
    client.set_keep_alive(true);
    client.set_read_timeout(30, 0);

    // Ready: consumer caught up and the view's start-up fold done.
    {
      const auto deadline = Clock::now() + seconds(300);
      bool ready = false;
      while (!ready && Clock::now() < deadline && serve->Running()) {
        auto r = client.Get("/readyz");
        if (r && r->status == 200) {
          const auto j = nlohmann::json::parse(r->body, nullptr, false);
          ready = !j.is_discarded() && j.value("view_loaded", false);
        }
        if (!ready) std::this_thread::sleep_for(milliseconds(50));
      }
      if (!ready) {
        std::cerr << "api_latency: serve not ready with its view loaded within 300 s:\n"
                  << Tail(serve_err);
        return 1;
      }
      ready_s.push_back(std::chrono::duration<double>(Clock::now() - serve_start).count());
    }
    // Every case is open and in the view.
    {
      auto r = client.Get("/api/v1/dashboard");
      const auto j = r ? nlohmann::json::parse(r->body, nullptr, false) : nlohmann::json();
      int64_t open = 0;
      if (j.is_object() && j["open_by_level"].is_object()) {
        for (const auto& [level, n] : j["open_by_level"].items()) open += n.get<int64_t>();
      }
      if (open != cases) {
        std::cerr << "api_latency: the view holds " << open << " open cases, not " << cases << "\n";
        return 1;
      }
    }

    // Warm-up, then the measured requests: each round sends every endpoint once over the
    // kept connection, then once over a new connection each.
    httplib::Client fresh("127.0.0.1", port);
    fresh.set_keep_alive(false);
    fresh.set_read_timeout(30, 0);
    httplib::Client* clients[] = {&client, &fresh};
    std::vector<std::vector<double>> ms(2 * endpoints.size());
    std::vector<size_t> bytes(endpoints.size(), 0);
    for (size_t i = 0; i < 50 + requests; ++i) {
      for (size_t m = 0; m < 2; ++m) {
        for (size_t e = 0; e < endpoints.size(); ++e) {
          const auto t0 = Clock::now();
          auto r = clients[m]->Get(endpoints[e].path);
          const double took = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
          if (!r || r->status != 200) {
            std::cerr << "api_latency: GET " << endpoints[e].path << " failed: "
                      << (r ? std::to_string(r->status) : httplib::to_string(r.error())) << "\n";
            return 1;
          }
          if (i >= 50) ms[m * endpoints.size() + e].push_back(took);
          bytes[e] = r->body.size();
        }
      }
    }
    const int serve_code = serve->Stop(seconds(30));
    broker->Stop(seconds(10));
    if (serve_code != 0) {
      std::cerr << "api_latency: serve exited " << serve_code << ":\n" << Tail(serve_err);
      return 1;
    }
    std::printf("run %d: serve ready (view loaded) %.2f s after start; ms over %zu requests:\n",
                run + 1, ready_s.back(), requests);
    for (size_t m = 0; m < 2; ++m) {
      const Percentiles base = Summarize(ms[m * endpoints.size()]);
      for (size_t e = 0; e < endpoints.size(); ++e) {
        const Percentiles p = Summarize(ms[m * endpoints.size() + e]);
        const double ratio = base.p50 > 0 ? p.p50 / base.p50 : 0;
        const std::string key = std::string(kModes[m]) + " " + endpoints[e].name;
        std::printf("  %-37s p50 %7.3f  p99 %7.3f  max %8.3f  (%zu B)  p50 %.1fx healthz\n",
                    key.c_str(), p.p50, p.p99, p.max, bytes[e], ratio);
        p50s[key].push_back(p.p50);
        p99s[key].push_back(p.p99);
        maxes[key].push_back(p.max);
        ratios[key].push_back(ratio);
      }
    }
    std::fflush(stdout);
  }
  const std::string load_after = ReadFile("/proc/loadavg");

  std::printf("median of %d runs, %d open cases, ms (ready after %.2f s):\n", runs, cases,
              Median(ready_s));
  nlohmann::json j = {{"bench", "api_latency"},
                      {"cases", cases},
                      {"requests", requests},
                      {"runs", runs},
                      {"ready_s", Median(ready_s)}};
  auto r3 = [](double v) { return std::round(v * 1000) / 1000; };
  for (const char* mode : kModes) {
    for (const Endpoint& e : endpoints) {
      const std::string key = std::string(mode) + " " + e.name;
      std::printf("  %-37s p50 %7.3f  p99 %7.3f  max %8.3f  p50 %.1fx healthz\n", key.c_str(),
                  Median(p50s[key]), Median(p99s[key]), Median(maxes[key]), Median(ratios[key]));
      j["endpoints"][key] = {{"p50_ms", r3(Median(p50s[key]))},
                             {"p99_ms", r3(Median(p99s[key]))},
                             {"max_ms", r3(Median(maxes[key]))},
                             {"p50_vs_healthz", r3(Median(ratios[key]))}};
    }
  }
  std::printf("  load before %s  load after %s", load_before.c_str(), load_after.c_str());
  std::printf("%s\n", j.dump().c_str());
  if (!f.Has("keep")) fs::remove_all(work, ec);
  return 0;
}
