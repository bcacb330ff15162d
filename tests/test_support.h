// Helpers shared by the test binaries: temporary directories that clean up
// after themselves, the paths of the source tree and the escalator binary,
// and running a command while capturing its output.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace testing_support {

// A fresh directory under the system temp dir, removed with its contents on
// destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// The repository root (ESCALATOR_SOURCE_DIR, else the working directory).
std::filesystem::path SourceDir();
// ../shared beside the repository root.
std::filesystem::path SharedDir();
// The escalator binary under test (ESCALATOR_BIN).
std::string EscalatorBin();

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs argv (argv[0] is the program path) to completion with stdin from
// /dev/null, capturing stdout and stderr. Kills it after timeout_s.
CommandResult RunCommand(const std::vector<std::string>& argv, int timeout_s = 60);

// Writes `text` to `path`, creating parent directories.
void WriteFile(const std::filesystem::path& path, const std::string& text);
std::string ReadFile(const std::filesystem::path& path);

}  // namespace testing_support
