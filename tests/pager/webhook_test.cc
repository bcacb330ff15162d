// Proves webhook delivery against a real HTTP server on loopback: which answers
// are retried and how long the backoffs are, timeouts, the signature and the
// page id on every attempt, secret rotation, and the JSON and Slack bodies.
#include "pager/webhook.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "pager/webhook_body.h"
#include "pager/webhook_signature.h"
#include "tests/pager/webhook_server.h"

namespace {

using std::chrono::milliseconds;
using Reply = testing_support::WebhookServer::Reply;

Reply Answer(int status, std::string retry_after = "", milliseconds delay = milliseconds(0)) {
  return Reply{status, std::move(retry_after), delay};
}

// Records each backoff asked for instead of sleeping, so the tests take no time.
struct Sleeps {
  std::vector<milliseconds> asked;
  pager::SleepFn fn() {
    return [this](milliseconds d) {
      asked.push_back(d);
      return true;
    };
  }
};

pager::PostOptions Fast() {
  pager::PostOptions o;
  o.timeout = milliseconds(10000);
  o.max_attempts = 5;
  o.first_backoff = milliseconds(100);
  o.max_backoff = milliseconds(350);
  return o;
}

pager::Page Sample() {
  pager::Page p;
  p.seq = 42;
  p.case_id = "case-1";
  p.engineer = "alice";
  p.at = *base::ParseInstant("2026-11-24T03:00:00.250Z");
  p.step = 2;
  p.target = "schedule/video-sme-primary";
  p.reason = "on call in layer weekly";
  p.reason_code = "on_call";
  p.display_id = "ACME-1234";
  p.subject = "Stream <down> & dropping";
  p.customer = "acme";
  p.service = "live-video";
  p.severity = "S1";
  p.level = 1;
  p.due = *base::ParseInstant("2026-11-24T03:15:00Z");
  return p;
}

const std::string kBody = R"({"page_id":42})";

std::vector<std::string> Headers(const std::vector<std::string>& secrets = {"s3cret"}) {
  return pager::PageHeaders("42", kBody, secrets);
}

}  // namespace

TEST_CASE("500, 500, 200: delivered on the third attempt, backoffs doubling") {
  testing_support::WebhookServer server({Answer(500), Answer(500), Answer(200)});
  Sleeps sleeps;
  auto out = pager::PostWithRetry(server.url(), kBody, Headers(), Fast(), sleeps.fn());
  CHECK(out.delivered);
  CHECK(out.attempts == 3);
  CHECK(out.last_status == 200);
  CHECK(out.error.empty());
  CHECK(server.seen().size() == 3);
  CHECK(sleeps.asked == std::vector<milliseconds>{milliseconds(100), milliseconds(200)});
}

TEST_CASE("backoffs double up to max_backoff, then stay there; attempts stop at max_attempts") {
  testing_support::WebhookServer server({Answer(503)});
  Sleeps sleeps;
  auto out = pager::PostWithRetry(server.url(), kBody, Headers(), Fast(), sleeps.fn());
  CHECK_FALSE(out.delivered);
  CHECK(out.attempts == 5);
  CHECK(out.last_status == 503);
  CHECK(out.error.find("HTTP 503") == 0);
  CHECK(server.seen().size() == 5);
  // Asked between attempts only: 4 waits for 5 attempts.
  CHECK(sleeps.asked == std::vector<milliseconds>{milliseconds(100), milliseconds(200),
                                                  milliseconds(350), milliseconds(350)});
  CHECK(pager::Backoff(Fast(), 1) == milliseconds(100));
  CHECK(pager::Backoff(Fast(), 60) == milliseconds(350));  // no overflow however many
}

TEST_CASE("a 4xx other than 429, or a 3xx, is given up at once: exactly one request") {
  for (int status : {400, 401, 404, 302}) {
    CAPTURE(status);
    testing_support::WebhookServer server({Answer(status), Answer(200)});
    Sleeps sleeps;
    auto out = pager::PostWithRetry(server.url(), kBody, Headers(), Fast(), sleeps.fn());
    CHECK_FALSE(out.delivered);
    CHECK(out.attempts == 1);
    CHECK(out.last_status == status);
    CHECK(out.error == "HTTP " + std::to_string(status) + ": scripted " + std::to_string(status));
    CHECK(server.seen().size() == 1);
    CHECK(sleeps.asked.empty());
  }
}

TEST_CASE("429 then 200: delivered in two, after the Retry-After, capped at max_backoff") {
  SECTION("Retry-After: 1 waits a second") {
    testing_support::WebhookServer server({Answer(429, "1"), Answer(200)});
    auto options = Fast();
    options.max_backoff = milliseconds(30000);
    Sleeps sleeps;
    auto out = pager::PostWithRetry(server.url(), kBody, Headers(), options, sleeps.fn());
    CHECK(out.delivered);
    CHECK(out.attempts == 2);
    CHECK(server.seen().size() == 2);
    CHECK(sleeps.asked == std::vector<milliseconds>{milliseconds(1000)});
  }
  SECTION("Retry-After beyond the cap waits max_backoff") {
    testing_support::WebhookServer server({Answer(429, "120"), Answer(200)});
    Sleeps sleeps;
    auto out = pager::PostWithRetry(server.url(), kBody, Headers(), Fast(), sleeps.fn());
    CHECK(out.delivered);
    CHECK(out.attempts == 2);
    CHECK(sleeps.asked == std::vector<milliseconds>{milliseconds(350)});
  }
  SECTION("no Retry-After: our own backoff") {
    testing_support::WebhookServer server({Answer(429), Answer(200)});
    Sleeps sleeps;
    auto out = pager::PostWithRetry(server.url(), kBody, Headers(), Fast(), sleeps.fn());
    CHECK(out.delivered);
    CHECK(sleeps.asked == std::vector<milliseconds>{milliseconds(100)});
  }
}

TEST_CASE("a request that outlives the timeout is retried, and the retry delivers") {
  // The server holds the first request for a second; the client waits 300 ms.
  testing_support::WebhookServer server({Answer(200, "", milliseconds(1000)), Answer(200)});
  auto options = Fast();
  options.timeout = milliseconds(300);
  Sleeps sleeps;
  auto out = pager::PostWithRetry(server.url(), kBody, Headers(), options, sleeps.fn());
  CHECK(out.delivered);
  CHECK(out.attempts >= 2);
  REQUIRE_FALSE(sleeps.asked.empty());
  CHECK(sleeps.asked[0] == milliseconds(100));
  CHECK(server.seen().size() >= 2);
}

TEST_CASE("a refused connection is retried until max_attempts; last_status stays 0") {
  // A socket bound but not listening: connecting to it is refused at once,
  // and no other process can take the port meanwhile.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  const std::string url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/hook";
  auto options = Fast();
  options.max_attempts = 3;
  Sleeps sleeps;
  auto out = pager::PostWithRetry(url, kBody, Headers(), options, sleeps.fn());
  close(fd);
  CHECK_FALSE(out.delivered);
  CHECK(out.attempts == 3);
  CHECK(out.last_status == 0);
  CHECK(out.error.find("curl: ") == 0);
  CHECK(sleeps.asked.size() == 2);
}

TEST_CASE("a sleep that returns false abandons the post at once") {
  testing_support::WebhookServer server({Answer(500), Answer(200)});
  int asked = 0;
  auto out = pager::PostWithRetry(server.url(), kBody, Headers(), Fast(), [&](milliseconds) {
    ++asked;
    return false;
  });
  CHECK_FALSE(out.delivered);
  CHECK(out.attempts == 1);
  CHECK(asked == 1);
  CHECK(out.abandoned);
  CHECK(out.error == "HTTP 500: scripted 500");
  CHECK(server.seen().size() == 1);
}

TEST_CASE("a URL that is not http(s) is refused without a retry") {
  Sleeps sleeps;
  auto out = pager::PostWithRetry("file:///etc/passwd", kBody, Headers(), Fast(), sleeps.fn());
  CHECK_FALSE(out.delivered);
  CHECK(out.attempts == 1);
  CHECK(sleeps.asked.empty());
}

TEST_CASE("every attempt is signed and carries the same page id") {
  const std::string body = pager::WebhookBody(Sample());
  testing_support::WebhookServer server({Answer(500), Answer(503), Answer(200)}, "s3cret");
  Sleeps sleeps;
  auto out = pager::PostWithRetry(server.url(), body, pager::PageHeaders("42", body, {"s3cret"}),
                                  Fast(), sleeps.fn());
  CHECK(out.delivered);
  const auto seen = server.seen();
  REQUIRE(seen.size() == 3);
  for (const auto& s : seen) {
    CHECK(s.page_id == "42");
    CHECK(s.signature_ok);
    CHECK(s.content_type == "application/json");
    CHECK(s.body == body);
  }
}

TEST_CASE("a post signed with another secret does not verify at the receiver") {
  testing_support::WebhookServer server({Answer(200)}, "s3cret");
  Sleeps sleeps;
  auto out = pager::PostWithRetry(server.url(), kBody, Headers({"wrong"}), Fast(), sleeps.fn());
  CHECK(out.delivered);  // this receiver answers 200 regardless; it records the check
  REQUIRE(server.seen().size() == 1);
  CHECK_FALSE(server.seen()[0].signature_ok);
}

TEST_CASE("the signature is HMAC-SHA256 in lowercase hex (RFC 4231 case 2)") {
  CHECK(pager::SignatureHeader({"Jefe"}, "what do ya want for nothing?") ==
        "v1=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(pager::SignatureHeader({}, "body").empty());
}

TEST_CASE("rotation: a header signed with two secrets verifies with either, not a third") {
  const std::string body = "{\"page_id\":7}";
  const std::string header = pager::SignatureHeader({"old-secret", "new-secret"}, body);
  CHECK(header.find("v1=") == 0);
  CHECK(header.find(",v1=") == 3 + 64);
  CHECK(pager::VerifySignature(header, "old-secret", body));
  CHECK(pager::VerifySignature(header, "new-secret", body));
  CHECK_FALSE(pager::VerifySignature(header, "other", body));
  CHECK_FALSE(pager::VerifySignature(header, "new-secret", body + " "));
}

TEST_CASE("verification skips other schemes and malformed entries, takes either hex case") {
  const std::string body = "x";
  const std::string good = pager::SignatureHeader({"k"}, body);
  std::string upper = good;
  for (size_t i = 3; i < upper.size(); ++i) upper[i] = static_cast<char>(std::toupper(upper[i]));
  CHECK(pager::VerifySignature(upper, "k", body));
  CHECK(pager::VerifySignature("v2=abc, v1=zz, garbage , " + good, "k", body));
  CHECK_FALSE(pager::VerifySignature("v2=" + good.substr(3), "k", body));
  CHECK_FALSE(pager::VerifySignature(good.substr(0, good.size() - 1), "k", body));
  CHECK_FALSE(pager::VerifySignature("", "k", body));
}

TEST_CASE("the webhook body carries the page's fields as JSON") {
  auto j = nlohmann::json::parse(pager::WebhookBody(Sample()));
  CHECK(j["page_id"] == pager::StablePageId(Sample()));
  CHECK(j["seq"] == 42);
  CHECK(j["case"] == "case-1");
  CHECK(j["display_id"] == "ACME-1234");
  CHECK(j["customer"] == "acme");
  CHECK(j["level"] == 1);
  CHECK(j["level_meaning"] == "urgent: full production outage");
  CHECK(j["subject"] == "Stream <down> & dropping");
  CHECK(j["service"] == "live-video");
  CHECK(j["severity"] == "S1");
  CHECK(j["due"] == "2026-11-24T03:15:00Z");
  CHECK(j["step"] == 2);
  CHECK(j["engineer"] == "alice");
  CHECK(j["why"] == "on call in layer weekly");
  CHECK(j["reason_code"] == "on_call");
  CHECK(j["decided_at"] == "2026-11-24T03:00:00.250Z");

  auto p = Sample();
  p.due.reset();
  p.level = 0;
  p.subject = "bad \xff utf-8";
  j = nlohmann::json::parse(pager::WebhookBody(p));
  CHECK(j["due"].is_null());
  CHECK(j["level_meaning"] == "");
  CHECK(j["subject"] == "bad \xEF\xBF\xBD utf-8");
}

TEST_CASE("the Slack body has a fallback text and the three blocks, escaped") {
  auto j = nlohmann::json::parse(pager::SlackBody(Sample()));
  const std::string text = j["text"];
  CHECK(text.find("ACME-1234") != std::string::npos);
  CHECK(text.find("level 1 (urgent: full production outage)") != std::string::npos);
  CHECK(text.find("alice") != std::string::npos);
  REQUIRE(j["blocks"].size() == 3);
  const auto& head = j["blocks"][0];
  CHECK(head["type"] == "section");
  const std::string headline = head["text"]["text"];
  CHECK(headline.find("*ACME-1234*") != std::string::npos);
  CHECK(headline.find("urgent: full production outage") != std::string::npos);
  CHECK(headline.find("Stream &lt;down&gt; &amp; dropping") != std::string::npos);
  const auto& fields = j["blocks"][1]["fields"];
  REQUIRE(fields.size() == 3);
  CHECK(fields[0]["text"] == "*Customer*\nacme");
  CHECK(fields[1]["text"] == "*Service*\nlive-video");
  const std::string due = fields[2]["text"];
  CHECK(due.find("<!date^") != std::string::npos);
  CHECK(due.find("|2026-11-24T03:15:00Z>") != std::string::npos);
  const auto& context = j["blocks"][2];
  CHECK(context["type"] == "context");
  const std::string who = context["elements"][0]["text"];
  CHECK(who.find("*alice*") != std::string::npos);
  CHECK(who.find("on call in layer weekly") != std::string::npos);

  pager::Page bare;
  bare.seq = 1;
  bare.case_id = "case-9";
  bare.engineer = "bob";
  bare.subject = std::string(5000, 'x');
  j = nlohmann::json::parse(pager::SlackBody(bare));
  CHECK(j["blocks"][0]["text"]["text"].get<std::string>().find("*case-9*") == 0);
  CHECK(j["blocks"][0]["text"]["text"].get<std::string>().size() <= 3000);
  CHECK(j["blocks"][1]["fields"][0]["text"] == "*Customer*\n-");
  CHECK(j["blocks"][1]["fields"][2]["text"] == "*Due*\n-");
}
