// schedules_bench: on-call lookups/s and first-response-due computations/s over
// random instants in 2027 on a configuration (default: ../shared/samples/config.yaml),
// and the time to compute 52 weeks of shifts per schedule. One thread.
//   schedules_bench [CONFIG] [N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "cli/flags.h"
#include "config/config.h"
#include "schedules/schedules.h"

namespace {
using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }
}  // namespace

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : "../shared/samples/config.yaml";
  const auto n_arg = argc > 2 ? cli::ParseInt(argv[2], 1) : 1000000;
  if (!n_arg) {
    std::fprintf(stderr, "schedules_bench: N must be a number >= 1, got '%s'\n", argv[2]);
    return 2;
  }
  const size_t n = static_cast<size_t>(*n_arg);
  auto loaded = config::LoadConfigFile(path);
  if (!loaded.errors.empty()) {
    for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.ToString().c_str());
    return 2;
  }
  const config::Config& cfg = *loaded.config;
  const auto year_start = *base::ParseInstant("2027-01-01T00:00:00Z");
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int64_t> in_year(0, int64_t{365} * 86400000 - 1);
  std::vector<base::Timestamp> instants(n);
  for (auto& t : instants) t = year_start + std::chrono::milliseconds(in_year(rng));

  std::vector<const config::Schedule*> schedules;
  for (const auto& [name, s] : cfg.schedules) schedules.push_back(&s);
  size_t sink = 0;  // keeps the optimizer from dropping the work

  auto t0 = Clock::now();
  for (size_t i = 0; i < n; ++i) {
    auto shift = schedules::OnCallAt(*schedules[i % schedules.size()], instants[i]);
    sink += static_cast<size_t>(shift.end.time_since_epoch().count() & 1);
  }
  double oncall_s = Seconds(Clock::now() - t0);
  // The heaviest schedule alone: three layers, restrict windows, an override.
  const config::Schedule* heaviest = schedules.front();
  for (const auto* s : schedules)
    if (s->layers.size() > heaviest->layers.size()) heaviest = s;
  t0 = Clock::now();
  for (size_t i = 0; i < n; ++i) {
    auto shift = schedules::OnCallAt(*heaviest, instants[i]);
    sink += static_cast<size_t>(shift.end.time_since_epoch().count() & 1);
  }
  double heavy_s = Seconds(Clock::now() - t0);

  // Every customer x {in scope, excluded from 24x7, out of scope} x every severity,
  // plus an unknown account: the mix the router sees.
  struct Case {
    std::string account, service, severity;
  };
  std::vector<Case> cases;
  std::vector<std::string> services = {"medialive", "cloudfront", "ec2"};
  std::vector<std::string> accounts;
  for (const auto& c : cfg.customers) accounts.push_back(c.account);
  accounts.push_back("000000000000");
  for (const auto& a : accounts)
    for (const auto& s : services)
      for (const auto& [sev, level] : cfg.severity_map) cases.push_back({a, s, sev});
  t0 = Clock::now();
  for (size_t i = 0; i < n; ++i) {
    const Case& c = cases[i % cases.size()];
    auto due = schedules::FirstResponseDue(cfg, c.account, c.service, c.severity, instants[i]);
    sink += static_cast<size_t>(due->due.time_since_epoch().count() & 1);
  }
  double due_s = Seconds(Clock::now() - t0);

  std::printf("oncall: %zu lookups in %.3f s = %.0f lookups/s\n", n, oncall_s, n / oncall_s);
  std::printf("oncall %s only: %.0f lookups/s\n", heaviest->name.c_str(), n / heavy_s);
  std::printf("due: %zu computations in %.3f s = %.0f computations/s\n", n, due_s, n / due_s);
  for (const auto* s : schedules) {
    const int reps = 20;
    size_t count = 0;
    t0 = Clock::now();
    for (int r = 0; r < reps; ++r)
      count = schedules::Shifts(*s, year_start, year_start + std::chrono::weeks(52)).size();
    double each = Seconds(Clock::now() - t0) / reps;
    std::printf("shifts 52 weeks %s: %zu shifts in %.3f ms\n", s->name.c_str(), count, each * 1e3);
  }
  std::fprintf(stderr, "(sink %zu)\n", sink);
  return 0;
}
