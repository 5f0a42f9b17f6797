/**
 * pnpm bench:alerts [--incidents 200] [--rate 20]
 *
 * Time from an incident event being committed and enqueued (what the monitoring engine does right
 * after the check that confirms an outage) to its signed webhook arriving at a local receiver,
 * through a real notify worker process (fan-out job → alerts_sent row → delivery job → HTTP).
 * Two runs over N incidents each: paced (N at --rate per second, the latency a single outage sees)
 * and a burst (N at once, a wide outage). Prints median / p95 / p99 / max. Target: p99 < 2 s.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createTestDatabase } from '../../packages/db/src/testing';
import { loadConfig } from '../../packages/shared/src/config';
import { closeWorkerContext, createWorkerContext } from '../../apps/worker/src/context';
import { createTeam, insertMonitor } from '../../apps/worker/src/monitoring/test-support';
import { eventProducer, insertChannel, insertIncidentEvent, newWebhookSecret, routeMonitor, TEST_ENCRYPTION_KEY } from '../../apps/worker/src/notify/test-support';
import { startWebhookReceiver } from '../../apps/worker/src/notify/testing';

const { values } = parseArgs({ options: { incidents: { type: 'string', default: '200' }, rate: { type: 'string', default: '20' } } });
const N = Number(values.incidents);
const RATE = Number(values.rate);
const workerDir = fileURLToPath(new URL('../../apps/worker', import.meta.url));

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main() {
  const database = await createTestDatabase('benchalerts');
  const prefix = `spbench:${randomBytes(4).toString('hex')}`;
  const secret = newWebhookSecret();
  const arrivals = new Map<number, number>();
  const receiver = await startWebhookReceiver(() => secret);
  receiver.onRequest = (req) => {
    const incidentId = (JSON.parse(req.body) as { data: { incident: { id: number } } }).data.incident.id;
    if (!arrivals.has(incidentId)) arrivals.set(incidentId, performance.timeOrigin + performance.now());
  };
  const ctx = createWorkerContext(loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent' }));
  let child: ChildProcess | undefined;
  try {
    child = spawn(process.execPath, ['--import', 'tsx', 'src/notify/testing-worker.ts'], {
      cwd: workerDir,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        JWT_SECRET: randomBytes(24).toString('hex'),
        DATABASE_URL: database.url,
        REDIS_PREFIX: prefix,
        OUTBOUND_ALLOW_PRIVATE: 'true',
        LOG_LEVEL: 'silent',
        ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
        NOTIFY_TEST_LOCK_MS: '30000',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child!.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      child!.once('exit', (code) => reject(new Error(`worker exited (${code})`)));
    });

    const teamId = await createTeam(database.db);
    const channel = await insertChannel(database.db, teamId, 'webhook', { url: `${receiver.url}/bench`, secret });
    // A fresh monitor per incident (a monitor has at most one open incident): warm-up + two runs.
    const all: number[] = [];
    for (let i = 0; i < 2 * N + 1; i++) all.push(await insertMonitor(database.db, teamId, { name: `svc-${i}`, url: `https://svc-${i}.example.com/`, status: 'down' }));
    for (const m of all) await routeMonitor(database.db, teamId, m, [channel]);

    const producer = eventProducer(ctx);
    // warm-up: connections, prepared paths
    const warm = await insertIncidentEvent(database.db, teamId, all[0]!);
    await producer.enqueue([warm.eventId]);
    await waitUntil(() => arrivals.has(warm.incidentId), 15_000);

    const run = async (label: string, spacingMs: number, monitors: number[]) => {
      const sent = new Map<number, number>();
      const started = Date.now();
      await Promise.all(
        monitors.map(async (m, i) => {
          if (spacingMs > 0) await new Promise((r) => setTimeout(r, i * spacingMs));
          const t0 = performance.timeOrigin + performance.now();
          const { eventId, incidentId } = await insertIncidentEvent(database.db, teamId, m);
          sent.set(incidentId, t0);
          await producer.enqueue([eventId]);
        }),
      );
      const enqueuedIn = Date.now() - started;
      await waitUntil(() => [...sent.keys()].every((id) => arrivals.has(id)), 60_000);
      const lat = [...sent.entries()].map(([id, t0]) => arrivals.get(id)! - t0).sort((a, b) => a - b);
      const f = (v: number) => `${v.toFixed(0)} ms`;
      console.log(
        `${label.padEnd(28)} n=${lat.length}  median ${f(pct(lat, 50))}  p95 ${f(pct(lat, 95))}  p99 ${f(pct(lat, 99))}  max ${f(lat.at(-1)!)}  (all enqueued after ${(enqueuedIn / 1000).toFixed(1)} s, all received after ${((Date.now() - started) / 1000).toFixed(1)} s)  p99 < 2 s: ${pct(lat, 99) < 2000 ? 'yes' : 'NO'}`,
      );
    };
    console.log(`bench:alerts — event committed + enqueued → signed webhook received, 1 notify worker process, ${N} incidents per run`);
    await run(`paced (${RATE}/s)`, 1000 / RATE, all.slice(1, N + 1));
    await run('burst (all at once)', 0, all.slice(N + 1));
    await producer.close();
    const dupes = receiver.requests.length - new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size;
    console.log(`webhooks received ${receiver.requests.length}, duplicate webhook-ids ${dupes}`);
  } finally {
    if (child && child.exitCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    await closeWorkerContext(ctx);
    await receiver.close();
    await database.drop();
    await cleanRedis(prefix);
  }
}

async function waitUntil(cond: () => boolean, timeoutMs: number) {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for webhooks');
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function cleanRedis(prefix: string) {
  const { deleteRedisPrefix } = await import('../../apps/api/test/helpers');
  await deleteRedisPrefix('redis://127.0.0.1:6379', prefix);
}

await main();
