// store_crash_child DIR SYNC SEED ACKED_FILE: appends batches to the event log in DIR until
// killed, the way the daemon would, so crash_test.cc can SIGKILL it at random moments.
//
// Batch b (numbered from 1, continuing after the last one in the log) holds 1..8 events
// whose bytes say "batch=b pos=i of=n" plus padding, each indexed under "bucket/<b % 5>";
// the projections "total" and "bucket/<k>" (event counts a replay must reproduce); the
// timer "t/<b>" replacing "t/<b-1>"; and the offset "feed/0" = b. After each Append
// returns, b is stored in ACKED_FILE (8 bytes, shared mapping), which survives SIGKILL.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "store/event_log.h"

namespace {

int Fail(const std::string& what) {
  std::fprintf(stderr, "store_crash_child: %s\n", what.c_str());
  return 3;
}

uint64_t GetCount(const store::EventLog& log, store::Family f, const std::string& key) {
  auto v = log.Get(f, key);
  if (!v.ok() || !v->has_value()) return 0;
  return std::stoull(**v);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) return Fail("usage: store_crash_child DIR SYNC SEED ACKED_FILE");
  store::Options options;
  options.sync = std::string(argv[2]) == "1";
  std::mt19937_64 rng(std::stoull(argv[3]));

  int fd = open(argv[4], O_RDWR | O_CREAT, 0644);
  if (fd < 0 || ftruncate(fd, 8) != 0) return Fail("cannot create the acked file");
  void* mapped = mmap(nullptr, 8, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (mapped == MAP_FAILED) return Fail("cannot map the acked file");
  auto* acked = static_cast<std::atomic<uint64_t>*>(mapped);

  auto opened = store::EventLog::Open(argv[1], options);
  if (!opened.ok()) return Fail(opened.status().ToString());
  store::EventLog& log = **opened;

  uint64_t batch_id = GetCount(log, store::Family::kOffsets, "feed/0");
  uint64_t total = GetCount(log, store::Family::kProjections, "total");
  uint64_t buckets[5];
  for (int k = 0; k < 5; ++k) {
    buckets[k] = GetCount(log, store::Family::kProjections, "bucket/" + std::to_string(k));
  }
  acked->store(batch_id);
  std::printf("ready\n");
  std::fflush(stdout);

  for (;;) {
    ++batch_id;
    const int n = 1 + static_cast<int>(rng() % 8);
    const int bucket = static_cast<int>(batch_id % 5);
    store::Batch batch;
    for (int i = 0; i < n; ++i) {
      std::string bytes = "batch=" + std::to_string(batch_id) + " pos=" + std::to_string(i) +
                          " of=" + std::to_string(n) + " ";
      // Varying sizes so batches straddle WAL block boundaries at different points.
      bytes.append(rng() % 600, 'x');
      batch.events.push_back({std::move(bytes), "bucket/" + std::to_string(bucket)});
    }
    total += n;
    buckets[bucket] += n;
    using store::Family;
    batch.puts.push_back({Family::kProjections, "total", std::to_string(total)});
    batch.puts.push_back({Family::kProjections, "bucket/" + std::to_string(bucket),
                          std::to_string(buckets[bucket])});
    batch.puts.push_back({Family::kTimers, "t/" + std::to_string(batch_id), "due"});
    batch.puts.push_back({Family::kTimers, "t/" + std::to_string(batch_id - 1), std::nullopt});
    batch.puts.push_back({Family::kOffsets, "feed/0", std::to_string(batch_id)});
    auto r = log.Append(batch);
    if (!r.ok()) return Fail(r.status().ToString());
    acked->store(batch_id);
  }
}
