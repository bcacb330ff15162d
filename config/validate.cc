// Pass two of loading: every reference resolved, and the rules that span
// sections (levels, clocks, add-ons) checked, each error at the node that
// made the claim.
#include <set>

#include "config/parse.h"

namespace config::internal {
namespace {

std::string Names(const std::set<std::string>& names) {
  if (names.empty()) return "none is defined";
  std::string out = "known: ";
  size_t shown = 0;
  for (const auto& n : names) {
    if (shown == 8) {
      out += ", ...";
      break;
    }
    out += (shown++ ? ", " : "") + n;
  }
  return out;
}

template <typename Map>
std::set<std::string> Keys(const Map& map) {
  std::set<std::string> keys;
  for (const auto& [k, v] : map) keys.insert(k);
  return keys;
}

void ResolveReferences(const Parsed& parsed, Reader& r) {
  const Config& c = parsed.config;
  std::set<std::string> engineers;
  for (const auto& e : c.engineers) engineers.insert(e.id);
  const std::set<std::string> calendars = Keys(c.calendars), schedules = Keys(c.schedules),
                              plans = Keys(c.plans);
  for (const auto& ref : parsed.references) {
    if (ref.kind == RefKind::kTarget) {
      if (!engineers.count(ref.name))
        r.Error(ref.at, "unknown target '" + ref.name +
                            "' (expected designated_eae, edm, familiar, schedule/NAME or an "
                            "engineer id; " +
                            Names(engineers) + ")");
      continue;
    }
    const std::set<std::string>* known = nullptr;
    const char* what = "";
    switch (ref.kind) {
      case RefKind::kEngineer:
        known = &engineers;
        what = "engineer";
        break;
      case RefKind::kCalendar:
        known = &calendars;
        what = "calendar";
        break;
      case RefKind::kSchedule:
        known = &schedules;
        what = "schedule";
        break;
      case RefKind::kPlan:
        known = &plans;
        what = "plan";
        break;
      case RefKind::kTarget:  // handled above
        known = &engineers;
        what = "engineer";
        break;
    }
    if (!known->count(ref.name))
      r.Error(ref.at,
              std::string("unknown ") + what + " '" + ref.name + "' (" + Names(*known) + ")");
  }
}

void CheckLevels(const Parsed& parsed, Reader& r) {
  const Config& c = parsed.config;
  // A severity must lead somewhere: a level without a target has no clock, one
  // without a policy pages nobody.
  for (const auto& [code, at] : parsed.severity_levels) {
    int level = c.severity_map.at(code);
    if (!parsed.target_keys.count(level))
      r.Error(at, "level " + std::to_string(level) + " has no first response target in targets");
    if (!parsed.policy_keys.count(level))
      r.Error(at, "level " + std::to_string(level) + " has no escalation policy");
  }
  // The policy repeats one target duration after its first cycle.
  for (const auto& [level, at] : parsed.policy_keys)
    if (!parsed.target_keys.count(level))
      r.Error(at, "level " + std::to_string(level) + " has no first response target in targets");
  // Step delays count on the level's clock: business hours only when the target is.
  for (const auto& delay : parsed.step_delays) {
    auto target = c.targets.find(delay.level);
    if (target != c.targets.end() && delay.after.business && !target->second.business)
      r.Error(delay.at, "delay '" + delay.at.node.Scalar() + "' is in business hours but level " +
                            std::to_string(delay.level) +
                            "'s target is not; write it in plain time (e.g. 2h)");
  }
}

void CheckAddons(const Parsed& parsed, Reader& r) {
  for (const auto& use : parsed.addon_uses) {
    const Plan* plan = parsed.config.FindPlan(use.plan);
    if (plan && !plan->addon_24x7_coverage)
      r.Error(use.at, "plan '" + use.plan + "' offers no " + use.addon +
                          " add-on (it has no addon_24x7_coverage)");
  }
}

}  // namespace

void Validate(Parsed& parsed, Reader& reader) {
  ResolveReferences(parsed, reader);
  CheckLevels(parsed, reader);
  CheckAddons(parsed, reader);
}

}  // namespace config::internal
