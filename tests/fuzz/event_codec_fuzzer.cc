// Fuzzes the event log's decoder (router/codec.h): any bytes decode to an event or give
// kCorruption, never a crash or a read outside them. A decoded event re-encodes to bytes that
// decode to the same event, and encoding that again gives the same bytes (the writer's output
// is a fixed point; comparing bytes also covers a NaN score, which no double compares equal to).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "router/codec.h"

namespace {

// True when every double in the event equals itself (no NaN), so == can judge the round trip.
bool Comparable(const router::Event& e) { return e == e; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  base::Result<router::Event> event = router::DecodeEvent(bytes);
  if (!event.ok()) {
    if (event.status().code() != base::Code::kCorruption) abort();
    return 0;
  }
  std::string encoded = router::EncodeEvent(*event);
  base::Result<router::Event> again = router::DecodeEvent(encoded);
  if (!again.ok()) abort();
  if (Comparable(*event) && !(*again == *event)) abort();
  if (router::EncodeEvent(*again) != encoded) abort();

  // The reusing decoder agrees with the plain one.
  router::Event into;
  if (!router::DecodeEventInto(encoded, &into).ok()) abort();
  if (router::EncodeEvent(into) != encoded) abort();
  return 0;
}
