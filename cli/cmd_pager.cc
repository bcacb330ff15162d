// `escalator pager`: a device on serve's pager channel for one engineer
// (pager/device.h), connected to one serve or to every instance of several
// (--endpoint A,B). Shows each page once, confirms its receipt, and
// acknowledges on demand: every page with --ack, or the page whose number is
// typed on stdin. Pages are delivered at least once, and after a handover a
// partition's new owner sends a pending page again under its own seq: a page
// whose stable id (pager::StablePageId) was seen before (--seen-file keeps
// them across restarts) is confirmed again to whoever sent it, not shown.
// Bounded by --count and --timeout so scripts and tests end.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "base/time.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "pager/curve.h"
#include "pager/device.h"
#include "pager/page.h"

namespace cli {
namespace {

constexpr char kCommand[] = "pager";
std::atomic<bool> g_stop{false};
void OnStopSignal(int) { g_stop.store(true); }

// The stable ids of the pages this device has shown, kept in a file (one per line) so a
// restarted device shows none twice. Each id is written before its page is shown.
class SeenPages {
 public:
  // Loads `path` (missing: nothing seen yet) and opens it for appending; "" keeps ids in
  // memory only. Errors: kInvalidInput naming the file.
  base::Status Open(const std::string& path) {
    if (path.empty()) return base::Status::Ok();
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) seen_.insert(line);
    }
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd_ < 0) return base::Status::InvalidInput("cannot write --seen-file '" + path + "'");
    return base::Status::Ok();
  }
  ~SeenPages() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool Seen(const std::string& id) const { return seen_.count(id) > 0; }
  // Remembers `id`: in the file first (a kill after this shows it never again).
  void Add(const std::string& id) {
    seen_.insert(id);
    if (fd_ < 0) return;
    const std::string line = id + "\n";
    (void)!::write(fd_, line.data(), line.size());
  }

 private:
  std::set<std::string> seen_;
  int fd_ = -1;
};

// The endpoints of --endpoint: one, or several separated by commas (every instance of serve
// in one group). Errors: kInvalidInput for an empty one.
base::Result<std::vector<std::string>> SplitEndpoints(const std::string& text) {
  std::vector<std::string> out;
  size_t from = 0;
  while (true) {
    const size_t comma = text.find(',', from);
    std::string one = text.substr(from, comma == std::string::npos ? comma : comma - from);
    if (one.empty()) {
      return base::Status::InvalidInput("--endpoint has an empty endpoint in '" + text + "'");
    }
    out.push_back(std::move(one));
    if (comma == std::string::npos) return out;
    from = comma + 1;
  }
}

// Reads page numbers typed on stdin without blocking; nullopt when none is ready.
class TypedAcks {
 public:
  std::optional<uint64_t> Next() {
    if (closed_) return std::nullopt;
    pollfd p{STDIN_FILENO, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0) return std::nullopt;
    char buf[256];
    ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n <= 0) {
      closed_ = true;  // end of input: no more acknowledgements from it
      return std::nullopt;
    }
    pending_.append(buf, static_cast<size_t>(n));
    auto newline = pending_.find('\n');
    if (newline == std::string::npos) return std::nullopt;
    std::string line = pending_.substr(0, newline);
    pending_.erase(0, newline + 1);
    line.erase(0, line.find_first_not_of(" \t#"));
    char* end = nullptr;
    uint64_t seq = std::strtoull(line.c_str(), &end, 10);
    if (seq == 0 || (end != nullptr && *end != '\0' && *end != ' ' && *end != '\r')) {
      std::cerr << "escalator pager: type a page number and Enter to acknowledge it" << std::endl;
      return std::nullopt;
    }
    return seq;
  }

 private:
  bool closed_ = false;
  std::string pending_;
};

}  // namespace

int RunPager(int argc, char** argv) {
  auto parsed = ParseFlags(
      kCommand,
      "A device on serve's pager channel (serve --pager-endpoint) for one engineer. Prints each\n"
      "page once as a line (or JSON), confirms its receipt to serve, and acknowledges pages\n"
      "over the same connection: each one with --ack, or the one whose number you type and\n"
      "Enter. Acknowledgement answers print as ACK lines once serve has them on disk. Ends\n"
      "after --count pages (exit 0) or --timeout seconds (exit 0 without --count, else 1), or\n"
      "on SIGINT/SIGTERM. Status lines go to stderr. With several endpoints a page that comes\n"
      "from more than one instance (a handover) is shown once.",
      {
          {"endpoint", true, true,
           "serve's pager endpoint (tcp://HOST:PORT or ipc://PATH); several instances of serve: "
           "every one's, separated by commas",
           ""},
          {"engineer", true, true, "the engineer whose pages to show", ""},
          {"device", true, false, "this device's name (one engineer may have several)", "default"},
          {"ack", false, false, "acknowledge every page as it arrives", ""},
          {"seen-file", true, false,
           "file keeping the ids of pages shown, so a restarted device shows none twice", ""},
          {"key", true, false,
           "this device's secret key file (NAME.key; NAME.pub beside it), for CURVE on tcp://", ""},
          {"server-key", true, false, "serve's public key file, for CURVE on tcp://", ""},
          {"count", true, false, "exit 0 after this many pages; 0: no limit", "0"},
          {"timeout", true, false, "exit after this many seconds; 0: no limit", "0"},
          {"format", true, false, "text or json (the page as sent)", "text"},
      },
      argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const auto& f = parsed.flags;
  pager::DeviceOptions options;
  options.endpoint = *f.Get("endpoint");
  options.engineer = *f.Get("engineer");
  options.device = *f.Get("device");
  if (!EndpointFlag(kCommand, f, "endpoint")) return kExitUsage;
  int exit = kExitOk;
  const std::optional<bool> json_format = JsonFormatFlag(kCommand, f, exit);
  if (!json_format) return exit;
  const bool json = *json_format;
  const auto count_flag = IntFlag(kCommand, f, "count", 0);
  if (!count_flag) return kExitUsage;
  const auto timeout_flag = IntFlag(kCommand, f, "timeout", 0, 10 * 365 * 86400);
  if (!timeout_flag) return kExitUsage;
  const int64_t count = *count_flag, timeout_s = *timeout_flag;
  const bool ack_all = f.Has("ack");
  const std::string key_file = f.Get("key").value_or("");
  const std::string server_key_file = f.Get("server-key").value_or("");
  if (key_file.empty() != server_key_file.empty()) {
    return UsageError(kCommand, "--key and --server-key go together (CURVE needs both)");
  }
  if (!key_file.empty()) {
    auto secret = pager::ReadKeyFile(key_file);
    if (!secret.ok()) return UsageError(kCommand, "--key: " + secret.status().message());
    auto pub = pager::PublicFromSecret(*secret);
    if (!pub.ok()) return UsageError(kCommand, "--key: " + pub.status().message());
    auto server = pager::ReadKeyFile(server_key_file);
    if (!server.ok()) return UsageError(kCommand, "--server-key: " + server.status().message());
    options.secret_key = *secret;
    options.public_key = *pub;
    options.server_public = *server;
  }
  SeenPages seen;
  if (base::Status s = seen.Open(f.Get("seen-file").value_or("")); !s.ok()) {
    return UsageError(kCommand, s.message());
  }
  auto endpoints = SplitEndpoints(options.endpoint);
  if (!endpoints.ok()) return UsageError(kCommand, endpoints.status().message());
  std::vector<std::unique_ptr<pager::Device>> devices;
  for (const std::string& endpoint : *endpoints) {
    pager::DeviceOptions one = options;
    one.endpoint = endpoint;
    auto device = pager::Device::Connect(one);
    if (!device.ok()) return UsageError(kCommand, "--endpoint: " + device.status().message());
    devices.push_back(std::move(*device));
  }

  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);

  using Clock = std::chrono::steady_clock;
  const auto deadline =
      timeout_s > 0 ? Clock::now() + std::chrono::seconds(timeout_s) : Clock::time_point::max();
  // Each device waits its share of 100 ms, so a round over all of them stays ~100 ms.
  const auto slice = std::chrono::milliseconds(std::max<int64_t>(10, 100 / devices.size()));
  TypedAcks typed;
  uint64_t next_ref = 1;
  std::set<uint64_t> unanswered;  // refs of acknowledgements sent, not yet answered
  // A typed number names a page shown; its ack goes to the instance that sent the page last,
  // which is the current owner of the case's partition (only owners page). Numbers are seqs
  // of the first sender's log, so two instances may show the same one: the latest shown wins.
  std::map<uint64_t, std::string> shown_ids;                       // number shown -> id
  std::map<std::string, std::pair<size_t, uint64_t>> last_sender;  // id -> (device, its seq)
  long long shown = 0;
  auto acknowledge = [&](size_t from, uint64_t seq) {
    const uint64_t ref = next_ref++;
    if (base::Status s = devices[from]->Acknowledge(seq, ref); !s.ok()) {
      std::cerr << "escalator pager: " << s.message() << std::endl;
      return;
    }
    unanswered.insert(ref);
  };
  // Done once enough pages were shown and every acknowledgement asked for is answered.
  auto done = [&] { return count > 0 && shown >= count && unanswered.empty(); };
  // One message (or none) from device `from`.
  auto handle = [&](size_t from, base::Result<std::optional<pager::FromServe>> message) {
    if (!message.ok()) {
      std::cerr << "escalator pager: ignored a message: " << message.status().message()
                << std::endl;
      return;
    }
    if (!*message) return;
    if (const auto* welcome = std::get_if<pager::Welcome>(&**message)) {
      std::cerr << "escalator pager: connected to " << (*endpoints)[from] << " as "
                << welcome->engineer << "'s " << welcome->device << "; " << welcome->pending
                << " page(s) pending" << std::endl;
    } else if (const auto* error = std::get_if<pager::ServeError>(&**message)) {
      std::cerr << "escalator pager: serve refused a message: " << error->error << std::endl;
    } else if (const auto* answer = std::get_if<pager::AckAnswer>(&**message)) {
      unanswered.erase(answer->ref);
      if (json) {
        std::cout << pager::Encode(pager::FromServe{*answer}) << std::endl;
      } else {
        std::cout << "ACK #" << answer->page << " case " << answer->case_id << ": "
                  << answer->result << (answer->detail.empty() ? "" : " (" + answer->detail + ")")
                  << std::endl;
      }
    } else {
      const auto& page = std::get<pager::Page>(**message);
      const std::string id = pager::StablePageId(page);
      last_sender[id] = {from, page.seq};
      if (!seen.Seen(id)) {
        seen.Add(id);
        ++shown;
        shown_ids[page.seq] = id;
        if (json) {
          std::cout << pager::EncodePage(page) << std::endl;
        } else {
          std::cout << "PAGE #" << page.seq << " " << options.engineer << "  "
                    << pager::FormatPageLine(page) << std::endl;
        }
        if (ack_all) acknowledge(from, page.seq);
      }
      // Confirmed whether shown now or before, to the instance that sent it: it resends
      // until it has a receipt.
      if (base::Status s = devices[from]->ConfirmReceipt(page.seq); !s.ok()) {
        std::cerr << "escalator pager: " << s.message() << std::endl;
      }
    }
  };
  size_t turn = 0;
  while (!g_stop.load() && !done() && Clock::now() < deadline) {
    if (auto typed_seq = typed.Next()) {
      auto id = shown_ids.find(*typed_seq);
      auto sender = id == shown_ids.end() ? last_sender.end() : last_sender.find(id->second);
      if (sender == last_sender.end()) {
        acknowledge(0, *typed_seq);  // serve answers "refused" for a page it does not know
      } else {
        acknowledge(sender->second.first, sender->second.second);
      }
    }
    // Every device without waiting, then (when none had anything) one of them waits its slice:
    // a busy instance is never held up by idle ones.
    bool any = false;
    for (size_t from = 0; from < devices.size() && !done(); ++from) {
      auto message = devices[from]->Receive(std::chrono::milliseconds(0));
      if (!message.ok() || *message) any = true;
      handle(from, std::move(message));
    }
    if (!any) {
      const size_t from = turn++ % devices.size();
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      handle(from, devices[from]->Receive(std::min(slice, left)));
    }
  }
  if (count > 0 && !done() && !g_stop.load()) {
    std::cerr << "escalator pager: timed out after " << timeout_s << " s with " << shown << " of "
              << count << " page(s)"
              << (unanswered.empty() ? ""
                                     : " and " + std::to_string(unanswered.size()) +
                                           " acknowledgement(s) unanswered")
              << std::endl;
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace cli
