#include "engine/simulation.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>

#include "engine/engine.h"
#include "engine/layouts.h"
#include "engine/timer_index.h"
#include "feed/dead_letter.h"
#include "feed/feed_parser.h"
#include "router/codec.h"

namespace router {

namespace {

// One input line, read: an input to apply, or why the line was refused.
struct ParsedLine {
  std::optional<Input> input;
  std::string rejection;
  std::string case_id;  // when known, so the refusal is indexed under the case
};

std::optional<std::string> StringField(const nlohmann::json& j, const char* name,
                                       std::string* error) {
  auto it = j.find(name);
  if (it == j.end()) {
    *error = std::string("field ") + name + " missing";
    return std::nullopt;
  }
  if (!it->is_string()) {
    *error = std::string("field ") + name + ": expected string, got " + it->type_name();
    return std::nullopt;
  }
  return it->get<std::string>();
}

// Reads {"type":"ack","case":..,"engineer":..,"at":..}. Returns nullopt when the
// line has no top-level "type" key (then it is a feed message).
std::optional<ParsedLine> ParseCommandLine(std::string_view line) {
  // Feed envelopes carry no key named "type" ("detail-type" is not one), so
  // only lines that mention it pay for a second JSON parse.
  if (line.find("\"type\"") == std::string_view::npos) return std::nullopt;
  nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("type")) return std::nullopt;
  ParsedLine out;
  std::string error;
  auto type = StringField(j, "type", &error);
  if (!type) {
    out.rejection = error;
    return out;
  }
  if (*type != "ack") {
    out.rejection = "unknown input type '" + *type + "' (expected a feed message or \"ack\")";
    return out;
  }
  auto case_id = StringField(j, "case", &error);
  if (case_id) out.case_id = *case_id;
  auto engineer = case_id ? StringField(j, "engineer", &error) : std::nullopt;
  auto at_text = engineer ? StringField(j, "at", &error) : std::nullopt;
  if (!at_text) {
    out.rejection = "ack: " + error;
    return out;
  }
  auto at = base::ParseInstant(*at_text);
  if (!at) {
    out.rejection = "ack: bad timestamp in at: '" + *at_text + "'";
    return out;
  }
  out.input = Acknowledge{*case_id, *engineer, *at};
  return out;
}

// What a fired timer counts for in SimulationOptions::batch_bytes: about the
// size of the events a tick stages.
constexpr uint64_t kTickBytes = 512;

Timestamp InstantOf(const Input& input) {
  return std::visit([](const auto& i) { return i.at; }, input);
}

class Run {
 public:
  Run(store::EventLog& log, std::shared_ptr<const config::Config> config,
      const SimulationOptions& options)
      : log_(log), engine_(log, config), options_(options), parser_(ParserOptions(*config)) {}

  base::Result<SimulationSummary> Go(std::istream& input) {
    auto timers = TimerIndex::Load(log_);
    if (!timers.ok()) return timers.status();
    timers_ = std::move(*timers);
    first_seq_ = log_.next_seq();

    std::string line;
    int64_t line_no = -1;
    while (std::getline(input, line)) {
      ++line_no;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      ++sum_.lines;
      if (base::Status st = OneLine(line, line_no); !st.ok()) return st;
      if (options_.progress && options_.progress_every > 0 &&
          sum_.lines % options_.progress_every == 0) {
        if (base::Status st = Flush(); !st.ok()) return st;
        options_.progress({sum_.lines, sum_.ticks, log_.next_seq() - first_seq_, clock_});
      }
    }
    std::optional<Timestamp> end = options_.until;
    if (!end && sum_.last_input) end = *sum_.last_input + options_.horizon;
    if (end) {
      if (base::Status st = FireTimers(*end); !st.ok()) return st;
    }
    if (base::Status st = Flush(); !st.ok()) return st;
    sum_.pending_timers = timers_.size();
    if (sum_.lines > 0) sum_.clock = clock_;
    if (base::Status st = CountEvents(); !st.ok()) return st;
    return sum_;
  }

 private:
  static FeedParserOptions ParserOptions(const config::Config& config) {
    FeedParserOptions o;
    o.severity_map = config.severity_map;
    return o;
  }

  base::Status OneLine(const std::string& line, int64_t line_no) {
    ParsedLine parsed;
    if (auto command = ParseCommandLine(line)) {
      parsed = std::move(*command);
    } else {
      FeedParseResult r = parser_.Parse(line);
      if (auto* fe = std::get_if<FeedEvent>(&r)) {
        parsed.input = std::move(*fe);
      } else {
        parsed.rejection = std::get<FeedRejection>(r).reason;
      }
    }
    SourceOffset source{kInputTopic, 0, line_no};
    std::string where = "line " + std::to_string(line_no + 1);
    if (!parsed.input) {
      return Reject(parsed.rejection, where + ", " + std::to_string(line.size()) + " bytes",
                    parsed.case_id, source, line);
    }
    Timestamp at = InstantOf(*parsed.input);
    if (options_.until && at > *options_.until) {
      ++sum_.not_reached;
      return base::Status::Ok();
    }
    if (at < clock_) {
      ++sum_.out_of_order;
      return Reject("out of time order: " + base::FormatInstant(at) +
                        " is before the simulated clock " + base::FormatInstant(clock_),
                    where, CaseOf(*parsed.input), source, line);
    }
    if (base::Status st = FireTimers(at); !st.ok()) return st;
    clock_ = at;
    if (!sum_.first_input) sum_.first_input = at;
    sum_.last_input = at;
    if (std::holds_alternative<Acknowledge>(*parsed.input)) {
      ++sum_.acks;
    } else {
      ++sum_.feed_events;
    }

    auto staged = engine_.Stage(*parsed.input, at);
    if (!staged.ok()) {
      engine_.Abort();
      return staged.status();
    }
    if (staged->rejection) {
      ++sum_.dead_letters;
      engine_.StagePut(DeadLetterPut(*staged->rejection, source, line));
    } else if (staged->duplicate()) {
      ++sum_.duplicates;
    }
    engine_.StageOffset(source);
    if (base::Status st = SyncTimer(CaseOf(*parsed.input), std::nullopt); !st.ok()) return st;
    return CountStaged(line.size());
  }

  // Counts one staged input (`bytes`: its size, roughly) and commits the
  // staged batch when it is full.
  base::Status CountStaged(uint64_t bytes) {
    ++staged_inputs_;
    staged_bytes_ += bytes;
    if (staged_inputs_ >= std::max<uint64_t>(1, options_.batch_inputs) ||
        staged_bytes_ >= options_.batch_bytes) {
      return Flush();
    }
    return base::Status::Ok();
  }

  // Commits whatever is staged as one store write.
  base::Status Flush() {
    if (staged_inputs_ == 0) return base::Status::Ok();
    staged_inputs_ = 0;
    staged_bytes_ = 0;
    auto committed = engine_.Commit();
    return committed.ok() ? base::Status::Ok() : committed.status();
  }

  static store::Put DeadLetterPut(const std::string& reason, const SourceOffset& source,
                                  const std::string& line) {
    DeadLetter d{reason, source.topic, source.partition, source.offset, line};
    return {store::Family::kDeadLetters, DeadLetterKey(d.topic, d.partition, d.offset),
            EncodeDeadLetter(d)};
  }

  base::Status Reject(const std::string& reason, const std::string& summary,
                      const std::string& case_id, const SourceOffset& source,
                      const std::string& line) {
    ++sum_.dead_letters;
    if (base::Status st = engine_.StageRejection(reason, summary, case_id, clock_); !st.ok()) {
      engine_.Abort();
      return st;
    }
    engine_.StageOffset(source);
    engine_.StagePut(DeadLetterPut(reason, source, line));
    if (base::Status st = SyncTimer(case_id, std::nullopt); !st.ok()) return st;
    return CountStaged(line.size());
  }

  // Tells the index the case's timer after an input. `fired_at`: the input was
  // a Tick at that instant, so a timer not after it would fire forever.
  base::Status SyncTimer(const std::string& case_id, std::optional<Timestamp> fired_at) {
    if (case_id.empty()) return base::Status::Ok();
    // The staged state's: the store holds only what was committed before the batch.
    auto staged = engine_.NextActionAt(case_id);
    if (!staged.ok()) return staged.status();
    std::optional<Timestamp> next = *staged;
    if (fired_at && next && *next <= *fired_at) {
      ++sum_.stalled_timers;
      next.reset();
    }
    timers_.Set(case_id, next);
    return base::Status::Ok();
  }

  base::Status FireTimers(Timestamp limit) {
    while (auto due = timers_.PopDue(limit)) {
      Timestamp at = std::max(due->first, clock_);  // overdue at start: fire now
      clock_ = at;
      ++sum_.ticks;
      auto staged = engine_.Stage(Tick{due->second, at}, at);
      if (!staged.ok()) {
        engine_.Abort();
        return staged.status();
      }
      if (base::Status st = SyncTimer(due->second, at); !st.ok()) return st;
      if (base::Status st = CountStaged(kTickBytes); !st.ok()) return st;
    }
    return base::Status::Ok();
  }

  base::Status CountEvents() {
    base::Status bad;
    base::Status read =
        log_.Read(first_seq_, log_.next_seq(), [&](uint64_t seq, std::string_view bytes) {
          auto event = DecodeEvent(bytes);
          if (!event.ok()) {
            bad = base::Status::Corruption("event " + std::to_string(seq) + ": " +
                                           event.status().message());
            return false;
          }
          ++sum_.events;
          switch (TypeOf(*event)) {
            case EventType::kPaged:
              ++sum_.pages;
              break;
            case EventType::kEscalated:
              ++sum_.escalations;
              break;
            case EventType::kSlaWarning:
              ++sum_.warnings;
              break;
            case EventType::kBreached:
              ++sum_.breaches;
              break;
            case EventType::kResponded:
              ++sum_.responses;
              break;
            case EventType::kInputRejected:
              ++sum_.rejections;
              break;
            default:
              break;
          }
          return true;
        });
    return read.ok() ? bad : read;
  }

  store::EventLog& log_;
  Engine engine_;
  const SimulationOptions& options_;
  FeedParser parser_;
  TimerIndex timers_;
  Timestamp clock_{};
  uint64_t first_seq_ = 1;
  SimulationSummary sum_;
  uint64_t staged_inputs_ = 0;  // since the last Commit
  uint64_t staged_bytes_ = 0;
};

}  // namespace

base::Result<SimulationSummary> Simulate(store::EventLog& log,
                                         std::shared_ptr<const config::Config> config,
                                         std::istream& input, const SimulationOptions& options) {
  if (log.next_seq() != 1) {
    return base::Status::InvalidInput("the data directory already holds " +
                                      std::to_string(log.next_seq() - 1) +
                                      " events: a simulation starts from an empty log");
  }
  Run run(log, std::move(config), options);
  return run.Go(input);
}

}  // namespace router
