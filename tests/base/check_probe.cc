#include "tests/base/check_probe.h"

#include <string>

#include "base/check.h"

namespace check_probe {

void CheckOne(int x) { CHECK(x == 1, "x is " + std::to_string(x)); }

void CheckOneBare(int x) { CHECK(x == 1); }

void CheckOk(const base::Status& status) { CHECK_OK(status); }

}  // namespace check_probe
