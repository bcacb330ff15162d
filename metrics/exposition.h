// The pieces of Prometheus's text exposition format 0.0.4 that the registry renders with: how
// names must look, how numbers and escaped strings are spelled. Pure functions, any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace metrics {

// Whether `name` is a valid metric name: [a-zA-Z_:][a-zA-Z0-9_:]*.
bool IsMetricName(std::string_view name);
// Whether `name` is a valid label name, [a-zA-Z_][a-zA-Z0-9_]*, and not reserved (a leading
// "__" is Prometheus's own).
bool IsLabelName(std::string_view name);

// Appends v as a sample value: integers (up to 2^53) in plain digits, other finite values in the
// shortest form that reads back as the same double, and "+Inf", "-Inf", "NaN".
void AppendValue(double v, std::string* out);
// Appends v in plain digits.
void AppendValue(uint64_t v, std::string* out);

// Appends a label value with \, " and newline escaped (\\, \", \n).
void AppendLabelValue(std::string_view value, std::string* out);
// Appends a HELP text with \ and newline escaped (\\, \n); quotes stay as they are.
void AppendHelp(std::string_view help, std::string* out);

}  // namespace metrics
