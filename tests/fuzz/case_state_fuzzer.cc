// Fuzzes the projection decoder (router/case_state.h): any bytes decode to a case state or give
// kCorruption, never a crash. A decoded state re-encodes to bytes that decode to the same
// state, and encoding that again gives the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "router/case_state.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  base::Result<router::CaseState> state = router::DecodeCaseState(bytes);
  if (!state.ok()) {
    if (state.status().code() != base::Code::kCorruption) abort();
    return 0;
  }
  std::string encoded = router::EncodeCaseState(*state);
  base::Result<router::CaseState> again = router::DecodeCaseState(encoded);
  if (!again.ok()) abort();
  if (!(*again == *state)) abort();
  if (router::EncodeCaseState(*again) != encoded) abort();
  return 0;
}
