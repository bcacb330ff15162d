#include "tests/feed/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

#include "tests/test_support.h"

namespace ingest_test {

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::string& stderr_path) {
  int in[2], out[2];
  if (pipe(in) != 0 || pipe(out) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    int err = open(stderr_path.empty() ? "/dev/null" : stderr_path.c_str(),
                   O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(err, 2);
    close(in[0]);
    close(in[1]);
    close(out[0]);
    close(out[1]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  in_fd_ = in[1];
  out_fd_ = out[0];
  signal(SIGPIPE, SIG_IGN);
}

ChildProcess::~ChildProcess() {
  if (running()) {
    kill(pid_, SIGKILL);
    Wait(std::chrono::seconds(10));
  }
  if (in_fd_ >= 0) close(in_fd_);
  if (out_fd_ >= 0) close(out_fd_);
}

std::optional<std::string> ChildProcess::ReadLine(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p{out_fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[4096];
    ssize_t n = read(out_fd_, buf, sizeof buf);
    if (n <= 0) return std::nullopt;
    buffer_.append(buf, static_cast<size_t>(n));
  }
}

void ChildProcess::WriteLine(const std::string& line) {
  std::string s = line + "\n";
  if (write(in_fd_, s.data(), s.size()) != static_cast<ssize_t>(s.size())) {
    throw std::runtime_error("cannot write to child");
  }
}

void ChildProcess::Signal(int sig) {
  if (running()) kill(pid_, sig);
}

std::optional<int> ChildProcess::Wait(std::chrono::milliseconds timeout) {
  if (exit_code_) return exit_code_;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return exit_code_;
    }
    if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

bool ChildProcess::running() { return !Wait(std::chrono::milliseconds(0)).has_value(); }

Output Run(const std::vector<std::string>& argv, int timeout_s) {
  auto r = testing_support::RunCommand(argv, timeout_s);
  return {r.exit_code, r.out, r.err};
}

Output RunWithInput(const std::vector<std::string>& argv, const std::string& input, int timeout_s) {
  testing_support::TempDir dir;
  auto in_path = dir.path() / "in";
  testing_support::WriteFile(in_path, input);
  // RunCommand reads stdin from /dev/null; go through sh to redirect.
  std::string cmd;
  for (const auto& a : argv) cmd += "'" + a + "' ";
  cmd += "< '" + in_path.string() + "'";
  auto r = testing_support::RunCommand({"/bin/sh", "-c", cmd}, timeout_s);
  return {r.exit_code, r.out, r.err};
}

}  // namespace ingest_test
