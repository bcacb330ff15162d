#include "tests/soak/soak_checks.h"

#include <regex>
#include <sstream>
#include <tuple>

#include "config/config.h"
#include "engine/engine.h"
#include "engine/layouts.h"
#include "engine/report_rollups.h"
#include "store/event_log.h"
#include "tests/feed/child_process.h"

namespace soak {
namespace {

using nlohmann::json;

constexpr size_t kShown = 8;  // problems listed per check

void Problem(Check& c, const std::string& what) {
  if (c.problems.size() < kShown) c.problems.push_back(what);
  c.ok = false;
}

std::vector<json> JsonLines(const std::string& text) {
  std::vector<json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    json j = json::parse(line, nullptr, false);
    if (!j.is_discarded()) out.push_back(std::move(j));
  }
  return out;
}

// The soak id a payload carries: its envelope id, or a malformed message's marker.
std::string SoakId(const std::string& payload) {
  static const std::regex id(R"(soak-(ev|bad)-\d+)");
  std::smatch m;
  return std::regex_search(payload, m, id) ? m.str() : "";
}

// The whole topic from its beginning, through kcat (not escalator's own consumer).
std::optional<std::vector<TopicMessage>> ReadTopic(const std::string& bootstrap,
                                                   const std::string& topic) {
  auto r = ingest_test::Run({"/usr/bin/kcat", "-C", "-b", bootstrap, "-t", topic, "-o", "beginning",
                             "-e", "-q", "-f", "%p %o %s\n"},
                            300);
  if (r.exit_code != 0) return std::nullopt;
  std::vector<TopicMessage> out;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    TopicMessage m;
    std::istringstream fields(line);
    fields >> m.partition >> m.offset;
    std::getline(fields, m.payload);
    if (!m.payload.empty() && m.payload[0] == ' ') m.payload.erase(0, 1);
    out.push_back(std::move(m));
  }
  return out;
}

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

int64_t Int(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<int64_t>() : -1;
}

}  // namespace

std::optional<std::vector<json>> ReadLog(const std::string& bin, const std::string& data) {
  auto r = ingest_test::Run({bin, "log", "--data", data, "--format", "json"}, 300);
  if (r.exit_code != 0) return std::nullopt;
  return JsonLines(r.out);
}

std::string Unsettled(const std::vector<json>& log, const std::map<std::string, Message>& published,
                      const std::map<std::pair<std::string, std::string>, int>& ack_commands,
                      const std::set<std::string>& with_device) {
  std::set<std::string> applied;
  std::set<std::pair<std::string, std::string>> acknowledged;
  std::set<uint64_t> waiting;
  size_t rejected = 0;
  for (const auto& e : log) {
    const std::string type = Str(e, "type");
    if (type == "input_rejected") {
      ++rejected;
    } else if (auto id = Str(e, "event_id"); !id.empty()) {
      applied.insert(id);
    }
    if (type == "acknowledged") acknowledged.insert({Str(e, "case"), Str(e, "engineer")});
    if (type == "paged" && with_device.count(Str(e, "engineer"))) waiting.insert(Int(e, "seq"));
    if (type == "delivered" || type == "page_superseded") waiting.erase(Int(e, "paged_seq"));
  }
  size_t valid_missing = 0, bad = 0;
  for (const auto& [id, m] : published) {
    if (!m.valid) {
      ++bad;
    } else if (!applied.count(id)) {
      ++valid_missing;
    }
  }
  size_t acks_missing = 0;
  for (const auto& [key, n] : ack_commands) acks_missing += acknowledged.count(key) ? 0 : 1;
  if (valid_missing == 0 && rejected >= bad && acks_missing == 0 && waiting.empty()) return "";
  return std::to_string(valid_missing) + " inputs not applied, " + std::to_string(acks_missing) +
         " ack commands not applied, " + std::to_string(bad > rejected ? bad - rejected : 0) +
         " not rejected, " + std::to_string(waiting.size()) + " pages awaiting a device";
}

std::vector<Check> Judge(const RunRecord& run, const Observed& seen, Figures* figures) {
  std::vector<Check> checks;

  // 1. The feed topic holds what was published, from offset 0 on (the embedded broker drops
  // old messages past ~5 MiB a partition: a run too long for it must say so).
  Check topic{"feed on the topic (kcat)", true, "", {}};
  std::map<std::string, int> on_topic;  // soak id -> copies on the topic
  auto feed = seen.feed;
  if (!feed) {
    Problem(topic, "kcat could not read support.cases");
    feed.emplace();
  }
  std::map<int, int64_t> next_offset;
  for (const auto& m : *feed) {
    if (m.offset != next_offset[m.partition]) {
      Problem(topic, "partition " + std::to_string(m.partition) + " jumps to offset " +
                         std::to_string(m.offset) + " (messages dropped by the broker?)");
    }
    next_offset[m.partition] = m.offset + 1;
    const std::string id = SoakId(m.payload);
    if (id.empty() || !run.published.count(id)) {
      Problem(topic, "a message the soak never published: " + m.payload.substr(0, 120));
      continue;
    }
    ++on_topic[id];
  }
  size_t missing_on_topic = 0, valid_n = 0, bad_n = 0;
  for (const auto& [id, m] : run.published) {
    (m.valid ? valid_n : bad_n)++;
    if (!on_topic.count(id)) {
      ++missing_on_topic;
      Problem(topic, id + " published but not on the topic");
    }
  }
  figures->on_topic = feed->size();
  topic.figure = std::to_string(feed->size()) + " messages (" + std::to_string(valid_n) +
                 " valid, " + std::to_string(bad_n) + " malformed), " +
                 std::to_string(missing_on_topic) + " missing";
  checks.push_back(topic);

  // 2. Every valid input applied exactly once: its envelope id on exactly one event.
  Check once{"every valid input applied exactly once", true, "", {}};
  auto log = seen.log;
  if (!log) {
    Problem(once, "escalator log failed");
    log.emplace();
  }
  figures->log_events = log->size();
  std::map<std::string, int> applied, rejected_ids;
  size_t rejected_events = 0;
  for (const auto& e : *log) {
    const std::string id = Str(e, "event_id");
    if (Str(e, "type") == "input_rejected") {
      ++rejected_events;
      if (!id.empty()) ++rejected_ids[id];
    } else if (!id.empty()) {
      ++applied[id];
    }
  }
  size_t once_n = 0;
  for (const auto& [id, copies] : on_topic) {
    const Message& m = run.published.at(id);
    if (!m.valid) continue;
    const int n = applied.count(id) ? applied[id] : 0;
    if (n == 1 && !rejected_ids.count(id)) {
      ++once_n;
    } else {
      Problem(once, id + " (" + m.kind + ") applied " + std::to_string(n) + " times, rejected " +
                        std::to_string(rejected_ids.count(id) ? rejected_ids[id] : 0));
    }
  }
  for (const auto& [id, n] : applied) {
    if (!on_topic.count(id)) Problem(once, "the log applied " + id + ", which is not on the topic");
  }
  once.figure = std::to_string(once_n) + " of " + std::to_string(valid_n) + " once";
  checks.push_back(once);

  // 3. Every malformed message kept as one dead letter (as often as it is on the topic), with
  // its input_rejected event, and produced to the dead-letter topic at least once.
  Check kept{"every dead letter kept", true, "", {}};
  if (!seen.dead_letters) Problem(kept, "escalator dead-letters failed");
  const auto letters = seen.dead_letters.value_or(std::vector<json>{});
  figures->dead_letters = letters.size();
  std::map<std::string, int> lettered;
  for (const auto& l : letters) {
    const std::string id = SoakId(Str(l, "payload"));
    if (id.empty() || !run.published.count(id) || run.published.at(id).valid) {
      Problem(kept, "a dead letter for a valid or unknown input: " + l.dump().substr(0, 160));
      continue;
    }
    ++lettered[id];
  }
  const auto& dl_topic = seen.dead_letter_topic;
  std::set<std::string> on_dl_topic;
  if (!dl_topic) {
    Problem(kept, "kcat could not read escalator.dead-letters");
  } else {
    for (const auto& m : *dl_topic) on_dl_topic.insert(SoakId(m.payload));
  }
  size_t kept_n = 0;
  for (const auto& [id, copies] : on_topic) {
    const Message& m = run.published.at(id);
    if (m.valid) continue;
    const int n = lettered.count(id) ? lettered[id] : 0;
    if (n != copies) {
      Problem(kept, id + " (" + m.kind + ") kept " + std::to_string(n) + " times, on the topic " +
                        std::to_string(copies));
    } else if (!on_dl_topic.count(id)) {
      Problem(kept, id + " (" + m.kind + ") never reached escalator.dead-letters");
    } else {
      ++kept_n;
    }
  }
  if (rejected_events != letters.size()) {
    Problem(kept, std::to_string(rejected_events) + " input_rejected events for " +
                      std::to_string(letters.size()) + " dead letters");
  }
  kept.figure = std::to_string(kept_n) + " of " + std::to_string(bad_n) + " kept once, " +
                std::to_string(dl_topic ? dl_topic->size() : 0) +
                " on escalator.dead-letters (at least once each)";
  checks.push_back(kept);

  const std::set<uint64_t>& outbox = seen.outbox;

  // Every input consumed: the offsets stored with the log are each partition's end.
  Check consumed{"every input consumed, offsets at the topic's end", true, "", {}};
  size_t partitions = 0;
  for (const auto& [partition, end] : next_offset) {
    ++partitions;
    const std::string key = "support.cases/" + std::to_string(partition);
    std::optional<std::string> stored;
    if (auto it = seen.offsets.find(key); it != seen.offsets.end()) stored = it->second;
    if (!stored || *stored != std::to_string(end)) {
      Problem(consumed, key + ": stored offset " + stored.value_or("none") + ", topic end " +
                            std::to_string(end));
    }
  }
  consumed.figure = std::to_string(partitions) + " partitions at their end";
  checks.push_back(consumed);

  // No timer left behind: with every source caught up, a timer fires within a second of its
  // instant, so none still stored may be due well before serve was stopped.
  Check timers{"no timer left behind", true, "", {}};
  if (!seen.store_error.empty()) Problem(timers, "cannot open the store: " + seen.store_error);
  if (seen.bad_timer_keys > 0) {
    Problem(timers, std::to_string(seen.bad_timer_keys) + " timer keys that do not decode");
  }
  for (const auto& [due, case_id] : seen.timers) {
    if (due < run.stopped_at - std::chrono::seconds(3)) {
      Problem(timers, case_id + "'s timer at " + base::FormatInstant(due) +
                          " never fired (serve stopped " + base::FormatInstant(run.stopped_at) +
                          ")");
    }
  }
  timers.figure = std::to_string(seen.timers.size()) + " timers pending, all due later";
  checks.push_back(timers);

  // 4. No page lost: every page the log decided has a receipt from a device of its engineer,
  // was superseded (its case answered before it left), or is still in the outbox; each page a
  // device showed is one the log decided for that case and engineer, shown once; every
  // engineer with a device has nothing left pending.
  Check pages{"no page lost", true, "", {}};
  struct PageInfo {
    std::string case_id, engineer;
    int delivered = 0, superseded = 0;
  };
  std::map<uint64_t, PageInfo> paged;
  for (const auto& e : *log) {
    const std::string type = Str(e, "type");
    if (type == "paged") paged[Int(e, "seq")] = {Str(e, "case"), Str(e, "engineer"), 0, 0};
  }
  for (const auto& e : *log) {
    const std::string type = Str(e, "type");
    if (type != "delivered" && type != "page_superseded") continue;
    auto it = paged.find(Int(e, "paged_seq"));
    if (it == paged.end()) {
      Problem(pages, type + " of page " + std::to_string(Int(e, "paged_seq")) + ", never paged");
      continue;
    }
    (type == "delivered" ? it->second.delivered : it->second.superseded)++;
  }
  std::map<std::string, std::map<uint64_t, int>> shown;  // engineer -> seq -> times shown
  for (const auto& [engineer, lines] : run.device_lines) {
    for (const auto& line : lines) {
      json j = json::parse(line, nullptr, false);
      if (j.is_discarded() || j.contains("type")) continue;  // an ack answer
      const uint64_t seq = j.value("seq", 0ULL);
      ++shown[engineer][seq];
      auto it = paged.find(seq);
      if (it == paged.end() || it->second.engineer != engineer ||
          it->second.case_id != Str(j, "case")) {
        Problem(pages, engineer + "'s device showed page " + std::to_string(seq) + " of " +
                           Str(j, "case") + ", which the log never paged to them");
      }
    }
  }
  size_t delivered = 0, superseded = 0, pending = 0, lost = 0;
  for (const auto& [seq, p] : paged) {
    const bool in_outbox = outbox.count(seq) > 0;
    const bool device = run.device_lines.count(p.engineer) > 0;
    const std::string what =
        "page " + std::to_string(seq) + " (" + p.case_id + " to " + p.engineer + ")";
    if (p.delivered + p.superseded + (in_outbox ? 1 : 0) > 1) {
      Problem(pages, what + ": " + std::to_string(p.delivered) + " receipts, " +
                         std::to_string(p.superseded) + " supersessions, " +
                         (in_outbox ? "still" : "not") + " in the outbox");
    }
    if (p.delivered > 0) {
      ++delivered;
      const int times =
          shown.count(p.engineer) && shown[p.engineer].count(seq) ? shown[p.engineer][seq] : 0;
      if (times != 1)
        Problem(pages,
                what + ": delivered, shown by its device " + std::to_string(times) + " times");
    } else if (p.superseded > 0) {
      ++superseded;
    } else if (in_outbox) {
      ++pending;
      if (device) Problem(pages, what + ": still pending although its device is connected");
    } else {
      ++lost;
      Problem(pages, what + ": LOST (no receipt, not superseded, not in the outbox)");
    }
  }
  for (uint64_t seq : outbox) {
    if (!paged.count(seq)) Problem(pages, "outbox entry " + std::to_string(seq) + " for no page");
  }
  figures->pages = paged.size();
  figures->delivered = delivered;
  pages.figure = std::to_string(paged.size()) + " pages: " + std::to_string(delivered) +
                 " delivered, " + std::to_string(superseded) + " superseded, " +
                 std::to_string(pending) + " pending in the outbox (no device), " +
                 std::to_string(lost) + " lost";
  checks.push_back(pages);

  // 5. Every acknowledgement serve answered (an answer means it is on disk) is in the log.
  Check acks{"every answered acknowledgement in the log", true, "", {}};
  std::set<std::pair<std::string, std::string>> acknowledged;  // (case, engineer)
  size_t ack_events = 0;
  for (const auto& e : *log) {
    if (Str(e, "type") != "acknowledged") continue;
    acknowledged.insert({Str(e, "case"), Str(e, "engineer")});
    ++ack_events;
  }
  size_t answered = 0;
  for (const auto& [engineer, lines] : run.device_lines) {
    for (const auto& line : lines) {
      json j = json::parse(line, nullptr, false);
      if (j.is_discarded() || Str(j, "type") != "acked") continue;
      const std::string result = Str(j, "result");
      if (result != "responded" && result != "acknowledged") continue;
      ++answered;
      if (!acknowledged.count({Str(j, "case"), engineer})) {
        Problem(acks, engineer + "'s ack of page " + std::to_string(Int(j, "page")) + " (" +
                          Str(j, "case") + ") answered '" + result + "' but is not in the log");
      }
    }
  }
  figures->acks = answered;
  acks.figure = std::to_string(answered) + " answered, " + std::to_string(ack_events) +
                " acknowledged events";
  checks.push_back(acks);

  // 5b. Every acknowledgement sent through the commands topic is on it (kcat) and applied:
  // an acknowledged event for its case and engineer, no more of them than commands sent (a
  // repeated ack changes nothing unless the case awaits a response again).
  Check commands{"every ack command applied", true, "", {}};
  std::map<std::pair<std::string, std::string>, int> on_commands, ack_events_of;
  auto command_topic = seen.commands;
  if (!command_topic) {
    Problem(commands, "kcat could not read escalator.commands");
    command_topic.emplace();
  }
  for (const auto& m : *command_topic) {
    json j = json::parse(m.payload, nullptr, false);
    if (j.is_discarded()) {
      Problem(commands, "a command that is not JSON: " + m.payload.substr(0, 120));
      continue;
    }
    ++on_commands[{Str(j, "case"), Str(j, "engineer")}];
  }
  for (const auto& e : *log) {
    if (Str(e, "type") == "acknowledged") ++ack_events_of[{Str(e, "case"), Str(e, "engineer")}];
  }
  for (const auto& [key, sent] : run.ack_commands) {
    const int topic_n = on_commands.count(key) ? on_commands[key] : 0;
    const int applied_n = ack_events_of.count(key) ? ack_events_of[key] : 0;
    const std::string what = key.second + "'s ack of " + key.first;
    if (topic_n != sent) {
      Problem(commands, what + ": sent " + std::to_string(sent) + ", on the topic " +
                            std::to_string(topic_n));
    }
    if (applied_n < 1 || applied_n > topic_n) {
      Problem(commands, what + ": " + std::to_string(topic_n) + " on the topic, " +
                            std::to_string(applied_n) + " acknowledged events");
    }
  }
  commands.figure = std::to_string(command_topic->size()) + " on escalator.commands, " +
                    std::to_string(run.ack_commands.size()) + " (case, engineer) acks applied";
  checks.push_back(commands);

  // 6. No escalation step fired twice: one escalated event per (case, clock, cycle, step), one
  // step page per (case, clock, cycle, step, engineer). Each new response clock (a routed
  // event with clock_start: the opening, a customer follow-up after a response) starts its
  // escalation again from cycle 0 step 0.
  Check steps{"no step fired twice", true, "", {}};
  using StepKey = std::tuple<std::string, int, int64_t, int64_t>;
  std::map<std::string, int> clock_of;  // case -> response clocks started so far
  std::map<StepKey, int> escalated;
  std::map<std::pair<StepKey, std::string>, int> step_pages;
  for (const auto& e : *log) {
    const std::string type = Str(e, "type");
    const std::string id = Str(e, "case");
    if (type == "routed" && e.contains("clock_start")) ++clock_of[id];
    const StepKey key{id, clock_of[id], Int(e, "cycle"), Int(e, "step")};
    const std::string where = " (clock " + std::to_string(clock_of[id]) + ", cycle " +
                              std::to_string(Int(e, "cycle")) + ", step " +
                              std::to_string(Int(e, "step")) + ")";
    if (type == "escalated") {
      if (++escalated[key] == 2) Problem(steps, id + " escalated twice to the same step" + where);
    } else if (type == "paged" && Str(e, "cause") == "step") {
      if (++step_pages[{key, Str(e, "engineer")}] == 2) {
        Problem(steps, id + " paged " + Str(e, "engineer") + " twice for one step" + where);
      }
    }
  }
  steps.figure = std::to_string(escalated.size()) + " steps fired, " +
                 std::to_string(step_pages.size()) + " step pages, each once";
  checks.push_back(steps);

  return checks;
}

Observed Gather(const RunRecord& run) {
  Observed seen;
  seen.feed = ReadTopic(run.bootstrap, "support.cases");
  seen.dead_letter_topic = ReadTopic(run.bootstrap, "escalator.dead-letters");
  seen.commands = ReadTopic(run.bootstrap, "escalator.commands");
  seen.log = ReadLog(run.bin, run.data);
  auto dl =
      ingest_test::Run({run.bin, "dead-letters", "--data", run.data, "--format", "json"}, 300);
  if (dl.exit_code == 0) seen.dead_letters = JsonLines(dl.out);
  store::Options options;
  options.read_only = true;
  auto store_log = store::EventLog::Open(run.data, options);
  if (!store_log.ok()) {
    seen.store_error = store_log.status().ToString();
    return seen;
  }
  const store::EventLog& log = **store_log;
  (void)log.Scan(store::Family::kOutbox, "", [&](std::string_view key, std::string_view) {
    if (key.size() == 8) seen.outbox.insert(store::DecodeSeq(key));
    return true;
  });
  (void)log.Scan(store::Family::kOffsets, "", [&](std::string_view key, std::string_view value) {
    seen.offsets[std::string(key)] = std::string(value);
    return true;
  });
  (void)log.Scan(store::Family::kTimers, "", [&](std::string_view key, std::string_view) {
    auto decoded = router::DecodeTimerKey(key);
    if (decoded.ok()) {
      seen.timers.push_back(*decoded);
    } else {
      ++seen.bad_timer_keys;
    }
    return true;
  });
  return seen;
}

// 7. The log replays to the projections: no gap in it, and a fold of every event from
// nothing equals the stored case projections and the report rollups.
Check Replay(const RunRecord& run, Figures* figures) {
  Check replay{"the log replays to the projections", true, "", {}};
  auto loaded = config::LoadConfigFile(run.config);
  store::Options options;
  options.read_only = true;
  options.check = store::OpenCheck::kFull;  // every key: proves the log has no gap
  auto store_log = store::EventLog::Open(run.data, options);
  if (!store_log.ok()) {
    Problem(replay, "cannot open the store: " + store_log.status().ToString());
  } else if (!loaded.config) {
    Problem(replay, "cannot load the config " + run.config);
  } else {
    if (auto s = store::VerifyLog(**store_log); !s.ok()) Problem(replay, s.ToString());
    router::Engine engine(**store_log, loaded.config);
    auto report = engine.Rebuild(/*repair=*/false);
    if (!report.ok()) {
      Problem(replay, "Rebuild: " + report.status().ToString());
    } else {
      for (const auto& id : report->mismatched) Problem(replay, "projection differs: " + id);
      for (const auto& id : report->missing) Problem(replay, "projection missing: " + id);
      for (const auto& id : report->extra) Problem(replay, "projection extra: " + id);
      figures->cases = report->cases;
      replay.figure = std::to_string(report->events) + " events folded into " +
                      std::to_string(report->cases) + " cases";
    }
    auto rollups = router::RebuildReportRollups(**store_log, loaded.config, /*repair=*/false);
    if (!rollups.ok()) {
      Problem(replay, "RebuildReportRollups: " + rollups.status().ToString());
    } else {
      for (const auto& k : rollups->mismatched)
        Problem(replay, "rollup differs: " + router::PrintableKey(k));
      for (const auto& k : rollups->missing)
        Problem(replay, "rollup missing: " + router::PrintableKey(k));
      for (const auto& k : rollups->extra)
        Problem(replay, "rollup extra: " + router::PrintableKey(k));
      replay.figure += ", report rollups equal";
    }
  }
  return replay;
}

std::vector<Check> RunChecks(const RunRecord& run, Figures* figures) {
  std::vector<Check> checks = Judge(run, Gather(run), figures);
  checks.push_back(Replay(run, figures));
  return checks;
}

}  // namespace soak
