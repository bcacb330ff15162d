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

void DeliveryBook::Schedule(Pending& p, base::Timestamp now) {
  p.backoff =
      p.backoff.count() == 0 ? options_.first_retry : std::min(p.backoff * 2, options_.max_retry);
  p.next_send = now + p.backoff;
}

std::vector<SendOrder> DeliveryBook::Add(uint64_t seq, const std::string& engineer,
                                         base::Timestamp decided, bool failed_before,
                                         base::Timestamp now) {
  if (pages_.count(seq) > 0) return {};
  Pending& p = pages_[seq];
  p.engineer = engineer;
  p.fail_at = std::max(decided, now) + options_.delivery_timeout;
  p.failed = failed_before;
  Schedule(p, now);
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
      Schedule(p, now);
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
  auto of = pages_of_.find(it->second.engineer);
  if (of != pages_of_.end()) {
    of->second.erase(seq);
    if (of->second.empty()) pages_of_.erase(of);
  }
  pages_.erase(it);
}

DeliveryBook::Due DeliveryBook::Poll(base::Timestamp now) {
  Due due;
  for (auto& [seq, p] : pages_) {
    if (!p.failed && now >= p.fail_at) {
      p.failed = true;
      due.failed.push_back({seq, p.engineer, p.attempts});
    }
    if (now >= p.next_send) {
      for (auto& order : SendsFor(seq, p.engineer)) due.sends.push_back(std::move(order));
      Schedule(p, now);
    }
  }
  return due;
}

std::optional<base::Timestamp> DeliveryBook::NextWake() const {
  std::optional<base::Timestamp> next;
  for (const auto& [seq, p] : pages_) {
    base::Timestamp t = p.failed ? p.next_send : std::min(p.next_send, p.fail_at);
    if (!next || t < *next) next = t;
  }
  return next;
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
