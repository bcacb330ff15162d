#include "base/status.h"

#include "base/check.h"

namespace base {

std::string Status::ToString() const {
  switch (code_) {
    case Code::kOk:
      return "ok";
    case Code::kInvalidInput:
      return "invalid input: " + message_;
    case Code::kNotFound:
      return "not found: " + message_;
    case Code::kIoError:
      return "I/O error: " + message_;
    case Code::kCorruption:
      return "corruption: " + message_;
    case Code::kUnavailable:
      return "unavailable: " + message_;
  }
  return message_;
}

namespace internal {

void ValueOfError(const Status& status) {
  CheckFailed(__FILE__, __LINE__, "ok()", "Result::value() on an error: " + status.ToString());
}

void ResultOfOk() {
  CheckFailed(__FILE__, __LINE__, "!status.ok()", "a Result made from an ok Status has no value");
}

}  // namespace internal

}  // namespace base
