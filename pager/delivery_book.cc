#include "pager/delivery_book.h"

#include <algorithm>

namespace pager {

std::vector<SendOrder> DeliveryBook::SendsFor(uint64_t seq, const std::string& engineer) const {
  std::vector<SendOrder> out;
  if (auto it = routes_of_.find(engineer); it != routes_of_.end()) {
    for (const std::string& route : it->second) out.push_back({route, seq});
  }
  return out;
}

base::Timestamp DeliveryBook::WakeOf(const Pending& p) {
  return p.failed ? p.next_send : std::min(p.next_send, p.fail_at);
}

void DeliveryBook::Schedule(uint64_t seq, Pending& p, base::Timestamp now) {
  wakes_.erase({WakeOf(p), seq});
  p.backoff =
      p.backoff.count() == 0 ? options_.first_retry : std::min(p.backoff * 2, options_.max_retry);
  p.next_send = now + p.backoff;
  wakes_.insert({WakeOf(p), seq});
}

std::vector<SendOrder> DeliveryBook::Add(uint64_t seq, const std::string& engineer,
                                         base::Timestamp decided, bool failed_before,
                                         base::Timestamp now) {
  if (pages_.count(seq) > 0) return {};
  Pending& p = pages_[seq];
  p.engineer = engineer;
  p.fail_at = std::max(decided, now) + options_.delivery_timeout;
  p.failed = failed_before;
  p.next_send = base::Timestamp::max();  // not in wakes_ yet: Schedule's erase finds nothing
  Schedule(seq, p, now);
  pages_of_[engineer].insert(seq);
  return SendsFor(seq, engineer);
}

std::vector<SendOrder> DeliveryBook::Connect(const DeviceEntry& device, base::Timestamp now) {
  Disconnect(device.route);
  devices_[device.route] = device;
  routes_of_[device.engineer].insert(device.route);
  std::vector<SendOrder> out;
  if (auto it = pages_of_.find(device.engineer); it != pages_of_.end()) {
    for (uint64_t seq : it->second) {
      out.push_back({device.route, seq});
      // A fresh connection resets the backoff: its pages went out just now.
      Pending& p = pages_[seq];
      p.backoff = {};
      Schedule(seq, p, now);
    }
  }
  return out;
}

void DeliveryBook::Disconnect(const std::string& route) {
  auto it = devices_.find(route);
  if (it == devices_.end()) return;
  auto routes = routes_of_.find(it->second.engineer);
  if (routes != routes_of_.end()) {
    routes->second.erase(route);
    if (routes->second.empty()) routes_of_.erase(routes);
  }
  devices_.erase(it);
}

void DeliveryBook::Sent(uint64_t seq) {
  if (auto it = pages_.find(seq); it != pages_.end()) ++it->second.attempts;
}

std::optional<ReceiptNote> DeliveryBook::Receive(const std::string& route, uint64_t seq) {
  auto device = devices_.find(route);
  if (device == devices_.end()) return std::nullopt;
  auto page = pages_.find(seq);
  if (page == pages_.end() || page->second.engineer != device->second.engineer) {
    return std::nullopt;
  }
  ReceiptNote note{seq, page->second.engineer, device->second.device};
  Drop(seq);
  return note;
}

void DeliveryBook::Drop(uint64_t seq) {
  auto it = pages_.find(seq);
  if (it == pages_.end()) return;
  wakes_.erase({WakeOf(it->second), seq});
  auto of = pages_of_.find(it->second.engineer);
  if (of != pages_of_.end()) {
    of->second.erase(seq);
    if (of->second.empty()) pages_of_.erase(of);
  }
  pages_.erase(it);
}

DeliveryBook::Due DeliveryBook::Poll(base::Timestamp now) {
  Due due;
  while (!wakes_.empty() && wakes_.begin()->first <= now) {
    const uint64_t seq = wakes_.begin()->second;
    Pending& p = pages_[seq];
    wakes_.erase(wakes_.begin());
    if (!p.failed && now >= p.fail_at) {
      p.failed = true;
      due.failed.push_back({seq, p.engineer, p.attempts});
    }
    if (now >= p.next_send) {
      for (auto& order : SendsFor(seq, p.engineer)) due.sends.push_back(std::move(order));
      p.next_send = base::Timestamp::max();  // out of wakes_ already: Schedule erases nothing
      Schedule(seq, p, now);
    } else {
      wakes_.insert({WakeOf(p), seq});
    }
  }
  return due;
}

std::optional<base::Timestamp> DeliveryBook::NextWake() const {
  if (wakes_.empty()) return std::nullopt;
  return wakes_.begin()->first;
}

const DeviceEntry* DeliveryBook::Device(const std::string& route) const {
  auto it = devices_.find(route);
  return it == devices_.end() ? nullptr : &it->second;
}

const std::string* DeliveryBook::EngineerOf(uint64_t seq) const {
  auto it = pages_.find(seq);
  return it == pages_.end() ? nullptr : &it->second.engineer;
}

}  // namespace pager
