// A dead letter: input escalator refused, kept with why and where it came from.
// Its JSON is both what the log keeps (engine/layouts.h) and what the
// dead-letter topic carries. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace router {

// A rejected message with why, as kept in store::Family::kDeadLetters.
struct DeadLetter {
  std::string reason;
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string payload;  // the raw bytes
  friend bool operator==(const DeadLetter&, const DeadLetter&) = default;
};

// Persisted value: one JSON object {"reason","topic","partition","offset",
// "payload","payload_encoding"}; payload is the bytes as a JSON string when they
// are UTF-8 ("payload_encoding":"utf-8"), else base64 ("base64").
std::string EncodeDeadLetter(const DeadLetter& letter);
// Errors: kCorruption when `json` is not such an object.
base::Result<DeadLetter> DecodeDeadLetter(std::string_view json);

}  // namespace router
