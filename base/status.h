// Status and Result<T>: how fallible operations at I/O boundaries report errors.
// Modeled on LevelDB/abseil semantics in a few lines of our own.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace base {

// Error classes. kInvalidInput is the caller's fault (exit code 2 on the command
// line); everything else is a runtime failure (exit code 1).
enum class Code { kOk, kInvalidInput, kNotFound, kIoError, kCorruption, kUnavailable };

// The outcome of an operation that produces no value. Cheap to copy when ok.
// [[nodiscard]], like Result: a dropped Status is an error nobody saw. Ignore one
// only by a cast to void with a comment saying why that is right.
class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidInput(std::string m) { return Status(Code::kInvalidInput, std::move(m)); }
  static Status NotFound(std::string m) { return Status(Code::kNotFound, std::move(m)); }
  static Status IoError(std::string m) { return Status(Code::kIoError, std::move(m)); }
  static Status Corruption(std::string m) { return Status(Code::kCorruption, std::move(m)); }
  static Status Unavailable(std::string m) { return Status(Code::kUnavailable, std::move(m)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "ok" or "<class>: <message>", for logs and error output.
  std::string ToString() const;

 private:
  Status(Code c, std::string m) : code_(c), message_(std::move(m)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

namespace internal {
// What Result does with a broken REQUIRES: report through base::CheckFailed (base/check.h) and
// abort, in release builds too. Out of line, so that the accessors stay small.
[[noreturn]] void ValueOfError(const Status& status);
[[noreturn]] void ResultOfOk();
}  // namespace internal

// A value or the Status explaining why there is none.
// REQUIRES: value() only when ok(); a Result is made from an error Status only. A broken
// REQUIRES aborts (CHECK), in release builds too.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}
  Result(Status status) : status_(std::move(status)) {
    if (status_.ok()) [[unlikely]]
      internal::ResultOfOk();
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & {
    if (!ok()) [[unlikely]]
      internal::ValueOfError(status_);
    return *value_;
  }
  const T& value() const& {
    if (!ok()) [[unlikely]]
      internal::ValueOfError(status_);
    return *value_;
  }
  T&& value() && {
    if (!ok()) [[unlikely]]
      internal::ValueOfError(status_);
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace base
