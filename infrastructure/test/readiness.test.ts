import { migrateUrl } from '@sentrypulse/db';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startApi, startWorker, waitForHttp, type Proc } from './support/processes';
import { privateMariadb, privateRedis, type PrivateServer } from './support/servers';

// Readiness of the api and the worker while their MySQL or Redis goes away and comes back.
// Both run as real processes against a MariaDB and a Redis that this test starts on free ports
// and stops/restarts; the shared instances on 3306 and 6379 are never touched.

let mariadb: PrivateServer;
let redis: PrivateServer;
let api: Proc;
let worker: Proc;
let apiBase: string;
let workerBase: string;

interface Probe {
  status: number;
  body: { status: string; mysql: boolean; redis: boolean };
}

async function probe(url: string): Promise<Probe> {
  const res = await fetch(url, { signal: AbortSignal.timeout(8_000) });
  return { status: res.status, body: (await res.json()) as Probe['body'] };
}

/** Polls both readiness endpoints until they match, then returns how long that took. */
async function expectBoth(expected: Probe, timeoutMs = 30_000): Promise<number> {
  const start = Date.now();
  let last: Probe[] = [];
  while (Date.now() - start < timeoutMs) {
    last = await Promise.all([probe(`${apiBase}/api/ready`), probe(`${workerBase}/ready`)]);
    if (last.every((p) => p.status === expected.status && JSON.stringify(p.body) === JSON.stringify(expected.body))) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`readiness never became ${JSON.stringify(expected)}; last: ${JSON.stringify(last)}`);
}

const READY = { status: 200, body: { status: 'ready', mysql: true, redis: true } };
const NO_REDIS = { status: 503, body: { status: 'unavailable', mysql: true, redis: false } };
const NO_MYSQL = { status: 503, body: { status: 'unavailable', mysql: false, redis: true } };

beforeAll(async () => {
  [mariadb, redis] = await Promise.all([privateMariadb(), privateRedis()]);
  await migrateUrl(mariadb.url);
  const [apiPort, workerPort] = [await freePort(), await freePort()];
  const env = {
    NODE_ENV: 'production',
    DATABASE_URL: mariadb.url,
    REDIS_URL: redis.url,
    REDIS_PREFIX: `spready${randomBytes(3).toString('hex')}`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
  };
  api = startApi({ ...env, API_HOST: '127.0.0.1', API_PORT: String(apiPort) });
  worker = startWorker({ ...env, WORKER_PORT: String(workerPort) });
  apiBase = `http://127.0.0.1:${apiPort}`;
  workerBase = `http://127.0.0.1:${workerPort}`;
  await Promise.all([waitForHttp(`${apiBase}/api/health`, api), waitForHttp(`${workerBase}/health`, worker)]);
});

afterAll(async () => {
  const codes = await Promise.all([api?.stop(), worker?.stop()]);
  await Promise.all([mariadb?.destroy(), redis?.destroy()]);
  expect(codes).toEqual([0, 0]);
});

describe('readiness follows MySQL and Redis', () => {
  it('is ready when both are up', async () => {
    await expectBoth(READY, 15_000);
  });

  it('reports Redis down within seconds, stays alive, and recovers when Redis returns', async () => {
    await redis.stop();
    const noticed = await expectBoth(NO_REDIS);
    expect(noticed).toBeLessThan(15_000);
    // Liveness is not readiness: the processes are fine, orchestrators must not restart them.
    expect((await fetch(`${apiBase}/api/health`)).status).toBe(200);
    expect((await fetch(`${workerBase}/health`)).status).toBe(200);
    // Metrics still answer (queue depths just go missing) so dashboards show the outage.
    const scrapeStart = Date.now();
    const scrape = await fetch(`${workerBase}/metrics`);
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toContain('sentrypulse_checks_run_total');
    expect(Date.now() - scrapeStart).toBeLessThan(5_000);

    await redis.start();
    await expectBoth(READY);
    expect(api.child.exitCode).toBeNull();
    expect(worker.child.exitCode).toBeNull();
  });

  it('reports MySQL down, and recovers when MySQL returns', async () => {
    await mariadb.stop();
    await expectBoth(NO_MYSQL);
    expect((await fetch(`${apiBase}/api/health`)).status).toBe(200);

    await mariadb.start();
    await expectBoth(READY);
    // Real queries work again too, not just the probe: a registration writes to MySQL.
    const reg = await fetch(`${apiBase}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'After', email: `after${randomBytes(3).toString('hex')}@example.test`, password: 'correct horse battery staple' }),
    });
    expect(reg.status).toBe(201);
  });

  it('answers a probe promptly even while both are down', async () => {
    await Promise.all([redis.stop(), mariadb.stop()]);
    const started = Date.now();
    const [a, w] = await Promise.all([probe(`${apiBase}/api/ready`), probe(`${workerBase}/ready`)]);
    expect(Date.now() - started).toBeLessThan(5_000);
    for (const p of [a, w]) expect(p).toEqual({ status: 503, body: { status: 'unavailable', mysql: false, redis: false } });
    await Promise.all([redis.start(), mariadb.start()]);
    await expectBoth(READY);
  });
});
