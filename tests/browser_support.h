// Headless Chromium (Debian's chromium, from ops/bootstrap) for the tests that look at a page in
// a real browser: the html report (tests/report) and serve's dashboard (tests/web).
//
// Every Chromium run is bounded (60 s) and stopped by PID: its process group, and any process
// it left behind (crash handlers that detach), which the test collects as a subreaper. So a
// binary using this must not have other children of its own alive across a RunChromium call
// unless it lists them in `keep` (serve and the broker, in the dashboard test).
#pragma once

#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/test_support.h"

namespace browser_testing {

inline constexpr const char* kChromium = "/usr/bin/chromium";

struct Browser {
  int exit_code = -1;
  bool timed_out = false;
  std::string out;
  std::string err;
};

// Runs headless Chromium on `url` (file://... or http://...) with `flags`, in a fresh profile
// and HOME under `dir`, bounded by 60 s; before returning, kills and reaps every child of this
// process except those in `keep` (the browser's leftovers, reparented here).
Browser RunChromium(const testing_support::TempDir& dir, const std::string& url,
                    const std::vector<std::string>& flags, const std::vector<pid_t>& keep = {});

// The page's console messages as Chromium logs them ("...:CONSOLE:1] "msg", source: ...") and
// uncaught exceptions.
std::vector<std::string> ConsoleLines(const std::string& log);

// What tests/report/png_colours.py says of a PNG: {"width", "height", "colours",
// "non_background", "found"} with `expected` colours (RRGGBB) found exactly.
nlohmann::json PngColours(const std::string& png, const std::vector<std::string>& expected);

}  // namespace browser_testing
