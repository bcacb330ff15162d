// The soak's checks, made after every process has stopped, through readers independent of
// serve: kcat for the topics, `escalator log` and `escalator dead-letters` for the data
// directory, the devices' own output for what reached them, and the store opened afresh to
// fold the log against its projections.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/time.h"
#include "tests/soak/soak_feed.h"

namespace soak {

struct RunRecord {
  std::string bin;                                               // the escalator binary
  std::string bootstrap;                                         // the embedded broker
  std::string data;                                              // serve's data directory
  std::string config;                                            // serve's configuration file
  std::map<std::string, Message> published;                      // by id
  std::map<std::string, std::vector<std::string>> device_lines;  // engineer -> stdout lines
  base::Timestamp stopped_at{};  // when the last serve was asked to stop (wall clock)
  // Acknowledgements sent through the commands topic (`escalator ack`): (case, engineer) ->
  // how many.
  std::map<std::pair<std::string, std::string>, int> ack_commands;
};

struct Check {
  std::string name;
  bool ok = false;
  std::string figure;                 // what was counted, for the summary
  std::vector<std::string> problems;  // the first few, for the report
};

struct Figures {
  uint64_t log_events = 0;
  uint64_t cases = 0;
  uint64_t pages = 0;
  uint64_t delivered = 0;
  uint64_t acks = 0;
  uint64_t dead_letters = 0;
  uint64_t on_topic = 0;
};

// A message as kcat read it.
struct TopicMessage {
  int partition = 0;
  int64_t offset = 0;
  std::string payload;
};

// What the independent readers saw once the run was over.
struct Observed {
  std::optional<std::vector<TopicMessage>> feed;               // nullopt: kcat failed
  std::optional<std::vector<TopicMessage>> dead_letter_topic;  // escalator.dead-letters
  std::optional<std::vector<TopicMessage>> commands;           // escalator.commands
  std::optional<std::vector<nlohmann::json>> log;              // escalator log
  std::optional<std::vector<nlohmann::json>> dead_letters;     // escalator dead-letters
  std::string store_error;    // set: the store did not open (read-only), nothing below read
  std::set<uint64_t> outbox;  // page ids still in the outbox
  std::map<std::string, std::string> offsets;                   // "topic/partition" -> next
  std::vector<std::pair<base::Timestamp, std::string>> timers;  // (due, case) still stored
  size_t bad_timer_keys = 0;
};

// Every event of the log, as `escalator log --data D --format json` prints it (serve may be
// running: the command opens the store read-only). Errors: nullopt when the command fails.
std::optional<std::vector<nlohmann::json>> ReadLog(const std::string& bin, const std::string& data);

// Whether serve has settled: every published valid input is in `log` and every malformed one
// rejected in it, every acknowledgement command in `ack_commands` applied, and no page for an
// engineer in `with_device` is still waiting for a receipt.
// Returns what is still missing ("" when settled), for the progress line.
std::string Unsettled(const std::vector<nlohmann::json>& log,
                      const std::map<std::string, Message>& published,
                      const std::map<std::pair<std::string, std::string>, int>& ack_commands,
                      const std::set<std::string>& with_device);

// Reads the topics (kcat), the log and the dead letters (escalator), the outbox, offsets and
// timers (the store, read-only). REQUIRES: serve stopped; the broker up.
Observed Gather(const RunRecord& run);

// Every check but the replay, over what was seen: pure, so a test can feed it a broken run.
std::vector<Check> Judge(const RunRecord& run, const Observed& seen, Figures* figures);

// The log folded from nothing against the stored projections and report rollups (and checked
// for gaps). REQUIRES: serve stopped.
Check Replay(const RunRecord& run, Figures* figures);

// Gather, Judge, Replay. REQUIRES: serve, the devices stopped; the broker up.
std::vector<Check> RunChecks(const RunRecord& run, Figures* figures);

}  // namespace soak
