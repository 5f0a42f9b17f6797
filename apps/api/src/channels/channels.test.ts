import { decryptSecrets } from '@sentrypulse/db';
import { loadConfig } from '@sentrypulse/shared/config';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeWorkerContext, createWorkerContext, type WorkerContext } from '@sentrypulse/worker/testing';
import type { RunningModule } from '@sentrypulse/worker/testing';
import { notifyModule } from '@sentrypulse/worker/testing';
import { startFakeTelegram, startWebhookReceiver, type FakeServer, type WebhookReceiver } from '@sentrypulse/worker/testing';
import { bearer, createTeam, createTestApp, createUser, teamWithRoles, type TestApp, type TestUser } from '../../test/helpers';
import { databaseFingerprint } from '../../test/tables';
import { maskSecret, webhookUrlProblem } from './service';

const KEY = 'ab'.repeat(32);
const TOKEN = '123456789:AAEhBOweik6ad6PsVMRxjeQKUl9b9b9b9b9';
const WA_TOKEN = 'EAAGtestaccesstoken0123456789abcdef';

let t: TestApp;
let strict: TestApp;
let telegram: FakeServer;
let receiver: WebhookReceiver;
let receiverSecret = '';
let worker: { ctx: WorkerContext; mod: RunningModule };
let teamId: number;
let owner: TestUser;
let admin: TestUser;
let member: TestUser;

beforeAll(async () => {
  telegram = await startFakeTelegram();
  receiver = await startWebhookReceiver(() => receiverSecret);
  t = await createTestApp({ ENCRYPTION_KEY: KEY, TELEGRAM_API_BASE: telegram.url });
  strict = await createTestApp({ ENCRYPTION_KEY: KEY, OUTBOUND_ALLOW_PRIVATE: 'false' });
  // A real worker on the same database and Redis prefix delivers what "send test" queues.
  const ctx = createWorkerContext(loadConfig({ ...process.env, ...configEnv(t) }), pino({ level: 'silent' }));
  worker = { ctx, mod: await notifyModule().start(ctx) };
  ({ teamId, owner, admin, member } = await teamWithRoles(t));
});

function configEnv(app: TestApp): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: app.database.url,
    REDIS_PREFIX: app.config.redisPrefix,
    ENCRYPTION_KEY: KEY,
    OUTBOUND_ALLOW_PRIVATE: 'true',
    TELEGRAM_API_BASE: telegram.url,
    LOG_LEVEL: 'silent',
    PUBLIC_URL: 'http://localhost:3000',
  };
}

afterAll(async () => {
  await worker?.mod.close();
  if (worker) await closeWorkerContext(worker.ctx);
  await t?.close();
  await strict?.close();
  await telegram?.close();
  await receiver?.close();
});

function post(app: TestApp, user: TestUser, team: number, body: unknown) {
  return app.app.inject({ method: 'POST', url: `/api/teams/${team}/channels`, headers: bearer(user), payload: body as object });
}

// 5 s: a delivery takes milliseconds (p50 ~80 ms, max ~0.5 s over 40 sends at load 11). The
// old 30 s hid a lost send, not a slow one: the job was added inside the transaction, an idle
// worker could run it before the commit, find no row and drop it (2 of 40 sends lost, measured
// on 8bfae0b); it is now added after the commit and a missing row is retried (ADR 0100).
async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, ms = 5_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('channels API', () => {
  it('creates a webhook channel with a generated whsec_ secret shown once, stored encrypted, masked afterwards', async () => {
    const res = await post(t, admin, teamId, { type: 'webhook', name: 'Ops hook', config: { url: 'https://hooks.example.com/sp' }, is_default: true });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created).toMatchObject({ type: 'webhook', name: 'Ops hook', is_default: true, enabled: true, disabled_reason: null });
    expect(created.config).toEqual({ url: 'https://hooks.example.com/sp', secret: `whsec_…${created.secret.slice(-4)}` });

    const got = (await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/channels/${created.id}`, headers: bearer(member) })).json();
    expect(got.secret).toBeUndefined();
    expect(JSON.stringify(got)).not.toContain(created.secret.slice(6, 30));
    const list = (await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/channels`, headers: bearer(member) })).json();
    expect(JSON.stringify(list)).not.toContain(created.secret.slice(6, 30));

    const row = await t.db.selectFrom('notification_channels').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(row.secret_ciphertext).not.toContain(created.secret.slice(6, 30));
    expect(JSON.stringify(row.config)).not.toContain('whsec');
    expect(decryptSecrets(Buffer.from(KEY, 'hex'), teamId, row.secret_ciphertext)).toEqual({ secret: created.secret });
  });

  it('creates telegram, whatsapp and email channels with secrets masked and config normalised', async () => {
    const tg = (await post(t, owner, teamId, { type: 'telegram', name: 'TG', config: { bot_token: TOKEN, chat_id: '-1001234567' } })).json();
    expect(tg.config).toEqual({ bot_token: `123456789:…${TOKEN.slice(-4)}`, chat_id: '-1001234567' });
    expect(tg.secret).toBeNull();
    const wa = await post(t, owner, teamId, { type: 'whatsapp', name: 'WA', config: { phone_number_id: '1098765', access_token: WA_TOKEN, to: '+49 151'.replace(' ', '') + '12345678', template: { name: 'sp_alert' } } });
    expect(wa.statusCode).toBe(201);
    expect(wa.json().config).toEqual({ phone_number_id: '1098765', access_token: `…${WA_TOKEN.slice(-4)}`, to: '4915112345678', template: { name: 'sp_alert', language: 'en_US' } });
    const email = await post(t, owner, teamId, { type: 'email', name: 'Mail', config: { to: 'OnCall@Example.com' } });
    expect(email.json().config).toEqual({ to: ['oncall@example.com'] });
  });

  it('updates a channel: config without the secret keeps it, enabling clears disabled_reason, delete removes it', async () => {
    const created = (await post(t, admin, teamId, { type: 'telegram', name: 'TG2', config: { bot_token: TOKEN, chat_id: 42 } })).json();
    const url = `/api/teams/${teamId}/channels/${created.id}`;
    const patched = await t.app.inject({ method: 'PATCH', url, headers: bearer(admin), payload: { name: 'Renamed', config: { chat_id: 43 } } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ name: 'Renamed', config: { chat_id: 43, bot_token: `123456789:…${TOKEN.slice(-4)}` } });
    const row = await t.db.selectFrom('notification_channels').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(decryptSecrets(Buffer.from(KEY, 'hex'), teamId, row.secret_ciphertext)).toEqual({ bot_token: TOKEN });

    await t.db.updateTable('notification_channels').set({ enabled: false, disabled_reason: 'the webhook endpoint answered 410 Gone' }).where('id', '=', created.id).execute();
    expect((await t.app.inject({ method: 'GET', url, headers: bearer(admin) })).json()).toMatchObject({ enabled: false, disabled_reason: 'the webhook endpoint answered 410 Gone' });
    const enabled = await t.app.inject({ method: 'PATCH', url, headers: bearer(admin), payload: { enabled: true } });
    expect(enabled.json()).toMatchObject({ enabled: true, disabled_reason: null });

    expect((await t.app.inject({ method: 'DELETE', url, headers: bearer(admin) })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url, headers: bearer(admin) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url, headers: bearer(admin) })).statusCode).toBe(404);
  });

  it('answers 403 to members writing, 404 for another team, 401 without a token', async () => {
    const created = (await post(t, admin, teamId, { type: 'email', name: 'M', config: { to: ['a@example.com'] } })).json();
    const stranger = await createUser(t, 'Stranger');
    const otherTeam = await createTeam(t, stranger);
    const before = await databaseFingerprint(t.db);
    const denied = await post(t, member, teamId, { type: 'email', name: 'M', config: { to: ['a@example.com'] } });
    expect(denied.statusCode).toBe(403);
    expect(denied.headers['content-type']).toContain('application/problem+json');
    expect((await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/channels/${created.id}/test`, headers: bearer(member) })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'PATCH', url: `/api/teams/${teamId}/channels/${created.id}`, headers: bearer(member), payload: { name: 'x' } })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/channels/${created.id}`, headers: bearer(stranger) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/api/teams/${otherTeam}/channels/${created.id}`, headers: bearer(stranger) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/teams/${otherTeam}/channels/${created.id}`, headers: bearer(stranger) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/channels` })).statusCode).toBe(401);
    expect(await databaseFingerprint(t.db)).toEqual(before);
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['unknown channel type', { type: 'carrier-pigeon', name: 'x', config: {} }, /type/],
    ['missing type', { name: 'x', config: {} }, /type/],
    ['telegram without chat_id', { type: 'telegram', name: 'x', config: { bot_token: TOKEN } }, /body\.config\.chat_id/],
    ['telegram token of the wrong shape', { type: 'telegram', name: 'x', config: { bot_token: 'not-a-token', chat_id: 1 } }, /bot_token.*Bot API token/],
    ['telegram token with a path', { type: 'telegram', name: 'x', config: { bot_token: `${TOKEN}/../x`, chat_id: 1 } }, /bot_token/],
    ['email list with an invalid address', { type: 'email', name: 'x', config: { to: ['ok@example.com', 'not an email'] } }, /body\.config\.to\.1.*valid email/],
    ['email without recipients', { type: 'email', name: 'x', config: { to: [] } }, /at least one/],
    ['webhook without url', { type: 'webhook', name: 'x', config: {} }, /body\.config\.url/],
    ['webhook URL with credentials', { type: 'webhook', name: 'x', config: { url: 'https://user:pass@hooks.example.com/' } }, /credentials/],
    ['webhook URL with another scheme', { type: 'webhook', name: 'x', config: { url: 'ftp://hooks.example.com/' } }, /http or https/],
    ['webhook secret not whsec_', { type: 'webhook', name: 'x', config: { url: 'https://hooks.example.com/', secret: 'hunter2' } }, /whsec_/],
    ['whatsapp phone not E.164', { type: 'whatsapp', name: 'x', config: { phone_number_id: '1', access_token: WA_TOKEN, to: 'call me' } }, /body\.config/],
    ['unknown config field', { type: 'email', name: 'x', config: { to: ['a@example.com'], cc: ['b@example.com'] } }, /cc|unrecognized/i],
    ['empty name', { type: 'email', name: ' ', config: { to: ['a@example.com'] } }, /body\.name/],
  ];
  it.each(bad)('refuses %s with a 400 problem and stores nothing', async (_label, body, detail) => {
    const before = await databaseFingerprint(t.db);
    const res = await post(t, admin, teamId, body);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().detail).toMatch(detail);
    expect(res.json().errors.length).toBeGreaterThan(0);
    expect(await databaseFingerprint(t.db)).toEqual(before);
  });

  it.each([
    'http://127.0.0.1:8080/hook',
    'http://10.0.0.5/hook',
    'http://[::1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://2130706433/hook',
    'http://0x7f000001/hook',
    'http://localhost:3000/hook',
    'http://0.0.0.0/hook',
  ])('refuses a webhook to the private address %s when OUTBOUND_ALLOW_PRIVATE=false', async (url) => {
    const s = await teamWithRoles(strict);
    const before = await databaseFingerprint(strict.db);
    const res = await post(strict, s.admin, s.teamId, { type: 'webhook', name: 'x', config: { url } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ status: 400, errors: [{ path: 'body.config.url' }] });
    expect(res.json().detail).toMatch(/must not point to (a private|a loopback|a cloud metadata|an unspecified|localhost)/);
    expect(await databaseFingerprint(strict.db)).toEqual(before);
    // ...and a PATCH onto such an address changes nothing either
    const ok = (await post(strict, s.admin, s.teamId, { type: 'webhook', name: 'ok', config: { url: 'https://93.184.215.14/hook' } })).json();
    const before2 = await databaseFingerprint(strict.db);
    const patched = await strict.app.inject({ method: 'PATCH', url: `/api/teams/${s.teamId}/channels/${ok.id}`, headers: bearer(s.admin), payload: { config: { url } } });
    expect(patched.statusCode).toBe(400);
    expect(await databaseFingerprint(strict.db)).toEqual(before2);
  });

  it('refuses a webhook to a cloud metadata address even when private addresses are allowed', async () => {
    const before = await databaseFingerprint(t.db);
    const res = await post(t, admin, teamId, { type: 'webhook', name: 'meta', config: { url: 'http://169.254.169.254/latest' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toContain('cloud metadata');
    expect(await databaseFingerprint(t.db)).toEqual(before);
  });

  it('refuses a PATCH with an invalid config for the channel type and changes nothing', async () => {
    const created = (await post(t, admin, teamId, { type: 'email', name: 'E', config: { to: ['a@example.com'] } })).json();
    const before = await databaseFingerprint(t.db);
    const res = await t.app.inject({ method: 'PATCH', url: `/api/teams/${teamId}/channels/${created.id}`, headers: bearer(admin), payload: { config: { to: ['nope'] } } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ path: 'body.config.to.0', message: 'must be a valid email address' }]);
    expect(await databaseFingerprint(t.db)).toEqual(before);
  });

  it('"send test" goes through the worker: a signed webhook of type test and a Telegram message, visible in the delivery log', async () => {
    const created = (await post(t, admin, teamId, { type: 'webhook', name: 'Receiver', config: { url: `${receiver.url}/in` } })).json();
    receiverSecret = created.secret;
    const res = await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/channels/${created.id}/test`, headers: bearer(admin) });
    expect(res.statusCode).toBe(202);
    const { alert_id } = res.json();
    await waitFor(async () => receiver.verified().length === 1);
    expect(receiver.verified()[0]!.payload).toMatchObject({ type: 'test', data: { incident: null, monitor: null } });
    const log = await waitFor(async () => {
      const items = (await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/alerts?event_type=test`, headers: bearer(member) })).json().items;
      return items.find((i: { id: string; status: string }) => i.id === alert_id && i.status === 'sent');
    });
    expect(log).toMatchObject({ channel_id: created.id, channel_type: 'webhook', attempts: 1, provider_status_code: 204, event_id: null });

    const tg = (await post(t, admin, teamId, { type: 'telegram', name: 'TG test', config: { bot_token: TOKEN, chat_id: 7 } })).json();
    expect((await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/channels/${tg.id}/test`, headers: bearer(admin) })).statusCode).toBe(202);
    await waitFor(async () => telegram.requests.length === 1);
    expect(JSON.parse(telegram.requests[0]!.body).text).toContain('*TEST: SentryPulse channel "TG test" works*');
  });

  it('delivers every one of 20 "send test"s in a row: none is lost to a job that ran before its row was committed', async () => {
    const created = (await post(t, admin, teamId, { type: 'webhook', name: 'Burst', config: { url: `${receiver.url}/burst` } })).json();
    receiverSecret = created.secret;
    const before = receiver.verified().length;
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/channels/${created.id}/test`, headers: bearer(admin) });
      expect(res.statusCode).toBe(202);
      ids.push(res.json().alert_id);
      await waitFor(async () => receiver.verified().length === before + i + 1);
    }
    const rows = await t.db.selectFrom('alerts_sent').select(['id', 'status']).where('id', 'in', ids).execute();
    expect(rows.map((r) => r.status)).toEqual(ids.map(() => 'sent'));
  });

  it('refuses "send test" on a disabled channel', async () => {
    const created = (await post(t, admin, teamId, { type: 'email', name: 'off', config: { to: ['a@example.com'] }, enabled: false })).json();
    const before = await databaseFingerprint(t.db);
    const res = await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/channels/${created.id}/test`, headers: bearer(admin) });
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toMatch(/disabled/);
    expect(await databaseFingerprint(t.db)).toEqual(before);
  });
});

describe('delivery log', () => {
  it('filters by channel, status and event type, pages newest first with a cursor, and never shows another team', async () => {
    const u = await createUser(t, 'Logger');
    const team = await createTeam(t, u);
    const a = (await post(t, u, team, { type: 'email', name: 'A', config: { to: ['a@example.com'] } })).json();
    const b = (await post(t, u, team, { type: 'email', name: 'B', config: { to: ['b@example.com'] } })).json();
    const rows = [];
    for (let i = 0; i < 7; i++) {
      rows.push({
        team_id: team,
        channel_id: i % 2 === 0 ? a.id : b.id,
        channel_type: 'email' as const,
        event_key: `test:log-${team}-${i}`,
        event_type: i < 5 ? ('incident.opened' as const) : ('incident.resolved' as const),
        status: i === 3 ? ('failed' as const) : ('sent' as const),
        idempotency_key: `msg_${i}`,
      });
    }
    await t.db.insertInto('alerts_sent').values(rows).execute();
    const get = async (qs: string) => {
      const res = await t.app.inject({ method: 'GET', url: `/api/teams/${team}/alerts${qs}`, headers: bearer(u) });
      expect(res.statusCode).toBe(200);
      return res.json() as { items: Array<{ id: string; channel_id: number; status: string; event_type: string; idempotency_key: string }>; next_cursor: string | null };
    };
    const all = await get('');
    expect(all.items.map((i) => i.idempotency_key)).toEqual(['msg_6', 'msg_5', 'msg_4', 'msg_3', 'msg_2', 'msg_1', 'msg_0']);
    expect((await get(`?channel_id=${a.id}`)).items.map((i) => i.idempotency_key)).toEqual(['msg_6', 'msg_4', 'msg_2', 'msg_0']);
    expect((await get('?status=failed')).items.map((i) => i.idempotency_key)).toEqual(['msg_3']);
    expect((await get('?event_type=incident.resolved')).items.map((i) => i.idempotency_key)).toEqual(['msg_6', 'msg_5']);
    expect((await get(`?channel_id=${b.id}&status=sent&event_type=incident.opened`)).items.map((i) => i.idempotency_key)).toEqual(['msg_1']);

    const p1 = await get('?limit=3');
    expect(p1.items.map((i) => i.idempotency_key)).toEqual(['msg_6', 'msg_5', 'msg_4']);
    const p2 = await get(`?limit=3&cursor=${p1.next_cursor}`);
    expect(p2.items.map((i) => i.idempotency_key)).toEqual(['msg_3', 'msg_2', 'msg_1']);
    const p3 = await get(`?limit=3&cursor=${p2.next_cursor}`);
    expect(p3).toMatchObject({ items: [{ idempotency_key: 'msg_0' }], next_cursor: null });

    // another team sees none of it, even when naming this team's channel
    const other = await createUser(t, 'Other');
    const otherTeam = await createTeam(t, other);
    const theirs = await t.app.inject({ method: 'GET', url: `/api/teams/${otherTeam}/alerts?channel_id=${a.id}`, headers: bearer(other) });
    expect(theirs.json()).toEqual({ items: [], next_cursor: null });
    expect((await t.app.inject({ method: 'GET', url: `/api/teams/${team}/alerts`, headers: bearer(other) })).statusCode).toBe(404);
  });

  it.each(['?status=lost', '?event_type=incident.deleted', '?cursor=abc', '?channel_id=-1', '?limit=1000', '?colour=red'])('refuses the filter %s with a 400 problem', async (qs) => {
    const res = await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/alerts${qs}`, headers: bearer(member) });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });
});

describe('helpers', () => {
  it('masks secrets to a recognisable tail', () => {
    expect(maskSecret('secret', 'whsec_abcdefghijklmnop')).toBe('whsec_…mnop');
    expect(maskSecret('bot_token', TOKEN)).toBe('123456789:…b9b9');
    expect(maskSecret('access_token', WA_TOKEN)).toBe('…cdef');
  });
  it('lets public addresses and host names through the early webhook check', () => {
    expect(webhookUrlProblem('https://hooks.example.com/x', false)).toBeNull();
    expect(webhookUrlProblem('https://8.8.8.8/x', false)).toBeNull();
    expect(webhookUrlProblem('http://127.0.0.1/x', true)).toBeNull();
  });
});
