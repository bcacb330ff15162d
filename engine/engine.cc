#include "engine/engine.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <map>
#include <random>
#include <unordered_set>

#include "base/check.h"
#include "engine/changelog.h"
#include "engine/layouts.h"
#include "engine/report_rollups.h"
#include "router/codec.h"

namespace router {

namespace {

// Committed projections kept in memory; past this the cache starts over, so
// memory stays bounded however many cases the log holds.
constexpr size_t kMaxCachedCases = 200'000;

constexpr std::string_view kLoadPrefix = "load/";
constexpr std::string_view kHistoryPrefix = "history/";

// The timer a case needs: none for an instant that never comes.
std::optional<Timestamp> TimerOf(const CaseState& s) {
  if (!s.next_action_at || *s.next_action_at == Timestamp::max()) return std::nullopt;
  return s.next_action_at;
}

// Who owns the case while it is open ("" when nobody or closed).
std::string OpenOwner(const CaseState& s) {
  return s.opened && s.status == CaseStatus::kOpen ? s.owner : std::string();
}

// The engine's invariant (see engine.h); stays on in release builds.
void CheckInvariant(const CaseState& s) {
  if (!s.opened || s.status != CaseStatus::kOpen || !s.awaiting_response) return;
  if (!s.escalation) return;  // never routed: documented in engine.h
  const EscalationState& x = *s.escalation;
  const bool scheduled = s.next_action_at.has_value();
  const bool finished = x.exhausted && x.warned && x.breached;
  CHECK(!x.stopped && s.next_action_at == NextActionAt(x) && (scheduled || finished),
        "engine: open case " + s.case_id + " waits for a response with no next action scheduled");
}

void AppendHistory(std::vector<HandledCase>& h, HandledCase c) {
  h.push_back(std::move(c));
  if (h.size() > kMaxHistoryPerAccount) h.erase(h.begin());
}

// Changelog records stay under this many bytes of events (Kafka's default message.max.bytes
// is 1 MB; an event is at most the feed's 64 KiB message and what the core adds to it).
constexpr size_t kMaxChangelogRecordBytes = 256 * 1024;

// event_partitions_ of an event restored from another log's record: not in this log's own.
constexpr int32_t kImported = -2;

// The paged_seq an event names (delivered, delivery_failed, page_superseded), or null.
uint64_t* MutablePagedSeq(Event& e) {
  if (auto* d = std::get_if<Delivered>(&e)) return &d->paged_seq;
  if (auto* f = std::get_if<DeliveryFailed>(&e)) return &f->paged_seq;
  if (auto* s = std::get_if<PageSuperseded>(&e)) return &s->paged_seq;
  return nullptr;
}
uint64_t PagedSeqOf(const Event& e) {
  auto* seq = MutablePagedSeq(const_cast<Event&>(e));
  return seq ? *seq : 0;
}

std::optional<int64_t> ParseDecimal(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

Engine::Engine(store::EventLog& log, std::shared_ptr<const config::Config> config,
               EngineOptions options)
    : log_(log), config_(std::move(config)), changelog_(options.changelog) {
  if (options.report_rollups) rollups_ = std::make_unique<ReportRollups>(log_, config_);
}

Engine::~Engine() = default;

bool Engine::report_rollups_kept() { return rollups_ != nullptr && rollups_->Active(); }

base::Result<Engine::Entry*> Engine::Pending(const std::string& case_id) {
  auto it = cache_.find(case_id);
  if (it == cache_.end()) {
    auto stored = log_.Get(store::Family::kProjections, CaseKey(case_id));
    if (!stored.ok()) return stored.status();
    Entry entry;
    if (stored->has_value()) {
      auto state = DecodeCaseState(**stored);
      if (!state.ok()) {
        return base::Status::Corruption("projection of case '" + case_id +
                                        "': " + state.status().message());
      }
      entry.state = std::move(*state);
      entry.stored_timer = TimerOf(entry.state);
    }
    it = cache_.emplace(case_id, std::move(entry)).first;
  }
  if (!it->second.staged) {
    it->second.staged = true;
    staged_.emplace_back(&it->first, &it->second);
  }
  return &it->second;
}

void Engine::DropCommittedFromCache() {
  // What is dropped from memory must be readable from the store. Flush has no errors
  // (EventLog::Flush retries a failing write); were it to fail, the engine would reload stale
  // states.
  CHECK_OK(log_.Flush());
  for (auto it = cache_.begin(); it != cache_.end();) {
    it = it->second.staged ? std::next(it) : cache_.erase(it);
  }
}

void Engine::StageEvents(const std::vector<Event>& events, const CaseState* state) {
  for (const Event& e : events) {
    // The engine is the log's only writer: staged events take the next seqs in order.
    const uint64_t seq = log_.next_seq() + batch_.events.size();
    store::Batch::Event& out = batch_.events.emplace_back();
    // One allocation instead of the string doubling its way up from empty: nearly every
    // event encodes to under 512 bytes (~250 on average).
    out.bytes.reserve(512);
    AppendEvent(e, &out.bytes);
    const std::string& id = CaseIdOf(e);
    if (!id.empty()) out.index_key = CaseKey(id);
    if (changelog_) {
      event_partitions_.push_back(importing_ ? kImported : input_partition_);
      event_page_refs_.push_back(PagedSeqOf(e));
    }
    if (rollups_ != nullptr) rollups_->Add(seq, e);
    if (const auto* page = std::get_if<Paged>(&e); page != nullptr && state != nullptr) {
      batch_.puts.push_back(
          {store::Family::kOutbox, store::EncodeSeq(seq), OutboxValue(*page, *state)});
      // A restored page may be delivered already (its receipt comes in a later record): the
      // pager takes restored pages from the outbox once the restore is done (pager::Desk).
      if (keep_new_pages_ && !importing_) {
        staged_pages_.push_back({seq, *batch_.puts.back().value});
      }
    }
  }
}

base::Result<std::map<std::string, int>*> Engine::PendingLoads() {
  if (!pending_loads_) {
    if (!loads_) {
      std::map<std::string, int> loaded;
      base::Status bad;
      base::Status scan = log_.Scan(
          store::Family::kProjections, kLoadPrefix,
          [&](std::string_view key, std::string_view value) {
            auto n = ParseDecimal(value);
            if (!n) {
              bad =
                  base::Status::Corruption("load projection is not a number: " + std::string(key));
              return false;
            }
            loaded[std::string(key.substr(kLoadPrefix.size()))] = static_cast<int>(*n);
            return true;
          });
      if (!scan.ok()) return scan;
      if (!bad.ok()) return bad;
      loads_ = std::move(loaded);
    }
    pending_loads_ = *loads_;
  }
  return &*pending_loads_;
}

base::Result<std::vector<HandledCase>*> Engine::PendingHistory(const std::string& account) {
  if (auto it = pending_history_.find(account); it != pending_history_.end()) return &it->second;
  if (auto it = history_.find(account); it != history_.end()) {
    return &pending_history_.emplace(account, it->second).first->second;
  }
  std::vector<HandledCase> h;
  if (!account.empty()) {
    auto stored = log_.Get(store::Family::kProjections, std::string(kHistoryPrefix) + account);
    if (!stored.ok()) return stored.status();
    if (stored->has_value()) {
      auto decoded = DecodeHistory(**stored, account);
      if (!decoded.ok()) return decoded.status();
      h = std::move(*decoded);
    }
  }
  return &pending_history_.emplace(account, std::move(h)).first->second;
}

base::Result<Staged> Engine::Stage(const Input& input, Timestamp now) {
  const std::string& case_id = CaseOf(input);
  Context ctx{*config_, now};
  if (case_id.empty()) {
    // No case to load or keep: Decide refuses it, and the refusal is logged.
    Decision d = Decide(CaseState{}, input, ctx);
    StageEvents(d.events, nullptr);
    return Staged{d.events.size(), d.rejection};
  }
  if (changelog_) {
    if (base::Status s = TiePartition(case_id); !s.ok()) return s;
  }
  auto entry = Pending(case_id);
  if (!entry.ok()) return entry.status();
  CaseState& state = (*entry)->state;
  // A case never opened has nothing in the rollups either (refusals fold to nothing): spare
  // them a read of the store.
  if (rollups_ != nullptr && !state.opened) rollups_->KnownEmpty(case_id);
  std::string account = state.account;
  if (const auto* fe = std::get_if<FeedEvent>(&input); fe != nullptr && account.empty()) {
    account = fe->account;
  }
  auto loads = PendingLoads();
  if (!loads.ok()) return loads.status();
  auto history = PendingHistory(account);
  if (!history.ok()) return history.status();
  ctx.history = *history;
  ctx.open_cases = *loads;
  Decision d = Decide(state, input, ctx);
  if (base::Status s = EvolveTracked(state, d.events); !s.ok()) return s;
  CheckInvariant(state);
  StageEvents(d.events, &state);
  return Staged{d.events.size(), d.rejection};
}

base::Status Engine::EvolveTracked(CaseState& state, const std::vector<Event>& events) {
  auto loads = PendingLoads();
  if (!loads.ok()) return loads.status();
  const std::string open_owner_before = OpenOwner(state);
  for (const Event& e : events) {
    const bool unowned = state.owner.empty();
    EvolveInPlace(state, e);
    if (unowned && !state.owner.empty()) {
      // The case's first owner: a case of this customer they handled.
      auto h = PendingHistory(state.account);
      if (!h.ok()) return h.status();
      AppendHistory(**h, HandledCase{state.owner, state.account, AtOf(e)});
      batch_.puts.push_back({store::Family::kProjections,
                             std::string(kHistoryPrefix) + state.account, EncodeHistory(**h)});
    }
  }
  if (const std::string after = OpenOwner(state); after != open_owner_before) {
    auto put = [&](const std::string& engineer, int delta) {
      int& n = (**loads)[engineer];
      n = std::max(0, n + delta);
      batch_.puts.push_back(
          {store::Family::kProjections, std::string(kLoadPrefix) + engineer,
           n == 0 ? std::nullopt : std::optional<std::string>(std::to_string(n))});
    };
    if (!open_owner_before.empty()) put(open_owner_before, -1);
    if (!after.empty()) put(after, +1);
  }
  return base::Status::Ok();
}

base::Status Engine::StageRejection(const std::string& reason, const std::string& summary,
                                    const std::string& case_id, Timestamp now) {
  // Refused before Decide (parsing, time order): the ingest's message, quoted.
  std::vector<Event> events{
      InputRejected{case_id, now, Reason{ReasonCode::kIngestRejected, reason}, summary, ""}};
  if (!case_id.empty() && changelog_) {
    if (base::Status s = TiePartition(case_id); !s.ok()) return s;
  }
  if (!case_id.empty()) {
    // Fold it like any event, so the projection keeps counting refusals.
    auto entry = Pending(case_id);
    if (!entry.ok()) return entry.status();
    EvolveInPlace((*entry)->state, events[0]);
  }
  StageEvents(events, nullptr);
  return base::Status::Ok();
}

base::Result<bool> Engine::StageSupersededPage(uint64_t paged_seq, const std::string& case_id,
                                               const std::string& engineer, Timestamp page_at) {
  auto entry = Pending(case_id);
  if (!entry.ok()) return entry.status();
  auto superseded = SupersedePage((*entry)->state, engineer, page_at, paged_seq);
  if (!superseded) return false;
  std::vector<Event> events{*superseded};
  EvolveInPlace((*entry)->state, events[0]);
  StageEvents(events, nullptr);
  batch_.puts.push_back({store::Family::kOutbox, store::EncodeSeq(paged_seq), std::nullopt});
  return true;
}

void Engine::StageDelivered(const Delivered& receipt) {
  StageEvents({receipt}, nullptr);
  batch_.puts.push_back(
      {store::Family::kOutbox, store::EncodeSeq(receipt.paged_seq), std::nullopt});
}

void Engine::StageDeliveryFailed(const DeliveryFailed& failure, std::string outbox_value) {
  StageEvents({failure}, nullptr);
  batch_.puts.push_back(
      {store::Family::kOutbox, store::EncodeSeq(failure.paged_seq), std::move(outbox_value)});
}

void Engine::StageOffset(const SourceOffset& source) {
  int64_t& next = offsets_[OffsetKey(source.topic, source.partition)];
  next = std::max(next, source.offset + 1);
}

void Engine::StagePut(store::Put put) { batch_.puts.push_back(std::move(put)); }

void Engine::Abort() {
  if (!staged_.empty()) {
    // The staged states are dropped, so the next use reloads them from the
    // store: let a write-behind store finish the batches before (as above, it cannot fail).
    CHECK_OK(log_.Flush());
    for (const auto& [id, entry] : staged_) cache_.erase(cache_.find(*id));
    staged_.clear();
  }
  pending_loads_.reset();
  pending_history_.clear();
  pending_partitions_.clear();
  pending_changelog_next_.clear();
  pending_page_local_.clear();
  ClearBatch();
  offsets_.clear();
  staged_pages_.clear();
  if (rollups_ != nullptr) rollups_->Abort();
}

void Engine::ClearBatch() {
  // clear(), not a fresh Batch: the vectors keep their capacity for the next batch.
  batch_.events.clear();
  batch_.puts.clear();
  event_partitions_.clear();
  event_page_refs_.clear();
}

base::Result<uint64_t> Engine::Commit() {
  for (const auto& [id_ptr, entry] : staged_) {
    const std::string& id = *id_ptr;
    const Entry& e = *entry;
    // A case never opened equals the default state: nothing to keep.
    if (e.state.opened) {
      batch_.puts.push_back({store::Family::kProjections, CaseKey(id), EncodeCaseState(e.state)});
    }
    const auto timer = TimerOf(e.state);
    if (e.stored_timer != timer) {
      if (e.stored_timer) {
        batch_.puts.push_back(
            {store::Family::kTimers, TimerKey(*e.stored_timer, id), std::nullopt});
      }
      if (timer) batch_.puts.push_back({store::Family::kTimers, TimerKey(*timer, id), id});
    }
  }
  for (const auto& [key, next] : offsets_) {
    batch_.puts.push_back({store::Family::kOffsets, key, std::to_string(next)});
  }
  uint64_t first = log_.next_seq();
  if (changelog_) {
    if (base::Status staged = StageChangelog(first); !staged.ok()) {
      Abort();
      return staged;
    }
  }
  if (rollups_ != nullptr) {
    // In the same batch: the rollups describe exactly the log they are written with.
    base::Status staged = rollups_->Stage(first + batch_.events.size(), &batch_.puts);
    if (!staged.ok()) {
      Abort();
      return staged;
    }
  }
  if (!batch_.empty()) {
    auto appended = log_.Append(std::move(batch_));
    if (!appended.ok()) {
      Abort();
      return appended.status();
    }
    first = *appended;
  }
  if (rollups_ != nullptr) rollups_->Committed();
  if (cache_.size() > kMaxCachedCases) DropCommittedFromCache();
  for (const auto& [id, entry] : staged_) {
    entry->stored_timer = TimerOf(entry->state);
    entry->staged = false;
  }
  staged_.clear();
  if (pending_loads_) loads_ = std::move(pending_loads_);
  pending_loads_.reset();
  if (history_.size() + pending_history_.size() > kMaxCachedCases) {
    CHECK_OK(log_.Flush());  // the history is reloaded from the store (see above)
    history_.clear();
  }
  for (auto& [account, h] : pending_history_) history_.insert_or_assign(account, std::move(h));
  pending_history_.clear();
  ClearBatch();
  offsets_.clear();
  if (changelog_) {
    if (partitions_.size() > kMaxCachedCases) partitions_.clear();  // reread from the store
    for (auto& [id, p] : pending_partitions_) partitions_.insert_or_assign(id, p);
    pending_partitions_.clear();
    for (auto& [p, next] : pending_changelog_next_) changelog_next_[p] = next;
    pending_changelog_next_.clear();
    pending_page_local_.clear();
  }
  for (auto& page : staged_pages_) new_pages_.push_back(std::move(page));
  staged_pages_.clear();
  return first;
}

base::Result<std::optional<int32_t>> Engine::PartitionOf(const std::string& case_id) {
  if (auto it = pending_partitions_.find(case_id); it != pending_partitions_.end()) {
    return std::optional<int32_t>(it->second);
  }
  if (auto it = partitions_.find(case_id); it != partitions_.end()) {
    return std::optional<int32_t>(it->second);
  }
  auto stored = log_.Get(store::Family::kProjections, PartitionKey(case_id));
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return std::optional<int32_t>();
  auto p = ParseDecimal(**stored);
  if (!p || *p < 0 || *p > INT32_MAX) {
    return base::Status::Corruption("partition of case '" + case_id +
                                    "' is not a partition: " + **stored);
  }
  partitions_[case_id] = static_cast<int32_t>(*p);
  return std::optional<int32_t>(static_cast<int32_t>(*p));
}

base::Status Engine::TiePartition(const std::string& case_id) {
  if (input_partition_ < 0) return base::Status::Ok();
  auto known = PartitionOf(case_id);
  if (!known.ok()) return known.status();
  if (*known) return base::Status::Ok();
  pending_partitions_[case_id] = input_partition_;
  batch_.puts.push_back(
      {store::Family::kProjections, PartitionKey(case_id), std::to_string(input_partition_)});
  return base::Status::Ok();
}

base::Status Engine::StageChangelog(uint64_t first_seq) {
  std::map<int32_t, ChangelogRecord> records;
  for (size_t i = 0; i < batch_.events.size(); ++i) {
    const store::Batch::Event& e = batch_.events[i];
    int32_t partition = event_partitions_[i];
    if (partition == kImported) continue;  // its owner's record has it
    if (!e.index_key.empty()) {
      auto p = PartitionOf(e.index_key.substr(kCaseKeyPrefix.size()));
      if (!p.ok()) return p.status();
      if (*p) partition = **p;
    }
    // A case never tied to a partition (only acknowledged by a device, never seen on a topic)
    // has no owner to hand over to: its events stay local.
    if (partition < 0) continue;
    ChangelogRecord::Event out{first_seq + i, e.bytes, 0};
    if (const uint64_t ref = event_page_refs_[i]; ref != 0) {
      // A page this log restored: the record names it as the log that wrote it did.
      auto origin = log_.Get(store::Family::kProjections, PageOriginKey(ref));
      if (!origin.ok()) return origin.status();
      if (origin->has_value()) {
        const size_t slash = (*origin)->find('/');
        auto w = ParseDecimal(std::string_view(**origin).substr(0, slash));
        auto s = slash == std::string::npos
                     ? std::nullopt
                     : ParseDecimal(std::string_view(**origin).substr(slash + 1));
        if (!w || !s) return base::Status::Corruption("page origin: " + **origin);
        Event decoded;
        if (base::Status d = DecodeEventInto(e.bytes, &decoded); !d.ok()) return d;
        *MutablePagedSeq(decoded) = static_cast<uint64_t>(*s);
        out.bytes = EncodeEvent(decoded);
        out.ref_writer = static_cast<uint64_t>(*w);
      }
    }
    records[partition].events.push_back(std::move(out));
  }
  for (const auto& [key, next] : offsets_) {
    const size_t slash = key.rfind('/');
    auto p = ParseDecimal(std::string_view(key).substr(slash + 1));
    if (slash == std::string::npos || !p) continue;
    records[static_cast<int32_t>(*p)].offsets.emplace_back(key.substr(0, slash), next);
  }
  if (records.empty()) return base::Status::Ok();
  auto writer = WriterId();
  if (!writer.ok()) return writer.status();
  for (auto& [partition, whole] : records) {
    auto next = PendingChangelogNext(partition);
    if (!next.ok()) return next.status();
    // A big write (a batch of a thousand new cases) is cut into records under the topic's
    // message size; the offsets ride in the last, so a restore that stops between them
    // consumes the inputs again rather than skipping them.
    size_t from = 0;
    do {
      ChangelogRecord record;
      record.partition = partition;
      record.writer = *writer;
      record.pseq = (**next)++;
      size_t bytes = 0;
      while (from < whole.events.size() &&
             (record.events.empty() ||
              bytes + whole.events[from].bytes.size() <= kMaxChangelogRecordBytes)) {
        bytes += whole.events[from].bytes.size() + 16;
        record.events.push_back(std::move(whole.events[from++]));
      }
      if (from == whole.events.size()) record.offsets = std::move(whole.offsets);
      batch_.puts.push_back({store::Family::kChangelogOutbox,
                             ChangelogOutboxKey(partition, record.pseq),
                             EncodeChangelogRecord(record)});
    } while (from < whole.events.size());
    batch_.puts.push_back(
        {store::Family::kProjections, ChangelogNextKey(partition), std::to_string(**next)});
  }
  return base::Status::Ok();
}

base::Result<uint64_t*> Engine::PendingChangelogNext(int32_t partition) {
  if (auto it = pending_changelog_next_.find(partition); it != pending_changelog_next_.end()) {
    return &it->second;
  }
  if (auto c = changelog_next_.find(partition); c != changelog_next_.end()) {
    return &(pending_changelog_next_[partition] = c->second);
  }
  auto stored = log_.Get(store::Family::kProjections, ChangelogNextKey(partition));
  if (!stored.ok()) return stored.status();
  uint64_t n = 0;
  if (stored->has_value()) {
    auto v = ParseDecimal(**stored);
    if (!v || *v < 0) return base::Status::Corruption("changelog next record: " + **stored);
    n = static_cast<uint64_t>(*v);
  }
  return &(pending_changelog_next_[partition] = n);
}

base::Result<uint64_t> Engine::ChangelogNext(int32_t partition) {
  auto next = PendingChangelogNext(partition);
  if (!next.ok()) return next.status();
  return **next;
}

base::Result<uint64_t> Engine::WriterId() {
  if (writer_) return *writer_;
  auto stored = log_.Get(store::Family::kProjections, std::string(kChangelogWriterKey));
  if (!stored.ok()) return stored.status();
  if (stored->has_value()) {
    auto v = ParseDecimal(**stored);
    if (!v || *v <= 0) return base::Status::Corruption("changelog writer id: " + **stored);
    writer_ = static_cast<uint64_t>(*v);
    return *writer_;
  }
  // Random, not the host's name: a data directory copied to another machine is the same log.
  std::random_device rd;
  uint64_t id = 0;
  while (id == 0) id = (uint64_t{rd()} << 31 ^ rd()) & INT64_MAX;
  writer_ = id;
  // In the batch of the first record that names it (rewritten after a failed write: harmless,
  // nothing durable named the lost one).
  batch_.puts.push_back(
      {store::Family::kProjections, std::string(kChangelogWriterKey), std::to_string(id)});
  return id;
}

base::Result<std::optional<uint64_t>> Engine::LocalPage(uint64_t writer, uint64_t seq) {
  const std::string key = PageLocalKey(writer, seq);
  if (auto it = pending_page_local_.find(key); it != pending_page_local_.end()) {
    return std::optional<uint64_t>(it->second);
  }
  auto stored = log_.Get(store::Family::kProjections, key);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return std::optional<uint64_t>();
  auto v = ParseDecimal(**stored);
  if (!v || *v <= 0) return base::Status::Corruption(key + ": " + **stored);
  return std::optional<uint64_t>(static_cast<uint64_t>(*v));
}

base::Result<std::vector<std::string>> Engine::StageImported(const ChangelogRecord& record) {
  struct Importing {
    Engine* e;
    ~Importing() { e->importing_ = false; }
  } importing{this};
  importing_ = true;
  input_partition_ = record.partition;
  std::vector<std::string> touched;
  Event ev;
  for (const auto& e : record.events) {
    if (base::Status s = DecodeEventInto(e.bytes, &ev); !s.ok()) {
      return base::Status::Corruption("changelog partition " + std::to_string(record.partition) +
                                      " record " + std::to_string(record.pseq) + ": " +
                                      s.message());
    }
    std::optional<uint64_t> local_page;  // the page this event names, in this log
    if (uint64_t* ref = MutablePagedSeq(ev); ref != nullptr && *ref != 0) {
      auto local = LocalPage(e.ref_writer != 0 ? e.ref_writer : record.writer, *ref);
      if (!local.ok()) return local.status();
      local_page = *local;
      *ref = local_page.value_or(0);  // 0: a page this log never had (nothing to point at)
    }
    if (std::holds_alternative<Paged>(ev)) {
      const uint64_t seq = log_.next_seq() + batch_.events.size();
      const std::string key = PageLocalKey(record.writer, e.seq);
      pending_page_local_[key] = seq;
      batch_.puts.push_back({store::Family::kProjections, key, std::to_string(seq)});
      batch_.puts.push_back({store::Family::kProjections, PageOriginKey(seq),
                             std::to_string(record.writer) + "/" + std::to_string(e.seq)});
    }
    const std::string& id = CaseIdOf(ev);
    if (id.empty()) {
      StageEvents({ev}, nullptr);
    } else {
      if (base::Status s = TiePartition(id); !s.ok()) return s;
      auto entry = Pending(id);
      if (!entry.ok()) return entry.status();
      if (base::Status s = EvolveTracked((*entry)->state, {ev}); !s.ok()) return s;
      StageEvents({ev}, &(*entry)->state);
      if (touched.empty() || touched.back() != id) touched.push_back(id);
    }
    if (local_page) {
      if (const auto* failed = std::get_if<DeliveryFailed>(&ev)) {
        auto value = log_.Get(store::Family::kOutbox, store::EncodeSeq(*local_page));
        if (!value.ok()) return value.status();
        if (value->has_value()) {
          batch_.puts.push_back({store::Family::kOutbox, store::EncodeSeq(*local_page),
                                 MarkDeliveryFailed(**value, failed->at)});
        }
      } else {
        batch_.puts.push_back(
            {store::Family::kOutbox, store::EncodeSeq(*local_page), std::nullopt});
      }
    }
  }
  for (const auto& [topic, next] : record.offsets) {
    batch_.puts.push_back(
        {store::Family::kOffsets, OffsetKey(topic, record.partition), std::to_string(next)});
  }
  auto next = PendingChangelogNext(record.partition);
  if (!next.ok()) return next.status();
  **next = record.pseq + 1;
  batch_.puts.push_back(
      {store::Family::kProjections, ChangelogNextKey(record.partition), std::to_string(**next)});
  return touched;
}

base::Result<CaseState> Engine::Load(const std::string& case_id) {
  // A staged state is not committed yet: the store has the committed one.
  if (auto it = cache_.find(case_id); it != cache_.end() && !it->second.staged) {
    return it->second.state;
  }
  auto stored = log_.Get(store::Family::kProjections, CaseKey(case_id));
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return CaseState{};
  return DecodeCaseState(**stored);
}

base::Result<std::optional<Timestamp>> Engine::NextActionAt(const std::string& case_id) {
  if (auto it = cache_.find(case_id); it != cache_.end()) return it->second.state.next_action_at;
  auto state = Load(case_id);
  if (!state.ok()) return state.status();
  return state->next_action_at;
}

base::Result<std::optional<int64_t>> Engine::StoredOffset(const std::string& topic,
                                                          int32_t partition) {
  auto stored = log_.Get(store::Family::kOffsets, OffsetKey(topic, partition));
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return std::optional<int64_t>();
  auto v = ParseDecimal(**stored);
  if (!v) return base::Status::Corruption("stored offset is not a decimal number: " + **stored);
  return std::optional<int64_t>(*v);
}

base::Result<RebuildReport> Engine::Rebuild(bool repair) {
  if (base::Status flushed = log_.Flush(); !flushed.ok()) return flushed;  // read all appended
  RebuildReport report;
  std::unordered_map<std::string, CaseState> folded;
  std::map<std::string, std::vector<HandledCase>> histories;
  base::Status decode_error;
  Event decoded;  // reused: a fresh ~1 KiB Event per record would cost a tenth of the fold
  const Event* event = &decoded;
  base::Status read = log_.Read(1, log_.next_seq(), [&](uint64_t seq, std::string_view bytes) {
    if (base::Status s = DecodeEventInto(bytes, &decoded); !s.ok()) {
      decode_error = base::Status::Corruption("event " + std::to_string(seq) + ": " + s.message());
      return false;
    }
    ++report.events;
    const std::string& id = CaseIdOf(*event);
    if (id.empty()) return true;
    CaseState& s = folded[id];
    const bool unowned = s.owner.empty();
    EvolveInPlace(s, *event);
    if (unowned && !s.owner.empty()) {
      AppendHistory(histories[s.account], HandledCase{s.owner, s.account, AtOf(*event)});
    }
    return true;
  });
  if (!read.ok()) return read;
  if (!decode_error.ok()) return decode_error;

  store::Batch fix;
  std::unordered_set<std::string> stored;
  base::Status scan = log_.Scan(
      store::Family::kProjections, kCaseKeyPrefix,
      [&](std::string_view key, std::string_view value) {
        std::string id(key.substr(kCaseKeyPrefix.size()));
        stored.insert(id);
        auto it = folded.find(id);
        if (it == folded.end() || !it->second.opened) {
          report.extra.push_back(id);
          fix.puts.push_back({store::Family::kProjections, std::string(key), std::nullopt});
          return true;
        }
        auto state = DecodeCaseState(value);
        if (!state.ok() || !(*state == it->second)) {
          report.mismatched.push_back(id);
          fix.puts.push_back(
              {store::Family::kProjections, std::string(key), EncodeCaseState(it->second)});
        }
        return true;
      });
  if (!scan.ok()) return scan;
  for (const auto& [id, s] : folded) {
    if (!s.opened) continue;
    ++report.cases;
    if (!stored.count(id)) {
      report.missing.push_back(id);
      fix.puts.push_back({store::Family::kProjections, CaseKey(id), EncodeCaseState(s)});
    }
  }
  // The derived projections for `familiar`: loads and histories, as the fold says.
  std::map<std::string, std::string> derived;
  std::map<std::string, int> loads;
  for (const auto& [id, s] : folded) {
    if (const std::string owner = OpenOwner(s); !owner.empty()) ++loads[owner];
  }
  for (const auto& [engineer, n] : loads) {
    derived[std::string(kLoadPrefix) + engineer] = std::to_string(n);
  }
  for (const auto& [account, h] : histories) {
    derived[std::string(kHistoryPrefix) + account] = EncodeHistory(h);
  }
  for (std::string_view prefix : {kLoadPrefix, kHistoryPrefix}) {
    base::Status st = log_.Scan(
        store::Family::kProjections, prefix, [&](std::string_view key, std::string_view value) {
          auto it = derived.find(std::string(key));
          if (it == derived.end() || it->second != value) {
            report.mismatched.emplace_back(key);
            if (it == derived.end()) {
              fix.puts.push_back({store::Family::kProjections, std::string(key), std::nullopt});
            }
          }
          if (it != derived.end()) {
            if (it->second != value) {
              fix.puts.push_back({store::Family::kProjections, it->first, it->second});
            }
            derived.erase(it);
          }
          return true;
        });
    if (!st.ok()) return st;
  }
  for (const auto& [key, value] : derived) {
    report.missing.push_back(key);
    fix.puts.push_back({store::Family::kProjections, key, value});
  }
  std::sort(report.mismatched.begin(), report.mismatched.end());
  std::sort(report.missing.begin(), report.missing.end());
  std::sort(report.extra.begin(), report.extra.end());
  if (!repair) return report;

  // Timers: exactly one per case with a next action, as the fold says.
  std::unordered_set<std::string> want;
  for (const auto& [id, s] : folded) {
    if (auto timer = TimerOf(s); s.opened && timer) want.insert(TimerKey(*timer, id));
  }
  base::Status timers =
      log_.Scan(store::Family::kTimers, "", [&](std::string_view key, std::string_view) {
        if (!want.erase(std::string(key))) {
          fix.puts.push_back({store::Family::kTimers, std::string(key), std::nullopt});
        }
        return true;
      });
  if (!timers.ok()) return timers;
  for (const auto& key : want) {
    fix.puts.push_back({store::Family::kTimers, key, key.substr(8)});
  }
  report.repaired = fix.puts.size();
  if (!fix.empty()) {
    auto appended = log_.Append(fix);
    if (!appended.ok()) return appended.status();
  }
  DropCommittedFromCache();
  loads_.reset();
  history_.clear();
  return report;
}

}  // namespace router
