// Proves the dead-letter topic's outbox in serve's sink (router::ServeSink over a real
// RocksDB log, written behind as serve writes it): a dead letter waits there from the batch
// that wrote it until the topic confirms it, across a reopen of the log (a crash before the
// confirmation), and nothing waits when serve has no dead-letter topic.
#include <catch2/catch.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/config.h"
#include "engine/layouts.h"
#include "engine/serve_sink.h"
#include "feed/ingest_sink.h"
#include "store/event_log.h"
#include "tests/test_support.h"

namespace {

using testing_support::TempDir;
using Pending = std::vector<std::pair<std::string, std::string>>;

std::shared_ptr<const config::Config> SampleConfig() {
  auto loaded =
      config::LoadConfigFile((testing_support::SharedDir() / "samples" / "config.yaml").string());
  REQUIRE(loaded.errors.empty());
  return loaded.config;
}

std::unique_ptr<store::EventLog> OpenLog(const TempDir& dir) {
  store::Options options;
  options.write_behind = true;
  auto log = store::EventLog::Open(dir.str(), options);
  REQUIRE(log.ok());
  return std::move(*log);
}

std::unique_ptr<router::ServeSink> Sink(store::EventLog& log, bool outbox) {
  router::NodeOptions options;
  options.dead_letter_outbox = outbox;
  auto sink = router::ServeSink::Create(log, SampleConfig(), options);
  REQUIRE(sink.ok());
  return std::move(*sink);
}

// Two messages the parser refused, at offsets 7 and 9 of partition 2.
std::vector<router::IngestItem> Refused() {
  std::vector<router::IngestItem> items(2);
  for (size_t i = 0; i < items.size(); ++i) {
    items[i].topic = "support.cases";
    items[i].partition = 2;
    items[i].offset = 7 + 2 * static_cast<int64_t>(i);
    items[i].payload = i == 0 ? "{\"broken" : "\xff\xfe";
    items[i].rejection = i == 0 ? "invalid JSON" : "not UTF-8";
  }
  return items;
}

Pending PendingOf(router::IngestSink& sink, size_t limit = 100) {
  auto pending = sink.PendingDeadLetters(limit);
  REQUIRE(pending.ok());
  return *pending;
}

}  // namespace

TEST_CASE("a dead letter waits in the outbox until the topic confirms it, across a reopen") {
  TempDir dir;
  const std::string first = router::DeadLetterKey("support.cases", 2, 7);
  const std::string second = router::DeadLetterKey("support.cases", 2, 9);
  {
    auto log = OpenLog(dir);
    auto sink = Sink(*log, true);
    auto applied = sink->Apply(Refused());
    REQUIRE(applied.ok());
    REQUIRE(applied->dead_letters.size() == 2);
    // Pending right after Apply, though the batch was only queued for the writer.
    Pending pending = PendingOf(*sink);
    REQUIRE(pending.size() == 2);
    CHECK(pending[0].first == first);
    CHECK(pending[1].first == second);
    auto letter = router::DecodeDeadLetter(pending[0].second);
    REQUIRE(letter.ok());
    CHECK(*letter == applied->dead_letters[0]);
    CHECK(nlohmann::json::parse(pending[1].second)["payload_encoding"] == "base64");
    CHECK(PendingOf(*sink, 1).size() == 1);  // the limit holds
    REQUIRE(sink->ConfirmDeadLetters({first}).ok());
    pending = PendingOf(*sink);
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].first == second);
  }  // "crash": the second was never confirmed
  {
    auto log = OpenLog(dir);
    auto sink = Sink(*log, true);
    Pending pending = PendingOf(*sink);
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].first == second);
    REQUIRE(sink->ConfirmDeadLetters({second}).ok());
    CHECK(PendingOf(*sink).empty());
    // Confirmed, not deleted: the log keeps every dead letter.
    CHECK(log->Get(store::Family::kDeadLetters, first)->has_value());
    CHECK(log->Get(store::Family::kDeadLetters, second)->has_value());
  }
}

TEST_CASE("without a dead-letter topic nothing waits for one") {
  TempDir dir;
  auto log = OpenLog(dir);
  auto sink = Sink(*log, false);
  auto applied = sink->Apply(Refused());
  REQUIRE(applied.ok());
  CHECK(applied->dead_letters.size() == 2);
  CHECK(PendingOf(*sink).empty());
}
