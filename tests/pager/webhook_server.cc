#include "tests/pager/webhook_server.h"

#include <catch2/catch.hpp>
#include <utility>

#include "pager/webhook.h"
#include "pager/webhook_signature.h"

namespace testing_support {

WebhookServer::WebhookServer(std::vector<Reply> script, std::string secret)
    : script_(std::move(script)), secret_(std::move(secret)) {
  REQUIRE(!script_.empty());
  server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
    Seen s;
    s.page_id = req.get_header_value(pager::kPageIdHeader);
    s.signature = req.get_header_value(pager::kSignatureHeader);
    s.signature_ok = !secret_.empty() && pager::VerifySignature(s.signature, secret_, req.body);
    s.content_type = req.get_header_value("Content-Type");
    s.body = req.body;
    Reply reply;
    {
      std::lock_guard lock(mu_);
      reply = script_[std::min(seen_.size(), script_.size() - 1)];
      seen_.push_back(std::move(s));
    }
    if (reply.delay.count() > 0) std::this_thread::sleep_for(reply.delay);
    res.status = reply.status;
    if (!reply.retry_after.empty()) res.set_header("Retry-After", reply.retry_after);
    res.set_content("scripted " + std::to_string(reply.status), "text/plain");
  });
  port_ = server_.bind_to_any_port("127.0.0.1");
  REQUIRE(port_ > 0);
  thread_ = std::thread([this] { server_.listen_after_bind(); });
}

WebhookServer::~WebhookServer() {
  // stop() does nothing until the accept loop runs (cpp-httplib 0.11), and the
  // loop would then never end: wait for it first, with a bound.
  for (int i = 0; i < 2000 && !server_.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  server_.stop();
  thread_.join();
}

std::string WebhookServer::url() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/hook";
}

std::vector<WebhookServer::Seen> WebhookServer::seen() const {
  std::lock_guard lock(mu_);
  return seen_;
}

}  // namespace testing_support
