import { createTestDatabase, type TestDatabase } from '@sentrypulse/db/testing';
import { ingestStreamKey, type IngestEvent } from '@sentrypulse/shared';
import { loadConfig } from '@sentrypulse/shared/config';
import { QUEUES } from '@sentrypulse/jobs';
import { randomBytes, randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeWorkerContext, createWorkerContext, type WorkerContext } from '../context';
import { analyticsModule } from './module';
import { producerFor } from '../jobs';

let database: TestDatabase;
let ctx: WorkerContext;
const prefix = `sptest:${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  database = await createTestDatabase('anmod');
  ctx = createWorkerContext(loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent' }), pino({ level: 'silent' }));
});
afterAll(async () => {
  const keys = await ctx.redis.keys(`${prefix}*`);
  if (keys.length) await ctx.redis.del(...keys);
  await closeWorkerContext(ctx);
  await database.drop();
});

describe('analytics worker module', () => {
  it('schedules aggregation at 01:00 UTC and retention once, however many workers start, and drains the stream', async () => {
    const a = await analyticsModule.start(ctx);
    const b = await analyticsModule.start(ctx); // a second worker process: same scheduler ids
    const jobs = producerFor(ctx);
    const queue = jobs.queue(QUEUES.analytics);
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.pattern, s.tz]).sort()).toEqual([
      ['analytics-aggregate-daily', '0 1 * * *', 'UTC'],
      ['analytics-retention', '30 1 * * *', 'UTC'],
    ]);

    const event: IngestEvent = {
      id: randomUUID().replace(/-/g, ''),
      site: 7,
      ts: Date.now(),
      v: randomBytes(8).toString('hex'),
      n: 'pageview',
      host: 'example.com',
      path: '/',
      ref: '',
      us: '',
      um: '',
      uc: '',
      b: 'Chrome',
      o: 'Linux',
      d: 'Desktop',
      c: 'DE',
      props: null,
    };
    await ctx.redis.xadd(ingestStreamKey(prefix), '*', 'b', JSON.stringify([event]));
    let rows = 0;
    for (let i = 0; i < 50 && rows === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      rows = (await database.db.selectFrom('pageviews_raw').select('site_id').execute()).length;
    }
    expect(rows).toBe(1);
    await jobs.close();
    await Promise.all([a.close(), b.close()]);
  });
});
