import { createDb } from '@sentrypulse/db';
import { createTestDatabase, type TestDatabase } from '@sentrypulse/db/testing';
import { INGEST_CONSUMER_GROUP, ingestStreamKey, type IngestEvent } from '@sentrypulse/shared';
import { Redis } from 'ioredis';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestDrainer } from './drain';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = pino({ level: 'silent' });
let database: TestDatabase;
let redis: Redis;
const prefix = `sptest:${randomBytes(4).toString('hex')}`;
const key = ingestStreamKey(prefix);

function event(i: number, ts = Date.now()): IngestEvent {
  return {
    id: randomUUID().replace(/-/g, ''),
    site: 1,
    ts: ts + i,
    v: randomBytes(8).toString('hex'),
    n: 'pageview',
    host: 'example.com',
    path: `/p${i}`,
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
}

async function rawCount() {
  const r = await database.db.selectFrom('pageviews_raw').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

function drainer(db = database.db, claimIdleMs?: number, logger = log) {
  const blocking = new Redis(REDIS_URL);
  const d = new IngestDrainer({ db, redis, blocking, redisPrefix: prefix, log: logger, blockMs: 100, claimIdleMs });
  return { d, close: () => blocking.disconnect() };
}

/** A TCP port that accepts and immediately closes connections: MySQL "down". */
async function deadPort(): Promise<{ port: number; close(): void }> {
  const server = createServer((s) => s.destroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, close: () => server.close() };
}

beforeAll(async () => {
  database = await createTestDatabase('drain');
  redis = new Redis(REDIS_URL);
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  await database.drop();
});

describe('ingest drain', () => {
  it('inserts every batch with multi-row inserts and acknowledges and deletes the stream entries', async () => {
    const before = await rawCount();
    const events = Array.from({ length: 1_200 }, (_, i) => event(i));
    for (let i = 0; i < events.length; i += 500) await redis.xadd(key, '*', 'b', JSON.stringify(events.slice(i, i + 500)));
    const { d, close } = drainer();
    expect(await d.drainAll()).toBe(1_200);
    close();
    expect(await rawCount()).toBe(before + 1_200);
    expect(await redis.xlen(key)).toBe(0);
  });

  it('keeps a visitor in one visit across batches, its state in Redis for 35 minutes', async () => {
    const { d, close } = drainer();
    const first = event(1);
    const later = { ...event(2), v: first.v, ts: first.ts + 60_000 };
    await redis.xadd(key, '*', 'b', JSON.stringify([first]));
    await d.drainAll();
    await redis.xadd(key, '*', 'b', JSON.stringify([later]));
    await d.drainAll();
    close();
    const visits = await database.db
      .selectFrom('pageviews_raw')
      .select('visit_id')
      .where('event_id', 'in', [Buffer.from(first.id, 'hex'), Buffer.from(later.id, 'hex')])
      .execute();
    expect(visits).toHaveLength(2);
    expect(visits[0]!.visit_id).toBe(visits[1]!.visit_id);
    const stateKey = `${prefix}:analytics:visit:1:${first.v}`;
    expect(JSON.parse((await redis.get(stateKey))!)).toMatchObject({ id: Number(visits[0]!.visit_id), last: later.ts, entry: first.path });
    const ttl = await redis.pttl(stateKey);
    expect(ttl).toBeGreaterThan(34 * 60_000);
    expect(ttl).toBeLessThanOrEqual(35 * 60_000);
  });

  it('a replayed batch (crash after insert, before ack) adds nothing', async () => {
    const before = await rawCount();
    const { d, close } = drainer();
    await d.ensureGroup();
    await redis.xadd(key, '*', 'b', JSON.stringify([event(1), event(2)]));
    const entries = (await redis.xrange(key, '-', '+')) as [string, string[]][];
    await d.process(entries);
    await d.process(entries);
    close();
    expect(await rawCount()).toBe(before + 2);
  });

  it('keeps events in Redis while MySQL is down and drains them when it returns', async () => {
    const before = await rawCount();
    const dead = await deadPort();
    const down = createDb(`mysql://root@127.0.0.1:${dead.port}/nothing`, { connectionLimit: 1 });
    // Its warnings are captured: the test goes on once it has read the batch and failed to write it.
    const warnings: string[] = [];
    const broken = drainer(down, undefined, pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) }));
    await redis.xadd(key, '*', 'b', JSON.stringify([event(1), event(2), event(3)]));
    broken.d.start();
    const deadline = Date.now() + 10_000;
    while (!warnings.some((w) => w.includes('ingest drain failed'))) {
      if (Date.now() > deadline) throw new Error('the drainer did not try to write the batch within 10 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    await broken.d.stop();
    broken.close();
    await down.destroy().catch(() => {});
    dead.close();
    // Read and not acknowledged: still pending in the group, nothing lost, nothing inserted.
    const pending = (await redis.xpending(key, INGEST_CONSUMER_GROUP)) as [number, ...unknown[]];
    expect(pending[0]).toBe(1);
    expect(await rawCount()).toBe(before);

    // MySQL is back: the next drainer takes over the pending batch.
    const { d, close } = drainer(database.db, 0);
    d.start();
    for (let i = 0; i < 50 && (await rawCount()) < before + 3; i++) await new Promise((r) => setTimeout(r, 100));
    await d.stop();
    close();
    expect(await rawCount()).toBe(before + 3);
    expect(((await redis.xpending(key, INGEST_CONSUMER_GROUP)) as [number])[0]).toBe(0);
  });
});
