// decide_bench: latency of router::Decide (the pure core) over realistic case
// states. Builds N cases from the sample configuration by deciding and folding
// a CreateCase for each (a mix of accounts, services and severities, opened at
// random instants over four weeks), then walks each case through a few due
// timers so that states sit mid-escalation. Then times, call by call:
//   open  Decide(empty state, CreateCase)
//   tick  Decide(state, Tick at the state's next_action_at)
//   ack   Decide(state, Acknowledge)
//   comm  Decide(state, AWS-origin communication)
// and prints p50 / p99 / p99.9 / mean per kind and over all calls, per run and
// the median of the runs. Aim (issue 5): p99 < 20 us.
//
//   decide_bench [--config ../shared/samples/config.yaml] [--cases 20000] [--runs 3]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "cli/flags.h"
#include "config/config.h"
#include "router/case_state.h"
#include "router/decide.h"

namespace {

using namespace router;
using Clock = std::chrono::steady_clock;

struct Percentiles {
  double p50 = 0, p99 = 0, p999 = 0, mean = 0;
};

Percentiles Summarise(std::vector<double>& ns) {
  Percentiles p;
  if (ns.empty()) return p;
  std::sort(ns.begin(), ns.end());
  auto at = [&](double q) {
    return ns[std::min(ns.size() - 1, static_cast<size_t>(q * ns.size()))];
  };
  p.p50 = at(0.50);
  p.p99 = at(0.99);
  p.p999 = at(0.999);
  double sum = 0;
  for (double v : ns) sum += v;
  p.mean = sum / static_cast<double>(ns.size());
  return p;
}

FeedEvent Create(std::mt19937_64& rng, int n, Timestamp at) {
  static const char* accounts[] = {"111122223333", "444455556666", "777788889999"};
  static const char* services[] = {"medialive", "mediapackage", "cloudfront", "mediatailor",
                                   "amazon-rds"};
  static const char* severities[] = {"critical", "urgent", "high", "normal", "low"};
  FeedEvent fe;
  std::string account = accounts[rng() % 3];
  char id[80];
  std::snprintf(id, sizeof id, "case-%s-muen-2026-%016x", account.c_str(), n);
  fe.event_id = "bench-" + std::to_string(n);
  fe.case_id = id;
  fe.account = account;
  fe.action = FeedAction::kCreateCase;
  fe.at = at;
  CaseDetails d;
  d.case_id = id;
  d.subject = "benchmark case";
  d.status = "opened";
  d.service_code = services[rng() % 5];
  d.category_code = "general";
  d.severity_code = severities[rng() % 5];
  d.time_created = at;
  d.language = "en";
  fe.details = d;
  return fe;
}

void Fold(CaseState& s, const Decision& d) {
  for (const Event& e : d.events) EvolveInPlace(s, e);
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = cli::ParseFlags(
      "decide_bench", "Decide latency percentiles over realistic states.",
      {{"config", true, false, "configuration file", "../shared/samples/config.yaml"},
       {"cases", true, false, "cases to build", "20000"},
       {"runs", true, false, "timed runs", "3"}},
      argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  auto loaded = config::LoadConfigFile(*parsed.flags.Get("config"));
  if (!loaded.errors.empty()) {
    for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.ToString().c_str());
    return cli::kExitUsage;
  }
  const config::Config& config = *loaded.config;
  const int cases = std::stoi(*parsed.flags.Get("cases"));
  const int runs = std::stoi(*parsed.flags.Get("runs"));

  std::mt19937_64 rng(42);
  const Timestamp t0 = *base::ParseInstant("2026-11-02T00:00:00Z");
  std::vector<FeedEvent> creates;
  std::vector<CaseState> states;
  creates.reserve(cases);
  states.reserve(cases);
  int with_timer = 0;
  for (int i = 0; i < cases; ++i) {
    Timestamp at = t0 + std::chrono::minutes(rng() % (28 * 24 * 60));
    creates.push_back(Create(rng, i, at));
    CaseState s;
    Fold(s, Decide(s, creates.back(), Context{config, at}));
    // Mid-escalation: fire 0-3 due timers.
    int fire = static_cast<int>(rng() % 4);
    for (int k = 0; k < fire && s.next_action_at; ++k) {
      Timestamp due = *s.next_action_at;
      Fold(s, Decide(s, Tick{s.case_id, due}, Context{config, due}));
    }
    with_timer += s.next_action_at.has_value();
    states.push_back(std::move(s));
  }
  std::printf("decide_bench: %d cases, %d with a pending timer, config %s\n", cases, with_timer,
              parsed.flags.Get("config")->c_str());

  const char* kinds[] = {"open", "tick", "ack", "comm", "all"};
  std::map<std::string, std::vector<Percentiles>> per_run;
  size_t sink = 0;  // keeps the optimiser from dropping calls
  for (int run = 0; run < runs; ++run) {
    std::map<std::string, std::vector<double>> ns;
    auto time = [&](const char* kind, const CaseState& s, const Input& in, Timestamp now) {
      auto start = Clock::now();
      Decision d = Decide(s, in, Context{config, now});
      auto end = Clock::now();
      sink += d.events.size();
      double v = std::chrono::duration<double, std::nano>(end - start).count();
      ns[kind].push_back(v);
      ns["all"].push_back(v);
    };
    CaseState empty;
    for (int i = 0; i < cases; ++i) {
      const CaseState& s = states[i];
      time("open", empty, creates[i], creates[i].at);
      Timestamp due = s.next_action_at.value_or(s.opened_at + std::chrono::minutes(5));
      time("tick", s, Tick{s.case_id, due}, due);
      Timestamp later = s.opened_at + std::chrono::minutes(7);
      time("ack", s, Acknowledge{s.case_id, "bob", later}, later);
      FeedEvent comm;
      comm.event_id = "bench-comm-" + std::to_string(i);
      comm.case_id = s.case_id;
      comm.account = s.account;
      comm.action = FeedAction::kAddCommunication;
      comm.origin = Origin::kAws;
      comm.communication_id = comm.event_id;
      comm.at = later;
      time("comm", s, comm, later);
    }
    std::printf("run %d:", run + 1);
    for (const char* k : kinds) {
      Percentiles p = Summarise(ns[k]);
      per_run[k].push_back(p);
      std::printf("  %s p50 %.2f us p99 %.2f us", k, p.p50 / 1000, p.p99 / 1000);
    }
    std::printf("\n");
  }
  std::printf("median of %d runs (microseconds):\n", runs);
  std::printf("  %-5s %8s %8s %8s %8s\n", "input", "p50", "p99", "p99.9", "mean");
  for (const char* k : kinds) {
    auto med = [&](double Percentiles::*field) {
      std::vector<double> v;
      for (const auto& p : per_run[k]) v.push_back(p.*field);
      std::sort(v.begin(), v.end());
      return v[v.size() / 2] / 1000;
    };
    std::printf("  %-5s %8.2f %8.2f %8.2f %8.2f\n", k, med(&Percentiles::p50),
                med(&Percentiles::p99), med(&Percentiles::p999), med(&Percentiles::mean));
  }
  std::fprintf(stderr, "(%zu events decided)\n", sink);
  return 0;
}
