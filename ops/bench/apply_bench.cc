// apply_bench: serve's apply path alone, without Kafka: feed-shaped events (the
// ingest benchmark's, ops/bench/feed_events.h), parsed up front, applied through
// router::ServeSink (routing, escalation, projections, timers, outbox, offsets)
// in batches of --max-batch, one fsynced store write each. In the same run, the
// baseline: the same message bytes written raw into a fresh RocksDB, one fsynced
// WriteBatch per batch. The log writes behind, as serve's does (--no-write-behind:
// each batch written before the next is applied). Prints events/s of both, their ratio, and the
// apply thread's CPU time per event (less disturbed by other work on a shared machine than wall
// time).
//
// usage: apply_bench --config ../shared/samples/config.yaml [--events 300000]
//                    [--max-batch 1000] [--runs 3] [--work /tmp/escalator-apply-bench]
//                    [--accounts configured|unknown] [--rollups on|off|both]
// --rollups both applies each run twice, without and with the report rollups (alternating
// which goes first), and prints the ratio of their rates: what the rollups cost serve.
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/time.h"
#include "cli/flags.h"
#include "config/config.h"
#include "engine/serve_sink.h"
#include "feed/feed_parser.h"
#include "feed/kafka_ingest.h"
#include "ops/bench/feed_customers.h"
#include "ops/bench/feed_events.h"
#include "store/event_log.h"
#include "store/rocksdb_options.h"

namespace {

using Clock = std::chrono::steady_clock;

double ThreadCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

// CPU of every thread of the process (apply, store writer, RocksDB's own).
double ProcessCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct Message {
  std::string payload;
  int32_t partition;
  int64_t offset;
};

// Writes each batch's raw payloads under 8-byte keys: the floor of any durable log, with the
// log's database options (store::LogDbOptions) and perf counters off.
double RawSeconds(const std::vector<Message>& messages, size_t max_batch, const std::string& dir) {
  rocksdb::Options options(store::LogDbOptions(), rocksdb::ColumnFamilyOptions());
  options.create_if_missing = true;
  store::SkipPerfCounters();  // as the log does
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(options, dir, &raw).ok()) return -1;
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  auto t0 = Clock::now();
  rocksdb::WriteBatch wb;
  for (size_t i = 0; i < messages.size(); i += max_batch) {
    wb.Clear();
    for (size_t k = i; k < std::min(messages.size(), i + max_batch); ++k) {
      std::string key = store::EncodeSeq(k + 1);
      wb.Put(key, messages[k].payload);
    }
    if (!db->Write(wo, &wb).ok()) return -1;
  }
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = cli::ParseFlags(
      "apply_bench",
      "serve's apply path (router::ServeSink into the log) without Kafka, against a raw "
      "RocksDB write of the same bytes.",
      {
          {"config", true, true, "configuration", ""},
          {"accounts", true, false,
           "configured: the configuration gets a customer for each of the feed's accounts; "
           "unknown: as given (every case takes the fallback route)",
           "configured"},
          {"events", true, false, "events to apply", "300000"},
          {"max-batch", true, false, "events per store write (serve --max-batch)", "1000"},
          {"runs", true, false, "runs", "3"},
          {"work", true, false, "scratch directory", "/tmp/escalator-apply-bench"},
          {"no-write-behind", false, false, "write each batch before applying the next", ""},
          {"rollups", true, false, "keep the report rollups: on, off, or both (a ratio)", "on"},
      },
      argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const auto& f = parsed.flags;
  const std::string rollups = *f.Get("rollups");
  if (rollups != "on" && rollups != "off" && rollups != "both") {
    std::fprintf(stderr, "apply_bench: --rollups must be on, off or both\n");
    return 2;
  }
  std::vector<bool> modes;  // report rollups kept, in the first run's order
  if (rollups != "on") modes.push_back(false);
  if (rollups != "off") modes.push_back(true);
  const std::string accounts = *f.Get("accounts");
  if (accounts != "configured" && accounts != "unknown") {
    std::fprintf(stderr, "apply_bench: --accounts must be configured or unknown, got '%s'\n",
                 accounts.c_str());
    return 2;
  }
  // The feed's cases are stamped from now: the customers' engagements must span it.
  const auto base = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  config::LoadResult loaded;
  if (accounts == "configured") {
    auto yaml = bench::ConfigWithFeedCustomers(*f.Get("config"), base);
    if (!yaml.ok()) {
      std::fprintf(stderr, "apply_bench: %s\n", yaml.status().ToString().c_str());
      return 2;
    }
    loaded = config::ParseConfig(*yaml, *f.Get("config") + " (with the feed's customers)");
  } else {
    loaded = config::LoadConfigFile(*f.Get("config"));
  }
  if (!loaded.errors.empty()) {
    for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.ToString().c_str());
    return 2;
  }
  const auto events_flag = cli::IntFlag("apply_bench", f, "events", 1);
  const auto max_batch_flag = cli::IntFlag("apply_bench", f, "max-batch", 1);
  const auto runs_flag = cli::IntFlag("apply_bench", f, "runs", 1, INT_MAX);
  if (!events_flag || !max_batch_flag || !runs_flag) return cli::kExitUsage;
  const uint64_t events = *events_flag;
  const size_t max_batch = *max_batch_flag;
  const int runs = static_cast<int>(*runs_flag);
  const std::string work = *f.Get("work");
  const int cases = static_cast<int>(std::max<uint64_t>(1, events / 10));

  // The feed, as serve would receive it: keyed by account onto 256 partitions.
  std::vector<Message> messages;
  std::vector<int64_t> next_offset(256, 0);
  uint64_t bytes = 0;
  for (uint64_t n = 0; n < events; ++n) {
    std::string e = bench::FeedEvent(n, cases, base);
    auto p = static_cast<int32_t>(std::hash<std::string>()(router::FeedPartitionKey(e)) % 256);
    bytes += e.size();
    messages.push_back({std::move(e), p, next_offset[p]++});
  }
  router::FeedParserOptions po;
  po.severity_map = loaded.config->severity_map;
  router::FeedParser parser(po);
  std::vector<router::FeedParseResult> results;
  results.reserve(messages.size());
  for (const auto& m : messages) results.push_back(parser.Parse(m.payload));

  std::vector<double> rates, raw_rates, ratios, cpu_us, process_us;
  std::map<bool, std::vector<double>> mode_rates, mode_cpu_us;
  std::vector<double> rollup_ratios;  // with / without, per run
  for (int run = 0; run < runs; ++run) {
    std::vector<bool> order = modes;
    if (run % 2 == 1) std::reverse(order.begin(), order.end());
    for (const bool with_rollups : order) {
      std::filesystem::remove_all(work);
      std::filesystem::create_directories(work);
      double raw_s = RawSeconds(messages, max_batch, work + "/raw");
      store::Options so;
      so.sync = true;
      so.check = store::OpenCheck::kBounds;
      so.write_behind = !f.Has("no-write-behind");  // serve writes behind
      auto log = store::EventLog::Open(work + "/data", so);
      if (!log.ok()) {
        std::fprintf(stderr, "apply_bench: %s\n", log.status().ToString().c_str());
        return 1;
      }
      // The clock stays at the feed's start plus a minute: fresh cases, no timer storm.
      router::NodeOptions node_options;
      node_options.report_rollups = with_rollups;
      auto sink = router::ServeSink::Create(**log, loaded.config, node_options,
                                            [&] { return base + std::chrono::minutes(1); });
      if (!sink.ok()) {
        std::fprintf(stderr, "apply_bench: %s\n", sink.status().ToString().c_str());
        return 1;
      }
      std::vector<router::IngestItem> items;
      uint64_t appended = 0;
      double cpu = 0;
      const double process_cpu0 = ProcessCpuSeconds();
      auto t0 = Clock::now();
      for (size_t i = 0; i < messages.size(); i += max_batch) {
        items.clear();
        for (size_t k = i; k < std::min(messages.size(), i + max_batch); ++k) {
          router::IngestItem item;
          item.topic = "support.cases";
          item.partition = messages[k].partition;
          item.offset = messages[k].offset;
          item.payload = messages[k].payload;
          if (const auto* ev = std::get_if<router::FeedEvent>(&results[k])) {
            item.event = ev;
          } else {
            item.rejection = std::get<router::FeedRejection>(results[k]).reason;
          }
          items.push_back(item);
        }
        double c0 = ThreadCpuSeconds();
        auto outcome = (*sink)->Apply(items);
        cpu += ThreadCpuSeconds() - c0;
        if (!outcome.ok()) {
          std::fprintf(stderr, "apply failed: %s\n", outcome.status().ToString().c_str());
          return 1;
        }
        appended += outcome->appended;
      }
      if (!(*sink)->Flush().ok()) return 1;  // the last event durable
      double s = std::chrono::duration<double>(Clock::now() - t0).count();
      const double process_cpu = ProcessCpuSeconds() - process_cpu0;
      if (appended != events) {
        std::fprintf(stderr, "applied %llu of %llu events\n",
                     static_cast<unsigned long long>(appended),
                     static_cast<unsigned long long>(events));
        return 1;
      }
      const uint64_t log_events = (*log)->next_seq() - 1;
      rates.push_back(events / s);
      raw_rates.push_back(events / raw_s);
      ratios.push_back(raw_s / s);
      cpu_us.push_back(cpu / events * 1e6);
      process_us.push_back(process_cpu / events * 1e6);
      mode_rates[with_rollups].push_back(rates.back());
      mode_cpu_us[with_rollups].push_back(process_us.back());
      std::printf(
          "run %d, rollups %s: apply %.0f events/s (%.2f s, %llu log events, CPU per event: apply "
          "thread %.1f us, all threads %.1f us); raw RocksDB write of the same bytes %.0f "
          "events/s (%.2f s); ratio %.3f\n",
          run + 1, with_rollups ? "on" : "off", rates.back(), s,
          static_cast<unsigned long long>(log_events), cpu_us.back(), process_us.back(),
          raw_rates.back(), raw_s, ratios.back());
      std::fflush(stdout);
    }
    if (modes.size() == 2) {
      rollup_ratios.push_back(mode_rates[true].back() / mode_rates[false].back());
    }
  }
  for (const bool with_rollups : modes) {
    std::printf("rollups %s: median %.0f events/s, %.1f us CPU per event (all threads)\n",
                with_rollups ? "on" : "off", Median(mode_rates[with_rollups]),
                Median(mode_cpu_us[with_rollups]));
  }
  if (!rollup_ratios.empty()) {
    std::printf("rollups on / off: %.3f of the rate (median of %d pairs; min %.3f, max %.3f)\n",
                Median(rollup_ratios), runs,
                *std::min_element(rollup_ratios.begin(), rollup_ratios.end()),
                *std::max_element(rollup_ratios.begin(), rollup_ratios.end()));
  }
  std::printf(
      "median of %d (%llu events, %llu bytes each on average, batches of %zu): apply %.0f "
      "events/s, CPU per event %.1f us apply thread, %.1f us all threads; raw %.0f events/s; "
      "ratio %.3f\n",
      runs, static_cast<unsigned long long>(events),
      static_cast<unsigned long long>(bytes / std::max<uint64_t>(1, events)), max_batch,
      Median(rates), Median(cpu_us), Median(process_us), Median(raw_rates), Median(ratios));
  std::filesystem::remove_all(work);
  return 0;
}
