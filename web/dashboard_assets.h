// The dashboard's page, the case page, and their script and style sheet: served from memory
// by web/http_server.cc (no CDN, no file read), so the page works with no network beyond
// serve. The script builds every element with textContent, never innerHTML: case subjects
// come from customers.
#pragma once

namespace web {

extern const char* const kDashboardHtml;  // GET /
extern const char* const kCasePageHtml;   // GET /cases/ID
extern const char* const kDashboardJs;    // GET /assets/dashboard.js
extern const char* const kDashboardCss;   // GET /assets/dashboard.css

}  // namespace web
