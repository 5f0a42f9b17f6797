import { createTestDatabase, type TestDatabase } from '@sentrypulse/db/testing';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig } from '@sentrypulse/shared/config';
import pino from 'pino';
import { killChild, startChildWorker } from '../../test/child-worker';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeWorkerContext, createWorkerContext, type WorkerContext } from '../context';
import { createTeam, insertMonitor, waitFor } from '../monitoring/test-support';
import { alertRows, enqueueEvents, insertChannel, insertIncidentEvent, newWebhookSecret, routeMonitor, TEST_ENCRYPTION_KEY } from '../../test/notify-support';
import { startSmtp, startWebhookReceiver, type FakeSmtp, type WebhookReceiver } from './testing';

/**
 * Exactly one delivered message per (event, channel) across a worker killed with SIGKILL (SPEC 4.4):
 * real worker processes, the lock of the dead one expires, another takes the job over.
 */
let database: TestDatabase;
let prefix: string;
let ctx: WorkerContext;
let hook: WebhookReceiver;
let smtp: FakeSmtp;
const secret = newWebhookSecret();
const children: ChildProcess[] = [];

function env(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    REDIS_PREFIX: prefix,
    OUTBOUND_ALLOW_PRIVATE: 'true',
    LOG_LEVEL: 'silent',
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    SMTP_URL: smtp.url,
    NOTIFY_TEST_LOCK_MS: '1000',
  };
}

const startWorker = () => startChildWorker('src/notify/testing-worker.ts', env(), children);
const kill = killChild;

beforeAll(async () => {
  database = await createTestDatabase('notifycrash');
  prefix = `sptest:${randomBytes(4).toString('hex')}`;
  hook = await startWebhookReceiver(() => secret);
  smtp = await startSmtp();
  ctx = createWorkerContext(loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent' }), pino({ level: 'silent' }));
}, 60_000);

// Each test starts from no worker at all, so the one it kills is the one holding the job.
afterEach(async () => {
  for (const c of children) await kill(c);
});

afterAll(async () => {
  for (const c of children) await kill(c);
  await closeWorkerContext(ctx);
  await hook.close();
  await smtp.close();
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.unlink(...keys);
  redis.disconnect();
  await database.drop();
});

describe('a worker killed mid-delivery', () => {
  it('killed after the webhook arrived but before recording it: the retry carries the same webhook-id, so one message', async () => {
    const teamId = await createTeam(database.db);
    const monitorId = await insertMonitor(database.db, teamId, { url: 'https://api.example.com/', status: 'down' });
    const ch = await insertChannel(database.db, teamId, 'webhook', { url: `${hook.url}/crash`, secret });
    await routeMonitor(database.db, teamId, monitorId, [ch]);
    const first = await startWorker();
    let killed = false;
    hook.onRequest = async () => {
      if (killed) return;
      killed = true;
      // The request is in: the worker dies before it can read the answer or write 'sent'.
      await kill(first);
    };
    const { eventId } = await insertIncidentEvent(database.db, teamId, monitorId);
    await enqueueEvents(ctx, [eventId]);
    await waitFor(async () => killed && first.signalCode === 'SIGKILL', 20_000);
    const [crashed] = await alertRows(database.db, teamId);
    expect(crashed).toMatchObject({ status: 'pending', attempts: 1 });
    expect(hook.verified()).toHaveLength(1);

    await startWorker();
    const [row] = await waitFor(async () => {
      const rows = await alertRows(database.db, teamId);
      return rows[0]?.status === 'sent' ? rows : null;
    }, 20_000);
    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
    // Two HTTP requests, both correctly signed, one webhook-id: a receiver that dedupes on it acts once.
    expect(hook.verified()).toHaveLength(2);
    expect(hook.uniqueIds()).toEqual([row!.idempotency_key]);
  }, 60_000);

  it('killed while talking to the SMTP server before the message was accepted: another worker sends it, once', async () => {
    const teamId = await createTeam(database.db);
    const monitorId = await insertMonitor(database.db, teamId, { url: 'https://mail.example.com/', status: 'down' });
    const ch = await insertChannel(database.db, teamId, 'email', { to: ['oncall@example.test'] });
    await routeMonitor(database.db, teamId, monitorId, [ch]);
    const first = await startWorker();
    let killed = false;
    smtp.onRcpt = async () => {
      if (killed) return;
      killed = true;
      await kill(first);
    };
    const { eventId } = await insertIncidentEvent(database.db, teamId, monitorId);
    await enqueueEvents(ctx, [eventId]);
    await waitFor(async () => killed && first.signalCode === 'SIGKILL', 20_000);
    expect(smtp.mails).toHaveLength(0);
    expect((await alertRows(database.db, teamId))[0]).toMatchObject({ status: 'pending' });

    await startWorker();
    const [row] = await waitFor(async () => {
      const rows = await alertRows(database.db, teamId);
      return rows[0]?.status === 'sent' ? rows : null;
    }, 20_000);
    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]!.subject).toBe('DOWN: mail.example.com');
  }, 60_000);
});
