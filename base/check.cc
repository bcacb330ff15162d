#include "base/check.h"

#include <cstdio>
#include <cstdlib>

namespace base {

void CheckFailed(const char* file, int line, const char* condition, std::string_view message) {
  // stdio, not iostream: this may run during static destruction or with a broken stream.
  std::fprintf(stderr, "%s:%d: CHECK failed: %s", file, line, condition);
  if (!message.empty())
    std::fprintf(stderr, ": %.*s", static_cast<int>(message.size()), message.data());
  std::fprintf(stderr, "\n");
  std::fflush(stderr);
  std::abort();
}

}  // namespace base
