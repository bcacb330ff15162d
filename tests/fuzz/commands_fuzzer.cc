// Fuzzes the commands topic's parser (feed/commands.h): any bytes give an acknowledgement or an
// kInvalidInput error, never a crash; an accepted command re-encodes to one that parses back to
// the same acknowledgement.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "feed/commands.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view payload(reinterpret_cast<const char*>(data), size);
  std::string case_id;
  base::Result<router::Acknowledge> ack = router::ParseCommand(payload, &case_id);
  if (!ack.ok()) {
    if (ack.status().code() != base::Code::kInvalidInput) abort();
    return 0;
  }
  if (ack->case_id.empty() || ack->engineer.empty()) abort();
  base::Result<router::Acknowledge> again = router::ParseCommand(router::EncodeAckCommand(*ack));
  if (!again.ok()) abort();
  if (again->case_id != ack->case_id || again->engineer != ack->engineer || again->at != ack->at)
    abort();
  return 0;
}
