#include "router/engine.h"

#include <algorithm>
#include <charconv>
#include <unordered_set>

#include "router/codec.h"

namespace router {

namespace {

constexpr std::string_view kCasePrefix = "case/";
// Committed projections kept in memory; past this the cache starts over, so
// memory stays bounded however many cases the log holds.
constexpr size_t kMaxCachedCases = 200'000;

std::optional<int64_t> ParseDecimal(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::string CaseKey(std::string_view case_id) {
  std::string k(kCasePrefix);
  k.append(case_id);
  return k;
}

std::string TimerKey(Timestamp due, std::string_view case_id) {
  // Timers are never due before 1970; clamping keeps the key order numeric.
  std::string k =
      store::EncodeSeq(static_cast<uint64_t>(std::max<int64_t>(0, base::ToUnixMillis(due))));
  k.append(case_id);
  return k;
}

base::Result<std::pair<Timestamp, std::string>> DecodeTimerKey(std::string_view key) {
  if (key.size() < 8) return base::Status::Corruption("timer key shorter than 8 bytes");
  uint64_t ms = store::DecodeSeq(key.substr(0, 8));
  return std::pair<Timestamp, std::string>(base::FromUnixMillis(static_cast<int64_t>(ms)),
                                           std::string(key.substr(8)));
}

std::string SourceOffsetKey(std::string_view topic, int32_t partition) {
  std::string k(topic);
  k += '/';
  k += std::to_string(partition);
  return k;
}

Engine::Engine(store::EventLog& log, std::shared_ptr<const config::Config> config)
    : log_(log), config_(std::move(config)) {}

base::Result<Engine::Entry*> Engine::Pending(const std::string& case_id) {
  if (auto it = pending_.find(case_id); it != pending_.end()) return &it->second;
  if (auto it = cache_.find(case_id); it != cache_.end()) {
    return &pending_.emplace(case_id, it->second).first->second;
  }
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
    entry.stored_timer = entry.state.next_action_at;
  }
  return &pending_.emplace(case_id, std::move(entry)).first->second;
}

void Engine::StageEvents(const std::vector<Event>& events) {
  for (const Event& e : events) {
    store::Batch::Event& out = batch_.events.emplace_back();
    AppendEvent(e, &out.bytes);
    const std::string& id = CaseIdOf(e);
    if (!id.empty()) out.index_key = CaseKey(id);
  }
}

base::Result<Staged> Engine::Stage(const Input& input, Timestamp now) {
  const std::string& case_id = CaseOf(input);
  Context ctx{*config_, now};
  if (case_id.empty()) {
    // No case to load or keep: Decide refuses it, and the refusal is logged.
    Decision d = Decide(CaseState{}, input, ctx);
    StageEvents(d.events);
    return Staged{d.events.size(), d.rejection};
  }
  auto entry = Pending(case_id);
  if (!entry.ok()) return entry.status();
  CaseState& state = (*entry)->state;
  Decision d = Decide(state, input, ctx);
  for (const Event& e : d.events) EvolveInPlace(state, e);
  StageEvents(d.events);
  return Staged{d.events.size(), d.rejection};
}

base::Status Engine::StageRejection(const std::string& reason, const std::string& summary,
                                    const std::string& case_id, Timestamp now) {
  std::vector<Event> events{InputRejected{case_id, now, reason, summary, ""}};
  if (!case_id.empty()) {
    // Fold it like any event, so the projection keeps counting refusals.
    auto entry = Pending(case_id);
    if (!entry.ok()) return entry.status();
    EvolveInPlace((*entry)->state, events[0]);
  }
  StageEvents(events);
  return base::Status::Ok();
}

void Engine::StageOffset(const SourceOffset& source) {
  int64_t& next = offsets_[SourceOffsetKey(source.topic, source.partition)];
  next = std::max(next, source.offset + 1);
}

void Engine::StagePut(store::Put put) { batch_.puts.push_back(std::move(put)); }

void Engine::Abort() {
  pending_.clear();
  batch_ = store::Batch{};
  offsets_.clear();
}

base::Result<uint64_t> Engine::Commit() {
  for (auto& [id, e] : pending_) {
    // A case never opened equals the default state: nothing to keep.
    if (e.state.opened) {
      batch_.puts.push_back({store::Family::kProjections, CaseKey(id), EncodeCaseState(e.state)});
    }
    if (e.stored_timer != e.state.next_action_at) {
      if (e.stored_timer) {
        batch_.puts.push_back(
            {store::Family::kTimers, TimerKey(*e.stored_timer, id), std::nullopt});
      }
      if (e.state.next_action_at) {
        batch_.puts.push_back({store::Family::kTimers, TimerKey(*e.state.next_action_at, id), id});
      }
    }
  }
  for (const auto& [key, next] : offsets_) {
    batch_.puts.push_back({store::Family::kOffsets, key, std::to_string(next)});
  }
  uint64_t first = log_.next_seq();
  if (!batch_.empty()) {
    auto appended = log_.Append(batch_);
    if (!appended.ok()) {
      Abort();
      return appended.status();
    }
    first = *appended;
  }
  if (cache_.size() + pending_.size() > kMaxCachedCases) cache_.clear();
  for (auto& [id, e] : pending_) {
    e.stored_timer = e.state.next_action_at;
    cache_.insert_or_assign(id, std::move(e));
  }
  pending_.clear();
  batch_ = store::Batch{};
  offsets_.clear();
  return first;
}

base::Result<Applied> Engine::Apply(const Input& input, const std::optional<SourceOffset>& source,
                                    Timestamp now, std::vector<store::Put> extra) {
  Abort();  // nothing half-staged from an earlier failure may ride along
  auto staged = Stage(input, now);
  if (!staged.ok()) {
    Abort();
    return staged.status();
  }
  if (source) StageOffset(*source);
  for (auto& p : extra) StagePut(std::move(p));
  auto first = Commit();
  if (!first.ok()) return first.status();
  return Applied{*staged, *first};
}

base::Result<Applied> Engine::ApplyRejection(const std::string& reason, const std::string& summary,
                                             const std::string& case_id,
                                             const std::optional<SourceOffset>& source,
                                             Timestamp now, std::vector<store::Put> extra) {
  Abort();
  if (base::Status st = StageRejection(reason, summary, case_id, now); !st.ok()) {
    Abort();
    return st;
  }
  if (source) StageOffset(*source);
  for (auto& p : extra) StagePut(std::move(p));
  auto first = Commit();
  if (!first.ok()) return first.status();
  return Applied{Staged{1, reason}, *first};
}

base::Result<BatchApplied> Engine::ApplyBatch(const std::vector<BatchItem>& items, Timestamp now,
                                              std::vector<store::Put> extra) {
  Abort();
  BatchApplied result;
  result.outcomes.reserve(items.size());
  for (const BatchItem& item : items) {
    auto staged = Stage(item.input, now);
    if (!staged.ok()) {
      Abort();
      return staged.status();
    }
    result.events += staged->events;
    result.outcomes.push_back(*staged);
    if (item.source) StageOffset(*item.source);
  }
  for (auto& p : extra) StagePut(std::move(p));
  auto first = Commit();
  if (!first.ok()) return first.status();
  result.first_seq = *first;
  return result;
}

base::Result<CaseState> Engine::Load(const std::string& case_id) {
  if (auto it = cache_.find(case_id); it != cache_.end()) return it->second.state;
  auto stored = log_.Get(store::Family::kProjections, CaseKey(case_id));
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return CaseState{};
  return DecodeCaseState(**stored);
}

base::Result<std::optional<int64_t>> Engine::StoredOffset(const std::string& topic,
                                                          int32_t partition) {
  auto stored = log_.Get(store::Family::kOffsets, SourceOffsetKey(topic, partition));
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return std::optional<int64_t>();
  auto v = ParseDecimal(**stored);
  if (!v) return base::Status::Corruption("stored offset is not a decimal number: " + **stored);
  return std::optional<int64_t>(*v);
}

base::Result<RebuildReport> Engine::Rebuild(bool repair) {
  RebuildReport report;
  std::unordered_map<std::string, CaseState> folded;
  base::Status decode_error;
  base::Status read = log_.Read(1, log_.next_seq(), [&](uint64_t seq, std::string_view bytes) {
    auto event = DecodeEvent(bytes);
    if (!event.ok()) {
      decode_error = base::Status::Corruption("event " + std::to_string(seq) + ": " +
                                              event.status().message());
      return false;
    }
    ++report.events;
    const std::string& id = CaseIdOf(*event);
    if (id.empty()) return true;
    CaseState& s = folded[id];
    EvolveInPlace(s, *event);
    return true;
  });
  if (!read.ok()) return read;
  if (!decode_error.ok()) return decode_error;

  store::Batch fix;
  std::unordered_set<std::string> stored;
  base::Status scan = log_.Scan(
      store::Family::kProjections, kCasePrefix, [&](std::string_view key, std::string_view value) {
        std::string id(key.substr(kCasePrefix.size()));
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
  std::sort(report.mismatched.begin(), report.mismatched.end());
  std::sort(report.missing.begin(), report.missing.end());
  std::sort(report.extra.begin(), report.extra.end());
  if (!repair) return report;

  // Timers: exactly one per case with a next action, as the fold says.
  std::unordered_set<std::string> want;
  for (const auto& [id, s] : folded) {
    if (s.opened && s.next_action_at) want.insert(TimerKey(*s.next_action_at, id));
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
  cache_.clear();
  return report;
}

}  // namespace router
