#include "engine/node.h"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <nlohmann/json.hpp>
#include <variant>

#include "engine/changelog.h"
#include "engine/engine.h"
#include "engine/layouts.h"
#include "engine/timer_index.h"
#include "feed/dead_letter.h"

namespace router {

namespace {

// The partition an input ties its case to (engine changelog): none for a device's.
int32_t SourcePartition(const IngestItem& item) {
  return IsDirectChannel(item.topic) ? -1 : item.partition;
}

}  // namespace

namespace {

Timestamp InstantOf(const Input& input) {
  return std::visit([](const auto& i) { return i.at; }, input);
}

std::string Where(const IngestItem& item) {
  if (!item.where.empty()) return std::string(item.where);
  return std::string(item.topic) + "[" + std::to_string(item.partition) + "]@" +
         std::to_string(item.offset);
}

}  // namespace

Node::Node() = default;
Node::~Node() = default;

base::Result<std::unique_ptr<Node>> Node::Open(store::EventLog& log,
                                               std::shared_ptr<const config::Config> config,
                                               NodeOptions options) {
  std::unique_ptr<Node> node(new Node());
  node->log_ = &log;
  node->options_ = options;
  node->engine_ = std::make_unique<Engine>(
      log, std::move(config),
      EngineOptions{.report_rollups = options.report_rollups, .changelog = options.changelog});
  auto timers = TimerIndex::Load(log);
  if (!timers.ok()) return timers.status();
  node->timers_ = std::make_unique<TimerIndex>(std::move(*timers));
  return node;
}

size_t Node::pending_timers() const { return timers_->size(); }

std::optional<Timestamp> Node::earliest_timer() const {
  auto next = timers_->Next();
  if (!next) return std::nullopt;
  return next->first;
}

std::optional<Timestamp> Node::Watermark(Timestamp now) const {
  if (!sources_reported_) return std::nullopt;
  std::optional<Timestamp> w;
  for (const auto& [key, s] : sources_) {
    const bool stuck = !s.caught_up && options_.stuck_source_after.count() > 0 &&
                       now - s.moved_at >= options_.stuck_source_after;
    Timestamp at;
    if (s.caught_up || stuck) {
      at = now;
    } else if (s.progress) {
      at = *s.progress;
    } else {
      return std::nullopt;  // lagging, nothing applied from it yet
    }
    w = w ? std::min(*w, at) : at;
  }
  return w ? *w : now;
}

void Node::ReportSources(const std::vector<SourceState>& sources, Timestamp now) {
  std::map<std::pair<std::string, int32_t>, Source> next;
  for (const auto& s : sources) {
    Source& n = next[{s.topic, s.partition}];
    auto old = sources_.find({s.topic, s.partition});
    if (old != sources_.end()) n = old->second;
    // The stuck clock runs from the moment a source is seen lagging.
    if (old == sources_.end() || (old->second.caught_up && !s.caught_up)) n.moved_at = now;
    n.caught_up = s.caught_up;
  }
  sources_ = std::move(next);
  sources_reported_ = true;
}

std::optional<base::Duration> Node::UntilNextTimer(Timestamp now) const {
  auto next = timers_->Next();
  if (!next) return std::nullopt;
  return std::max(base::Duration(0), next->first - now);
}

struct Node::Owned {
  std::string topic, payload, rejection, rejected_case, where;
  std::optional<FeedEvent> event;
  std::optional<Acknowledge> ack;
  std::optional<Snapshot> snapshot;
};

bool Node::Admit(const SourceKey& key, const IngestItem& item, Timestamp now,
                 std::optional<Timestamp>* at) {
  if (IsDirectChannel(item.topic)) {  // no source: no offset, no event-time progress
    if (item.ack) *at = item.ack->at;
    return true;
  }
  Source& source = sources_[key];
  if (item.offset < source.admitted_next) return false;  // a retry of what the node took
  source.admitted_next = item.offset + 1;
  if (item.event) *at = item.event->at;
  if (item.ack) *at = item.ack->at;
  if (item.snapshot) *at = item.snapshot->taken_at;
  if (*at && (!source.progress || **at > *source.progress)) {
    source.progress = **at;
    source.moved_at = now;
  }
  return true;
}

base::Result<ApplyOutcome> Node::Apply(const std::vector<IngestItem>& items, Timestamp now) {
  Saved saved{sources_, clock_, stats_};
  std::map<SourceKey, size_t> held_before;
  for (const auto& [key, queue] : held_) held_before[key] = queue.size();
  engine_->Abort();  // nothing half-staged from an earlier failure may ride along
  released_.clear();
  ApplyOutcome outcome;
  if (!sources_reported_ && !options_.hold_until_sources_reported && held_count_ == 0) {
    // No event time to keep yet: the inputs apply in the order given.
    for (const auto& item : items) {
      SourceKey key{std::string(item.topic), item.partition};
      std::optional<Timestamp> at;
      if (!Admit(key, item, now, &at)) continue;
      if (base::Status s = ApplyItem(item, now, outcome); !s.ok()) {
        return Rollback(s, saved, held_before);
      }
    }
    if (base::Status s = Commit(); !s.ok()) return Rollback(s, saved, held_before);
    return outcome;
  }
  for (const auto& item : items) {
    SourceKey key{std::string(item.topic), item.partition};
    std::optional<Timestamp> at;
    if (!Admit(key, item, now, &at)) continue;
    held_[std::move(key)].push_back(Pending{item, at, nullptr});
    ++held_count_;
  }
  base::Status s = Release(now, outcome);
  if (s.ok()) s = Commit();
  if (!s.ok()) return Rollback(s, saved, held_before);
  KeepHeld();
  return outcome;
}

base::Result<Node::DirectOutcome> Node::ApplyDirect(const IngestItem& item, Timestamp now) {
  Saved saved{sources_, clock_, stats_};
  std::map<SourceKey, size_t> held_before;
  for (const auto& [key, queue] : held_) held_before[key] = queue.size();
  engine_->Abort();
  released_.clear();
  DirectOutcome result;
  if (item.ack != nullptr) {
    auto before = engine_->Load(item.ack->case_id);
    if (!before.ok()) return before.status();
    result.awaited_response =
        before->opened && before->status == CaseStatus::kOpen && before->awaiting_response;
  }
  base::Status s = ApplyItem(item, now, result.outcome);
  if (s.ok()) s = Commit();
  if (!s.ok()) return Rollback(s, saved, held_before);
  return result;
}

base::Status Node::FireDue(Timestamp now) {
  auto w = Watermark(now);
  auto next = timers_->Next();
  const bool timer_due = w && next && next->first <= *w;
  if (!timer_due && held_count_ == 0) return base::Status::Ok();
  Saved saved{sources_, clock_, stats_};
  std::map<SourceKey, size_t> held_before;
  for (const auto& [key, queue] : held_) held_before[key] = queue.size();
  engine_->Abort();
  released_.clear();
  ApplyOutcome outcome;
  base::Status s = Release(now, outcome);
  if (s.ok() && w) s = FireUpTo(*w, now);
  if (s.ok()) s = Commit();
  if (!s.ok()) return Rollback(s, saved, held_before);
  KeepHeld();
  return s;
}

// Applies the held inputs the watermark allows, earliest event time first across the sources
// (an unparsed one as soon as it heads its source), so inputs of different sources apply in
// the order simulate would read them from one timeline.
base::Status Node::Release(Timestamp now, ApplyOutcome& outcome) {
  const std::optional<Timestamp> w = Watermark(now);
  // A cursor per source with something held, in a min-heap on its head's event time (an
  // unparsed head first; ties in source order): O(log sources) per input, for 256 partitions.
  struct Cursor {
    std::deque<Pending>* queue;
    size_t* next;
  };
  std::vector<Cursor> cursors;
  for (auto& [key, queue] : held_) {
    size_t& next = released_[key];
    if (next < queue.size()) cursors.push_back({&queue, &next});
  }
  auto head_at = [&](size_t i) {
    const Pending& p = (*cursors[i].queue)[*cursors[i].next];
    return p.at ? *p.at : Timestamp::min();
  };
  auto later = [&](size_t a, size_t b) {
    const Timestamp ta = head_at(a), tb = head_at(b);
    return ta != tb ? ta > tb : a > b;
  };
  std::vector<size_t> heap(cursors.size());
  for (size_t i = 0; i < heap.size(); ++i) heap[i] = i;
  std::make_heap(heap.begin(), heap.end(), later);
  size_t released = 0;
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), later);
    Cursor& c = cursors[heap.back()];
    const Pending& p = (*c.queue)[*c.next];
    const bool over = held_count_ - released > options_.max_held;
    if (p.at && !over && (!w || *p.at > *w)) break;
    if (base::Status s = ApplyItem(p.item, now, outcome); !s.ok()) return s;
    ++*c.next;
    ++released;
    if (*c.next < c.queue->size()) {
      std::push_heap(heap.begin(), heap.end(), later);
    } else {
      heap.pop_back();
    }
  }
  return base::Status::Ok();
}

// After a successful write: drops what it applied, and copies what is still held out of the
// caller's buffers.
void Node::KeepHeld() {
  for (auto& [key, n] : released_) {
    auto& queue = held_[key];
    queue.erase(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(n));
    held_count_ -= n;
  }
  released_.clear();
  for (auto it = held_.begin(); it != held_.end();) {
    auto& queue = it->second;
    for (auto p = queue.rbegin(); p != queue.rend() && !p->owned; ++p) {
      auto o = std::make_shared<Owned>();
      IngestItem& item = p->item;
      o->topic = item.topic;
      o->payload = item.payload;
      o->rejection = item.rejection;
      o->rejected_case = item.rejected_case;
      o->where = item.where;
      if (item.event) o->event = *item.event;
      if (item.ack) o->ack = *item.ack;
      if (item.snapshot) o->snapshot = *item.snapshot;
      item.topic = o->topic;
      item.payload = o->payload;
      item.rejection = o->rejection;
      item.rejected_case = o->rejected_case;
      item.where = o->where;
      item.event = o->event ? &*o->event : nullptr;
      item.ack = o->ack ? &*o->ack : nullptr;
      item.snapshot = o->snapshot ? &*o->snapshot : nullptr;
      p->owned = std::move(o);
    }
    it = queue.empty() ? held_.erase(it) : std::next(it);
  }
}

base::Status Node::Rollback(base::Status failure, Saved& saved,
                            const std::map<SourceKey, size_t>& held_before) {
  sources_ = std::move(saved.sources);
  clock_ = saved.clock;
  stats_ = saved.stats;
  released_.clear();
  held_count_ = 0;
  for (auto it = held_.begin(); it != held_.end();) {
    auto before = held_before.find(it->first);
    const size_t keep = before == held_before.end() ? 0 : before->second;
    it->second.resize(keep);  // what this call handed over is handed over again by the retry
    held_count_ += keep;
    it = keep == 0 ? held_.erase(it) : std::next(it);
  }
  return Recover(failure);
}

base::Status Node::ApplyItem(const IngestItem& item, Timestamp now, ApplyOutcome& outcome) {
  if (item.event) {
    input_ = *item.event;
  } else if (item.ack) {
    input_ = *item.ack;
  } else if (item.snapshot) {
    return ApplySnapshot(item, now, outcome);
  } else {
    return Reject(item, std::string(item.rejection), std::string(item.rejected_case),
                  Where(item) + ", " + std::to_string(item.payload.size()) + " bytes", now,
                  outcome);
  }
  const Timestamp at = InstantOf(input_);
  const std::string& case_id = CaseOf(input_);
  if (options_.refuse_out_of_order && at < clock_) {
    ++stats_.out_of_order;
    return Reject(item,
                  "out of time order: " + base::FormatInstant(at) +
                      " is before the simulated clock " + base::FormatInstant(clock_),
                  case_id, Where(item), now, outcome);
  }
  std::optional<std::string> refused;
  if (base::Status s = StageInput(SourcePartition(item), now, outcome, &refused); !s.ok()) return s;
  if (refused) KeepDeadLetter(item, *refused, outcome);
  if (!IsDirectChannel(item.topic)) {
    engine_->StageOffset({std::string(item.topic), item.partition, item.offset});
  }
  return base::Status::Ok();
}

// A snapshot's cases apply one after another, each as the feed event it is (a case refused by
// the parser or the core does not stop the others), under the one offset of the message. Every
// refused case has its input_rejected event; the message is ONE dead letter naming them all.
base::Status Node::ApplySnapshot(const IngestItem& item, Timestamp now, ApplyOutcome& outcome) {
  const Snapshot& snap = *item.snapshot;
  ++stats_.snapshots;
  if (options_.refuse_out_of_order && snap.taken_at < clock_) {
    ++stats_.out_of_order;
    return Reject(item,
                  "out of time order: " + base::FormatInstant(snap.taken_at) +
                      " is before the simulated clock " + base::FormatInstant(clock_),
                  "", Where(item), now, outcome);
  }
  std::vector<std::string> refusals;
  for (const FeedEvent& fe : snap.cases) {
    input_ = fe;
    std::optional<std::string> refused;
    if (base::Status s = StageInput(SourcePartition(item), now, outcome, &refused); !s.ok())
      return s;
    if (refused) refusals.push_back(fe.case_id + ": " + *refused);
  }
  for (const Snapshot::BadCase& bad : snap.bad_cases) {
    // Stamped like every refusal: the node's event time (Reject).
    Timestamp stamp = std::max(clock_, snap.taken_at);
    engine_->SetInputPartition(SourcePartition(item));
    if (base::Status s =
            engine_->StageRejection(bad.reason, "snapshot " + Where(item), bad.case_id, stamp);
        !s.ok()) {
      return s;
    }
    if (base::Status s = SyncTimer(bad.case_id, std::nullopt, stamp); !s.ok()) return s;
    refusals.push_back(bad.reason);
  }
  if (!refusals.empty()) {
    std::string reason = "snapshot of account " + snap.account + ": " +
                         std::to_string(refusals.size()) + " of " + std::to_string(snap.listed) +
                         " case(s) refused, the others applied:";
    for (const std::string& r : refusals) reason += " [" + r + "]";
    KeepDeadLetter(item, reason, outcome);
  }
  if (!IsDirectChannel(item.topic)) {
    engine_->StageOffset({std::string(item.topic), item.partition, item.offset});
  }
  return base::Status::Ok();
}

void Node::KeepDeadLetter(const IngestItem& item, const std::string& reason,
                          ApplyOutcome& outcome) {
  ++stats_.dead_letters;
  DeadLetter d{reason, std::string(item.topic), item.partition, item.offset,
               std::string(item.payload)};
  std::string key = DeadLetterKey(d.topic, d.partition, d.offset);
  if (options_.dead_letter_outbox) engine_->StagePut({store::Family::kDeadLetterOutbox, key, ""});
  engine_->StagePut({store::Family::kDeadLetters, std::move(key), EncodeDeadLetter(d)});
  outcome.dead_letters.push_back(std::move(d));
}

// Fires what is due before input_, stages it, counts it and follows its case's timer; a refusal
// by the core goes to *refused (its input_rejected event is staged), for the caller to keep.
base::Status Node::StageInput(int32_t partition, Timestamp now, ApplyOutcome& outcome,
                              std::optional<std::string>* refused) {
  const Timestamp at = InstantOf(input_);
  const std::string& case_id = CaseOf(input_);
  // Most inputs find no timer due: the watermark (a look at every source) only when one may be.
  if (auto next = timers_->Next(); next && next->first <= at) {
    if (auto w = Watermark(now)) {
      if (base::Status s = FireUpTo(std::min(*w, at), now); !s.ok()) return s;
    }
  }
  if (base::Status s = FireOwn(case_id, at, now); !s.ok()) return s;
  clock_ = std::max(clock_, at);

  ++stats_.inputs;
  if (std::holds_alternative<FeedEvent>(input_)) {
    ++stats_.feed_events;
  } else {
    ++stats_.acks;
  }
  const auto stage_start = options_.on_decided ? std::chrono::steady_clock::now()
                                               : std::chrono::steady_clock::time_point{};
  engine_->SetInputPartition(partition);
  auto staged = engine_->Stage(input_, at);
  if (options_.on_decided) {
    options_.on_decided(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - stage_start).count());
  }
  if (!staged.ok()) return staged.status();
  if (staged->rejection) {
    *refused = std::move(*staged->rejection);
  } else if (staged->duplicate()) {
    ++stats_.duplicates;
    ++outcome.duplicates;
  } else {
    ++stats_.appended;
    ++outcome.appended;
  }
  return SyncTimer(case_id, std::nullopt, at);
}

base::Status Node::Reject(const IngestItem& item, const std::string& reason,
                          const std::string& case_id, const std::string& summary, Timestamp now,
                          ApplyOutcome& outcome) {
  // When it was refused: the node's event time, or the clock once every source is caught up.
  Timestamp stamp = clock_;
  if (auto w = Watermark(now); w && std::min(*w, now) > stamp) stamp = std::min(*w, now);
  engine_->SetInputPartition(SourcePartition(item));
  if (base::Status s = engine_->StageRejection(reason, summary, case_id, stamp); !s.ok()) return s;
  if (!IsDirectChannel(item.topic)) {
    engine_->StageOffset({std::string(item.topic), item.partition, item.offset});
  }
  KeepDeadLetter(item, reason, outcome);
  return SyncTimer(case_id, std::nullopt, stamp);
}

base::Status Node::FireUpTo(Timestamp limit, Timestamp now) {
  while (auto due = timers_->PopDue(limit)) {
    if (base::Status s = FireOne(due->first, due->second, now); !s.ok()) return s;
  }
  return base::Status::Ok();
}

base::Status Node::FireOwn(const std::string& case_id, Timestamp limit, Timestamp now) {
  while (auto due = timers_->Get(case_id)) {
    if (*due > limit) break;
    timers_->Set(case_id, std::nullopt);
    if (base::Status s = FireOne(*due, case_id, now); !s.ok()) return s;
  }
  return base::Status::Ok();
}

base::Status Node::FireOne(Timestamp due, const std::string& case_id, Timestamp now) {
  clock_ = std::max(clock_, due);
  ++stats_.ticks;
  stats_.max_late_ms = std::max<int64_t>(stats_.max_late_ms, (now - due).count());
  engine_->SetInputPartition(-1);  // a timer has no source: its case's partition counts
  auto staged = engine_->Stage(Tick{case_id, due}, due);
  if (!staged.ok()) return staged.status();
  return SyncTimer(case_id, due, due);
}

base::Status Node::SyncTimer(const std::string& case_id, std::optional<Timestamp> fired_at,
                             Timestamp floor) {
  if (case_id.empty()) return base::Status::Ok();
  // The staged state's: the store holds only what was committed before the batch.
  auto staged = engine_->NextActionAt(case_id);
  if (!staged.ok()) return staged.status();
  std::optional<Timestamp> next = *staged;
  if (next == Timestamp::max()) next.reset();  // an instant that never comes
  if (fired_at && next && *next <= *fired_at) {
    ++stats_.stalled;  // it would fire forever
    next.reset();
  }
  if (next && *next < floor) next = floor;  // never before the input that set it
  if (next && owned_) {
    auto owns = Owns(case_id);
    if (!owns.ok()) return owns.status();
    if (!*owns) next.reset();  // its partition's owner fires it
  }
  timers_->Set(case_id, next);
  return base::Status::Ok();
}

base::Status Node::Commit() {
  auto committed = engine_->Commit();
  return committed.ok() ? base::Status::Ok() : committed.status();
}

base::Status Node::Recover(base::Status failure) {
  engine_->Abort();
  // The store is the truth: the timers popped or moved for the lost batch come back from it.
  if (base::Status s = ReloadTimers(); !s.ok()) return s;
  return failure;
}

base::Result<std::vector<OutboxPage>> Node::OutboxPages() {
  // Reads see written batches only: everything applied is written first.
  if (base::Status s = log_->Flush(); !s.ok()) return s;
  std::vector<OutboxPage> pages;
  base::Status scan =
      log_->Scan(store::Family::kOutbox, "", [&](std::string_view key, std::string_view value) {
        if (key.size() != 8) return true;  // not a page: the relay reports it
        auto page = ParseOutboxPage(store::DecodeSeq(key), value);
        if (page) pages.push_back(std::move(*page));
        return true;
      });
  if (!scan.ok()) return scan;
  return pages;
}

base::Result<std::vector<uint64_t>> Node::SupersedePages(const std::vector<OutboxPage>& pages) {
  engine_->Abort();
  std::vector<uint64_t> dropped;
  for (const OutboxPage& p : pages) {
    engine_->SetInputPartition(-1);
    auto staged = engine_->StageSupersededPage(p.seq, p.case_id, p.engineer, p.at);
    if (!staged.ok()) {
      engine_->Abort();
      return staged.status();
    }
    if (*staged) dropped.push_back(p.seq);
  }
  if (dropped.empty()) return dropped;
  if (base::Status s = Commit(); !s.ok()) return s;
  return dropped;
}

base::Result<uint64_t> Node::SupersedeAnsweredPages() {
  auto pages = OutboxPages();
  if (!pages.ok()) return pages.status();
  auto dropped = SupersedePages(*pages);
  if (!dropped.ok()) return dropped.status();
  return dropped->size();
}

base::Status Node::RecordDeliveries(const std::vector<Delivered>& receipts,
                                    const std::vector<FailedDelivery>& failures) {
  if (receipts.empty() && failures.empty()) return base::Status::Ok();
  engine_->Abort();
  engine_->SetInputPartition(-1);
  for (const Delivered& r : receipts) engine_->StageDelivered(r);
  for (const FailedDelivery& f : failures) engine_->StageDeliveryFailed(f.event, f.outbox_value);
  if (base::Status s = Commit(); !s.ok()) return s;
  stats_.delivered += receipts.size();
  stats_.delivery_failed += failures.size();
  return base::Status::Ok();
}

base::Result<std::optional<int64_t>> Node::StoredOffset(const std::string& topic,
                                                        int32_t partition) {
  return engine_->StoredOffset(topic, partition);
}

base::Status Node::Flush() { return log_->Flush(); }

base::Result<std::vector<std::pair<std::string, std::string>>> Node::PendingDeadLetters(
    size_t limit) {
  // Reads see written batches only: everything applied is written first.
  if (base::Status s = log_->Flush(); !s.ok()) return s;
  std::vector<std::string> keys;
  base::Status scan =
      log_->Scan(store::Family::kDeadLetterOutbox, "", [&](std::string_view key, std::string_view) {
        keys.emplace_back(key);
        return keys.size() < limit;
      });
  if (!scan.ok()) return scan;
  std::vector<std::pair<std::string, std::string>> pending;
  std::vector<std::string> orphans;
  for (std::string& key : keys) {
    auto letter = log_->Get(store::Family::kDeadLetters, key);
    if (!letter.ok()) return letter.status();
    if (!letter->has_value()) {
      orphans.push_back(std::move(key));  // never written by Apply, which puts both at once
      continue;
    }
    pending.emplace_back(std::move(key), std::move(**letter));
  }
  if (!orphans.empty()) {
    if (base::Status s = ConfirmDeadLetters(orphans); !s.ok()) return s;
  }
  return pending;
}

base::Result<bool> Node::Owns(const std::string& case_id) {
  if (!owned_) return true;
  auto p = engine_->PartitionOf(case_id);
  if (!p.ok()) return p.status();
  return !*p || owned_->count(**p) > 0;
}

base::Status Node::SetOwnedPartitions(const std::vector<int32_t>& partitions) {
  owned_ = std::set<int32_t>(partitions.begin(), partitions.end());
  // Held inputs of a partition given up were never applied, and their offsets never stored:
  // the next owner consumes them again. Its source starts afresh if it comes back.
  for (auto it = held_.begin(); it != held_.end();) {
    if (!IsDirectChannel(it->first.first) && owned_->count(it->first.second) == 0) {
      held_count_ -= it->second.size();
      released_.erase(it->first);
      it = held_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = sources_.begin(); it != sources_.end();) {
    it = owned_->count(it->first.second) == 0 ? sources_.erase(it) : std::next(it);
  }
  return ReloadTimers();
}

base::Status Node::ReloadTimers() {
  if (base::Status s = log_->Flush(); !s.ok()) return s;  // the timers as written
  base::Status bad;
  auto keep = [&](std::string_view case_id) {
    auto owns = Owns(std::string(case_id));
    if (!owns.ok()) {
      bad = owns.status();
      return false;
    }
    return *owns;
  };
  auto timers = owned_ ? TimerIndex::Load(*log_, keep) : TimerIndex::Load(*log_);
  if (!timers.ok()) return timers.status();
  if (!bad.ok()) return bad;
  *timers_ = std::move(*timers);
  return base::Status::Ok();
}

base::Result<uint64_t> Node::ChangelogNext(int32_t partition) {
  return engine_->ChangelogNext(partition);
}

base::Status Node::ImportChangelog(const std::vector<ChangelogRecord>& records) {
  engine_->Abort();
  std::vector<std::string> touched;
  for (const ChangelogRecord& r : records) {
    auto cases = engine_->StageImported(r);
    if (!cases.ok()) {
      engine_->Abort();
      return cases.status();
    }
    touched.insert(touched.end(), cases->begin(), cases->end());
  }
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  for (const std::string& id : touched) {
    // Overdue steps fire at the next FireDue: the earlier owner did not get to them.
    if (base::Status s = SyncTimer(id, std::nullopt, Timestamp{}); !s.ok()) return Recover(s);
  }
  if (base::Status s = Commit(); !s.ok()) return Recover(s);
  return base::Status::Ok();
}

base::Result<std::vector<ChangelogEntry>> Node::PendingChangelog(size_t limit) {
  if (base::Status s = log_->Flush(); !s.ok()) return s;  // none leaves before it is durable
  std::vector<ChangelogEntry> pending;
  base::Status bad;
  base::Status scan = log_->Scan(
      store::Family::kChangelogOutbox, "", [&](std::string_view key, std::string_view value) {
        auto decoded = DecodeChangelogOutboxKey(key);
        if (!decoded.ok()) {
          bad = decoded.status();
          return false;
        }
        pending.push_back({std::string(key), decoded->first,
                           ChangelogTopicKey(decoded->first, decoded->second), std::string(value)});
        return pending.size() < limit;
      });
  if (!scan.ok()) return scan;
  if (!bad.ok()) return bad;
  return pending;
}

base::Status Node::ConfirmChangelog(const std::vector<std::string>& outbox_keys) {
  if (outbox_keys.empty()) return base::Status::Ok();
  store::Batch batch;
  for (const std::string& key : outbox_keys) {
    batch.puts.push_back({store::Family::kChangelogOutbox, key, std::nullopt});
  }
  auto appended = log_->Append(std::move(batch));
  return appended.ok() ? base::Status::Ok() : appended.status();
}

base::Status Node::ConfirmDeadLetters(const std::vector<std::string>& keys) {
  if (keys.empty()) return base::Status::Ok();
  store::Batch batch;
  for (const std::string& key : keys) {
    batch.puts.push_back({store::Family::kDeadLetterOutbox, key, std::nullopt});
  }
  auto appended = log_->Append(std::move(batch));
  return appended.ok() ? base::Status::Ok() : appended.status();
}

}  // namespace router
