// Calls of CHECK and CHECK_OK for check_test.cc, compiled apart from it: Catch2 defines its own
// CHECK, so a test file cannot include base/check.h.
#pragma once

#include "base/status.h"

namespace check_probe {

// CHECK(x == 1, "x is <x>").
void CheckOne(int x);
// CHECK(x == 1), without a message.
void CheckOneBare(int x);
// CHECK_OK(status).
void CheckOk(const base::Status& status);

}  // namespace check_probe
