// escalator log --data DIR [--case ID] [--format json|text]: the audit trail,
// every event of the log (or of one case) in sequence order.
#include <cstdio>
#include <iostream>
#include <string>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "engine/engine.h"
#include "router/codec.h"
#include "router/event_json.h"
#include "store/event_log.h"

namespace cli {

int RunLog(int argc, char** argv) {
  auto parsed =
      ParseFlags("log",
                 "Prints the audit trail: every event of the log in sequence order, or only\n"
                 "those of one case. json: one object per line with seq, type, case, at (UTC\n"
                 "ISO 8601) and the event's fields; text: one readable line per event.",
                 {{"data", true, true, "the data directory of the event log", ""},
                  {"case", true, false, "only this case's events", ""},
                  {"format", true, false, "json or text", "json"}},
                 argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const Flags& f = parsed.flags;
  int exit = kExitOk;
  const std::optional<bool> json_format = JsonFormatFlag("log", f, exit);
  if (!json_format) return exit;
  const bool json = *json_format;

  store::Options options;
  options.create_if_missing = false;  // reading must never create an empty log
  options.check = store::OpenCheck::kBounds;
  options.read_only = true;  // works while serve holds the log
  const std::string dir = *f.Get("data");
  auto log = store::EventLog::Open(dir, options);
  if (!log.ok()) {
    std::cerr << "escalator log: cannot open the event log in '" << dir
              << "': " << log.status().ToString() << "\n";
    return log.status().code() == base::Code::kNotFound ? kExitUsage : kExitFailure;
  }

  std::string out;
  base::Status bad;
  auto print = [&](uint64_t seq, std::string_view bytes) {
    auto event = router::DecodeEvent(bytes);
    if (!event.ok()) {
      bad = base::Status::Corruption("event " + std::to_string(seq) + ": " +
                                     event.status().message());
      return false;
    }
    out += json ? router::EventJsonLine(seq, *event) : router::EventTextLine(seq, *event);
    out += '\n';
    if (out.size() > (1 << 16)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
    return true;
  };
  auto case_id = f.Get("case");
  base::Status read = case_id ? (*log)->ReadIndexed(router::CaseKey(*case_id), print)
                              : (*log)->Read(1, (*log)->next_seq(), print);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  if (!read.ok() || !bad.ok()) {
    std::cerr << "escalator log: " << (bad.ok() ? read : bad).ToString() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace cli
