// The seeded simulator (TigerBeetle's VOPR, FoundationDB's simulation): drives the real node
// (engine/node.h), the one serve and simulate run, over a simulated store (store/sim_log.h)
// with random feed events, acknowledgements, duplicates and redeliveries, unparseable
// messages, timer firings on a simulated clock, write failures, power-loss crashes that drop
// every unsynced write, and restarts. A feed and a commands topic are modelled as durable
// message lists; the consumer resumes from the offsets the node stored, as serve does.
//
// After every step it checks the invariants:
//  - every open case waiting for a response has a next action (or breached with nothing left);
//  - no engineer is paged twice for one step of one cycle of one routing;
//  - a fold of the log equals the projections (Engine::Rebuild) and the report rollups
//    (RebuildReportRollups), after every restart and every 100 steps;
//  - nothing acknowledged as durable is lost across a crash (the log's durable prefix is
//    byte-identical after it);
//  - every fed input is applied exactly once: at the end every message is consumed, each
//    envelope's events appear once, and every case created is opened.
// Deterministic: a seed reproduces byte for byte (RunSeed's digest hashes every event).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "config/config.h"

namespace sim {

struct SimResult {
  bool ok = true;
  std::string failure;  // the first broken invariant, with its step and instant
  uint64_t steps = 0, inputs = 0, ticks = 0, pages = 0, events = 0;
  uint64_t crashes = 0, restarts = 0;
  uint64_t lost_unsynced = 0;  // batches the crashes dropped (their inputs consumed again)
  uint64_t failed_writes = 0;  // writes the disk failed (retried)
  uint64_t digest = 0;         // FNV-1a over every event of the final log, in order
};

// Runs one seed for `steps` steps, then lets every case run out. REQUIRES: config non-null.
SimResult RunSeed(uint64_t seed, std::shared_ptr<const config::Config> config, int steps);

}  // namespace sim
