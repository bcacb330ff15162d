#include "feed/feed_parser.h"

#include <simdjson.h>

#include <cstdio>
#include <cstring>
#include <optional>
#include <vector>

#include "base/hash.h"
#include "base/time.h"

namespace router {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

const char* TypeName(element_type t) {
  switch (t) {
    case element_type::ARRAY:
      return "array";
    case element_type::OBJECT:
      return "object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
      return "number";
    case element_type::STRING:
      return "string";
    case element_type::BOOL:
      return "boolean";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "unknown";
}

// Quotes a value for a reason line: printable ASCII kept, the rest escaped,
// long values cut so a reason stays one short line.
std::string Quote(std::string_view v) {
  constexpr size_t kMax = 80;
  std::string out = "'";
  for (size_t i = 0; i < v.size() && i < kMax; ++i) {
    unsigned char c = static_cast<unsigned char>(v[i]);
    if (c >= 0x20 && c < 0x7f && c != '\'') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  if (v.size() > kMax) out += "...";
  out += "'";
  return out;
}

// Field lookups that turn every shape problem into a reason naming the field.
// Each returns false and sets *error when the message must be rejected.
class Reader {
 public:
  explicit Reader(std::string* error) : error_(error) {}

  // A string field. Missing or null: *out = nullopt, an error only if required.
  bool String(object obj, std::string_view key, const std::string& path, bool required,
              std::optional<std::string_view>* out) {
    *out = std::nullopt;
    element e;
    if (obj.at_key(key).get(e) != simdjson::SUCCESS || e.type() == element_type::NULL_VALUE) {
      if (required) return Fail("field " + path + " missing");
      return true;
    }
    if (e.type() != element_type::STRING) {
      return Fail("field " + path + ": expected string, got " + TypeName(e.type()));
    }
    std::string_view s;
    if (e.get_string().get(s) != simdjson::SUCCESS) return Fail("field " + path + " unreadable");
    *out = s;
    return true;
  }

  // A required non-empty string.
  bool NonEmpty(object obj, std::string_view key, const std::string& path, std::string* out) {
    std::optional<std::string_view> v;
    if (!String(obj, key, path, true, &v)) return false;
    if (v->empty()) return Fail("field " + path + " is empty");
    *out = std::string(*v);
    return true;
  }

  // An optional string copied into *out ("" when missing).
  bool Optional(object obj, std::string_view key, const std::string& path, std::string* out) {
    std::optional<std::string_view> v;
    if (!String(obj, key, path, false, &v)) return false;
    out->assign(v ? *v : std::string_view());
    return true;
  }

  // An optional object. Missing or null: *out = nullopt.
  bool Object(object obj, std::string_view key, const std::string& path, bool required,
              std::optional<object>* out) {
    *out = std::nullopt;
    element e;
    if (obj.at_key(key).get(e) != simdjson::SUCCESS || e.type() == element_type::NULL_VALUE) {
      if (required) return Fail("field " + path + " missing");
      return true;
    }
    if (e.type() != element_type::OBJECT) {
      return Fail("field " + path + ": expected object, got " + TypeName(e.type()));
    }
    object o;
    if (e.get_object().get(o) != simdjson::SUCCESS) return Fail("field " + path + " unreadable");
    *out = o;
    return true;
  }

  bool Instant(std::string_view text, const std::string& path, base::Timestamp* out) {
    auto t = base::ParseInstant(text);
    if (!t) return Fail("bad timestamp in " + path + ": " + Quote(text));
    *out = *t;
    return true;
  }

  bool Fail(std::string reason) {
    *error_ = std::move(reason);
    return false;
  }

 private:
  std::string* error_;
};

std::optional<FeedAction> ActionNamed(std::string_view name) {
  if (name == "CreateCase") return FeedAction::kCreateCase;
  if (name == "AddCommunicationToCase") return FeedAction::kAddCommunication;
  if (name == "ResolveCase") return FeedAction::kResolveCase;
  if (name == "ReopenCase") return FeedAction::kReopenCase;
  return std::nullopt;
}

std::optional<Origin> OriginNamed(std::string_view name) {
  if (name.empty()) return Origin::kNone;
  if (name == "AWS") return Origin::kAws;
  if (name == "CUSTOMER") return Origin::kCustomer;
  return std::nullopt;
}

}  // namespace

struct FeedParser::Impl {
  simdjson::dom::parser parser;
  std::vector<char> padded;  // the message plus simdjson's padding, reused

  // Checks size and encoding, parses, and sets *root to the top-level object; else why not.
  std::optional<FeedRejection> Load(std::string_view bytes, size_t limit, object* root);
  // One entry of a snapshot's `cases` at index i, into *ev; false and *error when it is bad.
  bool ReadSnapshotCase(element entry, size_t i, const Snapshot& snap,
                        const FeedParserOptions& opts, FeedEvent* ev, std::string* error);

  // Reads a CaseDetails object found at `path` ("detail.case" or "" for bare).
  bool ReadDetails(Reader& r, object obj, const std::string& prefix, const FeedParserOptions& opts,
                   CaseDetails* d) {
    auto p = [&](const char* key) {
      return prefix.empty() ? std::string(key) : prefix + "." + key;
    };
    if (!r.NonEmpty(obj, "caseId", p("caseId"), &d->case_id)) return false;
    if (!r.Optional(obj, "displayId", p("displayId"), &d->display_id)) return false;
    if (!r.Optional(obj, "subject", p("subject"), &d->subject)) return false;
    if (!r.Optional(obj, "status", p("status"), &d->status)) return false;
    if (!r.Optional(obj, "serviceCode", p("serviceCode"), &d->service_code)) return false;
    if (!r.Optional(obj, "categoryCode", p("categoryCode"), &d->category_code)) return false;
    if (!r.NonEmpty(obj, "severityCode", p("severityCode"), &d->severity_code)) return false;
    if (!opts.severity_map.empty() && !opts.severity_map.count(d->severity_code)) {
      return r.Fail("unknown severity " + Quote(d->severity_code) + " in " + p("severityCode"));
    }
    if (!r.Optional(obj, "submittedBy", p("submittedBy"), &d->submitted_by)) return false;
    if (!r.Optional(obj, "language", p("language"), &d->language)) return false;
    std::optional<std::string_view> created;
    if (!r.String(obj, "timeCreated", p("timeCreated"), false, &created)) return false;
    if (created && !created->empty()) {
      base::Timestamp t;
      if (!r.Instant(*created, p("timeCreated"), &t)) return false;
      d->time_created = t;
    }
    return true;
  }
};

FeedParser::FeedParser(FeedParserOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>()) {}

FeedParser::~FeedParser() = default;

std::optional<FeedRejection> FeedParser::Impl::Load(std::string_view bytes, size_t limit,
                                                    object* root) {
  if (bytes.empty()) return FeedRejection{"empty message"};
  if (bytes.size() > limit) {
    return FeedRejection{"message too large (" + std::to_string(bytes.size()) + " bytes > " +
                         std::to_string(limit) + ")"};
  }
  if (!simdjson::validate_utf8(bytes.data(), bytes.size())) return FeedRejection{"not UTF-8"};

  if (padded.size() < bytes.size() + simdjson::SIMDJSON_PADDING) {
    padded.resize(bytes.size() + simdjson::SIMDJSON_PADDING);
  }
  std::memcpy(padded.data(), bytes.data(), bytes.size());
  std::memset(padded.data() + bytes.size(), 0, simdjson::SIMDJSON_PADDING);
  element doc;
  auto err = parser.parse(padded.data(), bytes.size(), false).get(doc);
  if (err != simdjson::SUCCESS) {
    return FeedRejection{std::string("invalid JSON (") + simdjson::error_message(err) + ")"};
  }
  if (doc.type() != element_type::OBJECT) {
    return FeedRejection{std::string("expected a JSON object, got ") + TypeName(doc.type())};
  }
  if (doc.get_object().get(*root) != simdjson::SUCCESS) return FeedRejection{"unreadable object"};
  return std::nullopt;
}

FeedParseResult FeedParser::Parse(std::string_view bytes) {
  object root;
  if (auto rejected = impl_->Load(bytes, options_.max_message_bytes, &root)) return *rejected;

  std::string error;
  Reader r(&error);
  FeedEvent ev;
  element detail_el;
  bool has_detail = root.at_key("detail").get(detail_el) == simdjson::SUCCESS;

  if (!has_detail) {
    // A bare CaseDetails object (documented in the header).
    element case_id;
    if (root.at_key("caseId").get(case_id) != simdjson::SUCCESS) {
      return FeedRejection{"field detail missing (neither an envelope nor a bare CaseDetails)"};
    }
    CaseDetails d;
    if (!impl_->ReadDetails(r, root, "", options_, &d)) return FeedRejection{error};
    if (!d.time_created) return FeedRejection{"field timeCreated missing (bare CaseDetails)"};
    char hash[17];
    std::snprintf(hash, sizeof hash, "%016llx",
                  static_cast<unsigned long long>(base::Fnv1a64(bytes)));
    ev.event_id = "casedetails/" + d.case_id + "/" + hash;
    ev.case_id = d.case_id;
    ev.display_id = d.display_id;
    ev.account = AccountFromCaseId(d.case_id);
    ev.action = FeedAction::kCreateCase;
    ev.at = *d.time_created;
    ev.details = std::move(d);
    return ev;
  }

  // The EventBridge envelope.
  std::optional<std::string_view> detail_type;
  if (!r.String(root, "detail-type", "detail-type", false, &detail_type)) {
    return FeedRejection{error};
  }
  if (detail_type && *detail_type != "Support Case Update") {
    return FeedRejection{"unsupported detail-type " + Quote(*detail_type) + " in detail-type"};
  }
  if (!r.NonEmpty(root, "id", "id", &ev.event_id)) return FeedRejection{error};
  std::optional<std::string_view> time;
  if (!r.String(root, "time", "time", true, &time)) return FeedRejection{error};
  if (!r.Instant(*time, "time", &ev.at)) return FeedRejection{error};
  if (!r.NonEmpty(root, "account", "account", &ev.account)) return FeedRejection{error};

  std::optional<object> detail;
  if (!r.Object(root, "detail", "detail", true, &detail)) return FeedRejection{error};
  if (!r.NonEmpty(*detail, "case-id", "detail.case-id", &ev.case_id)) return FeedRejection{error};
  if (!r.Optional(*detail, "display-id", "detail.display-id", &ev.display_id)) {
    return FeedRejection{error};
  }
  if (!r.Optional(*detail, "communication-id", "detail.communication-id", &ev.communication_id)) {
    return FeedRejection{error};
  }
  std::optional<std::string_view> name;
  if (!r.String(*detail, "event-name", "detail.event-name", true, &name)) {
    return FeedRejection{error};
  }
  auto action = ActionNamed(*name);
  if (!action) return FeedRejection{"unknown event-name " + Quote(*name) + " in detail.event-name"};
  ev.action = *action;
  std::optional<std::string_view> origin_name;
  if (!r.String(*detail, "origin", "detail.origin", false, &origin_name)) {
    return FeedRejection{error};
  }
  auto origin = OriginNamed(origin_name.value_or(""));
  if (!origin) return FeedRejection{"unknown origin " + Quote(*origin_name) + " in detail.origin"};
  ev.origin = *origin;

  std::optional<object> details;
  if (!r.Object(*detail, "case", "detail.case", false, &details)) return FeedRejection{error};
  if (details) {
    CaseDetails d;
    if (!impl_->ReadDetails(r, *details, "detail.case", options_, &d)) {
      return FeedRejection{error};
    }
    if (d.case_id != ev.case_id) {
      return FeedRejection{"detail.case.caseId " + Quote(d.case_id) +
                           " does not match detail.case-id " + Quote(ev.case_id)};
    }
    ev.details = std::move(d);
  } else if (ev.action == FeedAction::kCreateCase) {
    return FeedRejection{"CreateCase without case details (detail.case missing)"};
  }
  if (ev.display_id.empty() && ev.details) ev.display_id = ev.details->display_id;
  return ev;
}

bool IsCaseStatus(std::string_view status) {
  return status == "opened" || status == "pending-customer-action" || status == "reopened" ||
         status == "resolved" || status == "unassigned" || status == "work-in-progress" ||
         status == "customer-action-completed";
}

bool FeedParser::Impl::ReadSnapshotCase(element entry, size_t i, const Snapshot& snap,
                                        const FeedParserOptions& opts, FeedEvent* ev,
                                        std::string* error) {
  Reader r(error);
  const std::string path = "cases[" + std::to_string(i) + "]";
  if (entry.type() != element_type::OBJECT) {
    return r.Fail("field " + path + ": expected object, got " + TypeName(entry.type()));
  }
  object obj;
  if (entry.get_object().get(obj) != simdjson::SUCCESS) return r.Fail(path + " unreadable");
  // The case id first, so that a refusal can name the case.
  std::optional<std::string_view> id;
  if (!r.String(obj, "caseId", path + ".caseId", false, &id)) return false;
  if (id) ev->case_id = std::string(*id);
  CaseDetails d;
  if (!ReadDetails(r, obj, path, opts, &d)) return false;
  if (d.status.empty()) return r.Fail("field " + path + ".status missing");
  if (!IsCaseStatus(d.status)) {
    return r.Fail("unknown status " + Quote(d.status) + " in " + path + ".status");
  }
  if (!d.time_created) return r.Fail("field " + path + ".timeCreated missing");
  if (*d.time_created > snap.taken_at) {
    return r.Fail(path + ".timeCreated " + base::FormatInstant(*d.time_created) +
                  " is after taken_at " + base::FormatInstant(snap.taken_at));
  }
  const std::string owner = AccountFromCaseId(d.case_id);
  if (!owner.empty() && owner != snap.account) {
    return r.Fail(path + ".caseId " + Quote(d.case_id) + " belongs to account " + owner +
                  ", not the snapshot's " + snap.account);
  }
  ev->display_id = d.display_id;
  ev->account = snap.account;
  ev->action = FeedAction::kReconcile;
  ev->at = snap.taken_at;
  ev->details = std::move(d);
  return true;
}

SnapshotParseResult FeedParser::ParseSnapshot(std::string_view bytes) {
  object root;
  if (auto rejected = impl_->Load(bytes, options_.max_snapshot_bytes, &root)) return *rejected;
  std::string error;
  Reader r(&error);
  Snapshot snap;
  if (!r.NonEmpty(root, "account", "account", &snap.account)) return FeedRejection{error};
  std::optional<std::string_view> taken_at;
  if (!r.String(root, "taken_at", "taken_at", true, &taken_at)) return FeedRejection{error};
  if (!r.Instant(*taken_at, "taken_at", &snap.taken_at)) return FeedRejection{error};
  element cases_el;
  if (root.at_key("cases").get(cases_el) != simdjson::SUCCESS ||
      cases_el.type() == element_type::NULL_VALUE) {
    return FeedRejection{"field cases missing"};
  }
  simdjson::dom::array cases;
  if (cases_el.get_array().get(cases) != simdjson::SUCCESS) {
    return FeedRejection{std::string("field cases: expected array, got ") +
                         TypeName(cases_el.type())};
  }
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx",
                static_cast<unsigned long long>(base::Fnv1a64(bytes)));
  const std::string event_id =
      "snapshot/" + snap.account + "/" + base::FormatInstant(snap.taken_at) + "/" + hash;
  std::map<std::string, size_t> seen;  // case id -> its index
  for (element entry : cases) {
    const size_t i = snap.listed++;
    FeedEvent ev;
    std::string why;
    if (!impl_->ReadSnapshotCase(entry, i, snap, options_, &ev, &why)) {
      snap.bad_cases.push_back({ev.case_id, std::move(why)});
      continue;
    }
    auto [first, fresh] = seen.emplace(ev.case_id, i);
    if (!fresh) {
      snap.bad_cases.push_back({ev.case_id, "cases[" + std::to_string(i) + "].caseId " +
                                                Quote(ev.case_id) + " repeats cases[" +
                                                std::to_string(first->second) + "]"});
      continue;
    }
    ev.event_id = event_id;
    snap.cases.push_back(std::move(ev));
  }
  return snap;
}

bool LooksLikeSnapshot(std::string_view bytes) {
  if (bytes.find("\"taken_at\"") == std::string_view::npos) return false;
  thread_local simdjson::dom::parser parser;
  element doc;
  if (parser.parse(bytes.data(), bytes.size()).get(doc) != simdjson::SUCCESS) {
    return false;
  }
  element unused;
  return doc.type() == element_type::OBJECT &&
         doc.at_key("taken_at").get(unused) == simdjson::SUCCESS &&
         doc.at_key("cases").get(unused) == simdjson::SUCCESS;
}

std::string FeedPartitionKey(std::string_view bytes) {
  thread_local simdjson::dom::parser parser;
  element doc;
  if (parser.parse(bytes.data(), bytes.size()).get(doc) != simdjson::SUCCESS) return "";
  std::string_view s;
  if (doc["account"].get_string().get(s) == simdjson::SUCCESS && !s.empty()) {
    return std::string(s);
  }
  if (doc["detail"]["case-id"].get_string().get(s) != simdjson::SUCCESS &&
      doc["caseId"].get_string().get(s) != simdjson::SUCCESS) {
    return "";
  }
  std::string account = AccountFromCaseId(s);
  return account.empty() ? std::string(s) : account;
}

std::string AccountFromCaseId(std::string_view case_id) {
  constexpr std::string_view kPrefix = "case-";
  if (case_id.substr(0, kPrefix.size()) != kPrefix) return "";
  auto rest = case_id.substr(kPrefix.size());
  auto dash = rest.find('-');
  auto account = rest.substr(0, dash);
  if (account.size() != 12) return "";
  for (char c : account) {
    if (c < '0' || c > '9') return "";
  }
  return std::string(account);
}

}  // namespace router
