#include "config/config.h"

#include <algorithm>

namespace config {

bool Customer::HasAddon(const std::string& addon) const {
  return std::find(addons.begin(), addons.end(), addon) != addons.end();
}

const Customer* Config::FindCustomer(const std::string& account) const {
  for (const auto& c : customers)
    if (c.account == account) return &c;
  return nullptr;
}

const Engineer* Config::FindEngineer(const std::string& id) const {
  for (const auto& e : engineers)
    if (e.id == id) return &e;
  return nullptr;
}

const Calendar* Config::FindCalendar(const std::string& name) const {
  auto it = calendars.find(name);
  return it == calendars.end() ? nullptr : &it->second;
}

const Schedule* Config::FindSchedule(const std::string& name) const {
  auto it = schedules.find(name);
  return it == schedules.end() ? nullptr : &it->second;
}

const Plan* Config::FindPlan(const std::string& name) const {
  auto it = plans.find(name);
  return it == plans.end() ? nullptr : &it->second;
}

bool Config::InScope(const std::string& service) const {
  const auto& v = services.in_scope;
  return std::find(v.begin(), v.end(), service) != v.end();
}

bool Config::ExcludedFrom24x7(const std::string& service) const {
  const auto& v = services.excluded_from_24x7;
  return std::find(v.begin(), v.end(), service) != v.end();
}

std::string ConfigError::ToString() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

}  // namespace config
