import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, bearer, createTeam, createUser, FACTORY_PASSWORD, type TestUser } from '../../test/helpers';
import { startFakeOidc, type FakeIdToken, type FakeOidc } from '../../test/fake-oidc';
import { createSecurityTestApp, type SecurityTestApp } from '../security/test-support';

let t: SecurityTestApp;
let op: FakeOidc;
let owner: TestUser;
let admin: TestUser;
let teamId: number;

beforeAll(async () => {
  [t, op] = await Promise.all([createSecurityTestApp(), startFakeOidc()]);
  owner = await createUser(t, 'SsoOwner');
  admin = await createUser(t, 'SsoAdmin');
  teamId = await createTeam(t, owner, 'business');
  await addMember(t, teamId, admin, 'admin');
});
afterAll(async () => {
  await t.close();
  await op.close();
});

const config = (over: Record<string, unknown> = {}) => ({ issuer: op.issuer, client_id: op.clientId, client_secret: op.clientSecret, ...over });
const put = (u: TestUser, body: unknown) => t.app.inject({ method: 'PUT', url: `/api/teams/${teamId}/sso`, headers: bearer(u), payload: body as object });

/** The whole redirect flow with the fake provider returning `token`; answers the callback's response. */
async function signIn(token: FakeIdToken) {
  const start = await t.app.inject({ method: 'GET', url: `/api/auth/sso/${teamId}/start` });
  expect(start.statusCode).toBe(302);
  const query = op.authorize(start.headers.location as string, token);
  return t.app.inject({ method: 'GET', url: `/api/auth/sso/callback${query}` });
}

async function membersCount() {
  const r = await t.db.selectFrom('team_users').select((eb) => eb.fn.countAll<number>().as('n')).where('team_id', '=', teamId).executeTakeFirstOrThrow();
  return Number(r.n);
}

describe('team SSO configuration', () => {
  it('only the owner configures it; the provider is discovered; the secret is stored encrypted and never returned', async () => {
    expect((await put(admin, config())).statusCode).toBe(403);
    // Not configured yet: an answer, not a 404 (the settings page reads it on every visit).
    const none = await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/sso`, headers: bearer(owner) });
    expect([none.statusCode, none.json()]).toEqual([200, null]);
    const res = await put(owner, config({ default_role: 'member' }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      issuer: op.issuer,
      client_id: op.clientId,
      client_secret_set: true,
      default_role: 'member',
      sso_required: false,
      enabled: true,
      redirect_uri: 'http://localhost:3000/api/auth/sso/callback',
      login_url: `http://localhost:3000/api/auth/sso/${teamId}/start`,
    });
    expect(res.body).not.toContain(op.clientSecret);
    const row = await t.db.selectFrom('team_sso').select('client_secret_enc').where('team_id', '=', teamId).executeTakeFirstOrThrow();
    expect(row.client_secret_enc).toMatch(/^v1\./);
    expect(row.client_secret_enc).not.toContain(op.clientSecret);
    const get = await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/sso`, headers: bearer(owner) });
    expect(get.json().client_secret_set).toBe(true);
    expect(get.body).not.toContain(op.clientSecret);
  });

  it('refuses an issuer whose discovery fails (400) and a malformed one (400), keeping the working configuration', async () => {
    const dead = await put(owner, config({ issuer: 'http://127.0.0.1:9/nothing' }));
    expect(dead.statusCode).toBe(400);
    expect(dead.json().detail).toMatch(/Discovery at http:\/\/127\.0\.0\.1:9\/nothing/);
    const bad = await put(owner, config({ issuer: 'ftp://example.test' }));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('body.issuer');
    const row = await t.db.selectFrom('team_sso').select('issuer').where('team_id', '=', teamId).executeTakeFirstOrThrow();
    expect(row.issuer).toBe(op.issuer);
  });
});

describe('SSO sign-in', () => {
  it('redirects with PKCE (S256), state and nonce, then creates a verified account with the default role and a session', async () => {
    const start = await t.app.inject({ method: 'GET', url: `/api/auth/sso/${teamId}/start` });
    const loc = new URL(start.headers.location as string);
    expect(loc.origin + loc.pathname).toBe(`${op.issuer}/authorize`);
    expect(loc.searchParams.get('code_challenge_method')).toBe('S256');
    expect(loc.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(loc.searchParams.get('state')).toBeTruthy();
    expect(loc.searchParams.get('nonce')).toBeTruthy();
    expect(loc.searchParams.get('scope')).toBe('openid email profile');

    const before = await membersCount();
    const res = await signIn({ sub: 'idp-user-1', email: 'New.Person@Example.test', email_verified: true, name: 'New Person' });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe(`http://localhost:3000/t/${teamId}/monitors`);
    const cookie = res.cookies.find((c) => c.name === 'sp_refresh')!;
    expect(cookie.httpOnly).toBe(true);
    const user = await t.db.selectFrom('users').select(['id', 'name', 'email_verified_at']).where('email', '=', 'new.person@example.test').executeTakeFirstOrThrow();
    expect(user.name).toBe('New Person');
    expect(user.email_verified_at).not.toBeNull();
    const member = await t.db.selectFrom('team_users').select('role').where('team_id', '=', teamId).where('user_id', '=', user.id).executeTakeFirstOrThrow();
    expect(member.role).toBe('member');
    expect(await membersCount()).toBe(before + 1);
    const refreshed = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: cookie.value } });
    expect(refreshed.json().user.email).toBe('new.person@example.test');

    // The next sign-in finds the account by (issuer, subject), even with another email.
    const again = await signIn({ sub: 'idp-user-1', email: 'renamed@example.test', email_verified: true });
    expect(again.statusCode).toBe(302);
    expect(await t.db.selectFrom('users').select('id').where('email', '=', 'renamed@example.test').executeTakeFirst()).toBeUndefined();
  });

  it('links an existing account by its verified email and keeps its role', async () => {
    const res = await signIn({ sub: 'idp-admin', email: admin.email, email_verified: true });
    expect(res.statusCode).toBe(302);
    const link = await t.db.selectFrom('sso_identities').select('user_id').where('subject', '=', 'idp-admin').executeTakeFirstOrThrow();
    expect(link.user_id).toBe(admin.id);
    const role = await t.db.selectFrom('team_users').select('role').where('team_id', '=', teamId).where('user_id', '=', admin.id).executeTakeFirstOrThrow();
    expect(role.role).toBe('admin');
  });

  it('refuses an email the provider did not verify (403), creating nothing', async () => {
    const before = await membersCount();
    const res = await signIn({ sub: 'idp-unverified', email: 'unverified-idp@example.test', email_verified: false });
    expect(res.statusCode).toBe(403);
    expect(await t.db.selectFrom('users').select('id').where('email', '=', 'unverified-idp@example.test').executeTakeFirst()).toBeUndefined();
    expect(await membersCount()).toBe(before);
  });

  it.each<[string, Partial<FakeIdToken>, RegExp]>([
    ['a wrong audience', { aud: 'someone-else' }, /aud/],
    ['a wrong issuer', { iss: 'https://evil.example.test' }, /iss/],
    ['a wrong nonce', { nonce: 'not-the-nonce' }, /nonce/],
    ['an expired token', { exp: Math.floor(Date.now() / 1000) - 600 }, /exp/],
    ['a signature by a key not in the JWKS', { foreignKey: true }, /signature|key|JWS/i],
  ])('refuses an id_token with %s (401 sso-failed), creating nothing', async (_what, bend, why) => {
    const email = `bent-${Math.random().toString(36).slice(2)}@example.test`;
    const before = await membersCount();
    const res = await signIn({ sub: `bent-${email}`, email, email_verified: true, ...bend });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.json().type).toMatch(/sso-failed$/);
    expect(res.json().detail).toMatch(why);
    expect(res.cookies.find((c) => c.name === 'sp_refresh')).toBeUndefined();
    expect(await t.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()).toBeUndefined();
    expect(await membersCount()).toBe(before);
  });

  it('refuses a state it did not issue, a reused state and a missing one (400)', async () => {
    const start = await t.app.inject({ method: 'GET', url: `/api/auth/sso/${teamId}/start` });
    const query = op.authorize(start.headers.location as string, { sub: 'state-user', email: 'state@example.test', email_verified: true });
    const forged = query.replace(/state=[^&]+/, 'state=forged-state-value');
    expect((await t.app.inject({ method: 'GET', url: `/api/auth/sso/callback${forged}` })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/sso/callback?code=abc' })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: `/api/auth/sso/callback${query}` })).statusCode).toBe(302);
    const reused = await t.app.inject({ method: 'GET', url: `/api/auth/sso/callback${query}` });
    expect(reused.statusCode).toBe(400);
    expect(reused.json().detail).toMatch(/unknown, expired or already used/);
  });

  it('answers 404 for a team without SSO (or a disabled one)', async () => {
    const other = await createTeam(t, await createUser(t, 'NoSso'));
    expect((await t.app.inject({ method: 'GET', url: `/api/auth/sso/${other}/start` })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/sso/abc/start' })).statusCode).toBe(400);
  });
});

describe('SSO required', () => {
  it("refuses members' password sign-in (403 sso-required with the team's SSO link); the owner keeps the password", async () => {
    expect((await put(owner, config({ client_secret: undefined, sso_required: true }))).statusCode).toBe(200);
    const login = (u: TestUser) => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: u.email, password: FACTORY_PASSWORD } });
    const refused = await login(admin);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().type).toMatch(/sso-required$/);
    expect(refused.json().sso_url).toBe(`http://localhost:3000/api/auth/sso/${teamId}/start`);
    expect((await login(owner)).statusCode).toBe(200);
    // The kept secret still works (client_secret omitted above).
    expect((await signIn({ sub: 'idp-admin', email: admin.email, email_verified: true })).statusCode).toBe(302);
    expect((await put(owner, config({ sso_required: false }))).statusCode).toBe(200);
    expect((await login(admin)).statusCode).toBe(200);
  });
});

describe('SSRF guard', () => {
  it('refuses an issuer on a private address when OUTBOUND_ALLOW_PRIVATE is off, and plain http', async () => {
    const strict = await createSecurityTestApp({ OUTBOUND_ALLOW_PRIVATE: 'false' });
    try {
      const o = await createUser(strict, 'Strict');
      const team = await createTeam(strict, o);
      const https = await strict.app.inject({ method: 'PUT', url: `/api/teams/${team}/sso`, headers: bearer(o), payload: config({ issuer: op.issuer.replace('http:', 'https:') }) });
      expect(https.statusCode).toBe(400);
      expect(https.json().detail).toMatch(/may not be reached/);
      const http = await strict.app.inject({ method: 'PUT', url: `/api/teams/${team}/sso`, headers: bearer(o), payload: config() });
      expect(http.statusCode).toBe(400);
      expect(http.json().detail).toMatch(/https/);
    } finally {
      await strict.close();
    }
  });
});

describe('logs', () => {
  it('never contain the client secret, an authorization code or an id_token', async () => {
    const all = t.logs.join('\n');
    expect(all).not.toContain(op.clientSecret);
    expect(all).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\./);
  });
});
