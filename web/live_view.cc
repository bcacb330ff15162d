#include "web/live_view.h"

#include <algorithm>
#include <charconv>
#include <type_traits>

#include "engine/layouts.h"
#include "router/codec.h"

namespace web {

namespace {

int64_t Ms(Timestamp t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

bool IsOpen(const router::CaseState& s) {
  return s.opened && s.status == router::CaseStatus::kOpen;
}

// The pages of `view` to `engineer` not yet acknowledged get `at`.
void MarkAcked(CaseView& view, const std::string& engineer, Timestamp at) {
  for (PageView& p : view.pages) {
    if (p.engineer == engineer && !p.acked) p.acked = at;
  }
}

PageView* FindPage(CaseView& view, uint64_t id) {
  for (PageView& p : view.pages) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

}  // namespace

void FoldIntoCase(CaseView& view, uint64_t seq, const router::Event& event) {
  const Timestamp clock_before = view.state.clock_start;
  router::EvolveInPlace(view.state, event);
  view.last_seq = seq;
  // A new response clock (reopen, a follow-up after a response) starts its own pages.
  if (view.state.clock_start != clock_before) view.pages.clear();
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, router::Paged>) {
          PageView p;
          p.id = seq;
          p.engineer = e.engineer;
          p.at = e.at;
          p.step = e.step;
          p.cycle = e.cycle;
          p.target = e.target;
          view.pages.push_back(std::move(p));
        } else if constexpr (std::is_same_v<T, router::Delivered>) {
          if (PageView* p = FindPage(view, e.paged_seq); p != nullptr && !p->delivered) {
            p->delivered = e.at;
            p->device = e.device;
          }
        } else if constexpr (std::is_same_v<T, router::DeliveryFailed>) {
          if (PageView* p = FindPage(view, e.paged_seq)) p->failed = e.at;
        } else if constexpr (std::is_same_v<T, router::PageSuperseded>) {
          if (PageView* p = FindPage(view, e.paged_seq)) p->superseded = e.at;
        } else if constexpr (std::is_same_v<T, router::Acknowledged>) {
          MarkAcked(view, e.engineer, e.at);
        } else if constexpr (std::is_same_v<T, router::Responded>) {
          if (e.how == router::ResponseKind::kAck) MarkAcked(view, e.by, e.at);
        }
      },
      event);
}

std::optional<Activity> ActivityOf(uint64_t seq, const router::Event& event, const CaseView* view) {
  const std::string& case_id = router::CaseIdOf(event);
  Activity a;
  a.seq = seq;
  a.at = router::AtOf(event);
  a.case_id = case_id;
  if (view != nullptr) {
    a.display_id = view->state.display_id;
    a.level = view->state.level;
  }
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, router::CaseOpened>) {
          a.kind = "opened";
          a.display_id = e.display_id;
          a.level = e.level;
          a.detail = e.subject;
        } else if constexpr (std::is_same_v<T, router::Paged>) {
          a.kind = "paged";
          a.engineer = e.engineer;
          a.detail = e.target;
        } else if constexpr (std::is_same_v<T, router::Delivered>) {
          a.kind = "delivered";
          a.engineer = e.engineer;
          a.detail = e.device;
        } else if constexpr (std::is_same_v<T, router::DeliveryFailed>) {
          a.kind = "undelivered";
          a.engineer = e.engineer;
          a.detail = std::to_string(e.attempts) + " attempt(s)";
        } else if constexpr (std::is_same_v<T, router::Acknowledged>) {
          a.kind = "acknowledged";
          a.engineer = e.engineer;
        } else if constexpr (std::is_same_v<T, router::Breached>) {
          a.kind = "breached";
        } else if constexpr (std::is_same_v<T, router::InputRejected>) {
          a.kind = "dead_letter";
          a.detail = e.raw_summary;
        } else if constexpr (std::is_same_v<T, router::CaseResolved>) {
          a.kind = "resolved";
        }
      },
      event);
  if (a.kind.empty()) return std::nullopt;
  return a;
}

LiveView::LiveView(const store::EventLog& log, uint64_t start_seq, LiveViewOptions options)
    : log_(log), start_seq_(start_seq), options_(std::move(options)) {
  target_.store(start_seq);
  followed_.store(start_seq);
}

LiveView::~LiveView() { Stop(); }

void LiveView::Start() {
  thread_ = std::thread([this] { Run(); });
}

void LiveView::Stop() {
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    stop_.store(true);
  }
  wake_.notify_all();
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LiveView::Written(uint64_t next_seq) {
  uint64_t seen = target_.load();
  while (seen < next_seq && !target_.compare_exchange_weak(seen, next_seq)) {
  }
  // Taking the mutex orders the store above before the follower's check-then-wait.
  { std::lock_guard<std::mutex> lock(wake_mu_); }
  wake_.notify_one();
}

uint64_t LiveView::WaitForChange(uint64_t seen, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(wake_mu_);
  changed_.wait_for(lock, timeout, [&] { return stop_.load() || version_.load() != seen; });
  return version_.load();
}

void LiveView::Run() {
  // The start-up load is retried: a read error (a disk hiccup) must not leave the view empty
  // for the process's life.
  while (!stop_.load()) {
    base::Status s = LoadStart();
    if (s.ok()) break;
    if (options_.warn) options_.warn("live view: start-up load failed, retrying: " + s.ToString());
    std::unique_lock<std::mutex> lock(wake_mu_);
    wake_.wait_for(lock, std::chrono::seconds(1), [&] { return stop_.load(); });
  }
  loaded_.store(true);
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    version_.fetch_add(1);
  }
  changed_.notify_all();
  while (!stop_.load()) {
    const uint64_t to = target_.load();
    if (followed_.load() < to) {
      base::Status s = Follow(to);
      if (!s.ok()) {
        if (options_.warn) options_.warn("live view: cannot follow the log: " + s.ToString());
        std::unique_lock<std::mutex> lock(wake_mu_);
        wake_.wait_for(lock, std::chrono::seconds(1), [&] { return stop_.load(); });
      }
      continue;
    }
    std::unique_lock<std::mutex> lock(wake_mu_);
    wake_.wait(lock, [&] { return stop_.load() || target_.load() > followed_.load(); });
  }
}

base::Status LiveView::LoadStart() {
  std::vector<std::string> open_ids;
  base::Status bad;
  base::Status scan =
      log_.Scan(store::Family::kProjections, router::kCaseKeyPrefix,
                [&](std::string_view key, std::string_view value) {
                  auto state = router::DecodeCaseState(value);
                  if (!state.ok()) {
                    bad = base::Status::Corruption("projection " + std::string(key) + ": " +
                                                   state.status().message());
                    return false;
                  }
                  if (IsOpen(*state))
                    open_ids.emplace_back(key.substr(router::kCaseKeyPrefix.size()));
                  return !stop_.load();
                });
  if (!scan.ok()) return scan;
  if (!bad.ok()) return bad;
  std::vector<std::pair<std::string, CaseView>> folded;
  for (const std::string& id : open_ids) {
    if (start_seq_ == 0) break;
    auto view = FoldCase(id, start_seq_ - 1);
    if (!view.ok()) return view.status();
    if (*view) folded.emplace_back(id, std::move(**view));
  }
  // The recent activity starts with the log's tail, so a restarted serve's screen is not blank.
  std::vector<std::pair<uint64_t, router::Event>> tail;
  const uint64_t tail_from =
      start_seq_ > options_.recent * 4 ? start_seq_ - options_.recent * 4 : 1;
  if (start_seq_ > 1) {
    base::Status read = log_.Read(tail_from, start_seq_, [&](uint64_t seq, std::string_view bytes) {
      auto e = router::DecodeEvent(bytes);
      if (e.ok()) tail.emplace_back(seq, std::move(*e));
      return true;
    });
    if (!read.ok()) return read;
  }
  std::unique_lock<std::shared_mutex> lock(mu_);
  cases_.clear();
  order_.clear();
  recent_.clear();
  open_by_level_.clear();
  for (auto& [id, view] : folded) Place(id, std::move(view));
  for (const auto& [seq, e] : tail) {
    auto it = cases_.find(router::CaseIdOf(e));
    if (auto a = ActivityOf(seq, e, it == cases_.end() ? nullptr : &it->second)) {
      AddActivity(std::move(*a));
    }
  }
  return base::Status::Ok();
}

base::Result<std::optional<CaseView>> LiveView::FoldCase(const std::string& case_id,
                                                         uint64_t through) {
  CaseView view;
  router::Event event;
  base::Status bad;
  base::Status read =
      log_.ReadIndexed(router::CaseKey(case_id), [&](uint64_t seq, std::string_view bytes) {
        if (seq > through) return false;
        base::Status decoded = router::DecodeEventInto(bytes, &event);
        if (!decoded.ok()) {
          bad = base::Status::Corruption("event " + std::to_string(seq) + ": " + decoded.message());
          return false;
        }
        FoldIntoCase(view, seq, event);
        return true;
      });
  if (!read.ok()) return read;
  if (!bad.ok()) return bad;
  if (!IsOpen(view.state)) return std::optional<CaseView>();
  return std::optional<CaseView>(std::move(view));
}

base::Status LiveView::Follow(uint64_t to) {
  uint64_t from = followed_.load();
  while (from < to && !stop_.load()) {
    const uint64_t end = std::min<uint64_t>(to, from + options_.chunk);
    std::vector<std::pair<uint64_t, router::Event>> events;
    events.reserve(end - from);
    base::Status bad;
    base::Status read = log_.Read(from, end, [&](uint64_t seq, std::string_view bytes) {
      auto e = router::DecodeEvent(bytes);
      if (!e.ok()) {
        bad =
            base::Status::Corruption("event " + std::to_string(seq) + ": " + e.status().message());
        return false;
      }
      events.emplace_back(seq, std::move(*e));
      return true;
    });
    if (!read.ok()) return read;
    if (!bad.ok()) return bad;
    if (events.size() != end - from) {
      return base::Status::Corruption("the log has " + std::to_string(events.size()) +
                                      " events in [" + std::to_string(from) + ", " +
                                      std::to_string(end) + ")");
    }
    // A case that opens (or reopens) and that the view does not hold is folded from the
    // store first, outside the lock, through its event in this chunk.
    std::vector<std::pair<std::string, CaseView>> loaded_cases;
    {
      std::shared_lock<std::shared_mutex> lock(mu_);
      for (const auto& [seq, e] : events) {
        const bool starts = std::holds_alternative<router::CaseReopened>(e);
        if (starts && !cases_.count(router::CaseIdOf(e))) {
          lock.unlock();
          auto view = FoldCase(router::CaseIdOf(e), seq);
          if (!view.ok()) return view.status();
          if (*view) loaded_cases.emplace_back(router::CaseIdOf(e), std::move(**view));
          lock.lock();
        }
      }
    }
    {
      std::unique_lock<std::shared_mutex> lock(mu_);
      for (auto& [id, view] : loaded_cases) {
        if (!cases_.count(id)) Place(id, std::move(view));
      }
      for (const auto& [seq, e] : events) ApplyLocked(seq, e);
    }
    {
      std::lock_guard<std::mutex> lock(wake_mu_);
      followed_.store(end);
      version_.fetch_add(1);
    }
    changed_.notify_all();
    from = end;
  }
  return base::Status::Ok();
}

void LiveView::ApplyLocked(uint64_t seq, const router::Event& event) {
  const std::string& case_id = router::CaseIdOf(event);
  auto it = cases_.find(case_id);
  if (it == cases_.end() && std::holds_alternative<router::CaseOpened>(event)) {
    CaseView fresh;
    FoldIntoCase(fresh, seq, event);
    if (IsOpen(fresh.state)) Place(case_id, std::move(fresh));
    it = cases_.find(case_id);
  } else if (it != cases_.end() && seq > it->second.last_seq) {
    order_.erase(OrderOf(it->second));
    const int level_before = it->second.state.level;
    FoldIntoCase(it->second, seq, event);
    if (--open_by_level_[level_before] == 0) open_by_level_.erase(level_before);
    if (IsOpen(it->second.state)) {
      order_.insert(OrderOf(it->second));
      ++open_by_level_[it->second.state.level];
    } else {
      cases_.erase(it);
      it = cases_.end();
    }
  }
  const CaseView* view = it == cases_.end() ? nullptr : &it->second;
  if (options_.on_event) options_.on_event(event, view ? &view->state : nullptr);

  if (auto a = ActivityOf(seq, event, view)) AddActivity(std::move(*a));
}

void LiveView::Place(const std::string& case_id, CaseView view) {
  order_.insert(OrderOf(view));
  ++open_by_level_[view.state.level];
  cases_[case_id] = std::move(view);
}

void LiveView::AddActivity(Activity a) {
  recent_.push_front(std::move(a));
  while (recent_.size() > options_.recent) recent_.pop_back();
}

LiveView::Order LiveView::OrderOf(const CaseView& c) {
  const router::CaseState& s = c.state;
  const bool running = s.awaiting_response && s.escalation.has_value();
  if (running) return {0, Ms(s.escalation->due), s.case_id};
  return {1, Ms(s.opened_at), s.case_id};
}

std::string LiveView::EncodeCursor(const Order& o) {
  return std::to_string(o.group) + ":" + std::to_string(o.when_ms) + ":" + o.case_id;
}

std::optional<LiveView::Order> LiveView::DecodeCursor(const std::string& cursor) {
  const size_t a = cursor.find(':');
  if (a == std::string::npos) return std::nullopt;
  const size_t b = cursor.find(':', a + 1);
  if (b == std::string::npos) return std::nullopt;
  Order o;
  const char* first = cursor.data();
  auto g = std::from_chars(first, first + a, o.group);
  auto w = std::from_chars(first + a + 1, first + b, o.when_ms);
  if (g.ec != std::errc() || g.ptr != first + a || w.ec != std::errc() || w.ptr != first + b ||
      (o.group != 0 && o.group != 1)) {
    return std::nullopt;
  }
  o.case_id = cursor.substr(b + 1);
  return o;
}

base::Result<CaseListing> LiveView::OpenCases(const CaseFilter& filter, size_t limit,
                                              const std::string& cursor) const {
  std::optional<Order> after;
  if (!cursor.empty()) {
    after = DecodeCursor(cursor);
    if (!after) return base::Status::InvalidInput("cursor '" + cursor + "' is not one we gave");
  }
  CaseListing out;
  std::shared_lock<std::shared_mutex> lock(mu_);
  auto it = after ? order_.upper_bound(*after) : order_.begin();
  for (; it != order_.end(); ++it) {
    const CaseView& c = cases_.at(it->case_id);
    const router::CaseState& s = c.state;
    if (filter.level && s.level != *filter.level) continue;
    if (filter.account && s.account != *filter.account) continue;
    if (filter.breached_only && !(s.escalation && s.escalation->breached && s.awaiting_response)) {
      continue;
    }
    if (out.cases.size() == limit) {
      out.next_cursor = EncodeCursor(OrderOf(out.cases.back()));
      break;
    }
    out.cases.push_back(c);
  }
  return out;
}

std::optional<CaseView> LiveView::Case(const std::string& case_id) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  auto it = cases_.find(case_id);
  if (it == cases_.end()) return std::nullopt;
  return it->second;
}

std::vector<Activity> LiveView::Recent(size_t limit) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  const size_t n = std::min(limit, recent_.size());
  return std::vector<Activity>(recent_.begin(), recent_.begin() + static_cast<std::ptrdiff_t>(n));
}

std::map<int, int64_t> LiveView::OpenByLevel() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  return open_by_level_;
}

}  // namespace web
