// escalator log --data DIR [--case ID] [--format json|text]: the audit trail,
// every event of the log (or of one case) in sequence order. With --brokers instead of
// --data: every partition's log as the changelog topic holds it (all instances together).
#include <cstdio>
#include <iostream>
#include <map>
#include <string>

#include "cli/case_events.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "engine/changelog.h"
#include "engine/engine.h"
#include "feed/kafka_topic_reader.h"
#include "router/codec.h"
#include "router/event_json.h"
#include "store/event_log.h"

namespace cli {

namespace {

// The changelog's records of every partition, each once, in partition then record order,
// printed as their events; a gap in a partition's records is an error (after printing).
int PrintChangelog(const Flags& f, bool json) {
  router::TopicReadOptions read;
  read.brokers = *f.Get("brokers");
  read.topic = *f.Get("changelog-topic");
  std::map<int32_t, std::map<uint64_t, router::ChangelogRecord>> records;
  base::Status bad;
  auto extents = router::ReadTopicToEnd(
      read, [&](int32_t partition, int64_t offset, std::string_view, std::string_view value) {
        auto record = router::DecodeChangelogRecord(value);
        if (!record.ok()) {
          bad = base::Status::Corruption(read.topic + "[" + std::to_string(partition) + "]@" +
                                         std::to_string(offset) + ": " + record.status().message());
          return false;
        }
        records[partition].try_emplace(record->pseq, std::move(*record));  // a repeat: the first
        return true;
      });
  if (!extents.ok() || !bad.ok()) {
    std::cerr << "escalator log: " << (bad.ok() ? extents.status() : bad).ToString() << "\n";
    return extents.ok() || extents.status().code() != base::Code::kNotFound ? kExitFailure
                                                                            : kExitUsage;
  }
  const auto case_id = f.Get("case");
  std::string out, gaps;
  for (const auto& [partition, by_pseq] : records) {
    uint64_t expected = 0;
    for (const auto& [pseq, record] : by_pseq) {
      if (pseq != expected) {
        gaps += " partition " + std::to_string(partition) + " records " + std::to_string(expected) +
                ".." + std::to_string(pseq - 1) + ";";
      }
      expected = pseq + 1;
      for (const auto& e : record.events) {
        auto event = router::DecodeEvent(e.bytes);
        if (!event.ok()) {
          std::cerr << "escalator log: partition " << partition << " record " << pseq << ": "
                    << event.status().ToString() << "\n";
          return kExitFailure;
        }
        if (case_id && router::CaseIdOf(*event) != *case_id) continue;
        std::string line =
            json ? router::EventJsonLine(e.seq, *event) : router::EventTextLine(e.seq, *event);
        // seq is the writer's: unique within an instance's log, not across instances.
        if (json && !line.empty() && line[0] == '{') {
          line.insert(1, "\"partition\":" + std::to_string(partition) + ",");
        } else if (!json) {
          line = "p" + std::to_string(partition) + " " + line;
        }
        out += line;
        out += '\n';
      }
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  if (!gaps.empty()) {
    std::cerr << "escalator log: the changelog misses records (truncated, or deleted):" << gaps
              << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

int RunLog(int argc, char** argv) {
  auto parsed =
      ParseFlags("log",
                 "Prints the audit trail: every event of the log in sequence order, or only\n"
                 "those of one case. json: one object per line with seq, type, case, at (UTC\n"
                 "ISO 8601) and the event's fields; text: one readable line per event.\n"
                 "With --brokers instead of --data: every partition's log as the changelog\n"
                 "topic holds it (every instance's, README \"Several instances\"), partition by\n"
                 "partition, each event with its partition and the seq of the log that wrote it.",
                 {{"data", true, false, "the data directory of the event log", ""},
                  {"brokers", true, false,
                   "read the changelog topic on these brokers (host:port,...) instead", ""},
                  {"changelog-topic", true, false, "the changelog topic (with --brokers)",
                   "escalator.changelog"},
                  {"case", true, false, "only this case's events", ""},
                  {"format", true, false, "json or text", "json"}},
                 argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const Flags& f = parsed.flags;
  int exit = kExitOk;
  const std::optional<bool> json_format = JsonFormatFlag("log", f, exit);
  if (!json_format) return exit;
  const bool json = *json_format;
  if (!BrokersFlag("log", f) || !TopicFlag("log", f, "changelog-topic")) return kExitUsage;
  if (f.Has("brokers") == f.Has("data")) {
    std::cerr << "escalator log: give exactly one of --data DIR (this instance's log) and "
                 "--brokers B (every partition's, from the changelog topic)\n";
    return kExitUsage;
  }
  if (f.Has("brokers")) return PrintChangelog(f, json);

  auto log = OpenLogForReading("log", *f.Get("data"), exit);
  if (!log) return exit;

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
  base::Status read = case_id ? log->ReadIndexed(router::CaseKey(*case_id), print)
                              : log->Read(1, log->next_seq(), print);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  if (!read.ok() || !bad.ok()) {
    std::cerr << "escalator log: " << (bad.ok() ? read : bad).ToString() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace cli
