import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measure, newPage, shoot, SHOTS_DIR, startStack, type PageTiming, type Stack } from './e2e-support';

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

    // Create a second team from the switcher.
    await page.goto('/teams/new');
    await page.getByLabel('Team name').fill('Acme Ops');
    await page.getByRole('button', { name: 'Create team' }).click();
    await page.waitForURL(/\/t\/\d+\/monitors$/);
    const teamId = Number(/\/t\/(\d+)\//.exec(page.url())![1]);
    await page.getByTestId('current-team').getByText('Acme Ops').waitFor();

    // Invite a member.
    await page.goto(`/t/${teamId}/settings`);
    await page.getByLabel('Email').fill('max@example.test');
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
    const { context, page } = await newPage(stack);
    try {
      const teamId = await registerInUi(page, 'Pat Ops', 'pat@example.test');
      await page.getByRole('heading', { name: 'No monitors yet' }).waitFor();
      await shoot(page, 'monitors-empty');

      // Business plan: 10-second intervals are allowed.
      await page.goto(`/t/${teamId}/settings`);
      await page.getByRole('button', { name: 'Switch to business' }).click();
      await page.getByText('Only the owner can change the plan.').or(page.getByRole('button', { name: 'Switch to free' })).first().waitFor();

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
      await page.getByLabel('Status').selectOption('identified');
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

      // Recovery resolves the incident.
      target.setHealthy(true);
      await page.goto(`/t/${teamId}/monitors/${monitorId}`);
      await page.getByRole('button', { name: 'Check now' }).click();
      await page.getByTestId('monitor-detail-status').getByText('Up', { exact: true }).waitFor({ timeout: 40_000 });
      await page.goto(`/t/${teamId}/monitors`);
      await page.getByTestId('monitor-list').getByText('Checkout API').waitFor();
      await shoot(page, 'monitors');

      // The other main pages, for the screenshots.
      await page.goto(`/t/${teamId}/maintenance`);
      await page.getByRole('heading', { name: 'Maintenance windows' }).waitFor();
      await shoot(page, 'maintenance');
      await page.goto(`/t/${teamId}/channels`);
      await page.getByRole('heading', { name: 'Notifications' }).waitFor();
      await shoot(page, 'channels');
    } finally {
      await context.close();
      await new Promise((r) => target.server.close(r));
    }
  }, 300_000);
});
