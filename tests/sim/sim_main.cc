// escalator_sim: runs the seeded simulator (tests/sim/simulator.h) over many seeds and ends
// with one line, "N seeds, C crashes, F failures"; exits 1 naming each failing seed.
//
//   escalator_sim [--seeds N] [--from S] [--steps K] [--config FILE] [--twice]
// --twice runs each seed again and requires the same digest of the log (byte for byte).
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "config/config.h"
#include "tests/sim/simulator.h"

namespace {

void Usage(FILE* to) {
  std::fprintf(to,
               "usage: escalator_sim [--seeds N] [--from S] [--steps K] [--config FILE] "
               "[--twice]\n"
               "Runs the seeded simulator: the real node over a simulated store with random\n"
               "inputs, write failures, power-loss crashes and restarts, checking invariants\n"
               "after every step. Seeds S..S+N-1 (default 1..100), K steps each (default 600).\n");
}

bool Number(const char* text, unsigned long long* out) {
  char* end = nullptr;
  errno = 0;
  *out = std::strtoull(text, &end, 10);
  return errno == 0 && end && *end == '\0' && end != text && text[0] != '-';
}

}  // namespace

int main(int argc, char** argv) {
  unsigned long long seeds = 100, from = 1, steps = 600;
  std::string config_file = "../shared/samples/config.yaml";
  bool twice = false;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--help") {
      Usage(stdout);
      return 0;
    }
    if (flag == "--twice") {
      twice = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "escalator_sim: %s needs a value\n", flag.c_str());
      return 2;
    }
    const char* value = argv[++i];
    unsigned long long* target = flag == "--seeds"   ? &seeds
                                 : flag == "--from"  ? &from
                                 : flag == "--steps" ? &steps
                                                     : nullptr;
    if (flag == "--config") {
      config_file = value;
    } else if (!target) {
      std::fprintf(stderr, "escalator_sim: unknown flag %s\n", flag.c_str());
      Usage(stderr);
      return 2;
    } else if (!Number(value, target)) {
      std::fprintf(stderr, "escalator_sim: %s must be a whole number >= 0, got '%s'\n",
                   flag.c_str(), value);
      return 2;
    }
  }
  auto loaded = config::LoadConfigFile(config_file);
  if (!loaded.errors.empty()) {
    for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.ToString().c_str());
    return 2;
  }
  unsigned long long crashes = 0, failures = 0, lost = 0, failed_writes = 0, restarts = 0,
                     events = 0, inputs = 0;
  for (unsigned long long seed = from; seed < from + seeds; ++seed) {
    sim::SimResult r = sim::RunSeed(seed, loaded.config, static_cast<int>(steps));
    if (r.ok && twice) {
      sim::SimResult again = sim::RunSeed(seed, loaded.config, static_cast<int>(steps));
      if (again.digest != r.digest || again.events != r.events) {
        r.ok = false;
        r.failure = "seed " + std::to_string(seed) + " did not reproduce its log byte for byte";
      }
    }
    crashes += r.crashes;
    lost += r.lost_unsynced;
    failed_writes += r.failed_writes;
    restarts += r.restarts;
    events += r.events;
    inputs += r.inputs;
    if (!r.ok) {
      ++failures;
      std::printf("FAILED %s (replay: escalator_sim --from %llu --seeds 1)\n", r.failure.c_str(),
                  seed);
    }
    if (seeds <= 10 || (seed - from + 1) % 100 == 0) {
      std::fprintf(
          stderr, "seed %llu: %llu steps, %llu inputs, %llu events, digest %016llx\n", seed,
          static_cast<unsigned long long>(r.steps), static_cast<unsigned long long>(r.inputs),
          static_cast<unsigned long long>(r.events), static_cast<unsigned long long>(r.digest));
    }
  }
  std::printf(
      "covered: %llu inputs, %llu events, %llu restarts, %llu unsynced batches lost, "
      "%llu writes failed\n",
      inputs, events, restarts, lost, failed_writes);
  std::printf("%llu seeds, %llu crashes, %llu failures\n", seeds, crashes, failures);
  return failures == 0 ? 0 : 1;
}
