#include "web/tokens.h"

#include <sodium.h>

#include <cctype>
#include <fstream>
#include <sstream>

namespace web {

namespace {

bool IsHexDigest(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) ||
        std::isupper(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string Tokens::HashLine(std::string_view token) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  char hex[2 * crypto_hash_sha256_BYTES + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return "sha256:" + std::string(hex);
}

std::string Tokens::Generate() {
  if (sodium_init() < 0) return {};
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char out[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(bytes, sizeof bytes);
  return out;
}

base::Result<Tokens> Tokens::Parse(std::string_view text,
                                   const std::function<bool(const std::string&)>& known_engineer) {
  Tokens out;
  std::istringstream in{std::string(text)};
  int number = 0;
  for (std::string raw; std::getline(in, raw);) {
    ++number;
    std::string_view line = raw;
    if (size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    line = Trim(line);
    if (line.empty()) continue;
    const std::string where = "line " + std::to_string(number) + ": ";
    const size_t space = line.find_first_of(" \t");
    if (space == std::string_view::npos) {
      return base::Status::InvalidInput(where + "expected 'sha256:<hex> admin|engineer:<id>'");
    }
    const std::string_view hash = line.substr(0, space);
    const std::string_view role_text = Trim(line.substr(space));
    if (hash.substr(0, 7) != "sha256:" || !IsHexDigest(hash.substr(7))) {
      return base::Status::InvalidInput(
          where +
          "the hash must be 'sha256:' and 64 lowercase hex digits (a token itself never "
          "goes in this file: list `escalator token`'s hash line)");
    }
    TokenRole role;
    if (role_text == "admin") {
      role.admin = true;
    } else if (role_text.substr(0, 9) == "engineer:" && role_text.size() > 9) {
      role.engineer = std::string(role_text.substr(9));
      if (known_engineer && !known_engineer(role.engineer)) {
        return base::Status::InvalidInput(where + "unknown engineer '" + role.engineer + "'");
      }
    } else {
      return base::Status::InvalidInput(where + "role must be 'admin' or 'engineer:<id>', got '" +
                                        std::string(role_text) + "'");
    }
    if (!out.roles_.emplace(std::string(hash), std::move(role)).second) {
      return base::Status::InvalidInput(where + "this hash is listed already");
    }
  }
  return out;
}

base::Result<Tokens> Tokens::Load(const std::string& path,
                                  const std::function<bool(const std::string&)>& known_engineer) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return base::Status::NotFound("cannot read the token file '" + path + "'");
  std::ostringstream text;
  text << file.rdbuf();
  auto parsed = Parse(text.str(), known_engineer);
  if (!parsed.ok()) {
    return base::Status::InvalidInput("token file '" + path + "': " + parsed.status().message());
  }
  return parsed;
}

std::optional<TokenRole> Tokens::Find(std::string_view token) const {
  if (token.empty()) return std::nullopt;
  auto it = roles_.find(HashLine(token));
  if (it == roles_.end()) return std::nullopt;
  return it->second;
}

}  // namespace web
