// soak_driver --kills N [--seed S]: serve under a thousand kills (issue 19). Real processes
// only: the embedded broker (escalator dev-broker), `escalator serve` on one data directory,
// `escalator pager` devices (some acknowledging), a feed published with `escalator publish`
// that keeps arriving. serve is SIGKILLed at random instants N times and restarted each time;
// then it runs until everything has settled, stops, and soak_checks.h checks the outcome
// with independent readers. ops/soak builds and runs this. Exit 0: every check held; 1: one
// failed (the run directory is kept); 2: bad usage.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/feed/child_process.h"
#include "tests/soak/soak_checks.h"
#include "tests/soak/soak_feed.h"
#include "tests/test_support.h"

namespace {

namespace fs = std::filesystem;
using ingest_test::ChildProcess;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Steady = std::chrono::steady_clock;

constexpr char kUsage[] =
    "usage: ops/soak --kills N [--seed S] [--rate R] [--dir D] [--keep] [--escalator PATH]\n"
    "\n"
    "Runs `escalator serve` on the embedded broker with a feed that keeps arriving (cases\n"
    "opened, answered, resolved; malformed messages among them), escalation timers seconds\n"
    "apart, pager devices that confirm and acknowledge pages, and acknowledgements through the\n"
    "commands topic (escalator ack). SIGKILLs serve at random instants N times, restarting it\n"
    "on the same data directory; then lets it settle, stops it and checks with independent\n"
    "readers (kcat, escalator log, escalator dead-letters, the store folded afresh): every\n"
    "valid input applied exactly once, every dead letter kept, offsets at each partition's\n"
    "end, no due timer left, no page lost, no step fired twice, every acknowledgement (answered\n"
    "on the pager channel or sent as a command) in the log, the log replays to the\n"
    "projections. Progress on stderr; a summary at the end. Exit 0 when every check holds, 1\n"
    "when one fails (the run directory is kept), 2 on bad usage.\n"
    "\n"
    "  --kills N          SIGKILLs of serve (default: 20)\n"
    "  --seed S           seeds the feed and the kill instants (default: random; printed)\n"
    "  --rate R           new cases per second (default: 0.8)\n"
    "  --dir D            run directory, kept afterwards (default: a fresh one under /tmp,\n"
    "                     removed when every check holds)\n"
    "  --keep             keep the run directory even when every check holds\n"
    "  --escalator PATH   the escalator binary (default: $ESCALATOR_BIN)\n"
    "  --help             show this help\n";

// Engineers with a device; those acknowledging every page they get. femi has none: his pages
// stay in the outbox, pending.
const std::vector<std::string> kDevices = {"alice", "bob", "chen", "dana", "erin", "gus"};
const std::set<std::string> kAcking = {"bob", "dana", "erin"};
// Whose pages (every other one) the soak acknowledges through the commands topic, with
// `escalator ack`: acknowledgements that come through Kafka, consumed with the feed.
constexpr char kCommandAcker[] = "gus";

std::atomic<bool> g_interrupted{false};
void OnSignal(int) { g_interrupted = true; }

int UsageError(const std::string& message) {
  std::cerr << "ops/soak: " << message << "\n\n" << kUsage;
  return 2;
}

struct Options {
  int kills = 20;
  uint64_t seed = 0;
  double rate = 0.8;
  std::string dir;
  bool keep = false;
  std::string bin;
};

bool ParseUnsigned(const std::string& text, uint64_t max, uint64_t* out) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return false;
  errno = 0;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (errno != 0 || v > max) return false;
  *out = v;
  return true;
}

// Returns 0 to go on, 2 after a usage error, 1 after --help (exit 0).
int ParseArgs(int argc, char** argv, Options* o) {
  if (const char* bin = std::getenv("ESCALATOR_BIN")) o->bin = bin;
  o->seed = std::random_device()() ^ (static_cast<uint64_t>(std::random_device()()) << 32);
  o->seed %= 1'000'000'000;  // short enough to type back
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 1;
    }
    if (a == "--keep") {
      o->keep = true;
      continue;
    }
    if (a != "--kills" && a != "--seed" && a != "--rate" && a != "--dir" && a != "--escalator") {
      return UsageError("unknown argument '" + a + "'");
    }
    if (i + 1 >= argc) return UsageError(a + " needs a value");
    const std::string v = argv[++i];
    uint64_t n = 0;
    if (a == "--kills") {
      if (!ParseUnsigned(v, 1'000'000, &n) || n == 0) {
        return UsageError("--kills must be a whole number from 1 to 1000000, got '" + v + "'");
      }
      o->kills = static_cast<int>(n);
    } else if (a == "--seed") {
      if (!ParseUnsigned(v, UINT64_MAX, &n)) {
        return UsageError("--seed must be a non-negative whole number, got '" + v + "'");
      }
      o->seed = n;
    } else if (a == "--rate") {
      char* end = nullptr;
      const double r = std::strtod(v.c_str(), &end);
      if (v.empty() || *end != '\0' || !(r > 0 && r <= 20)) {
        return UsageError("--rate must be a number of cases per second in (0, 20], got '" + v +
                          "'");
      }
      o->rate = r;
    } else if (a == "--dir") {
      o->dir = v;
    } else {
      o->bin = v;
    }
  }
  if (o->bin.empty())
    return UsageError("no escalator binary: pass --escalator PATH or set ESCALATOR_BIN");
  if (access(o->bin.c_str(), X_OK) != 0) {
    return UsageError("--escalator '" + o->bin + "' is not an executable file");
  }
  if (access("/usr/bin/kcat", X_OK) != 0) return UsageError("kcat is missing (ops/bootstrap)");
  return 0;
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

double Since(Steady::time_point t) {
  return std::chrono::duration<double>(Steady::now() - t).count();
}

base::Timestamp WallNow() {
  return std::chrono::floor<milliseconds>(std::chrono::system_clock::now());
}

// The sample config with escalations seconds apart: level 1 pages alice, then gus 3 s later,
// then bob (who acknowledges) at 6 s; level 2 chen, then dana (acknowledges) and femi (no
// device: his pages wait in the outbox) at 4 s. Levels 3 and 4 stay the sample's (hours
// apart: their first pages only).
std::string WriteConfig(const fs::path& dir, std::string* error) {
  const std::string sample = ReadText(testing_support::SharedDir() / "samples" / "config.yaml");
  const size_t from = sample.find("\nescalation:");
  const size_t to = sample.find("\ncustomers:");
  if (sample.empty() || from == std::string::npos || to == std::string::npos || to < from) {
    *error = "cannot read the sample config's escalation section under " +
             testing_support::SharedDir().string();
    return "";
  }
  const std::string escalation = R"(
escalation:
  1: {repeat: 0, steps: [{after: 0s, notify: [alice]}, {after: 3s, notify: [gus]},
                         {after: 6s, notify: [bob]}]}
  2: {repeat: 0, steps: [{after: 0s, notify: [chen]}, {after: 4s, notify: [dana, femi]}]}
  3: {repeat: 0, steps: [{after: 0m, notify: [schedule/video-sme-primary]},
                         {after: 2h, notify: [designated_eae, familiar]}]}
  4: {repeat: 0, steps: [{after: 0m, notify: [designated_eae]},
                         {after: 8bh, notify: [schedule/video-sme-primary]}]}
)";
  const fs::path path = dir / "config.yaml";
  std::ofstream(path) << sample.substr(0, from) << escalation << sample.substr(to);
  return path.string();
}

struct Shared {
  std::mutex mu;
  std::map<std::string, soak::Message> published;
  std::map<std::string, std::vector<std::string>> device_lines;
  std::vector<std::string> ack_queue;  // cases whose gus page to acknowledge by command
  std::map<std::pair<std::string, std::string>, int> ack_commands;  // sent: (case, engineer)
  size_t publish_failures = 0;
  std::string publish_error;
  Steady::time_point last_publish = Steady::now();
};

// Publishes what the generator has due every 400 ms until `stop`; new cases only while
// `open_new`. Sets `drained` once new cases stopped and no follow-up is left.
void Feed(const std::string& bin, const std::string& bootstrap, const fs::path& dir, uint64_t seed,
          double rate, std::atomic<bool>& open_new, std::atomic<bool>& drained,
          std::atomic<bool>& stop, Shared& shared) {
  soak::FeedGenerator gen(seed, rate);
  const fs::path file = dir / "feed-batch.jsonl";
  while (!stop) {
    const bool opening = open_new;
    auto due = gen.Due(WallNow(), opening);
    if (!due.empty()) {
      std::string text;
      {
        std::lock_guard<std::mutex> lock(shared.mu);
        for (const auto& m : due) {
          shared.published[m.id] = m;
          text += m.line + "\n";
        }
      }
      std::ofstream(file) << text;
      auto r = ingest_test::Run({bin, "publish", "--brokers", bootstrap, file.string()}, 120);
      std::lock_guard<std::mutex> lock(shared.mu);
      if (r.exit_code != 0) {
        ++shared.publish_failures;
        shared.publish_error = r.err;
      }
      shared.last_publish = Steady::now();
    }
    std::vector<std::string> acks;
    {
      std::lock_guard<std::mutex> lock(shared.mu);
      acks.swap(shared.ack_queue);
    }
    for (const auto& case_id : acks) {
      auto r = ingest_test::Run(
          {bin, "ack", "--brokers", bootstrap, "--case", case_id, "--engineer", kCommandAcker}, 60);
      std::lock_guard<std::mutex> lock(shared.mu);
      if (r.exit_code != 0) {
        ++shared.publish_failures;
        shared.publish_error = r.err;
      } else {
        ++shared.ack_commands[{case_id, kCommandAcker}];
      }
      shared.last_publish = Steady::now();
    }
    if (!opening && !gen.has_follow_ups() && acks.empty()) drained = true;
    std::this_thread::sleep_for(milliseconds(400));
  }
}

// Collects the devices' stdout lines until `stop` (a full pipe would stall a device).
void ReadDevices(std::vector<std::pair<std::string, ChildProcess*>> devices,
                 std::atomic<bool>& stop, Shared& shared) {
  while (!stop) {
    for (auto& [engineer, device] : devices) {
      while (auto line = device->ReadLine(milliseconds(10))) {
        std::lock_guard<std::mutex> lock(shared.mu);
        shared.device_lines[engineer].push_back(*line);
        if (engineer != kCommandAcker) continue;
        auto page = nlohmann::json::parse(*line, nullptr, false);
        if (!page.is_discarded() && !page.contains("type") && page.value("seq", 0) % 2 == 0) {
          shared.ack_queue.push_back(page.value("case", ""));
        }
      }
    }
  }
}

bool WaitForText(const fs::path& path, const std::string& what, seconds limit, ChildProcess& proc) {
  const auto deadline = Steady::now() + limit;
  while (Steady::now() < deadline && !g_interrupted) {
    if (ReadText(path).find(what) != std::string::npos) return true;
    if (!proc.running()) return false;
    std::this_thread::sleep_for(milliseconds(25));
  }
  return false;
}

std::string Tail(const fs::path& path, size_t lines) {
  const std::string text = ReadText(path);
  size_t pos = text.size();
  for (size_t n = 0; n <= lines && pos > 0; ++n) pos = text.rfind('\n', pos - 1);
  return pos == std::string::npos ? text : text.substr(pos + 1);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (int parsed = ParseArgs(argc, argv, &o); parsed != 0) return parsed == 1 ? 0 : 2;
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  fs::path dir;
  if (o.dir.empty()) {
    char tmpl[] = "/tmp/soak-XXXXXX";
    if (!mkdtemp(tmpl)) return UsageError("cannot create a run directory under /tmp");
    dir = tmpl;
  } else {
    dir = fs::absolute(o.dir);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_empty(dir))
      return UsageError("--dir '" + o.dir + "' must be a new or empty directory");
    o.keep = true;
  }
  if (dir.string().size() > 80) return UsageError("--dir path too long for an ipc:// endpoint");
  fs::create_directories(dir / "serve");
  const auto started = Steady::now();
  std::cerr << "soak: seed " << o.seed << " (--seed " << o.seed << " repeats the feed and the kill"
            << " instants' draws), " << o.kills << " kills, run directory " << dir.string()
            << std::endl;

  std::string error;
  const std::string config = WriteConfig(dir, &error);
  if (config.empty()) {
    std::cerr << "soak: " << error << std::endl;
    return 1;
  }
  if (auto r = ingest_test::Run({o.bin, "check-config", config}); r.exit_code != 0) {
    std::cerr << "soak: the generated config is invalid: " << r.out << r.err << std::endl;
    return 1;
  }
  const std::string data = (dir / "data").string();
  const std::string endpoint = "ipc://" + (dir / "pager.sock").string();

  ChildProcess broker({o.bin, "dev-broker", "--partitions", "4"}, (dir / "broker.err").string());
  auto first = broker.ReadLine(seconds(30));
  if (!first || first->rfind("127.0.0.1:", 0) != 0) {
    std::cerr << "soak: dev-broker did not start: " << ReadText(dir / "broker.err") << std::endl;
    return 1;
  }
  const std::string bootstrap = *first;

  std::vector<std::unique_ptr<ChildProcess>> devices;
  std::vector<std::pair<std::string, ChildProcess*>> device_refs;
  for (const auto& engineer : kDevices) {
    std::vector<std::string> args = {
        o.bin,        "pager",  "--endpoint",  endpoint,
        "--engineer", engineer, "--device",    "soak",
        "--format",   "json",   "--seen-file", (dir / (engineer + ".seen")).string()};
    if (kAcking.count(engineer)) args.push_back("--ack");
    devices.push_back(
        std::make_unique<ChildProcess>(args, (dir / ("pager-" + engineer + ".err")).string()));
    device_refs.push_back({engineer, devices.back().get()});
  }

  Shared shared;
  std::atomic<bool> open_new{true}, drained{false}, stop_feed{false}, stop_devices{false};
  std::thread feeder(Feed, o.bin, bootstrap, dir, o.seed, o.rate, std::ref(open_new),
                     std::ref(drained), std::ref(stop_feed), std::ref(shared));
  std::thread reader(ReadDevices, device_refs, std::ref(stop_devices), std::ref(shared));

  auto serve_args = [&](const std::string& group) {
    // A fresh consumer group per start: serve resumes from the offsets in its own log, the
    // group only assigns partitions, and a new group skips waiting out the killed member's
    // session (~5 s per restart on the embedded broker).
    return std::vector<std::string>{o.bin,
                                    "serve",
                                    "--config",
                                    config,
                                    "--data",
                                    data,
                                    "--brokers",
                                    bootstrap,
                                    "--group",
                                    group,
                                    "--pager-endpoint",
                                    endpoint,
                                    "--dead-letter-topic",
                                    "escalator.dead-letters",
                                    "--summary-interval-s",
                                    "1",
                                    "--session-timeout-ms",
                                    "6000",
                                    "--heartbeat-interval-ms",
                                    "1000"};
  };

  // The kills.
  std::mt19937_64 rng(o.seed ^ 0x9e3779b97f4a7c15ULL);
  auto uniform = [&](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  };
  std::vector<std::string> process_problems;
  int early = 0, after_assignment = 0, done = 0;
  const auto kill_phase = Steady::now();
  for (int k = 1; k <= o.kills && !g_interrupted; ++k) {
    const fs::path err = dir / "serve" / ("serve-" + std::to_string(k) + ".err");
    const bool is_early = uniform(0, 1) < 0.2;  // during startup: recovery, before assignment
    const double delay = is_early ? uniform(0, 2.5) : uniform(0.05, 3.0);
    ChildProcess serve(serve_args("soak-" + std::to_string(k)), err.string());
    auto from = Steady::now();
    if (!is_early) {
      if (!WaitForText(err, "kafka: assigned", seconds(60), serve)) {
        if (!g_interrupted) {
          process_problems.push_back("start " + std::to_string(k) +
                                     ": no partition assignment within 60 s (" + err.string() +
                                     "): " + Tail(err, 3));
        }
      }
      from = Steady::now();
    }
    const auto at =
        from + std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(delay));
    while (Steady::now() < at && serve.running() && !g_interrupted) {
      std::this_thread::sleep_for(milliseconds(5));
    }
    if (!serve.running()) {
      process_problems.push_back("start " + std::to_string(k) + ": serve exited on its own (" +
                                 err.string() + "): " + Tail(err, 3));
    }
    serve.Signal(SIGKILL);
    serve.Wait(seconds(10));
    ++done;
    (is_early ? early : after_assignment)++;
    size_t published;
    {
      std::lock_guard<std::mutex> lock(shared.mu);
      published = shared.published.size();
    }
    std::fprintf(stderr, "soak: kill %d/%d at +%.2f s %s, elapsed %.0f s, published %zu\n", k,
                 o.kills, delay, is_early ? "after start" : "after assignment", Since(started),
                 published);
  }
  const double kill_seconds = Since(kill_phase);

  // The last serve: no kill. New cases stop; follow-ups of open cases still come. It runs
  // until every input is applied or rejected and every page for a device has its receipt
  // (10 s after the last message at least, so the last cases' steps have fired), 180 s at most.
  open_new = false;
  const auto settle_phase = Steady::now();
  const fs::path final_err = dir / "serve" / "serve-final.err";
  bool settled = false;
  std::optional<int> final_exit;
  base::Timestamp stopped_at{};
  {
    ChildProcess serve(serve_args("soak-final"), final_err.string());
    if (!WaitForText(final_err, "kafka: assigned", seconds(60), serve) && !g_interrupted) {
      process_problems.push_back("final start: no partition assignment within 60 s: " +
                                 Tail(final_err, 3));
    }
    const auto deadline = Steady::now() + seconds(180);
    std::string why = "the feed's last follow-ups";
    while (Steady::now() < deadline && !g_interrupted && serve.running()) {
      std::this_thread::sleep_for(seconds(2));
      Steady::time_point last;
      std::map<std::string, soak::Message> published;
      std::map<std::pair<std::string, std::string>, int> ack_commands;
      {
        std::lock_guard<std::mutex> lock(shared.mu);
        last = shared.last_publish;
        published = shared.published;
        ack_commands = shared.ack_commands;
      }
      if (!drained || Since(last) < 10) continue;
      auto log = soak::ReadLog(o.bin, data);
      if (!log) continue;
      why = soak::Unsettled(*log, published, ack_commands, {kDevices.begin(), kDevices.end()});
      if (why.empty()) {
        settled = true;
        break;
      }
      std::cerr << "soak: settling: " << why << std::endl;
    }
    if (!settled && !g_interrupted) {
      process_problems.push_back("not settled within 180 s: " + why);
    }
    if (!serve.running()) {
      process_problems.push_back("the final serve exited on its own: " + Tail(final_err, 3));
    }
    stopped_at = WallNow();
    serve.Signal(SIGTERM);
    final_exit = serve.Wait(seconds(30));
    if (final_exit != 0) {
      process_problems.push_back("the final serve did not exit 0 on SIGTERM within 30 s (" +
                                 (final_exit ? std::to_string(*final_exit) : "still running") +
                                 "): " + Tail(final_err, 3));
    }
  }
  const double settle_seconds = Since(settle_phase);
  stop_feed = true;
  feeder.join();
  stop_devices = true;
  reader.join();
  for (auto& [engineer, device] : device_refs) {
    device->Signal(SIGTERM);
    while (auto line = device->ReadLine(milliseconds(2000))) {
      shared.device_lines[engineer].push_back(*line);
    }
    if (device->Wait(seconds(10)) != 0) {
      process_problems.push_back(
          engineer + "'s device did not exit 0: " + Tail(dir / ("pager-" + engineer + ".err"), 3));
    }
  }
  if (shared.publish_failures > 0) {
    process_problems.push_back(std::to_string(shared.publish_failures) +
                               " publish runs failed, the last: " + shared.publish_error);
  }
  if (g_interrupted) {
    std::cerr << "soak: interrupted after " << done << " kills; run directory " << dir.string()
              << std::endl;
    return 1;
  }

  // The checks.
  const auto check_phase = Steady::now();
  soak::RunRecord run{o.bin,      bootstrap,          data,
                      config,     shared.published,   shared.device_lines,
                      stopped_at, shared.ack_commands};
  soak::Figures figures;
  std::vector<soak::Check> checks = soak::RunChecks(run, &figures);
  soak::Check processes{"serve died only when killed, stopped cleanly", true, "", {}};
  for (const auto& p : process_problems) {
    processes.ok = false;
    if (processes.problems.size() < 8) processes.problems.push_back(p);
  }
  processes.figure = std::to_string(done + 1) + " starts, " +
                     std::to_string(process_problems.size()) + " problems";
  checks.insert(checks.begin(), processes);
  broker.Signal(SIGTERM);
  broker.Wait(seconds(10));

  size_t valid = 0, cases = 0;
  for (const auto& [id, m] : shared.published) {
    if (m.valid) ++valid;
    if (m.kind == "create") ++cases;
  }
  bool ok = true;
  std::ostringstream s;
  s << "soak: summary (seed " << o.seed << ")\n"
    << "  kills      " << done << " (" << early << " during startup, " << after_assignment
    << " after the partitions' assignment)\n"
    << "  duration   " << static_cast<int>(Since(started)) << " s (kills "
    << static_cast<int>(kill_seconds) << " s, settling " << static_cast<int>(settle_seconds)
    << " s, checks " << static_cast<int>(Since(check_phase)) << " s)\n"
    << "  feed       " << shared.published.size() << " messages: " << valid << " valid events of "
    << cases << " cases, " << shared.published.size() - valid << " malformed\n"
    << "  log        " << figures.log_events << " events, " << figures.cases << " cases\n"
    << "  pages      " << figures.pages << " (" << figures.delivered << " delivered), "
    << figures.acks << " acknowledgements answered, " << figures.dead_letters << " dead letters\n";
  for (const auto& c : checks) {
    ok = ok && c.ok;
    s << "  [" << (c.ok ? " ok " : "FAIL") << "] " << c.name << ": " << c.figure << "\n";
    for (const auto& p : c.problems) s << "         " << p << "\n";
  }
  s << "soak: " << (ok ? "PASS" : "FAIL") << " in " << static_cast<int>(Since(started)) << " s";
  if (!ok || o.keep) s << "; run directory kept: " << dir.string();
  std::cerr << s.str() << std::endl;
  if (ok && !o.keep) {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  return ok ? 0 : 1;
}
