import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTeam, createUser, FACTORY_PASSWORD, startOidcProvider, type TestOidcProvider } from '@sentrypulse/api/testing';
import { newPage, shoot, startStack, type Stack } from './e2e-support';

let stack: Stack;
let idp: TestOidcProvider;

beforeAll(async () => {
  stack = await startStack();
  idp = await startOidcProvider({ redirectUri: `${stack.webUrl}/api/auth/sso/callback` });
}, 600_000);

afterAll(async () => {
  await idp?.close();
  await stack?.close();
}, 60_000);

describe('single sign-on in a real browser against a real OpenID provider', () => {
  it('the owner configures the provider in team settings; a new person signs in through the provider and lands in the team as a member', async () => {
    const owner = await createUser(stack.api, 'Owner');
    const teamId = await createTeam(stack.api, owner, 'business');
    await stack.api.db.updateTable('teams').set({ name: 'Acme SSO' }).where('id', '=', teamId).execute();

    // The owner, signed in with a password, fills the SSO card.
    const { page, context } = await newPage(stack);
    await page.goto('/login');
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(FACTORY_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/t\/\d+\/monitors$/);
    await page.goto(`/t/${teamId}/settings`);
    await page.getByLabel('Issuer URL').fill(idp.issuer);
    await page.getByLabel('Client ID').fill(idp.clientId);
    await page.getByLabel('Client secret').fill(idp.clientSecret);
    await page.getByRole('button', { name: 'Turn on single sign-on' }).click();
    await page.getByText('Saved: the provider answered its discovery document.').waitFor();
    await page.getByText(`${stack.webUrl}/api/auth/sso/callback`).waitFor();
    await shoot(page, 'team-sso-settings');
    await context.close();
    // The secret is stored encrypted and the API never returns it.
    const cfg = await fetch(`${stack.apiUrl}/api/teams/${teamId}/sso`, { headers: bearer(owner) });
    expect(await cfg.text()).not.toContain(idp.clientSecret);

    // A new person: the SSO page → the provider's login and consent → back in the team.
    const member = await newPage(stack);
    const m = member.page;
    await m.goto('/login');
    await m.getByRole('link', { name: 'Single sign-on' }).click();
    await m.waitForURL(/\/sso$/);
    await m.getByLabel('Team number').fill(String(teamId));
    await shoot(m, 'sso-start');
    await m.getByRole('button', { name: 'Continue to your provider' }).click();
    await m.waitForURL(new RegExp(`^${idp.issuer}/interaction/`));
    await m.locator('input[name="login"]').fill('grace');
    await m.locator('input[name="password"]').fill('anything');
    await m.getByRole('button', { name: 'Sign-in' }).click();
    await m.getByRole('button', { name: 'Continue' }).click();
    await m.waitForURL(new RegExp(`${stack.webUrl}/t/${teamId}/monitors$`));
    await m.getByTestId('current-team').getByText('Acme SSO').waitFor();
    await shoot(m, 'sso-landed');

    const user = await stack.api.db.selectFrom('users').select(['id', 'name', 'email_verified_at']).where('email', '=', 'grace@example.test').executeTakeFirstOrThrow();
    expect(user.name).toBe('grace (IdP)');
    expect(user.email_verified_at).not.toBeNull();
    const role = await stack.api.db.selectFrom('team_users').select('role').where('team_id', '=', teamId).where('user_id', '=', user.id).executeTakeFirstOrThrow();
    expect(role.role).toBe('member');
    const identity = await stack.api.db.selectFrom('sso_identities').select(['issuer', 'subject']).where('user_id', '=', user.id).executeTakeFirstOrThrow();
    expect(identity).toEqual({ issuer: idp.issuer, subject: 'grace' });
    await member.context.close();
  }, 180_000);
});
