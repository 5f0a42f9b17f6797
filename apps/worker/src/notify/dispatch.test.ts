import { newWebhookId, sql } from '@sentrypulse/db';
import { deliverJob, enqueue, enqueueDeliveries, incidentEventJob, jobIdOf, QUEUES } from '@sentrypulse/jobs';
import { createTestDatabase, type TestDatabase } from '@sentrypulse/db/testing';
import { loadConfig } from '@sentrypulse/shared/config';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closeWorkerContext, createWorkerContext, type WorkerContext } from '../context';
import { producerFor } from '../jobs';
import type { RunningModule } from '../module';
import { createTeam, insertMonitor, waitFor } from '../monitoring/test-support';
import { MISSING_ROW_TRIES, notifyModule } from './module';
import {
  alertRows,
  deliveryJobIdOf,
  enqueueEvents,
  insertChannel,
  insertIncidentEvent,
  newWebhookSecret,
  routeMonitor,
  TEST_ENCRYPTION_KEY,
} from '../../test/notify-support';
import { startFakeTelegram, startFakeWhatsApp, startSmtp, startWebhookReceiver, type FakeServer, type FakeSmtp, type WebhookReceiver } from './testing';

let database: TestDatabase;
let prefix: string;
let ctx: WorkerContext;
let mod: RunningModule;
let hook: WebhookReceiver;
let telegram: FakeServer;
let whatsapp: FakeServer;
let smtp: FakeSmtp;
const secret = newWebhookSecret();
const TOKEN = '123456789:AAEhBOweik6ad6PsVMRxjeQKUl9b9b9b9b9';
const ATTEMPTS = 4;

beforeAll(async () => {
  database = await createTestDatabase('notify');
  prefix = `sptest:${randomBytes(4).toString('hex')}`;
  [hook, telegram, whatsapp, smtp] = await Promise.all([startWebhookReceiver(() => secret), startFakeTelegram(), startFakeWhatsApp(), startSmtp()]);
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    REDIS_PREFIX: prefix,
    OUTBOUND_ALLOW_PRIVATE: 'true',
    LOG_LEVEL: 'silent',
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    PUBLIC_URL: 'https://status.example.test',
    TELEGRAM_API_BASE: telegram.url,
    WHATSAPP_API_BASE: whatsapp.url,
    SMTP_URL: smtp.url,
    MAIL_FROM: 'SentryPulse <alerts@example.test>',
  });
  ctx = createWorkerContext(config, pino({ level: 'silent' }));
  mod = await notifyModule({ policy: { attempts: ATTEMPTS, backoffMs: 150 } }).start(ctx);
});

afterAll(async () => {
  await mod?.close();
  await closeWorkerContext(ctx);
  await Promise.all([hook.close(), telegram.close(), whatsapp.close(), smtp.close()]);
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.unlink(...keys);
  redis.disconnect();
  await database.drop();
});

beforeEach(() => {
  for (const f of [hook, telegram, whatsapp]) {
    f.requests.length = 0;
    f.script.length = 0;
  }
  smtp.mails.length = 0;
  smtp.reject.length = 0;
});

const NASTY = 'API _*[]()~>#+-=|{}.!';

async function teamWithMonitor() {
  const teamId = await createTeam(database.db);
  const monitorId = await insertMonitor(database.db, teamId, { name: NASTY, url: 'https://api.example.com/health', status: 'down', last_error: 'HTTP 503' });
  await database.db.insertInto('monitor_checks').values({ monitor_id: monitorId, team_id: teamId, status: 'down', status_code: 503, checked_at: new Date() }).execute();
  return { teamId, monitorId };
}

async function settled(teamId: number, n: number, timeoutMs = 15_000) {
  return waitFor(async () => {
    const rows = await alertRows(database.db, teamId);
    return rows.length === n && rows.every((r) => r.status !== 'pending') ? rows : null;
  }, timeoutMs);
}

/**
 * "Nothing more arrives", without a fixed sleep: neither notify queue holds a job that could still
 * send (waiting, active, or delayed for a retry), so every job the events caused has run and a
 * duplicate send would be in the counts asserted after this. (notifyIdle also wants every event
 * marked queued, which only the engine's publishEvents does; these tests enqueue directly.)
 */
async function drained(timeoutMs = 10_000) {
  const jobs = producerFor(ctx);
  try {
    await waitFor(async () => {
      for (const queue of [QUEUES.notify, QUEUES.alerts]) {
        const counts = await jobs.queue(queue).getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
        if (Object.values(counts).some((n) => n > 0)) return false;
      }
      return true;
    }, timeoutMs, 20);
  } finally {
    await jobs.close();
  }
}

describe('alert dispatch', () => {
  it('sends "opened" once to every routed channel of each type, signed, escaped and with a lock-screen subject', async () => {
    const { teamId, monitorId } = await teamWithMonitor();
    const ids = [
      await insertChannel(database.db, teamId, 'webhook', { url: `${hook.url}/hooks/a`, secret }),
      await insertChannel(database.db, teamId, 'telegram', { bot_token: TOKEN, chat_id: -100123 }),
      await insertChannel(database.db, teamId, 'whatsapp', { phone_number_id: '1098765', access_token: 'EAAG-test-access-token-0123456789', to: '4915112345678' }),
      await insertChannel(database.db, teamId, 'whatsapp', {
        phone_number_id: '1098766',
        access_token: 'EAAG-test-access-token-0123456789',
        to: '4915112345679',
        template: { name: 'sentrypulse_alert', language: 'en_US' },
      }),
      await insertChannel(database.db, teamId, 'email', { to: ['oncall@example.test', 'lead@example.test'] }),
    ];
    // a channel of the team that is not routed to this monitor gets nothing
    await insertChannel(database.db, teamId, 'webhook', { url: `${hook.url}/hooks/unrouted`, secret });
    await routeMonitor(database.db, teamId, monitorId, ids);
    const { eventId } = await insertIncidentEvent(database.db, teamId, monitorId, 'incident.opened');
    await enqueueEvents(ctx, [eventId]);

    const rows = await settled(teamId, 5);
    expect(rows.map((r) => [r.channel_id, r.status, r.attempts, r.event_type])).toEqual(ids.map((id) => [id, 'sent', 1, 'incident.opened']));

    const verified = hook.verified();
    expect(verified).toHaveLength(1);
    expect(hook.requests[0]!.path).toBe('/hooks/a');
    expect(verified[0]!.id).toBe(rows[0]!.idempotency_key);
    expect(verified[0]!.payload).toMatchObject({ type: 'incident.opened', data: { monitor: { id: monitorId, name: NASTY, status_code: 503 } } });

    expect(telegram.requests).toHaveLength(1);
    expect(telegram.requests[0]!.path).toBe(`/bot${TOKEN}/sendMessage`);
    const tg = JSON.parse(telegram.requests[0]!.body);
    expect(tg).toMatchObject({ chat_id: -100123, parse_mode: 'MarkdownV2' });
    expect(tg.text).toContain('Monitor: API \\_\\*\\[\\]\\(\\)\\~\\>\\#\\+\\-\\=\\|\\{\\}\\.\\!');
    expect(tg.text.split('\n')[0]).toBe('*DOWN: api\\.example\\.com — 503*');

    expect(whatsapp.requests).toHaveLength(2);
    const [text, template] = [...whatsapp.requests].sort((a, b) => a.path.localeCompare(b.path)).map((r) => ({ ...JSON.parse(r.body), auth: r.headers.authorization, path: r.path }));
    expect(text).toMatchObject({ path: '/1098765/messages', auth: 'Bearer EAAG-test-access-token-0123456789', messaging_product: 'whatsapp', to: '4915112345678', type: 'text' });
    expect(text.text.body).toContain('DOWN: api.example.com — 503');
    expect(template).toMatchObject({ path: '/1098766/messages', type: 'template', template: { name: 'sentrypulse_alert', language: { code: 'en_US' } } });
    expect(template.template.components[0].parameters.map((p: { text: string }) => p.text)).toEqual([
      'DOWN: api.example.com — 503',
      expect.stringContaining(NASTY),
      `https://status.example.test/t/${teamId}/monitors/${monitorId}`,
    ]);
    expect(rows[3]!.provider_message_id).toMatch(/^wamid\./);

    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.subject).toBe('DOWN: api.example.com — 503');
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value.map((a) => a.address) : []).toEqual(['oncall@example.test', 'lead@example.test']);
    expect(mail.text).toContain(`https://status.example.test/t/${teamId}/monitors/${monitorId}`);
    expect(mail.html).toContain(`href="https://status.example.test/t/${teamId}/monitors/${monitorId}"`);
    expect(mail.messageId).toBe(`<${rows[4]!.idempotency_key}@example.test>`); // the MAIL_FROM domain
  });

  it('sends nothing twice when the same event is replayed (fan-out job re-run, event enqueued again)', async () => {
    const { teamId, monitorId } = await teamWithMonitor();
    const ch = await insertChannel(database.db, teamId, 'webhook', { url: `${hook.url}/hooks/replay`, secret });
    await routeMonitor(database.db, teamId, monitorId, [ch]);
    const { eventId } = await insertIncidentEvent(database.db, teamId, monitorId, 'incident.opened');
    await enqueueEvents(ctx, [eventId]);
    await settled(teamId, 1);
    // A second job for the same event (e.g. the outbox sweeper after the first was removed).
    const jobs = producerFor(ctx);
    const again = await enqueue(jobs, incidentEventJob, { event_id: eventId }, { jobId: `replay-${eventId}` });
    await waitFor(async () => (await jobs.queue(QUEUES.notify).getJob(again))?.finishedOn);
    await jobs.close();
    await drained();
    expect(hook.requests).toHaveLength(1);
    expect(await alertRows(database.db, teamId)).toHaveLength(1);
  });

  it('honours Retry-After on 503 and retries with the same webhook-id, recording each attempt', async () => {
    const { teamId, monitorId } = await teamWithMonitor();
    const ch = await insertChannel(database.db, teamId, 'webhook', { url: `${hook.url}/hooks/busy`, secret });
    await routeMonitor(database.db, teamId, monitorId, [ch]);
    hook.script.push({ status: 503, headers: { 'retry-after': '1' } }, { status: 429, headers: { 'retry-after': '1' } });
    const { eventId } = await insertIncidentEvent(database.db, teamId, monitorId);
    await enqueueEvents(ctx, [eventId]);
    const [row] = await settled(teamId, 1);
    expect(row).toMatchObject({ status: 'sent', attempts: 3, provider_status_code: 204, last_error: null });
    expect(hook.requests).toHaveLength(3);
    expect(new Set(hook.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([row!.idempotency_key]));
    expect(hook.requests[1]!.at - hook.requests[0]!.at).toBeGreaterThanOrEqual(950);
    expect(hook.requests[2]!.at - hook.requests[1]!.at).toBeGreaterThanOrEqual(950);
    expect(hook.uniqueIds()).toEqual([row!.idempotency_key]);
  });

  it('treats a redirect as a failure without following it', async () => {
    const { teamId, monitorId } = await teamWithMonitor();
    const ch = await insertChannel(database.db, teamId, 'webhook', { url: `${hook.url}/hooks/moved`, secret });
    await routeMonitor(database.db, teamId, monitorId, [ch]);
    hook.script.push({ status: 301, headers: { location: `${hook.url}/hooks/elsewhere` } });
    const { eventId } = await insertIncidentEvent(database.db, teamId, monitorId);
    await enqueueEvents(ctx, [eventId]);
    const [row] = await settled(teamId, 1);
    // first attempt 301 (not followed), the retry reaches the configured URL again and succeeds
    expect(hook.requests.map((r) => r.path)).toEqual(['/hooks/moved', '/hooks/moved']);
    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('disables the channel on 410, tells the team in the log and the channel, and stops retrying', async () => {
    const { teamId, monitorId } = await teamWithMonitor();
    const ch = await insertChannel(database.db, teamId, 'webhook', { url: `${hook.url}/hooks/gone`, secret });
    await routeMonitor(database.db, teamId, monitorId, [ch]);
    hook.script.push({ status: 410 });
    const first = await insertIncidentEvent(database.db, teamId, monitorId);
    await enqueueEvents(ctx, [first.eventId]);
    const [row] = await settled(teamId, 1);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, provider_status_code: 410 });
    expect(row!.last_error).toMatch(/410 Gone; the channel was disabled/);
    const channel = await database.db.selectFrom('notification_channels').selectAll().where('id', '=', ch).executeTakeFirstOrThrow();
    expect(Boolean(channel.enabled)).toBe(false);
    expect(channel.disabled_reason).toMatch(/410 Gone/);
    await waitFor(async () => database.db.selectFrom('failed_jobs').selectAll().where('job_id', '=', await deliveryJobIdOf(database.db, row!.id)).executeTakeFirst());
    // the next event does not go to the disabled channel at all
    const { incidentId } = first;
    const resolved = await insertIncidentEvent(database.db, teamId, monitorId, 'incident.resolved', incidentId);
    await enqueueEvents(ctx, [resolved.eventId]);
    // the event's fan-out job ran, and nothing it could cause is still queued
    const jobs = producerFor(ctx);
    await waitFor(async () => (await jobs.queue(QUEUES.notify).getJob(await jobIdOf(jobs, incidentEventJob, { event_id: resolved.eventId })))?.finishedOn);
    await jobs.close();
    await drained();
    expect(hook.requests).toHaveLength(1);
    expect(await alertRows(database.db, teamId)).toHaveLength(1);
  });

  it('dead-letters after the last attempt with ids only (no secrets) in failed_jobs', async () => {
    const { teamId, monitorId } = await teamWithMonitor();
    const ch = await insertChannel(database.db, teamId, 'telegram', { bot_token: TOKEN, chat_id: 5 });
    await routeMonitor(database.db, teamId, monitorId, [ch]);
    for (let i = 0; i < ATTEMPTS; i++) telegram.script.push({ status: 500, body: { ok: false, error_code: 500, description: 'Internal Server Error' } });
    const { eventId } = await insertIncidentEvent(database.db, teamId, monitorId);
    await enqueueEvents(ctx, [eventId]);
    const [row] = await settled(teamId, 1, 20_000);
    expect(row).toMatchObject({ status: 'failed', attempts: ATTEMPTS, provider_status_code: 500 });
    expect(row!.last_error).toBe('Telegram answered 500: Internal Server Error');
    expect(telegram.requests).toHaveLength(ATTEMPTS);
    // exponential: each gap at least the previous one (150, 450, 1350 ms with ±10 % jitter)
    const gaps = telegram.requests.slice(1).map((r, i) => r.at - telegram.requests[i]!.at);
    expect(gaps[0]).toBeGreaterThanOrEqual(120);
    expect(gaps[2]!).toBeGreaterThan(gaps[0]!);
    const dead = await waitFor(async () => database.db.selectFrom('failed_jobs').selectAll().where('job_id', '=', await deliveryJobIdOf(database.db, row!.id)).executeTakeFirst());
    expect(dead).toMatchObject({ queue: QUEUES.alerts, name: deliverJob.name, team_id: teamId, data: { alert_id: String(row!.id) } });
    expect(JSON.stringify(dead)).not.toContain(TOKEN);
    expect(JSON.stringify(row)).not.toContain(TOKEN);
  });

  it('honours Telegram 429 retry_after and treats a 400 as permanent', async () => {
    const { teamId, monitorId } = await teamWithMonitor();
    const ch = await insertChannel(database.db, teamId, 'telegram', { bot_token: TOKEN, chat_id: '@sentry_ops' });
    await routeMonitor(database.db, teamId, monitorId, [ch]);
    telegram.script.push({ status: 429, body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } } });
    const a = await insertIncidentEvent(database.db, teamId, monitorId);
    await enqueueEvents(ctx, [a.eventId]);
    const [row] = await settled(teamId, 1);
    expect(row).toMatchObject({ status: 'sent', attempts: 2, provider_status_code: 200 });
    expect(telegram.requests[1]!.at - telegram.requests[0]!.at).toBeGreaterThanOrEqual(950);

    telegram.script.push({ status: 400, body: { ok: false, error_code: 400, description: "Bad Request: can't parse entities" } });
    const b = await insertIncidentEvent(database.db, teamId, monitorId, 'incident.resolved', a.incidentId);
    await enqueueEvents(ctx, [b.eventId]);
    const rows = await settled(teamId, 2);
    expect(rows[1]).toMatchObject({ status: 'failed', attempts: 1, provider_status_code: 400, last_error: "Telegram answered 400: Bad Request: can't parse entities" });
    expect(telegram.requests).toHaveLength(3);
  });

  it('maps WhatsApp error codes: throttling is retried, outside the service window is permanent', async () => {
    const { teamId, monitorId } = await teamWithMonitor();
    const ch = await insertChannel(database.db, teamId, 'whatsapp', { phone_number_id: '555001', access_token: 'EAAG-test-access-token-0123456789', to: '15551234567' });
    await routeMonitor(database.db, teamId, monitorId, [ch]);
    whatsapp.script.push({ status: 400, body: { error: { message: '(#130429) Rate limit hit', code: 130429 } } });
    const a = await insertIncidentEvent(database.db, teamId, monitorId);
    await enqueueEvents(ctx, [a.eventId]);
    expect((await settled(teamId, 1))[0]).toMatchObject({ status: 'sent', attempts: 2 });

    whatsapp.script.push({ status: 400, body: { error: { message: 'Re-engagement message', code: 131047 } } });
    const b = await insertIncidentEvent(database.db, teamId, monitorId, 'incident.resolved', a.incidentId);
    await enqueueEvents(ctx, [b.eventId]);
    const rows = await settled(teamId, 2);
    expect(rows[1]).toMatchObject({ status: 'failed', attempts: 1, provider_status_code: 131047 });
    expect(rows[1]!.last_error).toContain('Re-engagement message');
    expect(rows[1]!.last_error).not.toContain('EAAG');
  });

  it('retries an SMTP 451 and fails a 550 for good', async () => {
    const { teamId, monitorId } = await teamWithMonitor();
    const ch = await insertChannel(database.db, teamId, 'email', { to: ['oncall@example.test'] });
    await routeMonitor(database.db, teamId, monitorId, [ch]);
    smtp.reject.push({ code: 451, message: 'Try again later' });
    const a = await insertIncidentEvent(database.db, teamId, monitorId);
    await enqueueEvents(ctx, [a.eventId]);
    expect((await settled(teamId, 1))[0]).toMatchObject({ status: 'sent', attempts: 2, provider_status_code: 250 });
    expect(smtp.mails).toHaveLength(1);

    smtp.reject.push({ code: 550, message: 'Mailbox unavailable' });
    const b = await insertIncidentEvent(database.db, teamId, monitorId, 'incident.resolved', a.incidentId);
    await enqueueEvents(ctx, [b.eventId]);
    const rows = await settled(teamId, 2);
    expect(rows[1]).toMatchObject({ status: 'failed', attempts: 1, provider_status_code: 550 });
    expect(smtp.mails).toHaveLength(1);
  });

  it('sends no alert email to an address whose account has not verified it (account security)', async () => {
    const { teamId, monitorId } = await teamWithMonitor();
    await database.db.insertInto('users').values([
      { name: 'u', email: 'unverified@example.test', password_hash: 'x', email_verified_at: null },
      { name: 'v', email: 'verified@example.test', password_hash: 'x', email_verified_at: new Date() },
    ]).execute();
    const mixed = await insertChannel(database.db, teamId, 'email', { to: ['Unverified@example.test', 'verified@example.test', 'list@example.test'] });
    const onlyUnverified = await insertChannel(database.db, teamId, 'email', { to: ['unverified@example.test'] });
    await routeMonitor(database.db, teamId, monitorId, [mixed, onlyUnverified]);
    const before = smtp.mails.length;
    const a = await insertIncidentEvent(database.db, teamId, monitorId);
    await enqueueEvents(ctx, [a.eventId]);
    const rows = await settled(teamId, 2);
    const byChannel = Object.fromEntries(rows.map((r) => [r.channel_id, r]));
    expect(byChannel[mixed]).toMatchObject({ status: 'sent' });
    expect(byChannel[onlyUnverified]).toMatchObject({ status: 'failed', attempts: 1 });
    expect(byChannel[onlyUnverified]!.last_error).toMatch(/not verified/);
    const sent = smtp.mails.slice(before);
    expect(sent).toHaveLength(1);
    const to = JSON.stringify(sent[0]!.to);
    expect(to).toContain('verified@example.test');
    expect(to).toContain('list@example.test');
    expect(to.toLowerCase()).not.toContain('unverified@example.test');
  });

  it('suppresses alerts of a monitor inside a maintenance window', async () => {
    const { teamId, monitorId } = await teamWithMonitor();
    const ch = await insertChannel(database.db, teamId, 'webhook', { url: `${hook.url}/hooks/maint`, secret });
    await routeMonitor(database.db, teamId, monitorId, [ch]);
    const w = await database.db
      .insertInto('maintenance_windows')
      .values({ team_id: teamId, title: 'DB upgrade', starts_at: new Date(Date.now() - 60_000), ends_at: new Date(Date.now() + 3_600_000) })
      .executeTakeFirstOrThrow();
    await database.db.insertInto('maintenance_monitors').values({ maintenance_id: Number(w.insertId), monitor_id: monitorId, team_id: teamId }).execute();
    const { eventId } = await insertIncidentEvent(database.db, teamId, monitorId);
    await enqueueEvents(ctx, [eventId]);
    const [row] = await settled(teamId, 1);
    expect(row).toMatchObject({ status: 'suppressed', attempts: 0 });
    await drained();
    expect(hook.requests).toHaveLength(0);
    expect(await alertRows(database.db, teamId)).toHaveLength(1);
  });

  it('sends manual incidents to the team default channels, and nothing for another team', async () => {
    const { teamId } = await teamWithMonitor();
    const other = await teamWithMonitor();
    const def = await insertChannel(database.db, teamId, 'webhook', { url: `${hook.url}/hooks/default`, secret }, { isDefault: true });
    await insertChannel(database.db, teamId, 'webhook', { url: `${hook.url}/hooks/not-default`, secret });
    await insertChannel(database.db, other.teamId, 'webhook', { url: `${hook.url}/hooks/other-team`, secret }, { isDefault: true });
    const { eventId } = await insertIncidentEvent(database.db, teamId, null, 'incident.opened');
    await enqueueEvents(ctx, [eventId]);
    const [row] = await settled(teamId, 1);
    expect(row).toMatchObject({ channel_id: def, status: 'sent' });
    expect(hook.requests.map((r) => r.path)).toEqual(['/hooks/default']);
    expect(hook.verified()[0]!.payload).toMatchObject({ type: 'incident.opened', data: { monitor: null, incident: { title: 'Payments are slow' } } });
    expect(await alertRows(database.db, other.teamId)).toHaveLength(0);
  });

  it('does not send with a secret encrypted for another team (ciphertext moved between rows)', async () => {
    const { teamId, monitorId } = await teamWithMonitor();
    const other = await createTeam(database.db);
    const foreign = await insertChannel(database.db, other, 'webhook', { url: `${hook.url}/hooks/x`, secret });
    const ch = await insertChannel(database.db, teamId, 'webhook', { url: `${hook.url}/hooks/moved-secret`, secret });
    const stolen = await database.db.selectFrom('notification_channels').select('secret_ciphertext').where('id', '=', foreign).executeTakeFirstOrThrow();
    await database.db.updateTable('notification_channels').set({ secret_ciphertext: stolen.secret_ciphertext }).where('id', '=', ch).execute();
    await routeMonitor(database.db, teamId, monitorId, [ch]);
    const { eventId } = await insertIncidentEvent(database.db, teamId, monitorId);
    await enqueueEvents(ctx, [eventId]);
    const [row] = await settled(teamId, 1);
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row!.last_error).toMatch(/could not be decrypted/);
    expect(hook.requests).toHaveLength(0);
    await waitFor(async () => database.db.selectFrom('failed_jobs').selectAll().where('job_id', '=', await deliveryJobIdOf(database.db, row!.id)).executeTakeFirst());
  });
  it('tells an incident update with its message, and a certificate about to expire with the days left', async () => {
    const { teamId, monitorId } = await teamWithMonitor();
    const ch = await insertChannel(database.db, teamId, 'email', { to: ['oncall@example.test'] });
    await routeMonitor(database.db, teamId, monitorId, [ch]);
    const { incidentId } = await insertIncidentEvent(database.db, teamId, monitorId);
    const u = await database.db
      .insertInto('incident_updates')
      .values({ incident_id: incidentId, team_id: teamId, status: 'identified', message: 'A bad deploy; rolling back.' })
      .executeTakeFirstOrThrow();
    await database.db.updateTable('incidents').set({ status: 'identified' }).where('id', '=', incidentId).execute();
    const upd = await database.db
      .insertInto('incident_events')
      .values({ team_id: teamId, incident_id: incidentId, monitor_id: monitorId, update_id: Number(u.insertId), type: 'incident.updated' })
      .executeTakeFirstOrThrow();
    await database.db.updateTable('monitors').set({ cert_expires_at: new Date(Date.now() + 6.5 * 86_400_000) }).where('id', '=', monitorId).execute();
    const cert = await database.db
      .insertInto('incidents')
      .values({ team_id: teamId, monitor_id: monitorId, kind: 'certificate', title: 'Certificate expires soon', severity: 'minor', started_at: new Date() })
      .executeTakeFirstOrThrow();
    const certEvent = await database.db
      .insertInto('incident_events')
      .values({ team_id: teamId, incident_id: Number(cert.insertId), monitor_id: monitorId, type: 'certificate.expiring' })
      .executeTakeFirstOrThrow();
    // the opened event of this incident is not enqueued: only the two under test
    await enqueueEvents(ctx, [Number(upd.insertId), Number(certEvent.insertId)]);
    await waitFor(async () => smtp.mails.length === 2);
    const subjects = smtp.mails.map((m) => m.subject).sort();
    expect(subjects).toEqual(['CERT EXPIRING: api.example.com — in 6 days', 'UPDATE: Monitor is down — identified']);
    const update = smtp.mails.find((m) => m.subject?.startsWith('UPDATE'))!;
    expect(update.text).toContain('Update: A bad deploy; rolling back.');
  });
  it('delivers a row committed after its job first ran: "row not found yet" is retried, not skipped (issue 18)', async () => {
    const { teamId } = await teamWithMonitor();
    const ch = await insertChannel(database.db, teamId, 'webhook', { url: `${hook.url}/hooks/late-row`, secret });
    const { max } = await database.db.selectFrom('alerts_sent').select((eb) => eb.fn.max('id').as('max')).executeTakeFirstOrThrow();
    const alertId = String(Number(max ?? 0) + 1000);
    // The race of a producer that enqueues inside its transaction: the job runs before the commit.
    const jobs = producerFor(ctx);
    const queue = jobs.queue(QUEUES.alerts);
    await enqueueDeliveries(jobs, [alertId]);
    const jobId = await jobIdOf(jobs, deliverJob, { alert_id: alertId });
    await waitFor(async () => (await queue.getJob(jobId))?.attemptsStarted === 1 && (await queue.getJobState(jobId)) === 'delayed');
    await database.db
      .insertInto('alerts_sent')
      .values({ id: alertId, team_id: teamId, channel_id: ch, channel_type: 'webhook', event_id: null, event_key: `test:${alertId}`, event_type: 'test', idempotency_key: newWebhookId() })
      .execute();
    const row = await waitFor(async () => {
      const r = await database.db.selectFrom('alerts_sent').selectAll().where('id', '=', alertId).executeTakeFirst();
      return r?.status === 'sent' ? r : null;
    });
    expect(row.attempts).toBe(1);
    expect(hook.requests.filter((r) => r.path === '/hooks/late-row')).toHaveLength(1);
    await jobs.close();
  });

  it('dead-letters a delivery whose row never comes, saying so', async () => {
    const jobs = producerFor(ctx);
    await enqueueDeliveries(jobs, ['999999999']);
    const jobId = await jobIdOf(jobs, deliverJob, { alert_id: '999999999' });
    const dead = await waitFor(async () => database.db.selectFrom('failed_jobs').selectAll().where('job_id', '=', jobId).executeTakeFirst(), 20_000);
    expect(dead).toMatchObject({ queue: QUEUES.alerts, team_id: null, attempts: MISSING_ROW_TRIES });
    expect(dead.error).toBe('alerts_sent row 999999999 does not exist (never committed, or deleted with its team)');
    await jobs.close();
  });

  it('retries a fan-out that failed on the database (the engine enqueues without retry options)', async () => {
    const { teamId, monitorId } = await teamWithMonitor();
    const ch = await insertChannel(database.db, teamId, 'webhook', { url: `${hook.url}/hooks/fanout-retry`, secret });
    await routeMonitor(database.db, teamId, monitorId, [ch]);
    const { eventId } = await insertIncidentEvent(database.db, teamId, monitorId);
    // The table the fan-out writes to is away for a moment: its job fails and is put back to delayed.
    await sql`RENAME TABLE alerts_sent TO alerts_sent_away`.execute(database.db);
    try {
      await enqueueEvents(ctx, [eventId]);
      const jobs = producerFor(ctx);
      const notify = jobs.queue(QUEUES.notify);
      const jobId = await jobIdOf(jobs, incidentEventJob, { event_id: eventId });
      await waitFor(async () => (await notify.getJob(jobId))?.attemptsStarted === 1 && (await notify.getJobState(jobId)) === 'delayed');
      await jobs.close();
    } finally {
      await sql`RENAME TABLE alerts_sent_away TO alerts_sent`.execute(database.db);
    }
    const [row] = await settled(teamId, 1);
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });
    expect(hook.requests.map((r) => r.path)).toEqual(['/hooks/fanout-retry']);
  });
});
