// Sample values for the router tests: one fully populated event of every type,
// and a small configuration built in code (no YAML needed for the pure core).
#pragma once

#include <memory>
#include <stdexcept>
#include <vector>

#include "base/time.h"
#include "config/config.h"
#include "router/events.h"
#include "tests/test_support.h"

namespace router_testing {

inline base::Timestamp T(const char* iso) { return *base::ParseInstant(iso); }

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
             "annual plan with the 24x7 add-on",
             T("2026-11-24T14:02:11Z"),
             T("2026-11-24T14:17:11Z"),
             {{"alice", 3.25, "medialive skill, 2 cases of this customer", 2},
              {"bob", -0.5, "load", 0}},
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
            "on call in video-sme-secondary",
            PageCause::kResume,
            {"edm", "familiar"},
            {{"bob", 4.5, "skill", 1}}},
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
                                  {{"x", 1, "y"}},
                                  "why"},
                 TargetResolution{"edm", std::nullopt, "", "", std::nullopt, {}, "nobody"}},
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
      InputRejected{c, T("2026-11-24T14:30:00Z"), "unknown severityCode 'panic'",
                    "AddCommunicationToCase case=x", "ev-6"},
      HandoffChecked{c, T("2026-11-24T14:20:00Z"), T("2026-11-24T15:00:00Z"),
                     T("2026-11-24T14:25:00Z")},
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
