// A configuration that knows the bench feed's accounts (bench::FeedAccount), so the ingest
// benchmarks route each case through its customer's plan, coverage calendar, designated
// account engineer and workflows, as a configured feed is routed. Without it every bench
// case is of an unknown account and takes the fallback route (general 24x7 support).
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "ops/bench/feed_events.h"

namespace bench {

namespace internal {

inline std::string Date(base::Timestamp t) {
  const std::chrono::year_month_day d{std::chrono::floor<std::chrono::days>(t)};
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return out;
}

}  // namespace internal

// The configuration in `path` with one customer added per feed account. Each takes, in
// turn, one of the configuration's plans (every other customer of a plan with a 24x7 add-on
// buys it), calendars and engineers (the account engineer; the first engineer with role edm
// as delivery manager), with that engineer's skills as its workflows, and an engagement
// from 30 days before `now` to 335 days after. Returns the YAML text.
// Errors: kInvalidInput when the file does not parse or lacks plans, calendars or
// engineers with skills.
inline base::Result<std::string> ConfigWithFeedCustomers(const std::string& path,
                                                         base::Timestamp now) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    return base::Status::InvalidInput(path + ": " + e.what());
  }
  struct Plan {
    std::string name;
    bool addon = false;
  };
  std::vector<Plan> plans;
  for (const auto& p : root["plans"]) {
    plans.push_back({p.first.as<std::string>(), bool(p.second["addon_24x7_coverage"])});
  }
  std::vector<std::string> calendars;
  for (const auto& c : root["calendars"]) calendars.push_back(c.first.as<std::string>());
  std::vector<YAML::Node> engineers;
  std::string edm;
  for (const auto& e : root["engineers"]) {
    if (e["role"] && e["role"].as<std::string>() == "edm" && edm.empty()) {
      edm = e["id"].as<std::string>();
    }
    if (e["skills"] && e["skills"].size() > 0) engineers.push_back(e);
  }
  if (plans.empty() || calendars.empty() || engineers.empty()) {
    return base::Status::InvalidInput(path + " lacks plans, calendars or engineers with skills");
  }
  const std::string start = internal::Date(now - std::chrono::days(30));
  const std::string end = internal::Date(now + std::chrono::days(335));
  YAML::Node customers = root["customers"];
  for (uint64_t i = 0; i < kFeedAccounts; ++i) {
    const Plan& plan = plans[i % plans.size()];
    const YAML::Node& eae = engineers[i % engineers.size()];
    YAML::Node c;
    c["account"] = FeedAccount(i);
    c["name"] = "Bench customer " + std::to_string(i);
    c["plan"] = plan.name;
    if (plan.addon && (i / plans.size()) % 2 == 0) c["addons"].push_back("oncall_24x7");
    c["calendar"] = calendars[i % calendars.size()];
    c["eae"] = eae["id"].as<std::string>();
    c["edm"] = edm.empty() ? eae["id"].as<std::string>() : edm;
    c["workflows"] = YAML::Clone(eae["skills"]);  // a copy: no YAML alias in the output
    c["engagement"]["start"] = start;
    c["engagement"]["end"] = end;
    customers.push_back(c);
  }
  root["customers"] = customers;
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str());
}

}  // namespace bench
