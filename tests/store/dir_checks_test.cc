// The WAL-size record a clean close leaves (store/dir_checks.h), on files made by hand: which
// changes to the write-ahead logs it refuses, and when the record is stale.
#include "store/dir_checks.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "tests/test_support.h"

namespace {

using testing_support::TempDir;
using testing_support::WriteFile;
namespace fs = std::filesystem;

}  // namespace

TEST_CASE("the WAL record refuses a WAL cut short or gone, and goes stale once a newer WAL exists",
          "[store][dir_checks]") {
  TempDir dir;
  const std::string d = dir.str();
  WriteFile(dir.path() / "000012.log", std::string(1000, 'w'));
  WriteFile(dir.path() / "000016.log", "");
  WriteFile(dir.path() / "LOG", "rocksdb's info log is not a WAL");
  CHECK(store::CheckWalRecord(d).ok());  // no record: nothing to check
  store::WriteWalRecord(d);
  REQUIRE(fs::exists(dir.path() / store::kWalRecordName));
  CHECK(store::CheckWalRecord(d).ok());

  SECTION("grown is fine; cut short is refused, naming the file") {
    WriteFile(dir.path() / "000012.log", std::string(1001, 'w'));
    CHECK(store::CheckWalRecord(d).ok());
    fs::resize_file(dir.path() / "000012.log", 999);
    const base::Status s = store::CheckWalRecord(d);
    CHECK(s.code() == base::Code::kCorruption);
    CHECK_THAT(s.message(), Catch::Contains((dir.path() / "000012.log").string()));
    CHECK_THAT(s.message(), Catch::Contains("truncated: 999 bytes, but 1000"));
  }
  SECTION("gone is refused, even an empty one") {
    fs::remove(dir.path() / "000016.log");
    const base::Status s = store::CheckWalRecord(d);
    CHECK(s.code() == base::Code::kCorruption);
    CHECK_THAT(s.message(), Catch::Contains("000016.log is missing"));
  }
  SECTION(
      "a WAL numbered after every recorded one: a later open retired them, the record is "
      "stale") {
    fs::remove(dir.path() / "000012.log");
    WriteFile(dir.path() / "000020.log", "");
    CHECK(store::CheckWalRecord(d).ok());
    store::RemoveWalRecord(d);
    CHECK_FALSE(fs::exists(dir.path() / store::kWalRecordName));
  }
  SECTION("a malformed record is refused") {
    WriteFile(dir.path() / store::kWalRecordName, "000012.log twelve\n");
    CHECK(store::CheckWalRecord(d).code() == base::Code::kCorruption);
  }
}

TEST_CASE("an open failure names the table file RocksDB reports under its legacy name",
          "[store][dir_checks]") {
  TempDir dir;
  const std::string d = dir.str();
  const std::string message =
      "Corruption: IO error: No such file or directory: While open a "
      "file for random read: " +
      d + "/000011.ldb: No such file or directory";
  CHECK_THAT(store::ExplainOpenFailure(d, message),
             Catch::Contains("(the table file " + d + "/000011.sst is missing)"));
  WriteFile(dir.path() / "000033.log", "x");
  CHECK_THAT(store::ExplainOpenFailure(d, "Corruption: checksum mismatch"),
             Catch::Contains("replayed: " + d + "/000033.log"));
}
