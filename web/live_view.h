// The live view: the read model the dashboard and the HTTP API read. It follows the event log
// on its own thread, batch by batch (serve tells it each durable next sequence number, from the
// store's on_written callback), and keeps in memory every open case (its state folded from its
// events, and the pages of its running clock with their delivery and acknowledgement) plus the
// most recent activity. HTTP threads read it under a shared lock; the follower takes the lock
// exclusively only to apply events it has already read and decoded, a chunk at a time. Nothing
// here runs on serve's ingest thread: serve's only cost is the callback's store and notify.
//
// Consistency: a reader sees the view as of a batch boundary of the log (every event below
// followed_seq() and none above), so a case and the activity list never disagree.
//
// Start-up: the open cases are those whose projection is open; each is folded from its events
// below the start sequence number, so a write racing the scan is neither lost nor applied
// twice (each case remembers the last seq folded into it).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "router/case_state.h"
#include "router/events.h"
#include "store/event_log.h"

namespace web {

using base::Timestamp;

// One page of a case's running clock, and what became of it.
struct PageView {
  uint64_t id = 0;  // the paged event's seq: the page id devices see
  std::string engineer;
  Timestamp at{};
  int step = 0;
  int cycle = 0;
  std::string target;
  std::optional<Timestamp> delivered, failed, acked, superseded;
  std::string device;  // the device that confirmed it
};

// An open case as the view holds it.
struct CaseView {
  router::CaseState state;
  std::vector<PageView> pages;  // of the current clock (cleared when a new clock starts)
  uint64_t last_seq = 0;        // the last event folded into it
};

// One line of the recent activity.
struct Activity {
  uint64_t seq = 0;
  Timestamp at{};
  std::string kind;  // paged, delivered, undelivered, acknowledged, breached, dead_letter,
                     // opened, resolved
  std::string case_id;
  std::string display_id;
  std::string engineer;
  int level = 0;
  std::string detail;
};

// Which open cases a listing wants.
struct CaseFilter {
  bool breached_only = false;  // the running clock breached
  std::optional<int> level;
  std::optional<std::string> account;
};

// A page of a listing and where the next one starts ("" at the end).
struct CaseListing {
  std::vector<CaseView> cases;
  std::string next_cursor;
};

struct LiveViewOptions {
  size_t recent = 200;  // activity lines kept
  size_t chunk = 2000;  // events applied per exclusive lock hold
  // Called on the follower thread for each event followed after the start (not for the
  // start-up fold), with the case's state after it when the view holds the case (else null).
  // Metrics count pages, breaches and responses here.
  std::function<void(const router::Event&, const router::CaseState*)> on_event;
  // Called on the follower thread when it cannot read or decode the log (it retries).
  std::function<void(const std::string&)> warn;
};

class LiveView {
 public:
  // REQUIRES: `log` outlives the view; every event below `start_seq` is written.
  LiveView(const store::EventLog& log, uint64_t start_seq, LiveViewOptions options = {});
  ~LiveView();  // stops the follower
  LiveView(const LiveView&) = delete;
  LiveView& operator=(const LiveView&) = delete;

  // Starts the follower thread: the start-up load, then following.
  void Start();
  // Stops and joins the follower; wakes every WaitForChange. Idempotent.
  void Stop();

  // Every event below `next_seq` is durable (the store's on_written). Thread-safe, cheap:
  // called from the store's writer thread.
  void Written(uint64_t next_seq);

  // Whether the start-up load finished (before it, listings are empty).
  bool loaded() const { return loaded_.load(); }
  // The view reflects every event below this.
  uint64_t followed_seq() const { return followed_.load(); }
  // Bumped each time the view changes.
  uint64_t version() const { return version_.load(); }

  // Waits until version() differs from `seen`, the view stops, or `timeout` passes. Returns
  // the version then.
  uint64_t WaitForChange(uint64_t seen, std::chrono::milliseconds timeout) const;

  // Open cases matching `filter`, most urgent first: running clocks by due instant, then the
  // rest (answered, waiting for resolution) by opening. At most `limit`, after `cursor` (a
  // next_cursor from an earlier call; "" from the start). Errors: kInvalidInput for a cursor
  // that is not one.
  base::Result<CaseListing> OpenCases(const CaseFilter& filter, size_t limit,
                                      const std::string& cursor) const;
  // The open case, or nullopt (resolved or unknown: the store has it).
  std::optional<CaseView> Case(const std::string& case_id) const;
  // The newest activity first, at most `limit`.
  std::vector<Activity> Recent(size_t limit) const;
  // Open cases per level.
  std::map<int, int64_t> OpenByLevel() const;

 private:
  struct Order {    // a case's place in the listing
    int group = 0;  // 0: running clock (by due), 1: the rest (by opening)
    int64_t when_ms = 0;
    std::string case_id;
    auto operator<=>(const Order&) const = default;
  };
  static Order OrderOf(const CaseView& c);
  static std::string EncodeCursor(const Order& o);
  static std::optional<Order> DecodeCursor(const std::string& cursor);

  void Run();
  base::Status LoadStart();
  // Folds the case's events up to and including `through` from the store into a fresh
  // view; nullopt when the case is not open then.
  base::Result<std::optional<CaseView>> FoldCase(const std::string& case_id, uint64_t through);
  base::Status Follow(uint64_t to);
  // Applies one event (the exclusive lock held).
  void ApplyLocked(uint64_t seq, const router::Event& event);
  void Place(const std::string& case_id, CaseView view);
  void AddActivity(Activity a);

  const store::EventLog& log_;
  const uint64_t start_seq_;
  LiveViewOptions options_;

  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, CaseView> cases_;
  std::set<Order> order_;
  std::deque<Activity> recent_;           // newest at the front
  std::map<int, int64_t> open_by_level_;  // kept as cases are placed and dropped

  std::atomic<uint64_t> target_{0};
  std::atomic<uint64_t> followed_{0};
  std::atomic<uint64_t> version_{0};
  std::atomic<bool> loaded_{false};
  std::atomic<bool> stop_{false};
  mutable std::mutex wake_mu_;
  mutable std::condition_variable wake_;     // the follower: new target or stop
  mutable std::condition_variable changed_;  // readers waiting for a change
  std::thread thread_;
};

// The activity line an event makes (nullopt: not worth a line), with the case's display id
// and level from `view` when given. Pure.
std::optional<Activity> ActivityOf(uint64_t seq, const router::Event& event, const CaseView* view);

// Folds one event into a case view (state and pages). Pure.
void FoldIntoCase(CaseView& view, uint64_t seq, const router::Event& event);

}  // namespace web
