// SentryPulse tracker (SPEC 4.6). One line on the page:
//   <script defer data-site="TRACKING_CODE" src="https://host/tracker.js"></script>
// Built by scripts/build.ts (esbuild + terser); the gzipped output must stay under 1 KB, so
// this file favours short code over defensive code. No cookies, no storage of any kind: the
// server derives a daily visitor hash, nothing is remembered in the browser.
((w, d, n, l, h) => {
  if (w.sentrypulse && w.sentrypulse._sp) return;
  const s = d.currentScript;
  const attr = (k) => s.getAttribute('data-' + k);
  const site = attr('site');
  // Same origin as the script unless the page says otherwise (a proxy, or a test server).
  const api = attr('api') || new URL(s.src).origin + '/api/analytics/collect';
  const hashRouting = attr('hash') == 'true';
  // Skipped visitors still get the full API (pages calling sentrypulse() must not break);
  // only the network request is left out.
  const skip =
    (attr('allow-localhost') != 'true' && (/^(localhost|127(\.\d+){3}|\[::1\])$/.test(l.hostname) || l.protocol == 'file:')) ||
    n.webdriver ||
    // Do-Not-Track is honoured only where the site owner chose to (the site setting); the
    // server drops requests with the DNT header for those sites too.
    (attr('respect-dnt') == 'true' && (n.doNotTrack == 1 || w.doNotTrack == 1));
  // Without hash routing a fragment is an anchor on the same page, not a new page.
  const url = () => (hashRouting ? l.href : l.href.split('#')[0]);
  const prerendering = () => d.prerendering || d.visibilityState == 'prerender';
  let last;

  const send = (name, props) => {
    if (skip) return;
    // A string body is sent as text/plain, which with no custom headers is a CORS "simple"
    // request: no preflight. sendBeacon survives the page unloading (outbound clicks); it
    // returns false when the browser refuses to queue, and some browsers lack it.
    const body = JSON.stringify({ site, name, url: url(), referrer: d.referrer || null, width: w.innerWidth, props });
    if (!(n.sendBeacon && n.sendBeacon(api, body))) fetch(api, { method: 'POST', body, keepalive: true }).catch(() => {});
  };

  // SPA routers call pushState/replaceState for every navigation, and also for state-only
  // updates (scroll, ?tab=2 filters): only a new path (what the stats show) is a new pageview.
  const page = () => {
    const u = l.pathname + (hashRouting ? l.hash : '');
    if (u != last) {
      last = u;
      send('pageview');
    }
  };

  // Calls made before the script loaded sit in the stub's queue (see docs/tracker.md); calls
  // made while the page is still prerendering wait in the same queue. `_sp` marks our own
  // functions, so a snippet included twice (theme + plugin) does not count everything twice.
  const own = (f) => ((f._sp = 1), (w.sentrypulse = f));
  let queue = (w.sentrypulse && w.sentrypulse.q) || [];
  own((...a) => queue.push(a));

  // A prerendered page may never be seen: nothing is sent until it is shown.
  const start = () => {
    if (!queue || prerendering()) return;
    for (const k of ['pushState', 'replaceState']) {
      const original = h[k];
      h[k] = function (...a) {
        original.apply(this, a);
        page();
      };
    }
    // Back/forward to a page kept in the back-forward cache runs no script: still a pageview,
    // as it would be had the browser reloaded the page.
    w.addEventListener('pageshow', (e) => {
      if (e.persisted) {
        last = 0;
        page();
      }
    });
    w.addEventListener('popstate', page);
    w.addEventListener('hashchange', page);
    // Outbound links: the beacon outlives the navigation, so the click is never delayed.
    // auxclick covers middle-click (new tab); right-click (button 2) is not a visit.
    const click = (e) => {
      const a = e.target.closest && e.target.closest('a[href]');
      if (a && e.button < 2 && /^https?:$/.test(a.protocol) && a.host != l.host) {
        send('Outbound Link: Click', { url: a.href });
      }
    };
    d.addEventListener('click', click);
    d.addEventListener('auxclick', click);
    own(send);
    page();
    for (const a of queue) send(...a);
    queue = 0;
  };
  d.addEventListener('prerenderingchange', start);
  d.addEventListener('visibilitychange', start);
  start();
})(window, document, navigator, location, history);
