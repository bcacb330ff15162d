// page_fanout: pages per second the pager hub (pager/hub.h) delivers to many connected
// devices, against a bare ZeroMQ ROUTER carrying the same frames to as many bare DEALERs, in
// the same run (BENCHMARKS.md "Page fan-out"). No Kafka, no store: hub level only.
//
// Hub: pager::Hub::Start on ipc:// in this process; --devices pager::Device instances, spread
// evenly over --engineers engineers eng-0..eng-(E-1) (default 100 x 1: one device each), each
// on its own thread confirming every page it gets. Once every device has said hello, --pages
// pages (page i for eng-(i mod E)) are offered and reported durable at once (Offer, then
// Written past the last seq), and the clock runs until TakeReports, polled every millisecond,
// has reported a first receipt for every page.
//
// Baseline: a ROUTER with the hub's socket options sends the same frames to the same number
// of DEALERs (own context and thread each, as a Device has); each DEALER answers every frame
// with a receipt frame, and the ROUTER counts receipts until it has one per frame sent. No
// bookkeeping, no JSON parsing beyond finding the seq, no retries.
//
// In between, hub-bare: the hub with those bare DEALERs as clients (a hello, then a receipt per
// page), which tells the hub's own cost from the Device's (it parses each page's JSON, and
// the machine has two cores for all 100 clients and the hub).
//
// Figures: pages/s (pages / seconds until the last receipt), and for the hub the frames it
// sent (a page not confirmed within the book's first_retry, 1 s as in serve, goes again).
// Each run does all three, rotating which goes first; medians over --runs.
//
// usage: page_fanout [--devices 100] [--engineers 100] [--pages 20000] [--runs 5]
//                    [--only hub|hub-bare|bare] [--work /tmp/escalator-page-fanout]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "base/time.h"
#include "cli/flags.h"
#include "pager/device.h"
#include "pager/hub.h"
#include "pager/protocol.h"

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;
namespace fs = std::filesystem;

// How long a run may take before it counts as failed (a lost page would otherwise hang it).
constexpr auto kRunLimit = seconds(120);

std::string Engineer(size_t e) { return "eng-" + std::to_string(e); }

// Page i's wire frame, as serve's hub sends it: a level-1 page with the fields the router
// writes (a reason sentence, the case's subject and due instant), about 560 bytes.
std::string Frame(uint64_t seq, const std::string& engineer, base::Timestamp at) {
  pager::Page p;
  p.seq = seq;
  char id[17];
  std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(seq));
  p.case_id = std::string("case-111122223333-fanout-2026-") + id;
  p.engineer = engineer;
  p.at = at;
  p.step = 0;
  p.target = "schedule/video-sme-primary";
  p.reason = engineer +
             " is on call for video-sme-primary (layer new-york, daily rotation) and the first "
             "step of level 1 names that schedule";
  p.reason_code = "on_call";
  p.display_id = "77";
  p.subject = "channel down: MediaLive pipeline 1 input loss on channel 4471 since 09:12 UTC";
  p.customer = "111122223333";
  p.service = "medialive";
  p.severity = "critical";
  p.level = 1;
  p.due = at + std::chrono::minutes(15);
  return pager::Encode(pager::FromServe{p});
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

struct RunResult {
  bool ok = false;
  double seconds = 0;
  uint64_t frames_sent = 0;  // frames put on the wire (hub: counting resends)
};

// One pager::Device on its own thread, confirming every page.
class DeviceThread {
 public:
  DeviceThread(const std::string& endpoint, const std::string& engineer, const std::string& name) {
    auto d = pager::Device::Connect({endpoint, engineer, name, "", "", ""});
    if (!d.ok()) {
      error_ = d.status().ToString();
      return;
    }
    device_ = std::move(*d);
    thread_ = std::thread([this] {
      while (!stop_) {
        auto got = device_->Receive(milliseconds(20));
        if (!got.ok() || !*got) continue;
        if (const auto* page = std::get_if<pager::Page>(&**got)) {
          (void)device_->ConfirmReceipt(page->seq);
          ++pages_;
        }
      }
    });
  }
  ~DeviceThread() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  const std::string& error() const { return error_; }

 private:
  std::unique_ptr<pager::Device> device_;
  std::string error_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> pages_{0};
  std::thread thread_;
};

// A bare DEALER on its own thread (own context, as a Device): says `hello`, then answers every
// frame that names a seq with a receipt frame for it (others, such as the hub's welcome, go
// unanswered). No JSON parser: the seq is the digits after "seq":.
class BareDealer {
 public:
  BareDealer(const std::string& endpoint, std::string hello) {
    dealer_.set(zmq::sockopt::linger, 500);
    dealer_.set(zmq::sockopt::sndhwm, 1000);
    dealer_.set(zmq::sockopt::rcvhwm, 10000);
    dealer_.connect(endpoint);
    thread_ = std::thread([this, hello = std::move(hello)] { Loop(hello); });
  }
  ~BareDealer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Loop(const std::string& hello) {
    (void)dealer_.send(zmq::buffer(hello), zmq::send_flags::none);
    while (!stop_) {
      zmq::pollitem_t item{dealer_.handle(), 0, ZMQ_POLLIN, 0};
      zmq::poll(&item, 1, milliseconds(20));
      if (!(item.revents & ZMQ_POLLIN)) continue;
      zmq::message_t frame;
      while (dealer_.recv(frame, zmq::recv_flags::dontwait)) {
        std::string_view s = frame.to_string_view();
        uint64_t seq = 0;
        if (auto at = s.find("\"seq\":"); at != std::string_view::npos) {
          for (size_t i = at + 6; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
            seq = seq * 10 + static_cast<uint64_t>(s[i] - '0');
          }
        }
        if (seq == 0) continue;
        char receipt[64];
        const int n = std::snprintf(receipt, sizeof receipt, "{\"type\":\"receipt\",\"page\":%llu}",
                                    static_cast<unsigned long long>(seq));
        (void)dealer_.send(zmq::buffer(receipt, static_cast<size_t>(n)), zmq::send_flags::dontwait);
      }
    }
  }

  zmq::context_t context_{1};
  zmq::socket_t dealer_{context_, zmq::socket_type::dealer};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// The hub: devices connect (pager::Device, or with `bare_clients` BareDealers that speak just
// enough of the protocol: hello, receipts), every page is offered and durable at t0, done when
// every page's first receipt has been reported.
RunResult RunHub(const std::string& endpoint, size_t devices, size_t engineers,
                 const std::vector<std::string>& frames, base::Timestamp at, bool bare_clients) {
  RunResult r;
  pager::HubOptions options;
  options.endpoint = endpoint;
  for (size_t e = 0; e < engineers; ++e) options.engineers.insert(Engineer(e));
  auto hub = pager::Hub::Start(std::move(options));
  if (!hub.ok()) {
    std::cerr << "page_fanout: hub: " << hub.status().ToString() << "\n";
    return r;
  }
  std::vector<std::unique_ptr<DeviceThread>> threads;
  std::vector<std::unique_ptr<BareDealer>> dealers;
  for (size_t d = 0; d < devices && bare_clients; ++d) {
    dealers.push_back(std::make_unique<BareDealer>(
        endpoint, pager::Encode(pager::FromDevice{pager::Hello{
                      Engineer(d % engineers), "dev-" + std::to_string(d / engineers)}})));
  }
  for (size_t d = 0; d < devices && !bare_clients; ++d) {
    threads.push_back(std::make_unique<DeviceThread>(endpoint, Engineer(d % engineers),
                                                     "dev-" + std::to_string(d / engineers)));
    if (!threads.back()->error().empty()) {
      std::cerr << "page_fanout: device: " << threads.back()->error() << "\n";
      return r;
    }
  }
  const auto hello_deadline = Clock::now() + seconds(60);
  while ((*hub)->stats().devices < devices && Clock::now() < hello_deadline) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  if ((*hub)->stats().devices < devices) {
    std::cerr << "page_fanout: only " << (*hub)->stats().devices << " of " << devices
              << " devices said hello within 60 s\n";
    return r;
  }
  std::vector<pager::OfferedPage> offered;
  offered.reserve(frames.size());
  for (size_t i = 0; i < frames.size(); ++i) {
    offered.push_back({i + 1, Engineer(i % engineers), at, false, frames[i]});
  }
  std::vector<bool> received(frames.size() + 1, false);
  size_t count = 0;
  const auto t0 = Clock::now();
  (*hub)->Offer(std::move(offered));
  (*hub)->Written(frames.size() + 1);
  while (count < frames.size() && Clock::now() - t0 < kRunLimit) {
    std::this_thread::sleep_for(milliseconds(1));
    for (const pager::ReceiptReport& x : (*hub)->TakeReports().receipts) {
      if (x.seq < received.size() && !received[x.seq]) {
        received[x.seq] = true;
        ++count;
      }
    }
  }
  r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  r.frames_sent = (*hub)->stats().sent;
  r.ok = count == frames.size();
  if (!r.ok) {
    std::cerr << "page_fanout: hub: " << count << " of " << frames.size() << " receipts in "
              << r.seconds << " s\n";
  }
  threads.clear();  // devices close before the hub
  dealers.clear();
  return r;
}

// The baseline: the same frames from a bare ROUTER to bare DEALERs, done when every frame
// sent has its receipt.
RunResult RunBare(const std::string& endpoint, size_t devices, size_t engineers,
                  const std::vector<std::string>& frames) {
  RunResult r;
  zmq::context_t context{1};
  zmq::socket_t router{context, zmq::socket_type::router};
  // The hub's options (pager/hub.cc), so queues and limits are the same.
  router.set(zmq::sockopt::router_mandatory, 1);
  router.set(zmq::sockopt::linger, 0);
  router.set(zmq::sockopt::sndhwm, 10000);
  router.set(zmq::sockopt::rcvhwm, 10000);
  router.bind(endpoint);
  std::vector<std::unique_ptr<BareDealer>> dealers;
  for (size_t d = 0; d < devices; ++d) {
    dealers.push_back(std::make_unique<BareDealer>(endpoint, std::to_string(d)));
  }
  // Routes by engineer, from the hellos (device d is engineer d mod E's, as in RunHub).
  std::vector<std::vector<std::string>> routes(engineers);
  size_t hellos = 0;
  const auto hello_deadline = Clock::now() + seconds(60);
  while (hellos < devices && Clock::now() < hello_deadline) {
    std::vector<zmq::message_t> parts;
    zmq::pollitem_t item{router.handle(), 0, ZMQ_POLLIN, 0};
    zmq::poll(&item, 1, milliseconds(100));
    if (!(item.revents & ZMQ_POLLIN)) continue;
    if (!zmq::recv_multipart(router, std::back_inserter(parts)) || parts.size() != 2) continue;
    const size_t index = std::stoul(parts[1].to_string());
    routes[index % engineers].push_back(parts[0].to_string());
    ++hellos;
  }
  if (hellos < devices) {
    std::cerr << "page_fanout: only " << hellos << " of " << devices
              << " bare dealers said hello\n";
    return r;
  }
  uint64_t sent = 0, receipts = 0;
  const auto t0 = Clock::now();
  for (size_t i = 0; i < frames.size(); ++i) {
    for (const std::string& route : routes[i % engineers]) {
      router.send(zmq::buffer(route), zmq::send_flags::sndmore);
      router.send(zmq::buffer(frames[i]), zmq::send_flags::none);
      ++sent;
    }
  }
  while (receipts < sent && Clock::now() - t0 < kRunLimit) {
    zmq::pollitem_t item{router.handle(), 0, ZMQ_POLLIN, 0};
    zmq::poll(&item, 1, milliseconds(100));
    std::vector<zmq::message_t> parts;
    while (zmq::recv_multipart(router, std::back_inserter(parts), zmq::recv_flags::dontwait)) {
      ++receipts;
      parts.clear();
    }
  }
  r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  r.frames_sent = sent;
  r.ok = receipts == sent;
  if (!r.ok) std::cerr << "page_fanout: bare: " << receipts << " of " << sent << " receipts\n";
  dealers.clear();
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = cli::ParseFlags(
      "page_fanout",
      "Pages/s the pager hub delivers to many devices, against a bare ZeroMQ ROUTER/DEALER\n"
      "carrying the same frames, in the same run.",
      {
          {"devices", true, false, "devices connected (spread evenly over the engineers)", "100"},
          {"engineers", true, false, "engineers eng-0.. (pages go round robin over them)", "100"},
          {"pages", true, false, "pages offered per run, all durable at once", "20000"},
          {"runs", true, false, "runs of each (alternating which goes first)", "5"},
          {"work", true, false, "directory for the ipc:// sockets", "/tmp/escalator-page-fanout"},
          {"only", true, false, "hub, hub-bare or bare: run only that one (to profile it)", ""},
      },
      argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const auto& f = parsed.flags;
  const char* cmd = "page_fanout";
  const auto devices_flag = cli::IntFlag(cmd, f, "devices", 1, 10000);
  const auto engineers_flag = cli::IntFlag(cmd, f, "engineers", 1, 10000);
  const auto pages_flag = cli::IntFlag(cmd, f, "pages", 1, 10'000'000);
  const auto runs_flag = cli::IntFlag(cmd, f, "runs", 1, 1000);
  if (!devices_flag || !engineers_flag || !pages_flag || !runs_flag) return cli::kExitUsage;
  const size_t devices = *devices_flag, engineers = *engineers_flag, pages = *pages_flag;
  if (devices % engineers != 0) {
    return cli::UsageError(cmd, "--devices must be a multiple of --engineers");
  }
  const std::string work = *f.Get("work"), only = f.Get("only").value_or("");
  if (!only.empty() && only != "hub" && only != "hub-bare" && only != "bare") {
    return cli::UsageError(cmd, "--only must be hub, hub-bare or bare");
  }
  std::error_code ec;
  fs::create_directories(work, ec);
  if (ec) {
    std::cerr << "page_fanout: cannot create " << work << ": " << ec.message() << "\n";
    return 1;
  }
  const auto at = std::chrono::floor<milliseconds>(std::chrono::system_clock::now());
  std::vector<std::string> frames;
  frames.reserve(pages);
  size_t bytes = 0;
  for (size_t i = 0; i < pages; ++i) {
    frames.push_back(Frame(i + 1, Engineer(i % engineers), at));
    bytes += frames.back().size();
  }
  std::printf(
      "page_fanout: %zu pages of %zu bytes on average, %zu devices (%zu engineers x %zu), "
      "load %s",
      pages, bytes / pages, devices, engineers, devices / engineers, [] {
        static char load[64] = {};
        if (FILE* l = std::fopen("/proc/loadavg", "r")) {
          if (!std::fgets(load, sizeof load, l)) load[0] = '\n';
          std::fclose(l);
        }
        return load;
      }());
  // Three ways, rotating which goes first from run to run: the hub with pager::Device
  // clients (the figure), the hub with bare clients (the hub's own share), the bare ROUTER
  // with bare clients (the baseline).
  const std::vector<std::string> modes = {"hub", "hub-bare", "bare"};
  std::map<std::string, std::vector<double>> rates;
  std::vector<double> ratios, own_ratios, resends;
  for (int64_t run = 0; run < *runs_flag; ++run) {
    std::map<std::string, RunResult> got;
    for (size_t k = 0; k < modes.size(); ++k) {
      const std::string& mode = modes[(static_cast<size_t>(run) + k) % modes.size()];
      if (!only.empty() && mode != only) continue;
      const std::string endpoint =
          "ipc://" + work + "/" + mode + "-" + std::to_string(run) + ".sock";
      got[mode] = mode == "bare"
                      ? RunBare(endpoint, devices, engineers, frames)
                      : RunHub(endpoint, devices, engineers, frames, at, mode == "hub-bare");
      if (!got[mode].ok) return 1;
      rates[mode].push_back(pages / got[mode].seconds);
    }
    std::printf("run %lld:", static_cast<long long>(run + 1));
    for (const auto& [mode, r] : got) {
      std::printf(" %s %.0f pages/s (%.3f s, %llu frames sent);", mode.c_str(), pages / r.seconds,
                  r.seconds, static_cast<unsigned long long>(r.frames_sent));
    }
    if (got.count("hub") && got.count("bare")) {
      ratios.push_back(got["bare"].seconds / got["hub"].seconds);
      std::printf(" hub/bare %.2f;", ratios.back());
    }
    if (got.count("hub-bare") && got.count("bare")) {
      own_ratios.push_back(got["bare"].seconds / got["hub-bare"].seconds);
      std::printf(" hub-bare/bare %.2f;", own_ratios.back());
    }
    if (got.count("hub")) {
      resends.push_back(static_cast<double>(got["hub"].frames_sent) -
                        static_cast<double>(devices / engineers * pages));
    }
    std::printf("\n");
    std::fflush(stdout);
  }
  nlohmann::json j = {{"bench", "page_fanout"},
                      {"devices", devices},
                      {"engineers", engineers},
                      {"pages", pages},
                      {"runs", *runs_flag}};
  std::printf("median of %lld:", static_cast<long long>(*runs_flag));
  for (const auto& [mode, v] : rates) {
    std::printf(" %s %.0f pages/s;", mode.c_str(), Median(v));
    std::string key = mode + "_pages_per_s";
    std::replace(key.begin(), key.end(), '-', '_');
    j[key] = std::round(Median(v));
  }
  if (!ratios.empty()) {
    std::printf(" hub/bare %.2f;", Median(ratios));
    j["ratio"] = std::round(Median(ratios) * 100) / 100;
  }
  if (!own_ratios.empty()) {
    std::printf(" hub-bare/bare %.2f;", Median(own_ratios));
    j["hub_bare_ratio"] = std::round(Median(own_ratios) * 100) / 100;
  }
  if (!resends.empty()) {
    std::printf(" hub resent %.0f frames", Median(resends));
    j["hub_resent"] = Median(resends);
  }
  std::printf(" (ratios: medians of the per-run ratios)\n");
  std::printf("%s\n", j.dump().c_str());
  fs::remove_all(work, ec);
  return 0;
}
