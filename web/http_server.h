// serve's HTTP side (serve --http ADDR): the dashboard, the JSON API under /api/v1/,
// /metrics, /healthz and /readyz, over cpp-httplib (Debian's libcpp-httplib-dev).
//
// Threads: cpp-httplib's pool serves requests. Handlers read the live view (web/live_view.h,
// a consistent snapshot under a shared lock), the store (RocksDB reads run beside serve's
// writes) and the immutable configuration; an acknowledgement is queued to serve's main loop
// (web/ack_queue.h). No handler takes a lock serve's ingest, routing or paging takes.
//
// Bad input: every error is JSON {"error": ...} with its status (400 a bad, unknown, repeated or
// empty parameter (HttpServer::Endpoints) or body, 401 no or unknown token, 403 a token not
// allowed to do that, 404 unknown case or path, 405 method, 413 body too large, 431 too many
// headers, 503 not ready or busy). Requests are bounded: body 16 KiB, 100 headers, 5 s read and
// write timeouts, at most 16 event streams at once.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "config/config.h"
#include "store/event_log.h"
#include "web/ack_queue.h"
#include "web/live_view.h"
#include "web/readiness.h"
#include "web/tokens.h"

namespace httplib {
class Server;
}

namespace web {

struct HttpOptions {
  std::string address = "127.0.0.1:8080";  // HOST:PORT; PORT 0 picks a free one
  int threads = 24;                        // request threads (event streams hold one each)
  int max_streams = 16;                    // concurrent /api/v1/events streams
};

struct HttpDeps {
  const store::EventLog* log = nullptr;
  std::shared_ptr<const config::Config> config;
  LiveView* view = nullptr;
  std::optional<Tokens> tokens;  // none: every write is refused (401)
  bool read_open = false;        // reads need no token (config http.read_open)
  AckQueue* acks = nullptr;
  const Readiness* readiness = nullptr;
  std::function<std::string()> metrics;    // the Prometheus exposition
  std::function<base::Timestamp()> clock;  // the wall clock (tests inject one)
};

// One endpoint of the JSON API and the query parameters it reads. Every read also takes
// access_token; any other parameter, one given twice or one given empty is refused with 400
// naming it.
struct ApiEndpoint {
  std::string method;                   // "GET" or "POST"
  std::string path;                     // ID stands for a case id: "/api/v1/cases/ID"
  std::vector<std::string> parameters;  // the query parameters it reads
  std::vector<std::string> body;        // the fields of its JSON body
};

class HttpServer {
 public:
  // Every endpoint under /api/v1/, with what it reads.
  static const std::vector<ApiEndpoint>& Endpoints();
  // Binds `options.address` and starts serving on its own threads. Errors: kInvalidInput for
  // an address that is not HOST:PORT; kUnavailable when the port cannot be bound.
  static base::Result<std::unique_ptr<HttpServer>> Start(HttpOptions options, HttpDeps deps);
  // Splits HOST:PORT. Errors: kInvalidInput naming the address.
  static base::Result<std::pair<std::string, int>> ParseAddress(const std::string& address);
  ~HttpServer();  // stops
  // Stops accepting, ends the event streams, joins. Idempotent.
  void Stop();
  // "HOST:PORT" actually bound.
  const std::string& address() const { return bound_; }

  // Replaces the access rules (a configuration reload): the tokens (none: every write is
  // refused) and whether reads need one. Thread-safe; requests already past their check keep
  // the old rules.
  void SetAccess(std::optional<Tokens> tokens, bool read_open);

 private:
  HttpServer() = default;
  void Routes();
  std::optional<TokenRole> Authenticate(const std::string& bearer) const;

  HttpOptions options_;
  HttpDeps deps_;
  // The access rules, swapped whole by SetAccess.
  struct Access {
    std::optional<Tokens> tokens;
    bool read_open = false;
  };
  std::shared_ptr<const Access> access() const;
  mutable std::mutex access_mu_;
  std::shared_ptr<const Access> access_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::string bound_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> streams_{0};

  // The dashboard's compliance figures, recomputed at most every few seconds.
  struct ComplianceCache;
  std::unique_ptr<ComplianceCache> compliance_;
};

}  // namespace web
