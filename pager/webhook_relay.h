// What the pager gateway does with each page its devices receive: posts a
// page the first time it comes, remembers how that went, and says whether
// serve gets a receipt for it. No socket of its own: the caller receives
// from the device and confirms; the post is a function (PostWithRetry in
// `escalator pager-gateway`, a fake in tests).
//
// Delivery is at least once on both sides. serve resends a page until it has
// the receipt, so a resend of a page posted earlier is confirmed again without
// posting. A page given up on (refused by the receiver, or out of attempts)
// gets no receipt, so serve records it as undelivered (delivery_failed); its
// resends are dropped here rather than posted again and again. A post cut
// short because the gateway is stopping is not remembered: the next delivery
// posts it, and the receiver drops a repeat by its page id.
//
// One thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "pager/page.h"
#include "pager/webhook.h"

namespace pager {

enum class WebhookFormat { kJson, kSlack };

struct RelaySettings {
  std::string url;
  WebhookFormat format = WebhookFormat::kJson;
  std::vector<std::string> secrets;  // sign with all (rotation); none: unsigned
  // The most pages remembered; past it the oldest (first posted) is forgotten,
  // so a long-running gateway stays bounded. A forgotten page that comes again
  // is posted again, which the page id header lets the receiver drop.
  size_t max_remembered = 100000;
};

// Posts one body with its headers, retrying as it sees fit.
using PostFn = std::function<PostOutcome(const std::string& url, const std::string& body,
                                         const std::vector<std::string>& headers)>;

class WebhookRelay {
 public:
  enum class Verdict {
    kDelivered,        // posted now and delivered: confirm the receipt
    kGaveUp,           // posted now, not delivered: no receipt; resends dropped
    kAbandoned,        // the post was abandoned (stopping): no receipt; not remembered
    kDeliveredBefore,  // a resend of a page delivered earlier: confirm again, no post
    kGaveUpBefore,     // a resend of a page given up on earlier: nothing to do
  };
  struct Handled {
    Verdict verdict = Verdict::kDelivered;
    PostOutcome outcome;  // the post's, when one was made now
    // Whether the caller sends serve a receipt for the page.
    bool confirm() const {
      return verdict == Verdict::kDelivered || verdict == Verdict::kDeliveredBefore;
    }
    bool posted() const { return verdict == Verdict::kDelivered || verdict == Verdict::kGaveUp; }
  };

  // REQUIRES: `post` is callable.
  WebhookRelay(RelaySettings settings, PostFn post);

  // Posts `page` unless it was seen before (see above) and says what the
  // caller does next.
  Handled Handle(const Page& page);

  // The body posted for `page` in this relay's format.
  std::string Body(const Page& page) const;

 private:
  RelaySettings settings_;
  PostFn post_;
  // By stable page id (pager::StablePageId), so a page an instance sends again under its own
  // seq after a handover is not posted twice: id -> delivered (else given up).
  std::map<std::string, bool> remembered_;
  std::deque<std::string> remembered_order_;  // the ids in remembered_, oldest first
};

// "delivered", "gave up", "abandoned", "delivered before", "gave up before".
std::string_view VerdictName(WebhookRelay::Verdict verdict);

}  // namespace pager
