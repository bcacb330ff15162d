// Proves, over seeded random cases on the sample config, that escalation does not depend on how
// time is sliced: advancing once or in many steps (or timer by timer) fires the same things.
#include <catch2/catch.hpp>
#include <random>

#include "router/escalation.h"
#include "tests/router/escalation/fixture.h"

using namespace escalation_test;

namespace {

struct Fired {
  std::vector<std::string> lines;
  void Add(const router::AdvanceResult& r) {
    for (const auto& e : StepsOf(r))
      lines.push_back("step " + base::FormatInstant(e.at) + " " + std::to_string(e.cycle) + "/" +
                      std::to_string(e.step));
    for (const auto& p : PagesOf(r))
      lines.push_back("page " + base::FormatInstant(p.at) + " " + p.engineer + " " +
                      router::PageCauseName(p.cause) + " " + p.target);
    for (const auto& w : WarningsOf(r)) lines.push_back("warning " + base::FormatInstant(w.at));
    for (const auto& b : BreachesOf(r)) lines.push_back("breach " + base::FormatInstant(b.at));
  }
  // Each kind is time-ordered within a result; across results compare as a sorted multiset.
  std::vector<std::string> Sorted() const {
    auto v = lines;
    std::sort(v.begin(), v.end());
    return v;
  }
};

}  // namespace

TEST_CASE("advancing in one go, in random slices or timer by timer fires the same") {
  const auto c = SampleConfig();
  const router::EscalationContext ctx{&c, nullptr, nullptr};
  const char* accounts[] = {kNorthwind, kContoso, "999900001111"};
  const char* services[] = {"medialive", "cloudfront", "mediapackage", "amazon-rds"};
  const auto base = At("2026-11-20T00:00:00Z");
  const uint32_t seed = 20261124;
  std::mt19937 rng(seed);
  for (int n = 0; n < 150; ++n) {
    const char* account = accounts[rng() % 3];
    const char* service = services[rng() % 4];
    const int level = 1 + static_cast<int>(rng() % 4);
    const Timestamp opened = base + std::chrono::minutes(rng() % (60 * 24 * 14));
    const Timestamp until = opened + std::chrono::hours(24 * 5);
    INFO("seed " << seed << " case " << n << ": " << account << " " << service << " level " << level
                 << " opened " << base::FormatInstant(opened));
    auto start = router::Start(c, account, service, level, opened);
    REQUIRE(start.ok());

    Fired once;
    auto r = router::Advance(*start, until, ctx);
    once.Add(r);

    // Random slices of up to 3 hours.
    Fired sliced;
    router::EscalationState s = *start;
    for (Timestamp t = opened; t < until;) {
      t = std::min(until, t + std::chrono::minutes(rng() % 180));
      auto step = router::Advance(s, t, ctx);
      sliced.Add(step);
      s = step.state;
    }

    // Timer by timer, as the engine will drive it: wake exactly at NextActionAt.
    Fired timers;
    s = *start;
    std::optional<Timestamp> next = opened;
    int wakeups = 0;
    while (next && *next <= until) {
      REQUIRE(++wakeups < 10000);
      auto step = router::Advance(s, *next, ctx);
      timers.Add(step);
      s = step.state;
      REQUIRE((!step.next_action_at || *step.next_action_at > *next));
      next = step.next_action_at;
    }

    CHECK(sliced.Sorted() == once.Sorted());
    CHECK(timers.Sorted() == once.Sorted());
    CHECK(once.lines.size() >= 2);  // at least a step and a page or the breach
  }
}
