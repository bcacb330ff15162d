// Proves the reconciliation snapshot parser: a good snapshot becomes one reconcile input per
// case at taken_at; a message that is not a snapshot is refused whole with a reason naming the
// field; a bad case is refused on its own, naming its field, while the others still apply.
#include <catch2/catch.hpp>
#include <string>

#include "feed/feed_parser.h"

namespace {

using router::FeedAction;
using router::FeedParser;
using router::FeedRejection;
using router::Snapshot;

const std::map<std::string, int> kSeverities = {
    {"critical", 1}, {"urgent", 2}, {"high", 3}, {"normal", 4}, {"low", 4}};

std::string Case(const std::string& id, const std::string& status = "opened",
                 const std::string& severity = "critical",
                 const std::string& created = "2026-11-24T14:00:00Z") {
  return R"({"caseId":")" + id + R"(","displayId":"77","subject":"s","status":")" + status +
         R"(","serviceCode":"medialive","categoryCode":"c","severityCode":")" + severity +
         R"(","submittedBy":"a@b","timeCreated":")" + created +
         R"(","language":"en","recentCommunications":{"communications":[]}})";
}

std::string SnapshotOf(const std::string& cases, const std::string& account = "111122223333",
                       const std::string& taken_at = "2026-11-24T15:00:00Z") {
  return R"({"account":")" + account + R"(","taken_at":")" + taken_at + R"(","cases":[)" + cases +
         "]}";
}

const std::string kA = "case-111122223333-muen-2026-a";
const std::string kB = "case-111122223333-muen-2026-b";

router::SnapshotParseResult Parse(const std::string& bytes) {
  FeedParser p({64 * 1024, kSeverities});
  return p.ParseSnapshot(bytes);
}

std::string Rejected(const std::string& bytes) {
  auto r = Parse(bytes);
  if (auto* rej = std::get_if<FeedRejection>(&r)) return rej->reason;
  return "accepted";
}

// The reasons of the bad cases of an accepted snapshot.
std::vector<std::string> BadReasons(const std::string& bytes, size_t* good = nullptr) {
  auto r = Parse(bytes);
  REQUIRE(std::holds_alternative<Snapshot>(r));
  const auto& s = std::get<Snapshot>(r);
  if (good != nullptr) *good = s.cases.size();
  std::vector<std::string> out;
  for (const auto& b : s.bad_cases) out.push_back(b.reason);
  return out;
}

}  // namespace

TEST_CASE("a snapshot becomes one reconcile input per case, at taken_at, for its account") {
  const std::string bytes = SnapshotOf(Case(kA) + "," + Case(kB, "resolved", "low"));
  auto r = Parse(bytes);
  REQUIRE(std::holds_alternative<Snapshot>(r));
  const Snapshot& s = std::get<Snapshot>(r);
  CHECK(s.account == "111122223333");
  CHECK(s.taken_at == *base::ParseInstant("2026-11-24T15:00:00Z"));
  CHECK(s.listed == 2);
  CHECK(s.bad_cases.empty());
  REQUIRE(s.cases.size() == 2);
  for (const auto& fe : s.cases) {
    CHECK(fe.action == FeedAction::kReconcile);
    CHECK(fe.at == s.taken_at);
    CHECK(fe.account == "111122223333");
    CHECK_THAT(fe.event_id, Catch::StartsWith("snapshot/111122223333/2026-11-24T15:00:00Z/"));
    REQUIRE(fe.details);
    CHECK(fe.details->time_created == *base::ParseInstant("2026-11-24T14:00:00Z"));
  }
  CHECK(s.cases[0].case_id == kA);
  CHECK(s.cases[0].details->status == "opened");
  CHECK(s.cases[1].details->status == "resolved");
  CHECK(s.cases[1].details->severity_code == "low");
  // The same bytes give the same id (a redelivery); other bytes another one.
  auto again = Parse(bytes);
  CHECK(std::get<Snapshot>(again).cases[0].event_id == s.cases[0].event_id);
  auto other = Parse(SnapshotOf(Case(kA)));
  CHECK(std::get<Snapshot>(other).cases[0].event_id != s.cases[0].event_id);
  // An account with no open case lists none: a valid snapshot that changes nothing.
  auto empty = Parse(SnapshotOf(""));
  REQUIRE(std::holds_alternative<Snapshot>(empty));
  CHECK(std::get<Snapshot>(empty).cases.empty());
}

TEST_CASE("a message that is not a snapshot is refused whole, naming the field") {
  CHECK(Rejected("") == "empty message");
  CHECK_THAT(Rejected("{\"account\":"), Catch::StartsWith("invalid JSON"));
  CHECK(Rejected("[1]") == "expected a JSON object, got array");
  CHECK(Rejected(R"({"taken_at":"2026-11-24T15:00:00Z","cases":[]})") == "field account missing");
  CHECK(Rejected(R"({"account":"","taken_at":"2026-11-24T15:00:00Z","cases":[]})") ==
        "field account is empty");
  CHECK(Rejected(R"({"account":7,"taken_at":"2026-11-24T15:00:00Z","cases":[]})") ==
        "field account: expected string, got number");
  CHECK(Rejected(R"({"account":"111122223333","cases":[]})") == "field taken_at missing");
  CHECK(Rejected(SnapshotOf("", "111122223333", "yesterday")) ==
        "bad timestamp in taken_at: 'yesterday'");
  CHECK(Rejected(R"({"account":"111122223333","taken_at":"2026-11-24T15:00:00Z"})") ==
        "field cases missing");
  CHECK(Rejected(R"({"account":"111122223333","taken_at":"2026-11-24T15:00:00Z","cases":{}})") ==
        "field cases: expected array, got object");
  FeedParser small({64, kSeverities, 64});
  auto big = small.ParseSnapshot(SnapshotOf(Case(kA)));
  REQUIRE(std::holds_alternative<FeedRejection>(big));
  CHECK_THAT(std::get<FeedRejection>(big).reason, Catch::StartsWith("message too large"));
}

TEST_CASE("a bad case is refused on its own, naming its field; the others still apply") {
  size_t good = 0;
  auto reasons = BadReasons(SnapshotOf("7," + Case(kA) + "," + Case(kB, "opened", "") + "," +
                                       Case("case-111122223333-muen-2026-c", "pondering") + "," +
                                       Case("case-111122223333-muen-2026-d", "opened", "panic")),
                            &good);
  CHECK(good == 1);
  CHECK(reasons == std::vector<std::string>{
                       "field cases[0]: expected object, got number",
                       "field cases[2].severityCode is empty",
                       "unknown status 'pondering' in cases[3].status",
                       "unknown severity 'panic' in cases[4].severityCode",
                   });

  const std::string no_status =
      R"({"caseId":")" + kB + R"(","severityCode":"high","timeCreated":"2026-11-24T14:00:00Z"})";
  const std::string no_created =
      R"({"caseId":")" + kB + R"(","severityCode":"high","status":"opened"})";
  const std::string no_id = R"({"severityCode":"high","status":"opened"})";
  CHECK(BadReasons(SnapshotOf(no_status)) ==
        std::vector<std::string>{"field cases[0].status missing"});
  CHECK(BadReasons(SnapshotOf(no_created)) ==
        std::vector<std::string>{"field cases[0].timeCreated missing"});
  CHECK(BadReasons(SnapshotOf(no_id)) == std::vector<std::string>{"field cases[0].caseId missing"});
  CHECK(BadReasons(SnapshotOf(Case(kA, "opened", "high", "2026-11-24T16:00:00Z"))) ==
        std::vector<std::string>{
            "cases[0].timeCreated 2026-11-24T16:00:00Z is after taken_at 2026-11-24T15:00:00Z"});
  CHECK(BadReasons(SnapshotOf(Case("case-444455556666-muen-2026-x"))) ==
        std::vector<std::string>{"cases[0].caseId 'case-444455556666-muen-2026-x' belongs to "
                                 "account 444455556666, not the snapshot's 111122223333"});
  CHECK(BadReasons(SnapshotOf(Case(kA) + "," + Case(kA, "resolved"))) ==
        std::vector<std::string>{"cases[1].caseId '" + kA + "' repeats cases[0]"});

  // The refusal names the case when it could be read.
  auto r = Parse(SnapshotOf(Case(kB, "pondering")));
  CHECK(std::get<Snapshot>(r).bad_cases.at(0).case_id == kB);
}

TEST_CASE("snapshot lines are told from feed lines, and keyed by their account") {
  CHECK(router::LooksLikeSnapshot(SnapshotOf(Case(kA))));
  CHECK_FALSE(router::LooksLikeSnapshot(Case(kA)));
  CHECK_FALSE(router::LooksLikeSnapshot(R"({"type":"ack","taken_at":"x"})"));
  CHECK_FALSE(router::LooksLikeSnapshot("not json \"taken_at\""));
  CHECK(router::FeedPartitionKey(SnapshotOf(Case(kA), "999988887777")) == "999988887777");
}
