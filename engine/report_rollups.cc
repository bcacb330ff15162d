#include "engine/report_rollups.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "base/check.h"
#include "engine/report_keys.h"
#include "router/codec.h"

namespace router {

namespace {

// Past these, the committed entries are dropped from memory and read again when
// needed, so memory stays bounded however many cases and days the log holds.
constexpr size_t kMaxCachedCases = 200'000;
constexpr size_t kMaxCachedBuckets = 100'000;

std::optional<int64_t> ParseDecimal(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

base::Result<report::RollupFigures> DecodeValue(std::string_view bytes, report::RollupFigures*) {
  return report::RollupFigures::Decode(bytes);
}
base::Result<report::RollupLoad> DecodeValue(std::string_view bytes, report::RollupLoad*) {
  return report::RollupLoad::Decode(bytes);
}
base::Result<ReportDayValue> DecodeValue(std::string_view bytes, ReportDayValue*) {
  auto v = DecodeReportDay(bytes);
  if (!v) return base::Status::Corruption("not a horizon and a count");
  return *v;
}

std::optional<std::string> EncodeValue(const report::RollupFigures& v) {
  if (v.empty()) return std::nullopt;
  return v.Encode();
}
std::optional<std::string> EncodeValue(const report::RollupLoad& v) {
  if (v.empty()) return std::nullopt;
  return v.Encode();
}
std::optional<std::string> EncodeValue(const ReportDayValue& v) { return EncodeReportDay(v); }

}  // namespace

// Values under keys, committed (as stored) and pending (changed by the staged work).
template <typename V>
struct ReportRollups::Buckets {
  std::unordered_map<std::string, V> committed;
  std::unordered_map<std::string, V> pending;

  // The pending value under `key` (a copy of the committed one, the stored one, or
  // a default one), or an error reading the store.
  base::Result<V*> Touch(const store::EventLog& log, bool fresh, const std::string& key) {
    if (auto it = pending.find(key); it != pending.end()) return &it->second;
    auto it = committed.find(key);
    if (it == committed.end()) {
      V value{};
      if (!fresh) {
        auto stored = log.Get(store::Family::kProjections, key);
        if (!stored.ok()) return stored.status();
        if (stored->has_value()) {
          auto decoded = DecodeValue(**stored, static_cast<V*>(nullptr));
          if (!decoded.ok()) {
            return base::Status::Corruption("report rollup " + PrintableKey(key) + ": " +
                                            decoded.status().message());
          }
          value = std::move(*decoded);
        }
      }
      it = committed.emplace(key, std::move(value)).first;
    }
    return &pending.emplace(key, it->second).first->second;
  }

  void Stage(std::vector<store::Put>* puts) const {
    for (const auto& [key, value] : pending) {
      puts->push_back({store::Family::kProjections, key, EncodeValue(value)});
    }
  }

  void Committed() {
    for (auto& [key, value] : pending) committed.insert_or_assign(key, std::move(value));
    pending.clear();
  }
};

struct ReportRollups::CaseEntry {
  report::CaseFold fold;
  // What the stored rollups hold of each clock (by index): its contribution, keyed by
  // the case fields in `applied_header`; its placement says where its record is.
  std::vector<report::ClockRollup> applied;
  report::CaseSummary applied_header;  // the case's fields, no clocks
  bool staged = false;
  std::vector<int> dirty;  // clocks changed by the staged events
};

namespace {

// The case's own fields, without its clocks.
report::CaseSummary HeaderOf(const report::CaseSummary& s) {
  report::CaseSummary h;
  h.case_id = s.case_id;
  h.display_id = s.display_id;
  h.account = s.account;
  h.service = s.service;
  h.opened = s.opened;
  return h;
}

bool SameHeader(const report::CaseSummary& a, const report::CaseSummary& b) {
  return a.case_id == b.case_id && a.display_id == b.display_id && a.account == b.account &&
         a.service == b.service && a.opened == b.opened;
}

}  // namespace

ReportRollups::ReportRollups(store::EventLog& log, std::shared_ptr<const config::Config> config,
                             bool fresh)
    : log_(log),
      config_(std::move(config)),
      fresh_(fresh),
      figures_(std::make_unique<Buckets<report::RollupFigures>>()),
      loads_(std::make_unique<Buckets<report::RollupLoad>>()),
      days_(std::make_unique<Buckets<ReportDayValue>>()) {
  if (fresh_) active_ = true;
}

ReportRollups::~ReportRollups() = default;

bool ReportRollups::CheckActive() {
  if (active_) return *active_;
  // Nothing of this engine is queued yet (it stages before it commits), so the marker and
  // next_seq describe the same log once whatever was appended before is written.
  CHECK_OK(log_.Flush());
  auto marker = log_.Get(store::Family::kProjections, kReportSeqKey);
  if (!marker.ok()) {
    error_ = marker.status();
    return false;
  }
  if (marker->has_value()) {
    stored_seq_ = ParseDecimal(**marker).value_or(-1);
    active_ = stored_seq_ == log_.next_seq();
  } else {
    active_ = log_.next_seq() == 1;  // an empty log: the rollups start with it
  }
  return *active_;
}

ReportRollups::CaseEntry* ReportRollups::Touch(const std::string& case_id, bool known_empty) {
  auto it = cases_.find(case_id);
  if (it == cases_.end()) {
    CaseEntry entry;
    if (known_empty) {
      report::CaseSummary summary;
      summary.case_id = case_id;
      entry.applied_header = HeaderOf(summary);
      entry.fold = report::CaseFold(std::move(summary));
    } else if (base::Status loaded = Load(case_id, &entry); !loaded.ok()) {
      if (error_.ok()) error_ = loaded;
      return nullptr;
    }
    it = cases_.emplace(case_id, std::move(entry)).first;
  }
  CaseEntry& e = it->second;
  if (!e.staged) {
    e.staged = true;
    staged_.emplace_back(&it->first, &e);
  }
  return &e;
}

base::Status ReportRollups::Load(const std::string& case_id, CaseEntry* entry) {
  report::CaseSummary summary;
  summary.case_id = case_id;
  if (!fresh_) {
    auto stored = log_.Get(store::Family::kProjections, ReportCaseKey(case_id));
    if (!stored.ok()) return stored.status();
    if (stored->has_value()) {
      auto record = report::DecodeCaseRecord(case_id, **stored);
      if (!record.ok()) {
        return base::Status::Corruption("report record of case '" + case_id +
                                        "': " + record.status().message());
      }
      summary = std::move(record->header);
      for (size_t i = 0; i < record->clock_starts.size(); ++i) {
        // Where the clock's record is depends on its state: most have ended.
        std::optional<std::string> value;
        for (report::Placement p : {report::Placement::kEnded, report::Placement::kBreached,
                                    report::Placement::kRunning}) {
          auto clock =
              log_.Get(store::Family::kProjections,
                       ReportClockKey(p, record->clock_starts[i], static_cast<int>(i), case_id));
          if (!clock.ok()) return clock.status();
          if (clock->has_value()) {
            value = std::move(*clock);
            break;
          }
        }
        if (!value) {
          return base::Status::Corruption("report record of case '" + case_id + "' names clock " +
                                          std::to_string(i) + ", which has none");
        }
        auto decoded = report::DecodeClockRecord(case_id, *value);
        if (!decoded.ok() || decoded->clocks.size() != 1) {
          return base::Status::Corruption("report clock " + std::to_string(i) + " of case '" +
                                          case_id + "' does not decode");
        }
        summary.clocks.push_back(std::move(decoded->clocks.front()));
        entry->applied.push_back(report::RollupOf(summary.clocks.back(), config_.get()));
      }
    }
  }
  entry->applied_header = HeaderOf(summary);
  entry->fold = report::CaseFold(std::move(summary));
  return base::Status::Ok();
}

void ReportRollups::KnownEmpty(const std::string& case_id) {
  if (CheckActive()) Touch(case_id, /*known_empty=*/true);
}

void ReportRollups::Add(uint64_t seq, const Event& event) {
  if (!CheckActive()) return;
  const std::string& case_id = CaseIdOf(event);
  if (case_id.empty()) return;
  CaseEntry* e = Touch(case_id);
  if (e == nullptr) return;
  const int changed = e->fold.Add(seq, event);
  if (changed >= 0) e->dirty.push_back(changed);
}

base::Status ReportRollups::Apply(const report::CaseSummary& header,
                                  const report::ClockSummary& clock,
                                  const report::ClockRollup& rollup, int sign) {
  const uint32_t day = ReportDay(clock.start);
  report::RollupDims dims;
  dims.kind = report::RollupKind::kCase;
  dims.level = rollup.level;
  dims.account = header.account;
  dims.plan = clock.plan;
  auto add = [&](const report::RollupDims& d) -> base::Status {
    auto bucket = figures_->Touch(log_, fresh_, ReportBucketKey(day, d));
    if (!bucket.ok()) return bucket.status();
    (*bucket)->Add(rollup.figures, sign);
    return base::Status::Ok();
  };
  if (base::Status s = add(dims); !s.ok()) return s;
  const std::pair<report::RollupKind, const std::string*> others[] = {
      {report::RollupKind::kService, &header.service},
      {report::RollupKind::kEngineer, &rollup.engineer},
      {report::RollupKind::kSchedule, &rollup.schedule}};
  for (const auto& [kind, key] : others) {
    report::RollupDims d;
    d.kind = kind;
    d.key = *key;
    if (base::Status s = add(d); !s.ok()) return s;
  }
  for (const auto& [engineer, load] : rollup.load) {
    auto bucket = loads_->Touch(log_, fresh_, ReportLoadKey(day, engineer));
    if (!bucket.ok()) return bucket.status();
    (*bucket)->Add(load, sign);
  }
  return base::Status::Ok();
}

base::Status ReportRollups::StageCase(const std::string& case_id, CaseEntry& e,
                                      std::vector<store::Put>* puts) {
  const report::CaseSummary& summary = e.fold.summary();
  const bool header_changed = !SameHeader(summary, e.applied_header);
  if (header_changed) {
    // The case's own fields key every clock's buckets and fill every record.
    for (size_t i = 0; i < summary.clocks.size(); ++i) e.dirty.push_back(static_cast<int>(i));
  }
  std::sort(e.dirty.begin(), e.dirty.end());
  e.dirty.erase(std::unique(e.dirty.begin(), e.dirty.end()), e.dirty.end());
  bool case_changed = header_changed;
  for (int i : e.dirty) {
    const report::ClockSummary& clock = summary.clocks[i];
    report::ClockRollup now = report::RollupOf(clock, config_.get());
    const bool had = static_cast<size_t>(i) < e.applied.size();
    if (!had || header_changed || !(e.applied[i] == now)) {
      if (had && e.applied[i].placement != report::Placement::kRunning) {
        if (base::Status s = Apply(e.applied_header, clock, e.applied[i], -1); !s.ok()) return s;
      }
      if (now.placement != report::Placement::kRunning) {
        if (base::Status s = Apply(summary, clock, now, +1); !s.ok()) return s;
      }
    }
    auto day = days_->Touch(log_, fresh_, ReportDayKey(ReportDay(clock.start)));
    if (!day.ok()) return day.status();
    (*day)->horizon_ms = std::max((*day)->horizon_ms, base::ToUnixMillis(now.horizon));
    const bool running = now.placement == report::Placement::kRunning;
    const bool was_running = had && e.applied[i].placement == report::Placement::kRunning;
    (*day)->running += (running ? 1 : 0) - (was_running ? 1 : 0);
    if (had && e.applied[i].placement != now.placement) {
      puts->push_back({store::Family::kProjections,
                       ReportClockKey(e.applied[i].placement, clock.start, i, case_id),
                       std::nullopt});
    }
    puts->push_back({store::Family::kProjections,
                     ReportClockKey(now.placement, clock.start, i, case_id),
                     report::EncodeClockRecord(summary, clock)});
    if (!had) {
      // Clocks are only ever appended, so a new one is the next index.
      CHECK(static_cast<size_t>(i) == e.applied.size());
      e.applied.push_back(std::move(now));
      case_changed = true;
    } else {
      e.applied[i] = std::move(now);
    }
  }
  if (case_changed) {
    report::CaseRecord record{HeaderOf(summary), {}};
    for (const report::ClockSummary& clock : summary.clocks) {
      record.clock_starts.push_back(clock.start);
    }
    puts->push_back(
        {store::Family::kProjections, ReportCaseKey(case_id), report::EncodeCaseRecord(record)});
    e.applied_header = std::move(record.header);
  }
  e.dirty.clear();
  return base::Status::Ok();
}

base::Status ReportRollups::Stage(uint64_t next_seq, std::vector<store::Put>* puts) {
  if (!CheckActive()) return error_;
  if (!error_.ok()) return error_;
  for (const auto& [id, entry] : staged_) {
    if (base::Status s = StageCase(*id, *entry, puts); !s.ok()) return s;
  }
  figures_->Stage(puts);
  loads_->Stage(puts);
  days_->Stage(puts);
  if (stored_seq_ != next_seq) {
    puts->push_back(
        {store::Family::kProjections, std::string(kReportSeqKey), std::to_string(next_seq)});
  }
  pending_seq_ = next_seq;
  return base::Status::Ok();
}

void ReportRollups::Committed() {
  if (!active_.value_or(false)) return;
  for (const auto& [id, entry] : staged_) entry->staged = false;
  staged_.clear();
  if (pending_seq_) stored_seq_ = pending_seq_;
  pending_seq_.reset();
  figures_->Committed();
  loads_->Committed();
  days_->Committed();
  if (fresh_) return;
  const size_t buckets =
      figures_->committed.size() + loads_->committed.size() + days_->committed.size();
  if (cases_.size() > kMaxCachedCases || buckets > kMaxCachedBuckets) {
    // What is dropped is read again from the store: it must hold what was appended (a
    // write-behind store may still be writing it).
    CHECK_OK(log_.Flush());
    if (cases_.size() > kMaxCachedCases) cases_.clear();
    if (buckets > kMaxCachedBuckets) {
      figures_->committed.clear();
      loads_->committed.clear();
      days_->committed.clear();
    }
  }
}

void ReportRollups::Abort() {
  // The staged cases are read again from the store: let it write what was appended.
  if (!staged_.empty()) CHECK_OK(log_.Flush());
  for (const auto& [id, entry] : staged_) cases_.erase(cases_.find(*id));
  staged_.clear();
  figures_->pending.clear();
  loads_->pending.clear();
  days_->pending.clear();
  pending_seq_.reset();
  error_ = base::Status::Ok();
}

std::string PrintableKey(std::string_view key) {
  std::string out;
  for (char ch : key) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c <= 0x7e) {
      out += ch;
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  return out;
}

base::Result<RollupCheck> RebuildReportRollups(store::EventLog& log,
                                               std::shared_ptr<const config::Config> config,
                                               bool repair) {
  if (base::Status flushed = log.Flush(); !flushed.ok()) return flushed;
  RollupCheck check;
  ReportRollups fresh(log, std::move(config), /*fresh=*/true);
  base::Status decode_error;
  Event event;
  base::Status read = log.Read(1, log.next_seq(), [&](uint64_t seq, std::string_view bytes) {
    if (base::Status s = DecodeEventInto(bytes, &event); !s.ok()) {
      decode_error = base::Status::Corruption("event " + std::to_string(seq) + ": " + s.message());
      return false;
    }
    ++check.events;
    fresh.Add(seq, event);
    return true;
  });
  if (!read.ok()) return read;
  if (!decode_error.ok()) return decode_error;
  std::vector<store::Put> puts;
  if (base::Status s = fresh.Stage(log.next_seq(), &puts); !s.ok()) return s;
  if (log.next_seq() == 1) puts.clear();  // an empty log: no rollups yet, not even the marker

  // What the fold gives: the puts applied in order (a record filed as running and then
  // as ended within the one batch is put, deleted and put elsewhere).
  std::map<std::string, std::string> want;
  for (auto& put : puts) {
    if (put.value) {
      want.insert_or_assign(put.key, std::move(*put.value));
    } else {
      want.erase(put.key);
    }
  }
  check.keys = want.size();
  for (const auto& [key, value] : want) {
    if (key.starts_with("report/case/")) ++check.cases;
  }
  store::Batch fix;
  base::Status scan = log.Scan(
      store::Family::kProjections, kReportPrefix,
      [&](std::string_view key, std::string_view value) {
        auto it = want.find(std::string(key));
        if (it == want.end()) {
          check.extra.push_back(PrintableKey(key));
          fix.puts.push_back({store::Family::kProjections, std::string(key), std::nullopt});
          return true;
        }
        if (it->second != value) {
          check.mismatched.push_back(PrintableKey(key));
          fix.puts.push_back({store::Family::kProjections, it->first, it->second});
        }
        want.erase(it);
        return true;
      });
  if (!scan.ok()) return scan;
  for (auto& [key, value] : want) {
    check.missing.push_back(PrintableKey(key));
    fix.puts.push_back({store::Family::kProjections, key, std::move(value)});
  }
  if (!repair) return check;
  check.repaired = fix.puts.size();
  if (!fix.empty()) {
    auto appended = log.Append(fix);
    if (!appended.ok()) return appended.status();
  }
  return check;
}

}  // namespace router
