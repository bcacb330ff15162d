#include "pager/webhook_signature.h"

#include <sodium.h>

#include <array>
#include <cstdlib>
#include <iostream>
#include <mutex>

namespace pager {
namespace {

using Mac = std::array<unsigned char, crypto_auth_hmacsha256_BYTES>;

// sodium_init is safe to call again, but once suffices; a failure means no
// usable randomness source, which HMAC does not need, yet libsodium asks that
// nothing be used after it, so it is fatal.
void InitSodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) {
      std::cerr << "libsodium: sodium_init failed\n";
      std::abort();
    }
  });
}

// The streaming API, because crypto_auth_hmacsha256() takes only 32-byte
// keys while a secret may have any length.
Mac Hmac(std::string_view secret, std::string_view body) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(body.data()),
                                body.size());
  Mac mac;
  crypto_auth_hmacsha256_final(&state, mac.data());
  sodium_memzero(&state, sizeof state);
  return mac;
}

std::string_view Trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  while (!s.empty() && kSpace.find(s.front()) != std::string_view::npos) s.remove_prefix(1);
  while (!s.empty() && kSpace.find(s.back()) != std::string_view::npos) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string SignatureHeader(const std::vector<std::string>& secrets, std::string_view body) {
  InitSodium();
  std::string out;
  for (const std::string& secret : secrets) {
    const Mac mac = Hmac(secret, body);
    char hex[2 * crypto_auth_hmacsha256_BYTES + 1];
    sodium_bin2hex(hex, sizeof hex, mac.data(), mac.size());  // lowercase
    if (!out.empty()) out += ',';
    out += "v1=";
    out += hex;
  }
  return out;
}

bool VerifySignature(std::string_view header, std::string_view secret, std::string_view body) {
  InitSodium();
  const Mac expected = Hmac(secret, body);
  bool matched = false;
  // Every entry is checked, even after a match, so the time taken does not
  // say which entry matched.
  while (!header.empty()) {
    const size_t comma = header.find(',');
    const std::string_view entry = Trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    if (!entry.starts_with("v1=")) continue;
    const std::string_view hex = entry.substr(3);
    Mac given;
    size_t given_len = 0;
    const char* end = nullptr;
    if (hex.size() != 2 * given.size() ||
        sodium_hex2bin(given.data(), given.size(), hex.data(), hex.size(), nullptr, &given_len,
                       &end) != 0 ||
        given_len != given.size() || end != hex.data() + hex.size()) {
      continue;
    }
    matched |= sodium_memcmp(given.data(), expected.data(), expected.size()) == 0;
  }
  return matched;
}

std::vector<std::string> ParseSecrets(std::string_view text) {
  std::vector<std::string> secrets;
  while (!text.empty()) {
    const size_t newline = text.find('\n');
    const std::string_view line = Trim(text.substr(0, newline));
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    if (!line.empty() && line.front() != '#') secrets.emplace_back(line);
  }
  return secrets;
}

}  // namespace pager
