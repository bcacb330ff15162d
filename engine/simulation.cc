#include "engine/simulation.h"

#include <algorithm>
#include <deque>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>

#include "engine/node.h"
#include "feed/commands.h"
#include "feed/feed_parser.h"
#include "router/codec.h"

namespace router {

namespace {

// A line is a command when it is a JSON object with a top-level "type" (feed
// envelopes have none: "detail-type" is not one), so only lines that mention it
// pay for a second parse.
bool IsCommandLine(std::string_view line) {
  if (line.find("\"type\"") == std::string_view::npos) return false;
  nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  return j.is_object() && j.contains("type");
}

// The lines of one batch and what the node reads of them: stable addresses until
// the batch is applied (IngestItem holds views and pointers).
struct PendingBatch {
  std::deque<std::string> lines, reasons, cases, wheres;
  std::deque<FeedEvent> events;
  std::deque<Acknowledge> acks;
  std::deque<Snapshot> snapshots;
  std::vector<IngestItem> items;
  uint64_t bytes = 0;
  void Clear() {
    lines.clear();
    reasons.clear();
    cases.clear();
    wheres.clear();
    events.clear();
    acks.clear();
    snapshots.clear();
    items.clear();
    bytes = 0;
  }
};

class Run {
 public:
  Run(store::EventLog& log, std::shared_ptr<const config::Config> config,
      const SimulationOptions& options)
      : log_(log),
        config_(std::move(config)),
        options_(options),
        parser_(ParserOptions(*config_)) {}

  base::Result<SimulationSummary> Go(std::istream& input) {
    NodeOptions node_options;
    node_options.refuse_out_of_order = true;
    node_options.stuck_source_after = base::Duration(0);  // one timeline, never stuck
    node_options.report_rollups = options_.report_rollups;
    auto node = Node::Open(log_, config_, node_options);
    if (!node.ok()) return node.status();
    node_ = std::move(*node);
    node_->ReportSources({{kInputTopic, 0, false}}, Timestamp{});
    first_seq_ = log_.next_seq();

    std::string line;
    int64_t line_no = -1;
    while (std::getline(input, line)) {
      ++line_no;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      ++sum_.lines;
      Add(std::move(line), line_no);
      if (batch_.items.size() >= std::max<uint64_t>(1, options_.batch_inputs) ||
          batch_.bytes >= options_.batch_bytes) {
        if (base::Status st = ApplyBatch(); !st.ok()) return st;
      }
      if (options_.progress && options_.progress_every > 0 &&
          sum_.lines % options_.progress_every == 0) {
        if (base::Status st = ApplyBatch(); !st.ok()) return st;
        options_.progress(
            {sum_.lines, node_->stats().ticks, log_.next_seq() - first_seq_, node_->clock()});
      }
      line.clear();
    }
    if (base::Status st = ApplyBatch(); !st.ok()) return st;
    std::optional<Timestamp> end = options_.until;
    if (!end && sum_.last_input) end = *sum_.last_input + options_.horizon;
    if (end) {
      // The input is consumed to its end: time runs on to `end`.
      node_->ReportSources({{kInputTopic, 0, true}}, *end);
      if (base::Status st = node_->FireDue(*end); !st.ok()) return st;
    }
    const NodeStats& n = node_->stats();
    sum_.feed_events = n.feed_events;
    sum_.acks = n.acks;
    sum_.ticks = n.ticks;
    sum_.duplicates = n.duplicates;
    sum_.dead_letters = n.dead_letters;
    sum_.out_of_order = n.out_of_order;
    sum_.stalled_timers = n.stalled;
    sum_.pending_timers = node_->pending_timers();
    if (sum_.lines > 0) sum_.clock = node_->clock();
    if (base::Status st = CountEvents(); !st.ok()) return st;
    return sum_;
  }

 private:
  static FeedParserOptions ParserOptions(const config::Config& config) {
    FeedParserOptions o;
    o.severity_map = config.severity_map;
    return o;
  }

  // Parses one line into the batch (or counts it as past `until`).
  void Add(std::string&& text, int64_t line_no) {
    const std::string& line = batch_.lines.emplace_back(std::move(text));
    IngestItem item;
    item.topic = kInputTopic;
    item.partition = 0;
    item.offset = line_no;
    item.payload = line;
    item.where = batch_.wheres.emplace_back("line " + std::to_string(line_no + 1));
    std::optional<Timestamp> at;
    if (IsCommandLine(line)) {
      std::string& case_id = batch_.cases.emplace_back();
      auto ack = ParseCommand(line, &case_id);
      if (ack.ok()) {
        item.ack = &batch_.acks.emplace_back(std::move(*ack));
        at = item.ack->at;
      } else {
        item.rejection = batch_.reasons.emplace_back(ack.status().message());
        item.rejected_case = case_id;
      }
    } else if (LooksLikeSnapshot(line)) {
      SnapshotParseResult r = parser_.ParseSnapshot(line);
      if (auto* snap = std::get_if<Snapshot>(&r)) {
        item.snapshot = &batch_.snapshots.emplace_back(std::move(*snap));
        at = item.snapshot->taken_at;
      } else {
        item.rejection = batch_.reasons.emplace_back(std::get<FeedRejection>(r).reason);
      }
    } else {
      FeedParseResult r = parser_.Parse(line);
      if (auto* fe = std::get_if<FeedEvent>(&r)) {
        item.event = &batch_.events.emplace_back(std::move(*fe));
        at = item.event->at;
      } else {
        item.rejection = batch_.reasons.emplace_back(std::get<FeedRejection>(r).reason);
      }
    }
    if (at && options_.until && *at > *options_.until) {
      ++sum_.not_reached;
      return;
    }
    if (at) {
      if (!sum_.first_input) sum_.first_input = *at;
      // Out-of-order lines are refused by the node and leave the clock alone.
      if (!sum_.last_input || *at >= *sum_.last_input) sum_.last_input = *at;
    }
    batch_.bytes += line.size();
    batch_.items.push_back(item);
  }

  base::Status ApplyBatch() {
    if (batch_.items.empty()) return base::Status::Ok();
    auto applied = node_->Apply(batch_.items, Timestamp{});
    batch_.Clear();
    return applied.ok() ? base::Status::Ok() : applied.status();
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
  std::shared_ptr<const config::Config> config_;
  const SimulationOptions& options_;
  FeedParser parser_;
  std::unique_ptr<Node> node_;
  uint64_t first_seq_ = 1;
  SimulationSummary sum_;
  PendingBatch batch_;
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
