// Proves every numeric flag goes through one parser: a whole decimal integer within its range,
// and that the real binary refuses "100x", a value below the minimum and an overflow with exit 2.
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "cli/flags.h"
#include "tests/test_support.h"

using cli::ParseInt;
using testing_support::EscalatorBin;
using testing_support::RunCommand;

namespace {

testing_support::CommandResult Run(std::vector<std::string> args) {
  args.insert(args.begin(), EscalatorBin());
  return RunCommand(args);
}

}  // namespace

TEST_CASE("ParseInt takes a whole decimal integer within [min, max] and nothing else") {
  CHECK(ParseInt("100", 0) == 100);
  CHECK(ParseInt("0", 0) == 0);
  CHECK(ParseInt("-5", -10) == -5);
  CHECK(ParseInt("64", 1, 64) == 64);
  CHECK(ParseInt("9223372036854775807", 0) == std::numeric_limits<int64_t>::max());
  // A suffix, nothing, a lone sign, a plus sign, spaces, a fraction.
  for (const char* bad : {"100x", "", "-", "+5", " 5", "5 ", "1.5", "0x10"}) {
    INFO(bad);
    CHECK_FALSE(ParseInt(bad, std::numeric_limits<int64_t>::min()));
  }
  // Outside the range, and outside int64_t.
  CHECK_FALSE(ParseInt("-1", 0));
  CHECK_FALSE(ParseInt("65", 1, 64));
  CHECK_FALSE(ParseInt("99999999999999999999", 0));
  CHECK_FALSE(ParseInt("-99999999999999999999", std::numeric_limits<int64_t>::min()));
}

TEST_CASE("commands refuse a bad numeric flag with exit 2 and a message naming it") {
  // Each command checks its numbers before it reads a file, a config or a broker, so none of
  // these needs one.
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"publish", "--brokers", "127.0.0.1:1", "--timeout-ms", "100x", "-"},
       "escalator publish: --timeout-ms must be a number in 0..2147483647, got '100x'"},
      {{"ack", "--brokers", "127.0.0.1:1", "--case", "c1", "--engineer", "e1", "--timeout-ms", "0"},
       "escalator ack: --timeout-ms must be a number in 1..2147483647, got '0'"},
      {{"pager", "--endpoint", "tcp://127.0.0.1:1", "--engineer", "e1", "--count", "-1"},
       "escalator pager: --count must be a number >= 0, got '-1'"},
      {{"pager", "--endpoint", "tcp://127.0.0.1:1", "--engineer", "e1", "--timeout", "1.5"},
       "escalator pager: --timeout must be a number in 0..315360000, got '1.5'"},
      {{"dev-broker", "--partitions", "99999999999999999999"},
       "escalator dev-broker: --partitions must be a number in 1..100000, got "
       "'99999999999999999999'"},
      {{"serve", "--config", "c.yaml", "--data", "d", "--brokers", "127.0.0.1:1", "--max-batch",
        "-"},
       "escalator serve: --max-batch must be a number >= 1, got '-'"},
      {{"serve", "--config", "c.yaml", "--data", "d", "--brokers", "127.0.0.1:1",
        "--session-timeout-ms", "999"},
       "escalator serve: --session-timeout-ms must be a number in 1000..2147483647, got '999'"},
  };
  for (const Case& c : cases) {
    INFO(c.args[0] << " " << c.message);
    auto r = Run(c.args);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err == c.message + "\n");
  }
}
