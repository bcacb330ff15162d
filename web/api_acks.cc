#include "web/api_acks.h"

#include <string>
#include <vector>

#include "engine/direct_ack.h"
#include "engine/engine.h"

namespace web {

base::Result<size_t> ApplyHttpAcks(router::Node& node, AckQueue& queue, uint64_t& next_offset,
                                   const std::function<void()>& after_write,
                                   const ForwardAck& forward) {
  std::vector<std::shared_ptr<AckQueue::Request>> taken = queue.Take();
  if (taken.empty()) return size_t{0};
  std::vector<std::pair<AckQueue::Request*, AckAnswer>> answers;
  size_t applied = 0;
  base::Status failure;
  for (auto& request : taken) {
    AckQueue::Request& r = *request;
    if (!failure.ok()) {
      answers.emplace_back(&r, AckAnswer{503, "failed", "not recorded: " + failure.message()});
      continue;
    }
    auto state = node.engine().Load(r.case_id);
    if (!state.ok()) {
      failure = state.status();
      answers.emplace_back(&r, AckAnswer{503, "failed", "not recorded: " + failure.message()});
      continue;
    }
    router::Acknowledge ack{r.case_id, r.engineer, r.at};
    if (forward) {
      auto owned = node.Owns(r.case_id);
      if (!owned.ok()) {
        failure = owned.status();
        answers.emplace_back(&r, AckAnswer{503, "failed", "not recorded: " + failure.message()});
        continue;
      }
      if (!state->opened || !*owned) {
        forward(ack, request);
        continue;
      }
    }
    if (!state->opened) {
      answers.emplace_back(&r, AckAnswer{404, "refused", "no case '" + r.case_id + "'"});
      continue;
    }
    router::DirectAck direct;
    direct.channel = router::kHttpChannel;
    direct.offset = static_cast<int64_t>(next_offset++);
    direct.ack = ack;
    direct.where = "HTTP API";
    auto applied_one = router::ApplyDirectAck(node, direct);
    if (!applied_one.ok()) {
      failure = applied_one.status();
      answers.emplace_back(&r, AckAnswer{503, "failed", "not recorded: " + failure.message()});
      continue;
    }
    ++applied;
    answers.emplace_back(&r, AckAnswer{applied_one->result == "refused" ? 409 : 202,
                                       applied_one->result, applied_one->detail});
  }
  // Answered only once durable, as the API promises.
  if (applied > 0) {
    if (base::Status s = node.Flush(); !s.ok()) {
      for (auto& [r, a] : answers) {
        if (a.http_status == 202 || a.http_status == 409) a = {503, "failed", s.message()};
      }
      failure = s;
    }
    if (after_write) after_write();
  }
  for (auto& [r, a] : answers) AckQueue::Answer(*r, std::move(a));
  if (!failure.ok()) return failure;
  return applied;
}

}  // namespace web
