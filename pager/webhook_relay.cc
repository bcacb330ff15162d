#include "pager/webhook_relay.h"

#include <utility>

#include "pager/webhook_body.h"

namespace pager {

WebhookRelay::WebhookRelay(RelaySettings settings, PostFn post)
    : settings_(std::move(settings)), post_(std::move(post)) {}

std::string WebhookRelay::Body(const Page& page) const {
  return settings_.format == WebhookFormat::kSlack ? SlackBody(page) : WebhookBody(page);
}

WebhookRelay::Handled WebhookRelay::Handle(const Page& page) {
  Handled h;
  const std::string id = StablePageId(page);
  if (auto it = remembered_.find(id); it != remembered_.end()) {
    h.verdict = it->second ? Verdict::kDeliveredBefore : Verdict::kGaveUpBefore;
    return h;
  }
  const std::string body = Body(page);
  h.outcome = post_(settings_.url, body, PageHeaders(id, body, settings_.secrets));
  if (h.outcome.delivered) {
    h.verdict = Verdict::kDelivered;
  } else if (h.outcome.abandoned) {
    h.verdict = Verdict::kAbandoned;
    return h;
  } else {
    h.verdict = Verdict::kGaveUp;
  }
  remembered_[id] = h.outcome.delivered;
  remembered_order_.push_back(id);
  while (remembered_.size() > settings_.max_remembered) {
    remembered_.erase(remembered_order_.front());
    remembered_order_.pop_front();
  }
  return h;
}

std::string_view VerdictName(WebhookRelay::Verdict verdict) {
  switch (verdict) {
    case WebhookRelay::Verdict::kDelivered:
      return "delivered";
    case WebhookRelay::Verdict::kGaveUp:
      return "gave up";
    case WebhookRelay::Verdict::kAbandoned:
      return "abandoned";
    case WebhookRelay::Verdict::kDeliveredBefore:
      return "delivered before";
    case WebhookRelay::Verdict::kGaveUpBefore:
      return "gave up before";
  }
  return "?";
}

}  // namespace pager
