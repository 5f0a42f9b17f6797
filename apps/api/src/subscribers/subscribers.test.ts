import { addressHash, confirmToken, manageToken, sha256Hex } from '@sentrypulse/db';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, teamWithRoles, type TestApp, type TestUser } from '../../test/helpers';
import { databaseFingerprint } from '../../test/tables';
import { insertMonitor } from '../public/fixtures';
import { SUBSCRIBE_LIMIT_PER_IP } from './service';

/** Every bad input of the subscriber routes: a clear 4xx problem, nothing stored, nothing queued. */
const KEY = randomBytes(32).toString('hex');
let t: TestApp;
let strict: TestApp;
let teamId: number;
let admin: TestUser;
let member: TestUser;
let slug: string;
let privateSlug: string;
let otherSlug: string;
let compA: number;
let ipSeq = 0;
/** A fresh client address per request, so the per-IP limit only bites where a test wants it. */
const ip = () => `10.1.${Math.floor(++ipSeq / 250)}.${ipSeq % 250}`;

async function page(app: TestApp, team: number, user: TestUser, body: object) {
  const res = await app.app.inject({ method: 'POST', url: `/api/teams/${team}/status-pages`, headers: bearer(user), payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: number; slug: string };
}

beforeAll(async () => {
  t = await createTestApp({ ENCRYPTION_KEY: KEY });
  strict = await createTestApp({ ENCRYPTION_KEY: KEY, OUTBOUND_ALLOW_PRIVATE: 'false' });
  ({ teamId, admin, member } = await teamWithRoles(t, 'business'));
  const mon = await insertMonitor(t.db, teamId, { status: 'up' });
  slug = (await page(t, teamId, admin, { slug: `pub-${randomBytes(3).toString('hex')}`, title: 'Public', is_public: true, components: [{ name: 'API', monitor_id: mon }] })).slug;
  privateSlug = (await page(t, teamId, admin, { slug: `priv-${randomBytes(3).toString('hex')}`, title: 'Private', is_public: false })).slug;
  otherSlug = (await page(t, teamId, admin, { slug: `other-${randomBytes(3).toString('hex')}`, title: 'Other', is_public: true })).slug;
  compA = (await t.app.inject({ method: 'GET', url: `/api/public/status-pages/${slug}` })).json().components[0].id;
  const s = await strict.app.inject({ method: 'POST', url: '/api/teams/0/status-pages' });
  expect(s.statusCode).toBe(401);
  const st = await teamWithRoles(strict, 'business');
  await page(strict, st.teamId, st.admin, { slug: 'strict-page', title: 'Strict', is_public: true });
});
afterAll(async () => {
  await Promise.all([t.close(), strict.close()]);
});

function subscribe(app: TestApp, pageSlug: string, payload: unknown, headers: Record<string, string> = {}, remoteAddress = ip()) {
  return app.app.inject({ method: 'POST', url: `/api/public/status-pages/${pageSlug}/subscribers`, payload: payload as object, headers, remoteAddress });
}

async function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; json(): any; body: string }, status: number, detail?: RegExp) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  if (detail) expect(res.json().detail).toMatch(detail);
}

describe('subscribe: the same 202 for every well-formed request', () => {
  it('answers identically for a new, a pending, an active and an unsubscribed address', async () => {
    const first = await subscribe(t, slug, { type: 'email', email: 'same@example.test' });
    const second = await subscribe(t, slug, { type: 'email', email: 'same@example.test' });
    const other = await subscribe(t, slug, { type: 'email', email: 'unknown@example.test' });
    await t.db.updateTable('status_page_subscribers').set({ status: 'active' }).where('address', '=', 'same@example.test').execute();
    const active = await subscribe(t, slug, { type: 'email', email: 'SAME@example.test' });
    for (const r of [first, second, other, active]) {
      expect(r.statusCode).toBe(202);
      expect(r.body).toBe(first.body);
    }
    const rows = await t.db.selectFrom('status_page_subscribers').select(['address', 'status']).where('address', 'in', ['same@example.test', 'unknown@example.test']).orderBy('id').execute();
    expect(rows).toEqual([
      { address: 'same@example.test', status: 'active' },
      { address: 'unknown@example.test', status: 'pending' },
    ]);
    // One opt-in message each: the repeat of a pending address within 10 minutes and the active one sent nothing more.
    const deliveries = await t.db.selectFrom('subscriber_deliveries').select('kind').execute();
    expect(deliveries.map((d) => d.kind)).toEqual(['subscription.confirm', 'subscription.confirm']);
  });
});

describe('subscribe: bad input is a 4xx problem and stores nothing', () => {
  const cases: Array<[string, () => Promise<{ statusCode: number; headers: Record<string, unknown>; json(): any; body: string }>, number, RegExp?]> = [
    ['an invalid email', () => subscribe(t, slug, { type: 'email', email: 'not-an-email' }), 400],
    ['an email with a url field', () => subscribe(t, slug, { type: 'email', email: 'a@example.test', url: 'https://x.example' }), 400],
    ['an unknown type', () => subscribe(t, slug, { type: 'sms', to: '+4912345' }), 400],
    ['an unknown component id', () => subscribe(t, slug, { type: 'email', email: 'c@example.test', component_ids: [999_999] }), 400, /not a component of this page/],
    ['a component of another page', () => subscribe(t, otherSlug, { type: 'email', email: 'c@example.test', component_ids: [compA] }), 400, /not a component of this page/],
    ['a private page', () => subscribe(t, privateSlug, { type: 'email', email: 'p@example.test' }), 404],
    ['a missing page', () => subscribe(t, 'no-such-page', { type: 'email', email: 'p@example.test' }), 404],
    ['a form body', () => t.app.inject({ method: 'POST', url: `/api/public/status-pages/${slug}/subscribers`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'type=email&email=f%40example.test', remoteAddress: ip() }), 415],
    ['a webhook URL with credentials', () => subscribe(t, slug, { type: 'webhook', url: 'https://user:pass@hooks.example.com/x' }), 400, /credentials/],
    ['a webhook URL that is not a URL', () => subscribe(t, slug, { type: 'webhook', url: 'hooks.example.com' }), 400],
    ['a javascript: URL', () => subscribe(t, slug, { type: 'slack', url: 'javascript:alert(1)' }), 400],
    ['a metadata address even with private allowed', () => subscribe(t, slug, { type: 'webhook', url: 'http://169.254.169.254/latest' }), 400, /metadata/],
    ['plain http without OUTBOUND_ALLOW_PRIVATE', () => subscribe(strict, 'strict-page', { type: 'webhook', url: 'http://hooks.example.com/x' }), 400, /https/],
    ['a loopback Slack URL', () => subscribe(strict, 'strict-page', { type: 'slack', url: 'https://127.0.0.1/services/x' }), 400, /loopback/],
    ['a private Discord URL (mapped IPv6)', () => subscribe(strict, 'strict-page', { type: 'discord', url: 'https://[::ffff:10.0.0.1]/api/webhooks/1/x' }), 400, /private/],
    ['localhost', () => subscribe(strict, 'strict-page', { type: 'webhook', url: 'https://localhost/hook' }), 400, /localhost/],
    ['an unresolvable host', () => subscribe(strict, 'strict-page', { type: 'webhook', url: 'https://no-such-host.invalid/hook' }), 400, /could not be resolved/],
  ];
  it.each(cases)('%s', async (_name, send, status, detail) => {
    const before = await databaseFingerprint(t.db);
    const beforeStrict = await databaseFingerprint(strict.db);
    await expectProblem(await send(), status, detail);
    expect(await databaseFingerprint(t.db)).toEqual(before);
    expect(await databaseFingerprint(strict.db)).toEqual(beforeStrict);
  });

  it(`refuses more than ${SUBSCRIBE_LIMIT_PER_IP} subscribe requests a minute from one IP with 429, storing nothing more`, async () => {
    const one = '10.200.0.1';
    const answers: number[] = [];
    for (let i = 0; i < SUBSCRIBE_LIMIT_PER_IP; i++) answers.push((await subscribe(t, slug, { type: 'email', email: `flood${i}@example.test` }, {}, one)).statusCode);
    expect(answers.every((s) => s === 202)).toBe(true);
    const before = await databaseFingerprint(t.db);
    for (let i = 0; i < 20; i++) {
      const res = await subscribe(t, slug, { type: 'email', email: `flood-more${i}@example.test` }, {}, one);
      await expectProblem(res, 429, /retry in/);
    }
    expect(await databaseFingerprint(t.db)).toEqual(before);
    // Another address is not affected.
    expect((await subscribe(t, slug, { type: 'email', email: 'elsewhere@example.test' })).statusCode).toBe(202);
  });
});

async function pendingSubscriber(address: string) {
  await subscribe(t, slug, { type: 'email', email: address });
  const row = await t.db.selectFrom('status_page_subscribers').selectAll().where('address', '=', address).executeTakeFirstOrThrow();
  return { row, confirm: confirmToken(Buffer.from(KEY, 'hex'), String(row.id), row.confirm_nonce!), manage: manageToken(Buffer.from(KEY, 'hex'), String(row.id), row.token_nonce) };
}

describe('confirm, unsubscribe, manage: bad tokens', () => {
  it('a reused confirm token is a 400, an expired one a 410; neither changes anything', async () => {
    const { confirm } = await pendingSubscriber('c1@example.test');
    expect((await t.app.inject({ method: 'POST', url: '/api/public/subscriptions/confirm', payload: { token: confirm } })).statusCode).toBe(200);
    let before = await databaseFingerprint(t.db);
    await expectProblem(await t.app.inject({ method: 'POST', url: '/api/public/subscriptions/confirm', payload: { token: confirm } }), 400);
    expect(await databaseFingerprint(t.db)).toEqual(before);

    const late = await pendingSubscriber('c2@example.test');
    await t.db.updateTable('status_page_subscribers').set({ confirm_expires_at: new Date(Date.now() - 1000) }).where('id', '=', late.row.id).execute();
    before = await databaseFingerprint(t.db);
    await expectProblem(await t.app.inject({ method: 'POST', url: '/api/public/subscriptions/confirm', payload: { token: late.confirm } }), 410, /expired/);
    expect(await databaseFingerprint(t.db)).toEqual(before);
    // A made-up token, and a missing one.
    await expectProblem(await t.app.inject({ method: 'POST', url: '/api/public/subscriptions/confirm', payload: { token: 'c1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } }), 400);
    await expectProblem(await t.app.inject({ method: 'POST', url: '/api/public/subscriptions/confirm', payload: {} }), 400);
    // The stored hash is the token's SHA-256, not the token.
    expect(late.row.confirm_token_hash).toBe(sha256Hex(late.confirm));
  });

  it("an unsubscribe token of another page is a 400 and unsubscribes nobody; a forged one too", async () => {
    const { row, manage } = await pendingSubscriber('u1@example.test');
    const before = await databaseFingerprint(t.db);
    await expectProblem(await t.app.inject({ method: 'POST', url: `/api/public/status-pages/${otherSlug}/unsubscribe`, payload: { token: manage } }), 400, /not valid for this status page/);
    const forged = `${row.id}.${'A'.repeat(32)}`;
    await expectProblem(await t.app.inject({ method: 'POST', url: `/api/public/status-pages/${slug}/unsubscribe`, payload: { token: forged } }), 400);
    await expectProblem(
      await t.app.inject({ method: 'POST', url: `/api/public/status-pages/${slug}/unsubscribe`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' }),
      400,
      /token is required/,
    );
    await expectProblem(await t.app.inject({ method: 'GET', url: `/api/public/status-pages/${otherSlug}/subscription?token=${encodeURIComponent(manage)}` }), 400);
    expect(await databaseFingerprint(t.db)).toEqual(before);
    // The right page: unsubscribed at once, then idempotent.
    for (let i = 0; i < 2; i++) {
      const ok = await t.app.inject({ method: 'POST', url: `/api/public/status-pages/${slug}/unsubscribe?token=${encodeURIComponent(manage)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
      expect(ok.statusCode).toBe(200);
    }
    const after = await t.db.selectFrom('status_page_subscribers').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ status: 'unsubscribed', address: null });
    expect(after.address_hash).toBe(addressHash(Buffer.from(KEY, 'hex'), 'email', 'u1@example.test'));
    // A later subscribe of that address goes through the opt-in again.
    expect((await subscribe(t, slug, { type: 'email', email: 'u1@example.test' })).statusCode).toBe(202);
    const again = await t.db.selectFrom('status_page_subscribers').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
    expect(again).toMatchObject({ status: 'pending', address: 'u1@example.test' });
    // The old link died with the unsubscribe (new token nonce).
    await expectProblem(await t.app.inject({ method: 'GET', url: `/api/public/status-pages/${slug}/subscription?token=${encodeURIComponent(manage)}` }), 400);
  });

  it('manage: shows a hint, never the address; changes components; refuses unknown ones', async () => {
    const { manage } = await pendingSubscriber('manage-me@example.test');
    const view = await t.app.inject({ method: 'GET', url: `/api/public/status-pages/${slug}/subscription?token=${encodeURIComponent(manage)}` });
    expect(view.statusCode).toBe(200);
    expect(view.json()).toMatchObject({ type: 'email', address_hint: 'm***@example.test', component_ids: null, components: [{ id: compA, name: 'API' }] });
    expect(view.body).not.toContain('manage-me');
    const put = await t.app.inject({ method: 'PUT', url: `/api/public/status-pages/${slug}/subscription`, payload: { token: manage, component_ids: [compA] } });
    expect(put.statusCode).toBe(200);
    expect(put.json().component_ids).toEqual([compA]);
    const before = await databaseFingerprint(t.db);
    await expectProblem(await t.app.inject({ method: 'PUT', url: `/api/public/status-pages/${slug}/subscription`, payload: { token: manage, component_ids: [424242] } }), 400);
    expect(await databaseFingerprint(t.db)).toEqual(before);
  });
});

describe('team routes', () => {
  it('members read, only admins remove or pause; bad cursors and ids are 400', async () => {
    const pageId = (await t.db.selectFrom('status_pages').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;
    const list = await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/status-pages/${pageId}/subscribers?limit=2`, headers: bearer(member) });
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toHaveLength(2);
    expect(list.json().next_cursor).toMatch(/^\d+$/);
    const next = await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/status-pages/${pageId}/subscribers?limit=2&cursor=${list.json().next_cursor}`, headers: bearer(member) });
    expect(next.json().items[0].id).not.toBe(list.json().items[0].id);
    const before = await databaseFingerprint(t.db);
    await expectProblem(await t.app.inject({ method: 'DELETE', url: `/api/teams/${teamId}/status-pages/${pageId}/subscribers/${list.json().items[0].id}`, headers: bearer(member) }), 403);
    await expectProblem(await t.app.inject({ method: 'PUT', url: `/api/teams/${teamId}/status-pages/${pageId}/notices`, headers: bearer(member), payload: { notices_paused: true } }), 403);
    await expectProblem(await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/status-pages/${pageId}/subscribers?cursor=abc`, headers: bearer(admin) }), 400);
    await expectProblem(await t.app.inject({ method: 'DELETE', url: `/api/teams/${teamId}/status-pages/${pageId}/subscribers/0x1`, headers: bearer(admin) }), 400);
    await expectProblem(await t.app.inject({ method: 'PUT', url: `/api/teams/${teamId}/status-pages/${pageId}/notices`, headers: bearer(admin), payload: { notices_paused: 'yes' } }), 400);
    await expectProblem(await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/subscriber-deliveries?kind=nope`, headers: bearer(admin) }), 400);
    expect(await databaseFingerprint(t.db)).toEqual(before);
  });

  it('the plan limits subscribers per page (403 limit-reached), and says which limit', async () => {
    const pageId = (await t.db.selectFrom('status_pages').select('id').where('slug', '=', otherSlug).executeTakeFirstOrThrow()).id;
    await t.db.updateTable('teams').set({ plan: 'free' }).where('id', '=', teamId).execute();
    const rows = Array.from({ length: 500 }, (_, i) => ({ team_id: teamId, status_page_id: pageId, type: 'email' as const, status: 'active' as const, address: `bulk${i}@example.test`, address_hash: `${i}`.padStart(64, 'b'), token_nonce: `${i}`.padStart(22, 'n') }));
    await t.db.insertInto('status_page_subscribers').values(rows).execute();
    const before = await databaseFingerprint(t.db);
    const res = await subscribe(t, otherSlug, { type: 'email', email: 'one-too-many@example.test' });
    await expectProblem(res, 403, /free plan allows 500/);
    expect(res.json()).toMatchObject({ limit: 'subscribers_per_page', max: 500 });
    expect(await databaseFingerprint(t.db)).toEqual(before);
    await t.db.updateTable('teams').set({ plan: 'business' }).where('id', '=', teamId).execute();
  });
});
