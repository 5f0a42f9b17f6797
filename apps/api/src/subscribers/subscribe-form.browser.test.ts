import { confirmToken, manageToken } from '@sentrypulse/db';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, teamWithRoles, type TestApp } from '../../test/helpers';
import { databaseFingerprint } from '../../test/tables';
import { insertMonitor } from '../public/fixtures';

/**
 * The subscribe form of the public page in a real browser with JavaScript OFF: the API on a real
 * port, the production build of apps/web (`next start`) and Debian's Chromium. Then confirm,
 * manage and the RFC 8058 one-click POST against the web's List-Unsubscribe URL, and a cross-site
 * form POST refused. Screenshots in /tmp/sp-subscribe-*.png.
 */
const here = dirname(fileURLToPath(import.meta.url));
const webDir = resolve(here, '../../../web');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const KEY = randomBytes(32).toString('hex');

let t: TestApp;
let next: ChildProcess;
let webUrl: string;
let browser: Browser;
let nextLog = '';
let compB: number;

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

beforeAll(async () => {
  if (!existsSync(join(webDir, '.next/server/app/status/[slug]/subscribe'))) {
    const built = spawnSync('pnpm', ['--filter', '@sentrypulse/web', 'build'], { cwd: resolve(webDir, '../..'), encoding: 'utf8', timeout: 400_000 });
    if (built.status !== 0) throw new Error(`next build failed:\n${built.stdout}\n${built.stderr}`);
  }
  t = await createTestApp({ ENCRYPTION_KEY: KEY });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const apiUrl = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  const { teamId, admin } = await teamWithRoles(t, 'business');
  const a = await insertMonitor(t.db, teamId, { status: 'up' });
  const b = await insertMonitor(t.db, teamId, { status: 'up' });
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/teams/${teamId}/status-pages`,
    headers: bearer(admin),
    payload: { slug: 'forms', title: 'Forms Inc', is_public: true, accent_color: '#1f883d', components: [{ name: 'API', monitor_id: a }, { name: 'Dashboard', monitor_id: b }] },
  });
  expect(res.statusCode).toBe(201);
  compB = (await t.app.inject({ method: 'GET', url: '/api/public/status-pages/forms' })).json().components[1].id;

  const port = await freePort();
  webUrl = `http://127.0.0.1:${port}`;
  next = spawn(process.execPath, [join(webDir, 'node_modules/next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: webDir,
    env: { ...process.env, API_INTERNAL_URL: apiUrl, PUBLIC_URL: webUrl, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  next.stdout!.on('data', (d) => (nextLog += d));
  next.stderr!.on('data', (d) => (nextLog += d));
  const until = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${webUrl}/status/nothing-here`)).status < 500) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > until) throw new Error(`web server did not start: ${nextLog.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
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

async function subscriber(address: string) {
  return t.db.selectFrom('status_page_subscribers').selectAll().where('address', '=', address).executeTakeFirst();
}

describe('the subscribe form without JavaScript', () => {
  it('subscribes from the status page with a plain form POST, keeping the strict CSP', async () => {
    const res = await fetch(`${webUrl}/status/forms`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("form-action 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await res.text();
    expect(html).toContain('action="/status/forms/subscribe"');
    // No script but the page's own hash-pinned inline one.
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toMatch(/<script[^>]+src=/);

    for (const width of [1280, 375]) {
      const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${webUrl}/status/forms`);
      await page.locator('#subscribe').screenshot({ path: `/tmp/sp-subscribe-form-${width}.png` });
      await context.close();
    }

    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${webUrl}/status/forms`);
    await page.fill('#subscribe input[name=email]', 'nojs@example.test');
    await page.check(`#subscribe input[name=component_ids][value="${compB}"]`);
    await Promise.all([page.waitForURL(`${webUrl}/status/forms/subscribe`), page.click('#subscribe button[type=submit]')]);
    await expect(page.locator('h2').first().textContent()).resolves.toBe('Check your inbox');
    await page.screenshot({ path: '/tmp/sp-subscribe-sent.png', fullPage: true });
    const row = await subscriber('nojs@example.test');
    expect(row).toMatchObject({ status: 'pending', type: 'email', component_ids: [compB] });

    // A bad address comes back as the form with the problem, a 400, and nothing stored.
    await context.close();
    // (The browser checks type=email itself; what another client sends is checked by the API.)
    // The flow pages: no script at all, never cached, no token leaking through Referer.
    const flow = await fetch(`${webUrl}/status/forms/subscribe`);
    expect(flow.headers.get('content-security-policy')).toContain("script-src 'none'");
    expect(flow.headers.get('cache-control')).toBe('no-store');
    expect(flow.headers.get('referrer-policy')).toBe('same-origin');
    expect(await flow.text()).not.toContain('<script');
    const bad = await fetch(`${webUrl}/status/forms/subscribe`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: webUrl }, body: 'type=email&email=not-an-email' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('email: must be a valid email address');

    // The confirmation link: GET shows a button (mail scanners), the button's POST confirms.
    const key = Buffer.from(KEY, 'hex');
    const token = confirmToken(key, String(row!.id), row!.confirm_nonce!);
    const c2 = await browser.newContext({ javaScriptEnabled: false });
    const p2 = await c2.newPage();
    await p2.goto(`${webUrl}/status/forms/confirm?token=${encodeURIComponent(token)}`);
    expect((await subscriber('nojs@example.test'))!.status).toBe('pending');
    await Promise.all([p2.waitForNavigation(), p2.click('button[type=submit]')]);
    await expect(p2.locator('h2').first().textContent()).resolves.toBe('Subscription confirmed');
    expect((await subscriber('nojs@example.test'))!.status).toBe('active');

    // Manage: all components instead of one.
    const manage = manageToken(key, String(row!.id), row!.token_nonce);
    await p2.goto(`${webUrl}/status/forms/manage?token=${encodeURIComponent(manage)}`);
    await p2.screenshot({ path: '/tmp/sp-subscribe-manage.png', fullPage: true });
    await p2.uncheck(`input[name=component_ids][value="${compB}"]`);
    await Promise.all([p2.waitForNavigation(), p2.click('form:has(input[name=action]) button[type=submit]')]);
    await p2.screenshot({ path: '/tmp/sp-subscribe-saved.png', fullPage: true });
    await expect(p2.locator('.sp-ok').textContent()).resolves.toBe('Saved.');
    expect((await subscriber('nojs@example.test'))!.component_ids).toBeNull();
    await c2.close();

    // RFC 8058: GET shows a confirmation page and changes nothing; POST List-Unsubscribe=One-Click unsubscribes at once.
    const unsubscribeUrl = `${webUrl}/status/forms/unsubscribe?token=${encodeURIComponent(manage)}`;
    const get = await fetch(unsubscribeUrl);
    expect(get.status).toBe(200);
    expect(await get.text()).toContain('Unsubscribe?');
    expect((await subscriber('nojs@example.test'))!.status).toBe('active');
    const one = await fetch(unsubscribeUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(one.status).toBe(200);
    expect(await t.db.selectFrom('status_page_subscribers').select(['status', 'address']).where('id', '=', row!.id).executeTakeFirst()).toEqual({ status: 'unsubscribed', address: null });
  }, 180_000);

  it('refuses a cross-site form POST (Origin of another site) and stores nothing', async () => {
    const before = await databaseFingerprint(t.db);
    for (const headers of [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }] as Array<Record<string, string>>) {
      const res = await fetch(`${webUrl}/status/forms/subscribe`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: 'type=email&email=victim%40example.test' });
      expect(res.status).toBe(403);
    }
    expect(await databaseFingerprint(t.db)).toEqual(before);
  });
});
