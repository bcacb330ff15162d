// Fuzzes the HTTP API's token file parser (web/tokens.h Tokens::Parse): any text gives a token
// table or a kInvalidInput error naming the line, never a crash; a table holds at most one role
// per line, and each engineer role names a known engineer.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "web/tokens.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto known = [](const std::string& id) { return id == "ann" || id == "ben"; };
  base::Result<web::Tokens> tokens = web::Tokens::Parse(text, known);
  if (!tokens.ok()) {
    if (tokens.status().code() != base::Code::kInvalidInput) abort();
    return 0;
  }
  size_t lines = 1;
  for (char c : text) lines += c == '\n';
  if (tokens->size() > lines) abort();
  // A presented token that is the input itself is looked up, never trusted.
  if (std::optional<web::TokenRole> role = tokens->Find(text)) {
    if (!role->admin && !known(role->engineer)) abort();
  }
  return 0;
}
