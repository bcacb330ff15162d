#include "pager/webhook.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>

#include "pager/webhook_signature.h"

namespace pager {
namespace {

// curl_global_init is not thread-safe and must run once before any handle.
// Failing means libcurl cannot work at all, so it is fatal.
void InitCurl() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      std::cerr << "libcurl: curl_global_init failed\n";
      std::abort();
    }
  });
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;
using HeaderList = std::unique_ptr<curl_slist, SlistDeleter>;

// What one attempt saw of the response.
struct Response {
  std::string body_start;  // the first bytes, for the error message
  std::optional<std::chrono::seconds> retry_after;
};

// Keeps the first few hundred bytes of the response body (a receiver often
// says there why it refused) and drops the rest, so a huge answer costs
// nothing.
size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* r = static_cast<Response*>(user);
  constexpr size_t kKeep = 200;
  if (r->body_start.size() < kKeep) {
    r->body_start.append(data, std::min(size * n, kKeep - r->body_start.size()));
  }
  return size * n;
}

// Picks Retry-After out of the response headers. Only the delay-seconds form
// is honoured; an HTTP-date is ignored (our own backoff applies).
size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* r = static_cast<Response*>(user);
  std::string_view line(data, size * n);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size() &&
      std::equal(kName.begin(), kName.end(), line.begin(),
                 [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
    std::string_view v = line.substr(kName.size());
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ')) {
      v.remove_suffix(1);
    }
    if (!v.empty() &&
        std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      // More than 9 digits is beyond any cap; clamping keeps the parse from overflowing.
      r->retry_after = std::chrono::seconds(v.size() > 9 ? 999'999'999 : std::stol(std::string(v)));
    }
  } else if (line.starts_with("HTTP/")) {
    // A new response (after a 100 Continue, say): forget the previous one's.
    r->retry_after.reset();
  }
  return size * n;
}

// `text` with control characters as spaces: it goes into one log line.
std::string Printable(std::string text) {
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return text;
}

// Appends `line` to `list`; false (the list unchanged) when out of memory.
bool Append(HeaderList& list, const std::string& line) {
  curl_slist* head = curl_slist_append(list.get(), line.c_str());
  if (head == nullptr) return false;
  (void)list.release();  // the same list, now reached through `head`
  list.reset(head);
  return true;
}

bool Retried(long status) { return status == 429 || (status >= 500 && status <= 599); }

// Sets up `curl` for one post; the handle keeps these across attempts.
CURLcode Configure(CURL* curl, const std::string& url, const std::string& body, curl_slist* headers,
                   const PostOptions& options, Response* response, char* error_buffer) {
  const long timeout_ms = static_cast<long>(std::max<int64_t>(1, options.timeout.count()));
  CURLcode rc = CURLE_OK;
  auto set = [&](CURLoption option, auto value) {
    if (rc == CURLE_OK) rc = curl_easy_setopt(curl, option, value);
  };
  set(CURLOPT_ERRORBUFFER, error_buffer);
  set(CURLOPT_URL, url.c_str());
  // Only the web: a file:// or other scheme in --url is refused, not read.
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  set(CURLOPT_FOLLOWLOCATION, 0L);
  // No signals: libcurl would otherwise use SIGALRM for DNS timeouts, which
  // is unsafe with other threads.
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_TIMEOUT_MS, timeout_ms);
  set(CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  set(CURLOPT_POST, 1L);
  set(CURLOPT_POSTFIELDS, body.data());
  set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  set(CURLOPT_HTTPHEADER, headers);
  set(CURLOPT_USERAGENT, "escalator-pager-gateway/1");
  set(CURLOPT_WRITEFUNCTION, &OnBody);
  set(CURLOPT_WRITEDATA, response);
  set(CURLOPT_HEADERFUNCTION, &OnHeader);
  set(CURLOPT_HEADERDATA, response);
  return rc;
}

}  // namespace

std::chrono::milliseconds Backoff(const PostOptions& options, int failed_attempts) {
  std::chrono::milliseconds d = options.first_backoff;
  for (int i = 1; i < failed_attempts && d < options.max_backoff; ++i) d *= 2;
  return std::min(d, options.max_backoff);
}

std::vector<std::string> PageHeaders(const std::string& page_id, const std::string& body,
                                     const std::vector<std::string>& secrets) {
  std::vector<std::string> headers = {"Content-Type: application/json",
                                      std::string(kPageIdHeader) + ": " + page_id};
  if (!secrets.empty()) {
    headers.push_back(std::string(kSignatureHeader) + ": " + SignatureHeader(secrets, body));
  }
  return headers;
}

PostOutcome PostWithRetry(const std::string& url, const std::string& body,
                          const std::vector<std::string>& headers, const PostOptions& options,
                          const SleepFn& sleep) {
  InitCurl();
  PostOutcome out;
  CurlHandle curl(curl_easy_init());
  if (!curl) {
    out.error = "curl_easy_init failed";
    return out;
  }
  HeaderList list;
  for (const std::string& h : headers) {
    if (!Append(list, h)) {
      out.error = "out of memory building the headers";
      return out;
    }
  }
  // libcurl sends "Expect: 100-continue" before a body over 1 KiB and waits
  // up to a second for the answer; an empty value turns that off.
  if (!Append(list, "Expect:")) {
    out.error = "out of memory building the headers";
    return out;
  }

  Response response;
  char error_buffer[CURL_ERROR_SIZE] = {};
  if (CURLcode rc = Configure(curl.get(), url, body, list.get(), options, &response, error_buffer);
      rc != CURLE_OK) {
    out.error = std::string("curl setup: ") + curl_easy_strerror(rc);
    return out;
  }
  const int max_attempts = std::max(1, options.max_attempts);
  while (true) {
    response = Response{};
    error_buffer[0] = '\0';
    ++out.attempts;
    const CURLcode rc = curl_easy_perform(curl.get());
    bool retry = false;
    if (rc == CURLE_OK) {
      long status = 0;
      curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
      out.last_status = status;
      if (status >= 200 && status <= 299) {
        out.delivered = true;
        out.error.clear();
        return out;
      }
      out.error = "HTTP " + std::to_string(status);
      if (!response.body_start.empty()) out.error += ": " + Printable(response.body_start);
      retry = Retried(status);
    } else {
      out.last_status = 0;
      out.error = std::string("curl: ") + curl_easy_strerror(rc);
      if (error_buffer[0] != '\0') out.error += std::string(": ") + error_buffer;
      // A URL curl cannot use fails the same way every time; anything else
      // (refused, reset, timed out, DNS) may pass.
      retry = rc != CURLE_URL_MALFORMAT && rc != CURLE_UNSUPPORTED_PROTOCOL &&
              rc != CURLE_OUT_OF_MEMORY;
    }
    if (!retry || out.attempts >= max_attempts) return out;
    std::chrono::milliseconds wait = Backoff(options, out.attempts);
    if (response.retry_after) {
      wait = std::min<std::chrono::milliseconds>(*response.retry_after, options.max_backoff);
    }
    if (!sleep(wait)) {
      out.abandoned = true;
      return out;
    }
  }
}

}  // namespace pager
