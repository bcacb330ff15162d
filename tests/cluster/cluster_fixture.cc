#include "tests/cluster/cluster_fixture.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

namespace cluster_fixture {

using ingest_test::Broker;
using nlohmann::json;
using testing_support::TempDir;

namespace {
constexpr long long kFirstAccount = 210000000000LL;
}  // namespace

std::string AccountOf(int i, int accounts) {
  const int k = i % accounts;
  return k == 0 ? serve_fixture::kAccount : std::to_string(kFirstAccount + k);
}

std::string CaseOf(const std::string& case_id, const std::string& account, base::Timestamp at) {
  json j = json::parse(serve_fixture::CreateCase(case_id, at));
  j["account"] = account;
  return j.dump();
}

std::string WriteConfig(const TempDir& dir, int bob_s, int gus_s, int accounts) {
  const std::string path = serve_fixture::WriteConfig(dir, bob_s, gus_s);
  std::string text = testing_support::ReadFile(path);
  std::string more;
  for (int i = 1; i < accounts; ++i) {
    more += "  - account: \"" + std::to_string(kFirstAccount + i) + "\"\n    name: Customer " +
            std::to_string(i) +
            "\n    plan: annual\n    addons: [oncall_24x7]\n    calendar: us-east-business\n"
            "    eae: alice\n    edm: femi\n    workflows: [live-linear]\n"
            "    engagement: {start: 2026-07-01, end: 2027-06-30}\n";
  }
  const size_t at = text.find("customers:\n");
  REQUIRE(at != std::string::npos);
  text.insert(at + std::string("customers:\n").size(), more);
  testing_support::WriteFile(path, text);
  return path;
}

std::vector<std::string> WriteCases(const std::filesystem::path& path, const std::string& prefix,
                                    int from, int to, int accounts, base::Timestamp at) {
  std::string feed;
  std::vector<std::string> cases;
  for (int i = from; i < to; ++i) {
    cases.push_back(prefix + std::to_string(i));
    feed += CaseOf(cases.back(), AccountOf(i, accounts), at) + "\n";
  }
  testing_support::WriteFile(path, feed);
  return cases;
}

void PublishFile(const Broker& broker, const std::filesystem::path& path) {
  auto published = ingest_test::Run(
      {serve_fixture::Bin(), "publish", "--brokers", broker.bootstrap, path.string()});
  INFO(published.err);
  REQUIRE(published.exit_code == 0);
}

std::vector<std::string> PublishCases(const Broker& broker, const TempDir& dir,
                                      const std::string& prefix, int n) {
  const auto path = dir.path() / (prefix + "feed.jsonl");
  auto cases = WriteCases(path, prefix, 0, n, 6, serve_fixture::Now());
  PublishFile(broker, path);
  return cases;
}

std::vector<std::string> ClusterArgs(const Broker& broker, const std::string& config,
                                     const std::string& data) {
  auto args = serve_fixture::ServeArgs(broker, config, data);
  args.insert(args.end(), {"--changelog-topic", "escalator.changelog"});
  return args;
}

Instance InstanceIn(const TempDir& dir, const std::string& name) {
  return {(dir.path() / name).string(), (dir.path() / (name + ".err")).string()};
}

std::unique_ptr<ingest_test::ChildProcess> StartInstance(const Broker& broker,
                                                         const std::string& config,
                                                         const Instance& instance,
                                                         const std::vector<std::string>& extra) {
  auto args = ClusterArgs(broker, config, instance.data);
  args.insert(args.end(), extra.begin(), extra.end());
  auto serve = std::make_unique<ingest_test::ChildProcess>(args, instance.err);
  REQUIRE(serve_fixture::WaitForText(instance.err, "assigned", std::chrono::seconds(30)));
  return serve;
}

bool WaitUntil(const std::function<bool()>& done, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return true;
}

std::string Readyz(const std::string& base_url) {
  return ingest_test::Run({"/usr/bin/curl", "-s", "-w", "\n%{http_code}", base_url + "/readyz"})
      .out;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

ingest_test::Output ReadLog(const std::string& data) {
  ingest_test::Output log;
  for (int attempt = 0; attempt < 25; ++attempt) {
    log = ingest_test::Run({serve_fixture::Bin(), "log", "--data", data});
    if (log.exit_code == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  INFO(log.err);
  REQUIRE(log.exit_code == 0);
  return log;
}

std::map<std::string, std::vector<std::string>> PagesByCase(const std::string& data) {
  std::map<std::string, std::vector<std::string>> out;
  if (!std::filesystem::exists(data)) return out;
  auto log = ReadLog(data);
  for (const auto& line : Lines(log.out)) {
    json j = json::parse(line);
    if (j["type"] == "paged") {
      out[j["case"].get<std::string>()].push_back(j["engineer"].get<std::string>());
    }
  }
  return out;
}

std::map<std::string, int> OpenedByCase(const std::string& data) {
  if (!std::filesystem::exists(data)) return {};
  auto log = ReadLog(data);
  std::map<std::string, int> out;
  for (const auto& line : Lines(log.out)) {
    json j = json::parse(line);
    if (j["type"] == "case_opened") ++out[j["case"].get<std::string>()];
  }
  return out;
}

bool WaitForPages(const std::string& data, const std::vector<std::string>& cases, size_t n) {
  return WaitUntil([&] {
    auto pages = PagesByCase(data);
    for (const auto& c : cases) {
      if (pages[c].size() < n) return false;
    }
    return true;
  });
}

}  // namespace cluster_fixture
