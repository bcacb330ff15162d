// Proves Append is all-or-nothing across crashes: store_crash_child is SIGKILLed at random
// (seeded) moments; after each reopen there is no gap, no torn batch, no lost acknowledged batch.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <thread>

#include "store/event_log.h"
#include "tests/test_support.h"

extern char** environ;

namespace {

// Starts the child with stdout on a pipe and waits (poll with a deadline) for its "ready"
// line, so the kill delay counts from an opened log. Returns its pid.
pid_t StartChild(const std::string& dir, bool sync, uint64_t seed, const std::string& acked) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  std::string bin = STORE_CRASH_CHILD, sync_arg = sync ? "1" : "0", seed_arg = std::to_string(seed);
  char* argv[] = {bin.data(),      const_cast<char*>(dir.c_str()),   sync_arg.data(),
                  seed_arg.data(), const_cast<char*>(acked.c_str()), nullptr};
  pid_t pid = -1;
  int rc = posix_spawn(&pid, bin.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  REQUIRE(rc == 0);

  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (out.find("ready\n") == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fds[0], POLLIN, 0};
    if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buf[64];
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  if (out.find("ready\n") == std::string::npos) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    FAIL("store_crash_child did not become ready (its stderr is above)");
  }
  return pid;
}

uint64_t ReadAcked(const std::string& path) {
  uint64_t value = 0;
  int fd = open(path.c_str(), O_RDONLY);
  REQUIRE(fd >= 0);
  REQUIRE(pread(fd, &value, 8, 0) == 8);
  close(fd);
  return value;
}

struct Replayed {
  uint64_t events = 0;
  uint64_t last_batch = 0;
  std::map<int, uint64_t> buckets;
};

// Reopens the log and checks every invariant the child's batches promise.
Replayed CheckLog(const std::string& dir) {
  auto opened = store::EventLog::Open(dir, {.create_if_missing = false});
  INFO(opened.status().ToString());
  REQUIRE(opened.ok());  // Open's full check: seqs first..last without a gap
  const store::EventLog& log = **opened;
  REQUIRE(store::VerifyLog(log).ok());

  Replayed r;
  uint64_t batch = 0, expected_seq = 1;
  int pos = 0, of = 0;
  std::string error;  // the first broken invariant; Catch macros per event are too slow
  auto s = log.Read(1, UINT64_MAX, [&](uint64_t seq, std::string_view bytes) {
    unsigned long long b = 0;
    int p = 0, n = 0;
    auto where = [&] {
      return "seq " + std::to_string(seq) + " '" + std::string(bytes.substr(0, 40)) +
             "' after batch " + std::to_string(batch) + " pos " + std::to_string(pos) + "/" +
             std::to_string(of) + ": ";
    };
    if (seq != expected_seq++) {
      error = where() + "seq out of order";
    } else if (std::sscanf(std::string(bytes.substr(0, 64)).c_str(), "batch=%llu pos=%d of=%d", &b,
                           &p, &n) != 3) {
      error = where() + "unparsable event";
    } else if (p == 0 && pos != of) {
      error = where() + "previous batch is torn";
    } else if (p == 0 && b != batch + 1) {
      error = where() + "batches not consecutive (lost or doubled)";
    } else if (p != 0 && (b != batch || p != pos || n != of)) {
      error = where() + "event out of its batch";
    }
    if (!error.empty()) return false;
    if (p == 0) {
      batch = b;
      of = n;
    }
    pos = p + 1;
    r.events++;
    r.buckets[static_cast<int>(b % 5)]++;
    return true;
  });
  INFO(error);
  REQUIRE(error.empty());
  REQUIRE(s.ok());
  INFO("last batch " << batch << " ended at pos " << pos << " of " << of);
  REQUIRE(pos == of);  // the last batch is whole too
  r.last_batch = batch;
  REQUIRE(log.next_seq() == r.events + 1);

  auto get = [&](store::Family f, const std::string& key) -> std::string {
    auto v = log.Get(f, key);
    REQUIRE(v.ok());
    return v->value_or("<absent>");
  };
  if (r.events == 0) return r;
  // Projections and offsets were written in the same batches: they agree with the replay.
  CHECK(get(store::Family::kProjections, "total") == std::to_string(r.events));
  for (auto [bucket, count] : r.buckets) {
    CHECK(get(store::Family::kProjections, "bucket/" + std::to_string(bucket)) ==
          std::to_string(count));
    uint64_t indexed = 0;
    REQUIRE(log.ReadIndexed("bucket/" + std::to_string(bucket),
                            [&](uint64_t, std::string_view) { return ++indexed, true; })
                .ok());
    CHECK(indexed == count);
  }
  CHECK(get(store::Family::kOffsets, "feed/0") == std::to_string(r.last_batch));
  std::vector<std::string> timers;
  REQUIRE(log.Scan(store::Family::kTimers, "t/",
                   [&](std::string_view k, std::string_view) {
                     timers.emplace_back(k);
                     return true;
                   })
              .ok());
  CHECK(timers == std::vector<std::string>{"t/" + std::to_string(r.last_batch)});
  return r;
}

void CrashRounds(bool sync) {
  const uint64_t seed = std::random_device()();
  std::printf("store crash test (sync=%d): seed %llu\n", sync ? 1 : 0,
              static_cast<unsigned long long>(seed));
  std::fflush(stdout);
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  testing_support::TempDir dir;
  const std::string data = (dir.path() / "data").string();
  const std::string acked_file = (dir.path() / "acked").string();

  constexpr int kRounds = 30;
  int rounds_with_progress = 0;
  uint64_t last_batch = 0;
  for (int round = 0; round < kRounds; ++round) {
    INFO("round " << round);
    pid_t pid = StartChild(data, sync, rng(), acked_file);
    // The random delay is the crash point: anywhere from before the first append to
    // dozens of batches in, often in the middle of a WAL write or a flush.
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 40000));
    REQUIRE(kill(pid, SIGKILL) == 0);
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    // Killed by us, not dead of its own error.
    REQUIRE(WIFSIGNALED(status));
    REQUIRE(WTERMSIG(status) == SIGKILL);

    const uint64_t acked = ReadAcked(acked_file);
    Replayed r = CheckLog(data);
    // Every batch whose Append returned is there (a process crash loses no written WAL,
    // even unsynced), and at most the one batch in flight beyond it.
    CHECK(r.last_batch >= acked);
    CHECK(r.last_batch <= acked + 1);
    CHECK(r.last_batch >= last_batch);
    if (r.last_batch > last_batch) rounds_with_progress++;
    last_batch = r.last_batch;
  }
  std::printf("  %llu batches over %d rounds, %d rounds appended\n",
              static_cast<unsigned long long>(last_batch), kRounds, rounds_with_progress);
  // The test is only worth something if the kills landed among appends.
  CHECK(rounds_with_progress >= kRounds / 2);
}

TEST_CASE("SIGKILL during synced appends never loses, tears or gaps a batch") {
  CrashRounds(/*sync=*/true);
}

TEST_CASE("SIGKILL during unsynced appends never tears or gaps a batch either") {
  CrashRounds(/*sync=*/false);
}

}  // namespace
