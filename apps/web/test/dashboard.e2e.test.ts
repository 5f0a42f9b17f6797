import { writeFileSync } from 'node:fs';
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
});
