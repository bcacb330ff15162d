// What the fault tests share: an independent look at what Kafka holds (kcat) and what the group
// has committed (librdkafka, without joining the group), what the log holds (`escalator log`),
// HTTP through curl, feed lines, and a small filesystem that can be filled.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/cli/serve_fixture.h"

namespace faults {

// curl's answer: the status and the body (bounded to 10 s).
struct Reply {
  int status = 0;
  std::string body;
};
Reply Get(const std::string& url);
// Polls `url` until it answers `status` or `limit` passes; the last reply.
Reply WaitForStatus(const std::string& url, int status, std::chrono::seconds limit);

// Publishes every line with one `escalator publish` run.
void PublishAll(const ingest_test::Broker& broker, const testing_support::TempDir& dir,
                const std::vector<std::string>& lines);
// `n` CreateCase lines for cases "<prefix>-<i>" opened now.
std::vector<std::string> Cases(const std::string& prefix, int n);

// The case ids of every feed message on support.cases, read with kcat from the beginning.
std::vector<std::string> TopicCases(const ingest_test::Broker& broker);

// case -> number of case_opened events in the log (read-only; works while serve writes).
// nullopt when `escalator log` fails (its stderr is in *err when given).
std::optional<std::map<std::string, int>> OpenedInLog(const std::string& data,
                                                      std::string* err = nullptr);
// Polls the log until it holds at least `n` opened cases or `limit` passes; the last count.
size_t WaitForOpened(const std::string& data, size_t n, std::chrono::seconds limit);
// Checks that every case of `expected` was opened exactly once and nothing else was.
void CheckExactlyOnce(const std::map<std::string, int>& opened,
                      const std::vector<std::string>& expected);

// The offset the consumer group has committed for topic[partition] (OffsetFetch, without
// joining the group), or -1 when none is.
int64_t CommittedOffset(const std::string& bootstrap, const std::string& group,
                        const std::string& topic, int32_t partition);
// The same without Catch's macros (for a thread of the test's own): nullopt on any error.
std::optional<int64_t> TryCommittedOffset(const std::string& bootstrap, const std::string& group,
                                          const std::string& topic, int32_t partition);

// A librdkafka producer of the test's own (independent of escalator's), which keeps messages
// produced while the broker is down until it is back (message.timeout.ms 180 s).
class Producer {
 public:
  explicit Producer(const std::string& bootstrap);
  ~Producer();
  // Queues `value` for support.cases.
  void Produce(const std::string& value);
  // Waits (at most `limit`) until every queued message is delivered or failed; the failures.
  int Flush(std::chrono::seconds limit);

 private:
  void* rk_ = nullptr;  // rd_kafka_t*
  int failed_ = 0;
};

// How many lines of `text` contain `what`.
size_t CountLines(const std::string& text, const std::string& what);

// A small filesystem at `dir`: tmpfs of `mib` MiB when mounting works (root) and `may_mount`,
// else nothing is mounted and Fill/Free toggle serve's --fault-disk-full-flag file instead (see
// mounted(); ESCALATOR_FAULTS_NO_MOUNT=1 takes that way on purpose).
// Unmounts on destruction.
class SmallDisk {
 public:
  SmallDisk(const std::filesystem::path& dir, int mib, bool may_mount = true);
  ~SmallDisk();
  bool mounted() const { return mounted_; }
  const std::filesystem::path& dir() const { return dir_; }
  // The flag file serve's --fault-disk-full-flag names (used only when not mounted).
  std::string flag() const { return (dir_.parent_path() / "disk-full.flag").string(); }
  // Fills the filesystem to the last byte (a filler file), or creates the flag. Returns the
  // bytes written.
  uint64_t Fill();
  // Deletes the filler (or the flag): space is back.
  void Free();

 private:
  std::filesystem::path dir_;
  bool mounted_ = false;
};

}  // namespace faults
