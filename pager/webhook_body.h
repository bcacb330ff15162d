// What a webhook post says: the body of one page, in our own JSON for any
// receiver, or as a Slack incoming-webhook message. Pure: no socket, no clock.
//
// Our JSON (one object; "due" is null when the page has no target instant,
// other unknown strings are ""):
//   {"page_id":I, "seq":N, "case":C, "display_id":D, "customer":A, "level":L,
//    "level_meaning":M, "subject":S, "service":V, "severity":Y, "due":T|null,
//    "step":n, "target":G, "engineer":E, "why":R, "reason_code":K,
//    "decided_at":T}
// Instants are ISO 8601 UTC (base::FormatInstant). page_id is the page's
// stable id (pager::StablePageId, 16 hex digits): the same on every delivery
// of one page, from any instance of serve, so a receiver can drop a repeat (it
// is also in header X-Escalator-Page-Id). seq is the sending instance's
// number for the page.
#pragma once

#include <string>

#include "pager/page.h"

namespace pager {

// The page as our webhook JSON (see above). Invalid UTF-8 in a field is
// replaced (U+FFFD), never an error: a page is always deliverable.
std::string WebhookBody(const Page& page);

// The page as a Slack incoming-webhook message: {"text": a one-line fallback
// for notifications, "blocks": [a section naming the case (display id, else
// case id), its level and meaning, and subject; a section with fields
// Customer, Service, Due; a context line saying who is paged and why]}.
// Text is escaped for Slack's mrkdwn (&, <, >) and cut to Slack's limits;
// an empty field shows as "-" because Slack refuses empty text.
std::string SlackBody(const Page& page);

}  // namespace pager
