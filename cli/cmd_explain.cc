// escalator explain --data DIR --case ID [--format text|json]: the story of one
// case for people, in time order, from its events alone (no config needed). The
// story is the explain library's (explain/story.h); this command reads the
// case's events from the log and prints it.
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "cli/case_events.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "engine/layouts.h"
#include "explain/render.h"
#include "explain/story.h"
#include "router/codec.h"
#include "store/event_log.h"

namespace cli {

int RunExplain(int argc, char **argv) {
  auto parsed = ParseFlags("explain",
                           "Tells one case's story in time order, from the log alone: how it was "
                           "routed and why\n"
                           "(level, plan, coverage and business calendars, due), every page (who, "
                           "when, through\n"
                           "which target, layer or override, the familiar ranking with scores), "
                           "escalations,\n"
                           "warnings, breaches, responses and the resolution.",
                           {{"data", true, true, "the data directory of the event log", ""},
                            {"case", true, true, "the case id", ""},
                            {"format", true, false, "text or json", "text"}},
                           argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const Flags &f = parsed.flags;
  int exit = kExitOk;
  const std::optional<bool> json_format = JsonFormatFlag("explain", f, exit);
  if (!json_format) return exit;
  const std::string dir = *f.Get("data");
  const std::string case_id = *f.Get("case");
  auto log = OpenLogForReading("explain", dir, exit);
  if (!log) return exit;
  // The case index hands over only this case's events, in seq order, as
  // TellCase requires.
  std::vector<std::pair<uint64_t, router::Event>> events;
  base::Status bad;
  base::Status read = log->ReadIndexed(router::CaseKey(case_id), [&](uint64_t seq,
                                                                     std::string_view bytes) {
    auto e = router::DecodeEvent(bytes);
    if (!e.ok()) {
      bad = base::Status::Corruption("event " + std::to_string(seq) + ": " + e.status().message());
      return false;
    }
    events.emplace_back(seq, std::move(*e));
    return true;
  });
  if (!read.ok() || !bad.ok()) {
    std::cerr << "escalator explain: " << (bad.ok() ? read : bad).ToString() << "\n";
    return kExitFailure;
  }
  if (events.empty()) {
    return UsageError("explain", "--case: no case '" + case_id + "' in the log in '" + dir + "'");
  }
  const explain::Story story = explain::TellCase(case_id, events);
  std::cout << (*json_format ? explain::RenderJson(story, events) : explain::RenderText(story));
  return kExitOk;
}

}  // namespace cli
