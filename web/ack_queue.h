// Acknowledgements posted to the HTTP API, handed to serve's main loop: the node is
// single-threaded, so an HTTP thread never applies anything itself. The loop takes what
// waits (Take) between polls, applies each through Node::ApplyDirect (the input path the
// pager channel's acks take), flushes, and answers; the HTTP thread answers 202 only then.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/time.h"

namespace web {

struct AckAnswer {
  int http_status = 202;  // 202 recorded (durable); 404 no such case; 409 refused; 503 failed
  std::string result;     // responded | acknowledged | repeated | refused | failed
  std::string detail;
};

class AckQueue {
 public:
  struct Request {
    std::string case_id;
    std::string engineer;
    base::Timestamp at{};  // when the HTTP request arrived: the acknowledgement's instant
    // Set by Answer; read by the waiting HTTP thread.
    std::mutex mu;
    std::condition_variable done;
    std::optional<AckAnswer> answer;
    bool abandoned = false;  // the HTTP thread stopped waiting: skip it if not yet taken
  };

  // HTTP thread: queues the acknowledgement and waits at most `timeout` for its answer.
  // nullopt on timeout (then it is skipped unless the loop has already taken it, in which
  // case it may still be recorded).
  std::optional<AckAnswer> Submit(const std::string& case_id, const std::string& engineer,
                                  base::Timestamp at, std::chrono::milliseconds timeout);

  // Main loop: every request waiting (abandoned ones dropped), oldest first.
  std::vector<std::shared_ptr<Request>> Take();
  // Main loop: answers a taken request (wakes its HTTP thread).
  static void Answer(Request& request, AckAnswer answer);
  // Main loop at shutdown: answers everything still queued as failed (503).
  void FailAll(const std::string& why);

 private:
  std::mutex mu_;
  std::vector<std::shared_ptr<Request>> waiting_;
};

}  // namespace web
