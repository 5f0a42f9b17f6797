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
import { monitoringModule } from './module';
import { createTeam, insertMonitor, switchableTarget, waitFor } from './test-support';

/** With OUTBOUND_ALLOW_PRIVATE=false (the default) the engine's checks never reach loopback or private targets. */
let database: TestDatabase;
let ctx: WorkerContext;
let mod: RunningModule;

beforeAll(async () => {
  database = await createTestDatabase('monssrf');
  ctx = createWorkerContext(loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, REDIS_PREFIX: `sptest:${randomBytes(4).toString('hex')}` }), pino({ level: 'silent' }));
  expect(ctx.config.outboundAllowPrivate).toBe(false);
  mod = await monitoringModule({ concurrency: 10, housekeeping: false }).start(ctx);
});
afterAll(async () => {
  await mod.close();
  const redis = new Redis(ctx.config.redisUrl);
  const keys = await redis.keys(`${ctx.config.redisPrefix}*`);
  if (keys.length) await redis.unlink(...keys);
  redis.disconnect();
  await closeWorkerContext(ctx);
  await database.drop();
});

describe('SSRF guard in the engine', () => {
  it.each([
    ['loopback', (port: number) => `http://127.0.0.1:${port}/`],
    ['IPv4-mapped IPv6 loopback', (port: number) => `http://[::ffff:127.0.0.1]:${port}/`],
    ['metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
    ['private range', () => 'http://10.0.0.1/'],
  ])('refuses %s: the check is down with the reason and the target never sees a request', async (_name, url) => {
    const target = await switchableTarget();
    const port = Number(new URL(target.url).port);
    const teamId = await createTeam(database.db);
    const id = await insertMonitor(database.db, teamId, { url: url(port), timeout_ms: 1000 });
    const queue = producerFor(ctx);
    await syncMonitorSchedule(queue, { id, enabled: true, interval_seconds: 1 });
    const check = await waitFor(() => database.db.selectFrom('monitor_checks').selectAll().where('monitor_id', '=', id).executeTakeFirst());
    await syncMonitorSchedule(queue, { id, enabled: false, interval_seconds: 1 });
    await queue.close();
    expect(check.status).toBe('down');
    expect(check.error).toMatch(/^blocked: /);
    expect(target.hits).toBe(0);
    await target.close();
  });
});
