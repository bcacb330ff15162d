// serve's HTTP side end to end: a real `escalator serve --http 127.0.0.1:0` on the embedded
// broker, and curl (the real binary, an independent client) against every endpoint: good and
// bad parameters, tokens, unknown cases and paths, path traversal, oversized bodies and header
// floods; acknowledgements through the API landing in the log; /readyz before and after
// catch-up; the event stream; /metrics through promtool.
#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/cli/serve_fixture.h"
#include "web/http_server.h"
#include "web/tokens.h"

namespace {

using ingest_test::Broker;
using ingest_test::ChildProcess;
using nlohmann::json;
using serve_fixture::HttpServe;
using testing_support::TempDir;
using namespace std::chrono_literals;

constexpr char kCurl[] = "/usr/bin/curl";

struct Reply {
  int status = 0;
  std::string body;
  json j;  // the body as JSON, or discarded
};

// curl with `args` (the URL among them), bounded to 10 s; the status and the body.
Reply Curl(const std::vector<std::string>& args) {
  std::vector<std::string> argv{kCurl, "-sS", "--max-time", "10", "-w", "\n%{http_code}"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = ingest_test::Run(argv, 20);
  INFO("curl stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  Reply reply;
  const size_t nl = r.out.rfind('\n');
  REQUIRE(nl != std::string::npos);
  reply.status = std::stoi(r.out.substr(nl + 1));
  reply.body = r.out.substr(0, nl);
  reply.j = json::parse(reply.body, nullptr, false);
  return reply;
}

Reply Get(const std::string& url, const std::string& token = "") {
  if (token.empty()) return Curl({url});
  return Curl({"-H", "Authorization: Bearer " + token, url});
}

Reply PostAck(const HttpServe& s, const std::string& case_id, const std::string& token,
              const std::string& body) {
  std::vector<std::string> args{
      "-X", "POST", "-H", "Content-Type: application/json", "--data-binary", body};
  if (!token.empty()) args.insert(args.end(), {"-H", "Authorization: Bearer " + token});
  args.push_back(s.base + "/api/v1/cases/" + case_id + "/ack");
  return Curl(args);
}

// A JSON error: the status, and {"error": "..."} mentioning `what`.
void CheckError(const Reply& r, int status, const std::string& what) {
  INFO("status " << r.status << ", body " << r.body);
  CHECK(r.status == status);
  REQUIRE(r.j.is_object());
  REQUIRE(r.j.contains("error"));
  CHECK_THAT(r.j["error"].get<std::string>(), Catch::Contains(what));
}

// Polls `url` until it answers `status` (20 s at most); the last reply.
Reply WaitFor(const std::string& url, int status, const std::string& token = "") {
  Reply r;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline) {
    r = Get(url, token);
    if (r.status == status) return r;
    std::this_thread::sleep_for(50ms);
  }
  return r;
}

// Publishes every line in one `escalator publish` run.
void PublishAll(const Broker& broker, const TempDir& dir, const std::vector<std::string>& lines) {
  auto path = dir.path() / "batch.jsonl";
  std::ofstream out(path);
  for (const auto& l : lines) out << l << "\n";
  out.close();
  auto r = ingest_test::Run(
      {serve_fixture::Bin(), "publish", "--brokers", broker.bootstrap, path.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

std::vector<std::string> CaseIds(const json& listing) {
  std::vector<std::string> out;
  for (const auto& c : listing.at("cases")) out.push_back(c.at("case").get<std::string>());
  return out;
}

}  // namespace

TEST_CASE("the HTTP API over curl: reads need a token, every endpoint, bad input, acks",
          "[web][http]") {
  TempDir dir;
  const std::string broker_err = (dir.path() / "broker.err").string();
  const std::string serve_err = (dir.path() / "serve.err").string();
  Broker broker(1, broker_err);
  const std::string admin = web::Tokens::Generate(), alice = web::Tokens::Generate();
  testing_support::WriteFile(dir.path() / "tokens.txt",
                             "# test tokens\n" + web::Tokens::HashLine(admin) + " admin\n" +
                                 web::Tokens::HashLine(alice) + " engineer:alice\n");
  const std::string config = serve_fixture::WriteConfig(
      dir, 3, 10, "http: {read_open: false, tokens: tokens.txt, ready_lag: 100}\n");
  const std::string data = (dir.path() / "data").string();
  HttpServe serve = serve_fixture::StartServeHttp(broker, config, data, serve_err);
  INFO("serve stderr: " << testing_support::ReadFile(serve_err));
  CHECK(testing_support::ReadFile(serve_err).find("reads need a token") != std::string::npos);
  const std::string api = serve.base + "/api/v1";
  // One serve for every block below (no SECTION: each would start its own); the
  // acknowledgements come last, as they stop the case's clock.

  // A case, and a line that is not JSON (a dead letter).
  const std::string id = "case-111122223333-api-1";
  serve_fixture::Publish(broker, dir, "this is not json");
  serve_fixture::Publish(broker, dir, serve_fixture::CreateCase(id, serve_fixture::Now()));
  REQUIRE(WaitFor(api + "/cases/" + id, 200, admin).status == 200);

  // Health needs no token; readiness neither.
  Reply health = Get(serve.base + "/healthz");
  CHECK(health.status == 200);
  CHECK(health.j == json({{"status", "ok"}}));
  Reply ready = WaitFor(serve.base + "/readyz", 200);
  CHECK(ready.status == 200);
  CHECK(ready.j["ready"] == true);
  CHECK(ready.j["reasons"].empty());
  CHECK(ready.j["partitions"].get<int>() >= 1);
  CHECK(ready.j["view_loaded"] == true);

  // Reads are closed: 401 without a token, with an unknown one, or with another scheme.
  for (const std::string& path : std::vector<std::string>{
           "/cases", "/cases/" + id, "/oncall", "/dashboard", "/dead-letters", "/events",
           "/report?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z"}) {
    INFO(path);
    CheckError(Get(api + path), 401, "bearer token is needed to read");
    CheckError(Get(api + path, "not-a-token"), 401, "unknown token");
    CheckError(Get(api + path, web::Tokens::HashLine(admin)), 401, "unknown token");
    CheckError(Curl({"-H", "Authorization: Basic " + admin, api + path}), 401,
               "bearer token is needed");
  }
  // Any known token reads; so does ?access_token= (EventSource cannot set headers).
  CHECK(Get(api + "/cases", alice).status == 200);
  CHECK(Get(api + "/cases?access_token=" + admin).status == 200);
  // The pages themselves are static shells: they load without a token.
  Reply page = Get(serve.base + "/");
  CHECK(page.status == 200);
  CHECK(page.body.find("/assets/dashboard.js") != std::string::npos);
  CHECK(Get(serve.base + "/cases/" + id).status == 200);
  CHECK(Get(serve.base + "/assets/dashboard.js").status == 200);
  CHECK(Get(serve.base + "/assets/dashboard.css").status == 200);

  {  // cases: listings, filters, paging and bad parameters
    Reply open = Get(api + "/cases", admin);
    REQUIRE(open.status == 200);
    CHECK(open.j["state"] == "open");
    CHECK(CaseIds(open.j) == std::vector<std::string>{id});
    const json& c = open.j["cases"][0];
    CHECK(c["level"] == 1);
    CHECK(c["subject"] == "channel down");
    CHECK(c["display_id"] == "77");
    CHECK(c["account"] == serve_fixture::kAccount);
    CHECK(open.j["next_cursor"].is_null());
    CHECK(CaseIds(Get(api + "/cases?state=all", admin).j) == std::vector<std::string>{id});
    CHECK(CaseIds(Get(api + "/cases?state=breached", admin).j).empty());
    CHECK(CaseIds(Get(api + "/cases?level=1", admin).j) == std::vector<std::string>{id});
    CHECK(CaseIds(Get(api + "/cases?level=2", admin).j).empty());
    CHECK(CaseIds(Get(api + "/cases?account=444455556666", admin).j).empty());
    CHECK(CaseIds(Get(api + "/cases?state=all&level=3", admin).j).empty());
    CHECK(CaseIds(Get(api + "/cases?limit=1", admin).j) == std::vector<std::string>{id});

    CheckError(Get(api + "/cases?state=bogus", admin), 400, "state must be open, breached or all");
    CheckError(Get(api + "/cases?limit=0", admin), 400, "limit must be a whole number");
    CheckError(Get(api + "/cases?limit=1001", admin), 400, "limit must be a whole number");
    CheckError(Get(api + "/cases?limit=-1", admin), 400, "limit");
    CheckError(Get(api + "/cases?limit=2x", admin), 400, "limit");
    CheckError(Get(api + "/cases?level=x", admin), 400, "level must be a whole number");
    CheckError(Get(api + "/cases?level=0", admin), 400, "level");
    CheckError(Get(api + "/cases?cursor=bogus", admin), 400, "cursor 'bogus'");
  }

  {  // a case: projection, pages, the explain story, the events; unknown cases
    Reply k = Get(api + "/cases/" + id, admin);
    REQUIRE(k.status == 200);
    CHECK(k.j["case"] == id);
    CHECK(k.j["subject"] == "channel down");
    REQUIRE(k.j["events"].is_array());
    REQUIRE_FALSE(k.j["events"].empty());
    CHECK(k.j["events"][0]["type"] == "case_opened");
    REQUIRE(k.j["story"].is_array());
    CHECK_FALSE(k.j["story"].empty());
    CHECK(k.j["page_paths"].is_array());
    REQUIRE(k.j["pages"].is_array());
    REQUIRE_FALSE(k.j["pages"].empty());
    CHECK(k.j["pages"][0]["engineer"] == "alice");  // the fast policy's step 0
    CheckError(Get(api + "/cases/case-never-seen", admin), 404, "no case 'case-never-seen'");
  }

  {  // on call, the report, dead letters, the dashboard
    Reply oncall = Get(api + "/oncall?at=2026-11-24T15:00:00Z", admin);
    REQUIRE(oncall.status == 200);
    REQUIRE(oncall.j.is_array());
    bool primary = false;
    for (const json& o : oncall.j) {
      if (o["schedule"] != "video-sme-primary") continue;
      primary = true;
      CHECK(o["at"] == "2026-11-24T15:00:00Z");
      CHECK(o["oncall"].is_string());
    }
    CHECK(primary);
    CHECK(Get(api + "/oncall", admin).status == 200);
    CheckError(Get(api + "/oncall?at=not-a-time", admin), 400, "at must be an ISO 8601 instant");

    Reply report = Get(api + "/report?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z", admin);
    CHECK(report.status == 200);
    CHECK(report.j.is_object());
    CHECK(Get(api + "/report?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z&by=engineer", admin)
              .status == 200);
    CheckError(Get(api + "/report?to=2027-01-01T00:00:00Z", admin), 400,
               "from and to are required");
    CheckError(Get(api + "/report", admin), 400, "from and to are required");
    CheckError(Get(api + "/report?from=2027-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", admin), 400,
               "from is after to");
    CheckError(Get(api + "/report?from=yesterday&to=2026-01-01T00:00:00Z", admin), 400,
               "from must be an ISO 8601 instant");
    CheckError(
        Get(api + "/report?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z&by=nope", admin), 400,
        "by must be level");

    Reply letters = Get(api + "/dead-letters", admin);
    REQUIRE(letters.status == 200);
    REQUIRE(letters.j["dead_letters"].size() == 1);
    CHECK(letters.j["next_cursor"].is_null());
    CHECK(Get(api + "/dead-letters?limit=1", admin).j["next_cursor"].is_null());
    CHECK(Get(api + "/dead-letters?cursor=zzzz/0000000000/00000000000000000000", admin)
              .j["dead_letters"]
              .empty());
    CheckError(Get(api + "/dead-letters?limit=0", admin), 400, "limit must be");

    Reply dash = Get(api + "/dashboard", admin);
    REQUIRE(dash.status == 200);
    CHECK(dash.j["loaded"] == true);
    CHECK(CaseIds(dash.j) == std::vector<std::string>{id});
    CHECK(dash.j["oncall"].is_array());
    CHECK(dash.j["recent"].is_array());
    CHECK(dash.j["open_by_level"]["1"] == 1);
    CHECK(dash.j.contains("compliance"));
  }

  {  // every parameter and body field of every endpoint (HttpServer::Endpoints): a wrong value
     // is 400 naming it; so is a parameter the endpoint does not read, one given twice or empty
    // A valid query for the endpoints that need one; the parameter under test replaces its own.
    const std::map<std::string, std::map<std::string, std::string>> valid = {
        {"/api/v1/report", {{"from", "2026-01-01T00:00:00Z"}, {"to", "2027-01-01T00:00:00Z"}}}};
    // Wrong values by "PATH NAME", for every parameter and body field. An empty list: any
    // non-empty value is right (a filter that matches nothing answers an empty list).
    const std::map<std::string, std::vector<std::string>> wrong = {
        {"/api/v1/oncall at", {"not-a-time", "2026-02-30T00:00:00Z"}},
        {"/api/v1/cases state", {"bogus", "OPEN"}},
        {"/api/v1/cases level", {"x", "0", "10", "1.5"}},
        {"/api/v1/cases limit", {"0", "1001", "2x", "-1"}},
        {"/api/v1/cases cursor", {"bogus"}},
        {"/api/v1/cases account", {}},
        {"/api/v1/dead-letters limit", {"0", "x"}},
        {"/api/v1/dead-letters cursor", {"zzzz"}},
        {"/api/v1/report from", {"yesterday"}},
        {"/api/v1/report to", {"2026-13-01T00:00:00Z"}},
        {"/api/v1/report by", {"nope"}},
        {"/api/v1/cases/ID/ack engineer",
         {R"({"engineer":5})", R"({"engineer":""})", R"({"engineer":"zed"})",
          R"({"engineer":null})"}},
    };
    std::set<std::string> used;
    int requests = 0;
    for (const web::ApiEndpoint& e : web::HttpServer::Endpoints()) {
      INFO(e.method << " " << e.path);
      // A POST goes to a case never seen: should a check be missing, it acknowledges nothing.
      const std::string path =
          std::regex_replace(e.path, std::regex("ID"), e.method == "POST" ? "case-never-seen" : id);
      auto ask = [&](std::map<std::string, std::string> query, const std::string& extra = "") {
        std::string url = serve.base + path;
        char sep = '?';
        for (const auto& [k, v] : query) {
          url += sep + k + "=" + v;
          sep = '&';
        }
        url += extra.empty() ? "" : sep + extra;
        ++requests;
        if (e.method == "GET") return Get(url, admin);
        return Curl({"-X", "POST", "-H", "Authorization: Bearer " + admin, "--data-binary",
                     R"({"engineer":"alice"})", url});
      };
      const auto base_query =
          valid.count(e.path) ? valid.at(e.path) : std::map<std::string, std::string>{};
      CheckError(ask(base_query, "bogus=1"), 400, "unknown parameter 'bogus' on " + e.path);
      for (const std::string& p : e.parameters) {
        INFO("parameter " << p);
        const std::string key = e.path + " " + p;
        REQUIRE(wrong.count(key) == 1);  // a new parameter needs its wrong values above
        used.insert(key);
        for (const std::string& value : wrong.at(key)) {
          auto query = base_query;
          query[p] = value;
          INFO("value " << value);
          CheckError(ask(query), 400, p);
        }
        auto empty = base_query;
        empty[p] = "";
        CheckError(ask(empty), 400, "parameter '" + p + "' is empty");
        // (cpp-httplib drops a repeat with the same value: two different ones.)
        CheckError(ask(base_query, p + "=1&" + p + "=2"), 400,
                   "parameter '" + p + "' given more than once");
      }
      for (const std::string& field : e.body) {
        const std::string key = e.path + " " + field;
        REQUIRE(wrong.count(key) == 1);
        used.insert(key);
        for (const std::string& body : wrong.at(key)) {
          INFO("body " << body);
          ++requests;
          CheckError(PostAck(serve, id, admin, body), 400, field);
        }
      }
    }
    for (const auto& [key, values] : wrong) {
      INFO(key << " names no parameter or body field of HttpServer::Endpoints()");
      CHECK(used.count(key) == 1);
    }
    // The cursor of state=all is a case of the log.
    CheckError(Get(api + "/cases?state=all&cursor=case-never-seen", admin), 400,
               "cursor 'case-never-seen'");
    WARN(web::HttpServer::Endpoints().size()
         << " endpoints, " << wrong.size() << " parameters and body fields, " << requests
         << " bad requests");
  }

  {  // paths, methods, traversal, oversized requests
    CheckError(Get(serve.base + "/nope", admin), 404, "no such path: /nope");
    CheckError(Get(api + "/nope", admin), 404, "no such path");
    CheckError(Get(api + "/cases/" + id + "/ack", admin), 405, "only POST");
    const Reply post = Curl({"-X", "POST", "-H", "Authorization: Bearer " + admin, "--data-binary",
                             "{}", api + "/cases"});
    INFO("POST /api/v1/cases: " << post.status << " " << post.body);
    CHECK(post.status == 405);
    CHECK(post.j.contains("error"));
    for (const std::string path : {"/assets/../../etc/passwd", "/cases/../../etc/passwd",
                                   "/api/v1/cases/..", "/assets/%2e%2e/%2e%2e/etc/passwd"}) {
      INFO(path);
      CheckError(Curl({"--path-as-is", serve.base + path}), 400, "is not allowed");
    }
    const std::string big(20 * 1024, 'x');
    CheckError(PostAck(serve, id, admin, "{\"engineer\":\"alice\",\"pad\":\"" + big + "\"}"), 413,
               "request body too large");
    std::vector<std::string> headers;
    for (int i = 0; i < 120; ++i) {
      headers.insert(headers.end(),
                     {"-H", "X-Filler-" + std::to_string(i) + ": " + std::to_string(i)});
    }
    headers.push_back(serve.base + "/healthz");
    CheckError(Curl(headers), 431, "too many header fields");
    CHECK(Get(serve.base + "/healthz").status == 200);  // still serving
  }

  {  // acknowledgements: tokens, roles, bad bodies, then 202 and the log
    const std::string who = "{\"engineer\":\"alice\"}";
    CheckError(PostAck(serve, id, "", who), 401, "bearer token is needed to acknowledge");
    CheckError(PostAck(serve, id, "nope", who), 401, "unknown token");
    CheckError(PostAck(serve, id, alice, "{\"engineer\":\"bob\"}"), 403,
               "acknowledges as alice only, not bob");
    CheckError(PostAck(serve, id, admin, "{\"engineer\":\"zed\"}"), 400, "unknown engineer 'zed'");
    CheckError(PostAck(serve, id, admin, "not json"), 400, "must be a JSON object");
    CheckError(PostAck(serve, id, admin, "[1]"), 400, "must be a JSON object");
    CheckError(PostAck(serve, id, admin, "{\"engineer\":5}"), 400, "engineer must be a non-empty");
    CheckError(PostAck(serve, id, admin, "{}"), 400, "an admin token must name the engineer");
    Reply unknown = PostAck(serve, "case-never-seen", admin, who);
    INFO(unknown.body);
    CHECK(unknown.status == 404);
    CHECK(unknown.j.contains("error"));
    CHECK(serve_fixture::OfType(serve_fixture::LogOf(data, id), "acknowledged").empty());

    // alice's own token, no body: she acknowledges as herself, the case's first response.
    Reply acked = PostAck(serve, id, alice, "");
    INFO(acked.body);
    REQUIRE(acked.status == 202);
    CHECK(acked.j["case"] == id);
    CHECK(acked.j["engineer"] == "alice");
    CHECK(acked.j["result"] == "responded");
    // Durable before the 202: the log has it at once.
    const auto log = serve_fixture::LogOf(data, id);
    INFO(serve_fixture::Dump(log));
    const auto responded = serve_fixture::OfType(log, "responded");
    REQUIRE(responded.size() == 1);
    CHECK(responded[0].dump().find("alice") != std::string::npos);
    // Again: nothing new to record.
    Reply again = PostAck(serve, id, alice, who);
    CHECK(again.status == 202);
    CHECK((again.j["result"] == "repeated" || again.j["result"] == "acknowledged"));
    // An admin acknowledges for bob.
    Reply bob = PostAck(serve, id, admin, "{\"engineer\":\"bob\"}");
    CHECK(bob.status == 202);
    CHECK((bob.j["result"] == "acknowledged" || bob.j["result"] == "repeated"));
    CHECK(serve_fixture::OfType(serve_fixture::LogOf(data, id), "responded").size() == 1);
    // The view follows: the page to alice is acknowledged, the clock stopped.
    Reply k = Get(api + "/cases/" + id, admin);
    REQUIRE(k.status == 200);
    CHECK(k.j["pages"][0]["acked"].is_string());
  }

  serve_fixture::StopServe(*serve.proc, serve_err);
}

TEST_CASE("/readyz answers 503 until serve has caught up, then 200; reads open; the event stream",
          "[web][http][ready]") {
  TempDir dir;
  const std::string broker_err = (dir.path() / "broker.err").string();
  const std::string serve_err = (dir.path() / "serve.err").string();
  Broker broker(1, broker_err);
  // Later steps far off: once caught up, the log (and the stream) moves only for new input.
  const std::string config =
      serve_fixture::WriteConfig(dir, 600, 1200, "http: {read_open: true, ready_lag: 5}\n");
  const std::string data = (dir.path() / "data").string();
  // A backlog before serve starts, consumed five messages a batch (each batch fsynced).
  std::vector<std::string> backlog;
  const auto now = serve_fixture::Now();
  for (int i = 0; i < 600; ++i) {
    backlog.push_back(
        serve_fixture::CreateCase("case-111122223333-backlog-" + std::to_string(i), now));
  }
  PublishAll(broker, dir, backlog);
  HttpServe serve =
      serve_fixture::StartServeHttp(broker, config, data, serve_err, {"--max-batch", "5"}, false);
  INFO("serve stderr: " << testing_support::ReadFile(serve_err));
  CHECK(testing_support::ReadFile(serve_err).find("reads open") != std::string::npos);

  Reply first = Get(serve.base + "/readyz");
  INFO("first /readyz: " << first.body);
  CHECK(first.status == 503);
  CHECK(first.j["ready"] == false);
  CHECK_FALSE(first.j["reasons"].empty());
  std::string seen;  // every distinct verdict, for the failure message
  Reply r;
  const auto deadline = std::chrono::steady_clock::now() + 40s;
  while (std::chrono::steady_clock::now() < deadline) {
    r = Get(serve.base + "/readyz");
    if (r.status == 200) break;
    REQUIRE(r.status == 503);
    CHECK(r.j["ready"] == false);
    if (seen.find(r.body) == std::string::npos) seen += r.body + "\n";
    std::this_thread::sleep_for(20ms);
  }
  INFO("last /readyz: " << r.body << "\nbefore:\n" << seen);
  REQUIRE(r.status == 200);
  // (On this backlog the 503s say "not assigned", "lag not known", inputs held back for event
  // time or the live view behind: never ready before the backlog is visible.)
  CHECK(seen.find("\"ready\":true") == std::string::npos);
  CHECK(r.j["ready"] == true);
  CHECK(r.j["lag"].get<int64_t>() <= 5);
  CHECK(r.j["partitions"] == 2);  // the feed's and the commands topic's

  // Reads are open: no token needed.
  Reply cases = WaitFor(serve.base + "/api/v1/cases?limit=1000", 200);
  REQUIRE(cases.status == 200);
  CHECK(cases.j["cases"].size() >= 595);

  // The event stream: a first "change" at once, another after a new case arrives.
  const std::string sse_err = (dir.path() / "sse.err").string();
  ChildProcess sse({kCurl, "-sS", "-N", "--max-time", "15", serve.base + "/api/v1/events"},
                   sse_err);
  auto read_change = [&](std::chrono::seconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      auto line = sse.ReadLine(500ms);
      if (line && *line == "event: change") return true;
    }
    return false;
  };
  REQUIRE(read_change(5s));
  // Let the backlog's last changes pass (3 s at most), then publish.
  for (int i = 0; i < 6 && sse.ReadLine(500ms); ++i) {
  }
  serve_fixture::Publish(
      broker, dir, serve_fixture::CreateCase("case-111122223333-sse-1", serve_fixture::Now()));
  CHECK(read_change(8s));
  sse.Signal(SIGTERM);
  CHECK(sse.Wait(5s));

  serve_fixture::StopServe(*serve.proc, serve_err);
}

TEST_CASE("/metrics passes promtool and names what operators watch", "[web][http][metrics]") {
  TempDir dir;
  const std::string broker_err = (dir.path() / "broker.err").string();
  const std::string serve_err = (dir.path() / "serve.err").string();
  Broker broker(1, broker_err);
  const std::string config = serve_fixture::WriteConfig(dir, 3, 10, "http: {read_open: true}\n");
  const std::string data = (dir.path() / "data").string();
  HttpServe serve = serve_fixture::StartServeHttp(broker, config, data, serve_err);
  INFO("serve stderr: " << testing_support::ReadFile(serve_err));
  serve_fixture::Publish(broker, dir,
                         serve_fixture::CreateCase("case-111122223333-m-1", serve_fixture::Now()));
  REQUIRE(WaitFor(serve.base + "/api/v1/cases/case-111122223333-m-1", 200).status == 200);

  Reply metrics = Get(serve.base + "/metrics");
  REQUIRE(metrics.status == 200);
  auto check =
      ingest_test::RunWithInput({"/usr/bin/promtool", "check", "metrics"}, metrics.body + "\n", 30);
  INFO("promtool: " << check.out << check.err << "\n/metrics:\n" << metrics.body);
  CHECK(check.exit_code == 0);
  for (const char* name :
       {"escalator_consumer_lag", "escalator_inputs_consumed_total",
        "escalator_inputs_appended_total", "escalator_inputs_deduplicated_total",
        "escalator_inputs_dead_lettered_total", "escalator_batch_apply_seconds",
        "escalator_store_write_seconds", "escalator_decide_seconds", "escalator_open_cases",
        "escalator_clocks_breached_total", "escalator_first_response_seconds",
        "escalator_pages_sent_total", "escalator_pages_delivered_total",
        "escalator_pages_failed_total", "escalator_pages_pending", "escalator_timers_pending",
        "escalator_timer_oldest_lateness_seconds", "escalator_pager_refused_keys_total",
        "escalator_config_reloads_total"}) {
    CHECK_THAT("\n" + metrics.body, Catch::Contains(std::string("\n# TYPE ") + name + " "));
  }
  serve_fixture::StopServe(*serve.proc, serve_err);
}

TEST_CASE("SIGHUP reloads the HTTP access rules; a broken configuration is refused and counted",
          "[web][http][reload]") {
  TempDir dir;
  const std::string broker_err = (dir.path() / "broker.err").string();
  const std::string serve_err = (dir.path() / "serve.err").string();
  Broker broker(1, broker_err);
  const std::string first = web::Tokens::Generate(), second = web::Tokens::Generate();
  const auto tokens = dir.path() / "tokens.txt";
  testing_support::WriteFile(tokens, web::Tokens::HashLine(first) + " admin\n");
  const std::string config =
      serve_fixture::WriteConfig(dir, 3, 10, "http: {read_open: false, tokens: tokens.txt}\n");
  const std::string data = (dir.path() / "data").string();
  HttpServe serve = serve_fixture::StartServeHttp(broker, config, data, serve_err);
  INFO("serve stderr: " << testing_support::ReadFile(serve_err));
  const std::string url = serve.base + "/api/v1/dashboard";
  CHECK(Get(url, first).status == 200);
  CHECK(Get(url, second).status == 401);

  // The token file rotates: the old token stops working, the new one starts.
  testing_support::WriteFile(tokens, web::Tokens::HashLine(second) + " admin\n");
  REQUIRE(kill(serve.proc->pid(), SIGHUP) == 0);
  CHECK(WaitFor(url, 200, second).status == 200);
  CHECK(Get(url, first).status == 401);

  // Reads opened by the configuration.
  const std::string text = testing_support::ReadFile(config);
  testing_support::WriteFile(
      config, text.substr(0, text.find("http:")) + "http: {read_open: true, tokens: tokens.txt}\n");
  REQUIRE(kill(serve.proc->pid(), SIGHUP) == 0);
  CHECK(WaitFor(url, 200).status == 200);

  // A broken file changes nothing and is counted as refused.
  testing_support::WriteFile(config, text + "bogus: 1\n");
  REQUIRE(kill(serve.proc->pid(), SIGHUP) == 0);
  CHECK(serve_fixture::WaitForText(serve_err, "config reload refused", 20s));
  CHECK(Get(url).status == 200);
  const Reply metrics = Get(serve.base + "/metrics");
  CHECK_THAT(metrics.body, Catch::Contains("escalator_config_reloads_total{result=\"ok\"} 2"));
  CHECK_THAT(metrics.body, Catch::Contains("escalator_config_reloads_total{result=\"failed\"} 1"));
  serve_fixture::StopServe(*serve.proc, serve_err);
}

TEST_CASE(
    "with several instances, an ack posted to one that does not own the case reaches the "
    "owner through the commands topic",
    "[web][http][cluster]") {
  // An AWS-shaped id names its account: that is how an instance that never saw the case keys
  // the forwarded ack to the partition of the case's feed events.
  const std::string kFwdCase = std::string("case-") + serve_fixture::kAccount + "-2026-fwd";
  TempDir dir;
  const std::string d = dir.str();
  Broker broker(2, d + "/broker.err");
  const std::string admin = web::Tokens::Generate();
  testing_support::WriteFile(dir.path() / "tokens.txt", web::Tokens::HashLine(admin) + " admin\n");
  const std::string config = serve_fixture::WriteConfig(
      dir, 30, 60, "http: {read_open: true, tokens: tokens.txt, ready_lag: 100}\n");
  const std::vector<std::string> cluster = {"--changelog-topic", "escalator.changelog"};
  HttpServe a = serve_fixture::StartServeHttp(broker, config, d + "/a", d + "/a.err", cluster);
  HttpServe b = serve_fixture::StartServeHttp(broker, config, d + "/b", d + "/b.err", cluster);
  // Each holds one of the two partitions (of the feed, and of the commands topic) once both say
  // so.
  for (const std::string& err : {d + "/a.err", d + "/b.err"}) {
    REQUIRE(serve_fixture::WaitForText(err, "assigned 2 partitions", std::chrono::seconds(30)));
  }
  serve_fixture::Publish(broker, dir, serve_fixture::CreateCase(kFwdCase, serve_fixture::Now()));
  // The owner is the instance that opens it.
  std::string owner, other;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (owner.empty() && std::chrono::steady_clock::now() < deadline) {
    for (const std::string name : {"a", "b"}) {
      if (!serve_fixture::OfType(serve_fixture::LogOf(d + "/" + name, kFwdCase), "case_opened")
               .empty()) {
        owner = name;
        other = name == "a" ? "b" : "a";
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  INFO("a: " << testing_support::ReadFile(d + "/a.err")
             << "\nb: " << testing_support::ReadFile(d + "/b.err"));
  REQUIRE_FALSE(owner.empty());
  const HttpServe& to = other == "a" ? a : b;
  Reply r = PostAck(to, kFwdCase, admin, R"({"engineer":"alice"})");
  INFO(r.body);
  CHECK(r.status == 202);
  CHECK(r.j["result"] == "forwarded");
  auto responded = serve_fixture::WaitForEvents(d + "/" + owner, kFwdCase, "acknowledged", 1);
  REQUIRE(responded.size() == 1);
  CHECK(responded[0]["engineer"] == "alice");
  // The other instance recorded nothing of the case.
  CHECK(serve_fixture::LogOf(d + "/" + other, kFwdCase).empty());
  serve_fixture::StopServe(*a.proc, d + "/a.err");
  serve_fixture::StopServe(*b.proc, d + "/b.err");
}
