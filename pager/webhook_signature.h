// The signature on every webhook post: header X-Escalator-Signature, so the
// receiver can tell our posts from anyone else's who learned its URL.
//
// Format: "v1=<hex>" per secret, comma-separated, where <hex> is the lowercase
// hex HMAC-SHA256 of the exact body bytes keyed with the secret. Several
// secrets sign at once so a secret can rotate without downtime: the gateway
// signs with old and new, the receiver switches to the new one, then the old
// one is dropped. The "v1" tag leaves room for another scheme beside it later.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pager {

inline constexpr char kSignatureHeader[] = "X-Escalator-Signature";

// The header's value for `body`: "v1=<hex>" for each of `secrets`, in their
// order, joined by ",". "" when `secrets` is empty (then send no header).
// A secret is any byte string (HMAC takes keys of any length).
std::string SignatureHeader(const std::vector<std::string>& secrets, std::string_view body);

// True when some v1= entry of `header` is the HMAC of `body` under `secret`.
// Entries of another scheme, and malformed ones, are skipped; hex of either
// case is accepted. The comparison takes the same time wherever the bytes
// differ (sodium_memcmp), so it leaks nothing about the expected value.
bool VerifySignature(std::string_view header, std::string_view secret, std::string_view body);

// The secrets in a secret file's text: one per line, surrounding whitespace
// trimmed, blank lines and lines starting with '#' skipped, in file order
// (all of them sign: list the new secret beside the old while rotating).
std::vector<std::string> ParseSecrets(std::string_view text);

}  // namespace pager
