// report_bench: `escalator report` over a large data directory, as a child process: wall
// time and peak resident memory (the child's, from wait4) per kind of report, median of
// --runs. The data directory comes from `simulate_bench --cases N --keep DIR` (the
// rollups kept as the log was written). Kinds (--kinds, comma-separated):
//   summary  the whole span, whole UTC days: figures and engineer load from the buckets
//            (--summary: no breach list)
//   full     the same with the breach list, as json to /dev/null (reads every breached
//            clock's record)
//   cut      a window that starts and ends mid-day (those two days judged clock by clock)
//   exact    the summary by folding every event (--exact): the path before rollups
//
// --replicate K --into DIR2 writes into DIR2 the rollups of K copies of DIR's cases (case
// ids suffixed "~k", so K times the records; the buckets hold K times the sums), over an
// empty log: what the rollups of K times the cases over the same days and accounts look
// like, without simulating them (the exact path cannot run there: it has no events). A
// stand-in only: its log is small and fresh. ops/bench/run measures a simulated 10M log.
//
//   report_bench --data DIR [--bin build/cli/escalator] [--runs 3] [--kinds summary,full,cut]
//                [--replicate K --into DIR2]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "base/time.h"
#include "cli/flags.h"
#include "engine/report_keys.h"
#include "report/rollup.h"
#include "store/event_log.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Ran {
  int code = -1;
  double seconds = 0;
  double max_rss_mib = 0;
};

// Runs argv with stdout and stderr to /dev/null.
Ran Run(const std::vector<std::string>& argv) {
  const auto start = Clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    FILE* null = std::fopen("/dev/null", "w");
    dup2(fileno(null), 1);
    dup2(fileno(null), 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  rusage ru{};
  wait4(pid, &status, 0, &ru);
  Ran r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.max_rss_mib = static_cast<double>(ru.ru_maxrss) / 1024.0;
  return r;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// The first and last days that have clocks.
std::pair<uint32_t, uint32_t> DaySpan(const store::EventLog& log) {
  uint32_t first = UINT32_MAX, last = 0;
  (void)log.Scan(store::Family::kProjections, "report/day/",
                 [&](std::string_view key, std::string_view) {
                   uint32_t day = 0;
                   for (size_t i = key.size() - 4; i < key.size(); ++i) {
                     day = day << 8 | static_cast<uint8_t>(key[i]);
                   }
                   first = std::min(first, day);
                   last = std::max(last, day);
                   return true;
                 });
  return {first, last};
}

std::string Day(uint32_t day, int hour = 0) {
  return base::FormatInstant(router::ReportDayStart(day) + std::chrono::hours(hour));
}

// Writes K copies of the rollups of `from` into the empty log `to`.
int Replicate(const store::EventLog& from, store::EventLog& to, int copies) {
  std::map<std::string, std::string> buckets;  // summed: the same days, accounts, engineers
  store::Batch batch;
  uint64_t records = 0;
  base::Status failed;
  auto flush = [&] {
    if (batch.puts.empty()) return true;
    auto appended = to.Append(batch);
    batch.puts.clear();
    if (!appended.ok()) failed = appended.status();
    return appended.ok();
  };
  base::Status scan = from.Scan(
      store::Family::kProjections, router::kReportPrefix,
      [&](std::string_view key, std::string_view value) {
        if (key == router::kReportSeqKey) return true;
        if (key.starts_with("report/roll/")) {
          const bool load = key[std::string_view("report/roll/").size() + 4] == 'l';
          std::string sum;
          if (load) {
            auto one = report::RollupLoad::Decode(value);
            report::RollupLoad all;
            for (int k = 0; k < copies && one.ok(); ++k) all.Merge(*one);
            sum = all.Encode();
          } else {
            auto one = report::RollupFigures::Decode(value);
            report::RollupFigures all;
            for (int k = 0; k < copies && one.ok(); ++k) all.Merge(*one);
            sum = all.Encode();
          }
          batch.puts.push_back({store::Family::kProjections, std::string(key), sum});
        } else if (key.starts_with("report/day/")) {
          batch.puts.push_back({store::Family::kProjections, std::string(key), std::string(value)});
        } else {
          // A case or clock record: the case id ends the key.
          for (int k = 0; k < copies; ++k) {
            std::string copy(key);
            if (k > 0) copy += "~" + std::to_string(k);
            batch.puts.push_back({store::Family::kProjections, copy, std::string(value)});
            ++records;
          }
        }
        return batch.puts.size() < 20'000 || flush();
      });
  batch.puts.push_back({store::Family::kProjections, std::string(router::kReportSeqKey),
                        std::to_string(to.next_seq())});
  if (!scan.ok() || !flush() || !failed.ok()) {
    std::fprintf(stderr, "report_bench: replicating failed: %s %s\n", scan.ToString().c_str(),
                 failed.ToString().c_str());
    return 1;
  }
  std::printf("replicated x%d: %llu records\n", copies, static_cast<unsigned long long>(records));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = cli::ParseFlags(
      "report_bench", "escalator report over a large data directory: wall time and peak memory",
      {{"data", true, true, "data directory (simulate_bench --keep DIR)", ""},
       {"bin", true, false, "the escalator binary", "build/cli/escalator"},
       {"runs", true, false, "timed runs per kind", "3"},
       {"kinds", true, false, "summary, full, cut, exact (comma-separated)", "summary,full,cut"},
       {"replicate", true, false, "write K copies of the rollups into --into, then exit", ""},
       {"into", true, false, "the new data directory for --replicate", ""}},
      argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const auto& f = parsed.flags;
  const std::string data = *f.Get("data");
  store::Options options;
  options.create_if_missing = false;
  options.check = store::OpenCheck::kBounds;
  options.read_only = !f.Get("replicate");
  auto log = store::EventLog::Open(data, options);
  if (!log.ok()) {
    std::fprintf(stderr, "report_bench: %s\n", log.status().ToString().c_str());
    return 1;
  }
  if (f.Get("replicate")) {
    const auto copies = cli::IntFlag("report_bench", f, "replicate", 1, 1000);
    if (!copies || !f.Get("into")) return cli::kExitUsage;
    store::Options out_options;
    out_options.sync = false;
    auto into = store::EventLog::Open(*f.Get("into"), out_options);
    if (!into.ok() || (*into)->next_seq() != 1) {
      std::fprintf(stderr, "report_bench: --into must name a new data directory\n");
      return 1;
    }
    return Replicate(**log, **into, static_cast<int>(*copies));
  }
  const auto runs_flag = cli::IntFlag("report_bench", f, "runs", 1, INT_MAX);
  if (!runs_flag) return cli::kExitUsage;
  const auto [first, last] = DaySpan(**log);
  log->reset();  // the child opens it read-only
  if (first > last) {
    std::fprintf(stderr, "report_bench: %s has no report rollups\n", data.c_str());
    return 1;
  }
  const std::string bin = *f.Get("bin");
  const std::vector<std::string> base{bin,        "report", "--data", data,
                                      "--format", "json",   "--out",  "/dev/null"};
  std::map<std::string, std::vector<std::string>> kinds = {
      {"summary", {"--from", Day(first), "--to", Day(last + 1), "--summary"}},
      {"full", {"--from", Day(first), "--to", Day(last + 1)}},
      {"cut", {"--from", Day(first + 1, 13), "--to", Day(last - 1, 9), "--summary"}},
      {"exact", {"--from", Day(first), "--to", Day(last + 1), "--summary", "--exact"}}};
  std::printf("report_bench: %s, clocks started on days %s .. %s, %d run(s) each\n", data.c_str(),
              Day(first).c_str(), Day(last + 1).c_str(), static_cast<int>(*runs_flag));
  std::stringstream list(*f.Get("kinds"));
  for (std::string kind; std::getline(list, kind, ',');) {
    auto it = kinds.find(kind);
    if (it == kinds.end()) return cli::UsageError("report_bench", "unknown kind '" + kind + "'");
    std::vector<std::string> argv_run = base;
    argv_run.insert(argv_run.end(), it->second.begin(), it->second.end());
    std::vector<double> seconds, rss;
    for (int run = 0; run < *runs_flag; ++run) {
      const Ran r = Run(argv_run);
      if (r.code != 0) {
        std::fprintf(stderr, "report_bench: %s exited %d\n", kind.c_str(), r.code);
        return 1;
      }
      seconds.push_back(r.seconds);
      rss.push_back(r.max_rss_mib);
      std::printf("  %s run %d: %.2f s, peak RSS %.0f MiB\n", kind.c_str(), run + 1, r.seconds,
                  r.max_rss_mib);
    }
    std::printf("%s: median %.2f s, peak RSS %.0f MiB\n", kind.c_str(), Median(seconds),
                Median(rss));
  }
  return 0;
}
