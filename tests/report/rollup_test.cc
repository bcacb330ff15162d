// Proves the rollups' pure parts: the histogram's bins, its stated error bound and nearest-rank
// percentiles against exact samples, exact when a bin's samples are equal; contributions that
// add and take back to nothing and sum in any order; a running clock contributing nothing; and
// the summary records decoding to what was encoded.
#include "report/rollup.h"

#include <catch2/catch.hpp>
#include <random>

#include "report/histogram.h"
#include "report/summary_codec.h"
#include "tests/report/report_samples.h"

namespace {

using namespace report;
using namespace report_testing;
using std::chrono::milliseconds;
using std::chrono::seconds;

}  // namespace

TEST_CASE("Histogram bins: exact below 256 ms, then at most 1/128 of their lower bound wide",
          "[report][rollup]") {
  for (int64_t ms : {0, 1, 127, 255}) CHECK(Histogram::LowerBound(Histogram::IndexOf(ms)) == ms);
  CHECK(Histogram::IndexOf(256) == 256);
  CHECK(Histogram::Width(Histogram::IndexOf(256)) == 2);
  CHECK(Histogram::IndexOf(-5) == 0);
  std::mt19937_64 rng(7);
  for (int i = 0; i < 100000; ++i) {
    const int64_t ms = static_cast<int64_t>(rng() >> (rng() % 40 + 10));
    const uint32_t index = Histogram::IndexOf(ms);
    const int64_t lo = Histogram::LowerBound(index);
    const int64_t width = Histogram::Width(index);
    INFO(ms << " in bin " << index << " [" << lo << ", +" << width << ")");
    REQUIRE(lo <= ms);
    REQUIRE(ms < lo + width);
    REQUIRE((lo < 256 ? width == 1 : width * 128 <= lo));
    REQUIRE(Histogram::IndexOf(lo + width) == index + 1);  // bins follow one another
  }
}

TEST_CASE("Histogram percentiles are nearest-rank, within 1/128 of the exact sample",
          "[report][rollup]") {
  std::mt19937_64 rng(16);
  for (int round = 0; round < 50; ++round) {
    Samples exact;
    Histogram h;
    const int n = 1 + static_cast<int>(rng() % 500);
    for (int i = 0; i < n; ++i) {
      const milliseconds d(static_cast<int64_t>(rng() % 20'000'000));  // up to 5.5 hours
      exact.Add(d);
      h.Add(d);
    }
    CHECK(h.count() == n);
    for (int p : {1, 50, 90, 99, 100}) {
      const int64_t want = exact.Percentile(p)->count();
      const int64_t got = h.Percentile(p)->count();
      INFO("n " << n << " p" << p << ": exact " << want << ", histogram " << got);
      CHECK(std::abs(got - want) * 128 <= std::max<int64_t>(want, 1) * 1);
    }
  }
  SECTION("exact when the samples sharing a bin are equal") {
    Histogram h;
    for (int s : {180, 360, 540, 720, 720}) h.Add(seconds(s));
    CHECK(h.Percentile(50) == seconds(540));
    CHECK(h.Percentile(90) == seconds(720));
    CHECK(h.Percentile(100) == seconds(720));
  }
  SECTION("an empty histogram has no percentile") { CHECK(!Histogram().Percentile(50)); }
}

TEST_CASE("Histograms take back what they added and encode losslessly", "[report][rollup]") {
  Histogram a;
  for (int s : {1, 2, 300, 301, 7200}) a.Add(seconds(s));
  Histogram b = a;
  b.Add(seconds(40));
  b.Remove(seconds(40));
  CHECK(b == a);
  Histogram c;
  c.Merge(a);
  c.Merge(a, -1);
  CHECK(c == Histogram());
  std::string bytes;
  router::wire::Writer w(&bytes);
  a.Encode(w, 1);
  router::wire::Reader r(bytes);
  uint32_t field;
  router::wire::Wire wire;
  REQUIRE(r.Next(&field, &wire));
  Histogram decoded;
  decoded.Decode(r, wire);
  REQUIRE(r.ok());
  CHECK(decoded == a);
  CHECK(bytes.size() < 5 * 6 + 3);  // a few bytes per bin
}

namespace {

// A met clock, a breached one with receipts, and a running one (case-a, case-b, case-c).
std::vector<CaseSummary> Cases() {
  Story a("case-a");
  a.Open("2026-11-10T10:00:00Z", 1);
  a.Route("2026-11-10T10:00:00Z", 1, "2026-11-10T10:15:00Z");
  a.Step("2026-11-10T10:00:00Z", 0, 0, {"p1"});
  a.Ack("2026-11-10T10:04:30Z", "p1");
  a.Resolve("2026-11-10T12:00:00Z");
  Story b("case-b");
  b.Open("2026-11-10T23:00:00Z", 2);
  b.Route("2026-11-10T23:00:00Z", 2, "2026-11-11T00:00:00Z");
  b.Step("2026-11-10T23:00:00Z", 0, 0, {"p2"});
  const uint64_t page = b.Page("2026-11-10T23:30:00Z", "s1", 1);
  b.Delivered("2026-11-10T23:30:02Z", page);
  b.Breach("2026-11-11T00:00:00Z", "2026-11-11T00:00:00Z");
  b.Ack("2026-11-11T00:30:00Z", "p2");
  Story c("case-c");
  c.Open("2026-11-10T11:00:00Z", 3, "444455556666");
  c.Route("2026-11-10T11:00:00Z", 3, "2026-11-10T15:00:00Z");
  c.Step("2026-11-10T11:00:00Z", 0, 0, {"s1"});
  return {a.summary(), b.summary(), c.summary()};
}

}  // namespace

TEST_CASE("A clock's contribution: nothing while it runs; as judged for ever once ended",
          "[report][rollup]") {
  auto config = TestConfig();
  const auto cases = Cases();
  const ClockRollup met = RollupOf(cases[0].clocks[0], config.get());
  CHECK(met.placement == Placement::kEnded);
  CHECK(met.level == 1);
  CHECK(met.engineer == "p1");
  CHECK(met.schedule == "primary");
  CHECK(met.figures.outcome == Outcome::kMet);
  CHECK(met.figures.first_response == seconds(270));
  CHECK(met.figures.to_resolve == seconds(7200));
  CHECK(met.horizon == T("2026-11-10T12:00:00Z"));
  REQUIRE(met.load.count("p1") == 1);
  CHECK(met.load.at("p1").acks == 1);

  const ClockRollup breached = RollupOf(cases[1].clocks[0], config.get());
  CHECK(breached.placement == Placement::kBreached);
  CHECK(breached.figures.pages == 2);
  CHECK(breached.figures.delivered == 1);
  CHECK(breached.horizon == T("2026-11-11T00:30:00Z"));

  const ClockRollup running = RollupOf(cases[2].clocks[0], config.get());
  CHECK(running.placement == Placement::kRunning);
  CHECK(running.horizon == T("2026-11-10T11:00:00Z"));

  SECTION("sums add and take back in any order") {
    RollupFigures ab, ba, none;
    ab.Add(met.figures, +1);
    ab.Add(breached.figures, +1);
    ba.Add(breached.figures, +1);
    ba.Add(met.figures, +1);
    CHECK(ab == ba);
    CHECK(ab.Encode() == ba.Encode());
    ab.Add(met.figures, -1);
    ab.Add(breached.figures, -1);
    CHECK(ab == none);
    CHECK(ab.empty());
    RollupFigures merged;
    merged.Merge(ba);
    CHECK(merged == ba);
    const GroupFigures g = ba.ToGroup();
    CHECK(g.clocks == 2);
    CHECK(g.met == 1);
    CHECK(g.breached == 1);
    CHECK(g.deepest_step == 1);
    CHECK(g.first_response.Percentile(100) == seconds(5400));
    CHECK(!g.first_response.exact());
    CHECK(RollupFigures::Decode(ba.Encode()).value() == ba);
    RollupLoad load;
    load.Add(met.load.at("p1"), +1);
    CHECK(RollupLoad::Decode(load.Encode()).value() == load);
    load.Add(met.load.at("p1"), -1);
    CHECK(load.empty());
  }
}

TEST_CASE("Summary records decode to what was encoded", "[report][rollup]") {
  for (const CaseSummary& c : Cases()) {
    for (const ClockSummary& clock : c.clocks) {
      auto decoded = DecodeClockRecord(c.case_id, EncodeClockRecord(c, clock));
      REQUIRE(decoded.ok());
      CaseSummary want = c;
      want.clocks = {clock};
      CHECK(*decoded == want);
    }
    CaseRecord record;
    record.header = c;
    record.header.clocks.clear();
    record.clock_starts = {c.clocks[0].start, c.clocks[0].start + seconds(1)};
    auto decoded = DecodeCaseRecord(c.case_id, EncodeCaseRecord(record));
    REQUIRE(decoded.ok());
    CHECK(*decoded == record);
  }
  CHECK(!DecodeClockRecord("x", "\x02").ok());  // an unknown version
  CHECK(!DecodeCaseRecord("x", "").ok());
}
