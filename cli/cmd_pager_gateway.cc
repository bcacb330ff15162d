// `escalator pager-gateway`: a device on serve's pager channel for a set of
// engineers that forwards each page as a signed HTTP POST (a webhook, or a
// Slack incoming webhook). One pager::Device per engineer; pager::WebhookRelay
// decides, per page, whether to post and whether serve gets a receipt: a page
// is confirmed only once a receiver answered 2xx, so serve records a page the
// receiver refused (or never took) as undelivered.
// Bounded by --count and --exit-after-s so scripts and tests end.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "base/status.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "pager/curve.h"
#include "pager/device.h"
#include "pager/webhook.h"
#include "pager/webhook_relay.h"
#include "pager/webhook_signature.h"

namespace cli {
namespace {

constexpr char kCommand[] = "pager-gateway";
std::atomic<bool> g_stop{false};
void OnStopSignal(int) { g_stop.store(true); }

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

base::Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return base::Status::InvalidInput("cannot read '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// "a,b,c" as engineer ids. Errors: an empty or repeated id.
base::Result<std::vector<std::string>> ParseEngineers(const std::string& list) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  std::stringstream in(list);
  for (std::string id; std::getline(in, id, ',');) {
    id.erase(0, id.find_first_not_of(' '));
    id.erase(id.find_last_not_of(' ') + 1);
    if (id.empty())
      return base::Status::InvalidInput("--engineers has an empty id: '" + list + "'");
    if (!seen.insert(id).second) {
      return base::Status::InvalidInput("--engineers names '" + id + "' twice");
    }
    out.push_back(id);
  }
  if (out.empty()) return base::Status::InvalidInput("--engineers is empty");
  return out;
}

// What the flags ask for, checked.
struct Setup {
  std::vector<std::string> engineers;
  pager::DeviceOptions device;  // engineer left empty: one device per engineer
  pager::RelaySettings relay;
  pager::PostOptions post;
  int64_t count = 0;
  int64_t exit_after_s = 0;
};

// Prints the usage error; for ReadSetup's returns.
std::optional<Setup> Bad(const std::string& message) {
  UsageError(kCommand, message);
  return std::nullopt;
}

// Reads and checks the flags. On a bad one prints the usage error and
// returns nullopt (exit kExitUsage).
std::optional<Setup> ReadSetup(const Flags& f) {
  Setup s;
  auto engineers = ParseEngineers(*f.Get("engineers"));
  if (!engineers.ok()) return Bad(engineers.status().message());
  s.engineers = std::move(*engineers);
  s.device.endpoint = *f.Get("endpoint");
  s.device.device = *f.Get("device");
  if (!EndpointFlag(kCommand, f, "endpoint")) return std::nullopt;

  s.relay.url = *f.Get("url");
  if (!s.relay.url.starts_with("http://") && !s.relay.url.starts_with("https://")) {
    return Bad("--url must be http:// or https://, got '" + s.relay.url + "'");
  }
  const std::string format = *f.Get("format");
  if (format == "json") {
    s.relay.format = pager::WebhookFormat::kJson;
  } else if (format == "slack") {
    s.relay.format = pager::WebhookFormat::kSlack;
  } else {
    return Bad("--format must be json or slack, got '" + format + "'");
  }
  if (auto path = f.Get("secret-file"); path && !path->empty()) {
    auto text = ReadWholeFile(*path);
    if (!text.ok()) return Bad("--secret-file: " + text.status().message());
    s.relay.secrets = pager::ParseSecrets(*text);
    if (s.relay.secrets.empty()) {
      return Bad("--secret-file '" + *path + "' holds no secret");
    }
  }

  const std::string key = f.Get("key").value_or(""), server_key = f.Get("server-key").value_or("");
  if (key.empty() != server_key.empty()) {
    return Bad("--key and --server-key go together (CURVE needs both)");
  }
  if (!key.empty()) {
    // The secret key must be private to its owner (ReadSecretKeyFile refuses a file others
    // may read); the public key is derived from it, so it cannot disagree with a NAME.pub.
    auto secret = pager::ReadSecretKeyFile(key);
    if (!secret.ok()) return Bad("--key: " + secret.status().message());
    auto pub = pager::PublicFromSecret(*secret);
    if (!pub.ok()) return Bad("--key: " + pub.status().message());
    auto server = pager::ReadKeyFile(server_key);
    if (!server.ok()) return Bad("--server-key: " + server.status().message());
    s.device.secret_key = *secret;
    s.device.public_key = *pub;
    s.device.server_public = *server;
  }

  const auto attempts = IntFlag(kCommand, f, "max-attempts", 1, 100);
  const auto timeout_ms = IntFlag(kCommand, f, "timeout-ms", 1, INT_MAX);
  const auto count = IntFlag(kCommand, f, "count", 0);
  const auto exit_after = IntFlag(kCommand, f, "exit-after-s", 0);
  if (!attempts || !timeout_ms || !count || !exit_after) return std::nullopt;
  s.post.max_attempts = static_cast<int>(*attempts);
  s.post.timeout = milliseconds(*timeout_ms);
  s.count = *count;
  s.exit_after_s = *exit_after;
  return s;
}

// "https://host:port" of `url`: the path stays out of the logs, because a
// webhook URL's path is often its only secret (Slack's are).
std::string Origin(const std::string& url) {
  const size_t host = url.find("://");
  return url.substr(0, url.find('/', host == std::string::npos ? 0 : host + 3)) + "/...";
}

struct Tally {
  int64_t delivered = 0, gave_up = 0, repeats = 0;
  int64_t handled() const { return delivered + gave_up; }
};

// Posts (or not) one page received by `device`, confirms it when the relay
// says so, and logs what happened.
void OnPage(pager::Device& device, const pager::Page& page, pager::WebhookRelay& relay,
            Tally& tally) {
  const auto h = relay.Handle(page);
  std::cerr << "escalator pager-gateway: page " << page.seq << " for " << page.engineer << ": "
            << pager::VerdictName(h.verdict);
  if (h.posted() || h.verdict == pager::WebhookRelay::Verdict::kAbandoned) {
    std::cerr << " (status " << h.outcome.last_status << ", " << h.outcome.attempts << " attempt(s)"
              << (h.outcome.error.empty() ? "" : ": " + h.outcome.error) << ")";
  }
  std::cerr << std::endl;
  if (h.verdict == pager::WebhookRelay::Verdict::kDelivered) ++tally.delivered;
  if (h.verdict == pager::WebhookRelay::Verdict::kGaveUp) ++tally.gave_up;
  if (h.verdict == pager::WebhookRelay::Verdict::kDeliveredBefore) ++tally.repeats;
  if (!h.confirm()) return;
  // A receipt that cannot be queued now is not lost: serve resends the page,
  // and its resend is confirmed then.
  if (auto st = device.ConfirmReceipt(page.seq); !st.ok()) {
    std::cerr << "escalator pager-gateway: receipt for page " << page.seq
              << " not sent: " << st.ToString() << std::endl;
  }
}

// Logs what serve says besides pages.
void OnOther(const std::string& engineer, const pager::FromServe& message) {
  if (const auto* w = std::get_if<pager::Welcome>(&message)) {
    std::cerr << "escalator pager-gateway: connected as " << w->engineer << "/" << w->device << ", "
              << w->pending << " page(s) pending" << std::endl;
  } else if (const auto* e = std::get_if<pager::ServeError>(&message)) {
    std::cerr << "escalator pager-gateway: serve refused a message from " << engineer << ": "
              << e->error << std::endl;
  }
  // An AckAnswer cannot come: the gateway never acknowledges.
}

}  // namespace

int RunPagerGateway(int argc, char** argv) {
  auto parsed = ParseFlags(
      kCommand,
      "Forwards pages as HTTP POSTs: connects to serve's pager endpoint as device --device\n"
      "of each of --engineers and posts every page once to --url, as JSON or as a Slack\n"
      "message, signed in header X-Escalator-Signature (v1=HMAC-SHA256 hex per secret) and\n"
      "carrying X-Escalator-Page-Id. 5xx, 429, timeouts and connection errors are retried\n"
      "with backoff; serve gets the receipt once the receiver answers 2xx. A page refused\n"
      "(another 4xx) or out of attempts is logged and left unconfirmed. Ends after --count\n"
      "pages posted (exit 0) or --exit-after-s seconds (exit 0 without --count, else 1),\n"
      "or on SIGINT/SIGTERM. Status lines go to stderr.",
      {
          {"endpoint", true, true, "serve's pager endpoint (tcp://HOST:PORT or ipc://PATH)", ""},
          {"engineers", true, true, "the engineers whose pages to forward: a,b,c", ""},
          {"device", true, false, "this gateway's device name, per engineer", "gateway"},
          {"url", true, true, "where to POST each page (http:// or https://)", ""},
          {"secret-file", true, false, "a file of signing secrets, one a line (all sign: rotation)", ""},
          {"format", true, false, "json or slack (an incoming-webhook message)", "json"},
          {"max-attempts", true, false, "attempts per page before giving up", "5"},
          {"timeout-ms", true, false, "bound on each attempt", "5000"},
          {"key", true, false,
           "this gateway's secret key file (NAME.key, mode 0600), for CURVE on tcp://", ""},
          {"server-key", true, false, "serve's public key file, for CURVE on tcp://", ""},
          {"count", true, false, "exit 0 after posting this many pages; 0: no limit", "0"},
          {"exit-after-s", true, false, "exit after this many seconds; 0: no limit", "0"},
      },
      argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const std::optional<Setup> setup = ReadSetup(parsed.flags);
  if (!setup) return kExitUsage;

  std::vector<std::unique_ptr<pager::Device>> devices;
  for (const std::string& engineer : setup->engineers) {
    pager::DeviceOptions options = setup->device;
    options.engineer = engineer;
    auto device = pager::Device::Connect(options);
    if (!device.ok()) {
      std::cerr << "escalator pager-gateway: --endpoint: " << device.status().ToString()
                << std::endl;
      return device.status().code() == base::Code::kInvalidInput ? kExitUsage : kExitFailure;
    }
    devices.push_back(std::move(*device));
  }

  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);

  const auto deadline = setup->exit_after_s > 0
                            ? Clock::now() + std::chrono::seconds(setup->exit_after_s)
                            : Clock::time_point::max();
  auto stopping = [&] { return g_stop.load() || Clock::now() >= deadline; };
  // Waits out a backoff in slices, so SIGTERM or the deadline cut it short.
  const pager::SleepFn sleep = [&](milliseconds backoff) {
    const auto until = Clock::now() + backoff;
    while (!stopping()) {
      const auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now());
      if (left.count() <= 0) return true;
      std::this_thread::sleep_for(std::min(left, milliseconds(100)));
    }
    return false;
  };
  pager::WebhookRelay relay(setup->relay, [&](const std::string& url, const std::string& body,
                                              const std::vector<std::string>& headers) {
    return pager::PostWithRetry(url, body, headers, setup->post, sleep);
  });
  std::cerr << "escalator pager-gateway: forwarding pages of " << devices.size()
            << " engineer(s) to " << Origin(setup->relay.url) << std::endl;

  // Each device waits its share of a 200 ms round, so a page waits at most a
  // round before it is taken (more while a post is retrying).
  const milliseconds slice =
      std::max(milliseconds(10), milliseconds(200) / static_cast<int>(devices.size()));
  Tally tally;
  while (!stopping() && (setup->count == 0 || tally.handled() < setup->count)) {
    for (size_t i = 0; i < devices.size() && !stopping(); ++i) {
      const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
      auto message = devices[i]->Receive(std::clamp(left, milliseconds(0), slice));
      if (!message.ok()) {
        std::cerr << "escalator pager-gateway: ignored a message for " << setup->engineers[i]
                  << ": " << message.status().message() << std::endl;
        continue;
      }
      if (!*message) continue;
      if (const auto* page = std::get_if<pager::Page>(&**message)) {
        OnPage(*devices[i], *page, relay, tally);
      } else {
        OnOther(setup->engineers[i], **message);
      }
    }
  }
  std::cerr << "escalator pager-gateway: " << tally.delivered << " delivered, " << tally.gave_up
            << " given up, " << tally.repeats << " repeat(s) confirmed" << std::endl;
  if (setup->count > 0 && tally.handled() < setup->count && !g_stop.load()) {
    std::cerr << "escalator pager-gateway: timed out after " << setup->exit_after_s << " s with "
              << tally.handled() << " of " << setup->count << " page(s)" << std::endl;
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace cli
