#include "web/ack_forwarder.h"

namespace web {

AckForwarder::AckForwarder(Send send) : send_(std::move(send)) {
  thread_ = std::thread([this] { Run(); });
}

AckForwarder::~AckForwarder() { Stop(); }

void AckForwarder::Forward(const router::Acknowledge& ack,
                           std::shared_ptr<AckQueue::Request> request) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stop_) {
      queue_.emplace_back(ack, std::move(request));
      wake_.notify_one();
      return;
    }
  }
  AckQueue::Answer(*request, {503, "failed", "not forwarded: serve is stopping"});
}

void AckForwarder::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void AckForwarder::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    wake_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (stop_) break;
    auto [ack, request] = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    const base::Status sent = send_(ack);
    AckQueue::Answer(*request,
                     sent.ok() ? AckAnswer{202, "forwarded",
                                           "sent to the instance that owns the case's partition"}
                               : AckAnswer{503, "failed", "not forwarded: " + sent.message()});
    lock.lock();
  }
  // Not sent: say so rather than leave an HTTP thread waiting for its timeout.
  for (auto& [ack, request] : queue_) {
    AckQueue::Answer(*request, {503, "failed", "not forwarded: serve is stopping"});
  }
  queue_.clear();
}

}  // namespace web
