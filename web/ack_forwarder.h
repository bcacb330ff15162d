// Forwards HTTP acknowledgements of cases another instance owns (README "Several instances")
// on a thread of its own, so serve's main loop (timers, pages) never waits for the broker: the
// loop hands each acknowledgement over with the request it answers, and this thread sends it,
// waits for the broker's confirmation, and answers 202 "forwarded", or 503 when it was not.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

#include "base/status.h"
#include "router/inputs.h"
#include "web/ack_queue.h"

namespace web {

class AckForwarder {
 public:
  // Sends one acknowledgement to its owner (the commands topic, keyed by the case's account),
  // returning once the broker has it. Runs on the forwarder's thread only, so it may create
  // and keep its producer there. Errors: why it was not sent.
  using Send = std::function<base::Status(const router::Acknowledge&)>;

  // Starts the thread.
  explicit AckForwarder(Send send);
  ~AckForwarder();  // Stop()
  AckForwarder(const AckForwarder&) = delete;
  AckForwarder& operator=(const AckForwarder&) = delete;

  // Queues `ack`; `request` is answered once it is sent (or not). Thread-safe; never blocks
  // on the broker. After Stop, answers 503 at once.
  void Forward(const router::Acknowledge& ack, std::shared_ptr<AckQueue::Request> request);

  // Finishes the send in flight, answers what is still queued 503 ("serve is stopping"), and
  // joins the thread. Idempotent.
  void Stop();

 private:
  void Run();

  Send send_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::pair<router::Acknowledge, std::shared_ptr<AckQueue::Request>>> queue_;  // mu_
  bool stop_ = false;                                                                     // mu_
  std::thread thread_;
};

}  // namespace web
