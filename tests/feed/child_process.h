// A child process for the ingest tests: started with pipes on stdin and stdout
// (stderr to a file), read line by line with a deadline, killed on destruction.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ingest_test {

class ChildProcess {
 public:
  // Starts argv (argv[0] is the program path). stderr goes to `stderr_path`
  // (or /dev/null when empty). Throws std::runtime_error when fork fails.
  ChildProcess(const std::vector<std::string>& argv, const std::string& stderr_path = "");
  ~ChildProcess();  // SIGKILLs the child if still running and reaps it
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The next line of stdout (without '\n'), or nullopt at EOF or timeout.
  std::optional<std::string> ReadLine(std::chrono::milliseconds timeout);
  // Writes `line` + '\n' to the child's stdin.
  void WriteLine(const std::string& line);
  void Signal(int sig);
  // Waits for exit; returns the exit code, 128 + signal, or nullopt on timeout.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  bool running();
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int in_fd_ = -1;
  int out_fd_ = -1;
  std::string buffer_;
  std::optional<int> exit_code_;
};

// Runs `argv` to completion (stdin from /dev/null) and returns {exit code, stdout}.
struct Output {
  int exit_code = -1;
  std::string out;
  std::string err;
};
Output Run(const std::vector<std::string>& argv, int timeout_s = 60);

// Runs argv with `input` on its stdin; returns its exit code and outputs.
Output RunWithInput(const std::vector<std::string>& argv, const std::string& input,
                    int timeout_s = 60);

}  // namespace ingest_test
