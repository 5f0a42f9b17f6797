import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers';
import { signAccessToken } from './tokens';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function register(email: string, password = 'long enough pw', name = 'Ada') {
  return t.app.inject({ method: 'POST', url: '/api/auth/register', payload: { name, email, password } });
}

function refreshCookie(res: { cookies: Array<{ name: string; value: string }> }) {
  return res.cookies.find((c) => c.name === 'sp_refresh');
}

async function userCount() {
  const row = await t.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('register', () => {
  it('creates the user, a personal team they own, and a session', async () => {
    const res = await register('Ada@Example.com');
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.user).toMatchObject({ name: 'Ada', email: 'ada@example.com' });
    expect(body.team).toMatchObject({ name: "Ada's team", role: 'owner', plan: 'free' });
    expect(body.expires_in).toBe(900);
    expect(body.access_token.split('.')).toHaveLength(3);
    const stored = await t.db.selectFrom('users').select('password_hash').where('email', '=', 'ada@example.com').executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^\$2[aby]\$12\$/);
  });

  it('sets the refresh cookie httpOnly, SameSite=Strict, scoped to /api/auth', async () => {
    const res = await register('cookie@example.com');
    const cookie = refreshCookie(res)!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/auth' });
    expect(cookie.value).toBe(res.json().refresh_token);
  });

  it('answers 409 for a duplicate email, whatever its case, and creates nothing', async () => {
    await register('dup@example.com');
    const before = await userCount();
    const res = await register('DUP@example.com');
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 409, detail: expect.stringContaining('already exists') });
    expect(await userCount()).toBe(before);
  });

  const bad: Array<[string, unknown, string]> = [
    ['an invalid email', { name: 'A', email: 'not-an-email', password: 'long enough pw' }, 'body.email'],
    ['a short password', { name: 'A', email: 'short@example.com', password: 'short' }, 'body.password'],
    ['a missing name', { email: 'noname@example.com', password: 'long enough pw' }, 'body.name'],
    ['an empty name', { name: '  ', email: 'empty@example.com', password: 'long enough pw' }, 'body.name'],
    ['an extra field', { name: 'A', email: 'extra@example.com', password: 'long enough pw', role: 'owner' }, 'body'],
    ['an oversized name', { name: 'x'.repeat(101), email: 'big@example.com', password: 'long enough pw' }, 'body.name'],
    ['a password over 72 bytes', { name: 'A', email: 'long@example.com', password: 'é'.repeat(40) }, 'body.password'],
    ['a number for email', { name: 'A', email: 42, password: 'long enough pw' }, 'body.email'],
  ];
  it.each(bad)('rejects %s with a 400 naming the field and stores nothing', async (_label, payload, path) => {
    const before = await userCount();
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/register', payload: payload as object });
    expect(res.statusCode).toBe(400);
    const problem = res.json();
    expect(problem).toMatchObject({ status: 400, title: 'Validation failed' });
    expect(problem.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await userCount()).toBe(before);
  });

  it('rejects malformed JSON, a wrong content type and an empty JSON body', async () => {
    const before = await userCount();
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": "A", "email":',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().detail).toBe('The body is not valid JSON.');

    const form = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'name=A&email=a%40b.c&password=longenoughpw',
    });
    expect(form.statusCode).toBe(415);

    const text = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify({ name: 'A', email: 'txt@example.com', password: 'long enough pw' }),
    });
    expect(text.statusCode).toBe(415);
    expect(text.json().type).toContain('unsupported-media-type');

    const empty = await t.app.inject({ method: 'POST', url: '/api/auth/register', headers: { 'content-type': 'application/json' }, payload: '' });
    expect(empty.statusCode).toBe(400);
    expect(await userCount()).toBe(before);
  });

  it('answers 413 for a 1 MB body and stores nothing', async () => {
    const before = await userCount();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'A', email: 'huge@example.com', password: 'x'.repeat(1024 * 1024) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ status: 413, title: 'Payload too large' });
    expect(await userCount()).toBe(before);
  });
});

describe('login', () => {
  it('returns a session with the first team', async () => {
    await register('login@example.com', 'the right password');
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'LOGIN@example.com', password: 'the right password' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().team).toMatchObject({ role: 'owner' });
    expect(refreshCookie(res)).toBeDefined();
  });

  it('answers the same 401 for a wrong password and an unknown email', async () => {
    await register('wrong@example.com', 'the right password');
    const wrong = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'wrong@example.com', password: 'nope nope' } });
    const unknown = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'ghost@example.com', password: 'nope nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().detail).toBe(unknown.json().detail);
  });
});

describe('access tokens', () => {
  it('me answers with the user and their teams', async () => {
    const reg = (await register('me@example.com')).json();
    const res = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${reg.access_token}` } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ user: reg.user, teams: [reg.team] });
  });

  it('rejects missing, expired, tampered and wrong-secret tokens with 401', async () => {
    const reg = (await register('jwt@example.com')).json();
    const id = reg.user.id;
    const expired = jwt.sign({ typ: 'access' }, t.config.jwtSecret, {
      subject: String(id),
      expiresIn: -10,
      issuer: 'sentrypulse',
      audience: 'sentrypulse-api',
    });
    const [h, p, s] = reg.access_token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), sub: '999' })).toString('base64url');
    const tampered = `${h}.${forgedPayload}.${s}`;
    const wrongSecret = signAccessToken('another-secret-that-is-long-enough-000000', id);
    const none = jwt.sign({ typ: 'access', sub: String(id) }, '', { algorithm: 'none' as never });
    for (const token of [expired, tampered, wrongSecret, none, 'garbage']) {
      const res = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
    const missing = await t.app.inject({ method: 'GET', url: '/api/auth/me' });
    expect(missing.statusCode).toBe(401);
  });
});

describe('refresh rotation', () => {
  it('rotates on every use; re-using a rotated token revokes the whole family', async () => {
    const first = (await register('rotate@example.com')).json().refresh_token;
    const r1 = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: first } });
    expect(r1.statusCode).toBe(200);
    const second = r1.json().refresh_token;
    expect(second).not.toBe(first);

    // An attacker replays the first token: rejected, and the legitimate successor dies with it.
    const replay = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: first } });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().detail).toContain('already used');
    const successor = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: second } });
    expect(successor.statusCode).toBe(401);
  });

  it('revoking one family leaves other logins alive', async () => {
    await register('families@example.com', 'the right password');
    const login = () => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'families@example.com', password: 'the right password' } });
    const a = (await login()).json().refresh_token;
    const b = (await login()).json().refresh_token;
    await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: a } });
    await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: a } }); // reuse
    const other = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: b } });
    expect(other.statusCode).toBe(200);
  });

  it('two concurrent uses of one token yield exactly one winner', async () => {
    const token = (await register('race@example.com')).json().refresh_token;
    const results = await Promise.all(
      [0, 1, 2].map(() => t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: token } })),
    );
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
  });

  it('accepts the cookie only with a JSON body or X-Requested-With', async () => {
    const reg = await register('cookie-csrf@example.com');
    const cookie = refreshCookie(reg)!.value;
    const bare = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', cookies: { sp_refresh: cookie } });
    expect(bare.statusCode).toBe(400);
    const form = await t.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      cookies: { sp_refresh: cookie },
      headers: { 'content-type': 'text/plain' },
      payload: 'x',
    });
    expect(form.statusCode).toBe(415);
    // Neither attempt consumed the token:
    const json = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', cookies: { sp_refresh: cookie }, payload: {} });
    expect(json.statusCode).toBe(200);
    const xhr = await t.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      cookies: { sp_refresh: refreshCookie(json)!.value },
      headers: { 'x-requested-with': 'fetch' },
    });
    expect(xhr.json()).toMatchObject({ user: expect.any(Object) });
    expect(xhr.statusCode).toBe(200);
  });

  it('rejects an unknown token and an expired one', async () => {
    const unknown = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: 'nope' } });
    expect(unknown.statusCode).toBe(401);
    const token = (await register('expired-refresh@example.com')).json().refresh_token;
    await t.db.updateTable('refresh_tokens').set({ expires_at: new Date(Date.now() - 1000) }).where('revoked_at', 'is', null).where('used_at', 'is', null).execute();
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: token } });
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toContain('expired');
  });
});

describe('logout and password change', () => {
  it('logout revokes this login only; logout everywhere revokes all', async () => {
    await register('logout@example.com', 'the right password');
    const login = () => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'logout@example.com', password: 'the right password' } });
    const a = (await login()).json().refresh_token;
    const b = (await login()).json().refresh_token;
    const c = (await login()).json().refresh_token;
    const out = await t.app.inject({ method: 'POST', url: '/api/auth/logout', payload: { refresh_token: a } });
    expect(out.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: a } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: b } })).statusCode).toBe(200);
    await t.app.inject({ method: 'POST', url: '/api/auth/logout', payload: { refresh_token: c, everywhere: true } });
    const after = await t.db
      .selectFrom('refresh_tokens as r')
      .innerJoin('users as u', 'u.id', 'r.user_id')
      .select('r.revoked_at')
      .where('u.email', '=', 'logout@example.com')
      .execute();
    expect(after.every((r) => r.revoked_at !== null)).toBe(true);
  });

  it('changing the password revokes every refresh token and needs the current one', async () => {
    const reg = (await register('pw@example.com', 'old password 1')).json();
    const auth = { authorization: `Bearer ${reg.access_token}` };
    const wrong = await t.app.inject({ method: 'PUT', url: '/api/auth/password', headers: auth, payload: { current_password: 'nope', new_password: 'new password 2' } });
    expect(wrong.statusCode).toBe(401);
    const short = await t.app.inject({ method: 'PUT', url: '/api/auth/password', headers: auth, payload: { current_password: 'old password 1', new_password: 'short' } });
    expect(short.statusCode).toBe(400);
    const ok = await t.app.inject({ method: 'PUT', url: '/api/auth/password', headers: auth, payload: { current_password: 'old password 1', new_password: 'new password 2' } });
    expect(ok.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: reg.refresh_token } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: ok.json().refresh_token } })).statusCode).toBe(200);
    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'pw@example.com', password: 'new password 2' } });
    expect(login.statusCode).toBe(200);
  });
});
