#include "tests/soak/soak_feed.h"

#include <nlohmann/json.hpp>

namespace soak {
namespace {

using nlohmann::json;

// Two customers of the sample config (24x7 medialive; a business-hours launch plan) and two
// unknown accounts (the fallback schedule): routes that escalate in seconds and ones that wait.
constexpr const char* kAccounts[] = {"111122223333", "444455556666", "555500001111",
                                     "999988887777"};
constexpr double kAccountWeights[] = {55, 20, 15, 10};
constexpr const char* kSeverities[] = {"critical", "urgent", "high", "low"};
constexpr double kSeverityWeights[] = {55, 30, 10, 5};
constexpr const char* kServices[] = {"medialive", "mediapackage", "cloudfront"};
constexpr double kServiceWeights[] = {70, 20, 10};

json Envelope(const std::string& id, const std::string& account, base::Timestamp at, json detail) {
  return {{"version", "0"},
          {"id", id},
          {"detail-type", "Support Case Update"},
          {"source", "aws.support"},
          {"account", account},
          {"time", base::FormatInstant(at)},
          {"region", "us-east-1"},
          {"resources", json::array()},
          {"detail", std::move(detail)}};
}

json Detail(const std::string& case_id, const std::string& event_name,
            const std::string& communication_id, const std::string& origin) {
  return {{"case-id", case_id},
          {"display-id", case_id.substr(case_id.rfind('-') + 1)},
          {"communication-id", communication_id},
          {"event-name", event_name},
          {"origin", origin}};
}

json CaseDetails(const std::string& case_id, const std::string& severity,
                 const std::string& service, base::Timestamp at) {
  return {{"caseId", case_id},
          {"displayId", case_id.substr(case_id.rfind('-') + 1)},
          {"subject", "soak " + case_id},
          {"status", "opened"},
          {"serviceCode", service},
          {"categoryCode", "other"},
          {"severityCode", severity},
          {"submittedBy", "ops@soak.example"},
          {"timeCreated", base::FormatInstant(at)},
          {"language", "en"}};
}

}  // namespace

FeedGenerator::FeedGenerator(uint64_t seed, double cases_per_s)
    : rng_(seed), cases_per_s_(cases_per_s) {}

double FeedGenerator::Uniform(double lo, double hi) {
  return std::uniform_real_distribution<double>(lo, hi)(rng_);
}

std::vector<Message> FeedGenerator::Due(base::Timestamp now, bool open_new) {
  std::vector<Message> out;
  const double dt = last_ ? std::chrono::duration<double>(now - *last_).count() : 0.0;
  last_ = now;
  if (open_new && dt > 0) {
    const int cases = std::poisson_distribution<int>(cases_per_s_ * dt)(rng_);
    const int bad = std::poisson_distribution<int>(cases_per_s_ * dt / 5)(rng_);
    for (int i = 0; i < cases; ++i) out.push_back(Create(now));
    for (int i = 0; i < bad; ++i) out.push_back(Bad(now));
  }
  while (!follow_ups_.empty() && follow_ups_.begin()->first <= now) {
    out.push_back(Emit(follow_ups_.begin()->second, now));
    follow_ups_.erase(follow_ups_.begin());
  }
  return out;
}

Message FeedGenerator::Create(base::Timestamp now) {
  auto pick = [&](const auto& weights) {
    return std::discrete_distribution<int>(std::begin(weights), std::end(weights))(rng_);
  };
  const std::string account = kAccounts[pick(kAccountWeights)];
  const std::string case_id = "case-" + account + "-soak-" + std::to_string(next_case_++);
  const std::string severity = kSeverities[pick(kSeverityWeights)];
  const std::string service = kServices[pick(kServiceWeights)];
  Message m{"soak-ev-" + std::to_string(next_event_++), true, "create", ""};
  json detail = Detail(case_id, "CreateCase", "", "");
  detail["case"] = CaseDetails(case_id, severity, service, now);
  m.line = Envelope(m.id, account, now, std::move(detail)).dump();

  // Its life: a customer follow-up, an AWS answer (a response: the escalation stops), a
  // resolution; each maybe, a few seconds apart, so some escalations run to their last step
  // and some are cut short.
  auto at = [&](double lo, double hi) {
    return now + std::chrono::milliseconds(static_cast<int64_t>(Uniform(lo, hi) * 1000));
  };
  base::Timestamp last = now;
  if (Uniform(0, 1) < 0.4) {
    auto t = at(1, 8);
    follow_ups_.emplace(t, FollowUp{"customer", case_id, account});
    last = std::max(last, t);
  }
  if (Uniform(0, 1) < 0.3) {
    auto t = at(2, 10);
    follow_ups_.emplace(t, FollowUp{"aws", case_id, account});
    last = std::max(last, t);
  }
  if (Uniform(0, 1) < 0.6) {
    auto t = last + std::chrono::milliseconds(static_cast<int64_t>(Uniform(1, 6) * 1000));
    follow_ups_.emplace(t, FollowUp{"resolve", case_id, account});
  }
  return m;
}

Message FeedGenerator::Emit(const FollowUp& f, base::Timestamp now) {
  Message m{"soak-ev-" + std::to_string(next_event_++), true, f.kind, ""};
  json detail;
  if (f.kind == "resolve") {
    detail = Detail(f.case_id, "ResolveCase", "", "");
  } else {
    detail = Detail(f.case_id, "AddCommunicationToCase", "comm-" + m.id,
                    f.kind == "aws" ? "AWS" : "CUSTOMER");
  }
  m.line = Envelope(m.id, f.account, now, std::move(detail)).dump();
  return m;
}

Message FeedGenerator::Bad(base::Timestamp now) {
  const std::string marker = "soak-bad-" + std::to_string(next_bad_++);
  const std::string account = kAccounts[next_bad_ % 4];
  const std::string case_id = "case-" + account + "-" + marker;
  Message m{marker, false, "", ""};
  switch (std::uniform_int_distribution<int>(0, 5)(rng_)) {
    case 0:
      m.kind = "invalid JSON";
      m.line = R"({"id":")" + marker + R"(","account":")" + account + R"(","detail":{"case-id":)";
      break;
    case 1: {
      m.kind = "unknown event-name";
      m.line = Envelope(marker, account, now, Detail(case_id, "FrobnicateCase", "", "")).dump();
      break;
    }
    case 2: {
      m.kind = "CreateCase without details";
      m.line = Envelope(marker, account, now, Detail(case_id, "CreateCase", "", "")).dump();
      break;
    }
    case 3: {
      m.kind = "unknown origin";
      m.line = Envelope(marker, account, now,
                        Detail(case_id, "AddCommunicationToCase", "comm-" + marker, "MARTIAN"))
                   .dump();
      break;
    }
    case 4: {
      m.kind = "unknown severity";  // refused by the core, not the parser
      json detail = Detail(case_id, "CreateCase", "", "");
      detail["case"] = CaseDetails(case_id, "apocalyptic", "medialive", now);
      m.line = Envelope(marker, account, now, std::move(detail)).dump();
      break;
    }
    default: {
      m.kind = "case never opened";  // refused by the core
      m.line = Envelope(marker, account, now,
                        Detail(case_id, "AddCommunicationToCase", "comm-" + marker, "CUSTOMER"))
                   .dump();
      break;
    }
  }
  return m;
}

}  // namespace soak
