// `escalator pager`: a pager client for one engineer. Subscribes to serve's
// ZeroMQ publisher (pager/zmq_source.h), prints each page once (pages are
// delivered at least once; a seq already seen is skipped) and, with --ack,
// acknowledges each through the commands topic, like `escalator ack`.
// Bounded by --count and --timeout so scripts and tests end.
#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <memory>
#include <set>
#include <string>

#include "base/time.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "feed/kafka_commands.h"
#include "feed/kafka_producer.h"
#include "pager/page.h"
#include "pager/zmq_source.h"

namespace cli {
namespace {

constexpr char kCommand[] = "pager";
std::atomic<bool> g_stop{false};
void OnStopSignal(int) { g_stop.store(true); }

}  // namespace

int RunPager(int argc, char** argv) {
  auto parsed = ParseFlags(
      kCommand,
      "A pager client: subscribes to serve's pages for one engineer (serve --pager-endpoint)\n"
      "and prints each as a line (or JSON). With --ack and --brokers it acknowledges each\n"
      "page as it arrives. Ends after --count pages (exit 0) or --timeout seconds (exit 0\n"
      "without --count, else 1), or on SIGINT/SIGTERM. Status lines go to stderr.",
      {
          {"endpoint", true, true, "serve's pager endpoint (tcp://HOST:PORT or ipc://PATH)", ""},
          {"engineer", true, true, "the engineer whose pages to show", ""},
          {"brokers", true, false, "Kafka bootstrap servers, for --ack", ""},
          {"ack", false, false, "acknowledge each page (needs --brokers)", ""},
          {"commands-topic", true, false, "where acknowledgements go",
           router::kDefaultCommandsTopic},
          {"count", true, false, "exit 0 after this many pages; 0: no limit", "0"},
          {"timeout", true, false, "exit after this many seconds; 0: no limit", "0"},
          {"format", true, false, "text or json (the page as sent)", "text"},
      },
      argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const auto& f = parsed.flags;
  const std::string engineer = *f.Get("engineer");
  if (engineer.empty()) return UsageError(kCommand, "--engineer is empty");
  int exit = kExitOk;
  const std::optional<bool> json_format = JsonFormatFlag(kCommand, f, exit);
  if (!json_format) return exit;
  const bool json = *json_format;
  const auto count_flag = IntFlag(kCommand, f, "count", 0);
  if (!count_flag) return kExitUsage;
  const auto timeout_flag = IntFlag(kCommand, f, "timeout", 0);
  if (!timeout_flag) return kExitUsage;
  const int64_t count = *count_flag, timeout_s = *timeout_flag;
  const bool ack = f.Has("ack");
  const std::string brokers = f.Get("brokers").value_or("");
  if (ack && brokers.empty()) return UsageError(kCommand, "--ack needs --brokers");
  spdlog::set_default_logger(spdlog::stderr_color_mt("pager"));

  std::unique_ptr<router::KafkaProducer> producer;
  if (ack) {
    auto p = router::KafkaProducer::Create(brokers);
    if (!p.ok()) return UsageError(kCommand, p.status().message());
    producer = std::move(*p);
  }
  auto source = pager::ZmqSource::Connect(*f.Get("endpoint"), engineer);
  if (!source.ok()) return UsageError(kCommand, source.status().message());

  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);

  using Clock = std::chrono::steady_clock;
  const auto deadline =
      timeout_s > 0 ? Clock::now() + std::chrono::seconds(timeout_s) : Clock::time_point::max();
  const auto slice = std::chrono::milliseconds(200);
  bool connected = false;
  std::set<uint64_t> seen;
  long long shown = 0;
  int failures = 0;
  while (!g_stop.load() && (count == 0 || shown < count) && Clock::now() < deadline) {
    if (!connected && (*source)->WaitConnected(std::chrono::milliseconds(0))) {
      connected = true;
      std::cerr << "escalator pager: connected to " << *f.Get("endpoint") << ", pages for "
                << engineer << std::endl;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    auto page = (*source)->Receive(std::min(slice, left));
    if (!page.ok()) {
      std::cerr << "escalator pager: ignored a message: " << page.status().message() << std::endl;
      continue;
    }
    if (!*page) continue;
    const pager::Page& p = **page;
    if (!seen.insert(p.seq).second) continue;  // at-least-once delivery: a resend
    ++shown;
    if (json) {
      std::cout << pager::EncodePage(p) << std::endl;
    } else {
      std::cout << "PAGE " << engineer << "  " << pager::FormatPageLine(p) << std::endl;
    }
    if (producer) {
      router::Acknowledge a{
          p.case_id, engineer,
          std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now())};
      auto sent = router::SendAck(*producer, *f.Get("commands-topic"), a, 10000);
      if (sent.ok()) {
        std::cerr << "escalator pager: acknowledged case " << a.case_id << " at "
                  << base::FormatInstant(a.at) << std::endl;
      } else {
        ++failures;
        std::cerr << "escalator pager: acknowledgement of case " << a.case_id
                  << " not sent: " << sent.ToString() << std::endl;
      }
    }
  }
  if (failures > 0) return kExitFailure;
  if (count > 0 && shown < count && !g_stop.load()) {
    std::cerr << "escalator pager: timed out after " << timeout_s << " s with " << shown << " of "
              << count << " page(s)" << std::endl;
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace cli
