// Issue 18's test of three instances: three serve in one consumer group, with a pager device
// per engineer connected to all three, share a feed of 20,000 level-1 cases (256 accounts over 32
// partitions) whose escalation steps fall due during the test, and one of them is SIGKILLed while
// the feed still flows. Checked against the instances' logs, the changelog (`escalator log
// --brokers`), what the devices showed, and a single serve of the same feed without the changelog:
//  - every case is opened exactly once in the log of its partition's final owner, which holds
//    the case's whole history;
//  - every step of the killed instance's cases due after the kill fires once, from the new
//    owner;
//  - no page is lost: every page the steps decide is in the changelog and in its case's final
//    owner's log, delivered there, and shown by a device exactly once (a page pending at a
//    handover goes out again from the new owner under its own seq, and the device knows it by
//    its stable id: README "Several instances");
//  - per case, the changelog holds the events the single instance wrote, apart from sequence
//    numbers and delivery receipts (whose instants are the wall clock's).
#include <signal.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/cli/serve_fixture.h"
#include "tests/cluster/cluster_fixture.h"

namespace {

using ingest_test::Broker;
using ingest_test::ChildProcess;
using nlohmann::json;
using testing_support::TempDir;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

const std::vector<std::string> kEngineers = {"alice", "bob", "gus"};

// One serve of the group, with its pager endpoint.
struct Member {
  std::string name, data, err, endpoint;
  std::unique_ptr<ChildProcess> serve;
};

// A device per engineer connected to every instance's endpoint (`escalator pager --endpoint
// A,B,C --format json`), each device's pages in a file.
struct Devices {
  std::vector<std::string> shown;  // the devices' stdout files
  std::vector<std::unique_ptr<ChildProcess>> procs;
};

Devices StartDevices(const TempDir& dir, const std::vector<std::string>& endpoints) {
  std::string all;
  for (const auto& e : endpoints) all += (all.empty() ? "" : ",") + e;
  Devices d;
  for (const auto& engineer : kEngineers) {
    const std::string base = (dir.path() / engineer).string();
    d.shown.push_back(base + ".pages");
    // Through sh only to send the device's stdout to a file (exec: the pid stays the device's).
    d.procs.push_back(std::make_unique<ChildProcess>(
        std::vector<std::string>{"/bin/sh", "-c",
                                 "exec \"$0\" pager --endpoint \"$1\" --engineer \"$2\" "
                                 "--format json >\"$3\"",
                                 serve_fixture::Bin(), all, engineer, d.shown.back()},
        base + ".err"));
  }
  return d;
}

std::unique_ptr<Member> StartMember(const TempDir& dir, const std::string& name,
                                    const Broker& broker, const std::string& config) {
  auto m = std::make_unique<Member>();
  m->name = name;
  m->data = (dir.path() / name).string();
  m->err = (dir.path() / (name + ".err")).string();
  m->endpoint = "ipc://" + (dir.path() / (name + ".ipc")).string();
  auto args = cluster_fixture::ClusterArgs(broker, config, m->data);
  args.insert(args.end(), {"--pager-endpoint", m->endpoint});
  m->serve = std::make_unique<ChildProcess>(args, m->err);
  return m;
}

// The lines of a file that contain `what`.
std::vector<std::string> LinesWith(const std::string& path, const std::string& what) {
  std::vector<std::string> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.find(what) != std::string::npos) out.push_back(line);
  }
  return out;
}

// How many assignments the instance logged.
size_t Assignments(const Member& m) { return LinesWith(m.err, "kafka: assigned").size(); }

// The partitions of the last assignment the instance logged: with a changelog, each
// assignment logs "partition N: restored ..." (or "refused") for each of its partitions, then
// "kafka: assigned" (whose list of partitions is cut short when long).
std::set<int> LastAssigned(const Member& m) {
  static const std::regex restored(R"(\] partition (\d+): (restored|refused))");
  std::set<int> last, current;
  std::ifstream in(m.err);
  for (std::string line; std::getline(in, line);) {
    std::smatch match;
    if (std::regex_search(line, match, restored)) {
      current.insert(std::stoi(match[1]));
    } else if (line.find("kafka: assigned") != std::string::npos) {
      last = std::move(current);
      current.clear();
    } else if (line.find("kafka: revoked") != std::string::npos) {
      current.clear();
    }
  }
  return last;
}

// Waits, 60 s at most, until the group is stable: for 2 s no member logged a rebalance, and
// each one's last was an assignment.
bool Settled(const std::vector<std::unique_ptr<Member>>& members) {
  auto rebalances = [&] {
    std::vector<std::pair<size_t, size_t>> out;
    for (const auto& m : members) {
      out.emplace_back(Assignments(*m), LinesWith(m->err, "kafka: revoked").size());
    }
    return out;
  };
  const auto deadline = Clock::now() + seconds(60);
  while (Clock::now() < deadline) {
    const auto before = rebalances();
    std::this_thread::sleep_for(seconds(2));
    const auto after = rebalances();
    bool assigned = true;
    for (const auto& [assigns, revokes] : after) assigned = assigned && assigns > revokes;
    if (before == after && assigned) return true;
  }
  return false;
}

// What the devices showed, read as their files grow: how many times each page ("<case>
// <engineer> step <n>") was shown: a device shows a stable page id once, so more than once
// means the id was not stable across instances, or two devices of one engineer showed it.
class ShownPages {
 public:
  void Read(const std::vector<std::string>& files) {
    for (const auto& file : files) {
      std::ifstream in(file, std::ios::binary);
      if (!in) continue;
      in.seekg(static_cast<std::streamoff>(offset_[file]));
      for (std::string line; std::getline(in, line);) {
        if (in.eof()) break;  // not ended by a newline yet: read it next time
        offset_[file] += line.size() + 1;
        const json page = json::parse(line);
        const std::string key = page["case"].get<std::string>() + " " +
                                page["engineer"].get<std::string>() + " step " +
                                std::to_string(page["step"].get<int>());
        ++times[key];
      }
    }
  }
  std::map<std::string, int> times;

 private:
  std::map<std::string, size_t> offset_;
};

// A paged event: "<case> <engineer> step <n>" (as ShownPages keys pages; the policy does not
// repeat), when it was decided, its seq in its log.
struct PageEvent {
  std::string key;
  base::Timestamp at;
  uint64_t seq = 0;
};

// A log (`escalator log` JSON lines) per case, in a form that compares across logs: each event
// without its seq and partition, which differ from log to log; delivery receipts apart, as the
// set of pages they confirm (their instants are the wall clock's, their paged_seq a seq of
// that log).
struct LogView {
  std::map<std::string, std::vector<std::string>> events;  // per case, in log order
  std::map<std::string, std::vector<PageEvent>> pages;     // per case
  std::map<std::string, int> opened;                       // case_opened events per case
  std::map<std::string, int> partition;                    // per case (a changelog's log)
  std::set<uint64_t> delivered;                            // every delivered event's paged_seq
  size_t receipts = 0;                                     // delivered events
};

LogView ViewOf(const std::string& text) {
  LogView v;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    if (end > begin) {
      json j = json::parse(text.begin() + static_cast<std::ptrdiff_t>(begin),
                           text.begin() + static_cast<std::ptrdiff_t>(end));
      const std::string type = j["type"].get<std::string>();
      const std::string c = j.value("case", "");
      if (type == "delivered") {
        v.delivered.insert(j["paged_seq"].get<uint64_t>());
        ++v.receipts;
      } else {
        if (type == "paged") {
          v.pages[c].push_back({c + " " + j["engineer"].get<std::string>() + " step " +
                                    std::to_string(j["step"].get<int>()),
                                base::ParseInstant(j["at"].get<std::string>()).value(),
                                j["seq"].get<uint64_t>()});
        }
        if (type == "case_opened") ++v.opened[c];
        if (j.contains("partition")) v.partition[c] = j["partition"].get<int>();
        j.erase("seq");
        j.erase("partition");
        v.events[c].push_back(j.dump());
      }
    }
    begin = end + 1;
  }
  return v;
}

// How many of the case's pages in the view have `key`.
int PagesWithKey(const LogView& v, const std::string& case_id, const std::string& key) {
  auto it = v.pages.find(case_id);
  if (it == v.pages.end()) return 0;
  int n = 0;
  for (const auto& p : it->second) n += p.key == key ? 1 : 0;
  return n;
}

// m[key], or `none` when absent.
template <typename Map>
const typename Map::mapped_type& Or(const Map& m, const std::string& key,
                                    const typename Map::mapped_type& none) {
  auto it = m.find(key);
  return it == m.end() ? none : it->second;
}

// The first few of a check's failures, for its message.
std::string FirstFew(const std::vector<std::string>& failures) {
  std::string out = std::to_string(failures.size()) + " failure(s)";
  for (size_t i = 0; i < failures.size() && i < 8; ++i) out += "\n  " + failures[i];
  return out;
}

double SecondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

}  // namespace

TEST_CASE(
    "three instances share 20k cases and one is SIGKILLed mid-stream: each case opened once "
    "by its final owner, each step due after the kill fired once by the new owner, no page "
    "lost, the events of a single instance") {
  constexpr int kCases = 20000;
  // The embedded broker keeps ~5 MiB of a partition: 20k cases' changelog needs >= 32.
  constexpr int kPartitions = 32;
  constexpr int kAccounts = 256;  // keys: spread over every partition
  // Half the feed at once, the rest in chunks 0.5 s apart; the kill right after the third.
  constexpr int kChunks = 5;
  constexpr int kKillAfterChunk = 2;
  // alice at once, bob 5 s later (due while the group has not noticed the kill), gus 20 s
  // later (after the takeover).
  constexpr int kBobS = 5, kGusS = 20;
  const auto started = Clock::now();
  TempDir dir;
  const std::string config = cluster_fixture::WriteConfig(dir, kBobS, kGusS, kAccounts);
  auto broker = std::make_unique<Broker>(kPartitions, (dir.path() / "broker.err").string());
  std::vector<std::unique_ptr<Member>> members;
  for (const char* name : {"a", "b", "c"}) {
    members.push_back(StartMember(dir, name, *broker, config));
  }
  Member& a = *members[0];
  Member& b = *members[1];
  Member& c = *members[2];
  Devices devices = StartDevices(dir, {a.endpoint, b.endpoint, c.endpoint});
  for (const auto& m : members) {
    REQUIRE(serve_fixture::WaitForText(m->err, "kafka: assigned", seconds(60)));
  }
  REQUIRE(Settled(members));
  for (const auto& m : members) REQUIRE(!LastAssigned(*m).empty());
  const double startup_s = SecondsSince(started);

  // The feed, each part dated when published: its steps fall due kBobS and kGusS later.
  std::vector<std::filesystem::path> parts;
  std::vector<std::string> cases;
  auto publish = [&](int from, int to) {
    parts.push_back(dir.path() / ("feed-" + std::to_string(parts.size()) + ".jsonl"));
    auto ids = cluster_fixture::WriteCases(parts.back(), "case-3i-", from, to, kAccounts,
                                           serve_fixture::Now());
    cases.insert(cases.end(), ids.begin(), ids.end());
    cluster_fixture::PublishFile(*broker, parts.back());
  };
  const auto t0 = Clock::now();
  publish(0, kCases / 2);
  const int per_chunk = kCases / 2 / kChunks;
  std::set<int> a_partitions;
  size_t b_assignments = 0, c_assignments = 0;
  base::Timestamp killed_at{};
  std::set<std::string> before_kill;  // the cases published before the kill
  for (int k = 0; k < kChunks; ++k) {
    std::this_thread::sleep_until(t0 + milliseconds(1000 + 500 * k));
    publish(kCases / 2 + k * per_chunk, kCases / 2 + (k + 1) * per_chunk);
    if (k == kKillAfterChunk) {
      a_partitions = LastAssigned(a);
      b_assignments = Assignments(b);
      c_assignments = Assignments(c);
      before_kill.insert(cases.begin(), cases.end());
      a.serve->Signal(SIGKILL);
      REQUIRE(a.serve->Wait(seconds(10)));
      killed_at = serve_fixture::Now();
    }
  }
  REQUIRE(cases.size() == static_cast<size_t>(kCases));
  const double stream_s = SecondsSince(t0);

  // The survivors take A's partitions over; then every page reaches a device (the last gus
  // is due kGusS after the last chunk). A rebalance noticed later moves reassigned_at on.
  const auto kill_seen = Clock::now();
  auto reassigned = [&] {
    return Assignments(b) > b_assignments && Assignments(c) > c_assignments;
  };
  const auto takeover_deadline = Clock::now() + seconds(90);
  while (!reassigned()) {
    REQUIRE(Clock::now() < takeover_deadline);
    std::this_thread::sleep_for(milliseconds(100));
  }
  base::Timestamp reassigned_at = serve_fixture::Now();
  const double takeover_s = SecondsSince(kill_seen);
  const std::vector<std::string>& device_files = devices.shown;
  ShownPages shown;
  const auto pages_deadline = Clock::now() + seconds(kGusS + 60);
  b_assignments = Assignments(b);
  c_assignments = Assignments(c);
  while (shown.times.size() < 3 * cases.size() && Clock::now() < pages_deadline) {
    std::this_thread::sleep_for(milliseconds(250));
    shown.Read(device_files);
    if (Assignments(b) != b_assignments || Assignments(c) != c_assignments) {
      reassigned_at = serve_fixture::Now();
      b_assignments = Assignments(b);
      c_assignments = Assignments(c);
    }
  }
  std::this_thread::sleep_for(seconds(2));  // a page shown twice would show by now
  shown.Read(device_files);
  for (auto& d : devices.procs) {
    d->Signal(SIGTERM);
    d->Wait(seconds(10));
  }
  serve_fixture::StopServe(*b.serve, b.err);
  serve_fixture::StopServe(*c.serve, c.err);
  const double pages_s = SecondsSince(t0) - stream_s;

  // Everything as logged: the changelog, each instance's log, who owned what at the end.
  const auto reading = Clock::now();
  const LogView merged = [&] {
    auto changelog =
        ingest_test::Run({serve_fixture::Bin(), "log", "--brokers", broker->bootstrap}, 120);
    INFO(changelog.err);
    REQUIRE(changelog.exit_code == 0);
    return ViewOf(changelog.out);
  }();
  std::map<std::string, LogView> logs;
  for (const auto& m : members) logs[m->name] = ViewOf(cluster_fixture::ReadLog(m->data).out);
  broker.reset();
  const double reading_s = SecondsSince(reading);

  // The same feed through a single serve without the changelog (nor devices): it catches up
  // and fires every step due meanwhile, each at its own instant (engine/node.h).
  const auto single_started = Clock::now();
  const std::string single_data = (dir.path() / "single").string();
  {
    const std::string err = (dir.path() / "single.err").string();
    Broker single_broker(kPartitions, (dir.path() / "single-broker.err").string());
    for (const auto& part : parts) cluster_fixture::PublishFile(single_broker, part);
    auto args = serve_fixture::ServeArgs(single_broker, config, single_data);
    args.push_back("--exit-when-caught-up");
    ChildProcess serve(args, err);
    const auto code = serve.Wait(seconds(120));
    INFO(testing_support::ReadFile(err));
    REQUIRE(code);
    REQUIRE(*code == 0);
  }
  const LogView single = ViewOf(cluster_fixture::ReadLog(single_data).out);
  const double single_s = SecondsSince(single_started);

  const auto checking = Clock::now();
  // Who owns what at the end: the survivors share every partition.
  std::map<int, std::string> final_owner;
  for (Member* m : {&b, &c}) {
    for (int p : LastAssigned(*m)) {
      CHECK(final_owner.count(p) == 0);
      final_owner[p] = m->name;
    }
  }
  REQUIRE(final_owner.size() == static_cast<size_t>(kPartitions));
  // The kill means something: A owned some of the partitions and had applied cases of them,
  // and inputs for them were still to come (unconsumed, or published after the kill).
  CHECK(!a_partitions.empty());
  CHECK(a_partitions.size() < static_cast<size_t>(kPartitions));
  size_t a_applied = 0, a_unapplied = 0, a_published_after = 0;
  for (const auto& id : cases) {
    if (!merged.partition.count(id) || !a_partitions.count(merged.partition.at(id))) continue;
    const bool applied = logs["a"].opened.count(id) > 0;
    a_applied += applied ? 1 : 0;
    a_unapplied += applied ? 0 : 1;
    a_published_after += before_kill.count(id) ? 0 : 1;
  }
  CHECK(a_applied > 0);
  CHECK(a_unapplied > 0);

  const std::vector<std::string> no_events;
  const std::vector<PageEvent> no_pages;
  std::vector<std::string> not_opened_once, history_differs, not_as_single, page_twice,
      pages_differ, undelivered, not_shown, shown_twice, fired_by_killed, not_from_owner,
      killed_differs;
  size_t a_cases = 0, steps_after_kill = 0, shown_after_handover = 0;
  for (const auto& id : cases) {
    if (!merged.partition.count(id)) {
      not_opened_once.push_back(id + ": not in the changelog");
      continue;
    }
    const int p = merged.partition.at(id);
    const std::string& owner_name = final_owner.at(p);
    const std::string& other_name = owner_name == "b" ? "c" : "b";
    const LogView& owner = logs.at(owner_name);
    const LogView& other = logs.at(other_name);
    const LogView& killed = logs.at("a");
    if (Or(owner.opened, id, 0) != 1 || Or(merged.opened, id, 0) != 1) {
      not_opened_once.push_back(id + ": opened " + std::to_string(Or(owner.opened, id, 0)) +
                                " time(s) in " + owner_name + "'s log, " +
                                std::to_string(Or(merged.opened, id, 0)) + " in the changelog");
    }
    const auto& history = Or(merged.events, id, no_events);
    if (Or(owner.events, id, no_events) != history) {
      history_differs.push_back(id + " (partition " + std::to_string(p) + ", owner " + owner_name +
                                ")");
    }
    const auto& alone = Or(single.events, id, no_events);
    if (history != alone) {
      std::string first;
      for (size_t i = 0; i < std::max(history.size(), alone.size()) && first.empty(); ++i) {
        const std::string x = i < history.size() ? history[i] : "(none)";
        const std::string y = i < alone.size() ? alone[i] : "(none)";
        if (x != y) first = "changelog " + x + "\n    single    " + y;
      }
      not_as_single.push_back(id + ": " + first);
    }
    // Pages: each step once; as the single instance paged; delivered by the final owner;
    // shown by a device.
    std::set<std::string> keys, alone_keys;
    for (const auto& page : Or(merged.pages, id, no_pages)) {
      if (!keys.insert(page.key).second) page_twice.push_back(page.key);
    }
    for (const auto& page : Or(single.pages, id, no_pages)) alone_keys.insert(page.key);
    if (keys != alone_keys) pages_differ.push_back(id);
    for (const auto& page : Or(owner.pages, id, no_pages)) {
      if (!owner.delivered.count(page.seq)) {
        undelivered.push_back(page.key + " (seq " + std::to_string(page.seq) + " in " + owner_name +
                              "'s log)");
      }
    }
    for (const auto& page : Or(merged.pages, id, no_pages)) {
      const int times = Or(shown.times, page.key, 0);
      if (times == 0) not_shown.push_back(page.key);
      if (times > 1) shown_twice.push_back(page.key + " (" + std::to_string(times) + " times)");
      if (page.at > reassigned_at) ++shown_after_handover;
    }
    // The killed instance's cases: what it wrote agrees with what came after (its log is a
    // beginning of the case's history), and each step due after the kill came from the new
    // owner alone.
    if (!a_partitions.count(p)) continue;
    ++a_cases;
    const auto& mine = Or(killed.events, id, no_events);
    if (mine.size() > history.size() || !std::equal(mine.begin(), mine.end(), history.begin())) {
      killed_differs.push_back(id);
    }
    for (const auto& page : Or(merged.pages, id, no_pages)) {
      if (page.at <= killed_at) continue;
      ++steps_after_kill;
      if (PagesWithKey(killed, id, page.key) != 0) fired_by_killed.push_back(page.key);
      if (PagesWithKey(owner, id, page.key) != 1 || PagesWithKey(other, id, page.key) != 0) {
        not_from_owner.push_back(page.key + " (owner " + owner_name + ")");
      }
    }
  }
  auto report = [](const char* what, const std::vector<std::string>& failures) {
    INFO(what << ": " << FirstFew(failures));
    CHECK(failures.empty());
  };
  report("a case not opened exactly once", not_opened_once);
  report("a final owner without the case's whole history", history_differs);
  report("a case whose events differ from the single instance's", not_as_single);
  report("a step paged twice in the changelog", page_twice);
  report("a case whose pages differ from the single instance's", pages_differ);
  report("a page its final owner has no receipt for", undelivered);
  report("a page no device showed", not_shown);
  report("a page shown more than once (devices know a page by its stable id)", shown_twice);
  report("a step due after the kill in the killed instance's log", fired_by_killed);
  report("a step due after the kill not fired once by the new owner alone", not_from_owner);
  report("a killed instance's case whose log is not a beginning of its history", killed_differs);
  CHECK(merged.events.size() == cases.size());
  CHECK(single.opened.size() == cases.size());
  size_t single_pages = 0;
  for (const auto& [id, pages] : single.pages) single_pages += pages.size();
  CHECK(single_pages == 3 * cases.size());  // every step of every case fired
  CHECK(steps_after_kill > 0);
  WARN("three instances, " << kCases << " cases, " << kPartitions << " partitions: A owned "
                           << a_partitions.size() << " partitions (" << a_cases << " cases; "
                           << a_applied << " applied by A before the kill, " << a_unapplied
                           << " not, of which " << a_published_after << " published after it); "
                           << steps_after_kill << " steps of A's cases due after the kill; "
                           << shown_twice.size() << " page(s) shown twice; " << shown_after_handover
                           << " decided after the last handover. Seconds: start and settle "
                           << startup_s << ", feed and kill " << stream_s
                           << ", kill to reassignment " << takeover_s << ", pages " << pages_s
                           << ", reading logs " << reading_s << ", single run " << single_s
                           << ", checks " << SecondsSince(checking) << ", total "
                           << SecondsSince(started));
}
