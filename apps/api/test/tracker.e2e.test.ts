// tracker.js end to end with the real api: the page loads the script from the api's own
// GET /tracker.js, the script derives the collect endpoint from its src, and the events it sends
// must be accepted (202, not dropped) and land in pageviews_raw with the right fields.
// Real hostnames (mapped to 127.0.0.1 inside Chromium) keep the page off "localhost", so the
// snippet is the production one-liner with no test attributes.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSiteFixture, testDrainer, UA, type SiteFixture } from './analytics';
import { bearer, createTestApp, type TestApp } from './helpers';
import { launchChromium } from '@sentrypulse/tracker/testing';

let t: TestApp;
let site: SiteFixture;
let drain: ReturnType<typeof testDrainer>;
let pages: Server;
let browser: Browser;
let apiPort: number;
let pagePort: number;
const collectAnswers: Array<{ status: number; dropped: string | null }> = [];
/** Further pages: path -> the snippet line they carry. */
const snippetPages = new Map<string, string>();

beforeAll(async () => {
  t = await createTestApp();
  site = await createSiteFixture(t, { domain: 'shop.example.com' });
  drain = testDrainer(t);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  apiPort = (t.app.server.address() as AddressInfo).port;
  pages = createServer((req, res) => {
    if (req.url?.startsWith('/landing')) {
      res.writeHead(200, { 'content-type': 'text/html' }).end(
        `<!doctype html><script defer data-site="${site.code}" src="http://api.example.com:${apiPort}/tracker.js"></script>` +
          `<a id="out" href="http://partner.example.net:${pagePort}/">partner</a>`,
      );
    } else if (snippetPages.has(req.url ?? '')) {
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html>${snippetPages.get(req.url!)}<p>page</p>`);
    } else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><p>partner</p>');
  });
  await new Promise<void>((r) => pages.listen(0, '127.0.0.1', r));
  pagePort = (pages.address() as AddressInfo).port;
  browser = await launchChromium(['--host-resolver-rules=MAP *.example.com 127.0.0.1, MAP *.example.net 127.0.0.1']);
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => pages?.close(r));
  drain?.close();
  await t?.close();
});

/** POST /api/analytics/collect requests the api answered, by its request-duration histogram. */
async function collectRequests(): Promise<number> {
  const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
  return text
    .split('\n')
    .filter((l) => l.startsWith('sentrypulse_http_request_duration_seconds_count{') && l.includes('method="POST"') && l.includes('route="/api/analytics/collect"'))
    .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

describe('tracker.js with the real api', () => {
  it('a visit with a pageview, an SPA navigation, a custom event and an outbound click lands in pageviews_raw', async () => {
    // A desktop Chrome user agent: HeadlessChrome is (rightly) dropped by the api's bot filter.
    const context = await browser.newContext({ userAgent: UA.chromeWindows, viewport: { width: 1280, height: 800 } });
    await context.addInitScript(`Object.defineProperty(Navigator.prototype, 'webdriver', { get: () => false });`);
    const tab = await context.newPage();
    // What the api answered, as the page saw it (a beacon sent while the page unloads is not
    // reported to the page, so the outbound click is checked in the table only).
    tab.on('response', (r) => {
      if (r.url().endsWith('/api/analytics/collect')) collectAnswers.push({ status: r.status(), dropped: r.headers()['x-sentrypulse-dropped'] ?? null });
    });
    let stored = 0;
    const until = async (n: number) => {
      const end = Date.now() + 15_000;
      while (stored < n && Date.now() < end) {
        stored += await drain.drain(t.app);
        if (stored < n) await new Promise((r) => setTimeout(r, 50));
      }
      expect(stored, JSON.stringify(collectAnswers)).toBe(n);
    };

    await tab.goto(`http://shop.example.com:${pagePort}/landing?utm_source=newsletter&ref=x`, { referer: 'https://www.google.com/' });
    await until(1);
    await tab.evaluate(() => history.pushState({}, '', '/pricing'));
    await until(2);
    await tab.evaluate(() => (window as unknown as { sentrypulse: (n: string, p: object) => void }).sentrypulse('signup', { plan: 'pro' }));
    await until(3);
    await tab.click('#out');
    await tab.waitForURL(`http://partner.example.net:${pagePort}/`);
    await until(4);
    await context.close();

    expect(collectAnswers.slice(0, 3)).toEqual(Array.from({ length: 3 }, () => ({ status: 202, dropped: null })));
    // Nothing more arrives: the closed browser has no connection to the api left, so every request
    // it sent has been answered; then no event is left to drain and the api answered exactly the
    // four collects (a duplicate beacon would be a fifth).
    const end = Date.now() + 10_000;
    while ((await new Promise<number>((r) => t.app.server.getConnections((e, n) => r(e ? -1 : n)))) !== 0) {
      if (Date.now() > end) throw new Error('the closed browser still holds connections to the api');
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await drain.drain(t.app)).toBe(0);
    expect(await collectRequests()).toBe(4);
    const rows = await t.db
      .selectFrom('pageviews_raw')
      .select(['site_id', 'name', 'hostname', 'pathname', 'entry_page', 'referrer_source', 'utm_source', 'browser', 'device', 'props', 'visit_id'])
      .orderBy('ts')
      .execute();
    // The visit keeps its entry page, source and UTM campaign on every later event (api rule).
    const common = { site_id: site.siteId, hostname: 'shop.example.com', entry_page: '/landing', referrer_source: 'Google', utm_source: 'newsletter', browser: 'Chrome', device: 'Desktop' };
    expect(rows.map(({ visit_id: _v, ...r }) => r)).toEqual([
      { ...common, name: 'pageview', pathname: '/landing', props: null },
      { ...common, name: 'pageview', pathname: '/pricing', props: null },
      { ...common, name: 'signup', pathname: '/pricing', props: [['plan', 'pro']] },
      { ...common, name: 'Outbound Link: Click', pathname: '/pricing', props: [['url', `http://partner.example.net:${pagePort}/`]] },
    ]);
    // One visit: the same daily visitor hash from the same browser, IP and user agent.
    expect(new Set(rows.map((r) => r.visit_id)).size).toBe(1);
  });

  it("the sites API's snippet of a site that respects Do-Not-Track sends nothing from a DNT browser", async () => {
    const quiet = await createSiteFixture(t, { domain: 'quiet.example.com', respect_dnt: true });
    const loud = await createSiteFixture(t, { domain: 'loud.example.com' });
    // The api's line verbatim; only its src is pointed at this test's api.
    const snippetOf = async (s: SiteFixture) => {
      const res = await t.app.inject({ url: `/api/teams/${s.teamId}/sites/${s.siteId}`, headers: bearer(s.owner) });
      return (res.json().snippet as string).replace(/src="[^"]*\/tracker\.js"/, `src="http://api.example.com:${apiPort}/tracker.js"`);
    };
    const quietLine = await snippetOf(quiet);
    expect(quietLine).toBe(`<script defer data-site="${quiet.code}" data-respect-dnt="true" src="http://api.example.com:${apiPort}/tracker.js"></script>`);
    expect(await snippetOf(loud)).not.toContain('data-respect-dnt');
    snippetPages.set('/quiet', quietLine);
    snippetPages.set('/loud', await snippetOf(loud));

    // Do-Not-Track on in the page only: Chromium sends no DNT header here, so the api alone would
    // accept the quiet site's pageview; only the snippet attribute keeps it from being sent.
    const context = await browser.newContext({ userAgent: UA.chromeWindows });
    await context.addInitScript(`Object.defineProperty(Navigator.prototype, 'webdriver', { get: () => false });
      Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1' });`);
    const tab = await context.newPage();
    const sentFor: string[] = [];
    tab.on('request', (r) => {
      if (r.url().endsWith('/api/analytics/collect')) sentFor.push(JSON.parse(r.postData() ?? '{}').site);
    });
    await tab.goto(`http://quiet.example.com:${pagePort}/quiet`);
    // Control in the same browser: the loud site's pageview must arrive, so silence is not slowness.
    await tab.goto(`http://loud.example.com:${pagePort}/loud`);
    let stored = 0;
    const end = Date.now() + 15_000;
    while (stored < 1 && Date.now() < end) {
      stored += await drain.drain(t.app);
      if (stored < 1) await new Promise((r) => setTimeout(r, 50));
    }
    await context.close();
    expect(sentFor).toEqual([loud.code]);
    const counted = await t.db.selectFrom('pageviews_raw').select(['site_id', 'pathname']).where('site_id', 'in', [quiet.siteId, loud.siteId]).execute();
    expect(counted).toEqual([{ site_id: loud.siteId, pathname: '/loud' }]);
  });
});
