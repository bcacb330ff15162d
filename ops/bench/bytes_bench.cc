// bytes_bench: how many bytes the runtime writes per input, by store family and by event
// type. Runs `router::Simulate` (the node serve runs too) over a JSON-lines input into a
// RocksDB log wrapped in a counter that adds up each batch's bytes as Append receives them
// (keys and values; events by their decoded type), then divides by the input lines.
//
//   bytes_bench --config FILE --input FILE [--dir DIR]
// Prints one line per family and per event type, then the total per input.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "cli/flags.h"
#include "config/config.h"
#include "engine/simulation.h"
#include "router/codec.h"
#include "store/event_log.h"

namespace {

// Forwards to a real log and counts what each Append writes.
class CountingLog : public store::EventLog {
 public:
  explicit CountingLog(store::EventLog& inner) : inner_(inner) {}
  base::Result<uint64_t> Append(const store::Batch& batch) override {
    Count(batch);
    return inner_.Append(batch);
  }
  base::Result<uint64_t> Append(store::Batch&& batch) override {
    Count(batch);
    return inner_.Append(std::move(batch));
  }
  uint64_t next_seq() const override { return inner_.next_seq(); }
  base::Status Flush() override { return inner_.Flush(); }
  base::Status Read(uint64_t from, uint64_t to,
                    const std::function<bool(uint64_t, std::string_view)>& fn) const override {
    return inner_.Read(from, to, fn);
  }
  base::Status ReadIndexed(
      std::string_view key,
      const std::function<bool(uint64_t, std::string_view)>& fn) const override {
    return inner_.ReadIndexed(key, fn);
  }
  base::Result<std::optional<std::string>> Get(store::Family family,
                                               std::string_view key) const override {
    return inner_.Get(family, key);
  }
  base::Status Scan(
      store::Family family, std::string_view prefix,
      const std::function<bool(std::string_view, std::string_view)>& fn) const override {
    return inner_.Scan(family, prefix, fn);
  }

  std::map<std::string, uint64_t> by_family, by_event;
  std::map<std::string, uint64_t> events_by_type;

 private:
  void Count(const store::Batch& batch) {
    for (const auto& e : batch.events) {
      by_family["log"] += 8 + e.bytes.size();
      if (!e.index_key.empty()) by_family["index"] += e.index_key.size() + 8;
      auto event = router::DecodeEvent(e.bytes);
      std::string type = event.ok() ? std::string(router::TypeName(*event)) : "undecodable";
      by_event[type] += e.bytes.size();
      ++events_by_type[type];
    }
    for (const auto& p : batch.puts) {
      by_family[std::string(store::FamilyName(p.family))] +=
          p.key.size() + (p.value ? p.value->size() : 0);
    }
  }
  store::EventLog& inner_;
};

}  // namespace

int main(int argc, char** argv) {
  auto parsed = cli::ParseFlags(
      "bytes_bench",
      "Bytes the runtime writes per input, by store family and by event type (simulate over "
      "--input into a RocksDB log in --dir).",
      {
          {"config", true, true, "configuration file (YAML)", ""},
          {"input", true, true, "JSON-lines input (feed messages and acks)", ""},
          {"dir", true, false, "work directory (emptied)", "/tmp/escalator-bytes-bench"},
      },
      argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const auto& f = parsed.flags;
  auto loaded = config::LoadConfigFile(*f.Get("config"));
  if (!loaded.errors.empty()) {
    for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.ToString().c_str());
    return 2;
  }
  const std::string dir = *f.Get("dir");
  std::filesystem::remove_all(dir);
  auto log = store::EventLog::Open(dir, store::Options{.sync = false});
  if (!log.ok()) {
    std::fprintf(stderr, "bytes_bench: %s\n", log.status().ToString().c_str());
    return 1;
  }
  CountingLog counting(**log);
  std::ifstream input(*f.Get("input"));
  if (!input) {
    std::fprintf(stderr, "bytes_bench: cannot read %s\n", f.Get("input")->c_str());
    return 2;
  }
  router::SimulationOptions options;
  auto summary = router::Simulate(counting, loaded.config, input, options);
  if (!summary.ok()) {
    std::fprintf(stderr, "bytes_bench: %s\n", summary.status().ToString().c_str());
    return 1;
  }
  const double lines = static_cast<double>(summary->lines);
  uint64_t total = 0;
  for (const auto& [family, bytes] : counting.by_family) {
    std::printf("family %-20s %10.1f bytes/input\n", family.c_str(), bytes / lines);
    total += bytes;
  }
  for (const auto& [type, bytes] : counting.by_event) {
    std::printf("event  %-20s %10.1f bytes/input  %8.1f bytes/event\n", type.c_str(), bytes / lines,
                static_cast<double>(bytes) / static_cast<double>(counting.events_by_type[type]));
  }
  std::printf("total %.1f bytes/input over %llu input lines (%llu events)\n", total / lines,
              static_cast<unsigned long long>(summary->lines),
              static_cast<unsigned long long>(summary->events));
  return 0;
}
