// router::Simulate stages inputs and writes them in batches: whatever the batch
// size, the store must end up the same — the log, projections, timers, outbox,
// offsets, dead letters and meta byte for byte, the index naming the same
// events — and the summary too, since the timer index reads staged state
// (Engine::NextActionAt) instead of the store.
#include <catch2/catch.hpp>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "base/time.h"
#include "config/config.h"
#include "engine/simulation.h"
#include "store/event_log.h"
#include "tests/test_support.h"

namespace {

using testing_support::ReadFile;
using testing_support::SourceDir;
using testing_support::TempDir;

std::string Envelope(int id, const std::string& account, const std::string& case_id,
                     const char* name, const std::string& at, const char* origin,
                     const std::string& details) {
  std::string s = "{\"version\":\"0\",\"id\":\"batch-" + std::to_string(id) +
                  "\",\"detail-type\":\"Support Case Update\",\"source\":\"aws.support\","
                  "\"account\":\"" +
                  account + "\",\"time\":\"" + at +
                  "\",\"region\":\"us-east-1\",\"resources\":[],\"detail\":{\"case-id\":\"" +
                  case_id + "\",\"display-id\":\"" + case_id.substr(case_id.size() - 6) +
                  "\",\"communication-id\":\"c" + std::to_string(id) + "\",\"event-name\":\"" +
                  name + "\",\"origin\":\"" + origin + "\"";
  if (!details.empty()) s += ",\"case\":" + details;
  return s + "}}";
}

// The scenario inputs (dead letters, out-of-order lines included), then
// `cases` more cases, every tenth minute, each acked, answered by AWS or left
// to escalate, then resolved: many cases in flight at once, so a batch holds
// several inputs and ticks of one case.
std::string Feed(int cases) {
  const std::string data = (SourceDir() / "tests/scenarios/data").string();
  std::string feed =
      ReadFile(data + "/all_scenarios.jsonl") + "\n" + ReadFile(data + "/bad_lines.jsonl") + "\n";
  const char* accounts[] = {"111122223333", "444455556666", "777700001111", "999900001111"};
  const char* services[] = {"medialive", "cloudfront", "mediapackage", "amazon-rds"};
  const char* severities[] = {"critical", "urgent", "high", "normal", "low"};
  const int64_t t0 = base::ToUnixMillis(*base::ParseInstant("2026-12-05T00:00:00Z"));
  const int64_t minute = 60'000;
  std::multimap<int64_t, std::string> lines;  // by instant; ties in insertion order
  int id = 0;
  for (int n = 0; n < cases; ++n) {
    const int64_t at = t0 + n * 10 * minute;
    auto iso = [](int64_t ms) { return base::FormatInstant(base::FromUnixMillis(ms)); };
    const std::string account = accounts[n % 4];
    char case_id[64];
    std::snprintf(case_id, sizeof case_id, "case-%s-muen-2026-b0000000%06d", account.c_str(), n);
    const std::string details =
        std::string("{\"caseId\":\"") + case_id + "\",\"displayId\":\"" + std::to_string(n) +
        "\",\"subject\":\"batch\",\"status\":\"opened\",\"serviceCode\":\"" + services[n % 4] +
        "\",\"categoryCode\":\"general\",\"severityCode\":\"" + severities[n % 5] +
        "\",\"submittedBy\":\"ops@example.com\",\"timeCreated\":\"" + iso(at) +
        "\",\"language\":\"en\"}";
    lines.emplace(at, Envelope(++id, account, case_id, "CreateCase", iso(at), "", details));
    int64_t answered = at;
    if (n % 3 == 0) {
      answered = at + (5 + n % 40) * minute;
      lines.emplace(answered, std::string("{\"type\":\"ack\",\"case\":\"") + case_id +
                                  "\",\"engineer\":\"" + (n % 2 ? "s1" : "p3") + "\",\"at\":\"" +
                                  iso(answered) + "\"}");
    } else if (n % 3 == 1) {
      answered = at + (30 + n % 90) * minute;
      lines.emplace(answered, Envelope(++id, account, case_id, "AddCommunicationToCase",
                                       iso(answered), "AWS", ""));
    }
    const int64_t resolved = answered + (60 + (n * 37) % 600) * minute;
    lines.emplace(resolved, Envelope(++id, account, case_id, "ResolveCase", iso(resolved), "", ""));
  }
  for (const auto& [at, line] : lines) feed += line + "\n";
  return feed;
}

// Every key and value the run left in the store, family by family. The
// index is compared by what it names (each index key's events, through
// ReadIndexed), not by its entries: how many events one entry covers may
// follow the write boundaries (store/event_log.h), what it names may not.
std::string Dump(const store::EventLog& log) {
  std::string out;
  REQUIRE(log.Read(1, log.next_seq(),
                   [&](uint64_t seq, std::string_view bytes) {
                     out += "log " + std::to_string(seq) + " " + std::string(bytes) + "\n";
                     return true;
                   })
              .ok());
  std::set<std::string> index_keys;
  REQUIRE(log.Scan(store::Family::kIndex, "",
                   [&](std::string_view key, std::string_view) {
                     REQUIRE(key.size() > 8);
                     index_keys.emplace(key.substr(0, key.size() - 8));
                     return true;
                   })
              .ok());
  for (const std::string& key : index_keys) {
    REQUIRE(log.ReadIndexed(key,
                            [&](uint64_t seq, std::string_view) {
                              out += "index " + key + " " + std::to_string(seq) + "\n";
                              return true;
                            })
                .ok());
  }
  for (store::Family f :
       {store::Family::kProjections, store::Family::kTimers, store::Family::kOutbox,
        store::Family::kOffsets, store::Family::kDeadLetters, store::Family::kMeta}) {
    REQUIRE(log.Scan(f, "",
                     [&](std::string_view key, std::string_view value) {
                       out += std::to_string(static_cast<int>(f)) + " " + std::string(key) + " = " +
                              std::string(value) + "\n";
                       return true;
                     })
                .ok());
  }
  return out;
}

struct Outcome {
  std::string store;
  router::SimulationSummary summary;
};

Outcome RunWith(const std::string& config, const std::string& feed, uint64_t batch_inputs,
                uint64_t batch_bytes) {
  auto loaded = config::LoadConfigFile(config);
  REQUIRE(loaded.errors.empty());
  TempDir dir;
  store::Options options;
  options.sync = false;
  auto log = store::EventLog::Open(dir.str(), options);
  REQUIRE(log.ok());
  std::istringstream input(feed);
  router::SimulationOptions sim;
  sim.batch_inputs = batch_inputs;
  sim.batch_bytes = batch_bytes;
  auto summary = router::Simulate(**log, loaded.config, input, sim);
  INFO(summary.status().ToString());
  REQUIRE(summary.ok());
  return {Dump(**log), *summary};
}

}  // namespace

TEST_CASE("simulate: the same log and store whatever the batch size", "[simulate][sim]") {
  // The scenario config (hand-checked pages) and the sample one, whose
  // `familiar` targets read the load and history projections staged earlier
  // in the same batch.
  const std::string config =
      GENERATE((SourceDir() / "tests/scenarios/data/config.yaml").string(),
               (testing_support::SharedDir() / "samples/config.yaml").string());
  INFO("config " << config);
  const std::string feed = Feed(400);
  const Outcome one = RunWith(config, feed, 1, 8u << 20);
  // The run must exercise what batching could break: escalations (ticks),
  // dead letters and many cases in flight.
  INFO("lines " << one.summary.lines << " feed " << one.summary.feed_events << " acks "
                << one.summary.acks << " dead " << one.summary.dead_letters << " pages "
                << one.summary.pages << " events " << one.summary.events << " rejections "
                << one.summary.rejections);
  REQUIRE(one.summary.ticks > 100);
  REQUIRE(one.summary.pages > 100);
  REQUIRE(one.summary.dead_letters > 0);
  REQUIRE(one.summary.stalled_timers == 0);
  struct Size {
    uint64_t inputs, bytes;
  };
  for (Size size : {Size{2, 8u << 20}, Size{7, 8u << 20}, Size{1000, 8u << 20},
                    Size{1'000'000, 8u << 20}, Size{1'000'000, 4096}, Size{0, 8u << 20}}) {
    INFO("batch_inputs " << size.inputs << ", batch_bytes " << size.bytes);
    const Outcome other = RunWith(config, feed, size.inputs, size.bytes);
    CHECK(other.store == one.store);
    CHECK(other.summary.events == one.summary.events);
    CHECK(other.summary.ticks == one.summary.ticks);
    CHECK(other.summary.pages == one.summary.pages);
    CHECK(other.summary.dead_letters == one.summary.dead_letters);
    CHECK(other.summary.pending_timers == one.summary.pending_timers);
    CHECK(other.summary.stalled_timers == one.summary.stalled_timers);
    CHECK(other.summary.clock == one.summary.clock);
  }
}
