// tracker.js in real headless Chromium (Debian's, see browser.ts) against a local server that
// serves test pages and records what arrives at the collect endpoint.
//
// Two origins on one server: pages load from http://127.0.0.1:PORT ("the site") and the collect
// endpoint and outbound links are on http://localhost:PORT, a different origin, as on a real
// site where the tracker's api lives elsewhere. The site is on 127.0.0.1, which the tracker
// skips by default, so pages that should send carry data-allow-localhost="true".
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CollectBody } from '@sentrypulse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trackerScript } from '../src/index';
import { launchChromium } from './browser';

interface Hit {
  method: string;
  path: string;
  contentType: string | undefined;
  cookie: string | undefined;
  body: Record<string, unknown>;
}

let server: Server;
let browser: Browser;
let site: string; // http://127.0.0.1:PORT
let api: string; // http://localhost:PORT
const hits: Hit[] = [];
const pages = new Map<string, string>();

beforeAll(async () => {
  const { body: script } = await trackerScript();
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'OPTIONS' || path.endsWith('/collect')) {
        // Everything sent to a collect path is recorded, preflights included (there must be none).
        const text = Buffer.concat(chunks).toString('utf8');
        hits.push({
          method: req.method ?? '',
          path,
          contentType: req.headers['content-type'],
          cookie: req.headers.cookie,
          body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
        });
        res.writeHead(202, { 'access-control-allow-origin': '*' }).end();
      } else if (path === '/tracker.js') {
        res.writeHead(200, { 'content-type': 'application/javascript' }).end(script);
      } else if (pages.has(path)) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(pages.get(path));
      } else {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><p>elsewhere</p>');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  site = `http://127.0.0.1:${port}`;
  api = `http://localhost:${port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

/** A test page with the one-line snippet; `attrs` become data-* attributes. */
function page(path: string, attrs: Record<string, string>, { head = '', body = '' } = {}) {
  const data = Object.entries(attrs)
    .map(([k, v]) => ` data-${k}="${v}"`)
    .join('');
  pages.set(path, `<!doctype html><html><head>${head}<script defer${data} src="${api}/tracker.js"></script></head><body>${body}</body></html>`);
  return `${site}${path}`;
}

const events = (siteCode: string) => hits.filter((h) => h.body.site === siteCode);

async function until(siteCode: string, n: number, ms = 10_000) {
  const end = Date.now() + ms;
  while (events(siteCode).length < n) {
    if (Date.now() > end) throw new Error(`expected ${n} events for ${siteCode}, got ${JSON.stringify(events(siteCode).map((h) => h.body))}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Collect requests each context has started and not yet seen answered (see watch). */
const inFlight = new WeakMap<BrowserContext, number>();

/** Counts the context's requests to a collect path from start to answer (beacons included). */
function watch(context: BrowserContext): BrowserContext {
  inFlight.set(context, 0);
  const isCollect = (url: string) => new URL(url).pathname.endsWith('/collect');
  const done = (r: { url(): string }) => {
    if (isCollect(r.url())) inFlight.set(context, inFlight.get(context)! - 1);
  };
  context.on('request', (r) => {
    if (isCollect(r.url())) inFlight.set(context, inFlight.get(context)! + 1);
  });
  context.on('requestfinished', done);
  context.on('requestfailed', done);
  return context;
}

/**
 * "Exactly these", without guessing how late a request may come: the tracker sends in the event
 * handler itself (sendBeacon or fetch, no timers), so once the tasks the page has queued
 * (hashchange, popstate, pageshow) have run and every collect request the context started has
 * been answered, everything it will send has been recorded (the server records before it answers).
 */
async function settle(...tabs: Page[]) {
  for (const tab of tabs) await tab.evaluate(() => new Promise((r) => setTimeout(r, 0)));
  const end = Date.now() + 5_000;
  while (tabs.some((tab) => (inFlight.get(tab.context()) ?? 0) > 0)) {
    if (Date.now() > end) throw new Error('collect requests still unanswered after 5 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * A context whose navigator.webdriver is false: Chromium sets it under automation and the
 * tracker (rightly) skips automated browsers, so the send paths need it overridden.
 */
async function human(init?: string): Promise<{ context: BrowserContext; tab: Page }> {
  const context = watch(await browser.newContext({ viewport: { width: 1024, height: 700 } }));
  await context.addInitScript(`Object.defineProperty(Navigator.prototype, 'webdriver', { get: () => false });`);
  if (init) await context.addInitScript(init);
  return { context, tab: await context.newPage() };
}

/**
 * Records any attempt to persist something: cookie writes, Web Storage writes and IndexedDB
 * opens (the page's own code never does any of these).
 */
const STORAGE_SPY = `
  window.__writes = [];
  const setItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function (k, v) { window.__writes.push('storage:' + k); return setItem.call(this, k, v); };
  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  Object.defineProperty(Document.prototype, 'cookie', {
    get() { return cookie.get.call(this); },
    set(v) { window.__writes.push('cookie:' + v); cookie.set.call(this, v); },
  });
  const open = IDBFactory.prototype.open;
  IDBFactory.prototype.open = function (name) { window.__writes.push('indexeddb:' + name); return open.apply(this, arguments); };
`;

describe('tracker.js in Chromium', () => {
  it('sends exactly a pageview, two SPA pageviews, a custom event and an outbound click, as text/plain, storing nothing', async () => {
    const code = 'main-site';
    const url = page('/app', { site: code, api: `${api}/collect`, 'allow-localhost': 'true' }, { body: `<a id="out" href="${api}/outside">partner</a>` });
    const { context, tab } = await human(STORAGE_SPY);

    await tab.goto(`${url}?utm_source=newsletter`, { referer: 'https://search.example/?q=uptime' });
    await until(code, 1);
    await tab.evaluate(() => history.pushState({}, '', '/pricing'));
    await until(code, 2);
    // A router updating state on the same URL or only the query, and (below) an anchor jump:
    // not new pages.
    await tab.evaluate(() => history.replaceState({ scroll: 10 }, '', location.href));
    await tab.evaluate(() => history.pushState({}, '', '/pricing?tab=yearly'));
    await tab.evaluate(() => history.pushState({}, '', '/docs#install'));
    await until(code, 3);
    await tab.evaluate(() => {
      location.hash = '#configure';
    });
    await tab.evaluate(() => (window as unknown as { sentrypulse: (n: string, p: object) => void }).sentrypulse('signup', { plan: 'pro', seats: 3 }));
    await until(code, 4);

    const stored = await tab.evaluate(() => ({
      writes: (window as unknown as { __writes: string[] }).__writes,
      cookie: document.cookie,
      local: localStorage.length,
      session: sessionStorage.length,
    }));
    expect(stored).toEqual({ writes: [], cookie: '', local: 0, session: 0 });

    await tab.click('#out');
    await tab.waitForURL(`${api}/outside`);
    await until(code, 5);
    await settle(tab);

    const referrer = 'https://search.example/?q=uptime';
    expect(events(code).map((h) => h.body)).toEqual([
      { site: code, name: 'pageview', url: `${site}/app?utm_source=newsletter`, referrer, width: 1024 },
      { site: code, name: 'pageview', url: `${site}/pricing`, referrer, width: 1024 },
      { site: code, name: 'pageview', url: `${site}/docs`, referrer, width: 1024 },
      { site: code, name: 'signup', url: `${site}/docs`, referrer, width: 1024, props: { plan: 'pro', seats: 3 } },
      { site: code, name: 'Outbound Link: Click', url: `${site}/docs`, referrer, width: 1024, props: { url: `${api}/outside` } },
    ]);
    for (const h of events(code)) {
      expect(h).toMatchObject({ method: 'POST', path: '/collect', cookie: undefined });
      expect(h.contentType).toMatch(/^text\/plain\b/);
      // The api's own schema accepts every body as sent (a mismatch would be a 400 in production).
      expect(CollectBody.safeParse(h.body).success).toBe(true);
    }
    // text/plain with no custom headers: the cross-origin POST needed no preflight.
    expect(hits.filter((h) => h.method === 'OPTIONS')).toEqual([]);
    expect(await context.cookies()).toEqual([]);
    expect((await context.storageState()).origins).toEqual([]);
    await context.close();
  });

  it('posts to /api/analytics/collect on the script origin without data-api, and queues calls made before it loaded', async () => {
    const code = 'queue-site';
    // The documented stub (docs/tracker.md), then a call before the deferred tracker runs.
    const stub = `<script>window.sentrypulse=window.sentrypulse||function(){(window.sentrypulse.q=window.sentrypulse.q||[]).push(arguments)};sentrypulse('early',{step:1})</script>`;
    const url = page('/queued', { site: code, 'allow-localhost': 'true' }, { head: stub });
    const { context, tab } = await human();
    await tab.goto(url);
    await until(code, 2);
    await settle(tab);
    expect(events(code).map((h) => [h.path, h.body.name, h.body.props])).toEqual([
      ['/api/analytics/collect', 'pageview', undefined],
      ['/api/analytics/collect', 'early', { step: 1 }],
    ]);
    await context.close();
  });

  it('counts once when the snippet is on the page twice', async () => {
    const code = 'twice-site';
    const second = `<script defer data-site="${code}" data-allow-localhost="true" src="${api}/tracker.js?again"></script>`;
    const url = page('/twice', { site: code, 'allow-localhost': 'true' }, { head: second });
    const { context, tab } = await human();
    await tab.goto(url);
    await until(code, 1);
    await tab.evaluate(() => history.pushState({}, '', '/twice/next'));
    await tab.evaluate(() => (window as unknown as { sentrypulse: (n: string) => void }).sentrypulse('once'));
    await until(code, 3);
    await settle(tab);
    expect(await tab.evaluate(() => Array.from(document.scripts).filter((s) => s.src.includes('tracker.js')).length)).toBe(2);
    expect(events(code).map((h) => [h.body.name, h.body.url])).toEqual([
      ['pageview', url],
      ['pageview', `${site}/twice/next`],
      ['once', `${site}/twice/next`],
    ]);
    await context.close();
  });

  it('counts a page restored from the back-forward cache again', async () => {
    const code = 'bfcache-site';
    const url = page('/cached', { site: code, 'allow-localhost': 'true' });
    // Playwright turns the cache off by default; this browser keeps Chromium's default (on).
    const cachingBrowser = await launchChromium([], { ignoreDefaultArgs: ['--disable-back-forward-cache'] });
    try {
      const context = watch(await cachingBrowser.newContext());
      await context.addInitScript(`Object.defineProperty(Navigator.prototype, 'webdriver', { get: () => false });`);
      await context.addInitScript(`addEventListener('pageshow', (e) => { if (e.persisted) window.__restored = true; });`);
      const tab = await context.newPage();
      await tab.goto(url);
      await until(code, 1);
      await tab.goto(`${site}/elsewhere`);
      // A restore fires no load event, so wait for the commit and then for pageshow.
      await tab.goBack({ waitUntil: 'commit', timeout: 5_000 });
      // Restored, not reloaded: the script did not run again, so only pageshow can count it.
      await tab.waitForFunction(() => (window as unknown as { __restored?: boolean }).__restored === true, undefined, { timeout: 5_000 });
      await until(code, 2);
      await settle(tab);
      expect(events(code).map((h) => [h.body.name, h.body.url])).toEqual([
        ['pageview', url],
        ['pageview', url],
      ]);
    } finally {
      await cachingBrowser.close();
    }
  });

  it('falls back to fetch keepalive, still text/plain without a preflight, when sendBeacon is missing', async () => {
    const code = 'fetch-site';
    const url = page('/fetch', { site: code, 'allow-localhost': 'true' });
    const { context, tab } = await human(`delete Navigator.prototype.sendBeacon;`);
    await tab.goto(url);
    await until(code, 1);
    expect(await tab.evaluate(() => 'sendBeacon' in navigator)).toBe(false);
    await tab.evaluate(() => (window as unknown as { sentrypulse: (n: string) => void }).sentrypulse('clicked'));
    await until(code, 2);
    await settle(tab);
    expect(events(code).map((h) => h.body.name)).toEqual(['pageview', 'clicked']);
    for (const h of events(code)) expect(h.contentType).toMatch(/^text\/plain\b/);
    expect(hits.filter((h) => h.method === 'OPTIONS')).toEqual([]);
    await context.close();
  });

  it('tracks hash routes with data-hash="true" and ignores fragments without it', async () => {
    const routed = 'hash-site';
    const plain = 'anchor-site';
    const routedUrl = page('/hash-app', { site: routed, hash: 'true', 'allow-localhost': 'true' });
    const plainUrl = page('/anchors', { site: plain, 'allow-localhost': 'true' });
    const { context, tab } = await human();
    await tab.goto(routedUrl);
    await until(routed, 1);
    await tab.evaluate(() => {
      location.hash = '#/settings';
    });
    await until(routed, 2);
    await tab.goBack(); // popstate back to the first route
    await until(routed, 3);

    await tab.goto(plainUrl);
    await until(plain, 1);
    await tab.evaluate(() => {
      location.hash = '#/settings';
    });
    await tab.evaluate(() => history.pushState({}, '', '#faq'));
    await settle(tab);
    expect(events(routed).map((h) => h.body.url)).toEqual([routedUrl, `${routedUrl}#/settings`, routedUrl]);
    expect(events(plain).map((h) => h.body.url)).toEqual([plainUrl]);
    await context.close();
  });

  it('sends nothing until a prerendered page is shown, then the pageview of the URL shown and the waiting events', async () => {
    const code = 'prerender-site';
    const url = page('/prerendered', { site: code, 'allow-localhost': 'true' });
    // Chromium's prerendering cannot be driven reliably headless, so document.prerendering and
    // its prerenderingchange event are simulated with the same names the browser uses.
    const { context, tab } = await human(`
      let pre = true;
      Object.defineProperty(Document.prototype, 'prerendering', { get: () => pre });
      window.__activate = () => { pre = false; document.dispatchEvent(new Event('prerenderingchange')); };
    `);
    await tab.goto(url);
    await tab.waitForFunction(() => typeof (window as unknown as { sentrypulse?: unknown }).sentrypulse === 'function');
    await tab.evaluate(() => {
      history.pushState({}, '', '/prerendered/next');
      (window as unknown as { sentrypulse: (n: string) => void }).sentrypulse('while-hidden');
    });
    await settle(tab);
    expect(events(code)).toEqual([]);
    await tab.evaluate(() => (window as unknown as { __activate: () => void }).__activate());
    await until(code, 2);
    await settle(tab);
    expect(events(code).map((h) => [h.body.name, h.body.url])).toEqual([
      ['pageview', `${site}/prerendered/next`],
      ['while-hidden', `${site}/prerendered/next`],
    ]);
    await context.close();
  });

  /**
   * Proves a skip: the skipped page is exercised (load, SPA navigation, a custom event), then a
   * control page in the same browser must arrive, so silence is not just slowness.
   */
  async function expectSkipped(code: string, context: BrowserContext, url: string) {
    const tab = await context.newPage();
    await tab.goto(url);
    await tab.waitForFunction(() => typeof (window as unknown as { sentrypulse?: unknown }).sentrypulse === 'function');
    await tab.evaluate(() => {
      history.pushState({}, '', '/skipped/next');
      (window as unknown as { sentrypulse: (n: string) => void }).sentrypulse('ignored');
    });
    const control = `control-${code}`;
    const { context: controlContext, tab: controlTab } = await human();
    await controlTab.goto(page(`/control-${code}`, { site: control, 'allow-localhost': 'true' }));
    await until(control, 1);
    await settle(controlTab, tab);
    expect(events(code)).toEqual([]);
    await controlContext.close();
  }

  it('skips automated browsers: navigator.webdriver as Chromium sets it under automation, and forced true', async () => {
    const code = 'webdriver-site';
    const url = page('/skipped', { site: code, 'allow-localhost': 'true' });
    const automated = watch(await browser.newContext());
    const probe = await automated.newPage();
    await probe.goto(`${site}/probe`);
    // Playwright's Chromium reports itself as automated; the tracker needs no override to skip it.
    expect(await probe.evaluate(() => navigator.webdriver)).toBe(true);
    await probe.close();
    await expectSkipped(code, automated, url);
    await automated.close();

    const forced = watch(await browser.newContext());
    await forced.addInitScript(`Object.defineProperty(Navigator.prototype, 'webdriver', { get: () => true });`);
    await expectSkipped(code, forced, url);
    await forced.close();
  });

  it('skips 127.0.0.1 unless data-allow-localhost="true"', async () => {
    const code = 'local-site';
    const { context } = await human();
    await expectSkipped(code, context, page('/skipped', { site: code }));
    await context.close();
  });

  it('honours Do-Not-Track only where the site asks for it (data-respect-dnt="true")', async () => {
    const dnt = `Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1' });`;
    const respecting = 'dnt-respected';
    const { context } = await human(dnt);
    await expectSkipped(respecting, context, page('/skipped', { site: respecting, 'respect-dnt': 'true', 'allow-localhost': 'true' }));

    // Same DNT browser, site without the setting: counted. And the setting without DNT: counted.
    const ignoring = 'dnt-ignored';
    const tab = await context.newPage();
    await tab.goto(page('/dnt-ignored', { site: ignoring, 'allow-localhost': 'true' }));
    await until(ignoring, 1);
    await context.close();

    const noDnt = 'dnt-not-set';
    const other = await human();
    await other.tab.goto(page('/dnt-not-set', { site: noDnt, 'respect-dnt': 'true', 'allow-localhost': 'true' }));
    await until(noDnt, 1);
    await settle(other.tab);
    expect([events(ignoring).length, events(noDnt).length]).toEqual([1, 1]);
    await other.context.close();
  });
});
