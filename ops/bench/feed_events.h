// The feed-shaped events the ingest benchmarks publish or apply: the sample's
// EventBridge envelope, 10% CreateCase with CaseDetails, 90% communications
// alternating AWS / CUSTOMER origin, `cases` cases over 500 accounts.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "base/time.h"

namespace bench {

// A feed-shaped event: the sample's envelope, with CaseDetails on CreateCase.
// Cases open at `base` and their communications follow a second apart, so the
// run routes fresh cases as a live feed would (events days old would make every
// escalation timer overdue at once and measure a timer storm instead).
inline std::string FeedEvent(uint64_t n, int cases, base::Timestamp base) {
  uint64_t c = n % static_cast<uint64_t>(cases);
  uint64_t step = n / static_cast<uint64_t>(cases);
  std::string account = std::to_string(100000000000ull + c % 500);
  std::string case_id = "case-" + account + "-muen-2026-" + std::to_string(c);
  static const char* kServices[] = {"medialive", "mediapackage", "cloudfront", "amazon-rds"};
  static const char* kSeverities[] = {"critical", "urgent", "high", "normal", "low"};
  nlohmann::ordered_json j = {
      {"version", "0"},
      {"id", "bench-" + std::to_string(n)},
      {"detail-type", "Support Case Update"},
      {"source", "aws.support"},
      {"account", account},
      {"time", base::FormatInstant(base + std::chrono::seconds(step))},
      {"region", "us-east-1"},
      {"resources", nlohmann::json::array()},
      {"detail",
       {{"case-id", case_id},
        {"display-id", std::to_string(1234560000 + c)},
        {"communication-id", step == 0 ? "" : "ab12cd34ef56-" + std::to_string(n)},
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
