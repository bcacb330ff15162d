// log_bytes --data DIR [--lines N] [--dump TYPE]: how many bytes the encoded
// events of a data directory take (kLog values), by event type, as a
// markdown table; with --lines, also per input line (the simulate summary's
// "lines"). --dump TYPE prints the first record of TYPE (e.g. routed) as a C++
// string literal, for a codec fixture of the format as a build wrote it.
// Read-only: works on a copy of a golden data directory made by an old build.
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "router/codec.h"
#include "router/events.h"
#include "store/event_log.h"

namespace {

struct Totals {
  uint64_t count = 0;
  uint64_t bytes = 0;
};

int Usage() {
  std::fprintf(stderr, "usage: log_bytes --data DIR [--lines N] [--dump TYPE]\n");
  return 2;
}

void Dump(std::string_view bytes) {
  std::printf("\"");
  for (unsigned char c : bytes) std::printf("\\x%02x", c);
  std::printf("\"  // %zu bytes\n", bytes.size());
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir, dump;
  double lines = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view flag = argv[i];
    if (flag == "--data") {
      dir = argv[i + 1];
    } else if (flag == "--lines") {
      lines = std::atof(argv[i + 1]);
    } else if (flag == "--dump") {
      dump = argv[i + 1];
    } else {
      return Usage();
    }
  }
  if (dir.empty() || argc % 2 == 0) return Usage();
  store::Options options;
  options.create_if_missing = false;
  options.read_only = true;
  auto log = store::EventLog::Open(dir, options);
  if (!log.ok()) {
    std::fprintf(stderr, "log_bytes: %s\n", log.status().ToString().c_str());
    return 1;
  }
  std::map<std::string, Totals> by_type;
  Totals all;
  bool dumped = false;
  base::Status bad;
  auto read = (*log)->Read(1, (*log)->next_seq(), [&](uint64_t seq, std::string_view bytes) {
    auto event = router::DecodeEvent(bytes);
    if (!event.ok()) {
      bad = event.status();
      std::fprintf(stderr, "log_bytes: event %llu: %s\n", static_cast<unsigned long long>(seq),
                   bad.ToString().c_str());
      return false;
    }
    const std::string type(router::TypeName(*event));
    if (!dumped && type == dump) {
      Dump(bytes);
      dumped = true;
    }
    Totals& t = by_type[type];
    ++t.count;
    t.bytes += bytes.size();
    ++all.count;
    all.bytes += bytes.size();
    return true;
  });
  if (!read.ok() || !bad.ok()) return 1;
  if (!dump.empty()) return dumped ? 0 : 1;
  std::printf("| event type | events | bytes | bytes/event |%s\n",
              lines > 0 ? " bytes/input line |" : "");
  std::printf("|---|---:|---:|---:|%s\n", lines > 0 ? "---:|" : "");
  by_type.emplace("all", all);
  for (const auto& [type, t] : by_type) {
    std::printf("| %s | %llu | %llu | %.1f |", type.c_str(),
                static_cast<unsigned long long>(t.count), static_cast<unsigned long long>(t.bytes),
                t.count ? static_cast<double>(t.bytes) / t.count : 0.0);
    if (lines > 0) std::printf(" %.1f |", t.bytes / lines);
    std::printf("\n");
  }
  return 0;
}
