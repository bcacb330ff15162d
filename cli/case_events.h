// Reading the event log case by case, for the commands that fold cases from it (retro): the log
// opened read-only (it works while serve holds it for writing) and every event that names a case
// handed over in sequence order.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/status.h"
#include "router/events.h"
#include "store/event_log.h"

namespace cli {

// Opens the log in `dir` (flag --data) read-only, never creating one. On failure prints
// "escalator COMMAND: --data: cannot open the event log in 'DIR': ..." and sets `exit` to
// kExitUsage when there is no log there, kExitFailure otherwise; returns null.
std::unique_ptr<store::EventLog> OpenLogForReading(const std::string& command,
                                                   const std::string& dir, int& exit);

// Hands every event of `log` that names a case to `add`, in sequence order. Errors: the log's
// read error, or Corruption naming the first event that does not decode (nothing after it is
// handed over).
base::Status ForEachCaseEvent(
    const store::EventLog& log,
    const std::function<void(const std::string& case_id, uint64_t seq, const router::Event&)>& add);

}  // namespace cli
