#include "engine/engine.h"

#include <algorithm>
#include <charconv>
#include <unordered_set>

#include "base/check.h"
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

std::optional<int64_t> ParseDecimal(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

Engine::Engine(store::EventLog& log, std::shared_ptr<const config::Config> config,
               EngineOptions options)
    : log_(log), config_(std::move(config)) {
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
    if (rollups_ != nullptr) rollups_->Add(seq, e);
    if (const auto* page = std::get_if<Paged>(&e); page != nullptr && state != nullptr) {
      batch_.puts.push_back(
          {store::Family::kOutbox, store::EncodeSeq(seq), OutboxValue(*page, *state)});
      if (keep_new_pages_) staged_pages_.push_back({seq, *batch_.puts.back().value});
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
  const std::string open_owner_before = OpenOwner(state);
  for (const Event& e : d.events) {
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
  CheckInvariant(state);
  StageEvents(d.events, &state);
  return Staged{d.events.size(), d.rejection};
}

base::Status Engine::StageRejection(const std::string& reason, const std::string& summary,
                                    const std::string& case_id, Timestamp now) {
  // Refused before Decide (parsing, time order): the ingest's message, quoted.
  std::vector<Event> events{
      InputRejected{case_id, now, Reason{ReasonCode::kIngestRejected, reason}, summary, ""}};
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
  ClearBatch();
  offsets_.clear();
  staged_pages_.clear();
  if (rollups_ != nullptr) rollups_->Abort();
}

void Engine::ClearBatch() {
  // clear(), not a fresh Batch: the vectors keep their capacity for the next batch.
  batch_.events.clear();
  batch_.puts.clear();
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
  for (auto& page : staged_pages_) new_pages_.push_back(std::move(page));
  staged_pages_.clear();
  return first;
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
