// The feed-shaped events the ingest benchmarks publish or apply: the sample's
// EventBridge envelope and id shapes, 10% CreateCase with CaseDetails, 90%
// communications alternating AWS / CUSTOMER origin, `cases` cases over kFeedAccounts accounts.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "base/time.h"

namespace bench {

// `v` as `digits` lowercase hex digits (the low ones, zero-padded).
inline std::string Hex(uint64_t v, int digits) {
  std::string s(static_cast<size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i, v >>= 4)
    s[static_cast<size_t>(i)] = "0123456789abcdef"[v & 15];
  return s;
}

// The feed's id shapes for the n-th event: a 36-character envelope id (a UUID)
// and a communication id.
inline std::string EnvelopeId(uint64_t n) { return "7e1c4a52-0b1f-4b54-9d2a-" + Hex(n, 12); }
inline std::string CommunicationId(uint64_t n) { return "ab12cd34ef56-" + Hex(n, 8); }

// How many accounts the feed's cases spread over, and the c-th case's account (keyed by
// account, the feed's messages spread over every partition).
inline constexpr uint64_t kFeedAccounts = 500;
inline std::string FeedAccount(uint64_t c) {
  return std::to_string(100000000000ull + c % kFeedAccounts);
}

// A feed-shaped event: the sample's envelope, with CaseDetails on CreateCase.
// Cases open at `base` and their communications follow a second apart, so the
// run routes fresh cases as a live feed would (events days old would make every
// escalation timer overdue at once and measure a timer storm instead).
inline std::string FeedEvent(uint64_t n, int cases, base::Timestamp base) {
  uint64_t c = n % static_cast<uint64_t>(cases);
  uint64_t step = n / static_cast<uint64_t>(cases);
  std::string account = FeedAccount(c);
  // Ids as long as the feed's (the sample's shapes): they are in every event,
  // index key and projection, so shorter ones would flatter the store.
  std::string case_id = "case-" + account + "-muen-2026-" + Hex(0xa1b2c3d4e5f60000ull + c, 16);
  static const char* kServices[] = {"medialive", "mediapackage", "cloudfront", "amazon-rds"};
  static const char* kSeverities[] = {"critical", "urgent", "high", "normal", "low"};
  nlohmann::ordered_json j = {{"version", "0"},
                              {"id", EnvelopeId(n)},
                              {"detail-type", "Support Case Update"},
                              {"source", "aws.support"},
                              {"account", account},
                              {"time", base::FormatInstant(base + std::chrono::seconds(step))},
                              {"region", "us-east-1"},
                              {"resources", nlohmann::json::array()},
                              {"detail",
                               {{"case-id", case_id},
                                {"display-id", std::to_string(1234560000 + c)},
                                {"communication-id", step == 0 ? "" : CommunicationId(n)},
                                {"event-name", step == 0 ? "CreateCase" : "AddCommunicationToCase"},
                                {"origin", step == 0 ? "" : (step % 2 ? "AWS" : "CUSTOMER")}}}};
  if (step == 0) {
    j["detail"]["case"] = {{"caseId", case_id},
                           {"displayId", std::to_string(1234560000 + c)},
                           {"subject", "MediaLive channel input loss on primary pipeline"},
                           {"status", "opened"},
                           {"serviceCode", kServices[c % 4]},
                           {"categoryCode", "channel-failure"},
                           {"severityCode", kSeverities[c % 5]},
                           {"submittedBy", "ops@northwind.example"},
                           {"timeCreated", base::FormatInstant(base)},
                           {"language", "en"}};
  }
  return j.dump();
}

}  // namespace bench
