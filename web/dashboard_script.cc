// The dashboard's script and style sheet.
#include "web/dashboard_assets.h"

namespace web {

const char* const kDashboardJs = R"JS('use strict';
// escalator's dashboard. Reads /api/v1/dashboard (or /api/v1/cases/ID on a case page), then
// refreshes on each "change" from /api/v1/events (Server-Sent Events), polling every 2 s if
// the stream fails. Every text is set with textContent: subjects come from customers.
(function () {
  const token = (function () {
    const m = /(?:^|[#&])token=([^&]+)/.exec(location.hash);
    if (m) sessionStorage.setItem('escalator-token', decodeURIComponent(m[1]));
    return sessionStorage.getItem('escalator-token') || '';
  })();
  const headers = token ? { Authorization: 'Bearer ' + token } : {};
  let skew = 0;  // server clock minus ours, in ms, so the countdowns tick on serve's time
  const $ = (id) => document.getElementById(id);

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function cell(row, text, cls) { const c = el('td', cls, text); row.appendChild(c); return c; }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function hhmm(iso) { return iso ? iso.substring(11, 16) + 'Z' : ''; }
  function when(iso) {
    if (!iso) return '';
    const today = new Date(Date.now() + skew).toISOString().substring(0, 10);
    return (iso.substring(0, 10) === today ? '' : iso.substring(5, 10) + ' ') + hhmm(iso);
  }
  function span(seconds) {
    const neg = seconds < 0;
    let s = Math.abs(Math.round(seconds));
    const d = Math.floor(s / 86400); s -= d * 86400;
    const h = Math.floor(s / 3600); s -= h * 3600;
    const m = Math.floor(s / 60); s -= m * 60;
    const text = d > 0 ? d + 'd ' + h + 'h' : h > 0 ? h + 'h ' + String(m).padStart(2, '0') + 'm'
                                                   : m + 'm ' + String(s).padStart(2, '0') + 's';
    return (neg ? '-' : '') + text;
  }
  function setConn(text, cls) { const c = $('conn'); c.textContent = text; c.className = 'conn ' + cls; }

  async function getJson(path) {
    const res = await fetch(path, { headers, cache: 'no-store' });
    const body = await res.json();
    if (!res.ok) throw new Error(body.error || res.statusText);
    return body;
  }

  // The countdown of one clock cell, recomputed every second from its due instant.
  function tick() {
    const now = Date.now() + skew;
    const n = $('now');
    if (n) n.textContent = new Date(now).toISOString().substring(0, 19) + 'Z';
    document.querySelectorAll('[data-due]').forEach((c) => {
      const due = Date.parse(c.dataset.due), warn = Date.parse(c.dataset.warn);
      const left = (due - now) / 1000;
      c.textContent = left >= 0 ? span(left) : 'breached ' + span(-left) + ' ago';
      c.className = 'clock ' + (left < 0 || c.dataset.breached === 'true' ? 'breached'
                                : now >= warn ? 'warning' : 'ok');
    });
  }

  function pagesCell(row, pages) {
    const c = cell(row, null, 'pages');
    (pages || []).forEach((p) => {
      const tag = el('span', 'page ' + (p.acked ? 'acked' : p.delivered ? 'delivered'
                                        : p.failed ? 'failed' : p.superseded ? 'dropped' : 'sent'),
                     p.engineer);
      tag.title = 'paged ' + when(p.at) + (p.delivered ? ', delivered ' + when(p.delivered) : '') +
                  (p.failed ? ', NOT delivered' : '') + (p.acked ? ', acknowledged ' + when(p.acked) : '');
      c.appendChild(tag);
    });
  }

  function renderCases(cases) {
    const body = $('cases').tBodies[0];
    clear(body);
    $('cases-empty').hidden = cases.length > 0;
    $('open-count').textContent = '(' + cases.length + ')';
    cases.forEach((k) => {
      const r = el('tr', 'case');
      r.dataset.case = k.case;
      cell(r, k.level, 'level l' + k.level);
      cell(r, k.account, 'customer');
      const s = cell(r, null, 'subject');
      const a = el('a', null, k.subject || '(no subject)');
      a.href = '/cases/' + encodeURIComponent(k.case);
      s.appendChild(a);
      const clock = k.clock || {};
      const c = cell(r, clock.state === 'stopped' ? 'answered' : '', 'clock');
      if (clock.due && clock.state !== 'stopped') {
        c.dataset.due = clock.due;
        c.dataset.warn = clock.warning_at;
        c.dataset.breached = clock.state === 'breached';
      } else {
        c.className = 'clock stopped';
      }
      cell(r, k.step ? 'step ' + (k.step.step + 1) + (k.step.cycle > 0 ? ' (cycle ' + (k.step.cycle + 1) + ')' : '') : '-', 'wide');
      pagesCell(r, k.pages);
      body.appendChild(r);
    });
  }

  function renderOncall(list) {
    const body = $('oncall').tBodies[0];
    clear(body);
    list.forEach((o) => {
      const r = el('tr');
      cell(r, o.schedule, 'schedule');
      cell(r, o.oncall || 'nobody', o.oncall ? 'who' : 'who gap');
      cell(r, o.source || '', 'wide muted');
      cell(r, when(o.until));
      cell(r, o.next ? o.next + ' at ' + when(o.next_from) : '', 'muted');
      body.appendChild(r);
    });
  }

  function pct(x) { return x === null || x === undefined ? '-' : (100 * x).toFixed(1) + '%'; }
  function renderCompliance(c) {
    const body = $('compliance').tBodies[0];
    clear(body);
    const levels = new Map();
    ['24h', '7d'].forEach((w) => {
      if (!Array.isArray(c[w])) return;
      c[w].forEach((g) => { if (!levels.has(g.level)) levels.set(g.level, {}); levels.get(g.level)[w] = g; });
    });
    if (levels.size === 0) {
      const r = el('tr'); cell(r, 'no clock started in the last 7 days', 'muted'); body.appendChild(r);
    }
    [...levels.keys()].sort().forEach((level) => {
      const r = el('tr');
      cell(r, level, 'level l' + level);
      ['24h', '7d'].forEach((w) => {
        const g = levels.get(level)[w];
        const cl = g && g.compliance !== null && g.compliance < 0.95 ? 'bad' : 'good';
        cell(r, g ? pct(g.compliance) + ' (' + g.met + ' met, ' + g.breached + ' breached, ' + g.open + ' open)' : '-', g ? cl : 'muted');
      });
      body.appendChild(r);
    });
  }

  function renderActivity(list, target) {
    const ol = $(target);
    clear(ol);
    list.forEach((a) => {
      const li = el('li', 'act ' + a.kind);
      li.appendChild(el('time', null, when(a.at)));
      li.appendChild(el('span', 'kind', a.kind.replace('_', ' ')));
      const who = a.display_id || a.case;
      if (who) {
        const link = el('a', 'ref', who);
        link.href = '/cases/' + encodeURIComponent(a.case);
        li.appendChild(link);
      }
      if (a.engineer) li.appendChild(el('span', 'who', a.engineer));
      if (a.detail) li.appendChild(el('span', 'detail', a.detail));
      ol.appendChild(li);
    });
  }

  async function refreshDashboard() {
    const d = await getJson('/api/v1/dashboard');
    skew = Date.parse(d.now) - Date.now();
    $('seq').textContent = 'log #' + (d.as_of_seq - 1);
    renderCases(d.cases);
    renderOncall(d.oncall);
    renderCompliance(d.compliance || {});
    renderActivity(d.recent, 'activity');
    tick();
  }

  async function refreshCase() {
    const id = decodeURIComponent(location.pathname.substring('/cases/'.length));
    $('case-id').textContent = id;
    const k = await getJson('/api/v1/cases/' + encodeURIComponent(id));
    document.title = 'escalator: ' + (k.display_id || k.case);
    $('case-title').textContent = (k.display_id || k.case) + ': ' + (k.subject || '(no subject)');
    const facts = $('case-facts');
    clear(facts);
    const clock = k.clock || {};
    [['status', k.status], ['level', k.level], ['customer', k.account], ['service', k.service],
     ['plan', k.plan], ['opened', k.opened], ['clock', clock.state], ['due', clock.due || '-'],
     ['owner', k.owner || '-']].forEach(([dt, dd]) => {
      facts.appendChild(el('dt', null, dt));
      facts.appendChild(el('dd', null, dd));
    });
    const pages = $('case-pages');
    clear(pages);
    (k.pages || []).forEach((p) => {
      pages.appendChild(el('li', 'act', 'page ' + p.id + ' to ' + p.engineer + ': paged ' + p.at +
        (p.delivered ? ' -> delivered ' + p.delivered + ' (' + p.device + ')' : '') +
        (p.failed ? ' -> NOT delivered ' + p.failed : '') +
        (p.superseded ? ' -> dropped (answered first)' : '') +
        (p.acked ? ' -> acknowledged ' + p.acked : '')));
    });
    const tl = $('timeline');
    clear(tl);
    const story = k.story || (k.events || []).map((e) => ({ at: e.at, kind: e.type, text: [] , event: e }));
    story.forEach((s) => {
      const li = el('li', 'entry ' + (s.kind || ''));
      li.appendChild(el('time', null, s.at || (s.event && s.event.at)));
      li.appendChild(el('span', 'kind', (s.kind || '').replace('_', ' ')));
      const lines = s.text && s.text.length ? s.text : [summary(s.event)];
      lines.forEach((t) => li.appendChild(el('div', 'line', t)));
      tl.appendChild(li);
    });
  }

  function summary(e) {
    if (!e) return '';
    const skip = new Set(['seq', 'type', 'case', 'at', 'candidates', 'reason']);
    return Object.keys(e).filter((k) => !skip.has(k) && typeof e[k] !== 'object')
      .map((k) => k + ' ' + e[k]).join(', ');
  }

  const refresh = document.body.dataset.page === 'case' ? refreshCase : refreshDashboard;
  let pending = null, polling = null;
  function schedule() {
    if (pending) return;
    pending = setTimeout(() => {
      pending = null;
      refresh().then(() => setConn('live', 'ok'), (e) => setConn(e.message, 'bad'));
    }, 100);
  }
  function poll() { if (!polling) polling = setInterval(schedule, 2000); }
  schedule();
  setInterval(tick, 1000);
  // "#poll" in the address polls instead of streaming (a headless browser's virtual time
  // never ends while a stream is open).
  if (window.EventSource && !/(?:^|[#&])poll\b/.test(location.hash)) {
    const src = new EventSource('/api/v1/events' + (token ? '?access_token=' + encodeURIComponent(token) : ''));
    src.addEventListener('change', schedule);
    src.onerror = () => { setConn('reconnecting', 'warn'); poll(); };
    src.onopen = () => { if (polling) { clearInterval(polling); polling = null; } };
  } else {
    poll();
  }
})();
)JS";

const char* const kDashboardCss =
    R"CSS(:root { --ok: #1a7f37; --warn: #b35900; --bad: #c62828; --muted: #667085;
  --line: #e4e7ec; --bg: #f8fafc; --fg: #101828; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 "Liberation Sans", Arial, sans-serif; color: var(--fg);
  background: var(--bg); }
header { display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between;
  gap: 0 1em; padding: 0.6em 1em; background: #101828; color: #fff; }
header a { color: #fff; text-decoration: none; }
h1 { margin: 0; font-size: 1.3em; }
h1 .sub { font-weight: normal; color: #cbd5e1; }
h2 { font-size: 1.05em; margin: 0 0 0.5em; }
.status { margin: 0; font-variant-numeric: tabular-nums; }
.conn { padding: 0 0.5em; border-radius: 1em; background: #475467; }
.conn.ok { background: var(--ok); } .conn.warn { background: var(--warn); }
.conn.bad { background: var(--bad); }
main { display: grid; grid-template-columns: 2fr 1fr; gap: 1em; padding: 1em; }
#cases-section { grid-row: span 3; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 0.8em;
  min-width: 0; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 0.3em 0.5em; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { font-size: 0.85em; color: var(--muted); font-weight: normal; }
.muted { color: var(--muted); }
.level { font-weight: bold; text-align: center; }
.l1 { color: var(--bad); } .l2 { color: var(--warn); }
.subject a { color: inherit; }
.clock { white-space: nowrap; font-weight: bold; }
.clock.ok { color: var(--ok); } .clock.warning { color: var(--warn); }
.clock.breached { color: #fff; background: var(--bad); }
.clock.stopped { color: var(--muted); font-weight: normal; }
.page { display: inline-block; margin: 0 0.3em 0.2em 0; padding: 0 0.4em; border-radius: 4px;
  border: 1px solid var(--line); font-size: 0.9em; }
.page.sent { border-style: dashed; } .page.delivered { background: #eef4ff; }
.page.acked { background: #dcfce7; border-color: var(--ok); }
.page.failed { background: #fee2e2; border-color: var(--bad); }
.page.dropped { text-decoration: line-through; color: var(--muted); }
.gap { color: var(--bad); font-weight: bold; }
.good { color: var(--ok); } .bad { color: var(--bad); font-weight: bold; }
.activity, .timeline { list-style: none; margin: 0; padding: 0; }
.act, .entry { padding: 0.25em 0; border-bottom: 1px solid var(--line); }
.act > *, .entry > time, .entry > .kind { margin-right: 0.5em; }
.act time, .entry time { color: var(--muted); font-variant-numeric: tabular-nums; }
.kind { font-weight: bold; }
.act.breached .kind, .act.undelivered .kind, .act.dead_letter .kind { color: var(--bad); }
.act.acknowledged .kind, .act.delivered .kind { color: var(--ok); }
.entry .line { margin-left: 1em; white-space: pre-wrap; overflow-wrap: anywhere; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2em 1em; margin: 0; }
.facts dt { color: var(--muted); } .facts dd { margin: 0; }
@media (max-width: 760px) {
  main { grid-template-columns: 1fr; padding: 0.5em; }
  #cases-section { grid-row: auto; }
  .wide { display: none; }
}
@media print { header { background: none; color: #000; } .conn { display: none; } }
)CSS";

}  // namespace web
