import { sql } from '@sentrypulse/db';
import { createTestDatabase, type TestDatabase } from '@sentrypulse/db/testing';
import { ingestStreamKey } from '@sentrypulse/shared';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raw } from './support/http';
import { freePort, stackEnv, startApi, startWorker, waitForHttp, type Proc } from './support/processes';
import { privateRedis, type PrivateServer } from './support/servers';

// "Nothing accepted is lost" across a Redis restart: an api process accepts pageviews into its
// buffer and Redis stream while no worker runs, then the test stops Redis (SIGTERM; AOF with
// fsync on every write), accepts more events while Redis is away (held in the api's memory),
// restarts Redis on the same port and data dir, and only then starts a worker. Every 202 must
// end up as exactly one row in pageviews_raw. The Redis is private to this test (a free port and
// a temp dir); the shared instance on 6379 is never touched.

const prefix = `sptest${randomBytes(3).toString('hex')}`;
const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0';
let database: TestDatabase;
let redis: PrivateServer;
let api: Proc;
let worker: Proc | undefined;
let apiBase: string;
let env: Record<string, string>;

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const v = await fn().catch((err: unknown) => ((last = err), undefined));
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Events in the ingest stream (each entry is one flushed batch). */
async function eventsInStream(): Promise<number> {
  const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
  try {
    await client.connect();
    const entries = await client.xrange(ingestStreamKey(prefix), '-', '+');
    return entries.reduce((n, [, fields]) => n + (JSON.parse(fields[1]!) as unknown[]).length, 0);
  } finally {
    client.disconnect();
  }
}

async function bufferedInApi(): Promise<number> {
  const text = (await raw(`${apiBase}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('sentrypulse_ingest_buffer_events '));
  return Number(line?.split(' ')[1] ?? NaN);
}

async function collectMany(code: string, from: number, count: number): Promise<number[]> {
  const out: number[] = [];
  // Sequential batches of 25: the api is one process on a shared machine.
  for (let i = from; i < from + count; i += 25) {
    const batch = Array.from({ length: Math.min(25, from + count - i) }, (_, k) =>
      raw(`${apiBase}/api/analytics/collect`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'user-agent': UA },
        body: JSON.stringify({ site: code, name: 'pageview', url: `https://example.com/p/${i + k}` }),
      }).then((r) => r.status),
    );
    out.push(...(await Promise.all(batch)));
  }
  return out;
}

beforeAll(async () => {
  [database, redis] = await Promise.all([createTestDatabase('ingestrestart'), privateRedis({ aof: true })]);
  const apiPort = await freePort();
  env = stackEnv({ databaseUrl: database.url, redisUrl: redis.url, prefix }, { LOG_LEVEL: 'error' });
  api = startApi({ ...env, API_HOST: '127.0.0.1', API_PORT: String(apiPort) });
  apiBase = `http://127.0.0.1:${apiPort}`;
  await waitForHttp(`${apiBase}/api/health`, api);
}, 60_000);

afterAll(async () => {
  const started = Date.now();
  const codes = await Promise.all([api?.stop(), worker?.stop()]);
  await redis?.destroy();
  await database?.drop();
  // -1: killed by a signal (SIGKILL after the 15 s grace); name the process and the wait, to tell a hung shutdown from a slow one.
  const bad = ['api', 'worker'].map((name, i) => ({ name, code: codes[i] })).filter((x) => x.code !== undefined && x.code !== 0);
  expect(bad, `exit after ${Date.now() - started} ms`).toEqual([]);
});

describe('a Redis restart with accepted events in the ingest stream and buffer', () => {
  it('loses none of the 202s: the stream survives the restart (AOF), the api holds and retries what Redis could not take', async () => {
    const json = { 'content-type': 'application/json' };
    const reg = await raw(`${apiBase}/api/auth/register`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ name: 'Ingest', email: `ingest${randomBytes(3).toString('hex')}@example.test`, password: 'correct horse battery staple' }),
    });
    expect(reg.status, reg.text()).toBe(201);
    const auth = { ...json, authorization: `Bearer ${reg.json().access_token as string}` };
    const site = await raw(`${apiBase}/api/teams/${reg.json().team.id as number}/sites`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'Site', domain: 'example.com' }) });
    expect(site.status, site.text()).toBe(201);
    const { id: siteId, tracking_code: code } = site.json() as { id: number; tracking_code: string };

    // 1. Accepted with Redis up and no worker running: they wait in the Redis stream.
    const before = await collectMany(code, 0, 150);
    expect(before.filter((s) => s !== 202)).toEqual([]);
    await waitFor('the api flushed its buffer to the stream', async () => ((await eventsInStream()) === 150 ? true : undefined), 10_000);

    // 2. Redis stops (SIGTERM: it exits after the AOF, fsynced on every write, is on disk).
    await redis.stop();
    const during = await collectMany(code, 150, 60);
    expect(during.filter((s) => s !== 202)).toEqual([]);
    // The 60 are held in the api's memory, not dropped (the buffer gauge on /metrics).
    expect(await bufferedInApi()).toBe(60);

    // 3. Redis returns with the same data dir: the stream is still there, and the api's retry
    //    (backoff capped at 5 s) writes the held events.
    await redis.start();
    await waitFor('the api wrote its held events after Redis returned', async () => ((await bufferedInApi()) === 0 ? true : undefined), 20_000);
    expect(await eventsInStream()).toBe(210);

    // 4. Only now a worker drains the stream into MySQL.
    worker = startWorker({ ...env, WORKER_PORT: String(await freePort()) });
    const count = async () => {
      const r = await sql<{ n: number; events: number }>`
        SELECT COUNT(*) AS n, COUNT(DISTINCT event_id) AS events FROM pageviews_raw WHERE site_id = ${siteId}`.execute(database.db);
      return { n: Number(r.rows[0]!.n), events: Number(r.rows[0]!.events) };
    };
    await waitFor('the worker stored every accepted event', async () => ((await count()).n >= 210 ? true : undefined), 60_000);
    // Drained means the stream is empty (entries are deleted after their rows commit): nothing is
    // left that could still insert a duplicate, so this count is final.
    await waitFor('the stream is drained', async () => ((await eventsInStream()) === 0 ? true : undefined), 20_000);
    expect(await count()).toEqual({ n: 210, events: 210 });
    const paths = await sql<{ n: number }>`SELECT COUNT(DISTINCT pathname) AS n FROM pageviews_raw WHERE site_id = ${siteId}`.execute(database.db);
    expect(Number(paths.rows[0]!.n)).toBe(210);
  }, 150_000);
});
