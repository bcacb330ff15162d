#include "pager/desk.h"

#include <chrono>
#include <set>
#include <utility>

#include "engine/direct_ack.h"
#include "engine/engine.h"
#include "feed/ingest_sink.h"
#include "router/codec.h"

namespace pager {

Desk::Desk(router::Node& node, store::EventLog& log, Hub& hub, Logger info, Logger warn)
    : node_(node), log_(log), hub_(hub), info_(std::move(info)), warn_(std::move(warn)) {}

base::Status Desk::Start() {
  node_.engine().KeepNewPages(true);
  // Unique among this log's pager-channel inputs (they key dead letters): microseconds of
  // the wall clock at start, counting up.
  next_direct_ = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
  // Reown flushes the store first: everything in it is durable.
  if (base::Status s = log_.Flush(); !s.ok()) return s;
  hub_.Written(log_.next_seq());
  return Reown();
}

base::Status Desk::Offer(std::vector<router::OutboxPage> pages) {
  if (pages.empty()) return base::Status::Ok();
  auto dropped = node_.SupersedePages(pages);
  if (!dropped.ok()) return dropped.status();
  const std::set<uint64_t> gone(dropped->begin(), dropped->end());
  if (!gone.empty()) {
    stats_.superseded += gone.size();
    info_("pager: " + std::to_string(gone.size()) +
          " page(s) not sent: their case was answered or resolved first");
  }
  std::vector<OfferedPage> offered;
  for (router::OutboxPage& p : pages) {
    if (gone.count(p.seq) > 0) continue;
    auto frame = PageFrameFromOutbox(p.seq, p.value);
    if (!frame.ok()) {
      warn_("pager: " + frame.status().message() + "; left in the outbox");
      continue;
    }
    offered.push_back({p.seq, p.engineer, p.at, p.delivery_failed_at.has_value(), *frame});
    const uint64_t seq = p.seq;
    pending_[seq] = std::move(p);
  }
  stats_.offered += offered.size();
  hub_.Offer(std::move(offered));
  return base::Status::Ok();
}

base::Status Desk::Reown() {
  auto pages = node_.OutboxPages();
  if (!pages.ok()) return pages.status();
  std::set<uint64_t> owned;
  std::vector<router::OutboxPage> fresh;
  for (router::OutboxPage& p : *pages) {
    auto owns = node_.Owns(p.case_id);
    if (!owns.ok()) return owns.status();
    if (!*owns) continue;
    owned.insert(p.seq);
    if (pending_.count(p.seq) == 0) fresh.push_back(std::move(p));
  }
  std::vector<uint64_t> gone;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (owned.count(it->first) == 0) {
      gone.push_back(it->first);
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  if (!gone.empty()) {
    hub_.Forget(gone);
    info_("pager: " + std::to_string(gone.size()) +
          " page(s) left to the new owner of their partition");
  }
  if (!fresh.empty()) {
    info_("pager: " + std::to_string(fresh.size()) + " page(s) in the outbox offered");
  }
  return Offer(std::move(fresh));
}

base::Status Desk::AfterWrite() {
  std::vector<router::OutboxPage> pages;
  for (router::Engine::NewPage& p : node_.engine().TakeNewPages()) {
    if (auto page = router::ParseOutboxPage(p.seq, p.value)) pages.push_back(std::move(*page));
  }
  return Offer(std::move(pages));
}

base::Status Desk::Round() {
  HubReports r = hub_.TakeReports();
  for (auto& x : carried_.receipts) r.receipts.push_back(std::move(x));
  for (auto& x : carried_.acks) r.acks.push_back(std::move(x));
  for (auto& x : carried_.failed) r.failed.push_back(std::move(x));
  if (r.failed_at == base::Timestamp{}) r.failed_at = carried_.failed_at;
  carried_ = HubReports{};

  std::vector<router::Delivered> receipts;
  std::set<uint64_t> received;
  for (const ReceiptReport& x : r.receipts) {
    auto it = pending_.find(x.seq);
    if (it == pending_.end() || !received.insert(x.seq).second) continue;
    receipts.push_back({it->second.case_id, x.at, x.engineer, x.device, x.seq});
  }
  std::vector<router::FailedDelivery> failures;
  for (const FailureNote& f : r.failed) {
    auto it = pending_.find(f.seq);
    if (it == pending_.end() || received.count(f.seq) > 0 || it->second.delivery_failed_at) {
      continue;
    }
    failures.push_back(
        {router::DeliveryFailed{it->second.case_id, r.failed_at, f.engineer, f.seq, f.attempts},
         router::MarkDeliveryFailed(it->second.value, r.failed_at)});
  }
  if (base::Status s = node_.RecordDeliveries(receipts, failures); !s.ok()) {
    carried_ = std::move(r);
    return s;
  }
  for (const router::Delivered& d : receipts) {
    info_("pager: page " + std::to_string(d.paged_seq) + " (case " + d.case_id + ") delivered to " +
          d.engineer + "'s " + d.device);
    pending_.erase(d.paged_seq);
  }
  for (const router::FailedDelivery& f : failures) {
    auto& p = pending_[f.event.paged_seq];
    p.delivery_failed_at = f.event.at;
    p.value = f.outbox_value;
  }
  stats_.delivered += receipts.size();
  stats_.failed += failures.size();
  if (base::Status s = ApplyAcks(r.acks); !s.ok()) return s;
  return SupersedePending();
}

base::Status Desk::ApplyAcks(const std::vector<AckReport>& acks) {
  if (acks.empty()) return base::Status::Ok();
  std::vector<std::pair<std::string, AckAnswer>> answers;
  for (size_t i = 0; i < acks.size(); ++i) {
    const AckReport& a = acks[i];
    AckAnswer answer{a.ref, a.seq, "", "refused", ""};
    // The page's case: from memory while it is pending, else from its paged event.
    if (auto it = pending_.find(a.seq); it != pending_.end()) {
      answer.case_id = it->second.case_id;
    } else if (a.seq < log_.next_seq()) {
      (void)log_.Read(a.seq, a.seq + 1, [&](uint64_t, std::string_view bytes) {
        auto event = router::DecodeEvent(bytes);
        if (event.ok()) {
          if (const auto* paged = std::get_if<router::Paged>(&*event)) {
            answer.case_id = paged->case_id;
          }
        }
        return false;
      });
    }
    if (answer.case_id.empty()) {
      answer.detail = "no page " + std::to_string(a.seq);
      warn_("pager: refused an acknowledgement from " + a.engineer + "'s " + a.device + ": " +
            answer.detail);
      answers.emplace_back(a.route, std::move(answer));
      continue;
    }
    router::DirectAck direct;
    direct.channel = router::kPagerChannel;
    direct.offset = static_cast<int64_t>(next_direct_++);
    direct.ack = {answer.case_id, a.engineer, a.at};
    direct.extra = {{"device", a.device}, {"page", static_cast<int64_t>(a.seq)}};
    direct.where = "pager channel, " + a.engineer + "'s " + a.device;
    auto applied = router::ApplyDirectAck(node_, direct);
    if (!applied.ok()) {
      // Nothing was written: this and the acknowledgements after it wait for the next round.
      carried_.acks.assign(acks.begin() + static_cast<std::ptrdiff_t>(i), acks.end());
      break;
    }
    ++stats_.acks;
    answer.result = applied->result;
    answer.detail = applied->detail;
    info_("pager: acknowledgement of case " + answer.case_id + " by " + a.engineer +
          " over the pager channel (page " + std::to_string(a.seq) + "): " + answer.result +
          (answer.result == "refused" || answer.result == "repeated" ? ", " + answer.detail : ""));
    answers.emplace_back(a.route, std::move(answer));
  }
  // Answered only once durable, as the device is promised.
  if (base::Status s = node_.Flush(); !s.ok()) return s;
  for (auto& [route, answer] : answers) hub_.Answer(route, std::move(answer));
  // An acknowledgement may fire its case's due timer first, which can page.
  return AfterWrite();
}

base::Status Desk::SupersedePending() {
  if (pending_.empty()) return base::Status::Ok();
  std::vector<router::OutboxPage> pages;
  pages.reserve(pending_.size());
  for (const auto& [seq, p] : pending_) pages.push_back(p);
  auto dropped = node_.SupersedePages(pages);
  if (!dropped.ok()) return dropped.status();
  if (dropped->empty()) return base::Status::Ok();
  for (uint64_t seq : *dropped) pending_.erase(seq);
  stats_.superseded += dropped->size();
  info_("pager: " + std::to_string(dropped->size()) +
        " pending page(s) dropped: their case was answered or resolved");
  hub_.Forget(std::move(*dropped));
  return base::Status::Ok();
}

}  // namespace pager
