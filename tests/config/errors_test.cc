// Proves every kind of mistake in a configuration is reported at the offending
// node as FILE:LINE:COLUMN: path: message, all at once, and never as a crash.
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <regex>
#include <set>

#include "config/config.h"
#include "tests/test_support.h"

namespace {

// A small valid configuration; the rows below break one thing each. Line
// numbers matter: the expected errors point into this text.
const std::string kBase = R"(severity_map: {critical: 1, urgent: 2, high: 3, normal: 4, low: 4}
targets: {1: 15m, 2: 1h, 3: 4h, 4: 12bh}
services:
  in_scope: [medialive, cloudfront]
  excluded_from_24x7: [cloudfront]
  fallback_schedule: general
calendars:
  office:
    zone: America/New_York
    hours: {mon-fri: "09:00-17:00"}
    holidays: [2026-12-25]
  always: {zone: UTC, hours: {mon-sun: "00:00-24:00"}}
plans:
  enterprise: {coverage: always}
  annual: {coverage: business, addon_24x7_coverage: always}
engineers:
  - {id: ann, zone: America/New_York}
  - {id: ben, zone: Europe/London}
schedules:
  primary:
    layers:
      - zone: America/New_York
        rotation: {type: weekly, start: "2026-11-02T09:00", members: [ann, ben]}
        restrict: {mon-fri: "09:00-17:00"}
    overrides:
      - {who: ben, from: "2026-12-24T20:00:00-05:00", to: "2026-12-26T08:00:00-05:00"}
  general:
    layers:
      - zone: UTC
        rotation: {type: custom, length: 12h, start: "2026-01-01T00:00", members: [ben]}
escalation:
  1: {repeat: 1, steps: [{after: 0m, notify: [schedule/primary, designated_eae]}, {after: 5m, notify: [edm, ann]}]}
  2: {steps: [{after: 0m, notify: [familiar]}]}
  3: {steps: [{after: 0m, notify: [schedule/general]}]}
  4: {steps: [{after: 0m, notify: [designated_eae]}, {after: 8bh, notify: [schedule/primary]}]}
customers:
  - account: "111122223333"
    plan: annual
    addons: [oncall_24x7]
    calendar: office
    eae: ann
    edm: ben
    engagement: {start: 2026-07-01, end: 2027-06-30}
pager:
  server_key: keys/serve.key
  delivery_timeout: 5m
  devices:
    - {engineer: ann, device: phone, public_key: keys/ann-phone.pub}
)";

std::string Replace(const std::string& text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  REQUIRE(at != std::string::npos);  // a row that changes nothing would prove nothing
  return text.substr(0, at) + to + text.substr(at + from.size());
}

std::string AllErrors(const config::LoadResult& r) {
  std::string out;
  for (const auto& e : r.errors) out += e.ToString() + "\n";
  return out;
}

struct Row {
  const char* what;
  const char* from;
  const char* to;
  const char* expected;  // a substring of one error's "FILE:LINE:COLUMN: message"
};

const Row kRows[] = {
    {"unknown engineer in a rotation", "members: [ann, ben]", "members: [ann, zed]",
     "t.yaml:23:76: schedules.primary.layers[0].rotation.members[1]: unknown engineer 'zed'"},
    {"typo in a rotation key", "rotation: {type: weekly,", "rotaton: {type: weekly,",
     "t.yaml:23:9: schedules.primary.layers[0]: unknown key 'rotaton'"},
    {"typo in a top-level key", "customers:", "customer:",
     "t.yaml:36:1: unknown key 'customer' (expected one of: severity_map,"},
    {"duration with an unknown unit", "1: 15m", "1: 15x",
     "t.yaml:2:14: targets.1: invalid duration '15x'"},
    {"negative duration", "2: 1h", "2: -1m", "t.yaml:2:22: targets.2: invalid duration '-1m'"},
    {"empty duration", "3: 4h", "3: \"\"",
     "t.yaml:2:29: targets.3: expected a value, got an empty string"},
    {"zero target", "1: 15m", "1: 0m",
     "t.yaml:2:14: targets.1: a first response target must be longer than 0"},
    {"hour out of range", "hours: {mon-fri: \"09:00-17:00\"}", "hours: {mon-fri: \"09:00-25:00\"}",
     "t.yaml:10:22: calendars.office.hours.mon-fri: window '09:00-25:00': invalid time of day "
     "'25:00'"},
    {"24:00 as a start", "hours: {mon-fri: \"09:00-17:00\"}", "hours: {mon-fri: \"24:00-17:00\"}",
     "t.yaml:10:22: calendars.office.hours.mon-fri: window '24:00-17:00': time of day '24:00' is "
     "allowed only as the end"},
    {"business hours crossing midnight", "hours: {mon-fri: \"09:00-17:00\"}",
     "hours: {mon-fri: \"22:00-06:00\"}",
     "t.yaml:10:22: calendars.office.hours.mon-fri: window '22:00-06:00' crosses midnight"},
    {"unknown weekday", "restrict: {mon-fri:", "restrict: {mon-fry:",
     "t.yaml:24:20: schedules.primary.layers[0].restrict.mon-fry: unknown weekday 'fry'"},
    {"overlapping windows", "restrict: {mon-fri: \"09:00-17:00\"}",
     "restrict: {mon-fri: \"09:00-17:00\", wed: \"16:00-18:00\"}",
     "t.yaml:24:49: schedules.primary.layers[0].restrict.wed: windows overlap: wed 09:00-17:00 and "
     "wed 16:00-18:00"},
    {"unknown zone", "zone: America/New_York\n    hours", "zone: America/Nowhere\n    hours",
     "t.yaml:9:11: calendars.office.zone: unknown time zone 'America/Nowhere'"},
    {"invalid holiday", "holidays: [2026-12-25]", "holidays: [2026-02-30]",
     "t.yaml:11:16: calendars.office.holidays[0]: invalid date '2026-02-30'"},
    {"override instant without offset", "from: \"2026-12-24T20:00:00-05:00\"",
     "from: \"2026-12-24T20:00:00\"",
     "t.yaml:26:26: schedules.primary.overrides[0].from: invalid instant '2026-12-24T20:00:00'"},
    {"override ending before it starts", "to: \"2026-12-26T08:00:00-05:00\"",
     "to: \"2026-12-24T08:00:00-05:00\"",
     "t.yaml:26:59: schedules.primary.overrides[0].to: override ends at 2026-12-24T13:00:00Z, "
     "not after it starts at 2026-12-25T01:00:00Z"},
    {"override by an unknown engineer", "{who: ben,", "{who: bem,",
     "t.yaml:26:15: schedules.primary.overrides[0].who: unknown engineer 'bem'"},
    {"rotation start with an offset", "start: \"2026-11-02T09:00\"",
     "start: \"2026-11-02T09:00-05:00\"",
     "t.yaml:23:41: schedules.primary.layers[0].rotation.start: local date-time "
     "'2026-11-02T09:00-05:00' carries an offset"},
    {"rotation start skipped by DST", "start: \"2026-11-02T09:00\"", "start: \"2026-03-08T02:30\"",
     "t.yaml:23:41: schedules.primary.layers[0].rotation.start: start '2026-03-08T02:30' does not "
     "exist in America/New_York"},
    {"unknown rotation type", "type: weekly", "type: hourly",
     "t.yaml:23:26: schedules.primary.layers[0].rotation.type: unknown rotation type 'hourly'"},
    {"custom rotation without length", "type: custom, length: 12h,", "type: custom,",
     "t.yaml:30:19: schedules.general.layers[0].rotation: missing required key 'length'"},
    {"length on a weekly rotation", "type: weekly,", "type: weekly, length: 8h,",
     "t.yaml:23:42: schedules.primary.layers[0].rotation.length: length applies only to custom "
     "rotations"},
    {"rotation without members", "members: [ben]", "members: []",
     "t.yaml:30:83: schedules.general.layers[0].rotation.members: a rotation needs at least one "
     "member"},
    {"duplicate engineer id", "{id: ben,", "{id: ann,",
     "t.yaml:18:10: engineers[1].id: duplicate engineer id 'ann' (first defined on line 17)"},
    {"engineer id that reads as a target", "{id: ben,", "{id: familiar,",
     "t.yaml:18:10: engineers[1].id: engineer id 'familiar' would read as a step target"},
    {"duplicate account", "engagement: {start: 2026-07-01, end: 2027-06-30}\n",
     "engagement: {start: 2026-07-01, end: 2027-06-30}\n"
     "  - {account: \"111122223333\", plan: annual, calendar: office, eae: ann, edm: ben}\n",
     "t.yaml:44:15: customers[1].account: duplicate account '111122223333' (first defined on line "
     "37)"},
    {"duplicate calendar name", "  always: {zone: UTC,", "  office: {zone: UTC,",
     "t.yaml:12:3: calendars: duplicate key 'office'"},
    {"unknown schedule in a step", "schedule/general]", "schedule/generl]",
     "t.yaml:34:36: escalation.3.steps[0].notify[0]: unknown schedule 'generl'"},
    {"misspelt target keyword", "notify: [familiar]", "notify: [familar]",
     "t.yaml:33:36: escalation.2.steps[0].notify[0]: unknown target 'familar' (expected "
     "designated_eae, edm, familiar, schedule/NAME or an engineer id"},
    {"target naming no schedule", "schedule/general]", "schedule/]",
     "t.yaml:34:36: escalation.3.steps[0].notify[0]: target 'schedule/' names no schedule"},
    {"unknown fallback schedule", "fallback_schedule: general", "fallback_schedule: genral",
     "t.yaml:6:22: services.fallback_schedule: unknown schedule 'genral'"},
    {"exclusion of a service not in scope", "excluded_from_24x7: [cloudfront]",
     "excluded_from_24x7: [cloudfrnt]",
     "t.yaml:5:24: services.excluded_from_24x7[0]: service 'cloudfrnt' is not in "
     "services.in_scope"},
    {"unknown plan", "plan: annual", "plan: anual",
     "t.yaml:38:11: customers[0].plan: unknown plan 'anual'"},
    {"unknown customer calendar", "calendar: office", "calendar: ofice",
     "t.yaml:40:15: customers[0].calendar: unknown calendar 'ofice'"},
    {"unknown coverage calendar", "{coverage: always}", "{coverage: alway}",
     "t.yaml:14:26: plans.enterprise.coverage: unknown calendar 'alway'"},
    {"unknown add-on calendar", "addon_24x7_coverage: always}", "addon_24x7_coverage: allways}",
     "t.yaml:15:53: plans.annual.addon_24x7_coverage: unknown calendar 'allways'"},
    {"unknown EAE", "eae: ann", "eae: anne",
     "t.yaml:41:10: customers[0].eae: unknown engineer 'anne'"},
    {"missing EDM", "    edm: ben\n", "", "t.yaml:37:5: customers[0]: missing required key 'edm'"},
    {"add-on the plan does not offer", "plan: annual", "plan: enterprise",
     "t.yaml:39:14: customers[0].addons[0]: plan 'enterprise' offers no oncall_24x7 add-on"},
    {"unknown add-on", "addons: [oncall_24x7]", "addons: [oncall_247]",
     "t.yaml:39:14: customers[0].addons[0]: unknown add-on 'oncall_247'"},
    {"engagement ending before it starts", "end: 2027-06-30", "end: 2026-06-30",
     "t.yaml:43:42: customers[0].engagement.end: engagement ends on 2026-06-30, before it starts"},
    {"severity level without target or policy", "low: 4}", "low: 5}",
     "t.yaml:1:65: severity_map.low: level 5 has no first response target in targets"},
    {"unknown severity code", "low: 4}", "low: 4, severe: 1}",
     "t.yaml:1:68: severity_map: unknown key 'severe'"},
    {"missing severity code", "normal: 4, low: 4}", "normal: 4}",
     "t.yaml:1:15: severity_map: missing severity code 'low'"},
    {"policy without a target", "4: {steps: [{after: 0m, notify: [designated_eae]}",
     "5: {steps: [{after: 0m, notify: [designated_eae]}",
     "t.yaml:35:3: escalation.5: level 5 has no first response target in targets"},
    {"business-hours delay on a plain level", "{after: 5m, notify: [edm, ann]}",
     "{after: 5bh, notify: [edm, ann]}",
     "t.yaml:32:91: escalation.1.steps[1].after: delay '5bh' is in business hours but level 1's "
     "target is not"},
    {"steps out of order", "{after: 0m, notify: [schedule/primary",
     "{after: 9m, notify: [schedule/primary",
     "t.yaml:32:91: escalation.1.steps[1].after: step after 5m comes before the previous step "
     "(after 9m)"},
    {"bad sla_warning", "targets:", "sla_warning: 150%\ntargets:",
     "t.yaml:2:14: sla_warning: invalid fraction '150%'"},
    {"wrong shape", "  - {id: ann, zone: America/New_York}\n  - {id: ben, zone: Europe/London}\n",
     "  ann: {zone: UTC}\n  ben: {zone: UTC}\n",
     "t.yaml:17:3: engineers: expected a list, got a mapping"},
    {"empty value", "    calendar: office\n", "    calendar:\n",
     "t.yaml:40:5: customers[0].calendar: expected a value, got nothing"},
    {"pager device of an unknown engineer", "{engineer: ann, device: phone",
     "{engineer: zed, device: phone",
     "t.yaml:48:18: pager.devices[0].engineer: unknown engineer 'zed'"},
    {"duplicate pager device", "public_key: keys/ann-phone.pub}\n",
     "public_key: keys/ann-phone.pub}\n    - {engineer: ann, device: phone, public_key: k.pub}\n",
     "t.yaml:49:31: pager.devices[1].device: duplicate device 'phone' for engineer 'ann' (first "
     "defined on line 48)"},
    {"empty pager device name", "device: phone", "device: \"\"",
     "t.yaml:48:31: pager.devices[0].device: expected a value, got an empty string"},
    {"pager device without a public key", ", public_key: keys/ann-phone.pub}", "}",
     "t.yaml:48:7: pager.devices[0]: missing required key 'public_key'"},
    {"delivery timeout in business hours", "delivery_timeout: 5m", "delivery_timeout: 2bh",
     "t.yaml:46:21: pager.delivery_timeout: delivery_timeout '2bh' cannot be in business hours"},
    {"zero delivery timeout", "delivery_timeout: 5m", "delivery_timeout: 0s",
     "t.yaml:46:21: pager.delivery_timeout: delivery_timeout must be longer than 0"},
    {"insecure that is not a boolean", "pager:\n", "pager:\n  insecure: yes\n",
     "t.yaml:45:13: pager.insecure: invalid boolean 'yes' (expected true or false)"},
    {"typo in a pager key", "server_key:", "server_keys:",
     "t.yaml:45:3: pager: unknown key 'server_keys' (expected one of: insecure, server_key,"},
    {"level that is not a number",
     "3: {steps:", "three: {steps:", "t.yaml:34:3: escalation.three: invalid number 'three'"},
};

// One wrong value for each field kRows leaves without one, so that every field the loader
// reads has a row (the last test case checks it). Expected: "PATH: message", where PATH names
// the field.
const Row kFieldRows[] = {
    {"targets that are not a mapping", "targets: {1: 15m, 2: 1h, 3: 4h, 4: 12bh}", "targets: [15m]",
     "targets: expected a mapping, got a list"},
    {"services that are not a mapping", "services:\n", "services: 5\nunused:\n",
     "services: expected a mapping, got '5'"},
    {"typo in a services key", "  fallback_schedule: general\n",
     "  fallback_schedule: general\n  fallback: x\n", "services: unknown key 'fallback'"},
    {"a service in scope twice", "in_scope: [medialive, cloudfront]",
     "in_scope: [medialive, cloudfront, medialive]",
     "services.in_scope[2]: duplicate service 'medialive'"},
    {"a calendar that is not a mapping", "  always: {zone: UTC, hours: {mon-sun: \"00:00-24:00\"}}",
     "  always: UTC", "calendars.always: expected a mapping, got 'UTC'"},
    {"calendar hours without windows", "    hours: {mon-fri: \"09:00-17:00\"}", "    hours: {}",
     "calendars.office.hours: no windows given"},
    {"plans that are not a mapping", "plans:\n", "plans: 5\nunused:\n",
     "plans: expected a mapping, got '5'"},
    {"typo in a plan key", "{coverage: always}", "{coverage: always, hours: x}",
     "plans.enterprise: unknown key 'hours'"},
    {"plan bridge hours that are not a number", "{coverage: always}",
     "{coverage: always, bridge_hours: many}",
     "plans.enterprise.bridge_hours: invalid number 'many'"},
    {"plan bridge that is a list", "{coverage: always}", "{coverage: always, bridge: [a]}",
     "plans.enterprise.bridge: expected a value, got a list"},
    {"engineer name that is a list", "{id: ann, zone:", "{id: ann, name: [Ann], zone:",
     "engineers[0].name: expected a value, got a list"},
    {"engineer zone unknown", "zone: Europe/London}", "zone: Europe/Londn}",
     "engineers[1].zone: unknown time zone 'Europe/Londn'"},
    {"engineer role that is a list", "{id: ann, zone:", "{id: ann, role: [eae], zone:",
     "engineers[0].role: expected a value, got a list"},
    {"engineer skills that are not a list", "{id: ann, zone:", "{id: ann, skills: medialive, zone:",
     "engineers[0].skills: expected a list, got 'medialive'"},
    {"engineer contact that is a mapping", "{id: ann, zone:", "{id: ann, contact: {a: b}, zone:",
     "engineers[0].contact: expected a value, got a mapping"},
    {"schedules that are not a mapping", "schedules:\n", "schedules: 5\nunused:\n",
     "schedules: expected a mapping, got '5'"},
    {"typo in a schedule key", "  general:\n    layers:", "  general:\n    layer: x\n    layers:",
     "schedules.general: unknown key 'layer'"},
    {"schedule without layers",
     "  general:\n    layers:\n      - zone: UTC\n        rotation: "
     "{type: custom, length: 12h, start: \"2026-01-01T00:00\", members: [ben]}\n",
     "  general:\n    layers: []\n",
     "schedules.general.layers: a schedule needs at least one layer"},
    {"layer name that is a list", "      - zone: America/New_York\n",
     "      - name: [a]\n        zone: America/New_York\n",
     "schedules.primary.layers[0].name: expected a value, got a list"},
    {"layer zone unknown", "      - zone: UTC\n", "      - zone: Mars/Base\n",
     "schedules.general.layers[0].zone: unknown time zone 'Mars/Base'"},
    {"layer restrict without windows", "restrict: {mon-fri: \"09:00-17:00\"}", "restrict: {}",
     "schedules.primary.layers[0].restrict: no windows given"},
    {"overrides that are not a list",
     "    overrides:\n      - {who: ben, from: \"2026-12-24T20:00:00-05:00\", to: "
     "\"2026-12-26T08:00:00-05:00\"}\n",
     "    overrides: ben\n", "schedules.primary.overrides: expected a list, got 'ben'"},
    {"escalation that is not a mapping", "escalation:\n", "escalation: 5\nunused:\n",
     "escalation: expected a mapping, got '5'"},
    {"repeat that is not a number", "{repeat: 1,", "{repeat: often,",
     "escalation.1.repeat: invalid number 'often'"},
    {"policy without steps", "2: {steps: [{after: 0m, notify: [familiar]}]}", "2: {steps: []}",
     "escalation.2.steps: a policy needs at least one step"},
    {"customers that are not a list", "customers:\n", "customers: 5\nunused:\n",
     "customers: expected a list, got '5'"},
    {"customer name that is a list", "    plan: annual\n", "    name: [x]\n    plan: annual\n",
     "customers[0].name: expected a value, got a list"},
    {"unknown EDM", "edm: ben", "edm: bem", "customers[0].edm: unknown engineer 'bem'"},
    {"workflows that are not a list", "    edm: ben\n", "    edm: ben\n    workflows: live\n",
     "customers[0].workflows: expected a list, got 'live'"},
    {"engagement that is not a mapping", "engagement: {start: 2026-07-01, end: 2027-06-30}",
     "engagement: soon", "customers[0].engagement: expected a mapping, got 'soon'"},
    {"engagement start that is no date", "start: 2026-07-01,", "start: 2026-13-01,",
     "customers[0].engagement.start: invalid date '2026-13-01'"},
    {"customer bridge hours below 0", "    edm: ben\n", "    edm: ben\n    bridge_hours: -5\n",
     "customers[0].bridge_hours: invalid number '-5'"},
    {"pager that is not a mapping", "pager:\n  server_key", "pager: 5\nunused:\n  server_key",
     "pager: expected a mapping, got '5'"},
    {"pager server key that is a list", "server_key: keys/serve.key", "server_key: [a]",
     "pager.server_key: expected a value, got a list"},
    {"pager devices that are not a list",
     "  devices:\n    - {engineer: ann, device: phone, public_key: keys/ann-phone.pub}\n",
     "  devices: ann\n", "pager.devices: expected a list, got 'ann'"},
    {"pager device public key that is a list", "public_key: keys/ann-phone.pub}", "public_key: []}",
     "pager.devices[0].public_key: expected a value, got a list"},
    {"http that is not a mapping", "pager:\n", "http: 5\npager:\n",
     "http: expected a mapping, got '5'"},
    {"http read_open that is not a boolean", "pager:\n", "http: {read_open: yes}\npager:\n",
     "http.read_open: invalid boolean 'yes'"},
    {"http tokens that is a list", "pager:\n", "http: {tokens: [a]}\npager:\n",
     "http.tokens: expected a value, got a list"},
    {"http ready_lag below 0", "pager:\n", "http: {ready_lag: -1}\npager:\n",
     "http.ready_lag: invalid number '-1'"},
};

// Every field the loader reads, as a path with '*' for a name or level the file chooses and
// "[]" for a list's items. The last test case checks it against config/parse.cc and the rows.
const std::vector<std::string> kFields = {"severity_map",
                                          "severity_map.*",
                                          "targets",
                                          "targets.*",
                                          "sla_warning",
                                          "services",
                                          "services.in_scope",
                                          "services.excluded_from_24x7",
                                          "services.fallback_schedule",
                                          "calendars",
                                          "calendars.*",
                                          "calendars.*.zone",
                                          "calendars.*.hours",
                                          "calendars.*.hours.*",
                                          "calendars.*.holidays",
                                          "plans",
                                          "plans.*",
                                          "plans.*.coverage",
                                          "plans.*.addon_24x7_coverage",
                                          "plans.*.bridge_hours",
                                          "plans.*.bridge",
                                          "engineers",
                                          "engineers[].id",
                                          "engineers[].name",
                                          "engineers[].zone",
                                          "engineers[].role",
                                          "engineers[].skills",
                                          "engineers[].contact",
                                          "schedules",
                                          "schedules.*",
                                          "schedules.*.layers",
                                          "schedules.*.layers[].name",
                                          "schedules.*.layers[].zone",
                                          "schedules.*.layers[].rotation",
                                          "schedules.*.layers[].rotation.type",
                                          "schedules.*.layers[].rotation.start",
                                          "schedules.*.layers[].rotation.length",
                                          "schedules.*.layers[].rotation.members",
                                          "schedules.*.layers[].restrict",
                                          "schedules.*.layers[].restrict.*",
                                          "schedules.*.overrides",
                                          "schedules.*.overrides[].who",
                                          "schedules.*.overrides[].from",
                                          "schedules.*.overrides[].to",
                                          "escalation",
                                          "escalation.*",
                                          "escalation.*.repeat",
                                          "escalation.*.steps",
                                          "escalation.*.steps[].after",
                                          "escalation.*.steps[].notify",
                                          "customers",
                                          "customers[].account",
                                          "customers[].name",
                                          "customers[].plan",
                                          "customers[].addons",
                                          "customers[].calendar",
                                          "customers[].eae",
                                          "customers[].edm",
                                          "customers[].workflows",
                                          "customers[].engagement",
                                          "customers[].engagement.start",
                                          "customers[].engagement.end",
                                          "customers[].bridge_hours",
                                          "pager",
                                          "pager.insecure",
                                          "pager.server_key",
                                          "pager.delivery_timeout",
                                          "pager.devices",
                                          "pager.devices[].engineer",
                                          "pager.devices[].device",
                                          "pager.devices[].public_key",
                                          "http",
                                          "http.read_open",
                                          "http.tokens",
                                          "http.ready_lag"};

// The field an expected error names: its PATH ("customers[0].edm" -> "customers[].edm",
// "calendars.office.hours.mon-fri" -> "calendars.*.hours.*"), or "" for the file as a whole.
std::string FieldOf(std::string expected) {
  if (expected.rfind("t.yaml:", 0) == 0) {
    for (int colons = 0; colons < 3; ++colons) expected.erase(0, expected.find(':') + 1);
    expected.erase(0, 1);
  }
  const std::string path = expected.substr(0, expected.find(": "));
  if (path.find(' ') != std::string::npos) return "";
  // Items lose their index; the names and levels under these keys are the file's own.
  std::string out = std::regex_replace(path, std::regex(R"re(\[[0-9]+\])re"), "[]");
  static const std::regex kNamed(
      R"re((^|\.)(severity_map|targets|calendars|plans|schedules|escalation|hours|restrict)\.[^.\[]+)re");
  out = std::regex_replace(out, kNamed, "$1$2.*");
  if (out.size() > 2 && out.ends_with("[]")) out.resize(out.size() - 2);
  return out;
}

}  // namespace

TEST_CASE("the base of the error table is valid") {
  auto r = config::ParseConfig(kBase, "t.yaml");
  INFO(AllErrors(r));
  REQUIRE(r.errors.empty());
  REQUIRE(r.config);
}

TEST_CASE("the pager section is read as written, and is optional") {
  auto r = config::ParseConfig(kBase, "t.yaml");
  REQUIRE(r.config);
  const config::PagerConfig& p = r.config->pager;
  CHECK_FALSE(p.insecure);
  CHECK(p.server_key_file == "keys/serve.key");
  CHECK(p.delivery_timeout == std::chrono::minutes(5));
  REQUIRE(p.devices.size() == 1);
  CHECK(p.devices[0].engineer == "ann");
  CHECK(p.devices[0].device == "phone");
  CHECK(p.devices[0].public_key_file == "keys/ann-phone.pub");

  // The same device name on two engineers is two devices.
  r = config::ParseConfig(Replace(kBase, "public_key: keys/ann-phone.pub}\n",
                                  "public_key: keys/ann-phone.pub}\n"
                                  "    - {engineer: ben, device: phone, public_key: b.pub}\n"),
                          "t.yaml");
  INFO(AllErrors(r));
  REQUIRE(r.config);
  CHECK(r.config->pager.devices.size() == 2);

  r = config::ParseConfig(Replace(kBase, "pager:\n", "pager:\n  insecure: true\n"), "t.yaml");
  REQUIRE(r.config);
  CHECK(r.config->pager.insecure);

  r = config::ParseConfig(kBase.substr(0, kBase.find("pager:")), "t.yaml");
  REQUIRE(r.config);
  CHECK_FALSE(r.config->pager.insecure);
  CHECK(r.config->pager.server_key_file.empty());
  CHECK(r.config->pager.delivery_timeout == std::chrono::minutes(5));
  CHECK(r.config->pager.devices.empty());
}

TEST_CASE("each broken config yields the expected located error") {
  for (const Row& row : kRows) {
    SECTION(std::string(row.what) + ": " + row.to) {
      auto r = config::ParseConfig(Replace(kBase, row.from, row.to), "t.yaml");
      std::string all = AllErrors(r);
      INFO(all);
      CHECK_FALSE(r.config);
      CHECK_THAT(all, Catch::Contains(row.expected));
    }
  }
}

TEST_CASE("each field without a row above has its own broken value, located at the field") {
  for (const Row& row : kFieldRows) {
    SECTION(std::string(row.what) + ": " + row.to) {
      auto r = config::ParseConfig(Replace(kBase, row.from, row.to), "t.yaml");
      std::string all = AllErrors(r);
      INFO(all);
      CHECK_FALSE(r.config);
      CHECK_THAT(all, Catch::Contains(row.expected));
    }
  }
}

TEST_CASE("every key the loader reads has a broken-config row naming it") {
  // The keys config/parse.cc allows: each Map(..., {"a", "b"}) list. A key allowed in N
  // mappings needs N fields ending in it (engineers[].zone, calendars.*.zone, ...).
  const std::string source =
      testing_support::ReadFile(testing_support::SourceDir() / "config" / "parse.cc");
  static const std::regex kAllowed(R"re(\{\s*("[a-z0-9_]+"(?:\s*,\s*"[a-z0-9_]+")*)\s*\}\))re");
  static const std::regex kKey(R"re("([a-z0-9_]+)")re");
  std::map<std::string, int> allowed;
  int lists = 0;
  for (auto m = std::sregex_iterator(source.begin(), source.end(), kAllowed);
       m != std::sregex_iterator(); ++m, ++lists) {
    const std::string list = (*m)[1];
    for (auto k = std::sregex_iterator(list.begin(), list.end(), kKey); k != std::sregex_iterator();
         ++k) {
      ++allowed[(*k)[1]];
    }
  }
  REQUIRE(lists >= 16);
  std::map<std::string, int> listed;
  for (const std::string& field : kFields) {
    ++listed[field.substr(
        field.find_last_of(".]") == std::string::npos ? 0 : field.find_last_of(".]") + 1)];
  }
  for (const auto& [key, n] : allowed) {
    INFO("key '" << key << "' is allowed in " << n << " mapping(s) of config/parse.cc; kFields "
                 << "has " << listed[key] << " field(s) ending in it");
    CHECK(listed[key] >= n);
  }
  // Each field has a row whose error names it.
  std::set<std::string> named;
  for (const Row& row : kRows) named.insert(FieldOf(row.expected));
  for (const Row& row : kFieldRows) named.insert(FieldOf(row.expected));
  for (const std::string& field : kFields) {
    INFO("no row in kRows or kFieldRows names field " << field);
    CHECK(named.count(field) == 1);
  }
  // And no row names a field kFields lacks.
  for (const std::string& field : named) {
    if (field.empty()) continue;
    INFO("a row names field " << field << ", which kFields lacks");
    CHECK(std::find(kFields.begin(), kFields.end(), field) != kFields.end());
  }
}

TEST_CASE("several errors in one file are all reported, in file order") {
  std::string text = kBase;
  text = Replace(text, "2: 1h", "2: 1x");
  text = Replace(text, "zone: Europe/London", "zone: Europe/Londn");
  text = Replace(text, "members: [ann, ben]", "members: [zed, ann, ben, ann]");
  text = Replace(text, "schedule/general]", "schedule/nope]");
  text = Replace(text, "eae: ann", "eae: zed");
  auto r = config::ParseConfig(text, "t.yaml");
  INFO(AllErrors(r));
  CHECK_FALSE(r.config);
  REQUIRE(r.errors.size() == 5);
  CHECK(r.errors[0].ToString() ==
        "t.yaml:2:22: targets.2: invalid duration '1x' (expected a "
        "whole number and a unit s, m, h, d or bh, e.g. 90s, 15m, 1h, "
        "2d, 12bh)");
  CHECK(r.errors[1].line == 18);
  CHECK_THAT(r.errors[1].message, Catch::Contains("unknown time zone 'Europe/Londn'"));
  CHECK(r.errors[2].line == 23);
  CHECK_THAT(r.errors[2].message, Catch::Contains("members[0]: unknown engineer 'zed'"));
  CHECK(r.errors[3].line == 34);
  CHECK_THAT(r.errors[3].message, Catch::Contains("unknown schedule 'nope'"));
  CHECK(r.errors[4].line == 41);
  CHECK_THAT(r.errors[4].message, Catch::Contains("customers[0].eae: unknown engineer 'zed'"));
  // A level whose target is malformed is not also reported as missing a target.
  CHECK_THAT(AllErrors(r), !Catch::Contains("has no first response target"));
}

TEST_CASE("hostile input is one clean error, never an exception") {
  struct Case {
    std::string text;
    std::string expected;
  };
  std::string deep(5000, '[');
  std::string junk;
  for (int i = 0; i < 512; ++i) junk += static_cast<char>((i * 7919) % 256);
  const Case cases[] = {
      {"", "t.yaml:0:0: empty configuration"},
      {"# only a comment\n", "t.yaml:0:0: empty configuration"},
      {"targets: [15m\n", "t.yaml:"},
      {"a: b\n  c: d\n", "t.yaml:2:"},
      {"- just\n- a list\n", "t.yaml:1:1: expected a mapping, got a list"},
      {"just a scalar", "t.yaml:1:1: expected a mapping, got 'just a scalar'"},
      {"a: 1\n---\nb: 2\n", "t.yaml:3:1: several YAML documents"},
      {deep, "t.yaml:"},
      {junk, "t.yaml:"},
      {std::string("targets:\0\x01\x02", 12), "t.yaml:"},
      {"{? [a, b] : c}", "t.yaml:1:4: expected a plain key, got a list"},
      {"targets: {1: [15m]}\n", "targets.1: expected a value, got a list"},
      // yaml-cpp 0.7's LoadAll looped forever on these (found by fuzzing; config/config.cc).
      {",", "t.yaml:1:1: invalid YAML: unexpected token"},
      {std::string(",\x01\0\0\0\0&\0\x01- j@st\n- a list\n", 25), "t.yaml:1:1: invalid YAML"},
      {"a: 1\n,\n", "t.yaml:"},
  };
  for (const auto& c : cases) {
    config::LoadResult r;
    REQUIRE_NOTHROW(r = config::ParseConfig(c.text, "t.yaml"));
    INFO(AllErrors(r));
    CHECK_FALSE(r.config);
    REQUIRE_FALSE(r.errors.empty());
    CHECK_THAT(AllErrors(r), Catch::Contains(c.expected));
    for (const auto& e : r.errors)
      for (char ch : e.message) CHECK(static_cast<unsigned char>(ch) >= 0x20);
  }
}

TEST_CASE("the http section is read as written, optional, and its mistakes located") {
  auto r = config::ParseConfig(kBase, "t.yaml");
  REQUIRE(r.config);
  CHECK_FALSE(r.config->http.read_open);  // reads need a token unless said otherwise
  CHECK(r.config->http.tokens_file.empty());
  CHECK(r.config->http.ready_lag == 1000);

  const std::string with_http =
      kBase + "http:\n  read_open: true\n  tokens: tokens.txt\n  ready_lag: 50\n";
  r = config::ParseConfig(with_http, "t.yaml");
  INFO(AllErrors(r));
  REQUIRE(r.config);
  CHECK(r.config->http.read_open);
  CHECK(r.config->http.tokens_file == "tokens.txt");
  CHECK(r.config->http.ready_lag == 50);

  r = config::ParseConfig(Replace(with_http, "read_open: true", "read_open: yes"), "t.yaml");
  CHECK_FALSE(r.config);
  CHECK_THAT(AllErrors(r), Catch::Contains("http.read_open: invalid boolean 'yes'"));
  r = config::ParseConfig(Replace(with_http, "ready_lag: 50", "ready_lag: -1"), "t.yaml");
  CHECK_FALSE(r.config);
  CHECK_THAT(AllErrors(r), Catch::Contains("http.ready_lag"));
  r = config::ParseConfig(Replace(with_http, "tokens: tokens.txt", "token: abc"), "t.yaml");
  CHECK_FALSE(r.config);
  CHECK_THAT(AllErrors(r), Catch::Contains("http: unknown key 'token'"));
}
