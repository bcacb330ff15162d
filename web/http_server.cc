#include "web/http_server.h"

#include <httplib.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <regex>

#include "engine/layouts.h"
#include "engine/report_reader.h"
#include "explain/render.h"
#include "explain/story.h"
#include "report/render.h"
#include "report/report.h"
#include "router/codec.h"
#include "router/event_json.h"
#include "web/api_json.h"
#include "web/dashboard_assets.h"

namespace web {

namespace {

constexpr size_t kMaxBody = 16 * 1024;
constexpr size_t kMaxHeaders = 100;
constexpr size_t kDefaultLimit = 100;
constexpr size_t kMaxLimit = 1000;

void SendJson(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, Json::error_handler_t::replace), "application/json");
}

void SendError(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(ErrorBody(message), "application/json");
}

// A parameter's value, or nullopt when absent.
std::optional<std::string> Param(const httplib::Request& req, const char* name) {
  if (!req.has_param(name)) return std::nullopt;
  return req.get_param_value(name);
}

// A positive integer parameter within [min, max]; sets `error` when present and bad.
std::optional<int64_t> IntParam(const httplib::Request& req, const char* name, int64_t min,
                                int64_t max, std::string& error) {
  auto text = Param(req, name);
  if (!text) return std::nullopt;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || ptr != text->data() + text->size() || v < min || v > max) {
    error = std::string(name) + " must be a whole number from " + std::to_string(min) + " to " +
            std::to_string(max) + ", got '" + *text + "'";
    return std::nullopt;
  }
  return v;
}

// An instant parameter (ISO 8601 with Z or an offset); sets `error` when present and bad.
std::optional<base::Timestamp> InstantParam(const httplib::Request& req, const char* name,
                                            std::string& error) {
  auto text = Param(req, name);
  if (!text) return std::nullopt;
  auto t = base::ParseInstant(*text);
  if (!t) {
    error =
        std::string(name) + " must be an ISO 8601 instant with Z or an offset, got '" + *text + "'";
  }
  return t;
}

// The method a known path answers to ("" for an unknown path), so a wrong method gets 405.
std::string MethodOf(const std::string& path) {
  static const std::regex kPost(R"(/api/v1/cases/[^/]+/ack)");
  static const std::regex kGet(
      R"(/|/healthz|/readyz|/metrics|/assets/dashboard\.(js|css)|/cases/[^/]+|/api/v1/(oncall|cases|report|dead-letters|dashboard|events)|/api/v1/cases/[^/]+)");
  if (std::regex_match(path, kPost)) return "POST";
  if (std::regex_match(path, kGet)) return "GET";
  return "";
}

// The endpoint `path` is, or null for a path outside the API.
const ApiEndpoint* EndpointOf(const std::string& path) {
  static const std::vector<std::pair<std::regex, const ApiEndpoint*>> kPatterns = [] {
    std::vector<std::pair<std::regex, const ApiEndpoint*>> out;
    for (const ApiEndpoint& e : HttpServer::Endpoints()) {
      out.emplace_back(std::regex(std::regex_replace(e.path, std::regex("ID"), "[^/]+")), &e);
    }
    return out;
  }();
  for (const auto& [pattern, endpoint] : kPatterns) {
    if (std::regex_match(path, pattern)) return endpoint;
  }
  return nullptr;
}

// Why the request's query parameters do not fit its endpoint, or "".
std::string ParameterError(const httplib::Request& req) {
  const ApiEndpoint* e = EndpointOf(req.path);
  if (e == nullptr || req.method != e->method) return "";  // 404 or 405 follows
  std::string known;
  for (const std::string& p : e->parameters) known += (known.empty() ? "" : ", ") + p;
  for (const auto& [name, value] : req.params) {
    const bool allowed =
        name == "access_token" ||
        std::find(e->parameters.begin(), e->parameters.end(), name) != e->parameters.end();
    if (!allowed) {
      return "unknown parameter '" + name + "' on " + e->path + " (" +
             (known.empty() ? "it takes none" : "it takes " + known) + ")";
    }
    if (req.params.count(name) > 1) return "parameter '" + name + "' given more than once";
    if (value.empty()) return "parameter '" + name + "' is empty (give a value, or leave it out)";
  }
  return "";
}

std::string BearerOf(const httplib::Request& req) {
  const std::string header = req.get_header_value("Authorization");
  if (header.rfind("Bearer ", 0) == 0) return header.substr(7);
  // EventSource cannot set headers: the dashboard passes its token as a parameter.
  if (req.has_param("access_token")) return req.get_param_value("access_token");
  return {};
}

}  // namespace

// The dashboard's compliance: the last 24 hours and 7 days by level, from the rollups.
struct HttpServer::ComplianceCache {
  std::mutex mu;
  std::chrono::steady_clock::time_point at{};
  Json value;
};

const std::vector<ApiEndpoint>& HttpServer::Endpoints() {
  static const std::vector<ApiEndpoint> kEndpoints = {
      {"GET", "/api/v1/oncall", {"at"}, {}},
      {"GET", "/api/v1/cases", {"state", "level", "limit", "cursor", "account"}, {}},
      {"GET", "/api/v1/cases/ID", {}, {}},
      {"POST", "/api/v1/cases/ID/ack", {}, {"engineer"}},
      {"GET", "/api/v1/dead-letters", {"limit", "cursor"}, {}},
      {"GET", "/api/v1/report", {"from", "to", "by"}, {}},
      {"GET", "/api/v1/dashboard", {}, {}},
      {"GET", "/api/v1/events", {}, {}},
  };
  return kEndpoints;
}

base::Result<std::pair<std::string, int>> HttpServer::ParseAddress(const std::string& address) {
  // A port alone binds loopback: nothing is exposed beyond the machine unless asked.
  if (!address.empty() && address.find_first_not_of("0123456789") == std::string::npos) {
    return ParseAddress("127.0.0.1:" + address);
  }
  const size_t colon = address.rfind(':');
  int port = -1;
  std::string host;
  if (colon != std::string::npos) {
    host = address.substr(0, colon);
    const std::string p = address.substr(colon + 1);
    auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
    if (ec != std::errc() || ptr != p.data() + p.size() || port < 0 || port > 65535) port = -1;
  }
  if (host.empty() || port < 0) {
    return base::Status::InvalidInput(
        "--http must be HOST:PORT or PORT (e.g. 127.0.0.1:8080), got '" + address + "'");
  }
  return std::pair(host, port);
}

base::Result<std::unique_ptr<HttpServer>> HttpServer::Start(HttpOptions options, HttpDeps deps) {
  auto parsed = ParseAddress(options.address);
  if (!parsed.ok()) return parsed.status();
  const auto [host, port] = *parsed;
  std::unique_ptr<HttpServer> s(new HttpServer());
  s->options_ = std::move(options);
  s->deps_ = std::move(deps);
  if (!s->deps_.clock) {
    s->deps_.clock = [] {
      return std::chrono::time_point_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now());
    };
  }
  s->compliance_ = std::make_unique<ComplianceCache>();
  s->SetAccess(std::move(s->deps_.tokens), s->deps_.read_open);
  s->server_ = std::make_unique<httplib::Server>();
  httplib::Server& svr = *s->server_;
  const int threads = s->options_.threads;
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  svr.set_payload_max_length(kMaxBody);
  svr.set_read_timeout(5, 0);
  svr.set_write_timeout(5, 0);
  svr.set_keep_alive_max_count(100);
  svr.set_keep_alive_timeout(5);
  // Without it a small response's last segment waits for the client's delayed ACK: ~40 ms per
  // request on a kept connection (BENCHMARKS.md "HTTP API").
  svr.set_tcp_nodelay(true);
  s->Routes();
  int bound_port = port;
  if (port == 0) {
    bound_port = svr.bind_to_any_port(host);
    if (bound_port < 0) return base::Status::Unavailable("cannot bind HTTP on " + host + ":0");
  } else if (!svr.bind_to_port(host, port)) {
    return base::Status::Unavailable("cannot bind HTTP on " + s->options_.address +
                                     " (in use, or not an address of this machine)");
  }
  s->bound_ = host + ":" + std::to_string(bound_port);
  s->thread_ = std::thread([&svr] { svr.listen_after_bind(); });
  return s;
}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Stop() {
  stopping_.store(true);
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<const HttpServer::Access> HttpServer::access() const {
  std::lock_guard<std::mutex> lock(access_mu_);
  return access_;
}

void HttpServer::SetAccess(std::optional<Tokens> tokens, bool read_open) {
  auto next = std::make_shared<Access>();
  next->tokens = std::move(tokens);
  next->read_open = read_open;
  std::lock_guard<std::mutex> lock(access_mu_);
  access_ = std::move(next);
}

std::optional<TokenRole> HttpServer::Authenticate(const std::string& bearer) const {
  auto rules = access();
  if (!rules->tokens || bearer.empty()) return std::nullopt;
  return rules->tokens->Find(bearer);
}

void HttpServer::Routes() {
  httplib::Server& svr = *server_;
  const config::Config& cfg = *deps_.config;

  svr.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("Cache-Control", "no-store");
    if (req.headers.size() > kMaxHeaders) {
      SendError(res, 431, "too many header fields (at most " + std::to_string(kMaxHeaders) + ")");
      return httplib::Server::HandlerResponse::Handled;
    }
    // Nothing is served from the disk; a path that climbs is refused outright all the same.
    if (req.path.find("..") != std::string::npos || req.path.find('\0') != std::string::npos ||
        req.path.find('\\') != std::string::npos) {
      SendError(res, 400, "path '" + req.path + "' is not allowed");
      return httplib::Server::HandlerResponse::Handled;
    }
    // A misspelt parameter would otherwise be ignored silently ("limt=5" lists 100).
    if (const std::string error = ParameterError(req); !error.empty()) {
      SendError(res, 400, error);
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  svr.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;  // a handler's own error
    if (res.status == 404) {
      const std::string allowed = MethodOf(req.path);
      if (!allowed.empty() && allowed != req.method) {
        res.set_header("Allow", allowed);
        SendError(res, 405,
                  req.method + " is not allowed on " + req.path + " (only " + allowed + ")");
      } else {
        SendError(res, 404, "no such path: " + req.path);
      }
    } else if (res.status == 413) {
      SendError(res, 413,
                "request body too large (at most " + std::to_string(kMaxBody) + " bytes)");
    } else {
      SendError(res, res.status, "HTTP status " + std::to_string(res.status));
    }
  });
  svr.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "internal error";
        try {
          if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = std::string("internal error: ") + e.what();
        } catch (...) {
        }
        SendError(res, 500, what);
      });

  // Reads need a token unless the configuration opens them.
  auto may_read = [this](const httplib::Request& req, httplib::Response& res) {
    if (access()->read_open) return true;
    const std::string bearer = BearerOf(req);
    if (bearer.empty()) {
      SendError(res, 401, "a bearer token is needed to read (http.read_open is false)");
      return false;
    }
    if (!Authenticate(bearer)) {
      SendError(res, 401, "unknown token");
      return false;
    }
    return true;
  };

  // Pages and their assets: embedded, never read from the disk.
  auto page = [](const char* body) {
    return [body](const httplib::Request&, httplib::Response& res) {
      res.set_header("Content-Security-Policy",
                     "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
      res.set_content(body, "text/html; charset=utf-8");
    };
  };
  svr.Get("/", page(kDashboardHtml));
  svr.Get(R"(/cases/([^/]+))", page(kCasePageHtml));
  svr.Get("/assets/dashboard.js", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(kDashboardJs, "text/javascript; charset=utf-8");
  });
  svr.Get("/assets/dashboard.css", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(kDashboardCss, "text/css; charset=utf-8");
  });

  svr.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    SendJson(res, 200, Json{{"status", "ok"}});
  });
  svr.Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
    const Readiness::Verdict v = deps_.readiness->Check();
    Json body;
    body["ready"] = v.ready;
    body["reasons"] = v.reasons;
    body["lag"] = v.lag;
    body["partitions"] = v.partitions;
    body["view_loaded"] = deps_.view->loaded();
    SendJson(res, v.ready ? 200 : 503, body);
  });
  svr.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(deps_.metrics ? deps_.metrics() : std::string(),
                    "text/plain; version=0.0.4; charset=utf-8");
  });

  svr.Get("/api/v1/oncall",
          [this, &cfg, may_read](const httplib::Request& req, httplib::Response& res) {
            if (!may_read(req, res)) return;
            std::string error;
            auto at = InstantParam(req, "at", error);
            if (!error.empty()) return SendError(res, 400, error);
            SendJson(res, 200, OncallListJson(cfg, at.value_or(deps_.clock())));
          });

  svr.Get("/api/v1/cases", [this, may_read](const httplib::Request& req, httplib::Response& res) {
    if (!may_read(req, res)) return;
    std::string error;
    const std::string state = Param(req, "state").value_or("open");
    if (state != "open" && state != "breached" && state != "all") {
      return SendError(res, 400, "state must be open, breached or all, got '" + state + "'");
    }
    auto level = IntParam(req, "level", 1, 9, error);
    auto limit = IntParam(req, "limit", 1, kMaxLimit, error);
    if (!error.empty()) return SendError(res, 400, error);
    const size_t n = limit ? static_cast<size_t>(*limit) : kDefaultLimit;
    const std::string cursor = Param(req, "cursor").value_or("");
    const auto account = Param(req, "account");
    const base::Timestamp now = deps_.clock();
    Json cases = Json::array();
    std::string next;
    if (state == "all") {
      // Every case the log has, resolved too, in id order from the store; the cursor is the
      // last case of the previous page.
      if (!cursor.empty()) {
        auto known = deps_.log->Get(store::Family::kProjections, router::CaseKey(cursor));
        if (!known.ok()) return SendError(res, 500, known.status().ToString());
        if (!*known) return SendError(res, 400, "cursor '" + cursor + "' is not one we gave");
      }
      const std::string from = cursor.empty() ? std::string(router::kCaseKeyPrefix)
                                              : router::CaseKey(cursor) + std::string(1, '\0');
      base::Status bad;
      std::string last;
      base::Status scan =
          deps_.log->ScanFrom(store::Family::kProjections, router::kCaseKeyPrefix, from,
                              [&](std::string_view key, std::string_view value) {
                                auto s = router::DecodeCaseState(value);
                                if (!s.ok()) {
                                  bad = s.status();
                                  return false;
                                }
                                if (!s->opened) return true;
                                if (level && s->level != *level) return true;
                                if (account && s->account != *account) return true;
                                if (cases.size() == n) {
                                  next = last;
                                  return false;
                                }
                                last = std::string(key.substr(router::kCaseKeyPrefix.size()));
                                cases.push_back(CaseStateJson(*s, now));
                                return true;
                              });
      if (!scan.ok() || !bad.ok()) {
        return SendError(res, 500, (scan.ok() ? bad : scan).ToString());
      }
    } else {
      CaseFilter filter;
      filter.breached_only = state == "breached";
      if (level) filter.level = static_cast<int>(*level);
      filter.account = account;
      auto listing = deps_.view->OpenCases(filter, n, cursor);
      if (!listing.ok()) return SendError(res, 400, listing.status().message());
      for (const CaseView& c : listing->cases) cases.push_back(CaseSummaryJson(c, now));
      next = listing->next_cursor;
    }
    Json body;
    body["state"] = state;
    body["cases"] = std::move(cases);
    body["next_cursor"] = next.empty() ? Json() : Json(next);
    body["as_of_seq"] = deps_.view->followed_seq();
    SendJson(res, 200, body);
  });

  svr.Get(R"(/api/v1/cases/([^/]+))",
          [this, may_read](const httplib::Request& req, httplib::Response& res) {
            if (!may_read(req, res)) return;
            const std::string id = req.matches[1];
            const base::Timestamp now = deps_.clock();
            std::vector<std::pair<uint64_t, router::Event>> events;
            base::Status bad;
            base::Status read = deps_.log->ReadIndexed(router::CaseKey(id),
                                                       [&](uint64_t seq, std::string_view bytes) {
                                                         auto e = router::DecodeEvent(bytes);
                                                         if (!e.ok()) {
                                                           bad = e.status();
                                                           return false;
                                                         }
                                                         events.emplace_back(seq, std::move(*e));
                                                         return true;
                                                       });
            if (!read.ok() || !bad.ok())
              return SendError(res, 500, (read.ok() ? bad : read).ToString());
            if (events.empty()) return SendError(res, 404, "no case '" + id + "'");
            // The projection and the pages as the events tell them (the same fold the view runs).
            CaseView view;
            for (const auto& [seq, e] : events) FoldIntoCase(view, seq, e);
            Json body = CaseSummaryJson(view, now);
            // What `escalator explain` tells, entry by entry, and the events themselves.
            const explain::Story story = explain::TellCase(id, events);
            Json told = Json::array();
            for (const explain::StoryEntry& entry : story.entries) {
              if (entry.text.empty()) continue;
              told.push_back({{"seq", entry.seq},
                              {"at", base::FormatInstant(entry.at)},
                              {"kind", entry.kind},
                              {"text", entry.text}});
            }
            body["story"] = std::move(told);
            Json paths = Json::array();
            for (const explain::PagePath& p : story.pages)
              paths.push_back(explain::PageSummaryLine(p));
            body["page_paths"] = std::move(paths);
            Json timeline = Json::array();
            for (const auto& [seq, e] : events) timeline.push_back(router::EventToJson(seq, e));
            body["events"] = std::move(timeline);
            SendJson(res, 200, body);
          });

  svr.Post(R"(/api/v1/cases/([^/]+)/ack)", [this, &cfg](const httplib::Request& req,
                                                        httplib::Response& res) {
    const std::string id = req.matches[1];
    const std::string bearer = BearerOf(req);
    if (bearer.empty()) return SendError(res, 401, "a bearer token is needed to acknowledge");
    auto role = Authenticate(bearer);
    if (!role) return SendError(res, 401, "unknown token");
    std::string engineer;
    if (!req.body.empty()) {
      Json body = Json::parse(req.body, nullptr, /*allow_exceptions=*/false);
      if (body.is_discarded() || !body.is_object()) {
        return SendError(res, 400, "the body must be a JSON object {\"engineer\": \"...\"}");
      }
      if (body.contains("engineer")) {
        if (!body["engineer"].is_string() || body["engineer"].get<std::string>().empty()) {
          return SendError(res, 400, "engineer must be a non-empty string");
        }
        engineer = body["engineer"].get<std::string>();
      }
    }
    if (engineer.empty()) engineer = role->engineer;
    if (engineer.empty()) return SendError(res, 400, "an admin token must name the engineer");
    if (!role->admin && engineer != role->engineer) {
      return SendError(res, 403,
                       "this token acknowledges as " + role->engineer + " only, not " + engineer);
    }
    bool known = false;
    for (const auto& e : cfg.engineers) known = known || e.id == engineer;
    if (!known) return SendError(res, 400, "unknown engineer '" + engineer + "'");
    auto answer = deps_.acks->Submit(id, engineer, deps_.clock(), std::chrono::seconds(10));
    if (!answer) {
      return SendError(res, 503, "serve did not record the acknowledgement within 10 s");
    }
    Json body;
    body["case"] = id;
    body["engineer"] = engineer;
    body["result"] = answer->result;
    body["detail"] = answer->detail;
    if (answer->http_status >= 400) body["error"] = answer->detail;
    SendJson(res, answer->http_status, body);
  });

  svr.Get("/api/v1/dead-letters", [this, may_read](const httplib::Request& req,
                                                   httplib::Response& res) {
    if (!may_read(req, res)) return;
    std::string error;
    auto limit = IntParam(req, "limit", 1, kMaxLimit, error);
    if (!error.empty()) return SendError(res, 400, error);
    const size_t n = limit ? static_cast<size_t>(*limit) : kDefaultLimit;
    const std::string cursor = Param(req, "cursor").value_or("");
    // A dead letter's key, as next_cursor gives it: TOPIC/PARTITION/OFFSET, zero-padded.
    static const std::regex kDeadLetterKey(R"(.+/-?[0-9]+/-?[0-9]+)");
    if (!cursor.empty() && !std::regex_match(cursor, kDeadLetterKey)) {
      return SendError(res, 400, "cursor '" + cursor + "' is not one we gave");
    }
    Json letters = Json::array();
    std::string next, last;
    base::Status scan = deps_.log->ScanFrom(store::Family::kDeadLetters, "",
                                            cursor.empty() ? "" : cursor + std::string(1, '\0'),
                                            [&](std::string_view key, std::string_view value) {
                                              if (letters.size() == n) {
                                                next = last;
                                                return false;
                                              }
                                              last = std::string(key);
                                              letters.push_back(DeadLetterJson(key, value));
                                              return true;
                                            });
    if (!scan.ok()) return SendError(res, 500, scan.ToString());
    SendJson(res, 200,
             Json{{"dead_letters", std::move(letters)},
                  {"next_cursor", next.empty() ? Json() : Json(next)}});
  });

  svr.Get("/api/v1/report", [this, &cfg, may_read](const httplib::Request& req,
                                                   httplib::Response& res) {
    if (!may_read(req, res)) return;
    std::string error;
    auto from = InstantParam(req, "from", error);
    auto to = InstantParam(req, "to", error);
    if (!error.empty()) return SendError(res, 400, error);
    if (!from || !to) return SendError(res, 400, "from and to are required (ISO 8601 instants)");
    if (*from > *to) return SendError(res, 400, "from is after to");
    const std::string by_text = Param(req, "by").value_or("level");
    auto by = report::ParseGroupBy(by_text);
    if (!by) {
      return SendError(
          res, 400,
          "by must be level, customer, plan, service, engineer or schedule, got '" + by_text + "'");
    }
    const report::ReportOptions options{*from, *to, *by, &cfg};
    router::ReportSource source;
    auto built = router::ReportFromRollups(*deps_.log, options, true, &source);
    if (!built.ok() && built.status().code() == base::Code::kUnavailable) {
      built = router::ReportFromLog(*deps_.log, options, nullptr, &source);
    }
    if (!built.ok()) return SendError(res, 500, built.status().ToString());
    res.set_content(report::RenderJson(*built), "application/json");
  });

  // Everything the dashboard shows, in one read.
  svr.Get("/api/v1/dashboard", [this, &cfg, may_read](const httplib::Request& req,
                                                      httplib::Response& res) {
    if (!may_read(req, res)) return;
    const base::Timestamp now = deps_.clock();
    Json body;
    body["now"] = base::FormatInstant(now);
    body["as_of_seq"] = deps_.view->followed_seq();
    body["loaded"] = deps_.view->loaded();
    body["oncall"] = OncallListJson(cfg, now);
    auto listing = deps_.view->OpenCases({}, kDefaultLimit, "");
    Json cases = Json::array();
    if (listing.ok()) {
      for (const CaseView& c : listing->cases) cases.push_back(CaseSummaryJson(c, now));
    }
    body["cases"] = std::move(cases);
    Json open_by_level = Json::object();
    for (const auto& [level, n] : deps_.view->OpenByLevel()) {
      open_by_level[std::to_string(level)] = n;
    }
    body["open_by_level"] = std::move(open_by_level);
    Json recent = Json::array();
    for (const Activity& a : deps_.view->Recent(50)) recent.push_back(ActivityJson(a));
    body["recent"] = std::move(recent);
    {
      std::lock_guard<std::mutex> lock(compliance_->mu);
      const auto steady = std::chrono::steady_clock::now();
      if (compliance_->value.is_null() || steady - compliance_->at > std::chrono::seconds(5)) {
        Json windows = Json::object();
        for (const auto& [name, span] :
             {std::pair<const char*, base::Duration>{"24h", std::chrono::hours(24)},
              std::pair<const char*, base::Duration>{"7d", std::chrono::hours(24 * 7)}}) {
          const report::ReportOptions options{now - span, now, report::GroupBy::kLevel, &cfg};
          router::ReportSource source;
          auto r = router::ReportFromRollups(*deps_.log, options, /*breaches=*/false, &source);
          if (!r.ok()) {
            windows[name] = Json{{"error", r.status().message()}};
            continue;
          }
          Json levels = Json::array();
          for (const report::Group& g : r->groups) {
            const auto c = g.figures.Compliance();
            levels.push_back({{"level", g.key},
                              {"clocks", g.figures.clocks},
                              {"met", g.figures.met},
                              {"breached", g.figures.breached},
                              {"open", g.figures.open},
                              {"compliance", c ? Json(*c) : Json()}});
          }
          windows[name] = std::move(levels);
        }
        compliance_->value = std::move(windows);
        compliance_->at = steady;
      }
      body["compliance"] = compliance_->value;
    }
    SendJson(res, 200, body);
  });

  // Server-Sent Events: "change" with the view's version each time it moves (the page then
  // reads /api/v1/dashboard), a comment every 15 s to keep proxies from closing the stream.
  svr.Get("/api/v1/events", [this, may_read](const httplib::Request& req, httplib::Response& res) {
    if (!may_read(req, res)) return;
    if (streams_.fetch_add(1) >= options_.max_streams) {
      streams_.fetch_sub(1);
      return SendError(res, 503,
                       "too many event streams open (" + std::to_string(options_.max_streams) +
                           "); poll /api/v1/dashboard instead");
    }
    struct StreamState {
      uint64_t seen = 0;
      bool first = true;
    };
    auto state = std::make_shared<StreamState>();
    res.set_header("X-Accel-Buffering", "no");
    res.set_chunked_content_provider(
        "text/event-stream",
        [this, state](size_t, httplib::DataSink& sink) {
          if (stopping_.load()) return false;
          std::string out;
          if (state->first) {
            state->first = false;
            state->seen = deps_.view->version();
            out =
                "retry: 1000\n\nevent: change\ndata: {\"version\":" + std::to_string(state->seen) +
                ",\"seq\":" + std::to_string(deps_.view->followed_seq()) + "}\n\n";
          } else {
            // Short waits, so a stopping server ends the stream soon; a comment every ~15 s.
            uint64_t v = state->seen;
            for (int i = 0; i < 15 && v == state->seen && !stopping_.load(); ++i) {
              v = deps_.view->WaitForChange(state->seen, std::chrono::seconds(1));
            }
            if (stopping_.load()) return false;
            if (v == state->seen) {
              out = ": keep-alive\n\n";
            } else {
              state->seen = v;
              out = "event: change\ndata: {\"version\":" + std::to_string(v) +
                    ",\"seq\":" + std::to_string(deps_.view->followed_seq()) + "}\n\n";
            }
          }
          return sink.write(out.data(), out.size());
        },
        [this](bool) { streams_.fetch_sub(1); });
  });
}

}  // namespace web
