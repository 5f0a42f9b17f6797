import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, bearer, createTeam, createUser, FACTORY_PASSWORD, type TestUser } from '../../test/helpers';
import { createSecurityTestApp, mailsTo, type SecurityTestApp } from './test-support';

let t: SecurityTestApp;
beforeAll(async () => {
  t = await createSecurityTestApp();
});
afterAll(() => t.close());

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) => t.app.inject({ method: 'POST', url, payload: payload as object, headers });
const now = () => Math.floor(Date.now() / 1000);
const code = (secret: string, offsetSteps = 0) => generate({ secret, epoch: now() + offsetSteps * 30 });

/** Sets up and enables 2FA for `user`; returns the secret and the recovery codes. */
async function enable(user: TestUser) {
  const setup = await post('/api/auth/2fa/setup', {}, bearer(user));
  expect(setup.statusCode).toBe(200);
  const { secret, otpauth_url } = setup.json();
  // The code for the previous step, so the current one stays free for the test's next login.
  const res = await post('/api/auth/2fa/enable', { code: await code(secret, -1) }, bearer(user));
  expect(res.statusCode).toBe(200);
  return { secret: secret as string, otpauth_url: otpauth_url as string, recovery: res.json().recovery_codes as string[] };
}

async function loginStep1(user: TestUser) {
  const res = await post('/api/auth/login', { email: user.email, password: FACTORY_PASSWORD });
  expect(res.statusCode).toBe(200);
  return res.json();
}

describe('setup and enable', () => {
  it('returns a Base32 secret and an otpauth URI; the secret is stored encrypted; enabling returns ten recovery codes stored hashed', async () => {
    const user = await createUser(t, 'Totp');
    const setup = await post('/api/auth/2fa/setup', {}, bearer(user));
    const { secret, otpauth_url } = setup.json();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(otpauth_url);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toContain(user.email);
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('SentryPulse');
    let row = await t.db.selectFrom('users').select(['totp_secret_enc', 'totp_enabled_at']).where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.totp_secret_enc).toMatch(/^v1\./);
    expect(row.totp_secret_enc).not.toContain(secret);
    expect(row.totp_enabled_at).toBeNull();

    const wrong = await post('/api/auth/2fa/enable', { code: '000000' }, bearer(user));
    expect(wrong.statusCode).toBe(400);
    const malformed = await post('/api/auth/2fa/enable', { code: '12ab56' }, bearer(user));
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors[0].path).toBe('body.code');

    const ok = await post('/api/auth/2fa/enable', { code: await code(secret) }, bearer(user));
    expect(ok.statusCode).toBe(200);
    const codes: string[] = ok.json().recovery_codes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/);
    const stored = await t.db.selectFrom('recovery_codes').select('code_hash').where('user_id', '=', user.id).execute();
    expect(stored).toHaveLength(10);
    expect(JSON.stringify(stored)).not.toContain(codes[0]!.replace('-', ''));
    row = await t.db.selectFrom('users').select(['totp_secret_enc', 'totp_enabled_at']).where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.totp_enabled_at).not.toBeNull();
    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(user) });
    expect(me.json().user.two_factor_enabled).toBe(true);
    // A second setup while on would replace the authenticator silently: refused.
    expect((await post('/api/auth/2fa/setup', {}, bearer(user))).statusCode).toBe(409);
  });

  it('refuses enable before setup (409)', async () => {
    const user = await createUser(t, 'NoSetup');
    const res = await post('/api/auth/2fa/enable', { code: '123456' }, bearer(user));
    expect(res.statusCode).toBe(409);
  });
});

describe('two-step login', () => {
  it('login answers {mfa_required, mfa_token} without tokens or cookie; login/2fa with a code completes it', async () => {
    const user = await createUser(t, 'TwoStep');
    const { secret } = await enable(user);
    const res = await post('/api/auth/login', { email: user.email, password: FACTORY_PASSWORD });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json()).sort()).toEqual(['mfa_required', 'mfa_token']);
    expect(res.json().mfa_required).toBe(true);
    expect(res.cookies.find((c) => c.name === 'sp_refresh')).toBeUndefined();

    const done = await post('/api/auth/login/2fa', { mfa_token: res.json().mfa_token, code: await code(secret) });
    expect(done.statusCode).toBe(200);
    expect(done.json().user.id).toBe(user.id);
    expect(done.json().access_token.split('.')).toHaveLength(3);
    expect(done.cookies.find((c) => c.name === 'sp_refresh')?.httpOnly).toBe(true);

    // The mfa_token is single-use.
    const replay = await post('/api/auth/login/2fa', { mfa_token: res.json().mfa_token, code: await code(secret, 1) });
    expect(replay.statusCode).toBe(401);
  });

  it('a code is single-use within its window, and a previous-window code is refused once a later one was used', async () => {
    const user = await createUser(t, 'Replay');
    const { secret } = await enable(user); // used step now-1
    const previous = await code(secret, -1);
    const a = await loginStep1(user);
    const reusedEnable = await post('/api/auth/login/2fa', { mfa_token: a.mfa_token, code: previous });
    expect(reusedEnable.statusCode).toBe(401);
    const current = await code(secret);
    expect((await post('/api/auth/login/2fa', { mfa_token: a.mfa_token, code: current })).statusCode).toBe(200);
    const b = await loginStep1(user);
    const again = await post('/api/auth/login/2fa', { mfa_token: b.mfa_token, code: current });
    expect(again.statusCode).toBe(401);
    expect(again.json().detail).toMatch(/already used/);
    // Two steps away is outside the ±1 window.
    expect((await post('/api/auth/login/2fa', { mfa_token: b.mfa_token, code: await code(secret, 3) })).statusCode).toBe(401);
  });

  it('recovery codes work once each', async () => {
    const user = await createUser(t, 'Recovery');
    const { recovery } = await enable(user);
    const a = await loginStep1(user);
    // Case and dashes do not matter.
    const ok = await post('/api/auth/login/2fa', { mfa_token: a.mfa_token, recovery_code: recovery[0]!.toUpperCase() });
    expect(ok.statusCode).toBe(200);
    const b = await loginStep1(user);
    const reused = await post('/api/auth/login/2fa', { mfa_token: b.mfa_token, recovery_code: recovery[0] });
    expect(reused.statusCode).toBe(401);
    const used = await t.db.selectFrom('recovery_codes').select('used_at').where('user_id', '=', user.id).where('used_at', 'is not', null).execute();
    expect(used).toHaveLength(1);
    expect((await post('/api/auth/login/2fa', { mfa_token: b.mfa_token, recovery_code: recovery[1] })).statusCode).toBe(200);
  });

  it('refuses expired, tampered and malformed mfa tokens, and a body with both or neither factor', async () => {
    const user = await createUser(t, 'BadTicket');
    const { secret } = await enable(user);
    const a = await loginStep1(user);
    const tampered = await post('/api/auth/login/2fa', { mfa_token: `${a.mfa_token.slice(0, -1)}A`, code: await code(secret) });
    expect(tampered.statusCode).toBe(401);
    const both = await post('/api/auth/login/2fa', { mfa_token: a.mfa_token, code: '123456', recovery_code: 'abcde-12345' });
    expect(both.statusCode).toBe(400);
    const neither = await post('/api/auth/login/2fa', { mfa_token: a.mfa_token });
    expect(neither.statusCode).toBe(400);
    await t.db.updateTable('account_tokens').set({ expires_at: new Date(Date.now() - 1) }).where('user_id', '=', user.id).where('purpose', '=', 'mfa').execute();
    const expired = await post('/api/auth/login/2fa', { mfa_token: a.mfa_token, code: await code(secret) });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().detail).toMatch(/expired/);
    for (const r of [tampered, both, neither, expired]) expect(r.headers['content-type']).toMatch(/problem\+json/);
  });

  it('pauses an account after 5 wrong codes (429 with Retry-After), logged as security events', async () => {
    const user = await createUser(t, 'Brute');
    const { secret } = await enable(user);
    const a = await loginStep1(user);
    for (let i = 0; i < 5; i++) expect((await post('/api/auth/login/2fa', { mfa_token: a.mfa_token, code: '000000' })).statusCode).toBe(401);
    const paused = await post('/api/auth/login/2fa', { mfa_token: a.mfa_token, code: await code(secret) });
    expect(paused.statusCode).toBe(429);
    expect(Number(paused.headers['retry-after'])).toBeGreaterThan(0);
    const events = await t.db.selectFrom('security_events').select('event').where('user_id', '=', user.id).where('event', '=', 'mfa.code_failed').execute();
    expect(events).toHaveLength(5);
  });
});

describe('disable and regenerate', () => {
  it('disabling needs the password and a code; afterwards login is one step again', async () => {
    const user = await createUser(t, 'Disabler');
    const { secret } = await enable(user);
    const noPw = await post('/api/auth/2fa/disable', { password: 'wrong', code: await code(secret) }, bearer(user));
    expect(noPw.statusCode).toBe(403);
    const noCode = await post('/api/auth/2fa/disable', { password: FACTORY_PASSWORD }, bearer(user));
    expect(noCode.statusCode).toBe(400);
    const badCode = await post('/api/auth/2fa/disable', { password: FACTORY_PASSWORD, code: '000000' }, bearer(user));
    expect(badCode.statusCode).toBe(400);
    let row = await t.db.selectFrom('users').select('totp_enabled_at').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.totp_enabled_at).not.toBeNull();

    const ok = await post('/api/auth/2fa/disable', { password: FACTORY_PASSWORD, code: await code(secret) }, bearer(user));
    expect(ok.statusCode).toBe(204);
    row = await t.db.selectFrom('users').select('totp_enabled_at').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.totp_enabled_at).toBeNull();
    expect(await t.db.selectFrom('recovery_codes').select('id').where('user_id', '=', user.id).execute()).toHaveLength(0);
    const login = await post('/api/auth/login', { email: user.email, password: FACTORY_PASSWORD });
    expect(login.json().access_token).toBeTruthy();
    expect((await mailsTo(t, user.email)).some((m) => /Two-factor authentication was turned off/.test(m.subject ?? ''))).toBe(true);
  });

  it('new recovery codes replace the old ones', async () => {
    const user = await createUser(t, 'Regen');
    const { recovery } = await enable(user);
    const res = await post('/api/auth/2fa/recovery-codes', { password: FACTORY_PASSWORD, recovery_code: recovery[0] }, bearer(user));
    expect(res.statusCode).toBe(200);
    const fresh: string[] = res.json().recovery_codes;
    expect(fresh).toHaveLength(10);
    const a = await loginStep1(user);
    expect((await post('/api/auth/login/2fa', { mfa_token: a.mfa_token, recovery_code: recovery[1] })).statusCode).toBe(401);
    expect((await post('/api/auth/login/2fa', { mfa_token: a.mfa_token, recovery_code: fresh[0] })).statusCode).toBe(200);
  });
});

describe('team requires 2FA', () => {
  it('only the owner switches it, only with 2FA of their own; members without 2FA get 403 mfa-setup-required until they set it up', async () => {
    const owner = await createUser(t, 'Owner2fa');
    const admin = await createUser(t, 'Admin2fa');
    const member = await createUser(t, 'Member2fa');
    const teamId = await createTeam(t, owner, 'business');
    await addMember(t, teamId, admin, 'admin');
    await addMember(t, teamId, member, 'member');
    const put = (u: TestUser, on: boolean) => t.app.inject({ method: 'PUT', url: `/api/teams/${teamId}/security`, headers: bearer(u), payload: { require_2fa: on } });

    expect((await put(admin, true)).statusCode).toBe(403);
    const ownerWithout = await put(owner, true);
    expect(ownerWithout.statusCode).toBe(409);
    await enable(owner);
    const on = await put(owner, true);
    expect(on.statusCode).toBe(200);
    expect(on.json()).toEqual({ require_2fa: true, members_without_2fa: 2 });

    const blocked = await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/monitors`, headers: bearer(member) });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().type).toMatch(/mfa-setup-required$/);
    expect(blocked.json().setup_url).toBe('/account/security');
    // Account routes stay open, so the member can set 2FA up.
    await enable(member);
    const allowed = await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/monitors`, headers: bearer(member) });
    expect(allowed.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/security`, headers: bearer(owner) })).json().members_without_2fa).toBe(1);
    expect((await put(owner, false)).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/monitors`, headers: bearer(admin) })).statusCode).toBe(200);
  });
});

describe('logs', () => {
  it('never contain a TOTP secret, a code, a recovery code or an mfa token', async () => {
    const user = await createUser(t, 'Quiet');
    const { secret, recovery } = await enable(user);
    const a = await loginStep1(user);
    const c = await code(secret);
    await post('/api/auth/login/2fa', { mfa_token: a.mfa_token, code: c });
    const all = t.logs.join('\n');
    expect(all.length).toBeGreaterThan(1000);
    for (const s of [secret, a.mfa_token, ...recovery]) expect(all).not.toContain(s);
    expect(all).not.toContain(`"code":"${c}"`);
  });
});
