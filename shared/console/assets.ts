/**
 * The console's two static assets, bundled into the function (no CDN, no build step): a stylesheet and a
 * small script (auto-refresh of the fleet without reloading, instant filtering). Served under a content
 * hash with a year-long immutable cache; a new deployment changes the hash, hence the URL.
 */
import { createHash } from 'node:crypto';
import { CONSOLE_PATH } from './routes.js';

const CSS = `
:root{--fg:#1b1f24;--muted:#4d5560;--bg:#fff;--line:#c9ced6;--link:#0b57d0;--down:#a4161a;--down-bg:#fde8e8;--late:#7a4100;--late-bg:#fff1d6;--up:#1e6b2e;--up-bg:#e3f4e6;--paused:#3d4451;--paused-bg:#eceef1;--new:#174ea6;--new-bg:#e4ecfb;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);line-height:1.45}
*{box-sizing:border-box}
body{margin:0}
a{color:var(--link)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,summary:focus-visible{outline:3px solid #f0a500;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem}
.skip:focus{left:.5rem}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.top{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;padding:.5rem 1rem;border-bottom:1px solid var(--line);background:#f6f7f9}
.brand{margin:0;font-size:1rem}
.top nav ul{display:flex;gap:1rem;list-style:none;margin:0;padding:0}
.top nav a[aria-current=page]{font-weight:700;text-decoration:none;border-bottom:3px solid var(--link)}
.signout{margin-left:auto;display:flex;gap:.5rem;align-items:center}
main{padding:1rem;max-width:80rem;margin:0 auto}
main:focus{outline:none}
h1{font-size:1.4rem;margin:.25rem 0 1rem}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
h3{font-size:1rem}
.muted{color:var(--muted)}
.notice{background:var(--up-bg);border:1px solid var(--up);padding:.5rem .75rem;border-radius:4px}
.mass{background:var(--down-bg);border:2px solid var(--down);padding:.5rem 1rem;border-radius:4px;margin-bottom:1rem}
.mass h2{margin:.25rem 0;color:var(--down)}
.counts{display:flex;flex-wrap:wrap;gap:.5rem;list-style:none;padding:0;margin:0 0 1rem}
.count{display:inline-block;padding:.35rem .7rem;border-radius:4px;text-decoration:none;font-weight:600;border:1px solid currentColor}
.count .n{font-size:1.2rem}
.badge{display:inline-block;padding:.05rem .45rem;border-radius:3px;font-weight:700;font-size:.85rem;border:1px solid currentColor;white-space:nowrap}
.s-down,.s-error,.s-critical{color:var(--down);background:var(--down-bg)}
.s-late,.s-warning{color:var(--late);background:var(--late-bg)}
.s-up{color:var(--up);background:var(--up-bg)}
.s-paused,.s-info{color:var(--paused);background:var(--paused-bg)}
.s-new{color:var(--new);background:var(--new-bg)}
.overdue{font-weight:400}
.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin-bottom:.5rem}
input,select,button,.button{font:inherit;padding:.4rem .6rem;border:1px solid #6b7380;border-radius:4px;background:#fff;color:var(--fg);min-height:2.5rem}
button,.button{cursor:pointer;background:#f1f3f5;text-decoration:none;display:inline-block}
button.primary,.button.primary{background:var(--link);color:#fff;border-color:var(--link)}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.45rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
thead th{font-size:.85rem;color:var(--muted)}
tr.r-down th{border-left:4px solid var(--down)}
tr.r-late th{border-left:4px solid var(--late)}
.side{text-decoration:none;margin-right:.4rem}
.facts{font-size:.9rem;color:var(--muted)}
.facts-list{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}
.facts-list dt{font-weight:600}
.facts-list dd{margin:0}
.action{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.5rem 0;padding:.5rem 0;border-top:1px solid var(--line)}
form.inline{display:inline}
.audit,.events,.findings,.windows,.paused{padding-left:1.2rem}
.audit li,.events li,.findings li,.windows li{margin:.3rem 0}
.chart{margin:0}
.chart svg{width:100%;height:auto;max-height:14rem;border:1px solid var(--line);background:#fbfbfc}
.chart .bar{fill:#3b6fb6}
.chart .bar.late{fill:#b86e00}
.chart .bar.over{fill:var(--down)}
.chart .bar.current{fill-opacity:.55;stroke:var(--down);stroke-width:1.5;stroke-dasharray:4 2}
.chart line.timeout{stroke:var(--down);stroke-width:2;stroke-dasharray:6 4}
.chart line.interval{stroke:var(--up);stroke-width:1.5;stroke-dasharray:3 3}
.chart text{font-size:12px;fill:var(--fg)}
.crumbs{margin:0;font-size:.9rem}
pre{background:#f6f7f9;padding:.5rem;overflow-x:auto}
@media (max-width:40rem){
main{padding:.6rem}
.fleet thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.fleet tr{display:block;border-bottom:1px solid var(--line);padding:.4rem 0}
.fleet th,.fleet td{display:block;border:0;padding:.15rem .3rem}
.fleet td::before{font-size:.8rem;color:var(--muted);display:inline-block;width:1.6rem}
.fleet td:nth-of-type(1)::before{content:"A"}
.fleet td:nth-of-type(2)::before{content:"B"}
.signout{margin-left:0}
.facts-list{grid-template-columns:1fr}
.facts-list dd{margin-bottom:.4rem}
}
`;

const JS = `(function () {
  'use strict';
  var live = document.getElementById('fleet-live');
  var customer = document.querySelector('[data-filter=customer]');
  var state = document.querySelector('[data-filter=state]');
  function apply() {
    if (!customer || !state) return;
    var c = customer.value.trim().toLowerCase();
    var s = state.value;
    var rows = document.querySelectorAll('#fleet-rows tr');
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      var okC = !c || r.getAttribute('data-customer').indexOf(c) >= 0;
      var okS = !s || (' ' + r.getAttribute('data-states') + ' ').indexOf(' ' + s + ' ') >= 0;
      r.hidden = !(okC && okS);
    }
  }
  function remember() {
    var params = new URLSearchParams(location.search);
    if (customer.value.trim()) params.set('customer', customer.value.trim()); else params.delete('customer');
    if (state.value) params.set('state', state.value); else params.delete('state');
    var q = params.toString();
    history.replaceState(null, '', location.pathname + (q ? '?' + q : ''));
  }
  if (customer && state) {
    customer.addEventListener('input', function () { remember(); apply(); });
    state.addEventListener('change', function () { remember(); apply(); });
  }
  function refresh() {
    if (document.hidden) return;
    fetch(location.href, { credentials: 'same-origin', headers: { 'x-console-refresh': '1' } })
      .then(function (r) { return r.ok && r.url.indexOf('/sign-in') < 0 ? r.text() : null; })
      .then(function (text) {
        if (!text) return;
        var doc = new DOMParser().parseFromString(text, 'text/html');
        ['fleet-live', 'fleet-summary', 'fleet-rows'].forEach(function (id) {
          var fresh = doc.getElementById(id);
          var old = document.getElementById(id);
          if (fresh && old) old.replaceWith(document.importNode(fresh, true));
        });
        apply();
      })
      .catch(function () {});
  }
  if (live) {
    var seconds = Number(live.getAttribute('data-refresh')) || 30;
    setInterval(refresh, seconds * 1000);
  }
})();
`;

export interface Asset {
  readonly url: string;
  readonly contentType: string;
  readonly body: string;
}

function asset(name: string, ext: string, contentType: string, body: string): Asset {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { url: `${CONSOLE_PATH}/assets/${name}.${hash}.${ext}`, contentType, body };
}

export const ASSETS = {
  css: asset('console', 'css', 'text/css; charset=utf-8', CSS),
  js: asset('console', 'js', 'text/javascript; charset=utf-8', JS),
} as const;

/** The asset served at `path`, if any. */
export function assetAt(path: string): Asset | undefined {
  return Object.values(ASSETS).find((a) => a.url === path);
}
