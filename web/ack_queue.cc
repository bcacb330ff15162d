#include "web/ack_queue.h"

namespace web {

std::optional<AckAnswer> AckQueue::Submit(const std::string& case_id, const std::string& engineer,
                                          base::Timestamp at, std::chrono::milliseconds timeout) {
  auto request = std::make_shared<Request>();
  request->case_id = case_id;
  request->engineer = engineer;
  request->at = at;
  {
    std::lock_guard<std::mutex> lock(mu_);
    waiting_.push_back(request);
  }
  std::unique_lock<std::mutex> lock(request->mu);
  if (!request->done.wait_for(lock, timeout, [&] { return request->answer.has_value(); })) {
    request->abandoned = true;
    return std::nullopt;
  }
  return request->answer;
}

std::vector<std::shared_ptr<AckQueue::Request>> AckQueue::Take() {
  std::vector<std::shared_ptr<Request>> taken;
  {
    std::lock_guard<std::mutex> lock(mu_);
    taken.swap(waiting_);
  }
  std::vector<std::shared_ptr<Request>> live;
  for (auto& r : taken) {
    std::lock_guard<std::mutex> lock(r->mu);
    if (!r->abandoned) live.push_back(std::move(r));
  }
  return live;
}

void AckQueue::Answer(Request& request, AckAnswer answer) {
  {
    std::lock_guard<std::mutex> lock(request.mu);
    request.answer = std::move(answer);
  }
  request.done.notify_all();
}

void AckQueue::FailAll(const std::string& why) {
  for (auto& r : Take()) Answer(*r, {503, "failed", why});
}

}  // namespace web
