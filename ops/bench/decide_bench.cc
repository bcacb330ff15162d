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
// --dump FILE writes, before timing, every event Decide emits for each case
// walked from its opening through all its timers (and the ack and the
// communication the timed runs use) to FILE, encoded (router/codec.h): two
// builds' dumps must be byte-identical when a change keeps behaviour.
//
// --noise-probe spins on steady_clock for a second before timing and reports
// the gaps (the machine's stalls that any call overlapping them would pay).
//
// --repeat N times each call N times and keeps the fastest: the call's own
// cost, without the stalls a single timing may catch.
//
// --only KIND times one kind alone (for `perf record`). --outliers also reads
// the thread's involuntary context switches and page faults around every call
// (getrusage, outside the timed span) and tells, for the calls slower than
// --outlier-us, how many were preempted or faulted: it separates what Decide
// costs from what the machine did meanwhile.
//
//   decide_bench [--config ../shared/samples/config.yaml] [--cases 20000] [--runs 3]
//                [--only open|tick|ack|comm] [--outliers] [--outlier-us 200] [--dump FILE]
//                [--repeat N] [--noise-probe]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "cli/flags.h"
#include "config/config.h"
#include "ops/bench/feed_events.h"
#include "router/case_state.h"
#include "router/codec.h"
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
  fe.event_id = bench::EnvelopeId(n);
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

// Involuntary context switches and page faults of this thread so far.
struct Disturbances {
  long preempted = 0, minor_faults = 0, major_faults = 0;
};

Disturbances ReadDisturbances() {
  rusage u{};
  getrusage(RUSAGE_THREAD, &u);
  return {u.ru_nivcsw, u.ru_minflt, u.ru_majflt};
}

// One line naming an input, for the outlier report.
std::string Describe(const char* kind, const Input& in) {
  std::string out = std::string(kind) + " " + CaseOf(in);
  if (const auto* fe = std::get_if<FeedEvent>(&in); fe && fe->details) {
    out += " at " + base::FormatInstant(fe->at) + " account " + fe->account + " service " +
           fe->details->service_code + " severity " + fe->details->severity_code;
  }
  return out;
}

// Spins for `seconds` reading steady_clock; every gap between two readings
// longer than 5 us is time the thread did not run (interrupts, the hypervisor,
// other processes). Prints how often, how long, and how many were preemptions
// the kernel counted.
void ProbeNoise(double seconds) {
  const auto until = Clock::now() + std::chrono::duration<double>(seconds);
  std::vector<double> gaps;
  const Disturbances before = ReadDisturbances();
  auto last = Clock::now();
  for (auto t = last; t < until; last = t) {
    t = Clock::now();
    const double gap = std::chrono::duration<double, std::micro>(t - last).count();
    if (gap > 5) gaps.push_back(gap);
  }
  const Disturbances after = ReadDisturbances();
  double lost = 0;
  for (double g : gaps) lost += g;
  std::sort(gaps.begin(), gaps.end());
  auto at = [&](double q) {
    return gaps.empty() ? 0.0
                        : gaps[std::min(gaps.size() - 1, static_cast<size_t>(q * gaps.size()))];
  };
  std::printf(
      "noise probe (%.1f s spin): %zu stalls > 5 us (one per %.0f us), lost %.2f%% of the time; "
      "stall p50 %.1f us, p90 %.1f us, max %.1f us; %ld preemptions, %ld page faults\n",
      seconds, gaps.size(), gaps.empty() ? 0.0 : seconds * 1e6 / static_cast<double>(gaps.size()),
      lost / (seconds * 1e4), at(0.5), at(0.9), gaps.empty() ? 0.0 : gaps.back(),
      after.preempted - before.preempted,
      (after.minor_faults + after.major_faults) - (before.minor_faults + before.major_faults));
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
       {"runs", true, false, "timed runs", "3"},
       {"only", true, false, "time only this kind: open, tick, ack or comm", ""},
       {"outliers", false, false, "explain slow calls: preemptions and page faults", ""},
       {"outlier-us", true, false, "a call slower than this is an outlier (--outliers)", "200"},
       {"repeat", true, false,
        "time each call this many times and keep the fastest (the call's own cost, without "
        "what the machine did meanwhile)",
        "1"},
       {"noise-probe", false, false, "measure the machine's stalls first (1 s spin)", ""},
       {"dump", true, false, "write every decided event, encoded, to this file", ""}},
      argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  auto loaded = config::LoadConfigFile(*parsed.flags.Get("config"));
  if (!loaded.errors.empty()) {
    for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.ToString().c_str());
    return cli::kExitUsage;
  }
  const config::Config& config = *loaded.config;
  const auto cases_flag = cli::IntFlag("decide_bench", parsed.flags, "cases", 1, INT_MAX);
  const auto runs_flag = cli::IntFlag("decide_bench", parsed.flags, "runs", 1, INT_MAX);
  const auto repeat_flag = cli::IntFlag("decide_bench", parsed.flags, "repeat", 1, INT_MAX);
  if (!cases_flag || !runs_flag || !repeat_flag) return cli::kExitUsage;
  const int cases = static_cast<int>(*cases_flag);
  const int runs = static_cast<int>(*runs_flag);
  const std::string only = parsed.flags.Get("only").value_or("");
  const bool outliers = parsed.flags.Has("outliers");
  const int repeat = static_cast<int>(*repeat_flag);
  const double outlier_ns = std::stod(*parsed.flags.Get("outlier-us")) * 1000;

  if (parsed.flags.Has("noise-probe")) ProbeNoise(1.0);

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

  if (auto path = parsed.flags.Get("dump"); path && !path->empty()) {
    std::ofstream dump(*path, std::ios::binary);
    size_t events = 0;
    auto write = [&](const Decision& d) {
      for (const Event& e : d.events) {
        const std::string bytes = EncodeEvent(e);
        const uint32_t n = static_cast<uint32_t>(bytes.size());
        dump.write(reinterpret_cast<const char*>(&n), sizeof n);
        dump.write(bytes.data(), static_cast<std::streamsize>(n));
        ++events;
      }
    };
    for (int i = 0; i < cases; ++i) {
      const FeedEvent& fe = creates[i];
      CaseState s;
      Decision d = Decide(s, fe, Context{config, fe.at});
      write(d);
      Fold(s, d);
      const CaseState opened = s;
      // Every timer to the end of the escalation (bounded: a policy always ends).
      for (int k = 0; k < 1000 && s.next_action_at; ++k) {
        const Timestamp due = *s.next_action_at;
        d = Decide(s, Tick{s.case_id, due}, Context{config, due});
        write(d);
        Fold(s, d);
      }
      const CaseState& mid = states[i];
      const Timestamp later = mid.opened_at + std::chrono::minutes(7);
      write(Decide(mid, Acknowledge{mid.case_id, "bob", later}, Context{config, later}));
      write(Decide(opened, Acknowledge{opened.case_id, "bob", later}, Context{config, later}));
    }
    std::printf("dump: %zu events to %s\n", events, path->c_str());
  }

  const char* kinds[] = {"open", "tick", "ack", "comm", "all"};
  std::map<std::string, std::vector<Percentiles>> per_run;
  size_t sink = 0;  // keeps the optimiser from dropping calls
  for (int run = 0; run < runs; ++run) {
    std::map<std::string, std::vector<double>> ns;
    // Outliers: slow calls, and how many of them were preempted or faulted.
    long slow = 0, slow_preempted = 0, slow_faulted = 0, slow_neither = 0;
    double slow_neither_max = 0;
    std::string slow_neither_what;  // the slowest unexplained call: kind and case
    auto time = [&](const char* kind, const CaseState& s, const Input& in, Timestamp now) {
      if (!only.empty() && only != kind) return;
      Disturbances before;
      if (outliers) before = ReadDisturbances();
      double v = 0;
      for (int r = 0; r < repeat; ++r) {
        auto start = Clock::now();
        Decision d = Decide(s, in, Context{config, now});
        auto end = Clock::now();
        sink += d.events.size();
        const double once = std::chrono::duration<double, std::nano>(end - start).count();
        v = r == 0 ? once : std::min(v, once);
      }
      if (outliers) {
        const Disturbances after = ReadDisturbances();
        if (v > outlier_ns) {
          const bool preempted = after.preempted > before.preempted;
          const bool faulted =
              after.minor_faults + after.major_faults > before.minor_faults + before.major_faults;
          ++slow;
          slow_preempted += preempted;
          slow_faulted += faulted;
          if (!preempted && !faulted) {
            ++slow_neither;
            if (v > slow_neither_max) slow_neither_what = Describe(kind, in);
            slow_neither_max = std::max(slow_neither_max, v);
          }
        }
      }
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
      comm.event_id = bench::EnvelopeId(cases + i);
      comm.case_id = s.case_id;
      comm.account = s.account;
      comm.action = FeedAction::kAddCommunication;
      comm.origin = Origin::kAws;
      comm.communication_id = bench::CommunicationId(i);
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
    if (outliers) {
      std::printf(
          "  outliers (> %.0f us): %ld of %zu calls; preempted %ld, page-faulted %ld, "
          "neither %ld (slowest of those %.1f us: %s)\n",
          outlier_ns / 1000, slow, ns["all"].size(), slow_preempted, slow_faulted, slow_neither,
          slow_neither_max / 1000, slow_neither_what.c_str());
    }
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
