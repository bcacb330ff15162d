// FNV-1a, 64 bits: the one hash whose values escalator persists or publishes (a case's
// remembered envelope ids, the dead-letter key of a payload, iCalendar UIDs). Stable across
// builds and platforms, unlike std::hash. Not for security.
#pragma once

#include <cstdint>
#include <string_view>

namespace base {

// FNV-1a's 64-bit offset basis and prime (the published constants).
inline constexpr uint64_t kFnv1a64OffsetBasis = 0xcbf29ce484222325ull;
inline constexpr uint64_t kFnv1a64Prime = 0x100000001b3ull;

// The 64-bit FNV-1a hash of `bytes`, starting from `basis` (FNV's offset basis unless a caller
// must keep values it published with another). Persisted: never change.
constexpr uint64_t Fnv1a64(std::string_view bytes, uint64_t basis = kFnv1a64OffsetBasis) {
  uint64_t h = basis;
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= kFnv1a64Prime;
  }
  return h;
}

}  // namespace base
