// Pass one of loading: each section of the file into the typed Config.
#include "config/parse.h"

#include <date/tz.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "base/time.h"
#include "config/values.h"

namespace config::internal {
namespace {

namespace v = config::values;
using std::chrono::minutes;

constexpr int kMaxLevel = 99;
constexpr int kMinutesPerWeek = 7 * 24 * 60;
const std::string kAddon24x7 = "oncall_24x7";
const std::vector<std::string> kSeverityCodes = {"low", "normal", "high", "urgent", "critical"};

// Parses the whole-number text of a level ("1").
std::optional<int> Level(Reader& r, const Field& at) {
  return r.Parse<int>(at, [](std::string_view t) { return v::ParseInt(t, 1, kMaxLevel); });
}

std::optional<DurationSpec> Duration(Reader& r, const Field& at) {
  return r.Parse<DurationSpec>(at, v::ParseDuration);
}

// Resolves an IANA zone name against the OS tz database.
const date::time_zone* Zone(Reader& r, const Field& at, std::string* name) {
  auto text = r.String(at);
  if (!text) return nullptr;
  *name = *text;
  try {
    return date::locate_zone(*text);
  } catch (const std::exception&) {
    r.Error(at, "unknown time zone '" + *text + "' (expected an IANA name such as Europe/London)");
    return nullptr;
  }
}

// Reads `key` of `fields` as a string into `out` (left unchanged when absent).
void OptionalString(Reader& r, const Fields& fields, std::string_view key, std::string& out) {
  if (const Field* f = fields.Get(key))
    if (auto s = r.String(*f)) out = *s;
}

// Notes a reference when `key` is present (and reports it missing when `required`).
void Ref(Reader& r, Parsed& out, const Fields& fields, std::string_view key, RefKind kind,
         bool required, std::string& name) {
  const Field* f = required ? fields.Require(key, r) : fields.Get(key);
  if (!f) return;
  if (auto s = r.String(*f)) {
    name = *s;
    out.references.push_back({kind, *s, *f});
  }
}

std::string WindowText(const WeeklyWindow& w) {
  auto hhmm = [](minutes m) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(m.count() / 60),
                  static_cast<int>(m.count() % 60));
    return std::string(buf);
  };
  return std::string(v::WeekdayName(w.day)) + " " + hhmm(w.start) + "-" + hhmm(w.end);
}

// Minutes of the week [begin, end) covered by a window; end may pass the
// week's end when the window crosses midnight on Sunday.
std::pair<int, int> WeekSpan(const WeeklyWindow& w) {
  int day = static_cast<int>(w.day) * 24 * 60;
  int begin = day + static_cast<int>(w.start.count());
  int end = day + static_cast<int>(w.end.count());
  if (w.end <= w.start) end += 24 * 60;
  return {begin, end};
}

// Weekly windows: {WEEKDAYS: "HH:MM-HH:MM[,...]" or a list of such strings}.
// Overlapping windows are an error: they are almost always a typo.
std::optional<std::vector<WeeklyWindow>> WeeklyHours(Reader& r, const Field& f,
                                                     bool allow_overnight) {
  auto fields = r.Map(f, {});
  if (!fields) return std::nullopt;
  if (fields->entries().empty()) {
    r.Error(f, "no windows given (expected e.g. {mon-fri: \"09:00-17:00\"})");
    return std::nullopt;
  }
  struct Placed {
    WeeklyWindow window;
    const Field* at;
  };
  std::vector<Placed> placed;
  bool ok = true;
  for (const auto& e : fields->entries()) {
    auto days = v::ParseWeekdays(e.key);
    if (!days.ok()) {
      r.Error(e.key_field, days.status().message());
      ok = false;
    }
    std::vector<const Field*> texts;
    std::vector<Field> items;
    if (e.value.node.IsSequence()) {
      if (auto seq = r.Sequence(e.value)) items = *seq;
      if (items.empty()) {
        r.Error(e.value, "no windows given");
        ok = false;
      }
    } else {
      items.push_back(e.value);
    }
    for (const auto& item : items) {
      auto windows = r.Parse<std::vector<v::DailyWindow>>(
          item, [&](std::string_view t) { return v::ParseWindows(t, allow_overnight); });
      if (!windows) {
        ok = false;
        continue;
      }
      if (!days.ok()) continue;
      for (Weekday d : *days)
        for (const auto& w : *windows) placed.push_back({{d, w.start, w.end}, &e.value});
    }
  }
  if (!ok) return std::nullopt;
  std::sort(placed.begin(), placed.end(), [](const Placed& a, const Placed& b) {
    return WeekSpan(a.window) < WeekSpan(b.window);
  });
  for (size_t i = 0; i < placed.size(); ++i) {
    // Compare each window with the next, and the last with the first a week later.
    const Placed& a = placed[i];
    const Placed& b = placed[(i + 1) % placed.size()];
    if (placed.size() < 2) break;
    int b_begin = WeekSpan(b.window).first + (i + 1 == placed.size() ? kMinutesPerWeek : 0);
    if (WeekSpan(a.window).second > b_begin) {
      const Placed& later = a.at->loc.line > b.at->loc.line ? a : b;
      r.Error(*later.at,
              "windows overlap: " + WindowText(a.window) + " and " + WindowText(b.window));
      return std::nullopt;
    }
  }
  std::vector<WeeklyWindow> out;
  for (const auto& p : placed) out.push_back(p.window);
  std::sort(out.begin(), out.end(), [](const WeeklyWindow& a, const WeeklyWindow& b) {
    return std::tie(a.day, a.start) < std::tie(b.day, b.start);
  });
  return out;
}

bool CoversWholeWeek(const std::vector<WeeklyWindow>& hours) {
  std::vector<bool> open(kMinutesPerWeek, false);
  for (const auto& w : hours) {
    auto [begin, end] = WeekSpan(w);
    for (int m = begin; m < end; ++m) open[m % kMinutesPerWeek] = true;
  }
  return std::all_of(open.begin(), open.end(), [](bool b) { return b; });
}

void ParseSeverityMap(Reader& r, const Field& f, Parsed& out) {
  std::vector<std::string_view> codes(kSeverityCodes.begin(), kSeverityCodes.end());
  auto fields = r.Map(f, codes);
  if (!fields) return;
  for (const auto& e : fields->entries()) {
    if (auto level = Level(r, e.value)) {
      out.config.severity_map[e.key] = *level;
      out.severity_levels.emplace(e.key, e.value);
    }
  }
  for (const auto& code : kSeverityCodes)
    if (!fields->Get(code))
      r.Error(f, "missing severity code '" + code +
                     "' (map all of low, normal, high, urgent, "
                     "critical)");
}

void ParseTargets(Reader& r, const Field& f, Parsed& out) {
  auto fields = r.Map(f, {});
  if (!fields) return;
  for (const auto& e : fields->entries()) {
    auto level = Level(r, e.key_field);
    if (!level) continue;
    if (!out.target_keys.emplace(*level, e.key_field).second) {
      r.Error(e.key_field, "duplicate level " + std::to_string(*level));
      continue;
    }
    // The level counts as defined even when its value is bad, so that the one
    // mistake is not reported again wherever the level is used.
    auto target = Duration(r, e.value);
    if (!target) continue;
    if (target->amount.count() == 0) {
      r.Error(e.value, "a first response target must be longer than 0");
      continue;
    }
    out.config.targets[*level] = *target;
  }
}

void ParseServices(Reader& r, const Field& f, Parsed& out) {
  auto fields = r.Map(f, {"in_scope", "excluded_from_24x7", "fallback_schedule"});
  if (!fields) return;
  Services& s = out.config.services;
  if (const Field* in = fields->Require("in_scope", r)) {
    if (auto items = r.Sequence(*in)) {
      for (const auto& item : *items) {
        auto name = r.String(item);
        if (!name) continue;
        if (std::find(s.in_scope.begin(), s.in_scope.end(), *name) != s.in_scope.end())
          r.Error(item, "duplicate service '" + *name + "'");
        else
          s.in_scope.push_back(*name);
      }
    }
  }
  if (const Field* ex = fields->Get("excluded_from_24x7")) {
    if (auto items = r.Sequence(*ex)) {
      for (const auto& item : *items) {
        auto name = r.String(item);
        if (!name) continue;
        // A misspelt exclusion would silently keep the service in 24x7 coverage.
        if (fields->Get("in_scope") &&
            std::find(s.in_scope.begin(), s.in_scope.end(), *name) == s.in_scope.end())
          r.Error(item, "service '" + *name + "' is not in services.in_scope");
        else
          s.excluded_from_24x7.push_back(*name);
      }
    }
  }
  Ref(r, out, *fields, "fallback_schedule", RefKind::kSchedule, true, s.fallback_schedule);
}

void ParseCalendars(Reader& r, const Field& f, Parsed& out) {
  auto fields = r.Map(f, {});
  if (!fields) return;
  for (const auto& e : fields->entries()) {
    auto c = r.Map(e.value, {"zone", "hours", "holidays"});
    if (!c) continue;
    Calendar cal;
    cal.name = e.key;
    if (const Field* z = c->Require("zone", r)) cal.zone = Zone(r, *z, &cal.zone_name);
    if (const Field* h = c->Require("hours", r)) {
      if (auto hours = WeeklyHours(r, *h, false)) cal.hours = std::move(*hours);
    }
    if (const Field* hol = c->Get("holidays")) {
      if (auto items = r.Sequence(*hol)) {
        for (const auto& item : *items) {
          auto day = r.Parse<std::chrono::year_month_day>(item, v::ParseDate);
          if (!day) continue;
          if (std::find(cal.holidays.begin(), cal.holidays.end(), *day) != cal.holidays.end())
            r.Error(item, "duplicate holiday '" + item.node.Scalar() + "'");
          else
            cal.holidays.push_back(*day);
        }
      }
      std::sort(cal.holidays.begin(), cal.holidays.end());
    }
    cal.always_open = cal.holidays.empty() && CoversWholeWeek(cal.hours);
    out.config.calendars.emplace(cal.name, std::move(cal));
  }
}

void ParsePlans(Reader& r, const Field& f, Parsed& out) {
  auto fields = r.Map(f, {});
  if (!fields) return;
  for (const auto& e : fields->entries()) {
    auto p = r.Map(e.value, {"coverage", "addon_24x7_coverage", "bridge_hours", "bridge"});
    if (!p) continue;
    Plan plan;
    plan.name = e.key;
    if (const Field* cov = p->Require("coverage", r)) {
      if (auto text = r.String(*cov)) {
        plan.coverage = *text;
        // "business" is the customer's own calendar; anything else names one.
        if (*text != "business") out.references.push_back({RefKind::kCalendar, *text, *cov});
      }
    }
    if (const Field* addon = p->Get("addon_24x7_coverage")) {
      if (auto text = r.String(*addon)) {
        plan.addon_24x7_coverage = *text;
        out.references.push_back({RefKind::kCalendar, *text, *addon});
      }
    }
    if (const Field* hours = p->Get("bridge_hours")) {
      plan.bridge_hours =
          r.Parse<int>(*hours, [](std::string_view t) { return v::ParseInt(t, 0, 100000); });
    }
    OptionalString(r, *p, "bridge", plan.bridge);
    out.config.plans.emplace(plan.name, std::move(plan));
  }
}

bool ReservedTargetName(const std::string& id) {
  return id == "designated_eae" || id == "edm" || id == "familiar" ||
         id.find('/') != std::string::npos;
}

void ParseEngineers(Reader& r, const Field& f, Parsed& out) {
  auto items = r.Sequence(f);
  if (!items) return;
  std::map<std::string, int> first_line;
  for (const auto& item : *items) {
    auto e = r.Map(item, {"id", "name", "zone", "role", "skills", "contact"});
    if (!e) continue;
    Engineer eng;
    const Field* id = e->Require("id", r);
    if (!id) continue;
    auto text = r.String(*id);
    if (!text) continue;
    eng.id = *text;
    if (ReservedTargetName(eng.id)) {
      r.Error(*id, "engineer id '" + eng.id +
                       "' would read as a step target (designated_eae, edm, familiar, "
                       "schedule/NAME); choose another id");
      continue;
    }
    if (auto [it, fresh] = first_line.emplace(eng.id, id->loc.line); !fresh) {
      r.Error(*id, "duplicate engineer id '" + eng.id + "' (first defined on line " +
                       std::to_string(it->second) + ")");
      continue;
    }
    OptionalString(r, *e, "name", eng.name);
    if (const Field* z = e->Get("zone")) eng.zone = Zone(r, *z, &eng.zone_name);
    OptionalString(r, *e, "role", eng.role);
    if (const Field* s = e->Get("skills"))
      if (auto skills = r.StringList(*s)) eng.skills = std::move(*skills);
    OptionalString(r, *e, "contact", eng.contact);
    out.config.engineers.push_back(std::move(eng));
  }
}

void ParseRotation(Reader& r, const Field& f, const date::time_zone* zone, Rotation& rot,
                   Parsed& out) {
  auto fields = r.Map(f, {"type", "start", "length", "members"});
  if (!fields) return;
  bool custom = false;
  if (const Field* t = fields->Require("type", r)) {
    if (auto type = r.String(*t)) {
      if (*type == "daily") {
        rot.type = RotationType::kDaily;
      } else if (*type == "weekly") {
        rot.type = RotationType::kWeekly;
      } else if (*type == "custom") {
        rot.type = RotationType::kCustom;
        custom = true;
      } else {
        r.Error(*t, "unknown rotation type '" + *type + "' (expected daily, weekly or custom)");
      }
    }
  }
  if (const Field* s = fields->Require("start", r)) {
    if (auto start = r.Parse<std::chrono::local_seconds>(*s, v::ParseLocalDateTime)) {
      rot.start = *start;
      if (zone && zone->get_info(date::local_seconds(start->time_since_epoch())).result ==
                      date::local_info::nonexistent)
        r.Error(*s, "start '" + s->node.Scalar() + "' does not exist in " + zone->name() +
                        " (skipped by a daylight saving change)");
    }
  }
  const Field* length = fields->Get("length");
  if (custom && !length) {
    r.Error(f, "missing required key 'length' (a custom rotation hands off every `length`)");
  } else if (!custom && length) {
    r.Error(*length,
            "length applies only to custom rotations (daily and weekly hand off at "
            "start's local time)");
  } else if (length) {
    if (auto d = Duration(r, *length)) {
      if (d->business)
        r.Error(*length,
                "rotation length '" + length->node.Scalar() + "' cannot be in business hours");
      else if (d->amount < std::chrono::minutes(1))
        r.Error(*length,
                "rotation length '" + length->node.Scalar() + "' must be at least 1 minute");
      else
        rot.length = d->amount;
    }
  }
  if (const Field* m = fields->Require("members", r)) {
    if (auto items = r.Sequence(*m)) {
      if (items->empty()) r.Error(*m, "a rotation needs at least one member");
      for (const auto& item : *items) {
        if (auto id = r.String(item)) {
          rot.members.push_back(*id);
          out.references.push_back({RefKind::kEngineer, *id, item});
        }
      }
    }
  }
}

void ParseSchedules(Reader& r, const Field& f, Parsed& out) {
  auto fields = r.Map(f, {});
  if (!fields) return;
  for (const auto& e : fields->entries()) {
    auto s = r.Map(e.value, {"layers", "overrides"});
    if (!s) continue;
    Schedule sched;
    sched.name = e.key;
    if (const Field* layers = s->Require("layers", r)) {
      auto items = r.Sequence(*layers);
      if (items && items->empty()) r.Error(*layers, "a schedule needs at least one layer");
      for (size_t i = 0; items && i < items->size(); ++i) {
        const Field& item = (*items)[i];
        auto l = r.Map(item, {"name", "zone", "rotation", "restrict"});
        if (!l) continue;
        Layer layer;
        layer.name = "layer-" + std::to_string(i + 1);
        const Field* name = l->Get("name");
        if (name) OptionalString(r, *l, "name", layer.name);
        if (name && std::any_of(sched.layers.begin(), sched.layers.end(),
                                [&](const Layer& other) { return other.name == layer.name; }))
          r.Error(*name, "duplicate layer name '" + layer.name + "'");
        if (const Field* z = l->Require("zone", r)) layer.zone = Zone(r, *z, &layer.zone_name);
        if (const Field* rot = l->Require("rotation", r))
          ParseRotation(r, *rot, layer.zone, layer.rotation, out);
        if (const Field* restrict = l->Get("restrict"))
          if (auto windows = WeeklyHours(r, * restrict, true)) layer.restrict = std::move(*windows);
        sched.layers.push_back(std::move(layer));
      }
    }
    if (const Field* overrides = s->Get("overrides")) {
      if (auto items = r.Sequence(*overrides)) {
        for (const auto& item : *items) {
          auto o = r.Map(item, {"who", "from", "to"});
          if (!o) continue;
          Override ov;
          Ref(r, out, *o, "who", RefKind::kEngineer, true, ov.who);
          auto instant = [&](std::string_view key) -> std::optional<base::Timestamp> {
            const Field* at = o->Require(key, r);
            if (!at) return std::nullopt;
            return r.Parse<base::Timestamp>(
                *at, [](std::string_view t) -> base::Result<base::Timestamp> {
                  if (auto ts = base::ParseInstant(t)) return *ts;
                  return base::Status::InvalidInput(
                      "invalid instant '" + std::string(t) +
                      "' (expected ISO 8601 with an offset, e.g. 2026-12-24T20:00:00-05:00)");
                });
          };
          auto from = instant("from");
          auto to = instant("to");
          if (!from || !to) continue;
          if (*to <= *from) {
            r.Error(*o->Get("to"), "override ends at " + base::FormatInstant(*to) +
                                       ", not after it starts at " + base::FormatInstant(*from));
            continue;
          }
          ov.from = *from;
          ov.to = *to;
          sched.overrides.push_back(std::move(ov));
        }
      }
    }
    out.config.schedules.emplace(sched.name, std::move(sched));
  }
}

std::optional<Target> ParseTarget(Reader& r, const Field& f, Parsed& out) {
  auto text = r.String(f);
  if (!text) return std::nullopt;
  Target t;
  t.text = *text;
  const std::string prefix = "schedule/";
  if (*text == "designated_eae") {
    t.kind = Target::Kind::kDesignatedEae;
  } else if (*text == "edm") {
    t.kind = Target::Kind::kEdm;
  } else if (*text == "familiar") {
    t.kind = Target::Kind::kFamiliar;
  } else if (text->rfind(prefix, 0) == 0) {
    t.kind = Target::Kind::kSchedule;
    t.name = text->substr(prefix.size());
    if (t.name.empty()) {
      r.Error(f, "target 'schedule/' names no schedule");
      return std::nullopt;
    }
    out.references.push_back({RefKind::kSchedule, t.name, f});
  } else {
    t.kind = Target::Kind::kEngineer;
    t.name = *text;
    out.references.push_back({RefKind::kTarget, t.name, f});
  }
  return t;
}

void ParseEscalation(Reader& r, const Field& f, Parsed& out) {
  auto fields = r.Map(f, {});
  if (!fields) return;
  for (const auto& e : fields->entries()) {
    auto level = Level(r, e.key_field);
    if (!level) continue;
    if (!out.policy_keys.emplace(*level, e.key_field).second) {
      r.Error(e.key_field, "duplicate level " + std::to_string(*level));
      continue;
    }
    auto p = r.Map(e.value, {"repeat", "steps"});
    if (!p) continue;
    Policy policy;
    policy.level = *level;
    if (const Field* rep = p->Get("repeat")) {
      if (auto n = r.Parse<int>(*rep, [](std::string_view t) { return v::ParseInt(t, 0, 100); }))
        policy.repeat = *n;
    }
    if (const Field* steps = p->Require("steps", r)) {
      auto items = r.Sequence(*steps);
      if (items && items->empty()) r.Error(*steps, "a policy needs at least one step");
      std::string previous_text;  // the previous step's `after`, for the message
      for (size_t i = 0; items && i < items->size(); ++i) {
        auto s = r.Map((*items)[i], {"after", "notify"});
        if (!s) continue;
        Step step;
        if (const Field* after = s->Require("after", r)) {
          if (auto d = Duration(r, *after)) {
            step.after = *d;
            out.step_delays.push_back({*level, *d, *after});
            if (!previous_text.empty() && d->amount < policy.steps.back().after.amount)
              r.Error(*after, "step after " + after->node.Scalar() +
                                  " comes before the previous step (after " + previous_text +
                                  "); list steps in order");
            previous_text = after->node.Scalar();
          }
        }
        if (const Field* notify = s->Require("notify", r)) {
          if (auto targets = r.Sequence(*notify)) {
            if (targets->empty()) r.Error(*notify, "a step needs at least one target");
            for (const auto& t : *targets)
              if (auto target = ParseTarget(r, t, out)) step.notify.push_back(*target);
          }
        }
        policy.steps.push_back(std::move(step));
      }
    }
    out.config.escalation.emplace(*level, std::move(policy));
  }
}

void ParseCustomers(Reader& r, const Field& f, Parsed& out) {
  auto items = r.Sequence(f);
  if (!items) return;
  std::map<std::string, int> first_line;
  for (const auto& item : *items) {
    auto c = r.Map(item, {"account", "name", "plan", "addons", "calendar", "eae", "edm",
                          "workflows", "engagement", "bridge_hours"});
    if (!c) continue;
    Customer cust;
    const Field* account = c->Require("account", r);
    if (account) {
      if (auto text = r.String(*account)) {
        cust.account = *text;
        if (auto [it, fresh] = first_line.emplace(cust.account, account->loc.line); !fresh)
          r.Error(*account, "duplicate account '" + cust.account + "' (first defined on line " +
                                std::to_string(it->second) + ")");
      }
    }
    OptionalString(r, *c, "name", cust.name);
    Ref(r, out, *c, "plan", RefKind::kPlan, true, cust.plan);
    if (const Field* addons = c->Get("addons")) {
      if (auto list = r.Sequence(*addons)) {
        for (const auto& a : *list) {
          auto name = r.String(a);
          if (!name) continue;
          if (*name != kAddon24x7) {
            r.Error(a, "unknown add-on '" + *name + "' (expected " + kAddon24x7 + ")");
            continue;
          }
          cust.addons.push_back(*name);
          out.addon_uses.push_back({cust.plan, *name, a});
        }
      }
    }
    Ref(r, out, *c, "calendar", RefKind::kCalendar, true, cust.calendar);
    Ref(r, out, *c, "eae", RefKind::kEngineer, true, cust.eae);
    Ref(r, out, *c, "edm", RefKind::kEngineer, true, cust.edm);
    if (const Field* w = c->Get("workflows"))
      if (auto list = r.StringList(*w)) cust.workflows = std::move(*list);
    if (const Field* eng = c->Get("engagement")) {
      if (auto e = r.Map(*eng, {"start", "end"})) {
        if (const Field* s = e->Get("start"))
          cust.engagement_start = r.Parse<std::chrono::year_month_day>(*s, v::ParseDate);
        if (const Field* en = e->Get("end")) {
          cust.engagement_end = r.Parse<std::chrono::year_month_day>(*en, v::ParseDate);
          if (cust.engagement_start && cust.engagement_end &&
              *cust.engagement_end < *cust.engagement_start)
            r.Error(*en, "engagement ends on " + en->node.Scalar() + ", before it starts");
        }
      }
    }
    if (const Field* hours = c->Get("bridge_hours"))
      cust.bridge_hours =
          r.Parse<int>(*hours, [](std::string_view t) { return v::ParseInt(t, 0, 100000); });
    out.config.customers.push_back(std::move(cust));
  }
}

// pager: {insecure, server_key, delivery_timeout, devices: [{engineer, device, public_key}]}.
// Only names the key files; reading them is pager/curve.h's job.
void ParsePager(Reader& r, const Field& f, Parsed& out) {
  auto fields = r.Map(f, {"insecure", "server_key", "delivery_timeout", "devices"});
  if (!fields) return;
  PagerConfig& p = out.config.pager;
  if (const Field* insecure = fields->Get("insecure"))
    if (auto b = r.Parse<bool>(*insecure, v::ParseBool)) p.insecure = *b;
  OptionalString(r, *fields, "server_key", p.server_key_file);
  if (const Field* timeout = fields->Get("delivery_timeout")) {
    if (auto d = Duration(r, *timeout)) {
      // Delivery happens on the wall clock, whatever the case's coverage.
      if (d->business)
        r.Error(*timeout, "delivery_timeout '" + timeout->node.Scalar() +
                              "' cannot be in business hours (write e.g. 5m)");
      else if (d->amount.count() <= 0)
        r.Error(*timeout, "delivery_timeout must be longer than 0");
      else
        p.delivery_timeout = d->amount;
    }
  }
  const Field* devices = fields->Get("devices");
  if (!devices) return;
  auto items = r.Sequence(*devices);
  if (!items) return;
  std::map<std::pair<std::string, std::string>, int> first_line;  // (engineer, device) -> line
  for (const auto& item : *items) {
    auto d = r.Map(item, {"engineer", "device", "public_key"});
    if (!d) continue;
    PagerDevice dev;
    Ref(r, out, *d, "engineer", RefKind::kEngineer, true, dev.engineer);
    if (const Field* name = d->Require("device", r)) {
      if (auto text = r.String(*name)) {
        dev.device = *text;
        auto [it, fresh] = first_line.emplace(std::pair(dev.engineer, dev.device), name->loc.line);
        if (!fresh)
          r.Error(*name, "duplicate device '" + dev.device + "' for engineer '" + dev.engineer +
                             "' (first defined on line " + std::to_string(it->second) + ")");
      }
    }
    if (const Field* key = d->Require("public_key", r))
      if (auto text = r.String(*key)) dev.public_key_file = *text;
    p.devices.push_back(std::move(dev));
  }
}

// http: {read_open, tokens, ready_lag}. Only names the token file; reading it is web/tokens.h's.
void ParseHttp(Reader& r, const Field& f, Parsed& out) {
  auto fields = r.Map(f, {"read_open", "tokens", "ready_lag"});
  if (!fields) return;
  HttpConfig& h = out.config.http;
  if (const Field* open = fields->Get("read_open"))
    if (auto b = r.Parse<bool>(*open, v::ParseBool)) h.read_open = *b;
  OptionalString(r, *fields, "tokens", h.tokens_file);
  if (const Field* lag = fields->Get("ready_lag"))
    if (auto n =
            r.Parse<int>(*lag, [](std::string_view t) { return v::ParseInt(t, 0, 1000000000); }))
      h.ready_lag = *n;
}

}  // namespace

void ParseDocument(const YAML::Node& root, Reader& r, Parsed& out) {
  auto fields = r.Map(RootField(root),
                      {"severity_map", "targets", "sla_warning", "services", "calendars", "plans",
                       "engineers", "schedules", "escalation", "customers", "pager", "http"});
  if (!fields) return;
  if (const Field* f = fields->Get("severity_map")) {
    ParseSeverityMap(r, *f, out);
  } else {
    out.config.severity_map = {
        {"critical", 1}, {"urgent", 2}, {"high", 3}, {"normal", 4}, {"low", 4}};
  }
  if (const Field* f = fields->Require("targets", r)) ParseTargets(r, *f, out);
  if (const Field* f = fields->Get("sla_warning")) {
    if (auto fraction = r.Parse<double>(*f, v::ParseFraction))
      out.config.sla_warning_fraction = *fraction;
  }
  if (const Field* f = fields->Require("services", r)) ParseServices(r, *f, out);
  if (const Field* f = fields->Require("calendars", r)) ParseCalendars(r, *f, out);
  if (const Field* f = fields->Require("plans", r)) ParsePlans(r, *f, out);
  if (const Field* f = fields->Require("engineers", r)) ParseEngineers(r, *f, out);
  if (const Field* f = fields->Require("schedules", r)) ParseSchedules(r, *f, out);
  if (const Field* f = fields->Require("escalation", r)) ParseEscalation(r, *f, out);
  if (const Field* f = fields->Get("customers")) ParseCustomers(r, *f, out);
  if (const Field* f = fields->Get("pager")) ParsePager(r, *f, out);
  if (const Field* f = fields->Get("http")) ParseHttp(r, *f, out);
}

}  // namespace config::internal
