// Sample values for the router tests: one fully populated event of every type,
// and a small configuration built in code (no YAML needed for the pure core).
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"
#include "config/config.h"
#include "router/events.h"
#include "tests/test_support.h"

namespace router_testing {

inline base::Timestamp T(const char* iso) { return *base::ParseInstant(iso); }

// The bytes a string of hex digits spells ("01ff" -> "\x01\xff").
inline std::string Unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  }
  return out;
}

// A candidate with every part of its score set.
inline router::Candidate Alice() {
  router::Candidate c{"alice", 3.25, 2,   "medialive",         3.0,     {"live-linear", "ssai"},
                      2.0,     2,    1.5, "video-sme-primary", "london"};
  return c;
}

// Reasons with every field their code uses, and more (the codec keeps them all).
inline router::Reason SeverityRaised() {
  router::Reason r{router::ReasonCode::kSeverityChanged};
  r.severity = "critical";
  r.from_severity = "urgent";
  r.text = "not routed: a configuration error";
  return r;
}
inline router::Reason Resumed() {
  router::Reason r{router::ReasonCode::kClockResumed};
  r.calendar = "us-east-business";
  r.until = T("2026-11-24T16:00:00Z");
  r.scheduled = T("2026-11-24T14:00:00Z");
  r.fallback = true;
  r.service = "medialive";
  r.engineer = "bob";
  r.account = "111122223333";
  return r;
}
inline router::Reason UnknownSeverity() {
  router::Reason r{router::ReasonCode::kUnknownSeverity};
  r.severity = "panic";
  r.case_id = "case-2";
  r.action = "AddCommunicationToCase";
  return r;
}

// Every event type once, each field set to a value other than its default.
inline std::vector<router::Event> EveryEventType() {
  using namespace router;
  const std::string c = "case-111122223333-muen-2026-a1b2c3d4e5f60001";
  return {
      CaseOpened{c, T("2026-11-24T14:02:11Z"), "1234560001", "111122223333",
                 "MediaLive channel input loss", "medialive", "channel-failure", "critical", 1,
                 "ops@northwind.example", T("2026-11-24T14:02:09Z"), "en", "ev-1"},
      CommunicationAdded{c, T("2026-11-24T14:09:02Z"), Origin::kCustomer, "comm-1", "ev-2", true,
                         T("2026-11-24T14:24:02Z"), T("2026-11-24T14:14:02Z")},
      SeverityChanged{c, T("2026-11-24T14:10:00Z"), "urgent", "critical", 2, 1, "ev-3",
                      T("2026-11-24T14:17:11Z"), T("2026-11-24T14:12:00Z")},
      CaseResolved{c, T("2026-11-24T15:00:00Z"), "ev-4"},
      CaseReopened{c, T("2026-11-24T16:00:00Z"), "ev-5", T("2026-11-24T16:05:00Z")},
      Routed{c,
             T("2026-11-24T14:02:11Z"),
             1,
             "always",
             "us-east-business",
             "annual",
             true,
             SeverityRaised(),
             Reason{ReasonCode::kAddonExcluded, "", "", "", "", "cloudfront"},
             T("2026-11-24T14:02:11Z"),
             T("2026-11-24T14:17:11Z"),
             {Alice(), Candidate{"bob", -0.5, 0, "", 0, {}, 0, 0, 0, "", "", "an old sentence"}},
             T("2026-11-24T14:07:11Z"),
             "always",
             900,
             true,
             T("2026-11-24T14:02:12Z"),
             2,
             3,
             T("2026-11-24T14:02:13Z"),
             T("2026-11-24T14:13:26Z"),
             true,
             true,
             "alice"},
      Paged{c,
            T("2026-11-24T14:07:11Z"),
            "bob",
            1,
            2,
            "schedule/video-sme-secondary",
            "layer-1",
            Resumed(),
            PageCause::kResume,
            {"edm", "familiar"},
            {Alice()}},
      Escalated{c,
                T("2026-11-24T14:07:11Z"),
                1,
                2,
                T("2026-11-24T14:12:11Z"),
                T("2026-11-24T14:07:10Z"),
                true,
                {TargetResolution{"schedule/video-sme-secondary",
                                  "bob",
                                  "video-sme-secondary",
                                  "layer-1",
                                  T("2026-11-30T14:00:00Z"),
                                  {Alice()},
                                  Reason{ReasonCode::kFamiliar}},
                 TargetResolution{"edm",
                                  std::nullopt,
                                  "",
                                  "",
                                  std::nullopt,
                                  {},
                                  Reason{ReasonCode::kProse, "an old sentence"}}},
                1,
                2,
                T("2026-11-24T14:12:11Z"),
                true,
                {"video-sme-secondary", "video-sme-primary"},
                T("2026-11-24T14:30:00Z")},
      Acknowledged{c, T("2026-11-24T14:08:00Z"), "bob"},
      Responded{c, T("2026-11-24T14:08:00Z"), ResponseKind::kAwsCommunication, "comm-9"},
      Breached{c, T("2026-11-24T14:17:11Z"), T("2026-11-24T14:17:11Z"), T("2026-11-24T14:22:11Z"),
               true},
      SlaWarning{c, T("2026-11-24T14:13:26Z"), T("2026-11-24T14:17:11Z"),
                 T("2026-11-24T14:17:11Z")},
      InputRejected{c, T("2026-11-24T14:30:00Z"), UnknownSeverity(),
                    "AddCommunicationToCase case=x", "ev-6"},
      HandoffChecked{c, T("2026-11-24T14:20:00Z"), T("2026-11-24T15:00:00Z"),
                     T("2026-11-24T14:25:00Z")},
      PageSuperseded{c, T("2026-11-24T14:06:00Z"), "alice", 7, SupersededBy::kResolution},
      Delivered{c, T("2026-11-24T14:05:01.250Z"), "alice", "phone", 7},
      DeliveryFailed{c, T("2026-11-24T14:10:00Z"), "bob", 9, 4},
  };
}

// The sample configuration (../shared/samples/config.yaml), loaded once: the
// routing rules need calendars, schedules, policies and customers.
inline std::shared_ptr<const config::Config> SmallConfig() {
  static const std::shared_ptr<const config::Config> loaded = [] {
    auto r =
        config::LoadConfigFile((testing_support::SharedDir() / "samples" / "config.yaml").string());
    if (!r.config) throw std::runtime_error("the sample configuration does not load");
    return r.config;
  }();
  return loaded;
}

}  // namespace router_testing
