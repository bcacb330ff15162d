// store_bench: append throughput of store::EventLog against a raw rocksdb::WriteBatch of the
// same bytes, same options, same run, a fresh database for every measurement.
//
// Each configuration (events per batch x fsync per batch) runs --runs times for both writers,
// alternating which goes first. A run writes until --max-events or --seconds, whichever comes
// first. Printed: medians in events/s and the ratio store/raw (the figure of merit, aim >= 0.8),
// then how long Open takes to check a log of --open-events events.
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "cli/flags.h"
#include "ops/bench/store_batches.h"
#include "store/event_log.h"
#include "store/rocksdb_options.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

struct Limits {
  uint64_t max_events;
  double seconds;
};

// Events per second of wall-clock time, and per second of the appending thread's CPU time.
// The second is the steadier figure on a shared machine: other processes' load does not enter
// it (the fsync wait does not either; its system time does).
struct Rates {
  double wall;
  double cpu;
};

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

class RateTimer {
 public:
  RateTimer() : wall_(Clock::now()), cpu_(ThreadCpuSeconds()) {}
  Clock::time_point start() const { return wall_; }
  Rates Stop(uint64_t events) const {
    const double wall = std::chrono::duration<double>(Clock::now() - wall_).count();
    const double cpu = ThreadCpuSeconds() - cpu_;
    return {static_cast<double>(events) / wall, static_cast<double>(events) / cpu};
  }

 private:
  Clock::time_point wall_;
  double cpu_;
};

void Die(const std::string& what) {
  std::fprintf(stderr, "store_bench: %s\n", what.c_str());
  std::exit(1);
}

Rates RunStore(const std::string& dir, bool sync, const std::vector<store::Batch>& batches,
               const Limits& limits) {
  store::Options options;
  options.sync = sync;
  auto log = store::EventLog::Open(dir, options);
  if (!log.ok()) Die(log.status().ToString());
  uint64_t events = 0;
  const RateTimer timer;
  const auto deadline = timer.start() + std::chrono::duration<double>(limits.seconds);
  for (size_t i = 0; events < limits.max_events && Clock::now() < deadline; ++i) {
    const store::Batch& batch = batches[i % batches.size()];
    auto r = (*log)->Append(batch);
    if (!r.ok()) Die(r.status().ToString());
    events += batch.events.size();
  }
  return timer.Stop(events);
}

// The same database shape and options store::EventLog::Open uses (store::LogDbOptions,
// store::LogCfOptions, store::SkipPerfCounters), the same keys and values, written the way a
// careful raw RocksDB user would: one reused WriteBatch, keys built on the stack.
Rates RunRaw(const std::string& dir, bool sync, const std::vector<store::Batch>& batches,
             const Limits& limits) {
  rocksdb::DBOptions db_options = store::LogDbOptions();
  db_options.create_if_missing = true;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
  for (store::Family f : store::kFamilies) {
    const std::string name(store::FamilyName(f));
    descriptors.emplace_back(name, store::LogCfOptions(name));
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  store::SkipPerfCounters();  // as the log does
  auto s = rocksdb::DB::Open(db_options, dir, descriptors, &handles, &raw);
  if (!s.ok()) Die(s.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);
  // handles[0] is the default family; then kFamilies, in enum order.
  auto cf = [&](store::Family f) { return handles[1 + static_cast<size_t>(f)]; };
  rocksdb::ColumnFamilyHandle* log_cf = cf(store::Family::kLog);
  rocksdb::ColumnFamilyHandle* index_cf = cf(store::Family::kIndex);
  rocksdb::ColumnFamilyHandle* projections_cf = cf(store::Family::kProjections);
  rocksdb::WriteOptions write_options;
  write_options.sync = sync;

  rocksdb::WriteBatch wb;
  std::string index_key;
  uint64_t seq = 1, events = 0;
  const RateTimer timer;
  const auto deadline = timer.start() + std::chrono::duration<double>(limits.seconds);
  for (size_t i = 0; events < limits.max_events && Clock::now() < deadline; ++i) {
    const store::Batch& batch = batches[i % batches.size()];
    wb.Clear();
    for (const auto& event : batch.events) {
      char key[8];
      for (int k = 7, n = 0; k >= 0; --k, ++n) key[k] = static_cast<char>(seq >> (8 * n));
      wb.Put(log_cf, rocksdb::Slice(key, 8), event.bytes);
      index_key.assign(event.index_key);
      index_key.append(key, 8);
      wb.Put(index_cf, index_key, rocksdb::Slice());
      ++seq;
    }
    for (const auto& put : batch.puts) wb.Put(projections_cf, put.key, *put.value);
    s = db->Write(write_options, &wb);
    if (!s.ok()) Die(s.ToString());
    events += batch.events.size();
  }
  const Rates rate = timer.Stop(events);
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  db->Close();
  return rate;
}

std::vector<std::string> Split(const std::string& list) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t comma; (comma = list.find(',', start)) != std::string::npos; start = comma + 1) {
    out.push_back(list.substr(start, comma - start));
  }
  out.push_back(list.substr(start));
  return out;
}

double Median(const std::vector<Rates>& rates, double Rates::*field) {
  std::vector<double> v;
  for (const Rates& r : rates) v.push_back(r.*field);
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Time to open (and check) a log of `events` events, each way.
void MeasureOpen(const fs::path& root, uint64_t events) {
  const std::string dir = (root / "open").string();
  {
    store::Options options;
    options.sync = false;
    auto log = store::EventLog::Open(dir, options);
    if (!log.ok()) Die(log.status().ToString());
    auto batches = store_batches::MakeBatches(1024);
    for (uint64_t written = 0; written < events; written += 1024) {
      if (auto r = (*log)->Append(batches[(written / 1024) % batches.size()]); !r.ok()) {
        Die(r.status().ToString());
      }
    }
  }
  for (auto check : {store::OpenCheck::kFull, store::OpenCheck::kBounds}) {
    std::vector<double> ms;
    for (int i = 0; i < 3; ++i) {
      store::Options options;
      options.check = check;
      const auto start = Clock::now();
      auto log = store::EventLog::Open(dir, options);
      if (!log.ok()) Die(log.status().ToString());
      ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
    std::printf("open with check=%s of %llu events: %.0f ms (median of 3)\n",
                check == store::OpenCheck::kFull ? "full" : "bounds",
                static_cast<unsigned long long>(events), Median(ms));
  }
  fs::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = cli::ParseFlags(
      "store_bench", "append throughput of the event log against raw RocksDB",
      {
          {"dir", true, false, "where the databases go (a real disk: fsync is measured)", ""},
          {"runs", true, false, "runs per configuration and writer", "3"},
          {"max-events", true, false, "events per run at most", "300000"},
          {"seconds", true, false, "seconds per run at most", "3"},
          {"sizes", true, false, "comma-separated events per batch", "1,64,1024"},
          {"sync", true, false, "fsync per batch: on, off or on,off", "on,off"},
          {"open-events", true, false, "events in the log whose open is timed (0: skip)",
           "1000000"},
      },
      argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const auto& flags = parsed.flags;
  fs::path root = flags.Get("dir").value_or("");
  if (root.empty()) root = fs::temp_directory_path() / ("store_bench-" + std::to_string(getpid()));
  const auto runs_flag = cli::IntFlag("store_bench", flags, "runs", 1, INT_MAX);
  const auto max_events_flag = cli::IntFlag("store_bench", flags, "max-events", 1);
  const auto open_events_flag = cli::IntFlag("store_bench", flags, "open-events", 0);
  if (!runs_flag || !max_events_flag || !open_events_flag) return cli::kExitUsage;
  const int runs = static_cast<int>(*runs_flag);
  const Limits limits{static_cast<uint64_t>(*max_events_flag), std::stod(*flags.Get("seconds"))};
  fs::create_directories(root);

  std::printf("%-6s %-5s %12s %12s %6s   %14s %14s %6s\n", "batch", "sync", "store ev/s",
              "raw ev/s", "ratio", "store ev/cpu-s", "raw ev/cpu-s", "ratio");
  int run_id = 0;
  std::vector<int> sizes;
  for (const std::string& size : Split(*flags.Get("sizes"))) {
    auto n = cli::ParseInt(size, 1, INT_MAX);
    if (!n)
      return cli::UsageError("store_bench", "--sizes: each a number >= 1, got '" + size + "'");
    sizes.push_back(static_cast<int>(*n));
  }
  std::vector<bool> syncs;
  for (const std::string& sync : Split(*flags.Get("sync"))) {
    if (sync != "on" && sync != "off") return cli::UsageError("store_bench", "--sync: on or off");
    syncs.push_back(sync == "on");
  }
  for (bool sync : syncs) {
    for (int size : sizes) {
      const auto batches = store_batches::MakeBatches(size);
      std::vector<Rates> store_rates, raw_rates;
      for (int r = 0; r < runs; ++r) {
        // Alternate who goes first so neither always gets the warmer machine.
        for (int turn = 0; turn < 2; ++turn) {
          const bool store_turn = (turn == 0) == (r % 2 == 0);
          const fs::path dir = root / std::to_string(run_id++);
          if (store_turn) {
            store_rates.push_back(RunStore(dir.string(), sync, batches, limits));
          } else {
            raw_rates.push_back(RunRaw(dir.string(), sync, batches, limits));
          }
          fs::remove_all(dir);
        }
      }
      const double s = Median(store_rates, &Rates::wall), w = Median(raw_rates, &Rates::wall);
      const double sc = Median(store_rates, &Rates::cpu), wc = Median(raw_rates, &Rates::cpu);
      std::printf("%-6d %-5s %12.0f %12.0f %6.2f   %14.0f %14.0f %6.2f\n", size,
                  sync ? "on" : "off", s, w, s / w, sc, wc, sc / wc);
      std::fflush(stdout);
    }
  }
  const uint64_t open_events = *open_events_flag;
  if (open_events > 0) MeasureOpen(root, open_events);
  fs::remove_all(root);
  return 0;
}
