#include "cli/case_events.h"

#include <iostream>

#include "cli/flags.h"
#include "router/codec.h"

namespace cli {

std::unique_ptr<store::EventLog> OpenLogForReading(const std::string& command,
                                                   const std::string& dir, int& exit) {
  store::Options options;
  options.create_if_missing = false;  // reading must never create an empty log
  options.check = store::OpenCheck::kBounds;
  options.read_only = true;  // works while serve holds the log
  auto log = store::EventLog::Open(dir, options);
  if (!log.ok()) {
    std::cerr << "escalator " << command << ": --data: cannot open the event log in '" << dir
              << "': " << log.status().ToString() << "\n";
    exit = log.status().code() == base::Code::kNotFound ? kExitUsage : kExitFailure;
    return nullptr;
  }
  return std::move(*log);
}

base::Status ForEachCaseEvent(const store::EventLog& log,
                              const std::function<void(const std::string& case_id, uint64_t seq,
                                                       const router::Event&)>& add) {
  router::Event event;
  base::Status bad;
  base::Status read = log.Read(1, log.next_seq(), [&](uint64_t seq, std::string_view bytes) {
    base::Status decoded = router::DecodeEventInto(bytes, &event);
    if (!decoded.ok()) {
      bad = base::Status::Corruption("event " + std::to_string(seq) + ": " + decoded.message());
      return false;
    }
    const std::string& case_id = router::CaseIdOf(event);
    if (!case_id.empty()) add(case_id, seq, event);  // a refusal may name no case
    return true;
  });
  if (!read.ok()) return read;
  return bad;
}

}  // namespace cli
