// The text format's spelling of numbers and strings, and its naming rules.
#include "metrics/exposition.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>

namespace {

std::string Value(double v) {
  std::string out;
  metrics::AppendValue(v, &out);
  return out;
}

}  // namespace

TEST_CASE("whole numbers print in plain digits, others in their shortest exact form") {
  CHECK(Value(0) == "0");
  CHECK(Value(3) == "3");
  CHECK(Value(-42) == "-42");
  CHECK(Value(1e15) == "1000000000000000");
  CHECK(Value(9007199254740992.0) == "9007199254740992");  // 2^53, still plain
  CHECK(Value(0.1) == "0.1");
  CHECK(Value(0.005) == "0.005");
  CHECK(Value(2.5) == "2.5");
  CHECK(Value(1e-7) == "1e-07");
  CHECK(std::stod(Value(0.1 + 0.2)) == 0.1 + 0.2);
  CHECK(std::stod(Value(1e300)) == 1e300);
}

TEST_CASE("infinities and NaN print as Prometheus spells them") {
  CHECK(Value(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(Value(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(Value(std::nan("")) == "NaN");
}

TEST_CASE("unsigned counts print in plain digits") {
  std::string out;
  metrics::AppendValue(uint64_t{18446744073709551615u}, &out);
  CHECK(out == "18446744073709551615");
}

TEST_CASE("label values escape backslash, quote and newline; HELP escapes no quote") {
  std::string label;
  metrics::AppendLabelValue("a\\b\"c\nd", &label);
  CHECK(label == R"(a\\b\"c\nd)");
  std::string help;
  metrics::AppendHelp("a\\b\"c\nd", &help);
  CHECK(help == R"(a\\b"c\nd)");
}

TEST_CASE("metric and label names follow Prometheus's rules") {
  CHECK(metrics::IsMetricName("escalator_inputs_total"));
  CHECK(metrics::IsMetricName("a:b_c9"));
  CHECK(metrics::IsMetricName("_x"));
  CHECK_FALSE(metrics::IsMetricName(""));
  CHECK_FALSE(metrics::IsMetricName("9lives"));
  CHECK_FALSE(metrics::IsMetricName("has-dash"));
  CHECK_FALSE(metrics::IsMetricName("has space"));
  CHECK(metrics::IsLabelName("topic"));
  CHECK(metrics::IsLabelName("_p1"));
  CHECK_FALSE(metrics::IsLabelName("__name__"));
  CHECK_FALSE(metrics::IsLabelName("a:b"));
  CHECK_FALSE(metrics::IsLabelName("1a"));
  CHECK_FALSE(metrics::IsLabelName(""));
}
