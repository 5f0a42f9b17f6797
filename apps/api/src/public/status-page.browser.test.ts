/// <reference lib="dom" />
import { invalidateStatusPagesForTeam } from '@sentrypulse/db';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, teamWithRoles, type TestApp, type TestUser } from '../../test/helpers';
import { insertIncident, insertMaintenance, insertMonitor, insertRollups, SECRET_ERROR, SECRET_URL_HOST } from './fixtures';
import { assertNoInjectedMarkup } from './test-support';

/**
 * The public page in a real browser: the API on a real port, the production build of apps/web
 * (`next start`) reading it server-side, and Debian's Chromium through playwright-core, with
 * JavaScript off and on. Screenshots go to /tmp/sp-status-*.png.
 */

const here = dirname(fileURLToPath(import.meta.url));
const webDir = resolve(here, '../../../web');

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const XSS = 'xss-marker';

let t: TestApp;
let next: ChildProcess;
let webUrl: string;
let browser: Browser;
let teamId: number;
let apiMonitor: number;
let owner: TestUser;
let nextLog = '';

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

async function waitFor(url: string, ms: number) {
  const until = Date.now() + ms;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > until) throw new Error(`web server did not start: ${nextLog.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  // CI builds apps/web before the tests (scripts/test.sh); build here only when that was skipped.
  if (!existsSync(join(webDir, '.next/server/app/status'))) {
    const built = spawnSync('pnpm', ['--filter', '@sentrypulse/web', 'build'], { cwd: resolve(webDir, '../..'), encoding: 'utf8', timeout: 400_000 });
    if (built.status !== 0) throw new Error(`next build failed:\n${built.stdout}\n${built.stderr}`);
  }

  t = await createTestApp();
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const apiUrl = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;

  const roles = await teamWithRoles(t, 'business');
  teamId = roles.teamId;
  owner = roles.owner;
  apiMonitor = await insertMonitor(t.db, teamId, { status: 'up' });
  const web = await insertMonitor(t.db, teamId, { status: 'up' });
  const db = await insertMonitor(t.db, teamId, { status: 'up' });
  const cdn = await insertMonitor(t.db, teamId, { status: 'up' });
  await insertRollups(t.db, teamId, apiMonitor, 90, { 20: 5_400, 61: 300, 88: 86_400 * 0.02 });
  await insertRollups(t.db, teamId, web, 90, { 45: 60 });
  await insertRollups(t.db, teamId, db, 60, { 50: 20_000 });
  await insertRollups(t.db, teamId, cdn, 90);
  const created = await t.app.inject({
    method: 'POST',
    url: `/api/teams/${teamId}/status-pages`,
    headers: bearer(roles.admin),
    payload: {
      slug: 'acme',
      title: `Acme <script>alert("${XSS}")</script>`,
      description: `Live status of Acme. <img src=x onerror="alert('${XSS}')">`,
      accent_color: '#6f42c1',
      components: [
        { monitor_id: apiMonitor, name: 'Public API', group: 'Core platform' },
        { monitor_id: web, name: `Website <b onmouseover="alert('${XSS}')">`, group: 'Core platform' },
        { monitor_id: db, name: 'Database', group: 'Data' },
        { monitor_id: cdn, name: 'CDN' },
      ],
    },
  });
  expect(created.statusCode).toBe(201);
  await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/status-pages`, headers: bearer(roles.admin), payload: { slug: 'private-one', title: 'Private', is_public: false } });
  await insertIncident(t.db, teamId, {
    kind: 'manual',
    title: 'Slow responses from the API',
    status: 'monitoring',
    severity: 'minor',
    monitor_ids: [apiMonitor],
    started_at: new Date(Date.now() - 2 * 3_600_000),
    updates: [
      { status: 'investigating', message: 'We are looking into **slow** responses.', created_by: roles.admin.id, created_at: new Date(Date.now() - 2 * 3_600_000) },
      {
        status: 'monitoring',
        message: `Fix deployed. <script>alert("${XSS}")</script> [details](javascript:alert('${XSS}')) <a href="javascript:alert('${XSS}')">x</a> see [notes](https://example.com/notes)`,
        created_by: roles.admin.id,
        created_at: new Date(Date.now() - 600_000),
      },
    ],
  });
  await insertIncident(t.db, teamId, {
    kind: 'auto',
    title: 'internal-db is down',
    status: 'resolved',
    severity: 'critical',
    monitor_id: db,
    started_at: new Date(Date.now() - 3 * 86_400_000),
    resolved_at: new Date(Date.now() - 3 * 86_400_000 + 1_800_000),
    updates: [{ status: 'investigating', message: `Check failed: ${SECRET_ERROR}`, created_by: null, created_at: new Date(Date.now() - 3 * 86_400_000) }],
  });
  const now = Date.now();
  await insertMaintenance(t.db, teamId, [db], new Date(now + 86_400_000), new Date(now + 86_400_000 + 7_200_000), 'Database upgrade', 'Expect **brief** read-only periods.');

  const port = await freePort();
  webUrl = `http://127.0.0.1:${port}`;
  next = spawn(process.execPath, [join(webDir, 'node_modules/next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: webDir,
    env: { ...process.env, API_INTERNAL_URL: apiUrl, PUBLIC_URL: webUrl, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  next.stdout!.on('data', (d) => (nextLog += d));
  next.stderr!.on('data', (d) => (nextLog += d));
  await waitFor(`${webUrl}/status/nothing-here`, 60_000);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  if (next && next.exitCode === null) {
    next.kill('SIGTERM');
    await new Promise((r) => next.once('exit', r));
  }
  await t?.close();
});

describe('the public status page, server-rendered', () => {
  it('is complete HTML with landmarks, the components, the incident and the maintenance', async () => {
    const res = await fetch(`${webUrl}/status/acme`);
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const text of ['Public API', 'Database', 'CDN', 'Core platform', 'Slow responses from the API', 'Database upgrade', 'Past incidents', 'Database: outage']) {
      expect(html).toContain(text);
    }
    expect(html).toMatch(/<main[^>]*id="sp-main"/);
    expect(html).toMatch(/<header/);
    expect(html).toMatch(/<footer/);
    expect(html).toContain('application/atom+xml');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain('unsafe-inline');
  });

  it('leaks no monitor URL, internal name or error text', async () => {
    const html = await (await fetch(`${webUrl}/status/acme`)).text();
    expect(html).not.toContain(SECRET_URL_HOST);
    expect(html).not.toContain(SECRET_ERROR);
    expect(html).not.toContain('secret-error-text');
    expect(html).not.toContain('internal-');
    expect(html).not.toContain('s3cr3t');
  });

  it('renders every injected script, handler and javascript: link inert', async () => {
    const html = await (await fetch(`${webUrl}/status/acme`)).text();
    assertNoInjectedMarkup(html, XSS);
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('<a href="https://example.com/notes" rel="nofollow noopener noreferrer ugc">notes</a>');
  });

  it('answers 404 for private and missing pages', async () => {
    for (const slug of ['private-one', 'missing-page', 'UPPER']) {
      const res = await fetch(`${webUrl}/status/${slug}`);
      expect(res.status, slug).toBe(404);
      const html = await res.text();
      expect(html).toContain('Status page not found');
      expect(html).not.toContain('Private');
    }
  });

  it('serves the history page with plain paging links', async () => {
    const res = await fetch(`${webUrl}/status/acme/history`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Incident history');
    expect(html).toContain('Database: outage');
  });
});

/** GET through node:http so the Host header can be a custom domain (fetch would not send ours). */
function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const req = httpRequest(url, { headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('custom domains', () => {
  it('serves the page at the root and its history at /history of its own domain; our own host keeps the dashboard', async () => {
    const list = (await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/status-pages`, headers: bearer(owner) })).json();
    const acme = list.items.find((p: { slug: string }) => p.slug === 'acme');
    const patched = await t.app.inject({ method: 'PATCH', url: `/api/teams/${teamId}/status-pages/${acme.id}`, headers: bearer(owner), payload: { custom_domain: 'status.acme-custom.test' } });
    expect(patched.statusCode).toBe(200);
    // Served only once verified by DNS (ADR 0137): the row the worker writes when it finds the TXT token.
    await t.db.insertInto('custom_domain_claims').values({ status_page_id: acme.id, team_id: teamId, domain: 'status.acme-custom.test', status: 'verified', expires_at: new Date(), verified_at: new Date() }).execute();

    const root = await getWithHost(`${webUrl}/`, 'status.acme-custom.test');
    expect(root.status).toBe(200);
    expect(root.body).toContain('Public API');
    expect(root.body).toContain('Slow responses from the API');
    const history = await getWithHost(`${webUrl}/history`, 'Status.Acme-Custom.test:443');
    expect(history.status).toBe(200);
    expect(history.body).toContain('Incident history');

    // An unknown host and our own host get the dashboard (which sends signed-out users to login).
    for (const host of ['unknown.example.test', new URL(webUrl).host]) {
      const res = await getWithHost(`${webUrl}/`, host);
      expect(res.body, host).not.toContain('Slow responses from the API');
    }
  });
});

describe('in Chromium', () => {
  it('is readable and keyboard-usable with JavaScript off (screenshots: desktop, 320 px, dark)', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${webUrl}/status/acme`);
    expect(await page.locator('h1').innerText()).toContain('Acme <script>');
    expect(await page.locator('#sp-overall').innerText()).toContain('Degraded performance');
    expect(await page.locator('.sp-bar').count()).toBe(4);
    expect(await page.locator('.sp-bar').first().locator('i').count()).toBe(90);
    // Keyboard: Tab through the links to the first day of a bar; its tooltip shows on focus.
    let tip = '';
    for (let i = 0; i < 30 && !tip; i += 1) {
      await page.keyboard.press('Tab');
      tip = await page.evaluate(() => {
        const el = document.activeElement;
        if (el?.tagName !== 'I' || !el.parentElement?.classList.contains('sp-bar')) return '';
        const after = getComputedStyle(el, '::after');
        return after.display === 'block' ? (el.getAttribute('aria-label') ?? '') : '';
      });
    }
    expect(tip).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{4}: (\d+\.\d\d% uptime|no data)/);
    await page.screenshot({ path: '/tmp/sp-status-nojs.png', fullPage: true });

    await page.setViewportSize({ width: 320, height: 800 });
    await page.goto(`${webUrl}/status/acme`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    expect(await page.locator('.sp-bar').first().locator('i:visible').count()).toBe(30);
    await page.screenshot({ path: '/tmp/sp-status-320.png', fullPage: true });
    await context.close();

    const dark = await browser.newContext({ javaScriptEnabled: false, colorScheme: 'dark', viewport: { width: 900, height: 900 } });
    const darkPage = await dark.newPage();
    await darkPage.goto(`${webUrl}/status/acme`);
    const bg = await darkPage.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).not.toMatch(/255, 255, 255|oklch\(0\.9/);
    await darkPage.screenshot({ path: '/tmp/sp-status-dark-nojs.png', fullPage: true });
    await dark.close();
  });

  it('runs no injected script with JavaScript on, walks the bar with arrow keys and refreshes itself', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, colorScheme: 'dark' });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // A CSP violation (an inline script or style that is not ours) is reported as a console error.
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${webUrl}/status/acme?refresh=2`);
    await page.waitForLoadState('networkidle');
    // Hover everything that was injected, in case a handler survived somewhere.
    await page.locator('h4').nth(1).hover();
    expect(dialogs).toEqual([]);
    const hrefs = await page.$$eval('a', (as) => as.map((a) => a.getAttribute('href') ?? ''));
    expect(hrefs.filter((h) => /^\s*(javascript|data|vbscript):/i.test(h))).toEqual([]);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(13, 17, 23)');

    // Roving tabindex: one tab stop per bar, arrows move between days.
    const firstBar = page.locator('.sp-bar').first();
    expect(await firstBar.locator('[tabindex="0"]').count()).toBe(1);
    await firstBar.locator('[tabindex="0"]').focus();
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');
    expect(focused).toMatch(/uptime|no data/);
    const tipVisible = await page.evaluate(() => getComputedStyle(document.activeElement!, '::after').display);
    expect(tipVisible).toBe('block');
    await page.screenshot({ path: '/tmp/sp-status-js-dark.png', fullPage: false });

    // A monitor goes down: the page shows it within a couple of refreshes, without a reload.
    await t.db.updateTable('monitors').set({ status: 'down' }).where('id', '=', apiMonitor).execute();
    await invalidateStatusPagesForTeam(t.app.redis, t.config.redisPrefix, teamId);
    await page.waitForFunction(() => document.querySelector('#sp-overall')?.textContent?.includes('outage'), undefined, { timeout: 15_000 });
    expect(await page.locator('#sp-overall').innerText()).toMatch(/Partial outage/);
    expect(errors).toEqual([]);
    await context.close();
  });
});
