// Proves the outbox relay on a real RocksDB store: every entry is sent once in seq
// order and deleted after; a failing transport keeps the unsent entries for later.
#include "pager/outbox.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/test_support.h"

namespace {

class RecordingSink : public pager::PageSink {
 public:
  base::Status Send(const pager::OutboundPage& page) override {
    if (fail_from && page.seq >= *fail_from) return base::Status::Unavailable("transport down");
    sent.push_back(page);
    return base::Status::Ok();
  }
  std::vector<pager::OutboundPage> sent;
  std::optional<uint64_t> fail_from;
};

std::string Entry(const std::string& engineer) {
  return R"({"case":"c1","engineer":")" + engineer +
         R"(","at":"2026-11-24T03:00:00Z","step":0,"target":"schedule/x","reason":"r"})";
}

void PutOutbox(store::EventLog& log, uint64_t seq, const std::string& value) {
  store::Batch b;
  b.puts.push_back({store::Family::kOutbox, store::EncodeSeq(seq), value});
  REQUIRE(log.Append(b).ok());
}

}  // namespace

TEST_CASE("the relay sends the outbox in seq order and deletes what it sent") {
  testing_support::TempDir dir;
  auto log = store::EventLog::Open(dir.str());
  REQUIRE(log.ok());
  // Written out of order: the key (big-endian seq) decides the order.
  PutOutbox(**log, 300, Entry("carol"));
  PutOutbox(**log, 7, Entry("alice"));
  PutOutbox(**log, 260, Entry("bob"));
  RecordingSink sink;
  pager::OutboxRelay relay(**log, sink);
  REQUIRE(relay.Pending().value() == 3);

  auto stats = relay.DeliverPending();
  REQUIRE(stats.ok());
  CHECK(stats->sent == 3);
  CHECK(stats->dropped == 0);
  REQUIRE(sink.sent.size() == 3);
  CHECK(sink.sent[0].seq == 7);
  CHECK(sink.sent[0].engineer == "alice");
  CHECK(sink.sent[1].seq == 260);
  CHECK(sink.sent[2].seq == 300);
  CHECK(relay.Pending().value() == 0);

  // Nothing left: nothing resent.
  stats = relay.DeliverPending();
  REQUIRE(stats.ok());
  CHECK(stats->sent == 0);
  CHECK(sink.sent.size() == 3);
}

TEST_CASE("a failing transport keeps the unsent pages, which a later round (or restart) sends") {
  testing_support::TempDir dir;
  {
    auto log = store::EventLog::Open(dir.str());
    REQUIRE(log.ok());
    for (uint64_t seq : {1, 2, 3}) PutOutbox(**log, seq, Entry("e" + std::to_string(seq)));
    RecordingSink sink;
    sink.fail_from = 2;
    pager::OutboxRelay relay(**log, sink);
    auto stats = relay.DeliverPending();
    REQUIRE(stats.ok());
    CHECK(stats->sent == 1);
    REQUIRE(stats->problems.size() == 1);
    CHECK_THAT(stats->problems[0], Catch::Contains("page 2 not sent: transport down"));
    CHECK(relay.Pending().value() == 2);
  }
  // A new process over the same store resends what was left.
  auto log = store::EventLog::Open(dir.str());
  REQUIRE(log.ok());
  RecordingSink sink;
  pager::OutboxRelay relay(**log, sink);
  auto stats = relay.DeliverPending();
  REQUIRE(stats.ok());
  CHECK(stats->sent == 2);
  REQUIRE(sink.sent.size() == 2);
  CHECK(sink.sent[0].seq == 2);
  CHECK(sink.sent[1].seq == 3);
  CHECK(relay.Pending().value() == 0);
}

TEST_CASE("an outbox entry that is not a page is dropped with a reason, never blocking the rest") {
  testing_support::TempDir dir;
  auto log = store::EventLog::Open(dir.str());
  REQUIRE(log.ok());
  PutOutbox(**log, 1, "{not json");
  PutOutbox(**log, 2, Entry("alice"));
  RecordingSink sink;
  pager::OutboxRelay relay(**log, sink);
  auto stats = relay.DeliverPending();
  REQUIRE(stats.ok());
  CHECK(stats->sent == 1);
  CHECK(stats->dropped == 1);
  REQUIRE(stats->problems.size() == 1);
  CHECK_THAT(stats->problems[0], Catch::Contains("outbox entry 1"));
  REQUIRE(sink.sent.size() == 1);
  CHECK(sink.sent[0].seq == 2);
  CHECK(relay.Pending().value() == 0);
}

namespace {

// A log whose appends reach the store only on Release(), like a write-behind
// log whose writer has not caught up: deterministic, unlike the real thread.
class LaggingLog : public store::EventLog {
 public:
  explicit LaggingLog(store::EventLog& inner) : inner_(inner) {}
  base::Result<uint64_t> Append(const store::Batch& batch) override {
    held_.push_back(batch);
    return inner_.next_seq();
  }
  void Release() {
    for (const auto& b : held_) REQUIRE(inner_.Append(b).ok());
    held_.clear();
  }
  uint64_t next_seq() const override { return inner_.next_seq(); }
  base::Status Flush() override {
    Release();
    return base::Status::Ok();
  }
  base::Status Read(uint64_t from, uint64_t to,
                    const std::function<bool(uint64_t, std::string_view)>& fn) const override {
    return inner_.Read(from, to, fn);
  }
  base::Status ReadIndexed(
      std::string_view key,
      const std::function<bool(uint64_t, std::string_view)>& fn) const override {
    return inner_.ReadIndexed(key, fn);
  }
  base::Result<std::optional<std::string>> Get(store::Family f,
                                               std::string_view key) const override {
    return inner_.Get(f, key);
  }
  base::Status Scan(
      store::Family f, std::string_view prefix,
      const std::function<bool(std::string_view, std::string_view)>& fn) const override {
    return inner_.Scan(f, prefix, fn);
  }

 private:
  store::EventLog& inner_;
  std::vector<store::Batch> held_;
};

}  // namespace

TEST_CASE("a page is sent once even while the log has not yet written its deletion") {
  testing_support::TempDir dir;
  auto log = store::EventLog::Open(dir.str());
  REQUIRE(log.ok());
  PutOutbox(**log, 7, Entry("alice"));
  PutOutbox(**log, 9, Entry("bob"));
  LaggingLog lagging(**log);
  RecordingSink sink;
  pager::OutboxRelay relay(lagging, sink);

  REQUIRE(relay.DeliverPending()->sent == 2);
  // The deletes are still on their way: the entries are still in the store.
  CHECK(relay.Pending().value() == 2);
  CHECK(relay.DeliverPending()->sent == 0);
  CHECK(sink.sent.size() == 2);

  // A later page is sent; the old ones still are not.
  PutOutbox(**log, 12, Entry("carol"));
  REQUIRE(relay.DeliverPending()->sent == 1);
  REQUIRE(sink.sent.size() == 3);
  CHECK(sink.sent[2].seq == 12);

  lagging.Release();
  CHECK(relay.Pending().value() == 0);
}
