// Proves the report's arithmetic and assembly: nearest-rank percentiles, the interruption
// split in an engineer's zone, group accumulators that merge to what adding gives, the window
// (clocks by their start; facts after the end ignored), groups, and the CSV per RFC 4180.
#include "report/report.h"

#include <date/tz.h>

#include <catch2/catch.hpp>
#include <sstream>

#include "report/figures.h"
#include "report/render.h"
#include "tests/report/report_samples.h"

namespace {

using namespace report;
using namespace report_testing;
using std::chrono::milliseconds;
using std::chrono::seconds;

Samples Of(std::initializer_list<int64_t> secs) {
  Samples s;
  for (int64_t x : secs) s.Add(seconds(x));
  return s;
}

// Two cases of Northwind: one met at level 1, one breached at level 2 with a follow-up clock;
// and one of Contoso opened before the window.
std::vector<CaseSummary> ThreeCases() {
  Story a("case-a");
  a.Open("2026-11-10T10:00:00Z", 1);
  a.Route("2026-11-10T10:00:00Z", 1, "2026-11-10T10:15:00Z");
  a.Step("2026-11-10T10:00:00Z", 0, 0, {"p1"});
  a.Ack("2026-11-10T10:04:00Z", "p1");
  Story b("case-b");
  b.Open("2026-11-10T23:00:00Z", 2);
  b.Route("2026-11-10T23:00:00Z", 2, "2026-11-11T00:00:00Z");
  b.Step("2026-11-10T23:00:00Z", 0, 0, {"p2"});
  b.Breach("2026-11-11T00:00:00Z", "2026-11-11T00:00:00Z");
  b.Ack("2026-11-11T00:30:00Z", "p2");
  b.Route("2026-11-11T02:00:00Z", 2, "2026-11-11T03:00:00Z", router::ReasonCode::kFollowUpOwner);
  b.Step("2026-11-11T02:00:00Z", 0, 0, {"p2"});
  Story c("case-c");
  c.Open("2026-11-09T10:00:00Z", 3, "444455556666");
  c.Route("2026-11-09T10:00:00Z", 3, "2026-11-09T14:00:00Z");
  c.Step("2026-11-09T10:00:00Z", 0, 0, {"s1"});
  return {a.summary(), b.summary(), c.summary()};
}

Report Build(const std::vector<CaseSummary>& cases, const char* from, const char* to, GroupBy by,
             const config::Config* config = nullptr) {
  ReportBuilder builder({T(from), T(to), by, config});
  for (const auto& c : cases) builder.AddCase(c);
  return builder.Finish();
}

// Splits RFC 4180 text into records of fields (quoted fields may hold commas and CRLF).
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> records(1, std::vector<std::string>(1));
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (quoted) {
      if (ch == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        records.back().back() += '"';
        ++i;
      } else if (ch == '"') {
        quoted = false;
      } else {
        records.back().back() += ch;
      }
    } else if (ch == '"') {
      quoted = true;
    } else if (ch == ',') {
      records.back().emplace_back();
    } else if (ch == '\r') {
      REQUIRE(i + 1 < text.size());
      REQUIRE(text[i + 1] == '\n');  // every record ends with CRLF
      ++i;
      records.emplace_back(1);
    } else {
      REQUIRE(ch != '\n');  // a bare LF outside quotes
      records.back().back() += ch;
    }
  }
  REQUIRE(records.back() == std::vector<std::string>{""});  // the text ended with CRLF
  records.pop_back();
  return records;
}

}  // namespace

TEST_CASE("Percentiles are nearest-rank: the sample of rank ceil(p × n / 100)", "[report]") {
  const Samples ten = Of({10, 1, 9, 2, 8, 3, 7, 4, 6, 5});
  CHECK(ten.Percentile(50) == seconds(5));
  CHECK(ten.Percentile(90) == seconds(9));  // not 10: 90 × 10 / 100 is exactly rank 9
  CHECK(ten.Percentile(99) == seconds(10));
  CHECK(ten.Percentile(100) == seconds(10));
  CHECK(Of({7}).Percentile(50) == seconds(7));
  CHECK(Of({3, 9}).Percentile(50) == seconds(3));
  CHECK_FALSE(Samples().Percentile(50));
  Samples hundred;
  for (int i = 1; i <= 100; ++i) hundred.Add(milliseconds(i));
  CHECK(hundred.Percentile(99) == milliseconds(99));
}

TEST_CASE("Interruptions split by the engineer's own wall clock", "[report]") {
  const date::time_zone* ny = date::locate_zone("America/New_York");
  // Tuesday 2026-11-10.
  CHECK(ClassifyInterruption(T("2026-11-10T08:00:00Z"), nullptr) == Interruption::kBusiness);
  CHECK(ClassifyInterruption(T("2026-11-10T17:59:59Z"), nullptr) == Interruption::kBusiness);
  CHECK(ClassifyInterruption(T("2026-11-10T18:00:00Z"), nullptr) == Interruption::kOffHours);
  CHECK(ClassifyInterruption(T("2026-11-10T22:00:00Z"), nullptr) == Interruption::kSleep);
  CHECK(ClassifyInterruption(T("2026-11-10T07:59:00Z"), nullptr) == Interruption::kSleep);
  // Saturday daytime is off-hours; Saturday night is sleep.
  CHECK(ClassifyInterruption(T("2026-11-14T12:00:00Z"), nullptr) == Interruption::kOffHours);
  CHECK(ClassifyInterruption(T("2026-11-14T23:00:00Z"), nullptr) == Interruption::kSleep);
  // 14:00Z is 09:00 in New York (business); 03:00Z Wednesday is 22:00 Tuesday there (sleep).
  CHECK(ClassifyInterruption(T("2026-11-10T14:00:00Z"), ny) == Interruption::kBusiness);
  CHECK(ClassifyInterruption(T("2026-11-11T03:00:00Z"), ny) == Interruption::kSleep);
  CHECK(ClassifyInterruption(T("2026-11-10T12:00:00Z"), ny) == Interruption::kSleep);
}

TEST_CASE("Group figures merged from parts equal the figures of the whole", "[report]") {
  const auto cases = ThreeCases();
  const Timestamp to = T("2026-11-12T00:00:00Z");
  GroupFigures whole, part1, part2;
  int i = 0;
  for (const auto& c : cases) {
    for (const auto& clock : c.clocks) {
      const ClockOutcome o = Evaluate(clock, to, nullptr);
      whole.Add(o);
      (i++ % 2 == 0 ? part1 : part2).Add(o);
    }
  }
  part2.Merge(part1);
  CHECK(part2.clocks == whole.clocks);
  CHECK(part2.met == whole.met);
  CHECK(part2.breached == whole.breached);
  CHECK(part2.open == whole.open);
  CHECK(part2.pages == whole.pages);
  CHECK(part2.deepest_step == whole.deepest_step);
  for (int p : {50, 90, 99, 100}) {
    CHECK(part2.first_response.Percentile(p) == whole.first_response.Percentile(p));
  }
}

TEST_CASE("The window takes clocks by their start and judges them as of its end", "[report]") {
  const auto cases = ThreeCases();
  SECTION("by level") {
    const Report r = Build(cases, "2026-11-10T00:00:00Z", "2026-11-12T00:00:00Z", GroupBy::kLevel);
    REQUIRE(r.groups.size() == 2);  // case-c started before the window
    CHECK(r.groups[0].key == "1");
    CHECK(r.groups[0].figures.met == 1);
    CHECK(r.groups[0].figures.Compliance() == 1.0);
    CHECK(r.groups[1].key == "2");
    CHECK(r.groups[1].figures.clocks == 2);    // the opening and the follow-up
    CHECK(r.groups[1].figures.breached == 2);  // the follow-up's due passed unanswered
    CHECK(r.groups[1].figures.Compliance() == 0.0);
    CHECK(r.total.clocks == 3);
    CHECK(r.total.first_response.Percentile(100) == std::chrono::minutes(90));
    REQUIRE(r.breaches.size() == 2);
    CHECK(r.breaches[0].case_id == "case-b");
    CHECK(r.breaches[0].kind == ClockKind::kOpened);
    CHECK(r.breaches[0].first_response == T("2026-11-11T00:30:00Z"));
    CHECK(r.breaches[1].kind == ClockKind::kFollowUp);
    CHECK_FALSE(r.breaches[1].first_response);
    // Pages add up the same by group and by engineer.
    int64_t pages = 0;
    for (const auto& e : r.engineers) pages += e.load.pages;
    CHECK(pages == r.total.pages);
    REQUIRE(r.engineers.size() == 2);
    CHECK(r.engineers[1].engineer == "p2");
    CHECK(r.engineers[1].load.acks == 1);
    CHECK(r.engineers[1].load.to_ack.Percentile(50) == std::chrono::minutes(90));
    CHECK(r.engineers[1].load.sleep == 2);  // 23:00Z and 02:00Z in UTC
  }
  SECTION("a window ending mid-case sees it as it was then") {
    const Report r = Build(cases, "2026-11-10T00:00:00Z", "2026-11-10T23:30:00Z", GroupBy::kLevel);
    REQUIRE(r.groups.size() == 2);
    CHECK(r.groups[1].figures.clocks == 1);  // the follow-up had not started
    CHECK(r.groups[1].figures.open == 1);
    CHECK(r.breaches.empty());
  }
  SECTION("an empty window") {
    const Report r = Build(cases, "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z", GroupBy::kLevel);
    CHECK(r.groups.empty());
    CHECK(r.total.clocks == 0);
    CHECK_FALSE(r.total.Compliance());
    CHECK(r.breaches.empty());
    CHECK(r.engineers.empty());
  }
  SECTION("by customer, engineer and schedule") {
    auto config = TestConfig();
    const Report by_customer = Build(cases, "2026-11-01T00:00:00Z", "2026-11-12T00:00:00Z",
                                     GroupBy::kCustomer, config.get());
    REQUIRE(by_customer.groups.size() == 2);
    CHECK(by_customer.groups[0].key == "111122223333");
    CHECK(by_customer.groups[0].name == "Northwind Sports");
    CHECK(by_customer.groups[0].figures.clocks == 3);
    const Report by_engineer = Build(cases, "2026-11-01T00:00:00Z", "2026-11-12T00:00:00Z",
                                     GroupBy::kEngineer, config.get());
    REQUIRE(by_engineer.groups.size() == 3);
    CHECK(by_engineer.groups[1].key == "p2");
    CHECK(by_engineer.groups[1].name == "Primary Two");
    CHECK(by_engineer.groups[1].figures.clocks == 2);
    const Report by_schedule = Build(cases, "2026-11-01T00:00:00Z", "2026-11-12T00:00:00Z",
                                     GroupBy::kSchedule, config.get());
    REQUIRE(by_schedule.groups.size() == 1);
    CHECK(by_schedule.groups[0].key == "primary");
  }
}

TEST_CASE("Group names parse; anything else is refused", "[report]") {
  CHECK(ParseGroupBy("level") == GroupBy::kLevel);
  CHECK(ParseGroupBy("schedule") == GroupBy::kSchedule);
  CHECK_FALSE(ParseGroupBy("severity"));
  CHECK_FALSE(ParseGroupBy(""));
  CHECK(std::string(GroupByName(GroupBy::kService)) == "service");
}

TEST_CASE("CSV follows RFC 4180: CRLF, a header, quoted fields, one width", "[report]") {
  const Report r =
      Build(ThreeCases(), "2026-11-10T00:00:00Z", "2026-11-12T00:00:00Z", GroupBy::kLevel);
  const std::string csv = RenderCsv(r);
  const auto records = ParseCsv(csv);
  REQUIRE(records.size() == 1 + 2 + 1 + 2 + 2);  // header, groups, total, breaches, engineers
  for (const auto& rec : records) CHECK(rec.size() == records[0].size());
  CHECK(records[0][0] == "section");
  auto column = [&](const std::string& name) {
    for (size_t i = 0; i < records[0].size(); ++i) {
      if (records[0][i] == name) return i;
    }
    FAIL("no column " << name);
    return size_t{0};
  };
  CHECK(records[1][0] == "group");
  CHECK(records[1][column("key")] == "1");
  CHECK(records[1][column("compliance")] == "1.0");
  CHECK(records[1][column("first_response_p50_s")] == "240");
  CHECK(records[3][0] == "total");
  CHECK(records[4][0] == "breach");
  CHECK(records[4][column("reason")] == "not_acknowledged_in_time");
  // The detail holds commas: quoted in the text, whole once parsed.
  CHECK(records[4][column("detail")] ==
        "1 page to p2, none acknowledged by the due 2026-11-11T00:00:00Z");
  CHECK(csv.find("\"1 page to p2, none acknowledged") != std::string::npos);
  CHECK(records[6][0] == "engineer");
  CHECK(records[7][column("key")] == "p2");
  CHECK(records[7][column("schedules")] == "primary=2");
}
