// The validated configuration: immutable typed structures loaded from one YAML
// file (see config/example.yaml for the annotated schema). Every reference in it
// (engineer ids, calendar, schedule and plan names, zones) has been resolved at
// load time, so the pure core can look things up without re-checking.
//
// Pure: no clock, no network. Loading reads one file (LoadConfigFile); parsing
// and validation (ParseConfig) work on text.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"

namespace date {
class time_zone;
}

namespace config {

// A duration as written in the file: "90s", "15m", "1h", "2d", or "12bh".
// `business` is true for "bh" (hours of open time in a business calendar); a
// plain duration counts time inside the coverage calendar.
struct DurationSpec {
  std::chrono::seconds amount{0};
  bool business = false;
  friend bool operator==(const DurationSpec&, const DurationSpec&) = default;
};

// Days of the week, Monday first. Persisted nowhere; free to reorder.
enum class Weekday { kMon = 0, kTue, kWed, kThu, kFri, kSat, kSun };

// One weekly window in local wall-clock time: from `start` on `day` for
// `end - start` (end may be 24:00). When end <= start the window crosses
// midnight and ends at `end` on the next day (allowed in restrict windows).
struct WeeklyWindow {
  Weekday day = Weekday::kMon;
  std::chrono::minutes start{0};  // 00:00 .. 23:59
  std::chrono::minutes end{0};    // 00:01 .. 24:00, or <= start when crossing midnight
  friend bool operator==(const WeeklyWindow&, const WeeklyWindow&) = default;
};

// A business calendar: open hours per weekday in one zone, minus holidays
// (whole local days on which it is closed).
struct Calendar {
  std::string name;
  std::string zone_name;
  const date::time_zone* zone = nullptr;  // resolved from the OS tz database
  std::vector<WeeklyWindow> hours;        // never crosses midnight; sorted by day, start
  std::vector<std::chrono::year_month_day> holidays;  // sorted
  bool always_open = false;  // true when hours cover every minute of the week and no holidays
};

enum class RotationType { kDaily, kWeekly, kCustom };

// Members take turns from `start` (the first handoff, local wall-clock time in
// the layer's zone). Daily/weekly hand off at start's local time of day every
// day/week across DST; custom advances by the fixed `length` of elapsed time.
struct Rotation {
  RotationType type = RotationType::kWeekly;
  std::chrono::local_seconds start{};
  std::chrono::seconds length{0};  // kCustom only
  std::vector<std::string> members;
};

struct Layer {
  std::string name;  // defaults to "layer-N" (1-based) when the file names none
  std::string zone_name;
  const date::time_zone* zone = nullptr;
  Rotation rotation;
  std::vector<WeeklyWindow> restrict;  // empty: no restriction
};

// `who` is on call in the schedule over [from, to), over every layer.
struct Override {
  std::string who;
  base::Timestamp from;
  base::Timestamp to;
};

struct Schedule {
  std::string name;
  std::vector<Layer> layers;  // later layers take precedence where they have someone
  std::vector<Override> overrides;
};

struct Engineer {
  std::string id;
  std::string name;
  std::string zone_name;
  const date::time_zone* zone = nullptr;  // resolved from zone_name; nullptr: none given
  std::string role;                       // free text: "edm", "manager", or empty
  std::vector<std::string> skills;
  std::string contact;
};

// coverage: "business" (the customer's calendar) or the name of a calendar.
struct Plan {
  std::string name;
  std::string coverage;
  std::optional<std::string> addon_24x7_coverage;  // calendar name used with add-on oncall_24x7
  std::optional<int> bridge_hours;
  std::string bridge;  // e.g. "reserved"; informational
};

struct Customer {
  std::string account;
  std::string name;
  std::string plan;
  std::vector<std::string> addons;  // e.g. "oncall_24x7"
  std::string calendar;
  std::string eae;
  std::string edm;
  std::vector<std::string> workflows;
  std::optional<std::chrono::year_month_day> engagement_start;
  std::optional<std::chrono::year_month_day> engagement_end;
  std::optional<int> bridge_hours;
  bool HasAddon(const std::string& addon) const;
};

// A step target as written: "schedule/NAME", "designated_eae", "edm",
// "familiar", or an engineer id.
struct Target {
  enum class Kind { kSchedule, kDesignatedEae, kEdm, kFamiliar, kEngineer };
  Kind kind = Kind::kEngineer;
  std::string name;  // schedule name or engineer id; empty otherwise
  std::string text;  // as written in the file, for explanations
};

struct Step {
  DurationSpec after;
  std::vector<Target> notify;
};

struct Policy {
  int level = 0;
  int repeat = 0;  // extra cycles after the first
  std::vector<Step> steps;
};

struct Services {
  std::vector<std::string> in_scope;
  std::vector<std::string> excluded_from_24x7;
  std::string fallback_schedule;
};

// One engineer's device allowed to connect to serve's pager channel, by its CURVE public key.
struct PagerDevice {
  std::string engineer;         // a configured engineer id
  std::string device;           // non-empty, unique per engineer ("phone")
  std::string public_key_file;  // as written; relative to the config file's directory
};

// The pager channel's security (`pager:` in the file; the whole section is optional). The
// config layer only names the key files: pager/curve.h reads them (LoadPagerKeys) and decides
// whether an endpoint may run without them (CheckEndpointSecurity).
struct PagerConfig {
  bool insecure = false;        // plain tcp:// (no CURVE) allowed only when true
  std::string server_key_file;  // serve's secret key (Z85); empty: none configured
  // A page still undelivered this long after it was decided is logged delivery_failed.
  std::chrono::seconds delivery_timeout{300};
  std::vector<PagerDevice> devices;
};

// serve's HTTP API and dashboard (serve --http). The config layer only names the token file:
// web/tokens.h reads it. Tokens are never written here, only their hashes, in that file.
struct HttpConfig {
  bool read_open = false;    // reads (GET) need no token; writes always need one
  std::string tokens_file;   // lines "sha256:<hex> admin|engineer:<id>"; empty: none
  int64_t ready_lag = 1000;  // /readyz: at most this many messages left to consume
};

// The whole configuration. Immutable once loaded; share as shared_ptr<const Config>.
struct Config {
  std::map<std::string, int> severity_map;  // severityCode -> level
  std::map<int, DurationSpec> targets;      // level -> first response target
  double sla_warning_fraction = 0.75;       // `sla_warning: 75%` in the file
  Services services;
  std::map<std::string, Calendar> calendars;
  std::map<std::string, Plan> plans;
  std::vector<Engineer> engineers;
  std::map<std::string, Schedule> schedules;
  std::map<int, Policy> escalation;  // level -> policy
  std::vector<Customer> customers;
  PagerConfig pager;
  HttpConfig http;

  // Lookups; nullptr when absent.
  const Customer* FindCustomer(const std::string& account) const;
  const Engineer* FindEngineer(const std::string& id) const;
  const Calendar* FindCalendar(const std::string& name) const;
  const Schedule* FindSchedule(const std::string& name) const;
  const Plan* FindPlan(const std::string& name) const;
  bool InScope(const std::string& service) const;
  bool ExcludedFrom24x7(const std::string& service) const;
};

// One validation error, located in the source file (1-based line and column).
struct ConfigError {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;           // names the key and the offending value
  std::string ToString() const;  // "FILE:LINE:COLUMN: message"
};

struct LoadResult {
  std::shared_ptr<const Config> config;  // set only when errors is empty
  std::vector<ConfigError> errors;       // every error found, in file order
};

// Parses and validates `text` as a whole. `file` names the source in errors.
// Never throws: bad YAML, an empty document or a wrong shape become errors.
LoadResult ParseConfig(const std::string& text, const std::string& file);

// Reads `path` and parses it. A missing file, a directory or an unreadable
// file is one error at line 0 naming the problem.
LoadResult LoadConfigFile(const std::string& path);

}  // namespace config
