// Proves the ZeroMQ transport on loopback TCP and ipc: a page published for an
// engineer reaches that engineer's subscriber only (not one whose id it prefixes).
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <set>
#include <string>

#include "pager/page.h"
#include "pager/zmq_sink.h"
#include "pager/zmq_source.h"
#include "tests/test_support.h"

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

pager::OutboundPage Outbound(uint64_t seq, const std::string& engineer) {
  pager::Page p;
  p.seq = seq;
  p.case_id = "case-" + std::to_string(seq);
  p.engineer = engineer;
  p.at = *base::ParseInstant("2026-11-24T03:00:00Z");
  p.target = "schedule/video-sme-primary";
  p.reason = "on call";
  return {seq, engineer, pager::EncodePage(p)};
}

// Publishes one page per engineer again and again (PUB/SUB drops whatever is
// sent before a subscription arrives) until each subscriber has its own page,
// or a deadline. Returns the seqs each subscriber received.
void CheckRouting(const std::string& bind_endpoint) {
  auto sink = pager::ZmqSink::Bind(bind_endpoint);
  INFO(sink.status().ToString());
  REQUIRE(sink.ok());
  const std::string endpoint = (*sink)->endpoint();
  const std::map<std::string, uint64_t> seq_of = {{"alice", 1}, {"alice2", 2}, {"bob", 3}};
  std::map<std::string, std::unique_ptr<pager::ZmqSource>> sources;
  for (const auto& [engineer, seq] : seq_of) {
    auto s = pager::ZmqSource::Connect(endpoint, engineer);
    REQUIRE(s.ok());
    sources[engineer] = std::move(*s);
  }
  std::map<std::string, std::set<uint64_t>> got;
  auto deadline = Clock::now() + std::chrono::seconds(15);
  // bob gets no page: his subscriber must hear nothing.
  auto done = [&] { return got["alice"].count(1) && got["alice2"].count(2); };
  while (!done() && Clock::now() < deadline) {
    REQUIRE((*sink)->Send(Outbound(1, "alice")).ok());
    REQUIRE((*sink)->Send(Outbound(2, "alice2")).ok());
    for (auto& [engineer, source] : sources) {
      while (true) {
        auto page = source->Receive(milliseconds(20));
        REQUIRE(page.ok());
        if (!*page) break;
        CHECK((**page).engineer == engineer);
        got[engineer].insert((**page).seq);
      }
    }
  }
  REQUIRE(done());
  CHECK(got["alice"] == std::set<uint64_t>{1});
  CHECK(got["alice2"] == std::set<uint64_t>{2});
  CHECK(got["bob"].empty());
}

}  // namespace

TEST_CASE("a page over loopback TCP reaches its engineer only") {
  CheckRouting("tcp://127.0.0.1:*");
}

TEST_CASE("a page over ipc reaches its engineer only") {
  testing_support::TempDir dir;
  CheckRouting("ipc://" + (dir.path() / "pager.sock").string());
}

TEST_CASE("a subscriber sees the connection, and a decoded page equals the one sent") {
  testing_support::TempDir dir;
  const std::string endpoint = "ipc://" + (dir.path() / "late.sock").string();
  // Connected before the publisher exists: not connected until it binds.
  auto source = pager::ZmqSource::Connect(endpoint, "alice");
  REQUIRE(source.ok());
  CHECK_FALSE((*source)->WaitConnected(milliseconds(100)));
  auto sink = pager::ZmqSink::Bind(endpoint);
  REQUIRE(sink.ok());
  // A zero wait only looks: polled like the pager client does.
  auto connect_deadline = Clock::now() + std::chrono::seconds(10);
  bool connected = false;
  while (!connected && Clock::now() < connect_deadline) {
    connected = (*source)->WaitConnected(milliseconds(0));
  }
  CHECK(connected);
  auto sent = Outbound(9, "alice");
  std::optional<pager::Page> received;
  auto deadline = Clock::now() + std::chrono::seconds(10);
  while (!received && Clock::now() < deadline) {
    REQUIRE((*sink)->Send(sent).ok());
    auto page = (*source)->Receive(milliseconds(50));
    REQUIRE(page.ok());
    received = *page;
  }
  REQUIRE(received);
  CHECK(*received == pager::DecodePage(sent.wire).value());
}

TEST_CASE("bad endpoints are refused with a clear error") {
  auto bad = pager::ZmqSink::Bind("nonsense://x");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.status().message(), Catch::Contains("nonsense://x"));
  auto no_engineer = pager::ZmqSource::Connect("tcp://127.0.0.1:5555", "");
  REQUIRE_FALSE(no_engineer.ok());
  CHECK(no_engineer.status().code() == base::Code::kInvalidInput);
}
