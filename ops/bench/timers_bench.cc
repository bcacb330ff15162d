// timers_bench: N pending timers (default 1,000,000) in the store's kTimers
// family, keyed exactly as router::Engine writes them (8-byte big-endian due
// instant + case id), due over the next 30 days. Measures, per run and as the
// median of the runs:
//   rebuild  router::TimerIndex::Load from a freshly opened store (what a
//            restart pays before it can fire overdue timers)
//   memory   the index's own estimate (ApproximateMemory) and the resident
//            memory it added (RSS before and after, /proc/self/statm)
// Each run is a fresh child process (fork), so that RSS is not flattered by
// memory an earlier run freed, and the store's block cache starts cold.
//   churn    Set (move a timer) + PopDue operations per second on the loaded index
//
//   timers_bench [--timers 1000000] [--runs 3] [--dir DIR]
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "cli/flags.h"
#include "engine/engine.h"
#include "engine/timer_index.h"
#include "store/event_log.h"

namespace {

using Clock = std::chrono::steady_clock;

double RssMiB() {
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / 1048576.0;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

std::string CaseId(uint64_t n) {
  char id[80];
  std::snprintf(id, sizeof id, "case-%012llu-muen-2026-%016llx",
                static_cast<unsigned long long>(111122223333ULL + n % 1000),
                static_cast<unsigned long long>(n));
  return id;
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = cli::ParseFlags(
      "timers_bench", "Pending timers: rebuild time and memory of the in-memory index.",
      {{"timers", true, false, "pending timers", "1000000"},
       {"runs", true, false, "timed runs", "3"},
       {"dir", true, false, "store directory (default: a fresh one under /tmp)", ""}},
      argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const auto timers_flag = cli::IntFlag("timers_bench", parsed.flags, "timers", 1);
  const auto runs_flag = cli::IntFlag("timers_bench", parsed.flags, "runs", 1, INT_MAX);
  if (!timers_flag || !runs_flag) return cli::kExitUsage;
  const uint64_t n = *timers_flag;
  const int runs = static_cast<int>(*runs_flag);
  std::string dir = parsed.flags.Get("dir").value_or("");
  bool own_dir = dir.empty();
  if (own_dir) dir = "/tmp/timers_bench." + std::to_string(getpid());
  std::filesystem::remove_all(dir);

  const auto t0 = *base::ParseInstant("2026-11-02T00:00:00Z");
  {
    store::Options options;
    options.sync = false;
    auto log = store::EventLog::Open(dir, options);
    if (!log.ok()) {
      std::fprintf(stderr, "timers_bench: %s\n", log.status().ToString().c_str());
      return 1;
    }
    std::mt19937_64 rng(7);
    auto start = Clock::now();
    store::Batch batch;
    for (uint64_t i = 0; i < n; ++i) {
      auto due = t0 + std::chrono::milliseconds(rng() % (30ULL * 24 * 3600 * 1000));
      std::string id = CaseId(i);
      batch.puts.push_back({store::Family::kTimers, router::TimerKey(due, id), id});
      if (batch.puts.size() == 10'000 || i + 1 == n) {
        auto appended = (*log)->Append(batch);
        if (!appended.ok()) {
          std::fprintf(stderr, "timers_bench: %s\n", appended.status().ToString().c_str());
          return 1;
        }
        batch = store::Batch{};
      }
    }
    std::printf("timers_bench: wrote %llu timers in %.2f s (%s)\n",
                static_cast<unsigned long long>(n),
                std::chrono::duration<double>(Clock::now() - start).count(), dir.c_str());
  }

  std::vector<double> rebuild_s, scan_s, open_s, est_mib, rss_mib, churn_ops;
  struct RunResult {
    double open_s, rebuild_s, scan_s, est_mib, rss_mib, churn;
  };
  for (int run = 0; run < runs; ++run) {
    int fds[2];
    if (pipe(fds) != 0) return 1;
    pid_t child = fork();
    if (child == 0) {
      close(fds[0]);
      RunResult r{};
      double rss_before = RssMiB();
      auto start = Clock::now();
      store::Options options;
      options.create_if_missing = false;
      options.check = store::OpenCheck::kBounds;
      auto log = store::EventLog::Open(dir, options);
      if (!log.ok()) _exit(1);
      auto opened = Clock::now();
      auto index = router::TimerIndex::Load(**log);
      auto loaded = Clock::now();
      if (!index.ok() || index->size() != n) _exit(2);
      double rss_after = RssMiB();
      // The floor: the same scan of kTimers with nothing done per key (warm cache).
      auto scan_start = Clock::now();
      uint64_t keys = 0;
      // A failed scan shows as a short count, checked below.
      (void)(*log)->Scan(store::Family::kTimers, "", [&](std::string_view, std::string_view) {
        ++keys;
        return true;
      });
      r.scan_s = std::chrono::duration<double>(Clock::now() - scan_start).count();
      if (keys != n) _exit(4);
      // Churn: move a random timer, pop what is due as a clock sweeps 30 days.
      std::mt19937_64 rng(run + 1);
      const uint64_t ops = std::min<uint64_t>(n, 1'000'000);
      auto churn_start = Clock::now();
      uint64_t done = 0;
      for (uint64_t i = 0; i < ops; ++i) {
        std::string id = CaseId(rng() % n);
        index->Set(id, t0 + std::chrono::milliseconds(rng() % (30ULL * 24 * 3600 * 1000)));
        auto now = t0 + std::chrono::milliseconds(i * (30ULL * 24 * 3600 * 1000) / ops);
        while (index->PopDue(now)) ++done;
        ++done;
      }
      r.churn = static_cast<double>(done) /
                std::chrono::duration<double>(Clock::now() - churn_start).count();
      r.open_s = std::chrono::duration<double>(opened - start).count();
      r.rebuild_s = std::chrono::duration<double>(loaded - opened).count();
      r.est_mib = static_cast<double>(index->ApproximateMemory()) / 1048576.0;
      r.rss_mib = rss_after - rss_before;
      if (write(fds[1], &r, sizeof r) != sizeof r) _exit(3);
      _exit(0);
    }
    close(fds[1]);
    RunResult r{};
    bool got = read(fds[0], &r, sizeof r) == sizeof r;
    close(fds[0]);
    int status = 0;
    waitpid(child, &status, 0);
    if (!got || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::fprintf(stderr, "timers_bench: run %d failed (status %d)\n", run + 1, status);
      return 1;
    }
    open_s.push_back(r.open_s);
    rebuild_s.push_back(r.rebuild_s);
    scan_s.push_back(r.scan_s);
    est_mib.push_back(r.est_mib);
    rss_mib.push_back(r.rss_mib);
    churn_ops.push_back(r.churn);
    std::printf(
        "run %d: open %.3f s, rebuild %.3f s (%.2f M timers/s; bare scan %.3f s), index ~%.0f MiB, "
        "RSS +%.0f MiB, "
        "churn %.2f M ops/s\n",
        run + 1, r.open_s, r.rebuild_s, static_cast<double>(n) / r.rebuild_s / 1e6, r.scan_s,
        r.est_mib, r.rss_mib, r.churn / 1e6);
  }
  std::printf(
      "median of %d: open %.3f s, rebuild %.3f s (%.2f M timers/s; bare scan %.3f s), index ~%.0f "
      "MiB (%.0f B per "
      "timer), RSS +%.0f MiB, churn %.2f M ops/s\n",
      runs, Median(open_s), Median(rebuild_s), static_cast<double>(n) / Median(rebuild_s) / 1e6,
      Median(scan_s), Median(est_mib), Median(est_mib) * 1048576.0 / static_cast<double>(n),
      Median(rss_mib), Median(churn_ops) / 1e6);
  if (own_dir) std::filesystem::remove_all(dir);
  return 0;
}
