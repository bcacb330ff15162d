// Hand-built configuration values for the schedules tests: the structures
// config::ParseConfig would produce, built directly so these tests depend on
// nothing but the schedules library. SampleConfig() mirrors
// ../shared/samples/config.yaml.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "base/time.h"
#include "config/config.h"

namespace fixtures {

// An instant from ISO 8601 text with an offset; aborts the test on bad text.
base::Timestamp T(const char* iso);

// A local wall-clock time (rotation start).
std::chrono::local_seconds Local(int y, int m, int d, int hh, int mm);

std::chrono::year_month_day Day(int y, int m, int d);

// Windows "days: HH:MM-HH:MM" for a range of weekdays, Monday = 0.
std::vector<config::WeeklyWindow> Windows(int first_day, int last_day, int start_h, int start_m,
                                          int end_h, int end_m);

config::Calendar MakeCalendar(const std::string& name, const std::string& zone,
                              std::vector<config::WeeklyWindow> hours,
                              std::vector<std::chrono::year_month_day> holidays = {});

config::Layer MakeLayer(const std::string& name, const std::string& zone, config::RotationType type,
                        std::chrono::local_seconds start, std::vector<std::string> members,
                        std::vector<config::WeeklyWindow> restrict = {},
                        std::chrono::seconds length = std::chrono::seconds(0));

// The sample configuration, as ParseConfig should build it.
config::Config SampleConfig();

}  // namespace fixtures
