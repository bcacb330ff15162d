#include "tests/sim/simulator.h"

#include <cstdio>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "engine/engine.h"
#include "engine/node.h"
#include "engine/report_rollups.h"
#include "router/codec.h"
#include "router/decide.h"
#include "store/sim_log.h"

namespace sim {

namespace {

using base::Timestamp;
using namespace router;
using std::chrono::milliseconds;

const std::vector<std::string> kAccounts = {"111122223333", "444455556666", "777788889999"};
const std::vector<std::string> kServices = {"medialive", "mediapackage", "cloudfront",
                                            "mediatailor", "amazon-rds"};
const std::vector<std::string> kSeverities = {"critical", "urgent", "high", "normal", "low"};
constexpr char kFeed[] = "support.cases";
constexpr char kCommands[] = "escalator.commands";

// A message on a modelled topic: what the consumer hands the node.
struct Message {
  std::optional<FeedEvent> event;
  std::optional<Acknowledge> ack;
  std::string garbage;  // neither: an unparseable payload
};

// The envelope ids an event records, for the exactly-once check.
const std::string* EventIdOf(const Event& e) {
  return std::visit(
      [](const auto& v) -> const std::string* {
        if constexpr (requires { v.event_id; }) {
          return v.event_id.empty() ? nullptr : &v.event_id;
        } else {
          return nullptr;
        }
      },
      e);
}

uint64_t Fnv1a(uint64_t h, std::string_view bytes) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// Thrown by Check: the run stops at the first broken invariant.
struct Broken {
  std::string what;
};

class Simulator {
 public:
  Simulator(uint64_t seed, std::shared_ptr<const config::Config> config)
      : seed_(seed), rng_(seed), config_(std::move(config)) {
    // Half the seeds write unsynced and sync now and then (power loss then drops what the
    // last sync did not cover); half sync every write, as serve does.
    synced_writes_ = rng_() % 2 == 0;
    Open();
  }

  SimResult Run(int steps) {
    try {
      for (step_ = 0; step_ < steps; ++step_) {
        Advance();
        Produce();
        Consume();
        Fire();
        CheckCases(/*caught_up=*/true);
        Faults();
        CheckCases(/*caught_up=*/false);
        if (step_ % 100 == 99) CheckRebuild();
      }
      // Drain: consume everything, then let every case run out over 40 days.
      ++step_;
      disk_.FailNextWrites(0);
      Consume();
      clock_ += std::chrono::hours(24 * 40);
      Fire();
      CheckCases(/*caught_up=*/true);
      CheckRebuild();
      disk_.Sync();
      durable_next_ = log_->next_seq();
      Crash();  // one last power loss after a sync: nothing may be lost
      CheckExactlyOnce();
    } catch (const Broken& b) {
      result_.ok = false;
      result_.failure = b.what;
    }
    result_.steps = static_cast<uint64_t>(step_);
    result_.events = log_->next_seq() - 1;
    result_.crashes = disk_.counters().crashes;
    result_.lost_unsynced = disk_.counters().unsynced_batches_dropped;
    result_.failed_writes = disk_.counters().writes_failed;
    uint64_t digest = 1469598103934665603ull;
    (void)log_->Read(1, log_->next_seq(), [&](uint64_t, std::string_view bytes) {
      digest = Fnv1a(digest, bytes);
      return true;
    });
    result_.digest = digest;
    return result_;
  }

 private:
  void Check(bool ok, const std::string& what) {
    if (ok) return;
    throw Broken{"seed " + std::to_string(seed_) + " step " + std::to_string(step_) + " (" +
                 base::FormatInstant(clock_) + "): " + what};
  }
  bool Chance(int percent) { return static_cast<int>(rng_() % 100) < percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[rng_() % v.size()];
  }

  void Open() {
    store::Options options;
    options.sync = synced_writes_;
    auto log = store::SimLog::Open(disk_, options);
    Check(log.ok(), "SimLog::Open: " + log.status().ToString());
    log_ = std::move(*log);
    NodeOptions node_options;
    node_options.stuck_source_after = base::Duration(0);
    node_options.hold_until_sources_reported = true;
    auto node = Node::Open(*log_, config_, node_options);
    Check(node.ok(), "Node::Open: " + node.status().ToString());
    node_ = std::move(*node);
    for (const char* topic : {kFeed, kCommands}) {
      auto stored = node_->StoredOffset(topic, 0);
      Check(stored.ok(), "StoredOffset: " + stored.status().ToString());
      position_[topic] = stored->value_or(0);
    }
    ReportSources();
    // The durable prefix survived, byte for byte; what came after it may not have.
    Check(log_->next_seq() >= durable_next_, "the log ends at " + std::to_string(log_->next_seq()) +
                                                 ", before " + std::to_string(durable_next_) +
                                                 " acknowledged as durable");
    (void)log_->Read(1, durable_next_, [&](uint64_t seq, std::string_view bytes) {
      Check(seen_[seq - 1] == bytes, "durable event " + std::to_string(seq) + " changed");
      return true;
    });
    seen_.resize(log_->next_seq() - 1);
    Reindex();
    CheckRebuild();
  }

  // What the checks remember of the log, from the log that survived (a crash may have dropped
  // events whose inputs will be consumed again).
  void Reindex() {
    routings_.clear();
    pages_.clear();
    envelopes_.clear();
    result_.pages = 0;
    for (size_t i = 0; i < seen_.size(); ++i) {
      auto event = DecodeEvent(seen_[i]);
      Check(event.ok(), "event " + std::to_string(i + 1) + " does not decode");
      CheckEvent(*event);
    }
  }

  void Restart() {
    node_.reset();
    log_.reset();
    ++result_.restarts;
    Open();
  }

  void Crash() {
    node_.reset();
    disk_.Crash();
    log_.reset();
    ++result_.restarts;
    Open();
  }

  void Advance() {
    int64_t ms = 0;
    switch (rng_() % 10) {
      case 0:
        break;  // several inputs at one instant
      case 9:
        ms = static_cast<int64_t>(rng_() % (3LL * 24 * 3600 * 1000));  // nights, weekends
        break;
      default:
        ms = static_cast<int64_t>(rng_() % (90LL * 60 * 1000));
    }
    clock_ += milliseconds(ms);
  }

  std::string NewCaseId() {
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(rng_()));
    return "case-" + Pick(kAccounts) + "-muen-2026-" + hex;
  }

  FeedEvent Feed(const std::string& case_id, FeedAction action) {
    FeedEvent fe;
    fe.event_id = "sim-" + std::to_string(seed_) + "-" + std::to_string(++event_ids_);
    fe.case_id = case_id;
    fe.account = case_id.substr(5, 12);
    fe.action = action;
    fe.at = clock_;
    return fe;
  }

  CaseDetails Details(const std::string& case_id, const std::string& service,
                      const std::string& severity) {
    CaseDetails d;
    d.case_id = case_id;
    d.subject = "sim";
    d.status = "opened";
    d.service_code = service;
    d.category_code = "sim";
    d.severity_code = severity;
    d.time_created = clock_;
    d.language = "en";
    return d;
  }

  void Send(const char* topic, Message m) { topics_[topic].push_back(std::move(m)); }

  // Up to three new messages on the topics.
  void Produce() {
    for (int n = static_cast<int>(rng_() % 4); n > 0; --n) {
      int roll = static_cast<int>(rng_() % 100);
      if (cases_.empty() || roll < 25) {
        std::string id = NewCaseId();
        FeedEvent fe = Feed(id, FeedAction::kCreateCase);
        fe.details = Details(id, Pick(kServices), Pick(kSeverities));
        cases_[id] = fe.details->service_code;
        created_.push_back(fe.event_id);
        SendFeed(std::move(fe));
        continue;
      }
      auto it = cases_.begin();
      std::advance(it, rng_() % cases_.size());
      const std::string id = it->first;
      if (roll < 45) {  // an engineer acknowledges (now and then one nobody knows)
        std::string who = Chance(5) ? "nobody-knows-me" : Pick(config_->engineers).id;
        Send(kCommands, Message{std::nullopt, Acknowledge{id, who, clock_}, ""});
      } else if (roll < 60) {
        FeedEvent fe = Feed(id, FeedAction::kAddCommunication);
        fe.origin = Chance(50) ? Origin::kAws : Origin::kCustomer;
        fe.communication_id = fe.event_id;
        if (Chance(20)) fe.details = Details(id, it->second, Pick(kSeverities));
        SendFeed(std::move(fe));
      } else if (roll < 70) {
        SendFeed(Feed(id, FeedAction::kResolveCase));
      } else if (roll < 77) {
        SendFeed(Feed(id, FeedAction::kReopenCase));
      } else if (roll < 90 && !sent_.empty()) {  // a redelivery of an earlier envelope
        Send(kFeed, Message{sent_[rng_() % sent_.size()], std::nullopt, ""});
      } else if (roll < 95) {
        Send(Chance(50) ? kFeed : kCommands, Message{std::nullopt, std::nullopt, "{\"broken"});
      } else {  // an input the core must refuse: a case never opened
        SendFeed(Feed(NewCaseId(), FeedAction::kResolveCase));
      }
    }
  }

  void SendFeed(FeedEvent fe) {
    if (sent_.size() < 2000) sent_.push_back(fe);
    Send(kFeed, Message{std::move(fe), std::nullopt, ""});
  }

  // Hands the node what the topics hold past the consumer's positions, a few at a time,
  // retrying a failed write as the ingest loop does.
  void Consume() {
    for (int round = 0; round < 1000; ++round) {
      std::vector<IngestItem> items;
      std::map<std::string, int64_t> next = position_;
      for (const char* topic : {kFeed, kCommands}) {
        const auto& msgs = topics_[topic];
        size_t take = 1 + rng_() % 4;
        for (int64_t& at = next[topic]; at < static_cast<int64_t>(msgs.size()) && take > 0;
             ++at, --take) {
          const Message& m = msgs[static_cast<size_t>(at)];
          IngestItem item;
          item.topic = topic;
          item.offset = at;
          if (m.event) {
            item.event = &*m.event;
          } else if (m.ack) {
            item.ack = &*m.ack;
          } else {
            item.payload = m.garbage;
            item.rejection = "invalid JSON";
          }
          items.push_back(item);
        }
      }
      if (items.empty()) break;
      Check(Write([&] {
              auto applied = node_->Apply(items, clock_);
              return applied.ok() ? base::Status::Ok() : applied.status();
            }),
            "Apply kept failing");
      position_ = next;
      result_.inputs += items.size();
    }
    ReportSources();
  }

  void ReportSources() {
    std::vector<SourceState> sources;
    for (const char* topic : {kFeed, kCommands}) {
      sources.push_back(
          {topic, 0, position_[topic] == static_cast<int64_t>(topics_[topic].size())});
    }
    node_->ReportSources(sources, clock_);
  }

  void Fire() {
    const uint64_t before = node_->stats().ticks;
    Check(Write([&] { return node_->FireDue(clock_); }), "FireDue kept failing");
    result_.ticks += node_->stats().ticks - before;
    // The relay's first step: pages of cases answered since they were decided never leave.
    Check(Write([&] {
            auto dropped = node_->SupersedeAnsweredPages();
            return dropped.ok() ? base::Status::Ok() : dropped.status();
          }),
          "SupersedeAnsweredPages kept failing");
    CheckOutbox();
    Deliver();
  }

  // The relay sends what is left and deletes it (as pager::OutboxRelay does in serve), so the
  // outbox holds only what the last round decided.
  void Deliver() {
    store::Batch sent;
    (void)log_->Scan(store::Family::kOutbox, "", [&](std::string_view key, std::string_view) {
      sent.puts.push_back({store::Family::kOutbox, std::string(key), std::nullopt});
      return true;
    });
    if (sent.empty()) return;
    // A failed delete leaves the pages to the next round, as in serve.
    if (log_->Append(std::move(sent)).ok() && synced_writes_) durable_next_ = log_->next_seq();
  }

  // No page waits in the outbox for a case answered or resolved after it was decided.
  void CheckOutbox() {
    (void)log_->Scan(store::Family::kOutbox, "", [&](std::string_view key, std::string_view) {
      auto seq = store::DecodeSeq(key);
      Check(seq >= 1 && seq <= seen_.size(),
            "outbox entry for unknown event " + std::to_string(seq));
      auto event = DecodeEvent(seen_[seq - 1]);
      const auto* page = event.ok() ? std::get_if<Paged>(&*event) : nullptr;
      Check(page != nullptr, "outbox entry " + std::to_string(seq) + " is not a page");
      auto state = node_->engine().Load(page->case_id);
      Check(state.ok(), "Load " + page->case_id);
      Check(!SupersedePage(*state, page->engineer, page->at, seq),
            "page " + std::to_string(seq) + " waits for a case answered after it");
      return true;
    });
  }

  // Runs a node write, retrying after an injected failure; then reads what it appended and
  // checks the per-event invariants. Returns false when it failed three times.
  template <typename F>
  bool Write(F write) {
    const uint64_t from = log_->next_seq();
    for (int attempt = 0; attempt < 3; ++attempt) {
      base::Status s = write();
      if (s.ok()) {
        AfterWrite(from);
        return true;
      }
      Check(s.code() == base::Code::kIoError, "a write failed with " + s.ToString());
      Check(log_->next_seq() == from, "a failed write appended events");
      ReportSources();  // the node rolled back its sources with the write
    }
    return false;
  }

  void AfterWrite(uint64_t from) {
    (void)log_->Read(from, log_->next_seq(), [&](uint64_t seq, std::string_view bytes) {
      Check(seen_.size() == seq - 1, "event " + std::to_string(seq) + " out of sequence");
      seen_.emplace_back(bytes);
      auto event = DecodeEvent(bytes);
      Check(event.ok(), "event " + std::to_string(seq) + " does not decode");
      CheckEvent(*event);
      return true;
    });
    if (synced_writes_) durable_next_ = log_->next_seq();
  }

  void CheckEvent(const Event& e) {
    const std::string& id = CaseIdOf(e);
    if (std::holds_alternative<Routed>(e)) ++routings_[id];
    if (const auto* p = std::get_if<Paged>(&e)) {
      ++result_.pages;
      std::ostringstream key;
      key << id << "|" << routings_[id] << "|" << p->cycle << "|" << p->step << "|" << p->engineer;
      Check(pages_.insert(key.str()).second, "engineer " + p->engineer + " paged twice for step " +
                                                 std::to_string(p->step) + " of cycle " +
                                                 std::to_string(p->cycle) + " of " + id);
      Check(config_->FindEngineer(p->engineer) != nullptr, "page to unknown " + p->engineer);
    }
    if (const auto* b = std::get_if<Breached>(&e)) {
      Check(b->at >= b->due, "breach of " + id + " before its due instant");
    }
    // A refused envelope is not remembered, so a redelivery is refused again: only what was
    // applied must appear once. Unparseable messages are named by where they came from.
    if (const auto* r = std::get_if<InputRejected>(&e);
        r && r->raw_summary.find("]@") != std::string::npos) {
      Check(envelopes_.insert(r->raw_summary).second,
            "message " + r->raw_summary + " applied twice");
    }
    if (const std::string* envelope = EventIdOf(e);
        envelope && !std::holds_alternative<InputRejected>(e)) {
      Check(envelopes_.insert(*envelope + "|" + std::string(TypeName(e))).second,
            "envelope " + *envelope + " applied twice (" + std::string(TypeName(e)) + ")");
    }
  }

  void Faults() {
    if (!synced_writes_ && Chance(20)) {  // an fsync: what was written is durable now
      disk_.Sync();
      durable_next_ = log_->next_seq();
    }
    if (Chance(5)) disk_.FailNextWrites(1 + rng_() % 2);
    if (Chance(3)) {
      Crash();
    } else if (Chance(2)) {
      Restart();
    }
  }

  // Every open case waiting for a response has a next action; once every topic is consumed
  // and the due timers fired (`caught_up`), none is at or before the clock.
  void CheckCases(bool caught_up) {
    for (const auto& [id, _] : cases_) {
      auto state = node_->engine().Load(id);
      Check(state.ok(), "Load " + id);
      if (caught_up && state->next_action_at) {
        Check(*state->next_action_at > clock_ || *state->next_action_at == Timestamp::max(),
              "the timer of " + id + " at " + base::FormatInstant(*state->next_action_at) +
                  " did not fire");
      }
      if (!state->opened || state->status != CaseStatus::kOpen || !state->awaiting_response) {
        continue;
      }
      Check(state->next_action_at.has_value() ||
                (state->escalation.has_value() && state->escalation->breached),
            "open unanswered case " + id + " has no next action");
    }
  }

  void CheckRebuild() {
    auto report = node_->engine().Rebuild(/*repair=*/false);
    Check(report.ok(), "Rebuild: " + report.status().ToString());
    std::string why;
    for (const auto& id : report->mismatched) why += " mismatched " + id;
    for (const auto& id : report->missing) why += " missing " + id;
    for (const auto& id : report->extra) why += " extra " + id;
    Check(report->consistent(), "fold of the log != projections:" + why);
    // The report rollups too: kept batch by batch, across failed writes and crashes, they
    // equal a fold of the log from nothing.
    auto rollups = RebuildReportRollups(*log_, config_, /*repair=*/false);
    Check(rollups.ok(), "RebuildReportRollups: " + rollups.status().ToString());
    for (const auto& key : rollups->mismatched) why += " mismatched " + key;
    for (const auto& key : rollups->missing) why += " missing " + key;
    for (const auto& key : rollups->extra) why += " extra " + key;
    Check(rollups->consistent(), "fold of the log != report rollups:" + why);
  }

  void CheckExactlyOnce() {
    for (const char* topic : {kFeed, kCommands}) {
      Check(position_[topic] == static_cast<int64_t>(topics_[topic].size()),
            std::string(topic) + " not consumed to its end");
    }
    for (const std::string& envelope : created_) {
      Check(envelopes_.count(envelope + "|case_opened") == 1,
            "case created by " + envelope + " never opened");
    }
  }

  uint64_t seed_;
  std::mt19937_64 rng_;
  std::shared_ptr<const config::Config> config_;
  bool synced_writes_ = true;
  store::SimDisk disk_;
  std::unique_ptr<store::EventLog> log_;
  std::unique_ptr<Node> node_;
  Timestamp clock_ = *base::ParseInstant("2026-11-02T06:00:00Z");
  int step_ = 0;
  std::map<std::string, std::vector<Message>> topics_;
  std::map<std::string, int64_t> position_;
  std::map<std::string, std::string> cases_;  // case id -> service, for every case created
  std::vector<std::string> created_;          // envelope ids of first CreateCases
  std::vector<FeedEvent> sent_;
  uint64_t event_ids_ = 0;
  // The log as read after each write, and how much of it is durable.
  std::vector<std::string> seen_;
  uint64_t durable_next_ = 1;
  std::map<std::string, int> routings_;
  std::set<std::string> pages_, envelopes_;
  SimResult result_;
};

}  // namespace

SimResult RunSeed(uint64_t seed, std::shared_ptr<const config::Config> config, int steps) {
  Simulator simulator(seed, std::move(config));
  return simulator.Run(steps);
}

}  // namespace sim
