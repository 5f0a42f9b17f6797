/**
 * Accessibility of the dashboard in a real browser (issue 18, ADR 0150):
 * 1. axe-core over every dashboard page, light and dark theme, logged in as the demo user with
 *    the demo data: 0 violations of the WCAG 2.0/2.1/2.2 A and AA rules; the same walk records
 *    every console error and failed request (the missing favicon was one) and asserts there are none.
 * 2. Keyboard-only walks of the main flows (page.keyboard only, no clicks): log in, skip link,
 *    sidebar, team switcher, open a monitor, create a monitor; focus always visible, no trap.
 * The per-page report is written to $A11Y_REPORT (default /tmp/shots/a11y-report.txt).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { signAckToken } from '@sentrypulse/shared/ack-link';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EMAIL, DEMO_PASSWORD, demoSeeders, seedDemo } from '@sentrypulse/api/testing';
import { SHOTS_DIR, shoot, startStack, type Stack } from './e2e-support';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const REPORT = process.env.A11Y_REPORT ?? join(SHOTS_DIR, 'a11y-report.txt');

let stack: Stack;
let ids: { teamId: number; monitorId: number; incidentId: number; statusPageId: number; siteId: number; invitationToken: string; statusSlug: string; ackToken: string };

beforeAll(async () => {
  stack = await startStack();
  const redis = new Redis(stack.api.config.redisUrl);
  try {
    await seedDemo(stack.api.db, stack.api.config, demoSeeders, { redis });
  } finally {
    redis.disconnect();
  }
  const db = stack.api.db;
  const login = await stack.api.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: DEMO_EMAIL, password: DEMO_PASSWORD } });
  expect(login.statusCode).toBe(200);
  const teamId = login.json().team.id as number;
  const first = async (table: 'monitors' | 'incidents' | 'status_pages' | 'sites') =>
    (await db.selectFrom(table).select('id').where('team_id', '=', teamId).orderBy('id').executeTakeFirstOrThrow()).id;
  const statusPageId = await first('status_pages');
  const invite = await stack.api.app.inject({
    method: 'POST',
    url: `/api/teams/${teamId}/invitations`,
    headers: { authorization: `Bearer ${login.json().access_token}` },
    payload: { email: 'new.colleague@example.test', role: 'member' },
  });
  expect(invite.statusCode).toBe(201);
  ids = {
    teamId,
    monitorId: await first('monitors'),
    incidentId: await first('incidents'),
    statusPageId,
    siteId: await first('sites'),
    invitationToken: invite.json().token,
    statusSlug: (await db.selectFrom('status_pages').select('slug').where('id', '=', statusPageId).executeTakeFirstOrThrow()).slug,
    ackToken: '',
  };
  // A real acknowledge link of a demo incident, as an alert would carry it (the page previews it).
  ids.ackToken = signAckToken(stack.api.config.encryptionKey, {
    teamId,
    incidentId: ids.incidentId,
    channelId: null,
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
    nonce: randomBytes(8).toString('hex'),
  });
}, 600_000);

afterAll(async () => {
  await stack?.close();
}, 60_000);

/**
 * Every page of the app router (app/(auth) signed out, app/(app) signed in), with real ids;
 * `route` is the page's folder under app/, so the completeness test below fails when a page is
 * added without being walked here.
 */
function pages(): Array<{ name: string; route: string; path: string; auth: boolean }> {
  const t = `/t/${ids.teamId}`;
  return [
    { name: 'login', route: '(auth)/login', path: '/login', auth: false },
    { name: 'register', route: '(auth)/register', path: '/register', auth: false },
    { name: 'forgot-password', route: '(auth)/forgot-password', path: '/forgot-password', auth: false },
    // Without a token in the fragment the page explains the link is incomplete: still a page to check.
    { name: 'reset-password', route: '(auth)/reset-password', path: '/reset-password', auth: false },
    { name: 'verify-email', route: '(auth)/verify-email', path: '/verify-email', auth: false },
    { name: 'sso', route: '(auth)/sso', path: '/sso', auth: false },
    { name: 'ack', route: '(auth)/ack/[token]', path: `/ack/${ids.ackToken}`, auth: false },
    { name: 'invitation', route: '(auth)/invitations/[token]', path: `/invitations/${ids.invitationToken}`, auth: false },
    { name: 'monitors', route: '(app)/t/[teamId]/monitors', path: `${t}/monitors`, auth: true },
    { name: 'monitor-new', route: '(app)/t/[teamId]/monitors/new', path: `${t}/monitors/new`, auth: true },
    { name: 'monitor-detail', route: '(app)/t/[teamId]/monitors/[monitorId]', path: `${t}/monitors/${ids.monitorId}`, auth: true },
    { name: 'monitor-edit', route: '(app)/t/[teamId]/monitors/[monitorId]/edit', path: `${t}/monitors/${ids.monitorId}/edit`, auth: true },
    { name: 'incidents', route: '(app)/t/[teamId]/incidents', path: `${t}/incidents`, auth: true },
    { name: 'incident-new', route: '(app)/t/[teamId]/incidents/new', path: `${t}/incidents/new`, auth: true },
    { name: 'incident-detail', route: '(app)/t/[teamId]/incidents/[incidentId]', path: `${t}/incidents/${ids.incidentId}`, auth: true },
    { name: 'maintenance', route: '(app)/t/[teamId]/maintenance', path: `${t}/maintenance`, auth: true },
    { name: 'status-pages', route: '(app)/t/[teamId]/status-pages', path: `${t}/status-pages`, auth: true },
    { name: 'status-page-new', route: '(app)/t/[teamId]/status-pages/new', path: `${t}/status-pages/new`, auth: true },
    { name: 'status-page-edit', route: '(app)/t/[teamId]/status-pages/[statusPageId]', path: `${t}/status-pages/${ids.statusPageId}`, auth: true },
    { name: 'sites', route: '(app)/t/[teamId]/sites', path: `${t}/sites`, auth: true },
    { name: 'site-new', route: '(app)/t/[teamId]/sites/new', path: `${t}/sites/new`, auth: true },
    { name: 'site-dashboard', route: '(app)/t/[teamId]/sites/[siteId]', path: `${t}/sites/${ids.siteId}`, auth: true },
    { name: 'channels', route: '(app)/t/[teamId]/channels', path: `${t}/channels`, auth: true },
    { name: 'escalation', route: '(app)/t/[teamId]/escalation', path: `${t}/escalation`, auth: true },
    { name: 'team-settings', route: '(app)/t/[teamId]/settings', path: `${t}/settings`, auth: true },
    { name: 'team-new', route: '(app)/teams/new', path: '/teams/new', auth: true },
    { name: 'account', route: '(app)/account', path: '/account', auth: true },
    { name: 'account-security', route: '(app)/account/security', path: '/account/security', auth: true },
    { name: 'public-status-page', route: 'status/[slug]', path: `/status/${ids.statusSlug}`, auth: false },
    { name: 'public-status-history', route: 'status/[slug]/history', path: `/status/${ids.statusSlug}/history`, auth: false },
  ];
}

/** Pages that only redirect elsewhere (nothing of their own to check). */
const REDIRECT_ONLY = new Set(['(app)', '(app)/t/[teamId]']);

/** Every app-router page folder under app/ (page.tsx, or route.ts of a server-rendered HTML page). */
function appRoutes(): string[] {
  const root = join(import.meta.dirname, '..', 'app');
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name === 'page.tsx') out.push(dir);
    }
  };
  walk('');
  return out.filter((r) => !REDIRECT_ONLY.has(r)).sort();
}

interface AxeNode {
  target: string[];
  failureSummary?: string;
  any: Array<{ message: string }>;
}
interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: AxeNode[];
}

const SHOT_PAGES = new Set(['login', 'monitors', 'monitor-detail', 'incident-detail', 'status-page-edit', 'site-dashboard', 'team-settings']);

/** Waits until the page shows its data: no skeleton left, fonts loaded, network quiet. */
async function settle(page: Page) {
  await page.locator('main').first().waitFor();
  // Cards below the fold load when scrolled into view (lib/use-visible.ts): scroll through once.
  await page.evaluate(async () => {
    for (let y = 0; y < document.documentElement.scrollHeight; y += 600) {
      window.scrollTo(0, y);
      await new Promise((r) => setTimeout(r, 120));
    }
    window.scrollTo(0, 0);
  });
  await page.waitForFunction(() => document.querySelectorAll('.animate-pulse').length === 0, undefined, { timeout: 20_000 });
  await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
  await page.evaluate(() => document.fonts.ready);
  // Transitions (hover/colour) finished before colours are measured.
  await page.waitForTimeout(300);
}

async function runAxe(page: Page): Promise<{ violations: AxeViolation[]; bestPractice: AxeViolation[] }> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const wcag = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    const bp = await axe.run(document, { runOnly: { type: 'tag', values: ['best-practice'] }, resultTypes: ['violations'] });
    const slim = (v: AxeViolation) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, any: n.any.map((a) => ({ message: a.message })) })) });
    return { violations: wcag.violations.map(slim), bestPractice: bp.violations.map(slim) };
  }, WCAG_TAGS);
}

async function logIn(page: Page) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(DEMO_EMAIL);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/t\/\d+\/monitors$/);
}

/** One line per rule, then each distinct finding (same message) once, with how often and where first. */
function describeViolations(list: AxeViolation[]): string[] {
  return list.flatMap((v) => {
    const byMessage = new Map<string, { count: number; target: string }>();
    for (const n of v.nodes) {
      const key = n.any[0]?.message ?? '';
      const seen = byMessage.get(key);
      if (seen) seen.count++;
      else byMessage.set(key, { count: 1, target: n.target.join(' ') });
    }
    return [
      `    ${v.id} (${v.impact}, ${v.nodes.length} node${v.nodes.length === 1 ? '' : 's'}): ${v.help}`,
      ...[...byMessage].map(([message, { count, target }]) => `      ${count}x ${target}${message ? `: ${message}` : ''}`),
    ];
  });
}

async function themedContext(scheme: 'light' | 'dark'): Promise<BrowserContext> {
  return stack.browser.newContext({ baseURL: stack.webUrl, viewport: { width: 1280, height: 800 }, colorScheme: scheme, bypassCSP: true });
}

/**
 * Console errors and failed requests of a page, collected while it is used. One answer is not a
 * failure: signed out, the dashboard asks /api/auth/refresh whether a session cookie exists (it is
 * httpOnly, so JavaScript cannot look) and the 401 is the answer "no session".
 */
function watchErrors(page: Page, sink: string[], signedOut: () => boolean) {
  const probe = (url: string) => signedOut() && new URL(url).pathname === '/api/auth/refresh';
  page.on('console', (m) => {
    if (m.type() === 'error' && !(m.location().url && probe(m.location().url))) sink.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => sink.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => {
    // A navigation away cancels in-flight fetches (net::ERR_ABORTED): not a failure of the page.
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') sink.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !(r.status() === 401 && probe(r.url()))) sink.push(`HTTP ${r.status()}: ${new URL(r.url()).pathname}`);
  });
}

describe('axe-core over every dashboard page', () => {
  it('walks every page of the app router (a new page must be added to pages())', () => {
    const walked = new Set(pages().map((p) => p.route));
    expect(appRoutes().filter((r) => !walked.has(r))).toEqual([]);
  });

  it('finds 0 WCAG 2.x A/AA violations in light and dark, and no console error or failed request', async () => {
    const report: string[] = [`axe-core ${JSON.parse(readFileSync(require.resolve('axe-core/package.json'), 'utf8')).version}, tags ${WCAG_TAGS.join(', ')}; ${new Date().toISOString()}`];
    const totals: Record<string, number> = {};
    const bestPracticeRules: string[] = [];
    const errors: string[] = [];
    for (const scheme of ['light', 'dark'] as const) {
      const context = await themedContext(scheme);
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      const pageErrors: string[] = [];
      let loggedIn = false;
      watchErrors(page, pageErrors, () => !loggedIn);
      // Signed-out pages first, then log in once for the rest (the public status page last).
      for (const p of pages().sort((a, b) => Number(a.auth) - Number(b.auth))) {
        if (p.auth && !loggedIn) {
          await logIn(page);
          loggedIn = true;
        }
        pageErrors.length = 0;
        await page.goto(p.path);
        await settle(page).catch(async (err: Error) => {
          await page.screenshot({ path: join(SHOTS_DIR, `a11y-unsettled-${p.name}-${scheme}.png`) });
          throw new Error(`${p.name} (${scheme}) did not settle: ${err.message}`);
        });
        // The dashboard's theme class follows the system preference; the public status page (its
        // own HTML, app/status/_lib) follows it through a media query.
        if (!p.name.startsWith('public-status')) expect(await page.evaluate(() => document.documentElement.classList.contains('dark')), p.name).toBe(scheme === 'dark');
        const { violations, bestPractice } = await runAxe(page);
        const nodes = violations.reduce((s, v) => s + v.nodes.length, 0);
        totals[`${p.name} ${scheme}`] = nodes;
        bestPracticeRules.push(...bestPractice.map((v) => `${p.name} ${scheme}: ${v.id}`));
        report.push(`${p.name} (${p.path.replace(/[\w-]{20,}$/, ':token').replace(/\d+/g, ':id')}) ${scheme}: ${violations.length} WCAG rule(s) violated, ${nodes} node(s); best-practice: ${bestPractice.length} rule(s)`);
        report.push(...describeViolations(violations));
        if (bestPractice.length) report.push('    best-practice:', ...describeViolations(bestPractice).map((l) => `  ${l}`));
        if (pageErrors.length) report.push(...pageErrors.map((e) => `    ${e}`));
        errors.push(...pageErrors.map((e) => `${p.name} ${scheme}: ${e}`));
        // The pages whose colours the token change touched most, to look at (1280 and 375 px).
        if (SHOT_PAGES.has(p.name)) await shoot(page, `a11y-${p.name}-${scheme}`);
      }
      await context.close();
    }
    const total = Object.values(totals).reduce((s, n) => s + n, 0);
    report.splice(1, 0, `total: ${total} violating node(s) over ${Object.keys(totals).length} page/theme runs; pages with violations: ${Object.entries(totals).filter(([, n]) => n > 0).length}; console errors / failed requests: ${errors.length}`, '');
    writeFileSync(REPORT, `${report.join('\n')}\n`);
    expect(Object.keys(totals)).toHaveLength(pages().length * 2);
    expect(Object.entries(totals).filter(([, n]) => n > 0)).toEqual([]);
    expect(errors).toEqual([]);
    // Not WCAG criteria, but kept at 0 too (e.g. "region": every link inside a landmark).
    expect(bestPracticeRules).toEqual([]);
  }, 600_000);
});

interface Focus {
  key: string;
  tag: string;
  text: string;
  name: string;
  href: string;
  label: string;
  inMain: boolean;
  inNav: boolean;
  /** An outline or a box-shadow ring is drawn, and the element is on screen with a size. */
  visible: boolean;
}

/** What has the keyboard focus, and whether the focus indicator shows. */
function focusNow(page: Page): Promise<Focus | null> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1;
    const ring = style.boxShadow !== 'none' && style.boxShadow !== '';
    const box = el.getBoundingClientRect();
    const path: string[] = [];
    for (let n: Element | null = el; n && n !== document.body; n = n.parentElement) path.unshift(`${n.tagName}:${n.parentElement ? [...n.parentElement.children].indexOf(n) : 0}`);
    const labelled = el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`)?.textContent?.trim() ?? '' : '';
    return {
      key: path.join('/'),
      tag: el.tagName.toLowerCase(),
      text: (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 80),
      name: el.getAttribute('aria-label') ?? '',
      href: el.getAttribute('href') ?? '',
      label: labelled,
      inMain: !!el.closest('main'),
      inNav: !!el.closest('nav'),
      visible: (outline || ring) && box.width > 0 && box.height > 0,
    };
  });
}

/** Presses Tab until `until` matches (at most `max` times); every stop must show its focus. */
async function tabTo(page: Page, until: (f: Focus) => boolean, max = 40, key = 'Tab'): Promise<Focus[]> {
  const seen: Focus[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    const f = await focusNow(page);
    if (!f) continue;
    seen.push(f);
    expect(f.visible, `focus indicator on ${f.tag} "${f.text || f.name}"`).toBe(true);
    if (until(f)) return seen;
  }
  throw new Error(`not reached in ${max} × ${key}; stops: ${seen.map((f) => f.text || f.name || f.label || f.tag).join(' | ')}`);
}

describe('keyboard only', () => {
  let context: BrowserContext;
  let page: Page;
  let target: Server;
  let targetUrl: string;

  beforeAll(async () => {
    context = await themedContext('light');
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    target = createServer((_q, r) => r.end('ok'));
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    targetUrl = `http://127.0.0.1:${(target.address() as { port: number }).port}/health`;
  });
  afterAll(async () => {
    await context?.close();
    await new Promise((r) => target?.close(r));
  });

  it('logs in with the keyboard: Tab to the fields, type, Enter', async () => {
    await page.goto('/login');
    await page.getByLabel('Email').waitFor();
    const stops = await tabTo(page, (f) => f.label === 'Email');
    // The logo link comes first, then the form (reading order).
    expect(stops[0]!.text).toBe('SentryPulse');
    await page.keyboard.type(DEMO_EMAIL);
    await tabTo(page, (f) => f.label === 'Password', 1);
    await page.keyboard.type(DEMO_PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/t\/\d+\/monitors$/);
    await page.getByTestId('user-name').getByText('Demo').waitFor();
  });

  it('the first Tab shows the skip link, Enter moves the next Tab into the main content', async () => {
    await page.goto(`/t/${ids.teamId}/monitors`);
    await settle(page);
    await page.keyboard.press('Tab');
    const skip = (await focusNow(page))!;
    expect(skip.text).toBe('Skip to content');
    expect(skip.visible).toBe(true);
    const box = await page.evaluate(() => (document.activeElement as HTMLElement).getBoundingClientRect().width);
    expect(box).toBeGreaterThan(20);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    const next = (await focusNow(page))!;
    expect(next.inMain).toBe(true);
    expect(next.visible).toBe(true);
  });

  it('walks the sidebar: team switcher (its name holds the team), then the sections, Enter opens one', async () => {
    await page.goto(`/t/${ids.teamId}/monitors`);
    await settle(page);
    const toSwitcher = await tabTo(page, (f) => f.tag === 'summary', 6);
    expect(toSwitcher.at(-1)!.text).toContain('Demo team');
    // Enter opens the switcher, Tab reaches the team, Enter goes there.
    await page.keyboard.press('Enter');
    const team = await tabTo(page, (f) => f.tag === 'a' && f.text.startsWith('Demo team'), 3);
    expect(team.at(-1)!.href).toBe(`/t/${ids.teamId}/monitors`);
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/t/${ids.teamId}/monitors$`));
    // From the top again: the navigation, section after section, in reading order.
    await page.goto(`/t/${ids.teamId}/monitors`);
    await settle(page);
    const nav = await tabTo(page, (f) => f.inNav && f.text === 'Incidents', 12);
    expect(nav.filter((f) => f.inNav).map((f) => f.text)).toEqual(['Monitors', 'Incidents']);
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/t/${ids.teamId}/incidents$`));
    expect(await page.locator('nav[aria-label="Main"] a[aria-current="page"]').textContent()).toBe('Incidents');
    await page.getByRole('heading', { level: 1, name: 'Incidents' }).waitFor();
  });

  it('opens a monitor from the list with Tab and Enter', async () => {
    await page.goto(`/t/${ids.teamId}/monitors`);
    await settle(page);
    const stops = await tabTo(page, (f) => f.inMain && /\/monitors\/\d+$/.test(f.href), 40);
    const link = stops.at(-1)!;
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`${link.href}$`));
    const name = await stack.api.db.selectFrom('monitors').select('name').where('id', '=', Number(/(\d+)$/.exec(link.href)![1])).executeTakeFirstOrThrow();
    await page.getByRole('heading', { level: 1, name: name.name }).waitFor();
  });

  it('creates a monitor with the keyboard only, and the form has no focus trap', async () => {
    await page.goto(`/t/${ids.teamId}/monitors/new`);
    await settle(page);
    await tabTo(page, (f) => f.label === 'Name', 15);
    await page.keyboard.type('Keyboard-made API');
    await tabTo(page, (f) => f.label === 'URL', 1);
    await page.keyboard.type(targetUrl);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/monitors\/\d+$/);
    await page.getByRole('heading', { level: 1, name: 'Keyboard-made API' }).waitFor();
    const row = await stack.api.db.selectFrom('monitors').select(['url', 'team_id']).where('name', '=', 'Keyboard-made API').executeTakeFirstOrThrow();
    expect(row).toEqual({ url: targetUrl, team_id: ids.teamId });

    // No trap: Tab from the top goes through every control of the form and comes back round to
    // the skip link; Shift+Tab walks back the same way.
    await page.goto(`/t/${ids.teamId}/monitors/new`);
    await settle(page);
    await page.keyboard.press('Tab');
    const first = (await focusNow(page))!;
    expect(first.text).toBe('Skip to content');
    const forward = await tabTo(page, (f) => f.key === first.key, 80);
    const keys = forward.slice(0, -1).map((f) => f.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(forward.some((f) => f.text === 'Create monitor')).toBe(true);
    expect(forward.filter((f) => f.inMain).length).toBeGreaterThan(8);
    const back = await tabTo(page, (f) => f.key === first.key, 80, 'Shift+Tab');
    expect(back.slice(0, -1).map((f) => f.key)).toEqual([...keys].reverse());
  });

  it('on a phone the menu opens and closes from the keyboard', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(`/t/${ids.teamId}/monitors`);
    await settle(page);
    const menu = await tabTo(page, (f) => f.name === 'Open menu', 5);
    expect(menu.at(-1)!.visible).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Menu' }).waitFor();
    // Focus starts inside the drawer (its close button); Escape closes it.
    expect((await focusNow(page))!.name).toBe('Close menu');
    const inDrawer = await tabTo(page, (f) => f.inNav && f.text === 'Incidents', 12);
    expect(inDrawer.length).toBeGreaterThan(1);
    // The page behind is inert: 30 more Tabs go round the drawer and never leave it.
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]') || document.activeElement === document.body)).toBe(true);
    }
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Menu' }).waitFor({ state: 'detached' });
    // The focus goes back to the button that opened the menu, visibly.
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Open menu');
    expect((await focusNow(page))!.visible).toBe(true);
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});

/** GET with an Accept-Encoding, the raw answer (node:http does not decompress). */
function rawGet(url: string, encoding: string): Promise<{ status: number; headers: import('node:http').IncomingHttpHeaders; bytes: number }> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'accept-encoding': encoding } }, (res) => {
      let bytes = 0;
      res.on('data', (d: Buffer) => (bytes += d.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

describe('the web server without nginx (the same stack: next start, as scripts/start.mjs runs it)', () => {
  it('serves a favicon at /favicon.ico and /icon.svg, linked from the pages', async () => {
    const ico = await rawGet(`${stack.webUrl}/favicon.ico`, 'identity');
    expect(ico.status).toBe(200);
    expect(ico.headers['content-type']).toBe('image/x-icon');
    expect(ico.bytes).toBeGreaterThan(500);
    const html = await (await fetch(`${stack.webUrl}/login`)).text();
    expect(html).toMatch(/<link rel="icon" href="\/favicon\.ico[^"]*"[^>]*type="image\/x-icon"/);
    const href = /<link rel="icon" href="([^"]+)"[^>]*type="image\/svg\+xml"/.exec(html)?.[1];
    expect(href).toMatch(/^\/icon\.svg/);
    const svg = await fetch(`${stack.webUrl}${href}`);
    expect(svg.status).toBe(200);
    expect(await svg.text()).toContain('<svg');
  });

  it('compresses the dashboard (HTML and scripts) itself; leaves the status page to nginx (ADR 0151)', async () => {
    const login = await fetch(`${stack.webUrl}/login`);
    const script = /<script src="(\/_next\/static\/[^"]+\.js)"/.exec(await login.text())![1]!;
    const rows: string[] = [];
    for (const path of ['/login', `/t/${ids.teamId}/monitors`, script]) {
      const plain = await rawGet(`${stack.webUrl}${path}`, 'identity');
      const gz = await rawGet(`${stack.webUrl}${path}`, 'gzip');
      rows.push(`${path}: ${plain.headers['content-type']} ${plain.bytes} B, gzip ${gz.bytes} B`);
      expect(plain.status, path).toBe(200);
      expect(plain.headers['content-encoding'], path).toBeUndefined();
      expect(gz.headers['content-encoding'], path).toBe('gzip');
      expect(gz.headers.vary ?? '', path).toMatch(/Accept-Encoding/i);
      expect(gz.bytes, path).toBeLessThan(plain.bytes * 0.6);
    }
    // The public status page is rendered once a second and sent as is: gzipping its ~400 KB on
    // every request was the bottleneck (ADR 0072) and a route handler cannot hand Next a
    // pre-compressed body. nginx (required in production, README) compresses it; Vary is set.
    const status = await rawGet(`${stack.webUrl}/status/${ids.statusSlug}`, 'gzip');
    expect(status.status).toBe(200);
    expect(status.headers['cache-control']).toContain('no-transform');
    expect(status.headers['content-encoding']).toBeUndefined();
    expect(status.headers.vary).toMatch(/accept-encoding/i);
    console.log(rows.join('\n'));
  });
});
