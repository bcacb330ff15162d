// replay_bench: how fast a replay folds the log. Generates N events of a
// realistic case mix (open, route, pages, escalations, communications, acks,
// warnings, breaches, resolves, reopens), encodes them with the event codec,
// then times decode + Evolve into per-case state: in memory (the core's own
// speed) and, with --store, read back from a RocksDB event log (replay as
// `escalator replay` does it). Prints events/s per run, the median, and the
// peak resident memory (getrusage ru_maxrss).
//
//   replay_bench [--events 1000000] [--runs 3] [--store]
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "cli/flags.h"
#include "engine/engine.h"
#include "router/case_state.h"
#include "router/codec.h"
#include "store/event_log.h"

namespace {

using namespace router;
using Clock = std::chrono::steady_clock;

// Resident memory now, from /proc/self/statm (pages).
long RssMiB() {
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return resident * (sysconf(_SC_PAGESIZE) / 1024) / 1024;
}

long PeakRssMiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;  // Linux reports KiB
}

// One case's life, as the routing core writes it. About 12 events per case.
void GenerateCase(std::mt19937_64& rng, int n, Timestamp t0, std::vector<Event>& out) {
  const char* services[] = {"medialive", "mediapackage", "mediaconnect", "cloudfront", "ec2"};
  const char* codes[] = {"critical", "urgent", "high", "normal", "low"};
  const char* engineers[] = {"alice", "bob", "chen", "dana", "erin", "femi", "gus"};
  char id[64];
  std::snprintf(id, sizeof id, "case-%012llu-muen-2026-%016llx",
                static_cast<unsigned long long>(100000000000ULL + rng() % 900000000000ULL),
                static_cast<unsigned long long>(n));
  const std::string c = id;
  const int sev = static_cast<int>(rng() % 5);
  const int level = std::min(sev + 1, 4);
  auto at = [&](int minutes) { return t0 + std::chrono::minutes(minutes); };
  auto eng = [&] { return std::string(engineers[rng() % 7]); };
  std::string ev = "7e1c4a52-0b1f-4b54-9d2a-" + std::to_string(1000000 + n * 10);

  out.push_back(CaseOpened{c, at(0), std::to_string(1234560000 + n), c.substr(5, 12),
                           "MediaLive channel input loss on primary pipeline", services[rng() % 5],
                           "channel-failure", codes[sev], level, "ops@northwind.example", at(0),
                           "en", ev + "1"});
  Routed r{c, at(0), level, "always", "us-east-business", "annual"};
  r.reason = Reason{ReasonCode::kOpened};
  r.calendars = Reason{ReasonCode::kPlanAddon24x7};
  r.clock_start = at(0);
  r.due = at(15 * level);
  r.next_action_at = at(5);
  for (int k = 0; k < 3; ++k) {
    Candidate cand{eng(), 3.0 - k};
    cand.skill = "medialive";
    cand.skill_score = 3.0 - k;
    cand.schedule = "video-sme-primary";
    cand.layer = "new-york";
    r.candidates.push_back(std::move(cand));
  }
  out.push_back(r);
  Reason on_call{ReasonCode::kOnCall};
  on_call.until = at(8 * 60);
  out.push_back(
      Paged{c, at(0), eng(), 0, 0, "schedule/video-sme-primary", "new-york", std::move(on_call)});
  int steps = static_cast<int>(rng() % 3);
  for (int s = 1; s <= steps; ++s) {
    out.push_back(Escalated{c, at(5 * s), s, 0, at(5 * s + 5)});
    Reason eae{ReasonCode::kDesignatedEae};
    eae.calendar = "us-east-business";
    out.push_back(Paged{c, at(5 * s), eng(), s, 0, "designated_eae", "designated", std::move(eae)});
  }
  if (rng() % 4 == 0) out.push_back(SlaWarning{c, at(11), at(15), at(15)});
  if (rng() % 8 == 0) out.push_back(Breached{c, at(15), at(15), at(20)});
  std::string who = eng();
  out.push_back(Acknowledged{c, at(12), who});
  out.push_back(Responded{c, at(12), ResponseKind::kAck, who});
  for (int k = 0; k < 3; ++k) {
    Origin o = k % 2 ? Origin::kAws : Origin::kCustomer;
    out.push_back(CommunicationAdded{c, at(20 + k * 30), o, "ab12cd34ef56-" + std::to_string(k),
                                     ev + std::to_string(2 + k)});
  }
  out.push_back(CaseResolved{c, at(200), ev + "8"});
  if (rng() % 10 == 0) out.push_back(CaseReopened{c, at(400), ev + "9", at(405)});
}

struct Folded {
  uint64_t events = 0;
  size_t cases = 0;
};

// The replay loop: decode, find the case, fold. Aborts on a decode error (a
// corrupt log stops a replay loudly).
class Replayer {
 public:
  void Fold(std::string_view bytes) {
    if (base::Status s = DecodeEventInto(bytes, &event_); !s.ok()) {
      std::cerr << "replay_bench: " << s.ToString() << "\n";
      std::exit(1);
    }
    EvolveInPlace(states_[CaseIdOf(event_)], event_);
    ++events_;
  }
  Folded Result() const { return {events_, states_.size()}; }

 private:
  std::unordered_map<std::string, CaseState> states_;
  Event event_;  // decoded into, one event after another
  uint64_t events_ = 0;
};

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = cli::ParseFlags(
      "replay_bench", "Times decode + fold of N generated events (see the file's header).",
      {{"events", true, false, "events to generate", "1000000"},
       {"runs", true, false, "timed runs (the median is reported)", "3"},
       {"store", false, false, "also replay from a RocksDB event log in a temp dir", ""}},
      argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const auto events_flag = cli::IntFlag("replay_bench", parsed.flags, "events", 1);
  const auto runs_flag = cli::IntFlag("replay_bench", parsed.flags, "runs", 1, INT_MAX);
  if (!events_flag || !runs_flag) return cli::kExitUsage;
  const uint64_t n = *events_flag;
  const int runs = static_cast<int>(*runs_flag);

  // Generate and encode (not timed).
  std::mt19937_64 rng(42);
  std::vector<Event> scratch;
  std::vector<std::string> encoded;
  encoded.reserve(n);
  uint64_t bytes = 0;
  Timestamp t0 = *base::ParseInstant("2026-11-24T00:00:00Z");
  // Encoded per case as generated, then put in log order: a case opens every
  // 37 s and lives for hours, so a few hundred cases interleave, as in a real log.
  std::vector<std::pair<int64_t, std::string>> timed;
  timed.reserve(n + 32);
  for (int c = 0; timed.size() < n; ++c) {
    scratch.clear();
    GenerateCase(rng, c, t0 + std::chrono::seconds(37 * c), scratch);
    for (const auto& e : scratch) timed.emplace_back(base::ToUnixMillis(AtOf(e)), EncodeEvent(e));
  }
  timed.resize(n);
  std::stable_sort(timed.begin(), timed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [at, b] : timed) {
    bytes += b.size();
    encoded.push_back(std::move(b));
  }
  timed.clear();
  timed.shrink_to_fit();
  std::printf("generated %zu events, %.1f bytes/event on average; rss %ld MiB\n", encoded.size(),
              static_cast<double>(bytes) / encoded.size(), PeakRssMiB());

  std::vector<double> rates;
  Folded folded;
  for (int run = 0; run < runs; ++run) {
    long before = RssMiB();
    Replayer replayer;
    auto start = Clock::now();
    for (const auto& b : encoded) replayer.Fold(b);
    double s = std::chrono::duration<double>(Clock::now() - start).count();
    folded = replayer.Result();
    rates.push_back(folded.events / s);
    std::printf(
        "in memory run %d: %llu events, %zu cases in %.3f s = %.0f events/s; state +%ld MiB\n",
        run + 1, static_cast<unsigned long long>(folded.events), folded.cases, s, rates.back(),
        RssMiB() - before);
  }
  std::printf("in memory median: %.0f events/s; peak rss %ld MiB\n", Median(rates), PeakRssMiB());

  if (!parsed.flags.Has("store")) return 0;
  auto dir =
      std::filesystem::temp_directory_path() / ("replay_bench-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  {
    store::Options options;
    options.sync = false;
    auto log = store::EventLog::Open(dir.string(), options);
    if (!log.ok()) {
      std::cerr << "replay_bench: " << log.status().ToString() << "\n";
      return 1;
    }
    store::Batch batch;
    for (size_t i = 0; i < encoded.size(); ++i) {
      batch.events.push_back({encoded[i], ""});
      if (batch.events.size() == 4096 || i + 1 == encoded.size()) {
        if (auto r = (*log)->Append(batch); !r.ok()) {
          std::cerr << "replay_bench: " << r.status().ToString() << "\n";
          return 1;
        }
        batch = store::Batch{};
      }
    }
    encoded.clear();
    encoded.shrink_to_fit();
    rates.clear();
    for (int run = 0; run < runs; ++run) {
      Replayer replayer;
      auto start = Clock::now();
      auto st = (*log)->Read(1, (*log)->next_seq(), [&](uint64_t, std::string_view b) {
        replayer.Fold(b);
        return true;
      });
      double s = std::chrono::duration<double>(Clock::now() - start).count();
      if (!st.ok()) {
        std::cerr << "replay_bench: " << st.ToString() << "\n";
        return 1;
      }
      folded = replayer.Result();
      rates.push_back(folded.events / s);
      std::printf("from RocksDB run %d: %llu events in %.3f s = %.0f events/s\n", run + 1,
                  static_cast<unsigned long long>(folded.events), s, rates.back());
    }
    std::printf("from RocksDB median: %.0f events/s; peak rss %ld MiB\n", Median(rates),
                PeakRssMiB());
  }
  std::filesystem::remove_all(dir);
  return 0;
}
