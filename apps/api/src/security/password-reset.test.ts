import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, FACTORY_PASSWORD, type TestUser } from '../../test/helpers';
import { settleAccountWork } from './mail';
import { createSecurityTestApp, mailsTo, tokenMailedTo, type SecurityTestApp } from './test-support';

let t: SecurityTestApp;
beforeAll(async () => {
  t = await createSecurityTestApp();
});
afterAll(() => t.close());

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) => t.app.inject({ method: 'POST', url, payload: payload as object, headers });

async function login(email: string, password: string) {
  return post('/api/auth/login', { email, password });
}

async function requestReset(email: string) {
  const res = await post('/api/auth/password-reset', { email });
  expect(res.statusCode).toBe(202);
  return res;
}

async function resetToken(user: TestUser) {
  t.smtp.mails.length = 0;
  await requestReset(user.email);
  return tokenMailedTo(t, user.email, /Reset your SentryPulse password/);
}

function median(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return (s[Math.floor((s.length - 1) / 2)]! + s[Math.ceil((s.length - 1) / 2)]!) / 2;
}

describe('password reset request', () => {
  it('answers 202 with the same body for a known and an unknown address, and mails only the known one', async () => {
    const user = await createUser(t, 'Known');
    t.smtp.mails.length = 0;
    const known = await requestReset(user.email);
    const unknown = await requestReset('nobody-here@example.test');
    expect(known.json()).toEqual(unknown.json());
    expect(known.headers['content-length']).toBe(unknown.headers['content-length']);
    const mails = await mailsTo(t, user.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Reset your SentryPulse password');
    expect(mails[0]!.text).toMatch(/http:\/\/localhost:3000\/reset-password#token=[A-Za-z0-9_-]{43}/);
    expect(t.smtp.mails.filter((m) => JSON.stringify(m.to).includes('nobody-here'))).toHaveLength(0);
    // Stored hashed: the mailed token is nowhere in the table.
    const token = /#token=([A-Za-z0-9_-]+)/.exec(mails[0]!.text ?? '')![1]!;
    const rows = await t.db.selectFrom('account_tokens').selectAll().where('user_id', '=', user.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash.length).toBe(32);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows[0]!.expires_at.getTime() - Date.now()).toBeGreaterThan(59 * 60_000);
    expect(rows[0]!.expires_at.getTime() - Date.now()).toBeLessThanOrEqual(60 * 60_000);
  });

  it('takes the same time for known and unknown addresses (medians of 30 interleaved requests within 3 ms)', async () => {
    const user = await createUser(t, 'Timed');
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 30; i++) {
      for (const [email, into] of [
        [user.email, known],
        [`ghost${i}@example.test`, unknown],
      ] as const) {
        const start = process.hrtime.bigint();
        const res = await post('/api/auth/password-reset', { email });
        into.push(Number(process.hrtime.bigint() - start) / 1e6);
        expect(res.statusCode).toBe(202);
        await settleAccountWork(); // the deferred work of one request does not land in the next one's time
      }
    }
    const diff = Math.abs(median(known) - median(unknown));
    console.info(`password-reset timing: median known ${median(known).toFixed(2)} ms, unknown ${median(unknown).toFixed(2)} ms`);
    expect(diff, `median known ${median(known).toFixed(2)} ms, unknown ${median(unknown).toFixed(2)} ms`).toBeLessThan(3);
  });

  it('refuses a malformed address with a 400 problem', async () => {
    const res = await post('/api/auth/password-reset', { email: 'not-an-email' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.json().errors[0].path).toBe('body.email');
  });
});

describe('password reset confirm', () => {
  it('sets the new password, signs out every session, marks the address verified and mails a notice', async () => {
    const user = await createUser(t, 'Resetter');
    await t.db.updateTable('users').set({ email_verified_at: null }).where('id', '=', user.id).execute();
    const first = await login(user.email, FACTORY_PASSWORD);
    const second = await login(user.email, FACTORY_PASSWORD);
    expect(first.statusCode).toBe(200);
    const token = await resetToken(user);
    t.smtp.mails.length = 0;

    const res = await post('/api/auth/password-reset/confirm', { token, password: 'a brand new password' });
    expect(res.statusCode).toBe(204);

    for (const s of [first, second]) {
      const r = await post('/api/auth/refresh', { refresh_token: s.json().refresh_token });
      expect(r.statusCode).toBe(401);
    }
    expect((await login(user.email, FACTORY_PASSWORD)).statusCode).toBe(401);
    expect((await login(user.email, 'a brand new password')).statusCode).toBe(200);
    const row = await t.db.selectFrom('users').select('email_verified_at').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.email_verified_at).not.toBeNull();
    const notices = (await mailsTo(t, user.email)).filter((m) => m.subject === 'Your SentryPulse password was changed');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.text).toContain('Every session was signed out');
    const events = await t.db.selectFrom('security_events').select('event').where('user_id', '=', user.id).execute();
    expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['password_reset.requested', 'password_reset.completed']));
  });

  it('is single-use: a reused token answers 410 and changes nothing', async () => {
    const user = await createUser(t, 'Reuse');
    const token = await resetToken(user);
    expect((await post('/api/auth/password-reset/confirm', { token, password: 'first new password' })).statusCode).toBe(204);
    const again = await post('/api/auth/password-reset/confirm', { token, password: 'second new password' });
    expect(again.statusCode).toBe(410);
    expect(again.json().detail).toMatch(/already used/);
    expect((await login(user.email, 'first new password')).statusCode).toBe(200);
    expect((await login(user.email, 'second new password')).statusCode).toBe(401);
  });

  it('refuses an expired token (410), a tampered one (400) and a weak password (400), changing nothing', async () => {
    const user = await createUser(t, 'Expired');
    const token = await resetToken(user);
    const tampered = await post('/api/auth/password-reset/confirm', { token: `${token.slice(0, -2)}xx`, password: 'another good password' });
    expect(tampered.statusCode).toBe(400);
    expect(tampered.json().detail).toBe('This reset link is not valid.');
    expect(await t.db.selectFrom('security_events').select('id').where('event', '=', 'password_reset.bad_token').execute()).not.toHaveLength(0);
    const weak = await post('/api/auth/password-reset/confirm', { token, password: 'short' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().errors[0].path).toBe('body.password');
    const garbage = await post('/api/auth/password-reset/confirm', { token: 'x', password: 'another good password' });
    expect(garbage.statusCode).toBe(400);

    await t.db.updateTable('account_tokens').set({ expires_at: new Date(Date.now() - 1000) }).where('user_id', '=', user.id).execute();
    const expired = await post('/api/auth/password-reset/confirm', { token, password: 'another good password' });
    expect(expired.statusCode).toBe(410);
    expect(expired.json().detail).toMatch(/expired/);
    expect((await login(user.email, FACTORY_PASSWORD)).statusCode).toBe(200);
    for (const r of [tampered, weak, expired]) expect(r.body).not.toContain(token);
  });

  it('a newer link supersedes the older one', async () => {
    const user = await createUser(t, 'Twice');
    const older = await resetToken(user);
    const newer = await resetToken(user);
    expect((await post('/api/auth/password-reset/confirm', { token: older, password: 'older link password' })).statusCode).toBe(410);
    expect((await post('/api/auth/password-reset/confirm', { token: newer, password: 'newer link password' })).statusCode).toBe(204);
  });
});

describe('email verification', () => {
  async function register(email: string) {
    const res = await post('/api/auth/register', { name: 'Vera', email, password: 'long enough pw' });
    expect(res.statusCode).toBe(201);
    return res.json() as { access_token: string; user: { email_verified: boolean } };
  }

  it('mails a link on sign-up; me shows email_verified false, then true once the link is used', async () => {
    const session = await register('vera@example.test');
    expect(session.user.email_verified).toBe(false);
    const token = await tokenMailedTo(t, 'vera@example.test', /Confirm your email address/);
    const res = await post('/api/auth/verify-email', { token });
    expect(res.statusCode).toBe(204);
    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${session.access_token}` } });
    expect(me.json().user.email_verified).toBe(true);
    const reused = await post('/api/auth/verify-email', { token });
    expect(reused.statusCode).toBe(410);
    const tampered = await post('/api/auth/verify-email', { token: token.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) });
    expect(tampered.statusCode).toBe(400);
  });

  it('re-sends at most 3 times an hour (then 429 with Retry-After), and refuses when already verified', async () => {
    const session = await register('resend@example.test');
    const auth = { authorization: `Bearer ${session.access_token}` };
    for (let i = 0; i < 3; i++) expect((await post('/api/auth/verify-email/resend', {}, auth)).statusCode).toBe(202);
    const limited = await post('/api/auth/verify-email/resend', {}, auth);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const token = await tokenMailedTo(t, 'resend@example.test', /Confirm your email address/);
    expect((await post('/api/auth/verify-email', { token })).statusCode).toBe(204);
    const sent = (await mailsTo(t, 'resend@example.test')).filter((m) => /Confirm/.test(m.subject ?? ''));
    expect(sent).toHaveLength(4); // sign-up + 3 re-sends
    const verified = await post('/api/auth/verify-email/resend', {}, auth);
    expect(verified.statusCode).toBe(409);
  });

  it('changes the address only when the new one confirms, and tells the old one', async () => {
    const user = await createUser(t, 'Mover');
    const auth = { authorization: `Bearer ${user.token}` };
    const wrongPw = await t.app.inject({ method: 'PUT', url: '/api/auth/email', headers: auth, payload: { email: 'moved@example.test', password: 'wrong password' } });
    expect(wrongPw.statusCode).toBe(403);
    const res = await t.app.inject({ method: 'PUT', url: '/api/auth/email', headers: auth, payload: { email: 'Moved@Example.test', password: FACTORY_PASSWORD } });
    expect(res.statusCode).toBe(202);
    const warned = (await mailsTo(t, user.email)).filter((m) => /change of your SentryPulse email address/.test(m.subject ?? ''));
    expect(warned).toHaveLength(1);
    expect(warned[0]!.text).toContain('moved@example.test');
    let row = await t.db.selectFrom('users').select('email').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.email).toBe(user.email);

    const token = await tokenMailedTo(t, 'moved@example.test', /Confirm your email address/);
    expect((await post('/api/auth/verify-email', { token })).statusCode).toBe(204);
    row = await t.db.selectFrom('users').select('email').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.email).toBe('moved@example.test');
    const told = (await mailsTo(t, user.email)).filter((m) => /email address was changed/.test(m.subject ?? ''));
    expect(told).toHaveLength(1);
  });

  it('refuses a change to an address already registered (409), at the request and at the confirmation', async () => {
    const a = await createUser(t, 'Alpha');
    const b = await createUser(t, 'Beta');
    const taken = await t.app.inject({ method: 'PUT', url: '/api/auth/email', headers: { authorization: `Bearer ${a.token}` }, payload: { email: b.email, password: FACTORY_PASSWORD } });
    expect(taken.statusCode).toBe(409);
    // The address gets registered between the request and the click.
    const res = await t.app.inject({ method: 'PUT', url: '/api/auth/email', headers: { authorization: `Bearer ${a.token}` }, payload: { email: 'later@example.test', password: FACTORY_PASSWORD } });
    expect(res.statusCode).toBe(202);
    const token = await tokenMailedTo(t, 'later@example.test', /Confirm/);
    await register('later@example.test');
    const late = await post('/api/auth/verify-email', { token });
    expect(late.statusCode).toBe(409);
    const row = await t.db.selectFrom('users').select('email').where('id', '=', a.id).executeTakeFirstOrThrow();
    expect(row.email).toBe(a.email);
  });

  it('gates invitations: an unverified account cannot accept one (403), a verified one can', async () => {
    const owner = await createUser(t, 'Inviter');
    const teamRes = await t.db.insertInto('teams').values({ name: 'Inv team', owner_id: owner.id }).executeTakeFirstOrThrow();
    const teamId = Number(teamRes.insertId);
    await t.db.insertInto('team_users').values({ team_id: teamId, user_id: owner.id, role: 'owner' }).execute();
    const session = await register('invitee@example.test');
    const inv = await t.app.inject({
      method: 'POST',
      url: `/api/teams/${teamId}/invitations`,
      headers: { authorization: `Bearer ${owner.token}` },
      payload: { email: 'invitee@example.test', role: 'member' },
    });
    expect(inv.statusCode).toBe(201);
    const accept = () =>
      t.app.inject({ method: 'POST', url: `/api/invitations/${inv.json().token}/accept`, headers: { authorization: `Bearer ${session.access_token}` } });
    const refused = await accept();
    expect(refused.statusCode).toBe(403);
    expect(refused.json().type).toMatch(/email-not-verified$/);
    const token = await tokenMailedTo(t, 'invitee@example.test', /Confirm/);
    expect((await post('/api/auth/verify-email', { token })).statusCode).toBe(204);
    expect((await accept()).statusCode).toBe(200);
  });
});

describe('logs', () => {
  it('never contain a mailed token or a password', async () => {
    await settleAccountWork();
    const tokens = t.smtp.mails.flatMap((m) => [...(m.text ?? '').matchAll(/#token=([A-Za-z0-9_-]+)/g)].map((x) => x[1]!));
    expect(tokens.length).toBeGreaterThan(5);
    const all = t.logs.join('\n');
    expect(all.length).toBeGreaterThan(1000);
    for (const token of tokens) expect(all).not.toContain(token);
    for (const pw of ['a brand new password', 'long enough pw', FACTORY_PASSWORD]) expect(all).not.toContain(pw);
  });
});
