// Proves what the gateway does with each page: posts it once, confirms a
// delivered page again on every resend without posting, drops resends of a
// page it gave up on, forgets an abandoned post, and stays bounded.
#include "pager/webhook_relay.h"

#include <catch2/catch.hpp>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "pager/webhook_signature.h"

namespace {

using Verdict = pager::WebhookRelay::Verdict;

// A post that answers from a script and records what it was asked to send.
struct FakePost {
  explicit FakePost(std::deque<pager::PostOutcome> s) : script(std::move(s)) {}
  std::deque<pager::PostOutcome> script;
  std::vector<std::vector<std::string>> headers;
  std::vector<std::string> bodies;
  pager::PostFn fn() {
    return [this](const std::string&, const std::string& body, const std::vector<std::string>& h) {
      bodies.push_back(body);
      headers.push_back(h);
      pager::PostOutcome out = script.front();
      script.pop_front();
      return out;
    };
  }
};

pager::PostOutcome Delivered() {
  return {.delivered = true, .attempts = 1, .last_status = 200, .error = ""};
}
pager::PostOutcome Refused() {
  return {.delivered = false, .attempts = 1, .last_status = 400, .error = "HTTP 400"};
}
pager::PostOutcome Abandoned() {
  return {.delivered = false,
          .attempts = 1,
          .last_status = 503,
          .error = "HTTP 503",
          .abandoned = true};
}

pager::Page PageNo(uint64_t seq) {
  pager::Page p;
  p.seq = seq;
  p.case_id = "case-" + std::to_string(seq);
  p.engineer = "alice";
  return p;
}

pager::RelaySettings Settings() {
  pager::RelaySettings s;
  s.url = "http://127.0.0.1:1/hook";
  s.secrets = {"old", "new"};
  return s;
}

}  // namespace

TEST_CASE("given a delivered page, when it comes again, then it is confirmed, not posted") {
  FakePost post({Delivered()});
  pager::WebhookRelay relay(Settings(), post.fn());
  auto first = relay.Handle(PageNo(7));
  CHECK(first.verdict == Verdict::kDelivered);
  CHECK(first.confirm());
  CHECK(first.posted());
  auto again = relay.Handle(PageNo(7));
  CHECK(again.verdict == Verdict::kDeliveredBefore);
  CHECK(again.confirm());
  CHECK_FALSE(again.posted());
  CHECK(post.bodies.size() == 1);
}

TEST_CASE("given a page given up on, when it comes again, then nothing is posted or confirmed") {
  FakePost post({Refused()});
  pager::WebhookRelay relay(Settings(), post.fn());
  auto first = relay.Handle(PageNo(7));
  CHECK(first.verdict == Verdict::kGaveUp);
  CHECK_FALSE(first.confirm());
  CHECK(first.outcome.error == "HTTP 400");
  auto again = relay.Handle(PageNo(7));
  CHECK(again.verdict == Verdict::kGaveUpBefore);
  CHECK_FALSE(again.confirm());
  CHECK(post.bodies.size() == 1);
}

TEST_CASE("given an abandoned post, when the page comes again, then it is posted again") {
  FakePost post({Abandoned(), Delivered()});
  pager::WebhookRelay relay(Settings(), post.fn());
  CHECK(relay.Handle(PageNo(7)).verdict == Verdict::kAbandoned);
  CHECK(relay.Handle(PageNo(7)).verdict == Verdict::kDelivered);
  CHECK(post.bodies.size() == 2);
}

TEST_CASE("the post carries the format's body, the page id and the signature of every secret") {
  FakePost post({Delivered(), Delivered()});
  auto settings = Settings();
  pager::WebhookRelay json(settings, post.fn());
  (void)json.Handle(PageNo(9));  // the verdict is checked elsewhere; here the request is
  settings.format = pager::WebhookFormat::kSlack;
  pager::WebhookRelay slack(settings, post.fn());
  (void)slack.Handle(PageNo(9));
  REQUIRE(post.bodies.size() == 2);
  const std::string id = pager::StablePageId(PageNo(9));
  CHECK(post.bodies[0].find("\"page_id\":\"" + id + "\"") != std::string::npos);
  CHECK(post.bodies[1].find("\"blocks\"") != std::string::npos);
  const auto& h = post.headers[0];
  REQUIRE(h.size() == 3);
  CHECK(h[0] == "Content-Type: application/json");
  CHECK(h[1] == "X-Escalator-Page-Id: " + id);
  const std::string prefix = "X-Escalator-Signature: ";
  REQUIRE(h[2].starts_with(prefix));
  const std::string signature = h[2].substr(prefix.size());
  CHECK(pager::VerifySignature(signature, "old", post.bodies[0]));
  CHECK(pager::VerifySignature(signature, "new", post.bodies[0]));
}

TEST_CASE("without secrets no signature header is sent") {
  FakePost post({Delivered()});
  auto settings = Settings();
  settings.secrets.clear();
  pager::WebhookRelay relay(settings, post.fn());
  (void)relay.Handle(PageNo(1));  // only the headers matter here
  REQUIRE(post.headers.size() == 1);
  CHECK(post.headers[0].size() == 2);
}

TEST_CASE("a page sent again under another seq (a new owner after a handover) is not posted") {
  FakePost post({Delivered(), Delivered()});
  pager::WebhookRelay relay(Settings(), post.fn());
  pager::Page page = PageNo(7);
  CHECK(relay.Handle(page).verdict == Verdict::kDelivered);
  page.seq = 31;  // the same paged event, restored into the new owner's log
  CHECK(relay.Handle(page).verdict == Verdict::kDeliveredBefore);
  page.step = 2;  // another page
  CHECK(relay.Handle(page).verdict == Verdict::kDelivered);
  CHECK(post.bodies.size() == 2);
}

TEST_CASE("past max_remembered the oldest page is forgotten and would be posted again") {
  FakePost post({Delivered(), Delivered(), Delivered(), Delivered()});
  auto settings = Settings();
  settings.max_remembered = 2;
  pager::WebhookRelay relay(settings, post.fn());
  for (uint64_t seq : {1, 2, 3}) CHECK(relay.Handle(PageNo(seq)).verdict == Verdict::kDelivered);
  CHECK(relay.Handle(PageNo(3)).verdict == Verdict::kDeliveredBefore);
  CHECK(relay.Handle(PageNo(2)).verdict == Verdict::kDeliveredBefore);
  CHECK(relay.Handle(PageNo(1)).verdict == Verdict::kDelivered);
  CHECK(post.bodies.size() == 4);
}

TEST_CASE("a secret file: one secret a line, trimmed; blank lines and #comments skipped") {
  CHECK(pager::ParseSecrets("# rotation: new first\n  new-secret \r\n\n#old\nold-secret") ==
        std::vector<std::string>{"new-secret", "old-secret"});
  CHECK(pager::ParseSecrets("\n# nothing\n   \n").empty());
  CHECK(pager::ParseSecrets("").empty());
}
