import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACTORY_PASSWORD } from '@sentrypulse/api/testing';
import { measure, newPage, shoot, SHOTS_DIR, linkIn, startStack, waitForMail, type PageTiming, type Stack } from './e2e-support';
import { seedPerfTeam } from './perf-fixtures';

let stack: Stack;
const timings: PageTiming[] = [];

beforeAll(async () => {
  stack = await startStack();
}, 600_000);

afterAll(async () => {
  if (timings.length) writeFileSync(join(SHOTS_DIR, 'timings.json'), JSON.stringify(timings, null, 2));
  await stack?.close();
}, 60_000);

const password = 'correct horse battery staple';

/** Registers through the UI and returns the personal team id (the page is left on its monitors). */
async function registerInUi(page: import('playwright-core').Page, name: string, email: string) {
  await page.goto('/register');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(/\/t\/\d+\/monitors$/);
  return Number(/\/t\/(\d+)\//.exec(page.url())![1]);
}

/** A monitored service on 127.0.0.1 whose health the test switches. */
function startTarget(): Promise<{ server: Server; url: string; setHealthy(v: boolean): void }> {
  let healthy = true;
  const server = createServer((_req, res) => {
    res.writeHead(healthy ? 200 : 503, { 'content-type': 'text/plain' });
    res.end(healthy ? 'ok' : 'down for maintenance');
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ server, url: `http://127.0.0.1:${port}/health`, setHealthy: (v) => (healthy = v) });
    });
  });
}

describe('dashboard in a real browser', () => {
  it('registers, lands on the dashboard, creates a team, invites a member who joins with the member role and cannot delete', async () => {
    const owner = await newPage(stack);
    const { page } = owner;

    // Signed-out visitors are sent to the login page, keeping where they wanted to go.
    await page.goto('/t/1/settings');
    await page.waitForURL(/\/login\?next=%2Ft%2F1%2Fsettings/);
    await shoot(page, 'login');

    // Inline validation from the shared zod schema, before any request.
    await page.goto('/register');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('must be a valid email address').waitFor();
    await page.getByText('must be at least 8 characters').waitFor();
    await shoot(page, 'register-errors');

    await page.getByLabel('Name').fill('Olivia Owner');
    await page.getByLabel('Email').fill('olivia@example.test');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/\/t\/\d+\/monitors$/);
    await page.getByTestId('user-name').getByText('Olivia Owner').waitFor();

    // A reload keeps the session: the access token is gone from memory, the cookie refreshes it.
    await page.reload();
    await page.getByTestId('user-name').getByText('Olivia Owner').waitFor();

    // Two tabs waking up at once share one refresh (Web Lock + broadcast): no rotated-token
    // re-use, so the session survives and a third load still works.
    const tab2 = await owner.context.newPage();
    await tab2.goto(page.url());
    await tab2.getByTestId('user-name').getByText('Olivia Owner').waitFor();
    const refreshes: string[] = [];
    for (const p of [page, tab2]) p.on('request', (r) => r.url().endsWith('/api/auth/refresh') && refreshes.push(r.url()));
    await Promise.all([page.reload(), tab2.reload()]);
    await page.getByTestId('user-name').getByText('Olivia Owner').waitFor();
    await tab2.getByTestId('user-name').getByText('Olivia Owner').waitFor();
    expect(refreshes.length).toBeGreaterThanOrEqual(1);
    expect(refreshes.length).toBeLessThanOrEqual(2);
    await tab2.close();
    await page.reload();
    await page.getByTestId('user-name').getByText('Olivia Owner').waitFor();
    expect(page.url()).not.toContain('/login');

    // Keyboard: the first Tab reaches the skip link; on a phone the menu opens as a drawer.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.setViewportSize({ width: 375, height: 812 });
    await page.getByRole('button', { name: 'Open menu' }).click();
    await page.getByRole('dialog', { name: 'Menu' }).getByRole('link', { name: 'Team', exact: true }).click();
    await page.waitForURL(/\/settings$/);
    await page.getByRole('dialog', { name: 'Menu' }).waitFor({ state: 'detached' });
    await page.setViewportSize({ width: 1280, height: 800 });

    // Create a second team from the switcher.
    await page.goto('/teams/new');
    await page.getByLabel('Team name').fill('Acme Ops');
    await page.getByRole('button', { name: 'Create team' }).click();
    await page.waitForURL(/\/t\/\d+\/monitors$/);
    const teamId = Number(/\/t\/(\d+)\//.exec(page.url())![1]);
    await page.getByTestId('current-team').getByText('Acme Ops').waitFor();

    // Invite a member.
    await page.goto(`/t/${teamId}/settings`);
    await page.getByLabel('Email', { exact: true }).fill('max@example.test');
    await page.getByRole('button', { name: 'Invite' }).click();
    const link = (await page.getByTestId('invite-link').locator('code').textContent())!.trim();
    expect(link).toMatch(/\/invitations\/[\w-]{20,}$/);
    await page.getByText('max@example.test').waitFor();
    await shoot(page, 'team-settings');

    // The invited person opens the link in another browser, registers and accepts.
    const member = await newPage(stack);
    const m = member.page;
    await m.goto(new URL(link).pathname);
    await m.getByRole('heading', { name: 'Join Acme Ops' }).waitFor();
    await shoot(m, 'invitation');
    await m.getByRole('link', { name: 'Create an account to join' }).click();
    await m.waitForURL(/\/register\?/);
    expect(await m.getByLabel('Email').inputValue()).toBe('max@example.test');
    await m.getByLabel('Name').fill('Max Member');
    await m.getByLabel('Password').fill(password);
    await m.getByRole('button', { name: 'Create account' }).click();
    await m.waitForURL(/\/invitations\//);
    // An unverified account cannot accept yet (account security): it follows the emailed link first.
    await m.getByRole('button', { name: 'Accept invitation' }).click();
    await m.getByText('Verify your email address before you accept a team invitation').waitFor();
    const verifyMail = await waitForMail(stack, 'max@example.test', /Confirm your email address/);
    await m.goto(linkIn(verifyMail));
    await m.getByText('Your email address is confirmed.').waitFor();
    await m.goto(new URL(link).pathname);
    await m.getByRole('button', { name: 'Accept invitation' }).click();
    await m.waitForURL(new RegExp(`/t/${teamId}/monitors$`));
    await m.getByTestId('current-team').getByText('Acme Ops').waitFor();

    // As a member: no delete button, no invite form, the role badge says member.
    await m.goto(`/t/${teamId}/settings`);
    await m.getByText('Only the owner can delete this team.').waitFor();
    expect(await m.getByRole('button', { name: 'Delete team' }).count()).toBe(0);
    expect(await m.getByRole('button', { name: 'Invite' }).count()).toBe(0);
    await m.getByTestId('members').locator('p', { hasText: 'Max Member' }).first().waitFor();
    await shoot(m, 'team-settings-member');

    // And the API agrees: a member's DELETE is refused, the team is still there.
    const status = await m.evaluate(async (id) => {
      const r = await fetch('/api/auth/refresh', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      const { access_token } = await r.json();
      const del = await fetch(`/api/teams/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${access_token}` } });
      return del.status;
    }, teamId);
    expect(status).toBe(403);
    const team = await stack.api.db.selectFrom('teams').select('id').where('id', '=', teamId).executeTakeFirst();
    expect(team?.id).toBe(teamId);

    // The owner sees the new member.
    await page.reload();
    await page.getByTestId('members').locator('p', { hasText: 'Max Member' }).first().waitFor();

    // Account page and logout.
    await page.goto('/account');
    await page.getByRole('heading', { name: 'Account' }).waitFor();
    await shoot(page, 'account');
    timings.push(await measure(stack, owner.context, `/t/${teamId}/settings`, '[data-testid=members] li', '/t/[teamId]/settings'));

    await page.getByRole('button', { name: 'Log out' }).first().click();
    await page.waitForURL(/\/login$/);
    await page.goto(`/t/${teamId}/settings`);
    await page.waitForURL(/\/login\?next=/);

    await owner.context.close();
    await member.context.close();
  }, 180_000);

  it('creates a monitor, sees it go up, sees the failure open an incident, posts an update and finds it on the status page', async () => {
    const target = await startTarget();
    const closers: (() => Promise<unknown>)[] = [];
    const { context, page } = await newPage(stack);
    try {
      const teamId = await registerInUi(page, 'Pat Ops', 'pat@example.test');
      await page.getByRole('heading', { name: 'No monitors yet' }).waitFor();
      await shoot(page, 'monitors-empty');

      // Business plan: 10-second intervals are allowed.
      await page.goto(`/t/${teamId}/settings`);
      await page.getByRole('button', { name: 'Switch to business' }).click();
      await page.getByText('Only the owner can change the plan.').or(page.getByRole('button', { name: 'Switch to free' })).first().waitFor();

      // A webhook channel to a local receiver; "Send test" lands in the delivery log as sent.
      const received: { headers: Record<string, unknown>; body: string }[] = [];
      const receiver = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          received.push({ headers: req.headers, body });
          res.writeHead(200).end('ok');
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
      closers.push(() => new Promise((r) => receiver.close(() => r(undefined))));
      await page.goto(`/t/${teamId}/channels`);
      await page.getByRole('heading', { name: 'No channels yet' }).waitFor();
      await page.getByLabel('Type').selectOption('webhook');
      await page.getByLabel('Name').fill('Ops hook');
      await page.getByLabel('URL').fill('not a url');
      await page.getByRole('button', { name: 'Add channel' }).click();
      await page.getByText('must be an absolute http(s) URL').waitFor();
      await page.getByLabel('URL').fill(`http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`);
      await page.getByRole('button', { name: 'Add channel' }).click();
      await page.getByText(/whsec_/).first().waitFor();
      await page.getByTestId('channels').getByText('Ops hook').waitFor();
      await page.getByRole('button', { name: 'Send test' }).click();
      try {
        await page.getByTestId('alerts').getByText('sent', { exact: true }).waitFor({ timeout: 60_000 });
      } catch (err) {
        const log = await page.getByTestId('alerts').textContent().catch(() => '(no delivery log)');
        throw new Error(`the test message did not show as sent; delivery log: ${log}; receiver got ${received.length}`, { cause: err });
      }
      expect(received.length).toBeGreaterThanOrEqual(1);
      expect(received[0]!.headers['webhook-signature']).toMatch(/^v1,/);
      expect(JSON.parse(received[0]!.body).type).toBe('test');
      await shoot(page, 'channels');

      await page.goto(`/t/${teamId}/monitors/new`);
      await page.getByRole('button', { name: 'Create monitor' }).click();
      await page.getByText('must not be empty').first().waitFor();
      await page.getByText('must be an absolute http:// or https:// URL').waitFor();
      await shoot(page, 'monitor-form-errors');
      await page.getByLabel('Name', { exact: true }).fill('Checkout API');
      await page.getByLabel('URL', { exact: true }).fill(target.url);
      await page.getByLabel('Interval (seconds)').fill('10');
      await page.getByLabel('Timeout (ms)').fill('3000');
      await page.getByLabel('Failures before an incident').fill('1');
      await page.getByRole('button', { name: 'Create monitor' }).click();
      await page.waitForURL(/\/monitors\/\d+$/);
      const monitorId = Number(/\/monitors\/(\d+)$/.exec(page.url())![1]);

      await page.getByRole('button', { name: 'Check now' }).click();
      await page.getByTestId('monitor-detail-status').getByText('Up', { exact: true }).waitFor({ timeout: 40_000 });
      await page.getByTestId('checks').waitFor({ timeout: 20_000 });

      // The target fails: the next check is down and (confirmations = 1) an incident opens.
      target.setHealthy(false);
      await page.getByRole('button', { name: 'Check now' }).click();
      await page.getByTestId('monitor-detail-status').getByText('Down', { exact: true }).waitFor({ timeout: 40_000 });
      await shoot(page, 'monitor-detail');

      await page.goto(`/t/${teamId}/incidents`);
      const incidentLink = page.getByTestId('incident-list').locator('a').first();
      await incidentLink.waitFor({ timeout: 40_000 });
      await shoot(page, 'incidents');
      await incidentLink.click();
      await page.waitForURL(/\/incidents\/\d+$/);
      await page.getByRole('button', { name: 'Acknowledge' }).click();
      await page.getByTestId('acknowledged').getByText('Pat Ops').waitFor();
      await page.getByLabel('Status', { exact: true }).selectOption('identified');
      await page.getByLabel('Message').fill('Database failover in progress');
      await page.getByRole('button', { name: 'Post update' }).click();
      await page.getByTestId('timeline').getByText('Database failover in progress').waitFor();
      await shoot(page, 'incident-detail');

      // A status page with the monitor as a component, previewed live while editing.
      await page.goto(`/t/${teamId}/status-pages/new`);
      await page.getByLabel('Title', { exact: true }).fill('Acme Status');
      await page.getByLabel('Slug').fill('acme-e2e');
      await page.getByLabel('Add a monitor:').selectOption({ label: 'Checkout API' });
      await page.getByLabel('Display name').fill('Checkout');
      await page.getByTestId('status-preview').getByText('Checkout', { exact: true }).waitFor();
      await page.getByTestId('status-preview').getByText('Acme Status').waitFor();
      await shoot(page, 'status-page-editor');
      await page.getByRole('button', { name: 'Create status page' }).click();
      await page.waitForURL(/\/status-pages\/\d+$/);

      await page.goto('/status/acme-e2e');
      await page.getByText('Acme Status').first().waitFor();
      await page.getByText('Database failover in progress').first().waitFor();
      await shoot(page, 'public-status-page');

      // A manual incident placed on the status page.
      await page.goto(`/t/${teamId}/incidents/new`);
      await page.getByRole('button', { name: 'Declare incident' }).click();
      await page.getByText('must not be empty').first().waitFor();
      await page.getByLabel('Title').fill('Payments provider degraded');
      await page.getByLabel('First update').fill('Card payments are slow; we are on it.');
      await page.getByLabel('Acme Status').check();
      await page.getByRole('button', { name: 'Declare incident' }).click();
      await page.waitForURL(/\/incidents\/\d+$/);
      await page.getByTestId('timeline').getByText('Card payments are slow; we are on it.').waitFor();
      // The public page is cached (API 15 s TTL, browser max-age 10 s): poll past both with a
      // query the page ignores, so the browser's HTTP cache is not what is being read.
      const until = Date.now() + 60_000;
      for (let i = 0; ; i++) {
        await page.goto(`/status/acme-e2e?poll=${i}`);
        if (await page.getByText('Payments provider degraded').count()) break;
        if (Date.now() > until) throw new Error('the manual incident did not reach the status page within 60 s');
        await page.waitForTimeout(1000);
      }

      // Recovery resolves the incident.
      target.setHealthy(true);
      await page.goto(`/t/${teamId}/monitors/${monitorId}`);
      await page.getByRole('button', { name: 'Check now' }).click();
      await page.getByTestId('monitor-detail-status').getByText('Up', { exact: true }).waitFor({ timeout: 40_000 });
      await page.goto(`/t/${teamId}/monitors`);
      await page.getByTestId('monitor-list').getByText('Checkout API').waitFor();
      await shoot(page, 'monitors');

      // The other main pages, for the screenshots.
      // A maintenance in progress, ended early from the list.
      await page.goto(`/t/${teamId}/maintenance`);
      await page.getByRole('heading', { name: 'Maintenance windows' }).waitFor();
      const localMinute = (ms: number) => new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
      const scheduleForm = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Schedule a window' }) });
      await scheduleForm.getByLabel('Title').fill('Database upgrade');
      await scheduleForm.getByLabel('Starts').fill(localMinute(Date.now() - 120_000));
      await scheduleForm.getByLabel('Ends').fill(localMinute(Date.now() + 3_600_000));
      await scheduleForm.getByLabel('Checkout API').check();
      await scheduleForm.getByRole('button', { name: 'Schedule' }).click();
      const windowRow = page.getByRole('listitem').filter({ hasText: 'Database upgrade' });
      await windowRow.getByText('active', { exact: true }).waitFor();
      await shoot(page, 'maintenance');
      await windowRow.getByRole('button', { name: 'End Database upgrade now' }).click();
      await windowRow.getByText('past', { exact: true }).waitFor();
      expect(await windowRow.getByRole('button', { name: /^End / }).count()).toBe(0);
      await shoot(page, 'maintenance-ended');
      await page.goto(`/t/${teamId}/channels`);
      await page.getByTestId('alerts').getByText('incident.opened').first().waitFor({ timeout: 40_000 });
      await shoot(page, 'channels-log');
    } finally {
      await context.close();
      await new Promise((r) => target.server.close(r));
      for (const close of closers) await close();
    }
  }, 300_000);

  it('adds a site, receives pageviews through the collect endpoint and shows the numbers, filters by clicking a row', async () => {
    const { context, page } = await newPage(stack);
    try {
      const teamId = await registerInUi(page, 'Sam Site', 'sam@example.test');
      await page.goto(`/t/${teamId}/sites`);
      await page.getByRole('heading', { name: 'No sites yet' }).waitFor();
      await page.getByRole('link', { name: 'Add your first site' }).click();
      await page.getByLabel('Name').fill('Shop');
      await page.getByLabel('Domain').fill('https://www.shop.example/');
      await page.getByLabel('Time zone').fill('UTC');
      await page.getByRole('button', { name: 'Add site' }).click();
      await page.waitForURL(/\/sites\/\d+$/);
      const siteId = Number(/\/sites\/(\d+)$/.exec(page.url())![1]);
      await page.getByText('shop.example').first().waitFor();
      const site = await stack.api.db.selectFrom('sites').select(['tracking_code', 'domain']).where('id', '=', siteId).executeTakeFirstOrThrow();
      expect(site.domain).toBe('shop.example');
      await page.getByText(site.tracking_code).first().waitFor();

      // Three browsers, four pageviews, sent the way tracker.js sends them.
      const agents = [
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) Gecko/20100101 Firefox/131.0',
      ];
      const send = async (ua: string, path: string) => {
        const res = await fetch(`${stack.apiUrl}/api/analytics/collect`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain', 'user-agent': ua },
          body: JSON.stringify({ site: site.tracking_code, name: 'pageview', url: `https://shop.example${path}`, referrer: 'https://news.ycombinator.com/item?id=1', width: 1280 }),
        });
        expect(res.status).toBe(202);
      };
      for (const ua of agents) await send(ua, '/pricing');
      await send(agents[0]!, '/');

      // The worker flushes the ingest buffer; the dashboard shows today's numbers from raw data.
      const deadline = Date.now() + 45_000;
      for (;;) {
        await page.goto(`/t/${teamId}/sites/${siteId}?range=today`);
        await page.getByTestId('stat-pageviews').waitFor();
        if ((await page.getByTestId('stat-pageviews').textContent()) === '4') break;
        if (Date.now() > deadline) throw new Error(`pageviews stayed at ${await page.getByTestId('stat-pageviews').textContent()}`);
        await page.waitForTimeout(1500);
      }
      expect(await page.getByTestId('stat-visitors').textContent()).toBe('3');
      await page.getByTestId('breakdown-page').getByRole('button', { name: '/pricing' }).waitFor();
      await shoot(page, 'site-dashboard');

      // Clicking a row filters the whole dashboard.
      await page.getByTestId('breakdown-page').getByRole('button', { name: '/pricing' }).click();
      await page.getByLabel('Active filters').getByText('/pricing').waitFor();
      await page.waitForFunction(() => document.querySelector('[data-testid=stat-pageviews]')?.textContent === '3');
      expect(Number(await page.getByTestId('realtime').locator('.tabular-nums').textContent())).toBeGreaterThanOrEqual(1);

      // Site settings: a bad time zone is refused inline, a rename shows at once.
      await page.getByLabel('Site time zone').fill('Mars/Olympus');
      await page.getByRole('button', { name: 'Save site' }).click();
      await page.getByText('must be an IANA time zone such as Europe/Berlin').waitFor();
      await page.getByLabel('Site time zone').fill('Europe/Berlin');
      await page.getByLabel('Site name').fill('Shop EU');
      await page.getByRole('button', { name: 'Save site' }).click();
      await page.getByRole('heading', { name: 'Shop EU' }).waitFor();
      expect((await stack.api.db.selectFrom('sites').select('timezone').where('id', '=', siteId).executeTakeFirstOrThrow()).timezone).toBe('Europe/Berlin');

      await page.goto(`/t/${teamId}/sites`);
      await page.getByTestId('site-list').getByText('Shop EU', { exact: true }).waitFor();
      await shoot(page, 'sites');
    } finally {
      await context.close();
    }
  }, 180_000);

  it('measures the monitors list with 500 monitors and the site dashboard with a year of data', async () => {
    const db = stack.api.db;
    const { user, teamId, siteId, target } = await seedPerfTeam(stack);
    // The first screen at 1280x800 shows 10 rows; their sparklines are drawn once these exist.
    const firstScreenSparklines = Array.from({ length: 10 }, (_, k) => `[data-testid=monitor-list] > li:nth-child(${k + 1}) svg[role=img] path`);
    const { context, page } = await newPage(stack);
    try {
      const apiGets: string[] = [];
      page.on('request', (r) => {
        if (r.method() === 'GET' && r.url().includes('/api/teams/')) apiGets.push(new URL(r.url()).pathname + new URL(r.url()).search);
      });
      await page.goto('/login');
      await page.getByLabel('Email').fill(user.email);
      await page.getByLabel('Password').fill(FACTORY_PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(/\/t\/\d+\/monitors$/);
      await page.locator('[data-testid=monitor-list] > li:nth-child(500)').waitFor({ timeout: 30_000 });
      for (const sel of firstScreenSparklines) await page.locator(sel).waitFor();
      // The visible rows' sparklines came in one batch request (not one request per row).
      const batches = apiGets.filter((u) => u.startsWith(`/api/teams/${teamId}/monitors/sparklines?ids=`));
      expect(apiGets.filter((u) => /\/monitors\/\d+\/checks/.test(u))).toEqual([]);
      expect(batches.length).toBeGreaterThanOrEqual(1);
      expect(batches.length).toBeLessThanOrEqual(2);
      const batchIds = batches.flatMap((u) => new URL(u, stack.webUrl).searchParams.get('ids')!.split(',').map(Number));
      expect(batchIds.length).toBeGreaterThanOrEqual(10);
      expect(batchIds.length).toBeLessThan(100);
      await shoot(page, 'monitors-500', false);

      // Cold loads in a fresh page of the signed-in context: refresh cookie -> token -> data.
      for (let run = 0; run < 3; run++) {
        timings.push(await measure(stack, context, `/t/${teamId}/monitors`, '[data-testid=monitor-list] > li:nth-child(500)', '/t/[teamId]/monitors (500 monitors)'));
        // Until the sparklines of the first screen (10 rows at 1280x800) are drawn.
        timings.push(await measure(stack, context, `/t/${teamId}/monitors`, firstScreenSparklines, '/t/[teamId]/monitors (500 monitors, first-screen sparklines)'));
        timings.push(await measure(stack, context, `/t/${teamId}/sites/${siteId}?range=12mo`, ['[data-testid=breakdown-page] li button', '[data-testid=breakdown-referrer] li button', '.recharts-surface path.recharts-area-area'], '/t/[teamId]/sites/[siteId] (12 months)'));
      }
      await page.goto(`/t/${teamId}/sites/${siteId}?range=12mo`);
      await page.locator('[data-testid=breakdown-page] li button').first().waitFor();
      expect(await page.getByTestId('stat-pageviews').textContent()).toMatch(/^\d+(\.\d)?[kM]$/);
      await page.locator('.recharts-surface').first().waitFor();
      // Compare (on by default): the previous year as a dashed line, over the same 53 weeks.
      const dashed = page.locator('.previous-period path.recharts-line-curve');
      await dashed.waitFor();
      expect(await dashed.getAttribute('stroke-dasharray')).toBe('5 4');
      expect(await page.getByTestId('chart-legend').textContent()).toContain('Previous period');
      await shoot(page, 'site-dashboard-year');
      await page.getByLabel('Compare to previous period').uncheck();
      await dashed.waitFor({ state: 'detached' });
      expect(await page.getByTestId('chart-legend').count()).toBe(0);
      await page.getByLabel('Compare to previous period').check();
      await dashed.waitFor();
      // Dark mode follows prefers-color-scheme when no theme was chosen.
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.reload();
      await page.locator('[data-testid=breakdown-page] li button').first().waitFor();
      expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(true);
      await page.locator('.recharts-surface').first().waitFor();
      await shoot(page, 'site-dashboard-dark');
      await page.goto(`/t/${teamId}/monitors`);
      await page.locator('[data-testid=monitor-list] > li:nth-child(500)').waitFor();
      await shoot(page, 'monitors-dark', false);
      // First-load JS of the other main routes (one cold load each; ready = its heading).
      const firstMonitor = (await db.selectFrom('monitors').select('id').where('team_id', '=', teamId).orderBy('id').executeTakeFirstOrThrow()).id;
      for (const [path, route] of [
        [`/t/${teamId}/monitors/${firstMonitor}`, '/t/[teamId]/monitors/[monitorId]'],
        [`/t/${teamId}/monitors/new`, '/t/[teamId]/monitors/new'],
        [`/t/${teamId}/incidents`, '/t/[teamId]/incidents'],
        [`/t/${teamId}/status-pages/new`, '/t/[teamId]/status-pages/new'],
        [`/t/${teamId}/sites`, '/t/[teamId]/sites'],
        [`/t/${teamId}/channels`, '/t/[teamId]/channels'],
        [`/account`, '/account'],
      ] as const) {
        timings.push(await measure(stack, context, path, 'main h1', route));
      }
      for (const path of ['/login', '/register']) timings.push(await measure(stack, await stack.browser.newContext({ baseURL: stack.webUrl }), path, 'form button[type=submit]'));
      console.log(JSON.stringify(timings, null, 1));
      // A sanity check only: the 1.5 s bar is held by `pnpm bench:dashboard` (timing thresholds
      // belong in benchmarks, SPEC 6), which loads the same dataset (perf-fixtures.ts).
      expect(timings.every((t) => t.ready_ms > 0 && t.js_transfer_kb > 0)).toBe(true);
    } finally {
      await context.close();
      await new Promise((r) => target.close(r));
    }
  }, 300_000);
});
