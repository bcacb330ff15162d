// serve's hub and the device, over real ZeroMQ sockets (ipc:// and tcp:// on loopback, CURVE
// with a ZAP handler): pages leave only once durable, reach every device of their engineer,
// are resent until a receipt, reach a device that connects late, and bad input is refused
// while everyone else is served. Every wait is bounded.
#include "pager/hub.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <zmq.hpp>

#include "pager/curve.h"
#include "pager/device.h"
#include "tests/test_support.h"

namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

pager::HubOptions Options(const std::string& endpoint) {
  pager::HubOptions o;
  o.endpoint = endpoint;
  o.engineers = {"alice", "bob"};
  o.book.first_retry = milliseconds(200);
  o.book.max_retry = milliseconds(400);
  o.book.delivery_timeout = seconds(2);
  return o;
}

pager::OfferedPage Page(uint64_t seq, const std::string& engineer) {
  pager::Page p;
  p.seq = seq;
  p.case_id = "case-" + std::to_string(seq);
  p.engineer = engineer;
  p.at = std::chrono::floor<milliseconds>(std::chrono::system_clock::now());
  return {seq, engineer, p.at, false, pager::Encode(pager::FromServe{p})};
}

std::unique_ptr<pager::Device> Connect(const std::string& endpoint, const std::string& engineer,
                                       const std::string& device = "phone") {
  auto d = pager::Device::Connect({endpoint, engineer, device, "", "", ""});
  REQUIRE(d.ok());
  return std::move(*d);
}

// Reads messages for up to `limit` until one satisfies `want`; returns it (nullopt: none).
template <typename T>
std::optional<T> Next(pager::Device& device, milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    auto m = device.Receive(milliseconds(50));
    REQUIRE(m.ok());
    if (*m && std::holds_alternative<T>(**m)) return std::get<T>(**m);
  }
  return std::nullopt;
}

// Waits until the hub has reports satisfying `enough`, merging them.
pager::HubReports WaitReports(pager::Hub& hub,
                              const std::function<bool(const pager::HubReports&)>& enough,
                              milliseconds limit = milliseconds(5000)) {
  pager::HubReports all;
  const auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline && !enough(all)) {
    auto r = hub.TakeReports();
    for (auto& x : r.receipts) all.receipts.push_back(x);
    for (auto& x : r.acks) all.acks.push_back(x);
    for (auto& x : r.failed) all.failed.push_back(x);
    std::this_thread::sleep_for(milliseconds(10));
  }
  return all;
}

}  // namespace

TEST_CASE("a page leaves only once durable, to every device of its engineer, and is confirmed") {
  testing_support::TempDir dir;
  const std::string endpoint = "ipc://" + dir.str() + "/hub.sock";
  auto hub = pager::Hub::Start(Options(endpoint));
  REQUIRE(hub.ok());
  auto phone = Connect(endpoint, "alice", "phone");
  auto laptop = Connect(endpoint, "alice", "laptop");
  auto bob = Connect(endpoint, "bob");
  REQUIRE(Next<pager::Welcome>(*phone, milliseconds(5000)));
  REQUIRE(Next<pager::Welcome>(*laptop, milliseconds(5000)));
  REQUIRE(Next<pager::Welcome>(*bob, milliseconds(5000)));

  (*hub)->Offer({Page(7, "alice")});
  // Not durable yet: nothing is sent.
  CHECK_FALSE(Next<pager::Page>(*phone, milliseconds(300)));
  (*hub)->Written(8);
  auto on_phone = Next<pager::Page>(*phone, milliseconds(5000));
  auto on_laptop = Next<pager::Page>(*laptop, milliseconds(5000));
  REQUIRE(on_phone);
  REQUIRE(on_laptop);
  CHECK(on_phone->seq == 7);
  CHECK(on_laptop->case_id == "case-7");
  CHECK_FALSE(Next<pager::Page>(*bob, milliseconds(300)));

  REQUIRE(phone->ConfirmReceipt(7).ok());
  REQUIRE(laptop->ConfirmReceipt(7).ok());  // the second receipt counts not
  auto reports = WaitReports(**hub, [](const auto& r) { return !r.receipts.empty(); });
  REQUIRE(reports.receipts.size() == 1);
  CHECK(reports.receipts[0].seq == 7);
  CHECK(reports.receipts[0].engineer == "alice");
  std::this_thread::sleep_for(milliseconds(300));
  CHECK((*hub)->TakeReports().receipts.empty());
  CHECK((*hub)->stats().pending == 0);
}

TEST_CASE("an unconfirmed page is resent; a device connecting late gets it; a timeout reports it") {
  testing_support::TempDir dir;
  const std::string endpoint = "ipc://" + dir.str() + "/hub.sock";
  auto hub = pager::Hub::Start(Options(endpoint));
  REQUIRE(hub.ok());
  (*hub)->Written(100);
  (*hub)->Offer({Page(7, "alice")});
  // Nobody connected: after the timeout (2 s here) the page is reported undelivered.
  auto failed = WaitReports(**hub, [](const auto& r) { return !r.failed.empty(); });
  REQUIRE(failed.failed.size() == 1);
  CHECK(failed.failed[0].seq == 7);
  CHECK(failed.failed[0].attempts == 0);

  auto phone = Connect(endpoint, "alice");
  auto first = Next<pager::Page>(*phone, milliseconds(5000));
  REQUIRE(first);
  CHECK(first->seq == 7);
  // No receipt: it comes again.
  auto again = Next<pager::Page>(*phone, milliseconds(5000));
  REQUIRE(again);
  CHECK(again->seq == 7);
  REQUIRE(phone->ConfirmReceipt(7).ok());
  auto got = WaitReports(**hub, [](const auto& r) { return !r.receipts.empty(); });
  REQUIRE(got.receipts.size() == 1);
}

TEST_CASE("a forgotten page is not sent; acknowledgements are reported with their device") {
  testing_support::TempDir dir;
  const std::string endpoint = "ipc://" + dir.str() + "/hub.sock";
  auto hub = pager::Hub::Start(Options(endpoint));
  REQUIRE(hub.ok());
  (*hub)->Offer({Page(7, "alice"), Page(8, "alice")});
  (*hub)->Forget({7});
  (*hub)->Written(100);
  auto phone = Connect(endpoint, "alice");
  auto page = Next<pager::Page>(*phone, milliseconds(5000));
  REQUIRE(page);
  CHECK(page->seq == 8);

  REQUIRE(phone->Acknowledge(8, 41).ok());
  auto acks = WaitReports(**hub, [](const auto& r) { return !r.acks.empty(); });
  REQUIRE(acks.acks.size() == 1);
  CHECK(acks.acks[0].seq == 8);
  CHECK(acks.acks[0].ref == 41);
  CHECK(acks.acks[0].engineer == "alice");
  (*hub)->Answer(acks.acks[0].route, {41, 8, "case-8", "responded", "first response"});
  auto answer = Next<pager::AckAnswer>(*phone, milliseconds(5000));
  REQUIRE(answer);
  CHECK(answer->ref == 41);
  CHECK(answer->result == "responded");
}

TEST_CASE("bad input from one device is refused and counted; the others are still served") {
  testing_support::TempDir dir;
  const std::string endpoint = "ipc://" + dir.str() + "/hub.sock";
  auto hub = pager::Hub::Start(Options(endpoint));
  REQUIRE(hub.ok());
  zmq::context_t ctx;
  zmq::socket_t rogue(ctx, zmq::socket_type::dealer);
  rogue.set(zmq::sockopt::linger, 0);
  rogue.connect(endpoint);
  auto expect_error = [&](const std::string& contains) {
    const auto deadline = Clock::now() + milliseconds(5000);
    while (Clock::now() < deadline) {
      zmq::message_t m;
      if (rogue.recv(m, zmq::recv_flags::dontwait)) {
        auto decoded = pager::DecodeFromServe(m.to_string_view());
        REQUIRE(decoded.ok());
        auto* error = std::get_if<pager::ServeError>(&*decoded);
        REQUIRE(error != nullptr);
        CHECK_THAT(error->error, Catch::Contains(contains));
        return;
      }
      std::this_thread::sleep_for(milliseconds(10));
    }
    FAIL("no error answer containing '" << contains << "'");
  };
  rogue.send(zmq::str_buffer("{not json"));
  expect_error("not JSON");
  rogue.send(zmq::buffer(std::string(pager::kMaxMessageBytes + 10, 'x')));
  expect_error("over the limit");
  rogue.send(zmq::str_buffer("a"), zmq::send_flags::sndmore);
  rogue.send(zmq::str_buffer("b"));
  expect_error("one frame per message");
  rogue.send(zmq::str_buffer(R"({"type":"receipt","page":7})"));
  expect_error("say hello first");
  rogue.send(zmq::str_buffer(R"({"type":"hello","engineer":"mallory","device":"x"})"));
  expect_error("unknown engineer");
  rogue.send(zmq::str_buffer(R"({"type":"hello","engineer":"alice","device":"x","version":2})"));
  expect_error("field version: 2 is not a version serve speaks");
  CHECK((*hub)->stats().bad_messages == 6);

  auto phone = Connect(endpoint, "alice");
  (*hub)->Written(100);
  (*hub)->Offer({Page(9, "alice")});
  auto page = Next<pager::Page>(*phone, milliseconds(5000));
  REQUIRE(page);
  CHECK(page->seq == 9);
}

TEST_CASE("CURVE: a configured key is served; an unknown key gets nothing and is counted") {
  testing_support::TempDir dir;
  auto server = pager::GenerateKeyPair();
  auto alice_key = pager::GenerateKeyPair();
  auto stranger = pager::GenerateKeyPair();
  REQUIRE(server.ok());
  REQUIRE(alice_key.ok());
  REQUIRE(stranger.ok());
  auto options = Options("tcp://127.0.0.1:*");
  pager::PagerKeys keys;
  keys.server_public = server->public_z85;
  keys.server_secret = server->secret_z85;
  keys.devices[alice_key->public_z85] = {{"alice", "phone"}};
  options.curve = keys;
  auto hub = pager::Hub::Start(options);
  REQUIRE(hub.ok());
  const std::string endpoint = (*hub)->endpoint();
  (*hub)->Written(100);
  (*hub)->Offer({Page(5, "alice")});

  auto intruder = pager::Device::Connect(
      {endpoint, "alice", "phone", server->public_z85, stranger->public_z85, stranger->secret_z85});
  REQUIRE(intruder.ok());
  CHECK_FALSE(Next<pager::Page>(**intruder, milliseconds(1500)));
  CHECK((*hub)->stats().refused_keys >= 1);

  // The right key, but claiming another device than the key is configured for: refused.
  auto wrong_device = pager::Device::Connect({endpoint, "alice", "laptop", server->public_z85,
                                              alice_key->public_z85, alice_key->secret_z85});
  REQUIRE(wrong_device.ok());
  auto refused = Next<pager::ServeError>(**wrong_device, milliseconds(5000));
  REQUIRE(refused);
  CHECK_THAT(refused->error, Catch::Contains("not configured"));

  auto phone = pager::Device::Connect({endpoint, "alice", "phone", server->public_z85,
                                       alice_key->public_z85, alice_key->secret_z85});
  REQUIRE(phone.ok());
  auto page = Next<pager::Page>(**phone, milliseconds(5000));
  REQUIRE(page);
  CHECK(page->seq == 5);
}
