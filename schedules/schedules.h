// schedules: pure, exact time arithmetic over the configuration — business
// calendars, SLA clocks, on-call rotations, layers and overrides, and which
// calendars govern a case. No clock, no I/O beyond the OS tz database that
// config already resolved. Every function is deterministic and thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"
#include "config/config.h"

namespace schedules {

using base::Timestamp;

// ---------------------------------------------------------------------------
// Business time over one calendar. "Open" instants are those inside a weekly
// window, in the calendar's zone, on a day that is not a holiday.
//
// Wall-clock rule (shared by calendars, restrict windows and handoffs): a local
// time means the FIRST instant at which the zone's clock shows it; a local time
// skipped by spring-forward means the instant the clock jumps. So a window
// 09:00-17:00 is 8 hours every day; a window 00:00-24:00 is the whole local day
// (23 or 25 hours); a window containing the skipped hour (01:00-04:00 on
// spring-forward day) is one hour shorter and one containing the repeated hour
// one hour longer. Consecutive local days tile time with no overlap. Holidays
// are whole local days (from the day's 00:00 to the next day's 00:00).

// True when `t` is inside an open window of `cal`.
bool IsOpen(const config::Calendar& cal, Timestamp t);

// The instant at which `open_time` of open time has passed since `t`.
// Add(cal, t, 0) is the first open instant at or after t; when the open time
// runs out exactly at a window's end, the result is that end (17:00, not the
// next opening). Exact to the millisecond; walks local days, jumping whole
// closed spans (no minute stepping). A calendar with no hours never opens:
// Timestamp::max(). Negative open_time counts as zero.
Timestamp Add(const config::Calendar& cal, Timestamp t, std::chrono::milliseconds open_time);

// Open time elapsed in [from, to); zero when to <= from.
std::chrono::milliseconds Elapsed(const config::Calendar& cal, Timestamp from, Timestamp to);

// The next instant strictly after `t` at which the calendar opens or closes.
// Returns nullopt for a calendar that never changes (always open or never open).
std::optional<Timestamp> NextChange(const config::Calendar& cal, Timestamp t);

// ---------------------------------------------------------------------------
// On-call.

// Who is on call in a schedule over [start, end), and why.
struct Shift {
  std::optional<std::string> engineer;  // nullopt: nobody (a gap)
  Timestamp start;
  Timestamp end;
  std::string source;  // layer name, or "override"; empty for a gap
};

// Rotation semantics: handoff k of a daily (weekly) rotation is at start's
// local date + k days (7k days) at start's local time of day in the layer's
// zone (wall-clock rule above), so handoffs keep local time across DST and a
// shift spanning a DST change lasts 23 or 25 hours (167 or 169 for weekly);
// custom handoff k is at start + k x length of elapsed time. Member k mod n
// is on call from handoff k to k+1. Before `start` nobody is on call in that
// layer. A layer with restrict windows has someone only inside a window (in
// the layer's zone; a window may cross midnight). At each instant an override
// containing it wins (the later-listed of overlapping overrides), else the
// last layer that has someone, else nobody (a gap).

// The shift containing `at`: who is on call, from which layer or override, and
// until when (the next change of engineer or source). `start` is the instant
// that shift began. Both ends are searched at most 400 days from `at` and
// clamped there when nothing changes within that horizon.
Shift OnCallAt(const config::Schedule& schedule, Timestamp at);

// Who is on call at `at` and from which layer or override: exactly
// OnCallAt(schedule, at)'s engineer and source, without searching for where
// that shift starts and ends (about a third of OnCallAt's work).
struct OnCall {
  std::optional<std::string> engineer;  // nullopt: nobody (a gap)
  std::string source;                   // layer name, or "override"; empty for a gap
};
OnCall WhoIsOnCall(const config::Schedule& schedule, Timestamp at);

// The final schedule over [from, to): consecutive shifts that tile the range
// exactly, adjacent shifts of the same engineer and source merged, gaps shown
// with engineer nullopt. REQUIRES: from < to.
std::vector<Shift> Shifts(const config::Schedule& schedule, Timestamp from, Timestamp to);

// ---------------------------------------------------------------------------
// Which calendars govern a case.

// Why a case has the calendars it has.
enum class CalendarsBasis : uint8_t {
  kEnterprisePlan,  // the enterprise plan: its coverage, all the time
  kPlan,            // the customer's plan and calendars
  kPlanAddon24x7,   // the plan's 24x7 coverage through the oncall_24x7 add-on
  kAddonExcluded,   // the add-on, but the service is excluded from it
  kUnknownAccount,  // fallback: general enterprise support
  kOutOfScope,      // fallback: the service is out of scope
};

struct CaseCalendars {
  const config::Customer* customer = nullptr;  // nullptr: unknown account
  bool fallback = false;                       // unknown account or service out of scope
  const config::Calendar* coverage = nullptr;  // when the specialist team is on the clock
  const config::Calendar* business = nullptr;  // the customer's business calendar
  std::string plan;                            // effective plan name ("enterprise" for fallback)
  CalendarsBasis basis = CalendarsBasis::kEnterprisePlan;
};

// One line for people on why a case has its calendars, from names alone (a
// router log renders it without the config): "annual plan with oncall_24x7:
// coverage always, business us-east-business". `account` is named only by
// kUnknownAccount, `service` only by kAddonExcluded and kOutOfScope.
std::string CalendarsReason(CalendarsBasis basis, std::string_view plan, std::string_view coverage,
                            std::string_view business, std::string_view account,
                            std::string_view service);
// The same for resolved calendars. REQUIRES: coverage and business are set.
std::string CalendarsReason(const CaseCalendars& calendars, std::string_view account,
                            std::string_view service);

// Resolves coverage and business calendars per DESIGN.md:
// enterprise -> coverage `always`; launch -> customer's calendar; annual ->
// customer's calendar, or the plan's addon_24x7_coverage with add-on oncall_24x7
// unless the service is in services.excluded_from_24x7. Business: enterprise ->
// `always`, launch/annual -> the customer's calendar. An unknown account or an
// out-of-scope service is a fallback case under the enterprise plan.
// REQUIRES: config has an `always`-style calendar referenced by the enterprise plan.
CaseCalendars ResolveCalendars(const config::Config& config, const std::string& account,
                               const std::string& service);

// The calendar that the level's target counts on: business for a `bh` target,
// coverage otherwise.
const config::Calendar& ClockCalendar(const CaseCalendars& calendars,
                                      const config::DurationSpec& target);

struct Due {
  int level = 0;
  Timestamp due;
  const config::Calendar* clock = nullptr;  // the calendar the target counts on
  CaseCalendars calendars;
  std::string first_schedule;  // the schedule that gets the first page
};

// When the first response is due for a case opened at `opened`: Add(clock,
// opened, target). first_schedule is services.fallback_schedule for a fallback
// case and for a deferred case (opened outside its coverage calendar), else the
// first `schedule/NAME` target of the level's first step (the fallback
// schedule when that step names none).
// Returns nullopt when the severity code is not in severity_map or its level
// has no target.
std::optional<Due> FirstResponseDue(const config::Config& config, const std::string& account,
                                    const std::string& service, const std::string& severity_code,
                                    Timestamp opened);

}  // namespace schedules
