// `escalator pager-gateway` as people run it: its usage errors (exit 2, naming the problem),
// and against a real serve (embedded broker, RocksDB log, ipc:// channel) with a scripted
// receiver on 127.0.0.1: a page retried after a 500 is delivered, signed, with one page id, and
// serve logs it delivered to device "gateway"; a page the receiver refuses is posted once,
// never confirmed, its resends dropped, and serve logs delivery_failed. Stops what it starts.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/cli/serve_fixture.h"
#include "tests/pager/webhook_server.h"

namespace {

using namespace serve_fixture;
using ingest_test::Broker;
using ingest_test::ChildProcess;
using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using testing_support::TempDir;
using testing_support::WebhookServer;
using Steady = std::chrono::steady_clock;

WebhookServer::Reply Answer(int status) { return WebhookServer::Reply{status, "", {}}; }

std::vector<std::string> GatewayArgs(const std::string& endpoint, const std::string& url,
                                     const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {Bin(), "pager-gateway", "--endpoint", endpoint, "--url",
                                   url,   "--engineers",   "alice"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

}  // namespace

TEST_CASE("pager-gateway: bad flags exit 2 with the problem named") {
  TempDir dir;
  const std::string d = dir.str();
  testing_support::WriteFile(d + "/empty.secrets", "# none yet\n\n");
  struct Row {
    std::vector<std::string> args;
    const char* expect;
  };
  const std::string ep = "ipc://" + d + "/none.sock", url = "http://127.0.0.1:9/hook";
  const Row rows[] = {
      {{Bin(), "pager-gateway", "--endpoint", ep, "--engineers", "alice"}, "--url"},
      {{Bin(), "pager-gateway", "--endpoint", ep, "--url", url}, "--engineers"},
      {GatewayArgs(ep, "ftp://x/y", {}), "--url must be http:// or https://"},
      {GatewayArgs(ep, url, {"--format", "xml"}), "--format must be json or slack"},
      {GatewayArgs(ep, url, {"--engineers", "alice,,bob"}), "empty id"},
      {GatewayArgs(ep, url, {"--engineers", "alice,alice"}), "'alice' twice"},
      {GatewayArgs(ep, url, {"--secret-file", d + "/missing"}), "cannot read"},
      {GatewayArgs(ep, url, {"--secret-file", d + "/empty.secrets"}), "holds no secret"},
      {GatewayArgs(ep, url, {"--key", d + "/g.key"}), "--key and --server-key go together"},
      {GatewayArgs(ep, url, {"--max-attempts", "0"}), "--max-attempts must be a number"},
      {GatewayArgs(ep, url, {"--timeout-ms", "soon"}), "--timeout-ms must be a number"},
  };
  for (const Row& row : rows) {
    auto r = ingest_test::Run(row.args, 30);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains(row.expect));
  }
}

TEST_CASE("pager-gateway: a page retried after a 500 is delivered once, signed; serve logs it") {
  TempDir dir;
  const std::string d = dir.str();
  Broker broker(1, d + "/broker.err");
  const std::string config = WriteConfig(dir, 60, 120);  // alice's page stays alice's
  const std::string data = d + "/data";
  const std::string endpoint = "ipc://" + d + "/pager.sock";
  testing_support::WriteFile(d + "/secrets", "# rotating\nnew-secret\nold-secret\n");
  WebhookServer receiver({Answer(500), Answer(200)}, "old-secret");
  auto serve = StartServe(broker, config, data, endpoint, d + "/serve.err");
  ChildProcess gateway(
      GatewayArgs(endpoint, receiver.url(),
                  {"--secret-file", d + "/secrets", "--count", "1", "--exit-after-s", "60"}),
      d + "/gateway.err");
  REQUIRE(WaitForText(d + "/gateway.err", "connected as alice/gateway", seconds(20)));
  Publish(broker, dir, CreateCase("case-hook", Now()));

  const auto exit = gateway.Wait(milliseconds(60000));
  INFO(testing_support::ReadFile(d + "/gateway.err")
       << testing_support::ReadFile(d + "/serve.err"));
  REQUIRE(exit);
  CHECK(*exit == 0);
  auto paged = WaitForEvents(data, "case-hook", "paged", 1);
  REQUIRE(paged.size() == 1);
  const std::string seq = std::to_string(paged[0].at("seq").get<uint64_t>());
  const auto seen = receiver.seen();
  REQUIRE(seen.size() == 2);               // the 500, then the 200
  const std::string id = seen[0].page_id;  // the stable id (pager::StablePageId): 16 hex
  CHECK(id.size() == 16);
  CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
  for (const auto& s : seen) {
    CHECK(s.page_id == id);
    CHECK(s.signature_ok);
    const json body = json::parse(s.body);
    CHECK(body.at("case") == "case-hook");
    CHECK(body.at("engineer") == "alice");
    CHECK(body.at("page_id") == id);
    CHECK(std::to_string(body.at("seq").get<uint64_t>()) == seq);
  }
  CHECK(WaitForText(d + "/gateway.err", "page " + seq + " for alice: delivered (status 200, 2",
                    seconds(1)));
  auto delivered = WaitForEvents(data, "case-hook", "delivered", 1);
  REQUIRE(delivered.size() == 1);
  CHECK(delivered[0].at("device") == "gateway");
  CHECK(delivered[0].at("paged_seq") == paged[0].at("seq"));
  StopServe(*serve, d + "/serve.err");
}

TEST_CASE("pager-gateway: a page the receiver refuses is posted once and never confirmed") {
  TempDir dir;
  const std::string d = dir.str();
  Broker broker(1, d + "/broker.err");
  const std::string config = WriteConfig(dir, 60, 120, "pager:\n  delivery_timeout: 3s\n");
  const std::string data = d + "/data";
  const std::string endpoint = "ipc://" + d + "/pager.sock";
  WebhookServer receiver({Answer(400)});
  auto serve = StartServe(broker, config, data, endpoint, d + "/serve.err");
  // Runs past serve's first resend (5 s after the page): it must be dropped, not posted.
  ChildProcess gateway(GatewayArgs(endpoint, receiver.url(), {"--exit-after-s", "40"}),
                       d + "/gateway.err");
  REQUIRE(WaitForText(d + "/gateway.err", "connected as alice/gateway", seconds(20)));
  Publish(broker, dir, CreateCase("case-refused", Now()));
  auto failed = WaitForEvents(data, "case-refused", "delivery_failed", 1);
  INFO(testing_support::ReadFile(d + "/gateway.err")
       << testing_support::ReadFile(d + "/serve.err"));
  REQUIRE(failed.size() == 1);
  REQUIRE(WaitForText(d + "/gateway.err", "gave up before", seconds(20)));
  gateway.Signal(SIGTERM);
  const auto exit = gateway.Wait(milliseconds(20000));
  REQUIRE(exit);
  CHECK(*exit == 0);
  CHECK(receiver.seen().size() == 1);
  CHECK(WaitForText(d + "/gateway.err", "gave up (status 400, 1 attempt(s): HTTP 400", seconds(1)));
  CHECK(WaitForEvents(data, "case-refused", "delivered", 1, seconds(1)).empty());
  StopServe(*serve, d + "/serve.err");
}
