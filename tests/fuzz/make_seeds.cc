// Writes the binary fuzz seeds: encoded events (corpus/event_codec), encoded projections folded
// from them (corpus/case_state) and pager channel messages (corpus/pager_protocol), from values
// built here with the real encoders, so the seeds follow the formats when they change.
//   fuzz_make_seeds tests/fuzz/corpus
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "base/time.h"
#include "pager/protocol.h"
#include "router/case_state.h"
#include "router/codec.h"

namespace {

using base::Timestamp;
using namespace router;

Timestamp At(const char* iso) { return *base::ParseInstant(iso); }

void Write(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// One case's life: opened, routed, paged, escalated, acknowledged, resolved, with the rarer
// events too, so every event type and most fields appear in some seed.
std::vector<Event> CaseLife() {
  const std::string id = "case-111122223333-muen-2026-a1b2c3d4e5f60001";
  Candidate cand{.engineer = "ann",
                 .score = 2.5,
                 .open_cases = 1,
                 .skill = "medialive",
                 .skill_score = 2,
                 .workflows = {"live"},
                 .workflow_score = 0.5,
                 .schedule = "primary",
                 .layer = "layer-1"};
  Reason on_call{.code = ReasonCode::kOnCall, .until = At("2026-11-25T09:00:00Z")};
  std::vector<Event> events;
  events.push_back(CaseOpened{.case_id = id,
                              .at = At("2026-11-24T14:02:11Z"),
                              .display_id = "1234560001",
                              .account = "111122223333",
                              .subject = "MediaLive channel input loss",
                              .service = "medialive",
                              .category = "channel-failure",
                              .severity_code = "critical",
                              .level = 1,
                              .submitted_by = "ops@example.com",
                              .time_created = At("2026-11-24T14:02:09Z"),
                              .language = "en",
                              .event_id = "7e1c4a52-0b1f-4b54-9d2a-000000000001"});
  events.push_back(Routed{.case_id = id,
                          .at = At("2026-11-24T14:02:11Z"),
                          .level = 1,
                          .coverage = "always",
                          .business = "office",
                          .plan = "enterprise",
                          .reason = Reason{.code = ReasonCode::kOpened},
                          .calendars = Reason{.code = ReasonCode::kPlan},
                          .clock_start = At("2026-11-24T14:02:11Z"),
                          .due = At("2026-11-24T14:17:11Z"),
                          .candidates = {cand},
                          .next_action_at = At("2026-11-24T14:02:11Z"),
                          .clock = "always",
                          .target_s = 900,
                          .policy_base = At("2026-11-24T14:02:11Z"),
                          .repeat = 1,
                          .steps = 2,
                          .first_step_at = At("2026-11-24T14:02:11Z"),
                          .warning_at = At("2026-11-24T14:14:11Z")});
  events.push_back(Paged{.case_id = id,
                         .at = At("2026-11-24T14:02:11Z"),
                         .engineer = "ann",
                         .target = "schedule/primary",
                         .source = "layer-1",
                         .reason = on_call,
                         .also_via = {"designated_eae"}});
  TargetResolution res{.target = "schedule/primary",
                       .engineer = "ann",
                       .schedule = "primary",
                       .source = "layer-1",
                       .until = At("2026-11-25T09:00:00Z"),
                       .reason = on_call};
  TargetResolution nobody{.target = "familiar",
                          .candidates = {cand},
                          .reason = Reason{.code = ReasonCode::kProse, .text = "nobody"}};
  events.push_back(Escalated{.case_id = id,
                             .at = At("2026-11-24T14:02:11Z"),
                             .next_action_at = At("2026-11-24T14:07:11Z"),
                             .targets = {res, nobody},
                             .next_step = 1,
                             .next_step_at = At("2026-11-24T14:07:11Z"),
                             .schedules = {"primary"},
                             .watch_at = At("2026-11-25T09:00:00Z")});
  events.push_back(HandoffChecked{.case_id = id,
                                  .at = At("2026-11-24T14:05:00Z"),
                                  .watch_at = At("2026-11-25T09:00:00Z"),
                                  .next_action_at = At("2026-11-24T14:07:11Z")});
  events.push_back(Delivered{.case_id = id,
                             .at = At("2026-11-24T14:02:12Z"),
                             .engineer = "ann",
                             .device = "phone",
                             .paged_seq = 3});
  events.push_back(SlaWarning{.case_id = id,
                              .at = At("2026-11-24T14:14:11Z"),
                              .due = At("2026-11-24T14:17:11Z"),
                              .next_action_at = At("2026-11-24T14:17:11Z")});
  events.push_back(
      Breached{.case_id = id, .at = At("2026-11-24T14:17:11Z"), .due = At("2026-11-24T14:17:11Z")});
  events.push_back(CommunicationAdded{.case_id = id,
                                      .at = At("2026-11-24T14:20:00Z"),
                                      .origin = Origin::kCustomer,
                                      .communication_id = "m-1",
                                      .event_id = "ev-2"});
  events.push_back(SeverityChanged{.case_id = id,
                                   .at = At("2026-11-24T14:21:00Z"),
                                   .from_code = "critical",
                                   .to_code = "urgent",
                                   .from_level = 1,
                                   .to_level = 2,
                                   .event_id = "ev-3"});
  events.push_back(
      Acknowledged{.case_id = id, .at = At("2026-11-24T14:22:00Z"), .engineer = "ann"});
  events.push_back(Responded{.case_id = id, .at = At("2026-11-24T14:22:00Z"), .by = "ann"});
  events.push_back(PageSuperseded{.case_id = id,
                                  .at = At("2026-11-24T14:22:00Z"),
                                  .engineer = "ben",
                                  .paged_seq = 5,
                                  .by = SupersededBy::kResponse});
  events.push_back(DeliveryFailed{.case_id = id,
                                  .at = At("2026-11-24T14:23:00Z"),
                                  .engineer = "ben",
                                  .paged_seq = 5,
                                  .attempts = 2});
  events.push_back(InputRejected{.case_id = id,
                                 .at = At("2026-11-24T14:24:00Z"),
                                 .reason = Reason{.code = ReasonCode::kProse, .text = "bad"},
                                 .raw_summary = "ack by nobody",
                                 .event_id = "ev-4"});
  events.push_back(
      CaseResolved{.case_id = id, .at = At("2026-11-24T15:00:00Z"), .event_id = "ev-5"});
  events.push_back(CaseReopened{.case_id = id,
                                .at = At("2026-11-24T16:00:00Z"),
                                .event_id = "ev-6",
                                .next_action_at = At("2026-11-24T16:00:00Z")});
  return events;
}

std::vector<std::string> PagerMessages() {
  pager::Page page{.seq = 3,
                   .case_id = "case-111122223333-muen-2026-a1b2c3d4e5f60001",
                   .engineer = "ann",
                   .at = At("2026-11-24T14:02:11Z"),
                   .target = "schedule/primary",
                   .reason = "on call in primary until 09:00",
                   .reason_code = "on_call",
                   .display_id = "1234560001",
                   .subject = "MediaLive channel input loss",
                   .customer = "111122223333",
                   .service = "medialive",
                   .severity = "critical",
                   .level = 1,
                   .due = At("2026-11-24T14:17:11Z")};
  return {
      pager::Encode(pager::FromDevice{pager::Hello{"ann", "phone", 1}}),
      pager::Encode(pager::FromDevice{pager::Receipt{3}}),
      pager::Encode(pager::FromDevice{pager::AckRequest{3, 1}}),
      pager::Encode(pager::FromServe{pager::Welcome{"ann", "phone", 2}}),
      pager::Encode(pager::FromServe{page}),
      pager::Encode(
          pager::FromServe{pager::AckAnswer{1, 3, page.case_id, "responded", "stopped the clock"}}),
      pager::Encode(pager::FromServe{pager::AckAnswer{2, 9, "", "refused", "unknown page 9"}}),
      pager::Encode(pager::FromServe{pager::ServeError{"not JSON"}}),
      pager::EncodePage(page),  // an outbox value: what PageFrameFromOutbox reads
  };
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_make_seeds CORPUS_DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  CaseState state;
  int n = 0;
  for (const Event& e : CaseLife()) {
    std::string name = std::string(TypeName(e));
    Write(dir + "/event_codec/" + name, EncodeEvent(e));
    EvolveInPlace(state, e);
    Write(dir + "/case_state/after-" + std::to_string(n++) + "-" + name, EncodeCaseState(state));
  }
  n = 0;
  for (const std::string& m : PagerMessages())
    Write(dir + "/pager_protocol/message-" + std::to_string(n++), m);
  return 0;
}
