#include "tests/browser_support.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace browser_testing {

namespace {

using testing_support::ReadFile;
using testing_support::RunCommand;
using testing_support::SourceDir;
using testing_support::TempDir;

constexpr auto kBrowserTimeout = std::chrono::seconds(60);

// The PIDs of this process's children, from /proc (ppid is field 4 of /proc/PID/stat, after
// the command name in parentheses, which may itself hold spaces or parentheses).
std::vector<pid_t> Children() {
  std::vector<pid_t> out;
  const pid_t self = getpid();
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const size_t close = text.rfind(')');
    if (close == std::string::npos) continue;
    char state = 0;
    int ppid = 0;
    if (std::sscanf(text.c_str() + close + 1, " %c %d", &state, &ppid) == 2 && ppid == self) {
      out.push_back(static_cast<pid_t>(std::stoi(name)));
    }
  }
  return out;
}

// Kills and reaps every child left but those in `keep` (the browser's detached helpers were
// reparented here, this process being a subreaper), each by its PID, until none remains or
// 10 s pass.
void StopLeftovers(const std::vector<pid_t>& keep) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    std::vector<pid_t> left = Children();
    std::erase_if(left,
                  [&](pid_t p) { return std::find(keep.begin(), keep.end(), p) != keep.end(); });
    if (left.empty()) return;
    for (pid_t pid : left) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }
  FAIL("processes left by chromium could not be stopped");
}

}  // namespace

Browser RunChromium(const TempDir& dir, const std::string& url,
                    const std::vector<std::string>& flags, const std::vector<pid_t>& keep) {
  static const bool subreaper = prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
  REQUIRE(subreaper);
  const std::string home = (dir.path() / "home").string();
  std::filesystem::create_directories(home);
  std::vector<std::string> argv{kChromium,
                                "--headless",
                                "--no-sandbox",
                                "--disable-gpu",
                                "--hide-scrollbars",
                                "--no-first-run",
                                "--enable-logging=stderr",
                                "--v=0",
                                "--user-data-dir=" + (dir.path() / "profile").string()};
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.push_back(url);
  const auto out_path = dir.path() / "browser.out";
  const auto err_path = dir.path() / "browser.err";

  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    setpgid(0, 0);  // its own group, so the browser's helpers can be stopped with it
    const int in = open("/dev/null", O_RDONLY);
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    setenv("HOME", home.c_str(), 1);  // crash reports and caches stay in the temp dir
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  setpgid(pid, pid);  // also here: whichever runs first, the group exists before a kill

  Browser b;
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + kBrowserTimeout;
  while (true) {
    if (waitpid(pid, &status, WNOHANG) == pid) break;
    if (std::chrono::steady_clock::now() > deadline) {
      b.timed_out = true;
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(-pid, SIGKILL);  // what is left of its group (renderers, zygotes)
  StopLeftovers(keep);
  b.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  b.out = ReadFile(out_path);
  b.err = ReadFile(err_path);
  return b;
}

std::vector<std::string> ConsoleLines(const std::string& log) {
  std::vector<std::string> out;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.find(":CONSOLE") != std::string::npos || line.find("Uncaught") != std::string::npos) {
      out.push_back(line);
    }
  }
  return out;
}

nlohmann::json PngColours(const std::string& png, const std::vector<std::string>& expected) {
  std::vector<std::string> argv{"/usr/bin/python3",
                                (SourceDir() / "tests/report/png_colours.py").string(), png};
  argv.insert(argv.end(), expected.begin(), expected.end());
  auto r = RunCommand(argv, 120);
  INFO("png_colours.py stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out);
}

}  // namespace browser_testing
