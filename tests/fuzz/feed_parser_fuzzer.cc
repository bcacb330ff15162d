// Fuzzes the support feed's parser (feed/feed_parser.h): any bytes give an event or a
// rejection (and, read as a reconciliation snapshot, a snapshot or a rejection), never a crash; and
// the parser, which keeps simdjson's buffers between calls, gives the same answer for the same
// bytes after parsing something else in between.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "feed/feed_parser.h"

namespace {

// The reason of a rejection, or the identifying fields of an event: what a second parse of the
// same bytes must reproduce.
std::string Summary(const router::FeedParseResult& r) {
  if (const auto* rej = std::get_if<router::FeedRejection>(&r)) return "rejected: " + rej->reason;
  const auto& ev = std::get<router::FeedEvent>(r);
  return ev.event_id + "|" + ev.case_id + "|" + ev.account + "|" + ev.communication_id + "|" +
         std::to_string(static_cast<int>(ev.action)) + "|" +
         std::to_string(ev.at.time_since_epoch().count()) + "|" + (ev.details ? "d" : "");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The configured severities of config/example.yaml: an unknown code is a rejection path too.
  static router::FeedParser parser(
      {64 * 1024, {{"critical", 1}, {"urgent", 2}, {"high", 3}, {"normal", 4}, {"low", 4}}});
  static router::FeedParser any_severity;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);

  router::FeedParseResult first = parser.Parse(bytes);
  any_severity.Parse(bytes);
  parser.Parse("{}");  // something else in between, reusing the buffers
  if (Summary(parser.Parse(bytes)) != Summary(first)) abort();

  if (const auto* ev = std::get_if<router::FeedEvent>(&first)) {
    // An accepted event names its case, and a CreateCase carries its details.
    if (ev->case_id.empty()) abort();
    if (ev->action == router::FeedAction::kCreateCase && !ev->details) abort();
  } else if (std::get<router::FeedRejection>(first).reason.empty()) {
    abort();  // a rejection always says why
  }
  router::FeedPartitionKey(bytes);  // never fails, whatever the bytes
  router::AccountFromCaseId(bytes);

  // The same bytes as a reconciliation snapshot: a snapshot or a rejection that says why; every
  // case accepted names its case and carries its details, every case refused says why.
  router::LooksLikeSnapshot(bytes);
  router::SnapshotParseResult snap = parser.ParseSnapshot(bytes);
  if (const auto* s = std::get_if<router::Snapshot>(&snap)) {
    if (s->account.empty() || s->cases.size() + s->bad_cases.size() != s->listed) abort();
    for (const auto& c : s->cases) {
      if (c.case_id.empty() || !c.details || c.at != s->taken_at) abort();
    }
    for (const auto& b : s->bad_cases) {
      if (b.reason.empty()) abort();
    }
  } else if (std::get<router::FeedRejection>(snap).reason.empty()) {
    abort();
  }
  return 0;
}
