// Bearer tokens for serve's HTTP API. The configuration names a file of token hashes
// (config http.tokens), never tokens: each line is
//   sha256:<64 hex digits> admin
//   sha256:<64 hex digits> engineer:<engineer id>
// ('#' starts a comment; blank lines are skipped). A request presents the token itself
// (`Authorization: Bearer <token>`); its SHA-256 is looked up. An engineer's token acts as that
// engineer only; an admin's as anyone.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace web {

struct TokenRole {
  bool admin = false;
  std::string engineer;  // set unless admin
};

class Tokens {
 public:
  // Parses a token file's text. `known_engineer` says whether an engineer id is configured.
  // Errors: kInvalidInput naming the line (a malformed hash, an unknown role or engineer, a
  // hash listed twice).
  static base::Result<Tokens> Parse(std::string_view text,
                                    const std::function<bool(const std::string&)>& known_engineer);
  // Reads and parses the file. Errors: kNotFound / kIoError for the file; as Parse, with the
  // path.
  static base::Result<Tokens> Load(const std::string& path,
                                   const std::function<bool(const std::string&)>& known_engineer);

  // The role of a presented token, or nullopt when it is not one of ours.
  std::optional<TokenRole> Find(std::string_view token) const;
  size_t size() const { return roles_.size(); }

  // "sha256:<hex>" of `token`: what a token file lists for it.
  static std::string HashLine(std::string_view token);
  // A new random token (32 bytes from libsodium, URL-safe base64 without padding).
  static std::string Generate();

 private:
  std::map<std::string, TokenRole> roles_;  // "sha256:<hex>" -> role
};

}  // namespace web
