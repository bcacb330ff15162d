#include "tests/cli/serve_fixture.h"

#include <signal.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

namespace serve_fixture {

using ingest_test::Broker;
using ingest_test::ChildProcess;
using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using testing_support::TempDir;

std::string Bin() { return testing_support::EscalatorBin(); }

base::Timestamp Now() { return std::chrono::floor<milliseconds>(std::chrono::system_clock::now()); }

// The sample config with a level-1 policy fast enough for a test and independent
// of who is on call: alice at once, bob after `bob_s` seconds, gus after `gus_s`.
std::string WriteConfig(const TempDir& dir, int bob_s, int gus_s, const std::string& pager_yaml) {
  std::string text =
      testing_support::ReadFile(testing_support::SharedDir() / "samples" / "config.yaml");
  std::regex level1(R"(  1: \{repeat: 2, steps: \[[^\n]*\n[^\n]*\n[^\n]*\]\}\n)");
  std::string replaced = std::regex_replace(
      text, level1,
      "  1: {repeat: 0, steps: [{after: 0s, notify: [alice]}, {after: " + std::to_string(bob_s) +
          "s, notify: [bob]},\n                         {after: " + std::to_string(gus_s) +
          "s, notify: [gus]}]}\n");
  REQUIRE(replaced != text);
  auto path = dir.path() / "config.yaml";
  testing_support::WriteFile(path, replaced + pager_yaml);
  return path.string();
}

std::string CreateCase(const std::string& case_id, base::Timestamp at) {
  return CreateCase(case_id, at, "channel down", "77");
}

std::string CreateCase(const std::string& case_id, base::Timestamp at, const std::string& subject,
                       const std::string& display_id) {
  json j = {{"version", "0"},
            {"id", "env-" + case_id},
            {"detail-type", "Support Case Update"},
            {"source", "aws.support"},
            {"account", kAccount},
            {"time", base::FormatInstant(at)},
            {"region", "us-east-1"},
            {"resources", json::array()},
            {"detail",
             {{"case-id", case_id},
              {"display-id", display_id},
              {"communication-id", ""},
              {"event-name", "CreateCase"},
              {"origin", ""},
              {"case",
               {{"caseId", case_id},
                {"displayId", display_id},
                {"subject", subject},
                {"status", "opened"},
                {"serviceCode", "medialive"},
                {"categoryCode", "other"},
                {"severityCode", "critical"},
                {"submittedBy", "ops@northwind.example"},
                {"timeCreated", base::FormatInstant(at)},
                {"language", "en"}}}}}};
  return j.dump();
}

void Publish(const Broker& broker, const TempDir& dir, const std::string& line) {
  auto path = dir.path() / "feed.jsonl";
  testing_support::WriteFile(path, line + "\n");
  auto r = ingest_test::Run({Bin(), "publish", "--brokers", broker.bootstrap, path.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

std::vector<std::string> ServeArgs(const Broker& b, const std::string& config,
                                   const std::string& data) {
  return {Bin(),
          "serve",
          "--config",
          config,
          "--data",
          data,
          "--brokers",
          b.bootstrap,
          "--session-timeout-ms",
          "6000",
          "--heartbeat-interval-ms",
          "1000",
          "--summary-interval-s",
          "1"};
}

// A pager client for one engineer, JSON lines on stdout.
std::unique_ptr<ChildProcess> StartPager(const std::string& endpoint, const std::string& engineer,
                                         int timeout_s, const std::string& err_path) {
  return std::make_unique<ChildProcess>(
      std::vector<std::string>{Bin(), "pager", "--endpoint", endpoint, "--engineer", engineer,
                               "--format", "json", "--count", "1", "--timeout",
                               std::to_string(timeout_s)},
      err_path);
}

// Polls a child's stderr file until it mentions `what`, or a deadline.
bool WaitForText(const std::string& path, const std::string& what, seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    if (s.str().find(what) != std::string::npos) return true;
    std::this_thread::sleep_for(milliseconds(50));
  }
  return false;
}

std::vector<json> LogOf(const std::string& data, const std::string& case_id) {
  auto r = ingest_test::Run({Bin(), "log", "--data", data, "--case", case_id, "--format", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::vector<json> out;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

std::vector<json> OfType(const std::vector<json>& log, const std::string& type) {
  std::vector<json> out;
  for (const auto& e : log) {
    if (e.at("type") == type) out.push_back(e);
  }
  return out;
}

std::string Dump(const std::vector<json>& log) {
  std::string s;
  for (const auto& e : log) s += e.dump() + "\n";
  return s;
}

void StopServe(ChildProcess& serve, const std::string& err_path) {
  serve.Signal(SIGTERM);
  auto code = serve.Wait(seconds(30));
  INFO(testing_support::ReadFile(err_path));
  REQUIRE(code);
  REQUIRE(*code == 0);
}

std::unique_ptr<ChildProcess> StartServe(const Broker& broker, const std::string& config,
                                         const std::string& data, const std::string& endpoint,
                                         const std::string& err) {
  auto args = ServeArgs(broker, config, data);
  args.insert(args.end(), {"--pager-endpoint", endpoint});
  auto serve = std::make_unique<ChildProcess>(args, err);
  REQUIRE(WaitForText(err, "assigned", seconds(30)));
  return serve;
}

HttpServe StartServeHttp(const Broker& broker, const std::string& config, const std::string& data,
                         const std::string& err, const std::vector<std::string>& extra,
                         bool wait_assigned) {
  auto args = ServeArgs(broker, config, data);
  args.insert(args.end(), {"--http", "127.0.0.1:0"});
  args.insert(args.end(), extra.begin(), extra.end());
  HttpServe s;
  s.proc = std::make_unique<ChildProcess>(args, err);
  const std::string marker = "http: dashboard at http://127.0.0.1:";
  REQUIRE(WaitForText(err, marker, seconds(30)));
  const std::string text = testing_support::ReadFile(err);
  s.port = std::stoi(text.substr(text.find(marker) + marker.size()));
  REQUIRE(s.port > 0);
  s.base = "http://127.0.0.1:" + std::to_string(s.port);
  if (wait_assigned) REQUIRE(WaitForText(err, "assigned", seconds(30)));
  return s;
}

std::vector<json> WaitForEvents(const std::string& data, const std::string& case_id,
                                const std::string& type, size_t n, seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::vector<json> found;
  while (std::chrono::steady_clock::now() < deadline) {
    auto r =
        ingest_test::Run({Bin(), "log", "--data", data, "--case", case_id, "--format", "json"});
    if (r.exit_code == 0) {
      std::vector<json> log;
      std::istringstream in(r.out);
      for (std::string line; std::getline(in, line);) log.push_back(json::parse(line));
      found = OfType(log, type);
      if (found.size() >= n) return found;
    }
    std::this_thread::sleep_for(milliseconds(100));
  }
  return found;
}

}  // namespace serve_fixture
