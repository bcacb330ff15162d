// The whole pipeline on a simulated clock: the input's own timestamps drive
// time, every timer due in between fires as a router::Tick at its instant,
// and everything goes through the real Engine into the real store, as fast as
// the machine goes. Used by `escalator simulate`, game days and the scenario
// tests. Deterministic: the same input and configuration give a byte-identical
// log (nothing here reads the wall clock).
//
// Input: JSON lines, each either a support feed message (anything
// router::FeedParser accepts), an acknowledgement
// {"type":"ack","case":ID,"engineer":ID,"at":INSTANT}, or a reconciliation snapshot
// {"account":…,"taken_at":…,"cases":[…]} (FeedParser::ParseSnapshot; applied at taken_at, as
// serve applies one from --snapshot-topic). Blank lines are skipped.
//
// Rules (the simulated clock never runs backwards):
//  - Before an input at instant T is applied, every timer due at or before T
//    fires, in (due instant, case id) order, as Tick{case, due} with now = due.
//    A timer due exactly at T therefore fires before the input at T.
//  - An input whose instant is earlier than the clock (out of time order) is
//    not applied: it is a dead letter with reason "out of time order: ...",
//    and an input_rejected event, stamped with the clock.
//  - A line that does not parse (malformed JSON, a bad field, an ack missing a
//    field) is a dead letter with the parser's reason, and an input_rejected
//    event. Inputs the core refuses (Decide) are dead letters too. None of
//    them stops the run.
//  - Dead letters are kept like serve's (feed/kafka_ingest.h): topic
//    kInputTopic, partition 0, offset = 0-based line number, so
//    `escalator dead-letters` lists them. The offset of the last line read is
//    stored too.
//  - The run ends at `until`: inputs after it are not applied (counted in
//    `not_reached`) and timers due at or before it fire. Without `until`, it
//    ends when no timer is left or at the last input's instant + `horizon`
//    (default 30 days), whichever comes first: a policy that keeps re-arming
//    cannot run forever.
//  - A Tick after which the case's timer is still at or before the tick's
//    instant would fire forever: the timer is dropped from the in-memory index
//    and counted in `stalled_timers` (a routing bug, never expected).
//
// Writes: inputs (lines and fired timers) are staged in the Engine and
// committed together, one store write per `batch_inputs` inputs (fewer when
// the staged lines grow past `batch_bytes`), and once more at the end; the
// timer index reads each staged case's new timer through Engine::NextActionAt. The
// log is byte-identical whatever the batch size (sequence numbers are taken in
// input order, nothing depends on where a write ends), and so are the
// projections, timers, outbox, offsets and dead letters; the index names the
// same events (how many events one kIndex entry covers may follow the write
// boundaries, store/event_log.h).
// Crash safety: simulate is a batch tool whose result is a function of its
// input, rerun rather than recovered. Each write is atomic, so a run that is
// killed or fails mid-way leaves a log holding a prefix of the run ending at
// a batch boundary (with the matching offsets, projections and timers); it
// loses at most the staged batch (up to `batch_inputs` inputs and their
// events), and the summary's figures are not written at all. Rerun into an
// empty data directory.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "base/time.h"
#include "config/config.h"
#include "store/event_log.h"

namespace router {

inline constexpr const char* kInputTopic = "simulate-input";

// What a run did. Event counts are of the events this run appended to the log.
struct SimulationSummary {
  uint64_t lines = 0;        // non-blank input lines read
  uint64_t feed_events = 0;  // feed messages applied (duplicates included)
  uint64_t acks = 0;         // acknowledgements applied
  uint64_t ticks = 0;        // timers fired
  uint64_t duplicates = 0;   // inputs that changed nothing (redelivered envelopes, repeated acks)
  uint64_t dead_letters = 0;
  uint64_t out_of_order = 0;  // of the dead letters: earlier than the clock
  uint64_t not_reached = 0;   // inputs after `until`
  uint64_t stalled_timers = 0;
  uint64_t pending_timers = 0;  // timers left when the run ended
  uint64_t events = 0;
  uint64_t pages = 0;
  uint64_t escalations = 0;
  uint64_t warnings = 0;
  uint64_t breaches = 0;
  uint64_t responses = 0;
  uint64_t rejections = 0;  // input_rejected events
  std::optional<base::Timestamp> first_input;
  std::optional<base::Timestamp> last_input;
  std::optional<base::Timestamp> clock;  // the simulated clock at the end
};

struct SimulationProgress {
  uint64_t lines = 0;
  uint64_t ticks = 0;
  uint64_t events = 0;  // appended so far
  base::Timestamp clock{};
};

struct SimulationOptions {
  std::optional<base::Timestamp> until;
  base::Duration horizon = std::chrono::hours(24 * 30);  // used without `until`
  // Called every `progress_every` input lines (and never when null), after a
  // write, so `events` counts what the log holds.
  std::function<void(const SimulationProgress&)> progress;
  uint64_t progress_every = 100'000;
  // Inputs (lines and fired timers) staged per store write; 1 writes each
  // input on its own. 0 is taken as 1.
  uint64_t batch_inputs = 1000;
  // A write also happens once the staged input lines (dead letters keep the
  // whole line) reach this many bytes, so huge lines cannot swell a batch.
  uint64_t batch_bytes = 8u << 20;
  // Keep the report rollups (engine/report_rollups.h) as the log is written; off only to
  // measure what they cost.
  bool report_rollups = true;
};

// Runs the simulation over `input` into `log`.
// REQUIRES: `log` holds no events (a simulation starts from nothing, so that
// its log is a function of the input and the configuration); config non-null.
// Errors: kInvalidInput when the log is not empty; the store's errors (the run
// stops there; what was committed before is in the log, the staged batch is
// dropped); kCorruption from the engine.
base::Result<SimulationSummary> Simulate(store::EventLog& log,
                                         std::shared_ptr<const config::Config> config,
                                         std::istream& input, const SimulationOptions& options);

}  // namespace router
