#include "pager/hub.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <mutex>
#include <thread>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "pager/zap.h"

namespace pager {

namespace {

base::Timestamp Now() {
  return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

// The most device messages one turn of the loop reads before it looks at its other work.
constexpr int kMaxReadsPerTurn = 1000;

}  // namespace

// Everything the hub's thread owns, and the command queue other threads fill.
struct Hub::Loop {
  HubOptions options;
  zmq::context_t context{1};
  std::unique_ptr<ZapHandler> zap;  // before the router: it must outlive it (pager/zap.h)
  zmq::socket_t router{context, zmq::socket_type::router};
  int wake_fd = -1;
  std::thread thread;
  HubStats* stats = nullptr;

  // Filled by any thread under `mu`; drained by the hub's thread.
  std::mutex mu;
  bool stopping = false;
  std::vector<OfferedPage> offered;
  uint64_t written_next = 0;
  std::vector<uint64_t> forgotten;
  std::vector<std::pair<std::string, AckAnswer>> answers;
  HubReports reports;

  // The hub thread's own.
  DeliveryBook book;
  std::map<uint64_t, OfferedPage> waiting;  // offered, not yet durable
  std::map<uint64_t, std::string> frames;   // in the book: seq -> wire frame
  uint64_t durable_next = 0;

  void Info(const std::string& line) const {
    if (options.info) options.info(line);
  }
  void Warn(const std::string& line) const {
    if (options.warn) options.warn(line);
  }

  // Sends one frame to one connection without waiting. A connection that is gone is
  // forgotten; a full queue (a slow device) skips this send: the backoff tries again.
  bool SendTo(const std::string& route, std::string_view frame) {
    try {
      if (!router.send(zmq::buffer(route), zmq::send_flags::sndmore | zmq::send_flags::dontwait)) {
        return false;
      }
      return router.send(zmq::buffer(frame), zmq::send_flags::dontwait).has_value();
    } catch (const zmq::error_t& e) {
      if (e.num() == EHOSTUNREACH) {
        if (const DeviceEntry* d = book.Device(route)) {
          Info("pager: " + d->engineer + "'s " + d->device + " is gone");
        }
        book.Disconnect(route);
        stats->devices = book.devices();
      }
      return false;
    }
  }

  void Send(const std::vector<SendOrder>& orders) {
    for (const SendOrder& o : orders) {
      auto frame = frames.find(o.seq);
      if (frame == frames.end()) continue;
      if (SendTo(o.route, frame->second)) {
        book.Sent(o.seq);
        ++stats->sent;
      }
    }
  }

  void Refuse(const std::string& route, const std::string& why) {
    ++stats->bad_messages;
    std::string who = route.empty() ? std::string("a device") : "connection";
    if (const DeviceEntry* d = book.Device(route)) who = d->engineer + "'s " + d->device;
    Warn("pager: refused a message from " + who + ": " + why);
    SendTo(route, Encode(FromServe{ServeError{why}}));
  }

  void TakeCommands() {
    uint64_t counter = 0;
    (void)!read(wake_fd, &counter, sizeof counter);
    std::vector<OfferedPage> new_pages;
    std::vector<uint64_t> forget;
    std::vector<std::pair<std::string, AckAnswer>> to_answer;
    {
      std::lock_guard<std::mutex> lock(mu);
      new_pages.swap(offered);
      forget.swap(forgotten);
      to_answer.swap(answers);
      durable_next = std::max(durable_next, written_next);
    }
    for (OfferedPage& p : new_pages) {
      const uint64_t seq = p.seq;
      waiting.emplace(seq, std::move(p));
    }
    for (uint64_t seq : forget) {
      waiting.erase(seq);
      frames.erase(seq);
      book.Drop(seq);
    }
    for (auto& [route, answer] : to_answer) SendTo(route, Encode(FromServe{answer}));
    ReleaseDurable();
  }

  // Moves the offered pages the store has written into the book, and sends them.
  void ReleaseDurable() {
    const base::Timestamp now = Now();
    while (!waiting.empty() && waiting.begin()->first < durable_next) {
      OfferedPage p = std::move(waiting.begin()->second);
      waiting.erase(waiting.begin());
      frames[p.seq] = std::move(p.frame);
      Send(book.Add(p.seq, p.engineer, p.decided, p.failed_before, now));
    }
    stats->pending = book.pending();
  }

  void OnHello(const std::string& route, const Hello& hello, zmq::message_t& frame) {
    if (options.engineers.count(hello.engineer) == 0) {
      ++stats->refused_hellos;
      Refuse(route, "unknown engineer '" + hello.engineer + "'");
      return;
    }
    if (options.curve) {
      // The ZAP handler put the client's key in User-Id: it may speak only for the
      // engineers and devices configured with that key.
      const char* user = frame.gets("User-Id");
      const std::string key = user == nullptr ? "" : user;
      auto allowed = options.curve->devices.find(key);
      const bool ok = allowed != options.curve->devices.end() &&
                      std::find(allowed->second.begin(), allowed->second.end(),
                                std::pair{hello.engineer, hello.device}) != allowed->second.end();
      if (!ok) {
        ++stats->refused_hellos;
        Refuse(route, "key " + Fingerprint(key) + " is not configured for " + hello.engineer +
                          "'s device '" + hello.device + "'");
        return;
      }
    }
    auto sends = book.Connect({route, hello.engineer, hello.device}, Now());
    stats->devices = book.devices();
    Info("pager: " + hello.engineer + "'s " + hello.device + " connected; " +
         std::to_string(sends.size()) + " page(s) pending for it");
    SendTo(route, Encode(FromServe{Welcome{hello.engineer, hello.device, sends.size()}}));
    Send(sends);
  }

  void OnMessage(const std::string& route, zmq::message_t& frame) {
    if (frame.size() > kMaxMessageBytes) {
      Refuse(route, "message of " + std::to_string(frame.size()) + " bytes, over the limit of " +
                        std::to_string(kMaxMessageBytes));
      return;
    }
    auto message = DecodeFromDevice(frame.to_string_view());
    if (!message.ok()) {
      Refuse(route, message.status().message());
      return;
    }
    if (const auto* hello = std::get_if<Hello>(&*message)) {
      OnHello(route, *hello, frame);
      return;
    }
    const DeviceEntry* device = book.Device(route);
    if (device == nullptr) {
      Refuse(route, "say hello first");
      return;
    }
    const base::Timestamp now = Now();
    if (const auto* receipt = std::get_if<Receipt>(&*message)) {
      auto note = book.Receive(route, receipt->page);
      if (!note) return;  // a repeated receipt, or one for a page already confirmed
      frames.erase(note->seq);
      ++stats->receipts;
      stats->pending = book.pending();
      std::lock_guard<std::mutex> lock(mu);
      reports.receipts.push_back({note->seq, note->engineer, note->device, now});
      return;
    }
    const auto& ack = std::get<AckRequest>(*message);
    std::lock_guard<std::mutex> lock(mu);
    reports.acks.push_back({route, ack.ref, ack.page, device->engineer, device->device, now});
  }

  void ReadDevices() {
    for (int i = 0; i < kMaxReadsPerTurn; ++i) {
      std::vector<zmq::message_t> parts;
      auto got = zmq::recv_multipart(router, std::back_inserter(parts), zmq::recv_flags::dontwait);
      if (!got) return;
      const std::string route = parts.empty() ? "" : parts[0].to_string();
      if (parts.size() != 2) {
        Refuse(route, "expected one frame per message, got " +
                          std::to_string(parts.empty() ? 0 : parts.size() - 1));
        continue;
      }
      OnMessage(route, parts[1]);
    }
  }

  void Poll() {
    auto due = book.Poll(Now());
    Send(due.sends);
    if (!due.failed.empty()) {
      for (const FailureNote& f : due.failed) {
        Warn("pager: page " + std::to_string(f.seq) + " to " + f.engineer + " undelivered after " +
             std::to_string(f.attempts) + " send(s)");
      }
      std::lock_guard<std::mutex> lock(mu);
      reports.failed_at = Now();
      for (FailureNote& f : due.failed) reports.failed.push_back(std::move(f));
    }
  }
};

base::Result<std::unique_ptr<Hub>> Hub::Start(HubOptions options) {
  std::unique_ptr<Hub> hub(new Hub());
  hub->stats_ = std::make_unique<HubStats>();
  hub->loop_ = std::make_unique<Loop>();
  Loop& l = *hub->loop_;
  l.options = std::move(options);
  l.stats = hub->stats_.get();
  l.book = DeliveryBook(l.options.book);
  try {
    if (l.options.curve) {
      auto zap = ZapHandler::Bind(
          l.context, l.options.curve->devices,
          [&l](const std::string& fingerprint, const std::string& address) {
            ++l.stats->refused_keys;
            l.Warn("pager: refused a device with unknown key " + fingerprint + " from " + address);
          });
      if (!zap.ok()) return zap.status();
      l.zap = std::move(*zap);
      // Fails closed: without its ZAP handler the server would let in any key.
      if (base::Status s = ConfigureCurveServer(l.router, l.options.curve->server_secret);
          !s.ok()) {
        return s;
      }
    }
    // Explicit, not libzmq's defaults: a send to a connection that is gone fails (and the
    // device is forgotten) instead of vanishing; silent peers are dropped after 3 s; closing
    // drops unsent frames at once (the outbox keeps every unconfirmed page); queues are
    // bounded per device; a device sending more than this is cut off by libzmq itself.
    l.router.set(zmq::sockopt::router_mandatory, 1);
    l.router.set(zmq::sockopt::heartbeat_ivl, 1000);
    l.router.set(zmq::sockopt::heartbeat_timeout, 3000);
    l.router.set(zmq::sockopt::heartbeat_ttl, 3000);
    l.router.set(zmq::sockopt::linger, 0);
    l.router.set(zmq::sockopt::sndhwm, 10000);
    l.router.set(zmq::sockopt::rcvhwm, 10000);
    l.router.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(kMaxMessageBytes) * 64);
    l.router.bind(l.options.endpoint);
    hub->endpoint_ = l.router.get(zmq::sockopt::last_endpoint);
  } catch (const zmq::error_t& e) {
    const std::string why = "pager endpoint '" + l.options.endpoint + "': " + e.what();
    if (e.num() == EINVAL || e.num() == EPROTONOSUPPORT) return base::Status::InvalidInput(why);
    return base::Status::Unavailable(why);
  }
  l.wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (l.wake_fd < 0) return base::Status::Unavailable("pager: eventfd failed");
  l.thread = std::thread([hub = hub.get()] { hub->Run(); });
  return hub;
}

Hub::~Hub() {
  if (!loop_) return;
  {
    std::lock_guard<std::mutex> lock(loop_->mu);
    loop_->stopping = true;
  }
  Wake();
  if (loop_->thread.joinable()) loop_->thread.join();
  if (loop_->wake_fd >= 0) close(loop_->wake_fd);
}

void Hub::Wake() {
  const uint64_t one = 1;
  (void)!write(loop_->wake_fd, &one, sizeof one);
}

void Hub::Run() {
  Loop& l = *loop_;
  while (true) {
    {
      std::lock_guard<std::mutex> lock(l.mu);
      if (l.stopping) return;
    }
    zmq::pollitem_t items[3] = {
        {l.router.handle(), 0, ZMQ_POLLIN, 0},
        {nullptr, l.wake_fd, ZMQ_POLLIN, 0},
        {l.zap ? l.zap->socket().handle() : nullptr, 0, static_cast<short>(l.zap ? ZMQ_POLLIN : 0),
         0},
    };
    auto timeout = std::chrono::milliseconds(1000);
    if (auto wake = l.book.NextWake()) {
      timeout = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(*wake - Now()),
                           std::chrono::milliseconds(0), timeout);
    }
    try {
      zmq::poll(items, l.zap ? 3 : 2, timeout);
      if (items[1].revents & ZMQ_POLLIN) l.TakeCommands();
      if (l.zap && (items[2].revents & ZMQ_POLLIN)) {
        while (l.zap->HandleOne()) {
        }
      }
      if (items[0].revents & ZMQ_POLLIN) l.ReadDevices();
      l.Poll();
    } catch (const zmq::error_t& e) {
      // serve's SIGTERM may land on this thread: an interrupted call is tried again on the
      // next turn (the signal's owner stops the hub through the destructor).
      if (e.num() != EINTR) throw;
    }
  }
}

void Hub::Offer(std::vector<OfferedPage> pages) {
  if (pages.empty()) return;
  {
    std::lock_guard<std::mutex> lock(loop_->mu);
    for (auto& p : pages) loop_->offered.push_back(std::move(p));
  }
  Wake();
}

void Hub::Written(uint64_t next_seq) {
  {
    std::lock_guard<std::mutex> lock(loop_->mu);
    if (next_seq <= loop_->written_next) return;
    loop_->written_next = next_seq;
  }
  Wake();
}

void Hub::Forget(std::vector<uint64_t> seqs) {
  if (seqs.empty()) return;
  {
    std::lock_guard<std::mutex> lock(loop_->mu);
    for (uint64_t s : seqs) loop_->forgotten.push_back(s);
  }
  Wake();
}

void Hub::Answer(std::string route, AckAnswer answer) {
  {
    std::lock_guard<std::mutex> lock(loop_->mu);
    loop_->answers.emplace_back(std::move(route), std::move(answer));
  }
  Wake();
}

HubReports Hub::TakeReports() {
  std::lock_guard<std::mutex> lock(loop_->mu);
  return std::exchange(loop_->reports, HubReports{});
}

}  // namespace pager
