// The two pages: static shells the script fills from /api/v1/.
#include "web/dashboard_assets.h"

namespace web {

const char* const kDashboardHtml = R"HTML(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>escalator: live</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/dashboard.css">
<script src="/assets/dashboard.js" defer></script>
</head>
<body data-page="dashboard">
<header>
  <h1>escalator <span class="sub">live</span></h1>
  <p class="status"><span id="conn" class="conn">connecting</span>
    <span id="now"></span> <span id="seq" class="muted"></span></p>
</header>
<main>
  <section id="cases-section">
    <h2>Open cases <span id="open-count" class="muted"></span></h2>
    <div class="scroll"><table id="cases">
      <thead><tr><th>level</th><th>customer</th><th>subject</th><th>time left</th>
        <th class="wide">step</th><th>pages</th></tr></thead>
      <tbody></tbody>
    </table></div>
    <p id="cases-empty" class="muted" hidden>No open case.</p>
  </section>
  <section id="oncall-section">
    <h2>On call now</h2>
    <div class="scroll"><table id="oncall">
      <thead><tr><th>schedule</th><th>who</th><th class="wide">from</th><th>until</th>
        <th>next</th></tr></thead>
      <tbody></tbody>
    </table></div>
  </section>
  <section id="compliance-section">
    <h2>Compliance</h2>
    <div class="scroll"><table id="compliance">
      <thead><tr><th>level</th><th>last 24 hours</th><th>last 7 days</th></tr></thead>
      <tbody></tbody>
    </table></div>
  </section>
  <section id="activity-section">
    <h2>Recent activity</h2>
    <ol id="activity" class="activity"></ol>
  </section>
</main>
</body>
</html>
)HTML";

const char* const kCasePageHtml = R"HTML(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>escalator: case</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/dashboard.css">
<script src="/assets/dashboard.js" defer></script>
</head>
<body data-page="case">
<header>
  <h1><a href="/">escalator</a> <span class="sub">case <span id="case-id"></span></span></h1>
  <p class="status"><span id="conn" class="conn">connecting</span> <span id="now"></span></p>
</header>
<main>
  <section>
    <h2 id="case-title"></h2>
    <dl id="case-facts" class="facts"></dl>
  </section>
  <section>
    <h2>Pages</h2>
    <ol id="case-pages" class="activity"></ol>
  </section>
  <section>
    <h2>Timeline</h2>
    <ol id="timeline" class="timeline"></ol>
  </section>
</main>
</body>
</html>
)HTML";

}  // namespace web
