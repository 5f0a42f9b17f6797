import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createUser, FACTORY_PASSWORD, type TestUser } from '../../test/helpers';
import { describeDevice, truncateIp } from './client';
import { createSecurityTestApp, type SecurityTestApp } from './test-support';

let t: SecurityTestApp;
beforeAll(async () => {
  t = await createSecurityTestApp();
});
afterAll(() => t.close());

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

async function login(user: TestUser, ua: string, ip = '203.0.113.77') {
  const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email, password: FACTORY_PASSWORD }, headers: { 'user-agent': ua }, remoteAddress: ip });
  expect(res.statusCode).toBe(200);
  return res.json() as { access_token: string; refresh_token: string };
}

const asCookie = (refresh: string) => ({ cookie: `sp_refresh=${refresh}` });

describe('sessions', () => {
  it('lists each login with its device, truncated IP, created and last used, and marks the current one', async () => {
    const user = await createUser(t, 'Sessions');
    const laptop = await login(user, FIREFOX, '198.51.100.23');
    const phone = await login(user, IPHONE, '2001:db8:abcd:12::1');
    const res = await t.app.inject({ method: 'GET', url: '/api/auth/sessions', headers: { ...bearer(user), ...asCookie(laptop.refresh_token) } });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Array<{ id: string; device: string; ip: string; current: boolean; created_at: string; last_used_at: string }>;
    expect(items).toHaveLength(2);
    const byDevice = Object.fromEntries(items.map((i) => [i.device, i]));
    expect(byDevice['Firefox 128 on Linux']).toMatchObject({ ip: '198.51.100.0', current: true });
    expect(byDevice['Mobile Safari 17 on iOS']).toMatchObject({ ip: '2001:db8:abcd::', current: false });
    expect(JSON.stringify(items)).not.toContain(laptop.refresh_token);
    for (const i of items) expect(Date.parse(i.last_used_at)).toBeGreaterThanOrEqual(Date.parse(i.created_at));
    void phone;
  });

  it('refreshing moves last_used_at and keeps one session per login', async () => {
    const user = await createUser(t, 'Touch');
    const s = await login(user, FIREFOX);
    const before = (await t.db.selectFrom('sessions').select('last_used_at').where('user_id', '=', user.id).executeTakeFirstOrThrow()).last_used_at;
    await new Promise((r) => setTimeout(r, 20));
    const r = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: s.refresh_token } });
    expect(r.statusCode).toBe(200);
    const rows = await t.db.selectFrom('sessions').select('last_used_at').where('user_id', '=', user.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.last_used_at.getTime()).toBeGreaterThan(before.getTime());
  });

  it('revoking one session stops its refresh at once and leaves the others', async () => {
    const user = await createUser(t, 'RevokeOne');
    const a = await login(user, FIREFOX);
    const b = await login(user, IPHONE);
    const list = await t.app.inject({ method: 'GET', url: '/api/auth/sessions', headers: { ...bearer(user), ...asCookie(a.refresh_token) } });
    const other = (list.json().items as Array<{ id: string; current: boolean }>).find((i) => !i.current)!;
    const del = await t.app.inject({ method: 'DELETE', url: `/api/auth/sessions/${other.id}`, headers: bearer(user) });
    expect(del.statusCode).toBe(204);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: b.refresh_token } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: a.refresh_token } })).statusCode).toBe(200);
    const again = await t.app.inject({ method: 'DELETE', url: `/api/auth/sessions/${other.id}`, headers: bearer(user) });
    expect(again.statusCode).toBe(404);
  });

  it("cannot revoke another user's session (404), and refuses a malformed id (400)", async () => {
    const alice = await createUser(t, 'Alice');
    const mallory = await createUser(t, 'Mallory');
    const a = await login(alice, FIREFOX);
    const list = await t.app.inject({ method: 'GET', url: '/api/auth/sessions', headers: { ...bearer(alice), ...asCookie(a.refresh_token) } });
    const id = list.json().items[0].id as string;
    const res = await t.app.inject({ method: 'DELETE', url: `/api/auth/sessions/${id}`, headers: bearer(mallory) });
    expect(res.statusCode).toBe(404);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: a.refresh_token } })).statusCode).toBe(200);
    const bad = await t.app.inject({ method: 'DELETE', url: '/api/auth/sessions/not-a-session', headers: bearer(alice) });
    expect(bad.statusCode).toBe(400);
  });

  it('revoke-others keeps only the session of the cookie; without a cookie it is a 400', async () => {
    const user = await createUser(t, 'Others');
    const keep = await login(user, FIREFOX);
    const gone1 = await login(user, IPHONE);
    const gone2 = await login(user, 'curl/8.5.0');
    const noCookie = await t.app.inject({ method: 'POST', url: '/api/auth/sessions/revoke-others', headers: bearer(user) });
    expect(noCookie.statusCode).toBe(400);
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/sessions/revoke-others', headers: { ...bearer(user), ...asCookie(keep.refresh_token) } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ revoked: 2 });
    for (const g of [gone1, gone2]) expect((await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: g.refresh_token } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: keep.refresh_token } })).statusCode).toBe(200);
  });
});

describe('security events', () => {
  it("lists the caller's own events, newest first, with truncated IPs and no secrets", async () => {
    const user = await createUser(t, 'Events');
    const other = await createUser(t, 'Stranger');
    await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email, password: 'wrong password' }, remoteAddress: '198.51.100.9' });
    const s = await login(user, FIREFOX);
    const list = await t.app.inject({ method: 'GET', url: '/api/auth/sessions', headers: { ...bearer(user), ...asCookie(s.refresh_token) } });
    const mine = list.json().items[0].id as string;
    await t.app.inject({ method: 'POST', url: '/api/auth/sessions/revoke-others', headers: { ...bearer(user), ...asCookie(s.refresh_token) } });
    await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: other.email, password: 'wrong password' } });
    const res = await t.app.inject({ method: 'GET', url: '/api/auth/security-events', headers: bearer(user) });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Array<{ event: string; ip: string | null }>;
    expect(items.map((i) => i.event)).toEqual(['session.revoked_others', 'login.failed']);
    expect(items[1]!.ip).toBe('198.51.100.0');
    expect(res.body).not.toContain(mine);
    expect(res.body).not.toContain('wrong password');
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/security-events' })).statusCode).toBe(401);
  });
});

describe('client details', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0'],
    ['::ffff:192.0.2.9', '192.0.2.0'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1::'],
    ['not an ip', null],
    [null, null],
  ])('truncates %s to %s', (ip, out) => expect(truncateIp(ip)).toBe(out));

  it.each([
    [FIREFOX, 'Firefox 128 on Linux'],
    [IPHONE, 'Mobile Safari 17 on iOS'],
    ['curl/8.5.0', 'curl'],
    [null, 'Unknown device'],
  ])('names the device of %s', (ua, out) => expect(describeDevice(ua)).toBe(out));
});
