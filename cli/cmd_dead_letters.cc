// `escalator dead-letters`: lists the rejected input kept in the log's
// dead-letter column family, in topic/partition/offset order.
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/case_events.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "engine/layouts.h"
#include "feed/dead_letter.h"
#include "store/event_log.h"

namespace cli {
namespace {
constexpr char kCommand[] = "dead-letters";
}  // namespace

int RunDeadLetters(int argc, char** argv) {
  auto parsed = ParseFlags(
      kCommand,
      "Lists rejected input with its reason. --format json: one object per line with reason,\n"
      "topic, partition, offset, payload (and payload_encoding: utf-8 or base64).",
      {
          {"data", true, true, "the data directory (RocksDB log)", ""},
          {"format", true, false, "text or json", "text"},
      },
      argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const auto& f = parsed.flags;
  int exit = kExitOk;
  const std::optional<bool> json_format = JsonFormatFlag(kCommand, f, exit);
  if (!json_format) return exit;
  const bool json = *json_format;
  auto log = OpenLogForReading(kCommand, *f.Get("data"), exit);
  if (!log) return exit;
  int bad = 0;
  auto s =
      log->Scan(store::Family::kDeadLetters, "", [&](std::string_view key, std::string_view value) {
        if (json) {
          std::cout << value << "\n";
          return true;
        }
        auto d = router::DecodeDeadLetter(value);
        if (!d.ok()) {
          std::cerr << "escalator dead-letters: " << key << ": " << d.status().message() << "\n";
          ++bad;
          return true;
        }
        std::cout << d->topic << "[" << d->partition << "]@" << d->offset << ": " << d->reason
                  << "\n";
        return true;
      });
  std::cout.flush();
  if (!s.ok()) {
    std::cerr << "escalator dead-letters: " << s.ToString() << "\n";
    return kExitFailure;
  }
  return bad == 0 ? kExitOk : kExitFailure;
}

}  // namespace cli
