// The two passes of loading, internal to config/: ParseDocument reads each
// section into the typed Config, checking shapes and scalars and noting every
// cross-reference with where it was written; Validate then resolves those
// references and checks rules that span sections. Both report through Reader.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/reader.h"

namespace config::internal {

// kTarget: an escalation target that is not a keyword, hence an engineer id.
enum class RefKind { kEngineer, kCalendar, kSchedule, kPlan, kTarget };

// A name used in one place that must be defined in another section.
struct Reference {
  RefKind kind;
  std::string name;
  Field at;
};

// A step delay, kept to check it against its level's target clock.
struct StepDelay {
  int level = 0;
  DurationSpec after;
  Field at;
};

// A customer's add-on, kept to check that its plan offers it.
struct AddonUse {
  std::string plan;
  std::string addon;
  Field at;
};

struct Parsed {
  Config config;
  std::vector<Reference> references;
  std::map<std::string, Field> severity_levels;  // code -> its level's value node
  // Levels written under targets and escalation (even when their value is bad).
  std::map<int, Field> target_keys;  // level -> key node under targets
  std::map<int, Field> policy_keys;  // level -> key node under escalation
  std::vector<StepDelay> step_delays;
  std::vector<AddonUse> addon_uses;
};

// Reads the document into out.config; errors go to `reader`.
void ParseDocument(const YAML::Node& root, Reader& reader, Parsed& out);

// Resolves out.references and checks the rules that span sections.
void Validate(Parsed& parsed, Reader& reader);

}  // namespace config::internal
