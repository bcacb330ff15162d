// CHECK: an assertion that stays on in release builds (NDEBUG does not remove it), for the
// impossible states of STYLE.md "Errors": a broken invariant, a value read from an error Result.
// Bad input and environment failures are a Status, never a CHECK.
//
// Include it from .cc files only: Catch2, which every test uses, defines its own CHECK. A header
// that must check something calls base::CheckFailed itself (as base/status.h does).
#pragma once

#include <string_view>

namespace base {

// Prints "FILE:LINE: CHECK failed: CONDITION" (and ": MESSAGE" when there is one) to stderr,
// then aborts. Called by CHECK and CHECK_OK; never returns.
[[noreturn]] void CheckFailed(const char* file, int line, const char* condition,
                              std::string_view message = {});

}  // namespace base

// CHECK(cond) or CHECK(cond, message): aborts with file, line, the condition and the message
// (anything convertible to std::string_view) when `cond` is false. The message is built only
// then, so it may be costly.
#define CHECK(cond, ...)                                                         \
  do {                                                                           \
    if (!(cond)) [[unlikely]]                                                    \
      ::base::CheckFailed(__FILE__, __LINE__, #cond __VA_OPT__(, ) __VA_ARGS__); \
  } while (false)

// CHECK_OK(status): aborts with file, line, the expression and the status text unless the
// base::Status is ok.
#define CHECK_OK(status)                                                             \
  do {                                                                               \
    const auto& check_ok_status_ = (status);                                         \
    if (!check_ok_status_.ok()) [[unlikely]]                                         \
      ::base::CheckFailed(__FILE__, __LINE__, #status, check_ok_status_.ToString()); \
  } while (false)
