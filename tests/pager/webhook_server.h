// A scripted webhook receiver for the tests: a cpp-httplib server on
// 127.0.0.1 (a free port) that answers POST /hook with the next reply of its
// script and records what each request carried.
#pragma once

#include <httplib.h>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace testing_support {

class WebhookServer {
 public:
  struct Reply {
    int status = 200;
    std::string retry_after;  // the Retry-After header's value; "" for none
    // How long the handler waits before answering (to make a client time
    // out); the server's own thread sleeps, never the test's.
    std::chrono::milliseconds delay{0};
  };
  // What one request carried.
  struct Seen {
    std::string page_id;        // X-Escalator-Page-Id
    std::string signature;      // X-Escalator-Signature
    bool signature_ok = false;  // verified with the server's secret
    std::string content_type;
    std::string body;
  };

  // Starts serving. Request i gets script[i]; past the end, the last reply.
  // `secret`: the one the receiver verifies signatures with ("": none).
  // REQUIRES: script is not empty.
  explicit WebhookServer(std::vector<Reply> script, std::string secret = "");
  // Stops the server and joins its thread.
  ~WebhookServer();
  WebhookServer(const WebhookServer&) = delete;
  WebhookServer& operator=(const WebhookServer&) = delete;

  std::string url() const;
  std::vector<Seen> seen() const;

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = -1;
  const std::vector<Reply> script_;
  const std::string secret_;
  mutable std::mutex mu_;
  std::vector<Seen> seen_;
};

}  // namespace testing_support
