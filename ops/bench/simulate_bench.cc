// simulate_bench: throughput of the whole pipeline on a simulated clock
// (router::Simulate: parse, Decide, Evolve, one RocksDB write per --batch
// inputs, the timer index) over generated cases with escalations. The
// generator writes a JSON-lines feed in time order: N cases opened evenly
// over --days, each a mix of accounts (two known, one unknown), services (one
// out of scope) and severities; 45% are acknowledged 1-30 min after opening
// (many after a step or two), 20% answered by an AWS communication within
// 2 h, 35% never answered (full escalation, warnings, breaches); all are
// resolved 1-48 h later, 10% reopened and resolved again. The generator holds only the lines still
// to come (about 41 MiB resident at 1M cases over 30 days).
//
//   simulate_bench [--cases 100000] [--runs 3] [--days 30] [--dir DIR] [--batch 1000]
//                  [--config ../shared/samples/config.yaml] [--write-input FILE]
//                  [--rollups on|off|both] [--keep DIR]
// --write-input only writes the feed (for `escalator simulate --input FILE`). --rollups both
// runs each run twice, without and with the report rollups (engine/report_rollups.h), in
// alternating order, and prints the ratio of their rates (their cost to ingest); --keep moves
// the last run's data directory (rollups on) to DIR, for report benchmarks.
// Each run prints the process's peak resident memory so far (getrusage), so
// the first run's figure is the one that counts.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <queue>
#include <random>
#include <string>
#include <vector>

#include "base/time.h"
#include "cli/flags.h"
#include "config/config.h"
#include "engine/simulation.h"
#include "ops/bench/feed_events.h"
#include "store/event_log.h"

namespace {

using Clock = std::chrono::steady_clock;
using base::Timestamp;

struct Pending {
  int64_t ms;
  uint64_t seq;
  std::string line;
  bool operator>(const Pending& o) const { return ms != o.ms ? ms > o.ms : seq > o.seq; }
};

std::string Iso(int64_t ms) { return base::FormatInstant(base::FromUnixMillis(ms)); }

std::string Envelope(uint64_t id, const std::string& account, const std::string& case_id,
                     const char* name, int64_t ms, const char* origin, const std::string& comm,
                     const std::string& details) {
  std::string s = "{\"version\":\"0\",\"id\":\"" + bench::EnvelopeId(id) +
                  "\",\"detail-type\":\"Support Case Update\",\"source\":\"aws.support\","
                  "\"account\":\"" +
                  account + "\",\"time\":\"" + Iso(ms) +
                  "\",\"region\":\"us-east-1\",\"resources\":[],\"detail\":{\"case-id\":\"" +
                  case_id + "\",\"display-id\":\"" + case_id.substr(case_id.size() - 8) +
                  "\",\"communication-id\":\"" + comm + "\",\"event-name\":\"" + name +
                  "\",\"origin\":\"" + origin + "\"";
  if (!details.empty()) s += ",\"case\":" + details;
  s += "}}";
  return s;
}

// Writes the generated feed; returns the number of lines.
uint64_t Generate(const std::string& path, uint64_t cases, int days) {
  static const char* accounts[] = {"111122223333", "444455556666", "777788889999"};
  static const char* services[] = {"medialive", "mediapackage", "cloudfront", "mediatailor",
                                   "amazon-rds"};
  static const char* severities[] = {"critical", "urgent", "high", "normal", "low"};
  static const char* engineers[] = {"alice", "bob", "chen", "dana", "erin", "femi", "gus"};
  std::mt19937_64 rng(20261102);
  std::ofstream out(path, std::ios::binary);
  const int64_t t0 = base::ToUnixMillis(*base::ParseInstant("2026-11-02T00:00:00Z"));
  const int64_t span = static_cast<int64_t>(days) * 24 * 3600 * 1000;
  const int64_t minute = 60'000;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> later;
  uint64_t seq = 0, ids = 0, lines = 0;
  auto emit_until = [&](int64_t ms) {
    while (!later.empty() && later.top().ms <= ms) {
      out << later.top().line << '\n';
      later.pop();
      ++lines;
    }
  };
  for (uint64_t n = 0; n < cases; ++n) {
    const int64_t at = t0 + static_cast<int64_t>(n) * span / static_cast<int64_t>(cases);
    emit_until(at);
    const std::string account = accounts[rng() % 3];
    char id[80];
    std::snprintf(id, sizeof id, "case-%s-muen-2026-%016llx", account.c_str(),
                  static_cast<unsigned long long>(n));
    const std::string case_id = id;
    const std::string details = std::string("{\"caseId\":\"") + case_id + "\",\"displayId\":\"" +
                                case_id.substr(case_id.size() - 8) +
                                "\",\"subject\":\"generated\",\"status\":\"opened\","
                                "\"serviceCode\":\"" +
                                services[rng() % 5] +
                                "\",\"categoryCode\":\"general\","
                                "\"severityCode\":\"" +
                                severities[rng() % 5] +
                                "\",\"submittedBy\":\"ops@example.com\","
                                "\"timeCreated\":\"" +
                                Iso(at) + "\",\"language\":\"en\"}";
    out << Envelope(++ids, account, case_id, "CreateCase", at, "", "", details) << '\n';
    ++lines;
    int roll = static_cast<int>(rng() % 100);
    int64_t answered = at;
    if (roll < 45) {
      answered = at + minute + static_cast<int64_t>(rng() % (29 * minute));
      later.push({answered, ++seq,
                  "{\"type\":\"ack\",\"case\":\"" + case_id + "\",\"engineer\":\"" +
                      engineers[rng() % 7] + "\",\"at\":\"" + Iso(answered) + "\"}"});
    } else if (roll < 65) {
      answered = at + 2 * minute + static_cast<int64_t>(rng() % (118 * minute));
      std::string comm = "comm-" + std::to_string(n);
      later.push(
          {answered, ++seq,
           Envelope(++ids, account, case_id, "AddCommunicationToCase", answered, "AWS", comm, "")});
    }
    int64_t resolved = answered + 60 * minute + static_cast<int64_t>(rng() % (47 * 60 * minute));
    later.push(
        {resolved, ++seq, Envelope(++ids, account, case_id, "ResolveCase", resolved, "", "", "")});
    if (rng() % 10 == 0) {
      int64_t reopened = resolved + 60 * minute + static_cast<int64_t>(rng() % (23 * 60 * minute));
      later.push(
          {reopened, ++seq, Envelope(++ids, account, case_id, "ReopenCase", reopened, "", "", "")});
      later.push(
          {reopened + 120 * minute, ++seq,
           Envelope(++ids, account, case_id, "ResolveCase", reopened + 120 * minute, "", "", "")});
    }
  }
  emit_until(INT64_MAX);
  return lines;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = cli::ParseFlags(
      "simulate_bench", "simulate throughput over generated cases with escalations.",
      {{"cases", true, false, "generated cases", "100000"},
       {"runs", true, false, "timed runs", "3"},
       {"days", true, false, "days the openings spread over", "30"},
       {"dir", true, false, "work directory (default: a fresh one under /tmp)", ""},
       {"config", true, false, "configuration file", "../shared/samples/config.yaml"},
       {"write-input", true, false, "only write the generated feed to this file", ""},
       {"batch", true, false, "inputs per store write (SimulationOptions::batch_inputs)", "1000"},
       {"rollups", true, false, "keep the report rollups: on, off, or both (a ratio)", "on"},
       {"keep", true, false, "keep the last run's data directory (rollups on) as DIR", ""}},
      argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const auto& f = parsed.flags;
  const auto cases_flag = cli::IntFlag("simulate_bench", f, "cases", 1);
  const auto runs_flag = cli::IntFlag("simulate_bench", f, "runs", 1, INT_MAX);
  const auto days_flag = cli::IntFlag("simulate_bench", f, "days", 1, 36500);
  const auto batch_flag = cli::IntFlag("simulate_bench", f, "batch", 1);
  if (!cases_flag || !runs_flag || !days_flag || !batch_flag) return cli::kExitUsage;
  const uint64_t cases = *cases_flag;
  const int runs = static_cast<int>(*runs_flag);
  const int days = static_cast<int>(*days_flag);
  const uint64_t batch = *batch_flag;
  const std::string rollups = *f.Get("rollups");
  if (rollups != "on" && rollups != "off" && rollups != "both") {
    return cli::UsageError("simulate_bench", "--rollups must be on, off or both");
  }
  std::vector<bool> modes;  // report rollups kept, in the first run's order
  if (rollups != "on") modes.push_back(false);
  if (rollups != "off") modes.push_back(true);
  if (auto only = f.Get("write-input")) {
    uint64_t lines = Generate(*only, cases, days);
    std::printf("wrote %llu lines for %llu cases to %s\n", static_cast<unsigned long long>(lines),
                static_cast<unsigned long long>(cases), only->c_str());
    return 0;
  }
  auto loaded = config::LoadConfigFile(*f.Get("config"));
  if (!loaded.errors.empty()) {
    for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.ToString().c_str());
    return cli::kExitUsage;
  }
  std::string dir = f.Get("dir").value_or("");
  const bool own_dir = dir.empty();
  if (own_dir) dir = "/tmp/simulate_bench." + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  const std::string input = dir + "/input.jsonl";
  auto gen_start = Clock::now();
  uint64_t lines = Generate(input, cases, days);
  std::printf("simulate_bench: %llu cases, %llu input lines (%.0f MiB), generated in %.1f s\n",
              static_cast<unsigned long long>(cases), static_cast<unsigned long long>(lines),
              static_cast<double>(std::filesystem::file_size(input)) / 1048576.0,
              std::chrono::duration<double>(Clock::now() - gen_start).count());

  std::map<bool, std::vector<double>> events_per_s, inputs_per_s, seconds, mib;
  std::vector<double> ratios;  // with / without rollups, per run
  for (int run = 0; run < runs; ++run) {
    std::vector<bool> order = modes;
    if (run % 2 == 1) std::reverse(order.begin(), order.end());  // alternate who goes first
    for (const bool with_rollups : order) {
      const std::string data = dir + "/data-" + std::to_string(run);
      std::filesystem::remove_all(data);
      store::Options options;
      options.sync = false;  // as `escalator simulate` opens it
      options.check = store::OpenCheck::kBounds;
      auto log = store::EventLog::Open(data, options);
      if (!log.ok()) {
        std::fprintf(stderr, "simulate_bench: %s\n", log.status().ToString().c_str());
        return 1;
      }
      std::ifstream in(input, std::ios::binary);
      router::SimulationOptions sim;
      sim.batch_inputs = batch;
      sim.report_rollups = with_rollups;
      auto start = Clock::now();
      sim.progress_every = 100'000;
      sim.progress = [&](const router::SimulationProgress& p) {
        double s = std::chrono::duration<double>(Clock::now() - start).count();
        std::fprintf(stderr, "  %llu lines, %llu events, %.0f s\n",
                     static_cast<unsigned long long>(p.lines),
                     static_cast<unsigned long long>(p.events), s);
      };
      auto summary = router::Simulate(**log, loaded.config, in, sim);
      double s = std::chrono::duration<double>(Clock::now() - start).count();
      if (!summary.ok()) {
        std::fprintf(stderr, "simulate_bench: %s\n", summary.status().ToString().c_str());
        return 1;
      }
      seconds[with_rollups].push_back(s);
      events_per_s[with_rollups].push_back(static_cast<double>(summary->events) / s);
      inputs_per_s[with_rollups].push_back(static_cast<double>(summary->lines + summary->ticks) /
                                           s);
      log->reset();
      uint64_t bytes = 0;
      for (const auto& entry : std::filesystem::recursive_directory_iterator(data)) {
        if (entry.is_regular_file()) bytes += entry.file_size();
      }
      mib[with_rollups].push_back(static_cast<double>(bytes) / 1048576.0);
      rusage usage{};
      getrusage(RUSAGE_SELF, &usage);
      std::printf(
          "run %d, rollups %s: %.1f s, %.0f MiB on disk, %llu lines + %llu timers fired -> %llu "
          "events (%llu pages, %llu "
          "warnings, %llu breaches, %llu dead letters, %llu stalled): %.0f events/s, %.0f "
          "inputs/s, peak RSS so far %.0f MiB\n",
          run + 1, with_rollups ? "on" : "off", s, mib[with_rollups].back(),
          static_cast<unsigned long long>(summary->lines),
          static_cast<unsigned long long>(summary->ticks),
          static_cast<unsigned long long>(summary->events),
          static_cast<unsigned long long>(summary->pages),
          static_cast<unsigned long long>(summary->warnings),
          static_cast<unsigned long long>(summary->breaches),
          static_cast<unsigned long long>(summary->dead_letters),
          static_cast<unsigned long long>(summary->stalled_timers),
          events_per_s[with_rollups].back(), inputs_per_s[with_rollups].back(),
          static_cast<double>(usage.ru_maxrss) / 1024.0);
      const bool last = run + 1 == runs && with_rollups;
      if (auto keep = f.Get("keep"); keep && last) {
        std::filesystem::remove_all(*keep);
        std::filesystem::rename(data, *keep);
        std::printf("kept the data directory as %s\n", keep->c_str());
      } else {
        std::filesystem::remove_all(data);
      }
    }
    if (modes.size() == 2) ratios.push_back(events_per_s[true].back() / events_per_s[false].back());
  }
  for (const bool with_rollups : modes) {
    std::printf(
        "median of %d (batch %llu, rollups %s): %.1f s, %.0f events/s, %.0f inputs/s (lines + "
        "timers fired), %.0f MiB on disk\n",
        runs, static_cast<unsigned long long>(batch), with_rollups ? "on" : "off",
        Median(seconds[with_rollups]), Median(events_per_s[with_rollups]),
        Median(inputs_per_s[with_rollups]), Median(mib[with_rollups]));
  }
  if (!ratios.empty()) {
    std::printf("rollups on / off: %.3f of the rate (median of %d pairs; min %.3f, max %.3f)\n",
                Median(ratios), runs, *std::min_element(ratios.begin(), ratios.end()),
                *std::max_element(ratios.begin(), ratios.end()));
  }
  if (own_dir) std::filesystem::remove_all(dir);
  return 0;
}
