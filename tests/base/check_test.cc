// Proves CHECK, CHECK_OK and Result's value access on an error abort in this (NDEBUG) build, with
// file:line, the condition and the message on stderr; and that a passing check does nothing.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <functional>
#include <string>

#include "base/status.h"
#include "tests/base/check_probe.h"

namespace {

struct Outcome {
  bool aborted = false;
  std::string err;
};

// Runs `fn` in a child process and reports whether it died of SIGABRT and what it wrote to
// stderr. No core file: the abort is expected.
Outcome RunInChild(const std::function<void()>& fn) {
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    dup2(pipe_fds[1], STDERR_FILENO);
    close(pipe_fds[0]);
    fn();
    _exit(0);
  }
  close(pipe_fds[1]);
  Outcome out;
  char buf[512];
  for (ssize_t n; (n = read(pipe_fds[0], buf, sizeof buf)) > 0;) out.err.append(buf, n);
  close(pipe_fds[0]);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  out.aborted = WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
  return out;
}

}  // namespace

TEST_CASE("a passing CHECK or CHECK_OK does nothing") {
  check_probe::CheckOne(1);
  check_probe::CheckOneBare(1);
  check_probe::CheckOk(base::Status::Ok());
  SUCCEED();
}

TEST_CASE("a failing CHECK aborts with file:line, the condition and the message") {
#ifndef NDEBUG
  WARN("this build has assert on too: the test proves more in a release build");
#endif
  auto r = RunInChild([] { check_probe::CheckOne(2); });
  CHECK(r.aborted);
  CHECK(r.err.find("tests/base/check_probe.cc:9: CHECK failed: x == 1: x is 2\n") !=
        std::string::npos);
  r = RunInChild([] { check_probe::CheckOneBare(3); });
  CHECK(r.aborted);
  CHECK(r.err.find("tests/base/check_probe.cc:11: CHECK failed: x == 1\n") != std::string::npos);
}

TEST_CASE("a failing CHECK_OK aborts with the expression and the status text") {
  auto r = RunInChild([] { check_probe::CheckOk(base::Status::IoError("disk gone")); });
  CHECK(r.aborted);
  CHECK(r.err.find("check_probe.cc:13: CHECK failed: status: I/O error: disk gone\n") !=
        std::string::npos);
}

TEST_CASE("Result::value() on an error aborts with the status text") {
  auto r = RunInChild([] {
    base::Result<int> failed(base::Status::NotFound("no such case"));
    volatile int v = *failed;
    (void)v;
  });
  CHECK(r.aborted);
  CHECK(r.err.find("CHECK failed: ok(): Result::value() on an error: not found: no such case\n") !=
        std::string::npos);
  base::Result<int> fine(7);
  CHECK(*fine == 7);
}
