// The embedded broker (`escalator dev-broker`) as a child process for end-to-end
// tests: its first stdout line is the bootstrap address; control commands go to
// its stdin. SIGTERMed and reaped on destruction.
#pragma once

#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "tests/feed/child_process.h"
#include "tests/test_support.h"

namespace ingest_test {

struct Broker {
  // `partitions` per feed topic (escalator.commands and escalator.dead-letters get 1).
  explicit Broker(int partitions, const std::string& err_path)
      : proc({testing_support::EscalatorBin(), "dev-broker", "--partitions",
              std::to_string(partitions)},
             err_path) {
    auto line = proc.ReadLine(std::chrono::seconds(20));
    REQUIRE(line);
    REQUIRE(line->find("127.0.0.1:") == 0);
    bootstrap = *line;
  }
  ~Broker() {
    proc.Signal(SIGTERM);
    proc.Wait(std::chrono::seconds(10));
  }
  // Sends a control command; returns the broker's reply line.
  std::string Control(const std::string& command) {
    proc.WriteLine(command);
    auto reply = proc.ReadLine(std::chrono::seconds(10));
    return reply.value_or("<no reply>");
  }
  ChildProcess proc;
  std::string bootstrap;
};

}  // namespace ingest_test
