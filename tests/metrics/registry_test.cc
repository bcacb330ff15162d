// The registry: exact rendered text for every kind, families and label sets in registration
// order, collectors, concurrent updates, and promtool's verdict on what it renders.
#include "metrics/registry.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <csignal>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "tests/test_support.h"

namespace {

// Runs `promtool check metrics` (it reads the exposition on stdin) over `text`.
testing_support::CommandResult PromtoolCheck(const std::string& text) {
  testing_support::TempDir dir;
  const auto file = dir.path() / "metrics.txt";
  testing_support::WriteFile(file, text);
  return testing_support::RunCommand(
      {"/bin/sh", "-c", "exec /usr/bin/promtool check metrics < '" + file.string() + "'"});
}

// Runs `fn` in a child process; returns its stderr if it aborted, else "(no abort)". No core
// file: the abort is expected.
std::string AbortMessage(const std::function<void()>& fn) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    // Catch2's own SIGABRT handler would report the expected abort as a failure on stdout.
    std::signal(SIGABRT, SIG_DFL);
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    fn();
    _exit(0);
  }
  close(fds[1]);
  std::string err;
  char buf[512];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) err.append(buf, n);
  close(fds[0]);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT ? err : "(no abort)";
}

}  // namespace

TEST_CASE("counters and gauges render with one HELP and TYPE per family, in registration order") {
  metrics::Registry r;
  auto& pending = r.AddGauge("escalator_timers_pending", "Due timers not yet fired.");
  auto& in_feed =
      r.AddCounter("escalator_inputs_total", "Inputs consumed.", {{"topic", "support.cases"}});
  auto& in_cmd =
      r.AddCounter("escalator_inputs_total", "Ignored: the family's help is the first one.",
                   {{"topic", "escalator.commands"}});
  pending.Set(3);
  pending.Add(-0.5);
  in_feed.Add(41);
  in_feed.Add();
  in_cmd.Add(0);
  CHECK(r.Render() ==
        "# HELP escalator_timers_pending Due timers not yet fired.\n"
        "# TYPE escalator_timers_pending gauge\n"
        "escalator_timers_pending 2.5\n"
        "# HELP escalator_inputs_total Inputs consumed.\n"
        "# TYPE escalator_inputs_total counter\n"
        "escalator_inputs_total{topic=\"support.cases\"} 42\n"
        "escalator_inputs_total{topic=\"escalator.commands\"} 0\n");
}

TEST_CASE("registering a name and labels again returns the same metric") {
  metrics::Registry r;
  auto& a = r.AddCounter("x_total", "X.", {{"k", "1"}});
  auto& b = r.AddCounter("x_total", "X.", {{"k", "1"}});
  auto& c = r.AddCounter("x_total", "X.", {{"k", "2"}});
  CHECK(&a == &b);
  CHECK(&a != &c);
  auto& h1 = r.AddHistogram("h_seconds", "H.", {0.1, 1});
  auto& h2 = r.AddHistogram("h_seconds", "H.", {0.1, 1, INFINITY});  // +Inf is implied
  CHECK(&h1 == &h2);
  auto& g1 = r.AddGauge("g", "G.");
  CHECK(&g1 == &r.AddGauge("g", "G."));
}

TEST_CASE("labels render in the order given, their values escaped; HELP is escaped too") {
  metrics::Registry r;
  r.AddGauge("escalator_odd", "Line one\nand a back\\slash, \"quoted\".",
             {{"z", "last\\one"}, {"a", "say \"hi\"\nbye"}})
      .Set(-1);
  CHECK(r.Render() ==
        "# HELP escalator_odd Line one\\nand a back\\\\slash, \"quoted\".\n"
        "# TYPE escalator_odd gauge\n"
        "escalator_odd{z=\"last\\\\one\",a=\"say \\\"hi\\\"\\nbye\"} -1\n");
}

TEST_CASE("a histogram renders cumulative buckets ending in +Inf, then its sum and count") {
  metrics::Registry r;
  auto& h = r.AddHistogram("escalator_store_write_seconds", "Store write time.",
                           {0.001, 0.005, 0.25, 1}, {{"sync", "true"}});
  for (double v : {0.0005, 0.001, 0.004, 0.3, 2.0, 7.0}) h.Observe(v);
  auto& bare = r.AddHistogram("escalator_batch_bytes", "Batch size.", {1024});
  (void)bare;
  CHECK(r.Render() ==
        "# HELP escalator_store_write_seconds Store write time.\n"
        "# TYPE escalator_store_write_seconds histogram\n"
        "escalator_store_write_seconds_bucket{sync=\"true\",le=\"0.001\"} 2\n"
        "escalator_store_write_seconds_bucket{sync=\"true\",le=\"0.005\"} 3\n"
        "escalator_store_write_seconds_bucket{sync=\"true\",le=\"0.25\"} 3\n"
        "escalator_store_write_seconds_bucket{sync=\"true\",le=\"1\"} 4\n"
        "escalator_store_write_seconds_bucket{sync=\"true\",le=\"+Inf\"} 6\n"
        "escalator_store_write_seconds_sum{sync=\"true\"} 9.3055\n"
        "escalator_store_write_seconds_count{sync=\"true\"} 6\n"
        "# HELP escalator_batch_bytes Batch size.\n"
        "# TYPE escalator_batch_bytes histogram\n"
        "escalator_batch_bytes_bucket{le=\"1024\"} 0\n"
        "escalator_batch_bytes_bucket{le=\"+Inf\"} 0\n"
        "escalator_batch_bytes_sum 0\n"
        "escalator_batch_bytes_count 0\n");
}

TEST_CASE("a NaN observation counts only in +Inf; gauges print +Inf, -Inf and NaN") {
  metrics::Registry r;
  auto& h = r.AddHistogram("h", "H.", {1});
  h.Observe(std::nan(""));
  auto s = h.Read();
  CHECK(s.cumulative == std::vector<uint64_t>{0});
  CHECK(s.count == 1);
  CHECK(std::isnan(s.sum));
  r.AddGauge("g", "G.", {{"v", "inf"}}).Set(INFINITY);
  r.AddGauge("g", "G.", {{"v", "-inf"}}).Set(-INFINITY);
  r.AddGauge("g", "G.", {{"v", "nan"}}).Set(std::nan(""));
  const std::string text = r.Render();
  CHECK(text.find("h_sum NaN\n") != std::string::npos);
  CHECK(text.find("g{v=\"inf\"} +Inf\ng{v=\"-inf\"} -Inf\ng{v=\"nan\"} NaN\n") !=
        std::string::npos);
}

TEST_CASE("collectors run at each Render and may register label sets that appear later") {
  metrics::Registry r;
  r.AddCounter("escalator_polls_total", "Polls.");
  std::vector<std::pair<int, int>> lag_by_partition;  // what the consumer would report
  r.AddCollector([&](metrics::Registry& reg) {
    for (auto [partition, lag] : lag_by_partition) {
      reg.AddGauge("escalator_consumer_lag", "Messages behind.",
                   {{"partition", std::to_string(partition)}})
          .Set(lag);
    }
  });
  CHECK(r.Render() ==
        "# HELP escalator_polls_total Polls.\n"
        "# TYPE escalator_polls_total counter\n"
        "escalator_polls_total 0\n");
  lag_by_partition = {{0, 5}, {1, 0}};
  CHECK(r.Render() ==
        "# HELP escalator_polls_total Polls.\n"
        "# TYPE escalator_polls_total counter\n"
        "escalator_polls_total 0\n"
        "# HELP escalator_consumer_lag Messages behind.\n"
        "# TYPE escalator_consumer_lag gauge\n"
        "escalator_consumer_lag{partition=\"0\"} 5\n"
        "escalator_consumer_lag{partition=\"1\"} 0\n");
  lag_by_partition = {{1, 7}};
  CHECK(r.Render().find("escalator_consumer_lag{partition=\"0\"} 5\n"
                        "escalator_consumer_lag{partition=\"1\"} 7\n") != std::string::npos);
}

TEST_CASE("concurrent Adds and Observes from several threads, beside Renders, total right") {
  metrics::Registry r;
  auto& c = r.AddCounter("c_total", "C.");
  auto& g = r.AddGauge("g", "G.");
  auto& h = r.AddHistogram("h", "H.", {0.5});
  constexpr int kThreads = 4;
  constexpr int kEach = 100000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Each thread registers its own label set too, racing the others and the renderer.
      auto& mine = r.AddCounter("per_thread_total", "P.", {{"t", std::to_string(t)}});
      for (int i = 0; i < kEach; ++i) {
        c.Add();
        mine.Add(2);
        g.Add(1);
        h.Observe(i % 2 == 0 ? 0.25 : 1.0);  // sums stay exact: whole quarters
      }
    });
  }
  for (int i = 0; i < 20; ++i) CHECK(!r.Render().empty());
  for (auto& t : threads) t.join();
  CHECK(c.value() == kThreads * kEach);
  CHECK(g.value() == kThreads * kEach);
  for (int t = 0; t < kThreads; ++t) {
    CHECK(r.AddCounter("per_thread_total", "P.", {{"t", std::to_string(t)}}).value() == 2 * kEach);
  }
  auto s = h.Read();
  CHECK(s.cumulative == std::vector<uint64_t>{kThreads * kEach / 2});
  CHECK(s.count == kThreads * kEach);
  CHECK(s.sum == kThreads * kEach / 2 * (0.25 + 1.0));
}

TEST_CASE("promtool accepts a rendered registry with every kind, labels and escapes") {
  metrics::Registry r;
  r.AddCounter("escalator_inputs_total", "Inputs consumed, by topic.", {{"topic", "a\"b\\c"}})
      .Add(7);
  r.AddCounter("escalator_inputs_total", "Inputs consumed, by topic.", {{"topic", "x\ny"}});
  r.AddGauge("escalator_timers_pending", "Due timers not yet fired.\nSecond line.").Set(12);
  r.AddGauge("escalator_consumer_lag", "Messages behind.", {{"partition", "0"}}).Set(NAN);
  auto& h = r.AddHistogram("escalator_store_write_seconds", "Store write time.",
                           {0.0005, 0.001, 0.01, 0.1, 1});
  for (double v : {0.0001, 0.002, 0.5, 3.0}) h.Observe(v);
  const std::string text = r.Render();
  const auto result = PromtoolCheck(text);
  INFO(text);
  INFO("promtool stdout: " << result.out << "\nstderr: " << result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.out.empty());
  CHECK(result.err.empty());
}

TEST_CASE("promtool rejects a bad exposition, so the check above can fail") {
  // A counter without _total (a lint problem, exit 3), and a malformed line (exit 1).
  auto lint = PromtoolCheck(
      "# HELP escalator_inputs Inputs.\n# TYPE escalator_inputs counter\nescalator_inputs 1\n");
  CHECK(lint.exit_code != 0);
  CHECK((lint.out + lint.err).find("should have \"_total\" suffix") != std::string::npos);
  auto parse = PromtoolCheck("escalator_inputs_total{topic=\"unterminated} 1\n");
  CHECK(parse.exit_code != 0);
  CHECK(!parse.err.empty());
}

TEST_CASE("misregistrations abort, naming the metric") {
  auto misuse = [](const std::function<void(metrics::Registry&)>& fn) {
    return AbortMessage([&] {
      metrics::Registry r;
      fn(r);
    });
  };
  using Catch::Matchers::Contains;
  CHECK_THAT(misuse([](auto& r) { r.AddCounter("escalator_inputs", "I."); }),
             Contains("escalator_inputs") && Contains("_total"));
  CHECK_THAT(misuse([](auto& r) { r.AddGauge("escalator_lag_total", "L."); }),
             Contains("escalator_lag_total"));
  CHECK_THAT(misuse([](auto& r) { r.AddGauge("bad-name", "B."); }), Contains("bad-name"));
  CHECK_THAT(misuse([](auto& r) { r.AddGauge("g", "G.", {{"__x", "1"}}); }), Contains("__x"));
  CHECK_THAT(misuse([](auto& r) {
               r.AddGauge("g", "G.", {{"a", "1"}, {"a", "2"}});
             }),
             Contains("repeated"));
  CHECK_THAT(misuse([](auto& r) {
               r.AddHistogram("h", "H.", {1}, {{"le", "1"}});
             }),
             Contains("le"));
  CHECK_THAT(misuse([](auto& r) { r.AddHistogram("h", "H.", {1, 1}); }), Contains("ascending"));
  CHECK_THAT(misuse([](auto& r) {
               r.AddHistogram("h", "H.", {1, 2});
               r.AddHistogram("h", "H.", {1, 3});
             }),
             Contains("other bounds"));
  CHECK_THAT(misuse([](auto& r) {
               r.AddGauge("x", "X.");
               r.AddHistogram("x", "X.", {1});
             }),
             Contains("registered as a gauge and as a histogram"));
  CHECK(misuse([](auto& r) { r.AddGauge("fine", "F.", {{"a", "1"}}); }) == "(no abort)");
}
