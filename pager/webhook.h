// Posting a webhook: one HTTP POST, retried with bounded exponential backoff
// while the failure may pass. The libcurl adapter of the pager gateway
// (`escalator pager-gateway`); the bodies are in pager/webhook_body.h, the
// signature in pager/webhook_signature.h.
//
// Retry rules:
//   2xx                      delivered
//   5xx, 429, a timeout,     retried after a backoff: first_backoff, doubled
//   any other transport      after each failed attempt, capped at max_backoff;
//   error (refused, reset,   a Retry-After in seconds on the response replaces
//   DNS, TLS)                it (capped the same way)
//   any other status         given up at once: a 4xx says the request itself
//   (4xx, 3xx, 1xx)          is wrong (bad URL, bad signature), so it would
//                            fail the same way again; redirects are not followed
//   a URL libcurl cannot     given up at once
//   use (malformed, not
//   http or https)
// and at most max_attempts attempts in all. Each attempt carries the same body
// and headers, so the receiver can drop a repeat by X-Escalator-Page-Id.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "pager/page.h"

namespace pager {

inline constexpr char kPageIdHeader[] = "X-Escalator-Page-Id";

struct PostOptions {
  // The whole request (connect, send, wait, receive); the connection alone
  // gets the same bound.
  std::chrono::milliseconds timeout{5000};
  int max_attempts = 5;  // values below 1 mean 1
  std::chrono::milliseconds first_backoff{500};
  std::chrono::milliseconds max_backoff{30000};
};

struct PostOutcome {
  bool delivered = false;
  int attempts = 0;        // requests made
  long last_status = 0;    // the last response's HTTP status; 0 when none came
  std::string error;       // why the last attempt failed; "" once delivered
  bool abandoned = false;  // `sleep` said stop before the rules gave up
};

// Waits `backoff` before the next attempt. Returns false to abandon the post
// (the process is stopping): PostWithRetry then returns at once, undelivered.
using SleepFn = std::function<bool(std::chrono::milliseconds backoff)>;

// POSTs `body` to `url` (http:// or https:// only) with `headers` (each a
// full "Name: value" line), retrying as the rules above say; `sleep` is called
// between attempts, never after the last. Blocking; callable from any thread
// (it makes its own libcurl handle, reused across the attempts).
// Never throws; every failure is in the outcome.
PostOutcome PostWithRetry(const std::string& url, const std::string& body,
                          const std::vector<std::string>& headers, const PostOptions& options,
                          const SleepFn& sleep);

// The headers a page's post carries: Content-Type: application/json, the
// page's stable id (kPageIdHeader: pager::StablePageId, as `page_id` in the body) and, when
// `secrets` is not empty, the signature of `body` (pager/webhook_signature.h).
std::vector<std::string> PageHeaders(const std::string& page_id, const std::string& body,
                                     const std::vector<std::string>& secrets);

// The backoff before attempt `failed_attempts + 1`: first_backoff doubled
// per failed attempt after the first, capped at max_backoff. REQUIRES:
// failed_attempts >= 1.
std::chrono::milliseconds Backoff(const PostOptions& options, int failed_attempts);

}  // namespace pager
