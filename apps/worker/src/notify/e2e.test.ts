import { syncMonitorSchedule } from '@sentrypulse/jobs';
import { createTestDatabase, type TestDatabase } from '@sentrypulse/db/testing';
import { loadConfig } from '@sentrypulse/shared/config';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeWorkerContext, createWorkerContext, type WorkerContext } from '../context';
import { producerFor } from '../jobs';
import type { RunningModule } from '../module';
import { monitoringModule } from '../monitoring/module';
import { createTeam, insertMonitor, switchableTarget, waitFor } from '../monitoring/test-support';
import { notifyModule } from './module';
import { alertRows, insertChannel, newWebhookSecret, notifyIdle, routeMonitor, TEST_ENCRYPTION_KEY } from '../../test/notify-support';
import { startFakeTelegram, startSmtp, startWebhookReceiver, type FakeServer, type FakeSmtp, type WebhookReceiver } from './testing';

/** The whole path: a real target, the real monitoring engine, the real dispatcher, local peers. */
let database: TestDatabase;
let prefix: string;
let ctx: WorkerContext;
const running: RunningModule[] = [];
let hook: WebhookReceiver;
let telegram: FakeServer;
let smtp: FakeSmtp;
const secret = newWebhookSecret();
const TOKEN = '123456789:AAEhBOweik6ad6PsVMRxjeQKUl9b9b9b9b9';

beforeAll(async () => {
  database = await createTestDatabase('notifye2e');
  prefix = `sptest:${randomBytes(4).toString('hex')}`;
  [hook, telegram, smtp] = await Promise.all([startWebhookReceiver(() => secret), startFakeTelegram(), startSmtp()]);
  ctx = createWorkerContext(
    loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: database.url,
      REDIS_PREFIX: prefix,
      OUTBOUND_ALLOW_PRIVATE: 'true',
      LOG_LEVEL: 'silent',
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      TELEGRAM_API_BASE: telegram.url,
      SMTP_URL: smtp.url,
    }),
    pino({ level: 'silent' }),
  );
  running.push(await monitoringModule({ concurrency: 20, housekeeping: false }).start(ctx));
  running.push(await notifyModule().start(ctx));
});

afterAll(async () => {
  for (const m of running.reverse()) await m.close().catch(() => undefined);
  await closeWorkerContext(ctx);
  await Promise.all([hook.close(), telegram.close(), smtp.close()]);
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.unlink(...keys);
  redis.disconnect();
  await database.drop();
});

describe('monitoring engine → alerts', () => {
  it('target goes down: each channel gets "opened" once; it recovers: each gets "resolved" once; flapping sends one message per transition', async () => {
    const teamId = await createTeam(database.db);
    const target = await switchableTarget();
    const monitorId = await insertMonitor(database.db, teamId, { name: 'Checkout API', url: target.url, confirmations: 2 });
    const channels = [
      await insertChannel(database.db, teamId, 'webhook', { url: `${hook.url}/e2e`, secret }),
      await insertChannel(database.db, teamId, 'telegram', { bot_token: TOKEN, chat_id: 99 }),
      await insertChannel(database.db, teamId, 'email', { to: ['oncall@example.test'] }),
    ];
    await routeMonitor(database.db, teamId, monitorId, channels);
    const q = producerFor(ctx);
    await syncMonitorSchedule(q, { id: monitorId, enabled: true, interval_seconds: 1 });

    await waitFor(async () => (await database.db.selectFrom('monitors').select('status').where('id', '=', monitorId).executeTakeFirst())?.status === 'up');
    target.mode = 'fail';
    await waitFor(async () => hook.verified().length === 1 && telegram.requests.length === 1 && smtp.mails.length === 1, 20_000);
    expect(hook.verified()[0]!.payload).toMatchObject({ type: 'incident.opened', data: { monitor: { id: monitorId, name: 'Checkout API', status_code: 500 } } });
    expect(JSON.parse(telegram.requests[0]!.body).text.split('\n')[0]).toMatch(/^\*DOWN: 127\\\.0\\\.0\\\.1:\d+ — 500\*$/);
    expect(smtp.mails[0]!.subject).toMatch(/^DOWN: 127\.0\.0\.1:\d+ — 500$/);

    // a few more failing checks: still one message per channel (one per incident transition)
    const checksBefore = await database.db.selectFrom('monitor_checks').select('id').where('monitor_id', '=', monitorId).execute();
    await waitFor(async () => (await database.db.selectFrom('monitor_checks').select('id').where('monitor_id', '=', monitorId).execute()).length >= checksBefore.length + 3, 10_000);
    expect(hook.requests).toHaveLength(1);

    target.mode = 'ok';
    await waitFor(async () => hook.verified().length === 2 && telegram.requests.length === 2 && smtp.mails.length === 2, 20_000);
    expect(hook.verified()[1]!.payload).toMatchObject({ type: 'incident.resolved', data: { incident: { status: 'resolved' } } });
    expect(smtp.mails[1]!.subject).toMatch(/^UP: 127\.0\.0\.1:\d+ — down for \d+s$/);
    expect(JSON.parse(telegram.requests[1]!.body).text).toMatch(/^\*UP: /);

    // A duplicate could only come from a job still queued or retrying: wait until none is left.
    await waitFor(() => notifyIdle(ctx, database.db), 15_000);
    expect([hook.requests.length, telegram.requests.length, smtp.mails.length]).toEqual([2, 2, 2]);
    const rows = await alertRows(database.db, teamId);
    expect(rows.map((r) => [r.event_type, r.status])).toEqual([
      ['incident.opened', 'sent'],
      ['incident.opened', 'sent'],
      ['incident.opened', 'sent'],
      ['incident.resolved', 'sent'],
      ['incident.resolved', 'sent'],
      ['incident.resolved', 'sent'],
    ]);

    // Flapping: down and up twice more. Each transition is one incident event and one message per
    // channel, never one per failing check.
    for (let i = 0; i < 2; i++) {
      target.mode = 'fail';
      await waitFor(async () => (await database.db.selectFrom('incidents').select('id').where('monitor_id', '=', monitorId).where('status', '<>', 'resolved').executeTakeFirst()) !== undefined, 15_000);
      target.mode = 'ok';
      await waitFor(async () => (await database.db.selectFrom('incidents').select('id').where('monitor_id', '=', monitorId).where('status', '<>', 'resolved').executeTakeFirst()) === undefined, 15_000);
    }
    const events = await database.db.selectFrom('incident_events').select(['id', 'type']).where('monitor_id', '=', monitorId).orderBy('id').execute();
    expect(events.map((e) => e.type)).toEqual(['incident.opened', 'incident.resolved', 'incident.opened', 'incident.resolved', 'incident.opened', 'incident.resolved']);
    await waitFor(async () => hook.verified().length === 6 && telegram.requests.length === 6 && smtp.mails.length === 6, 20_000);
    await waitFor(() => notifyIdle(ctx, database.db), 15_000);
    expect([hook.requests.length, telegram.requests.length, smtp.mails.length]).toEqual([6, 6, 6]);
    expect(hook.verified().map((v) => v.payload.type)).toEqual(events.map((e) => e.type));
    expect(hook.uniqueIds()).toHaveLength(6);
    await syncMonitorSchedule(q, { id: monitorId, enabled: false, interval_seconds: 1 });
    await q.close();
    await target.close();
  }, 90_000);

  it('performance incident: one SLOW message per channel, escalated once to an outage, resolved once', async () => {
    const teamId = await createTeam(database.db);
    const target = await switchableTarget();
    const monitorId = await insertMonitor(database.db, teamId, {
      name: 'Search API',
      url: target.url,
      degraded_threshold_ms: 100,
      alert_on_degraded: true,
      confirmations: 2,
    });
    const sentBefore = { mails: smtp.mails.length };
    const channels = [await insertChannel(database.db, teamId, 'webhook', { url: `${hook.url}/slow`, secret }), await insertChannel(database.db, teamId, 'email', { to: ['oncall@example.test'] })];
    await routeMonitor(database.db, teamId, monitorId, channels);
    const q = producerFor(ctx);
    await syncMonitorSchedule(q, { id: monitorId, enabled: true, interval_seconds: 1 });
    await waitFor(async () => (await database.db.selectFrom('monitors').select('status').where('id', '=', monitorId).executeTakeFirst())?.status === 'up');

    const mine = () => hook.verified().filter((v) => v.payload.data.monitor?.id === monitorId);
    const mails = () => smtp.mails.slice(sentBefore.mails);
    target.mode = 'slow';
    await waitFor(async () => mine().length === 1 && mails().length === 1, 20_000);
    expect(mine()[0]!.payload).toMatchObject({
      type: 'incident.opened',
      data: { incident: { cause: 'degraded', severity: 'minor', status: 'investigating' }, monitor: { id: monitorId, name: 'Search API', status: 'degraded' } },
    });
    expect(mine()[0]!.payload.data.incident!.title).toMatch(/^Search API is slow: \d{3,} ms \(threshold 100 ms\)$/);
    expect(mails()[0]!.subject).toMatch(/^SLOW: 127\.0\.0\.1:\d+ — \d{3,} ms \(threshold 100 ms\)$/);

    // more slow checks: nothing more is sent
    const slowBefore = (await database.db.selectFrom('monitor_checks').select('id').where('monitor_id', '=', monitorId).execute()).length;
    await waitFor(async () => (await database.db.selectFrom('monitor_checks').select('id').where('monitor_id', '=', monitorId).execute()).length >= slowBefore + 3, 10_000);
    expect(mine()).toHaveLength(1);

    // it goes down: the same incident escalates (one update message), the outage is counted
    target.mode = 'fail';
    await waitFor(async () => mine().length === 2 && mails().length === 2, 20_000);
    expect(mine()[1]!.payload).toMatchObject({ type: 'incident.updated', data: { incident: { cause: 'down', severity: 'critical', id: mine()[0]!.payload.data.incident!.id } } });
    expect(mails()[1]!.subject).toBe('UPDATE: Search API is down — investigating');
    expect(mails()[1]!.text).toMatch(/Escalated to an outage: expected status 200-299, got 500/);

    target.mode = 'ok';
    await waitFor(async () => mine().length === 3 && mails().length === 3, 20_000);
    expect(mine()[2]!.payload).toMatchObject({ type: 'incident.resolved', data: { incident: { status: 'resolved' } } });
    await waitFor(() => notifyIdle(ctx, database.db), 15_000);
    expect(mine()).toHaveLength(3);
    expect(mails()).toHaveLength(3);
    const incidents = await database.db.selectFrom('incidents').select(['id', 'cause', 'status']).where('monitor_id', '=', monitorId).execute();
    expect(incidents).toEqual([{ id: mine()[0]!.payload.data.incident!.id, cause: 'down', status: 'resolved' }]);
    const events = await database.db.selectFrom('incident_events').select('type').where('monitor_id', '=', monitorId).orderBy('id').execute();
    expect(events.map((e) => e.type)).toEqual(['incident.opened', 'incident.updated', 'incident.resolved']);
    expect(new Set(mine().map((v) => v.id)).size).toBe(3);
    const outages = await database.db.selectFrom('monitor_outages').selectAll().where('monitor_id', '=', monitorId).execute();
    const firstFailure = await database.db.selectFrom('monitor_checks').select('checked_at').where('monitor_id', '=', monitorId).where('status', '=', 'down').orderBy('checked_at').executeTakeFirstOrThrow();
    expect(outages).toHaveLength(1);
    expect(outages[0]!.started_at.getTime()).toBe(firstFailure.checked_at.getTime());
    await syncMonitorSchedule(q, { id: monitorId, enabled: false, interval_seconds: 1 });
    await q.close();
    await target.close();
  }, 90_000);
});
