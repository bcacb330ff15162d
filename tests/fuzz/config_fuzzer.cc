// Fuzzes the configuration loader (config::ParseConfig: YAML, then validation): any text gives a
// configuration or errors, never a crash or an exception; never both, never neither; and every
// error is one printable line (an operator reads them in a terminal and in journald).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Larger inputs only slow the search down: a YAML file's structure fits in far fewer bytes.
  if (size > 16 * 1024) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  config::LoadResult r = config::ParseConfig(text, "fuzz.yaml");
  if (r.config && !r.errors.empty()) abort();
  if (!r.config && r.errors.empty()) abort();
  for (const config::ConfigError& e : r.errors) {
    for (char c : e.message)
      if (static_cast<unsigned char>(c) < 0x20) abort();
  }
  return 0;
}
