// The escalator binary: dispatches to one subcommand. The only place where the
// real clock, consumer, store and sockets get built (inside the subcommands).
#include <cstring>
#include <iostream>
#include <string>

#include "cli/commands.h"
#include "cli/flags.h"

namespace {

struct Command {
  const char* name;
  int (*run)(int, char**);
  const char* summary;
};

// One line per subcommand; keep sorted by role, not alphabetically.
constexpr Command kCommands[] = {
    {"check-config", cli::RunCheckConfig, "validate a configuration file"},
    {"log", cli::RunLog, "the audit trail as JSON lines (or text)"},
    {"explain", cli::RunExplain, "one case's story: why each page went to whom, when"},
    {"report", cli::RunReport, "SLA compliance over a window: figures, breaches and why, load"},
    {"retro", cli::RunRetro, "after a live event: each case's SLA clock timeline, closest calls"},
    {"dev-broker", cli::RunDevBroker, "embedded Kafka-protocol broker for demos and tests"},
    {"publish", cli::RunPublish, "send a JSON-lines file of feed events to Kafka"},
    {"serve", cli::RunServe, "the daemon: consume the feed into the log, exactly once"},
    {"dead-letters", cli::RunDeadLetters, "list rejected input with reasons"},
    {"oncall", cli::RunOncall, "who is on call, from which layer, until when"},
    {"shifts", cli::RunShifts, "the final schedule over a range, gaps visible"},
    {"ics", cli::RunIcs, "the final schedule as iCalendar (RFC 5545)"},
    {"due", cli::RunDue, "when a case's first response is due, and why"},
    {"simulate", cli::RunSimulate, "the whole pipeline on a simulated clock, from a file"},
    {"ack", cli::RunAck, "acknowledge a page (through the commands topic)"},
    {"pager", cli::RunPager, "a pager client: shows one engineer's pages, acknowledges"},
    {"keygen", cli::RunKeygen, "a CURVE key pair for the pager channel (NAME.key, NAME.pub)"},
    {"pager-gateway", cli::RunPagerGateway, "forwards engineers' pages to a webhook (or Slack)"},
    {"token", cli::RunToken, "a bearer token for serve's HTTP API, and its hash line"},
};

void PrintHelp(std::ostream& out) {
  out << "usage: escalator <command> [flags]   (escalator <command> --help for details)\n\n"
         "An event-sourced support-case router and pager.\n\ncommands:\n";
  for (const auto& c : kCommands) {
    out << "  " << c.name << std::string(16 - std::min<size_t>(15, std::strlen(c.name)), ' ')
        << c.summary << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    PrintHelp(std::cerr);
    return cli::kExitUsage;
  }
  std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    PrintHelp(std::cout);
    return cli::kExitOk;
  }
  for (const auto& c : kCommands) {
    if (name == c.name) return c.run(argc - 1, argv + 1);
  }
  std::cerr << "escalator: unknown command '" << name << "'\n\n";
  PrintHelp(std::cerr);
  return cli::kExitUsage;
}
