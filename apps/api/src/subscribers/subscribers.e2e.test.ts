import { QUEUES, type JobProducer } from '@sentrypulse/jobs';
import { loadConfig } from '@sentrypulse/shared/config';
import {
  closeWorkerContext,
  createWorkerContext,
  notifyModule,
  producerFor,
  startSmtp,
  startSubscriberReceiver,
  subscribersModule,
  type FakeSmtp,
  type RunningModule,
  type SubscriberReceiver,
  type WorkerContext,
} from '@sentrypulse/worker/testing';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, teamWithRoles, type TestApp, type TestUser } from '../../test/helpers';
import { insertMonitor } from '../public/fixtures';

/**
 * The whole subscriber path against real peers: the API, a real worker (alert fan-out →
 * subscriber notices → batched fan-out → deliveries) on the same database and Redis prefix, a
 * real local SMTP server and a Standard Webhooks receiver.
 */
const KEY = randomBytes(32).toString('hex');
let t: TestApp;
let smtp: FakeSmtp;
let hook: SubscriberReceiver;
let ctx: WorkerContext;
let jobs: JobProducer;
const running: RunningModule[] = [];
let teamId: number;
let admin: TestUser;
let slug: string;
let pageId: number;
let compA: number;
let compB: number;
let monA: number;
let monB: number;

async function waitFor<T>(fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  [smtp, hook] = await Promise.all([startSmtp(), startSubscriberReceiver()]);
  t = await createTestApp({ ENCRYPTION_KEY: KEY, SMTP_URL: smtp.url });
  ctx = createWorkerContext(
    loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: t.database.url,
      REDIS_PREFIX: t.config.redisPrefix,
      ENCRYPTION_KEY: KEY,
      OUTBOUND_ALLOW_PRIVATE: 'true',
      SMTP_URL: smtp.url,
      LOG_LEVEL: 'silent',
      PUBLIC_URL: 'http://localhost:3000',
    }),
    pino({ level: 'silent' }),
  );
  jobs = producerFor(ctx);
  running.push(await notifyModule().start(ctx));
  running.push(await subscribersModule({ sweepEveryMs: 0, policy: { attempts: 3, backoffMs: 200 } }).start(ctx));
  ({ teamId, admin } = await teamWithRoles(t, 'business'));
  monA = await insertMonitor(t.db, teamId, { status: 'up' });
  monB = await insertMonitor(t.db, teamId, { status: 'up' });
  slug = `acme-${randomBytes(3).toString('hex')}`;
  const page = await t.app.inject({
    method: 'POST',
    url: `/api/teams/${teamId}/status-pages`,
    headers: bearer(admin),
    payload: { slug, title: 'Acme <Status>', is_public: true, accent_color: '#aa3300', components: [{ name: 'API', monitor_id: monA }, { name: 'Website', monitor_id: monB }] },
  });
  expect(page.statusCode).toBe(201);
  pageId = page.json().id;
  const pub = (await t.app.inject({ method: 'GET', url: `/api/public/status-pages/${slug}` })).json();
  [compA, compB] = pub.components.map((c: { id: number }) => c.id);
});

afterAll(async () => {
  for (const m of running.reverse()) await m.close().catch(() => undefined);
  await jobs.close();
  await closeWorkerContext(ctx);
  await t.close();
  await Promise.all([smtp.close(), hook.close()]);
});

function header(mail: FakeSmtp['mails'][number], name: string): string {
  return mail.headerLines.find((h) => h.key === name)?.line.replace(/^[^:]+:\s*/, '') ?? '';
}

async function noticeDone(kindKey: string) {
  return waitFor(() => t.db.selectFrom('subscriber_notices').selectAll().where('status_page_id', '=', pageId).where('notice_key', '=', kindKey).where('fanned_out_at', 'is not', null).executeTakeFirst());
}

async function lastEventKey(): Promise<string> {
  const ev = await t.db.selectFrom('incident_events').select('id').where('team_id', '=', teamId).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
  return `event:${ev.id}`;
}

/** Every incident event so far was queued and the worker had time to turn it into notices. */
async function eventsHandled(): Promise<void> {
  await waitFor(async () => (await t.db.selectFrom('incident_events').select('id').where('team_id', '=', teamId).where('queued_at', 'is', null).execute()).length === 0);
  await new Promise((r) => setTimeout(r, 1_000));
}

async function settle(): Promise<void> {
  // Every delivery made so far has ended (sent, failed or skipped): nothing else can arrive.
  try {
    await waitFor(async () => (await t.db.selectFrom('subscriber_deliveries').select('id').where('status', '=', 'pending').execute()).length === 0);
  } catch (err) {
    console.log(await t.db.selectFrom('subscriber_deliveries').selectAll().where('status', '=', 'pending').execute());
    throw err;
  }
}

describe('email subscriber: opt-in, notices, one-click unsubscribe', () => {
  it('subscribe → confirmation → confirm → opened/update notices for its component only → one-click unsubscribe → nothing more', async () => {
    const sub = await t.app.inject({ method: 'POST', url: `/api/public/status-pages/${slug}/subscribers`, payload: { type: 'email', email: 'Reader@Example.test', component_ids: [compA] } });
    expect(sub.statusCode).toBe(202);

    const confirmation = await waitFor(() => smtp.mails.find((m) => m.subject?.startsWith('Confirm your subscription')));
    expect(confirmation.to && 'text' in confirmation.to ? confirmation.to.text : '').toBe('reader@example.test');
    expect(header(confirmation, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const link = /http:\/\/localhost:3000\/status\/[a-z0-9-]+\/confirm\?token=([^\s"]+)/.exec(confirmation.text ?? '')!;
    expect(link).not.toBeNull();
    const token = decodeURIComponent(link[1]!);
    // The HTML part carries the page's branding, escaped.
    expect(confirmation.html).toContain('Acme &lt;Status&gt;');
    expect(confirmation.html).toContain('#aa3300');

    // Nothing but the confirmation until the link is used.
    const before = await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/incidents`, headers: bearer(admin), payload: { title: 'Early trouble', monitor_ids: [monA], message: 'Before confirming.' } });
    expect(before.statusCode).toBe(201);
    await settle();
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.mails.filter((m) => m.subject?.includes('Early trouble'))).toHaveLength(0);
    await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/incidents/${before.json().id}/updates`, headers: bearer(admin), payload: { status: 'resolved', message: 'Gone.' } });
    await eventsHandled();

    const ok = await t.app.inject({ method: 'POST', url: '/api/public/subscriptions/confirm', payload: { token } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ status: 'confirmed', page: { slug, title: 'Acme <Status>' } });
    const again = await t.app.inject({ method: 'POST', url: '/api/public/subscriptions/confirm', payload: { token } });
    expect(again.statusCode).toBe(400);
    expect(again.headers['content-type']).toMatch(/application\/problem\+json/);

    const mailsBefore = smtp.mails.length;
    const opened = await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/incidents`, headers: bearer(admin), payload: { title: 'Checkout errors', monitor_ids: [monA], message: 'We see **errors** at checkout.' } });
    expect(opened.statusCode).toBe(201);
    const incidentId = opened.json().id;
    const notice1 = await waitFor(() => smtp.mails.find((m) => m.subject?.includes('Checkout errors')));
    expect(notice1.subject).toBe('[Acme <Status>] Checkout errors — Investigating');
    expect(notice1.text).toContain('We see **errors** at checkout.');
    expect(notice1.text).toContain('Affected: API');
    expect(notice1.html).toContain('Manage your subscription');
    const unsubscribeHeader = header(notice1, 'list-unsubscribe');
    expect(header(notice1, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const unsubscribeUrl = /<(http[^>]+)>/.exec(unsubscribeHeader)![1]!;
    expect(unsubscribeUrl).toMatch(new RegExp(`^http://localhost:3000/status/${slug}/unsubscribe\\?token=`));
    expect(notice1.text).toContain(`/status/${slug}/manage?token=`);

    // Component B only: the subscriber of A gets nothing.
    const other = await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/incidents`, headers: bearer(admin), payload: { title: 'Website slow', monitor_ids: [monB], message: 'Slow pages.' } });
    expect(other.statusCode).toBe(201);
    const bNotice = await noticeDone(await lastEventKey());
    expect(bNotice.component_ids).toEqual([compB]);
    await settle();
    expect(smtp.mails.filter((m) => m.subject?.includes('Website slow'))).toHaveLength(0);

    const update = await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/incidents/${incidentId}/updates`, headers: bearer(admin), payload: { status: 'identified', message: 'A bad deploy; rolling back.' } });
    expect(update.statusCode).toBe(201);
    await waitFor(() => smtp.mails.find((m) => m.subject === '[Acme <Status>] Checkout errors — Identified'));
    await settle();
    // Exactly one message per notice: opened + update.
    expect(smtp.mails.length - mailsBefore).toBe(2);

    // RFC 8058 one-click: the POST a mail provider makes, against the API's route behind that URL.
    const url = new URL(unsubscribeUrl);
    const one = await t.app.inject({
      method: 'POST',
      url: `/api/public/status-pages/${slug}/unsubscribe${url.search}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual({ status: 'unsubscribed' });
    const row = await t.db.selectFrom('status_page_subscribers').selectAll().where('status_page_id', '=', pageId).where('type', '=', 'email').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'unsubscribed', address: null, component_ids: null });
    expect(row.address_hash).toMatch(/^[0-9a-f]{64}$/);

    const after = smtp.mails.length;
    await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/incidents/${incidentId}/updates`, headers: bearer(admin), payload: { status: 'resolved', message: 'All good.' } });
    await eventsHandled();
    await settle();
    expect(smtp.mails.length).toBe(after);

    // The delivery log shows subscriber notices next to alerts.
    const log = await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/subscriber-deliveries?status=sent`, headers: bearer(admin) });
    expect(log.statusCode).toBe(200);
    const items = log.json().items as Array<{ kind: string; subscriber_type: string; attempts: number }>;
    expect(items.filter((d) => d.subscriber_type === 'email').map((d) => d.kind).sort()).toEqual(['incident.opened', 'incident.updated', 'subscription.confirm']);
    expect(items.every((d) => d.attempts === 1)).toBe(true);
    expect(JSON.stringify(log.json())).not.toContain('example.test');
  });
});

describe('webhook subscriber', () => {
  it('is verified by a signed challenge before it is active, then gets signed notices (standardwebhooks verifies them)', async () => {
    hook.echo = false;
    const res = await t.app.inject({ method: 'POST', url: `/api/public/status-pages/${slug}/subscribers`, payload: { type: 'webhook', url: `${hook.url}/status-hook` } });
    expect(res.statusCode).toBe(202);
    await waitFor(() => hook.verified.find((v) => v.payload.type === 'subscription.verification')).catch(async (err) => {
      console.log(await t.db.selectFrom('subscriber_deliveries').selectAll().where('subscriber_type', '=', 'webhook').execute());
      throw err;
    });
    // A wrong echo leaves it pending (retried).
    const pending = await t.db.selectFrom('status_page_subscribers').select('status').where('status_page_id', '=', pageId).where('type', '=', 'webhook').executeTakeFirstOrThrow();
    expect(pending.status).toBe('pending');
    hook.echo = true;
    // The API queued the verification with the production backoff (30 s): bring the retry forward.
    await waitFor(async () => (await jobs.queue(QUEUES.subscribers).getDelayedCount()) > 0);
    await jobs.queue(QUEUES.subscribers).promoteJobs();
    await waitFor(async () => (await t.db.selectFrom('status_page_subscribers').select('status').where('status_page_id', '=', pageId).where('type', '=', 'webhook').executeTakeFirst())?.status === 'active').catch(async (err) => {
      console.log(await t.db.selectFrom('subscriber_deliveries').selectAll().where('subscriber_type', '=', 'webhook').execute());
      throw err;
    });
    const verification = hook.verified.find((v) => v.payload.type === 'subscription.verification')!;
    expect(verification.payload.data.secret).toMatch(/^whsec_/);

    const inc = await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/incidents`, headers: bearer(admin), payload: { title: 'Queue backlog', monitor_ids: [monB], message: 'Jobs are delayed.' } });
    expect(inc.statusCode).toBe(201);
    const notice = await waitFor(() => hook.verified.find((v) => v.payload.type === 'incident.opened'));
    expect(notice.payload.data).toMatchObject({ page: { slug, title: 'Acme <Status>' }, incident: { id: inc.json().id, title: 'Queue backlog', status: 'investigating', components: ['Website'] } });
    // Nothing internal: no monitor name or URL.
    expect(JSON.stringify(notice.payload)).not.toMatch(/internal-monitor-name|health\?token/);
    await settle();
    expect(hook.verified.filter((v) => v.payload.type === 'incident.opened')).toHaveLength(1);
  });
});

describe('retries, dead letters, chat webhooks, 410', () => {
  it('a 451 from SMTP is retried and delivered once; a 550 ends as a failed row and a dead letter', async () => {
    const { addressHash, newNonce } = await import('@sentrypulse/db');
    const key = Buffer.from(KEY, 'hex');
    const add = async (address: string) =>
      t.db
        .insertInto('status_page_subscribers')
        .values({ team_id: teamId, status_page_id: pageId, type: 'email', status: 'active', address, address_hash: addressHash(key, 'email', address), token_nonce: newNonce(), confirmed_at: new Date(), component_ids: JSON.stringify([compA]) })
        .execute();
    await add('retry@example.test');
    smtp.reject.push({ code: 451, message: 'try again later' });
    const inc = await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/incidents`, headers: bearer(admin), payload: { title: 'Flaky mail', monitor_ids: [monA], message: 'x' } });
    expect(inc.statusCode).toBe(201);
    await waitFor(() => smtp.mails.find((m) => m.subject?.includes('Flaky mail')));
    await settle();
    const row = await t.db.selectFrom('subscriber_deliveries as d').innerJoin('status_page_subscribers as s', 's.id', 'd.subscriber_id').select(['d.status', 'd.attempts']).where('s.address', '=', 'retry@example.test').where('d.kind', '=', 'incident.opened').executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'sent', attempts: 2 });
    expect(smtp.mails.filter((m) => m.subject?.includes('Flaky mail'))).toHaveLength(1);

    smtp.reject.push({ code: 550, message: 'no such user' });
    await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/incidents/${inc.json().id}/updates`, headers: bearer(admin), payload: { status: 'monitoring', message: 'watching' } });
    const failed = await waitFor(() =>
      t.db.selectFrom('subscriber_deliveries as d').innerJoin('status_page_subscribers as s', 's.id', 'd.subscriber_id').select(['d.id', 'd.status', 'd.last_error', 'd.provider_status_code']).where('s.address', '=', 'retry@example.test').where('d.kind', '=', 'incident.updated').where('d.status', '=', 'failed').executeTakeFirst(),
    );
    expect(failed.provider_status_code).toBe(550);
    const dead = await waitFor(() => t.db.selectFrom('failed_jobs').selectAll().where('queue', '=', QUEUES.subscribers).where('job_id', 'like', `subscriber-delivery-${failed.id}@%`).executeTakeFirst());
    expect(dead).toMatchObject({ team_id: teamId, data: { delivery_id: String(failed.id) } });
  });

  it('Slack and Discord incoming webhooks: a welcome activates them, notices arrive in their shapes; a 410 ends the subscription', async () => {
    const chat = await startSubscriberReceiver();
    try {
      for (const type of ['slack', 'discord'] as const) {
        const r = await t.app.inject({ method: 'POST', url: `/api/public/status-pages/${slug}/subscribers`, payload: { type, url: `${chat.url}/${type}`, component_ids: [compA] } });
        expect(r.statusCode).toBe(202);
      }
      await waitFor(async () => (await t.db.selectFrom('status_page_subscribers').select('status').where('type', 'in', ['slack', 'discord']).where('status', '=', 'active').execute()).length === 2);
      const welcome = chat.requests.find((r) => r.path === '/slack')!;
      expect(JSON.parse(welcome.body).text).toContain('You are subscribed to status notices of Acme &lt;Status&gt;');
      const inc = await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/incidents`, headers: bearer(admin), payload: { title: '@everyone <b>Chat</b> trouble', monitor_ids: [monA], message: 'x' } });
      expect(inc.statusCode).toBe(201);
      const slackNotice = await waitFor(() => chat.requests.find((r) => r.path === '/slack' && r.body.includes('Chat')));
      expect(JSON.parse(slackNotice.body).text).toContain('&lt;b&gt;Chat&lt;/b&gt;');
      const discordNotice = await waitFor(() => chat.requests.find((r) => r.path === '/discord' && r.body.includes('Chat')));
      const d = JSON.parse(discordNotice.body);
      expect(d.allowed_mentions).toEqual({ parse: [] });
      expect(d.embeds[0].url).toBe(`http://localhost:3000/status/${slug}`);
      await settle();

      // 410 Gone from the endpoint: the subscriber is removed (address erased).
      chat.answers.push(410, 410);
      await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/incidents/${inc.json().id}/updates`, headers: bearer(admin), payload: { status: 'resolved', message: 'done' } });
      await waitFor(async () => (await t.db.selectFrom('status_page_subscribers').select('status').where('type', 'in', ['slack', 'discord']).where('status', '=', 'unsubscribed').execute()).length === 2);
      const gone = await t.db.selectFrom('status_page_subscribers').select(['address']).where('type', 'in', ['slack', 'discord']).execute();
      expect(gone.every((g) => g.address === null)).toBe(true);
    } finally {
      await chat.close();
    }
  });
});

describe('team side', () => {
  it('lists, counts, exports and removes subscribers; never on public answers', async () => {
    const added = await t.app.inject({ method: 'POST', url: `/api/public/status-pages/${slug}/subscribers`, payload: { type: 'email', email: '-cmd@example.test' } });
    expect(added.statusCode).toBe(202);
    const list = await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/status-pages/${pageId}/subscribers`, headers: bearer(admin) });
    expect(list.statusCode).toBe(200);
    const body = list.json();
    // The webhook and the retry test's email subscriber are active; the new address is pending.
    expect(body.counts).toEqual({ active: 2, pending: 1 });
    expect(body.items.map((i: { type: string }) => i.type).sort()).toEqual(['email', 'email', 'webhook']);
    const search = await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/status-pages/${pageId}/subscribers?q=cmd`, headers: bearer(admin) });
    expect(search.json().items).toHaveLength(1);
    const csv = await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/status-pages/${pageId}/subscribers.csv`, headers: bearer(admin) });
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain("'-cmd@example.test");
    const pub = await t.app.inject({ method: 'GET', url: `/api/public/status-pages/${slug}` });
    expect(pub.body).not.toContain('example.test');
    const id = search.json().items[0].id;
    const del = await t.app.inject({ method: 'DELETE', url: `/api/teams/${teamId}/status-pages/${pageId}/subscribers/${id}`, headers: bearer(admin) });
    expect(del.statusCode).toBe(204);
    const gone = await t.app.inject({ method: 'DELETE', url: `/api/teams/${teamId}/status-pages/${pageId}/subscribers/${id}`, headers: bearer(admin) });
    expect(gone.statusCode).toBe(404);
    const row = await t.db.selectFrom('status_page_subscribers').select(['address', 'status']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ address: null, status: 'unsubscribed' });
  });

  it('a paused page sends no notices', async () => {
    const pause = await t.app.inject({ method: 'PUT', url: `/api/teams/${teamId}/status-pages/${pageId}/notices`, headers: bearer(admin), payload: { notices_paused: true } });
    expect(pause.statusCode).toBe(200);
    expect(pause.json().notices_paused).toBe(true);
    const before = hook.verified.length;
    await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/incidents`, headers: bearer(admin), payload: { title: 'Quiet one', monitor_ids: [monB], message: 'x' } });
    await waitFor(async () => (await t.db.selectFrom('subscriber_notices').select('id').where('notice_key', '=', await lastEventKey()).execute()).length === 0 && (await t.db.selectFrom('incident_events').select('queued_at').where('team_id', '=', teamId).orderBy('id', 'desc').limit(1).executeTakeFirst())?.queued_at);
    await new Promise((r) => setTimeout(r, 800));
    await settle();
    expect(hook.verified.length).toBe(before);
    await t.app.inject({ method: 'PUT', url: `/api/teams/${teamId}/status-pages/${pageId}/notices`, headers: bearer(admin), payload: { notices_paused: false } });
  });
});
