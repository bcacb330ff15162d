// Proves `escalator check-config` end to end: exit 0 and a one-line summary for
// valid files; exit 2 with FILE:LINE:COLUMN errors (never a crash) otherwise.
#include <algorithm>
#include <catch2/catch.hpp>

#include "tests/test_support.h"

using testing_support::EscalatorBin;
using testing_support::ReadFile;
using testing_support::RunCommand;
using testing_support::SharedDir;
using testing_support::SourceDir;
using testing_support::TempDir;
using testing_support::WriteFile;

namespace {

testing_support::CommandResult CheckConfig(const std::string& path) {
  return RunCommand({EscalatorBin(), "check-config", path});
}

int Lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

TEST_CASE("check-config accepts both good configurations with a one-line summary") {
  auto sample = (SharedDir() / "samples" / "config.yaml").string();
  auto r = CheckConfig(sample);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(Lines(r.out) == 1);
  CHECK_THAT(r.out, Catch::StartsWith(sample + ": ok: 2 customers, 7 engineers, 3 schedules"));

  auto example = (SourceDir() / "config" / "example.yaml").string();
  r = CheckConfig(example);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(Lines(r.out) == 1);
  CHECK_THAT(r.out, Catch::StartsWith(example + ": ok: 4 customers, 9 engineers, 3 schedules"));
}

TEST_CASE("check-config names an unknown engineer in a rotation at FILE:LINE:COLUMN") {
  TempDir dir;
  std::string text = ReadFile(SharedDir() / "samples" / "config.yaml");
  const std::string members = "members: [alice, bob, dana, chen, erin]";
  auto at = text.find(members);
  REQUIRE(at != std::string::npos);
  text.replace(at, members.size(), "members: [alice, bob, zed, chen, erin]");
  // The line and column of 'zed', computed from the text rather than hard-coded.
  int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
  int column =
      static_cast<int>(at - text.rfind('\n', at)) + std::string("members: [alice, bob, ").size();
  auto path = (dir.path() / "broken.yaml").string();
  WriteFile(path, text);

  auto r = CheckConfig(path);
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK_THAT(r.err,
             Catch::Contains(path + ":" + std::to_string(line) + ":" + std::to_string(column) +
                             ": schedules.video-sme-primary.layers[0].rotation.members[2]: "
                             "unknown engineer 'zed'"));
  CHECK_THAT(r.err, Catch::Contains(path + ": 1 error"));
}

TEST_CASE("check-config exits 2 with one clean error on unusable files") {
  TempDir dir;
  auto empty = dir.path() / "empty.yaml";
  WriteFile(empty, "");
  auto junk = dir.path() / "junk.yaml";
  std::string bytes;
  for (int i = 0; i < 4096; ++i) bytes += static_cast<char>((i * 131 + 7) % 256);
  WriteFile(junk, bytes);
  auto bad_yaml = dir.path() / "bad.yaml";
  WriteFile(bad_yaml, "targets: {1: 15m\nservices: [\n");

  struct Case {
    std::string path;
    std::string expected;
  };
  const Case cases[] = {
      {(dir.path() / "missing.yaml").string(), ":0:0: no such file"},
      {dir.str(), ":0:0: is a directory"},
      {empty.string(), ":0:0: empty configuration"},
      {junk.string(), ""},
      {bad_yaml.string(), ": invalid YAML: "},
  };
  for (const auto& c : cases) {
    auto r = CheckConfig(c.path);
    INFO(c.path << "\n" << r.err);
    CHECK(r.exit_code == 2);  // a crash would be a signal, not exit code 2
    CHECK_THAT(r.err, Catch::StartsWith(c.path + ":"));
    CHECK_THAT(r.err, Catch::Contains(c.expected));
    CHECK_THAT(r.err, !Catch::Contains("terminate") && !Catch::Contains("what()"));
  }
}

TEST_CASE("check-config --help exits 0; a missing argument exits 2") {
  auto help = RunCommand({EscalatorBin(), "check-config", "--help"});
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Catch::Contains("check-config"));
  auto none = RunCommand({EscalatorBin(), "check-config"});
  CHECK(none.exit_code == 2);
}
