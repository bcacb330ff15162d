// Proves the notifications reach the service manager as systemd reads them: a real AF_UNIX
// datagram socket stands in for systemd's, named by $NOTIFY_SOCKET as systemd would, and each
// datagram is read back. Without $NOTIFY_SOCKET every call is a no-op that says so.
#include "service/notify.h"

#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <optional>
#include <string>

#include "tests/test_support.h"

namespace {

using testing_support::TempDir;

// Sets (or, given nullopt, unsets) an environment variable for one scope and restores it.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = getenv(name)) old_ = old;
    if (value) {
      setenv(name, value->c_str(), 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// systemd's end: a datagram socket bound in a temp dir, named by $NOTIFY_SOCKET while it lives.
class FakeManager {
 public:
  FakeManager() : path_((dir_.path() / "notify").string()) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    REQUIRE(path_.size() < sizeof(addr.sun_path));
    std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    // A missing datagram fails the test in a second instead of hanging it.
    timeval timeout{1, 0};
    REQUIRE(setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)) == 0);
    env_.emplace("NOTIFY_SOCKET", path_);
  }
  ~FakeManager() { close(fd_); }

  // The next datagram, or "" when none came within a second.
  std::string Receive() {
    char buf[4096];
    ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    return n < 0 ? "" : std::string(buf, static_cast<size_t>(n));
  }

 private:
  TempDir dir_;
  std::string path_;
  int fd_ = -1;
  std::optional<ScopedEnv> env_;
};

}  // namespace

TEST_CASE("without NOTIFY_SOCKET every notification is a no-op that returns false") {
  ScopedEnv socket("NOTIFY_SOCKET", std::nullopt);
  ScopedEnv usec("WATCHDOG_USEC", std::nullopt);
  ScopedEnv pid("WATCHDOG_PID", std::nullopt);
  CHECK_FALSE(service::NotifyReady("serving"));
  CHECK_FALSE(service::NotifyStatus("catching up"));
  CHECK_FALSE(service::NotifyStopping());
  CHECK_FALSE(service::NotifyWatchdog());
  CHECK_FALSE(service::WatchdogInterval().has_value());
}

TEST_CASE("readiness, status and stopping arrive as systemd reads them") {
  FakeManager manager;
  REQUIRE(service::NotifyReady("serving 12 partitions"));
  CHECK(manager.Receive() == "READY=1\nSTATUS=serving 12 partitions");
  REQUIRE(service::NotifyStatus("caught up"));
  CHECK(manager.Receive() == "STATUS=caught up");
  REQUIRE(service::NotifyStopping());
  CHECK(manager.Receive() == "STOPPING=1");
}

TEST_CASE("the variables outlive each call, so the main loop can notify again and again") {
  FakeManager manager;
  for (int i = 0; i < 3; ++i) {
    REQUIRE(service::NotifyWatchdog());
    CHECK(manager.Receive() == "WATCHDOG=1");
  }
  CHECK(getenv("NOTIFY_SOCKET") != nullptr);
}

TEST_CASE("the watchdog interval is half of WATCHDOG_USEC, for this process only") {
  FakeManager manager;
  ScopedEnv usec("WATCHDOG_USEC", "30000000");
  SECTION("meant for this process") {
    ScopedEnv pid("WATCHDOG_PID", std::to_string(getpid()));
    auto interval = service::WatchdogInterval();
    REQUIRE(interval.has_value());
    CHECK(*interval == std::chrono::seconds(15));
    REQUIRE(service::NotifyWatchdog());
    CHECK(manager.Receive() == "WATCHDOG=1");
  }
  SECTION("no WATCHDOG_PID: meant for whoever reads it") {
    ScopedEnv pid("WATCHDOG_PID", std::nullopt);
    CHECK(service::WatchdogInterval() == std::chrono::microseconds(15000000));
  }
  SECTION("inherited from a parent the watchdog was meant for") {
    ScopedEnv pid("WATCHDOG_PID", std::to_string(getppid()));
    CHECK_FALSE(service::WatchdogInterval().has_value());
  }
}

TEST_CASE("no watchdog interval when the unit asked for none") {
  ScopedEnv usec("WATCHDOG_USEC", std::nullopt);
  ScopedEnv pid("WATCHDOG_PID", std::nullopt);
  CHECK_FALSE(service::WatchdogInterval().has_value());
}

TEST_CASE("a socket that is gone is reported, not thrown") {
  TempDir dir;
  ScopedEnv socket("NOTIFY_SOCKET", (dir.path() / "gone").string());
  CHECK_FALSE(service::NotifyReady("serving"));
  CHECK_FALSE(service::NotifyWatchdog());
}
