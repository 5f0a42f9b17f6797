import { checkJob, enqueue, QUEUE_NAMES, QUEUES } from '@sentrypulse/jobs';
import { createTestDatabase, type TestDatabase } from '@sentrypulse/db/testing';
import { ingestStreamKey } from '@sentrypulse/shared';
import { loadConfig } from '@sentrypulse/shared/config';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { promtool } from '@sentrypulse/metrics/testing';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeWorkerContext, createWorkerContext, type WorkerContext } from './context';
import { recordCheck, registry, watchQueue, watchWorker, workerMetrics } from './metrics';
import { producerFor } from './jobs';
import { startOpsServer } from './ops-server';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `sptest:${randomBytes(4).toString('hex')}`;
let database: TestDatabase;
let ctx: WorkerContext;
let ops: Server;
let base: string;

function sample(text: string, metric: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== metric) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.keys(got).length === Object.keys(labels).length && Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}


beforeAll(async () => {
  database = await createTestDatabase('workermetrics');
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent' });
  ctx = createWorkerContext(config);
  ops = await startOpsServer(ctx, 0);
  base = `http://127.0.0.1:${(ops.address() as AddressInfo).port}`;
});

afterAll(async () => {
  ops?.close();
  await closeWorkerContext(ctx);
  await database.drop();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('worker metrics', () => {
  it('serves checks run, failed and lateness recorded by the check runner', async () => {
    const now = Date.now();
    recordCheck({ type: 'http', up: true, scheduledAt: now - 1_500, startedAt: now });
    recordCheck({ type: 'http', up: false, scheduledAt: now - 200, startedAt: now });
    recordCheck({ type: 'tcp', up: false });
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(sample(text, 'sentrypulse_checks_run_total', { type: 'http', result: 'up' })).toBe(1);
    expect(sample(text, 'sentrypulse_checks_run_total', { type: 'http', result: 'down' })).toBe(1);
    expect(sample(text, 'sentrypulse_checks_failed_total', { type: 'http' })).toBe(1);
    expect(sample(text, 'sentrypulse_checks_failed_total', { type: 'tcp' })).toBe(1);
    expect(sample(text, 'sentrypulse_check_lateness_seconds_count', { type: 'http' })).toBe(2);
    // 1.5 s late lands in the 2 s bucket but not the 1 s one; 0.2 s late in the 0.25 s bucket.
    expect(sample(text, 'sentrypulse_check_lateness_seconds_bucket', { type: 'http', le: '1' })).toBe(1);
    expect(sample(text, 'sentrypulse_check_lateness_seconds_bucket', { type: 'http', le: '2' })).toBe(2);
    expect(sample(text, 'sentrypulse_check_lateness_seconds_sum', { type: 'http' })).toBeCloseTo(1.7, 5);
    expect(sample(text, 'sentrypulse_worker_process_cpu_seconds_total')).toBeGreaterThan(0);
  });

  it('reports queue depth by state from Redis and counts failed jobs', async () => {
    const queue = new Queue('metrics-probe', { connection: ctx.bullConnection(), prefix: ctx.bullPrefix });
    const stop = watchQueue(queue);
    await queue.addBulk([1, 2, 3].map((n) => ({ name: 'probe', data: { n }, opts: { jobId: `probe-${n}` } })));
    await queue.add('later', {}, { delay: 60_000, jobId: 'later-1' });

    let text = await registry.metrics();
    expect(sample(text, 'sentrypulse_queue_jobs', { queue: 'metrics-probe', state: 'waiting' })).toBe(3);
    expect(sample(text, 'sentrypulse_queue_jobs', { queue: 'metrics-probe', state: 'delayed' })).toBe(1);
    expect(sample(text, 'sentrypulse_queue_jobs', { queue: 'metrics-probe', state: 'failed' })).toBe(0);

    // A worker that fails job 2 and completes the others.
    const failedOnce = new Promise<void>((resolve) => {
      const worker = new Worker(
        'metrics-probe',
        async (job) => {
          if (job.data.n === 2) throw new Error('boom');
        },
        { connection: ctx.bullConnection(), prefix: ctx.bullPrefix, autorun: true },
      );
      watchWorker({ queue: worker.name, onFailed: (listener) => void worker.on('failed', listener) });
      let done = 0;
      const finish = () => {
        done += 1;
        if (done === 3) void worker.close().then(resolve);
      };
      worker.on('completed', finish);
      worker.on('failed', finish);
    });
    await failedOnce;

    text = await registry.metrics();
    expect(sample(text, 'sentrypulse_queue_jobs', { queue: 'metrics-probe', state: 'waiting' })).toBe(0);
    expect(sample(text, 'sentrypulse_queue_jobs', { queue: 'metrics-probe', state: 'completed' })).toBe(2);
    expect(sample(text, 'sentrypulse_queue_jobs', { queue: 'metrics-probe', state: 'failed' })).toBe(1);
    expect(sample(text, 'sentrypulse_jobs_failed_total', { queue: 'metrics-probe' })).toBe(1);

    stop();
    text = await registry.metrics();
    expect(sample(text, 'sentrypulse_queue_jobs', { queue: 'metrics-probe', state: 'waiting' })).toBeUndefined();
    await queue.close();
  });

  it('exposes the ingest buffer size and lets modules add their own metrics', async () => {
    workerMetrics.ingestBufferSize.set(42);
    workerMetrics.ingestEvents.inc(10);
    const sent = workerMetrics.counter({ name: 'sentrypulse_test_alerts_total', help: 'test', labelNames: ['channel'] as const });
    expect(workerMetrics.counter({ name: 'sentrypulse_test_alerts_total', help: 'test', labelNames: ['channel'] as const })).toBe(sent);
    sent.inc({ channel: 'email' });
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(sample(text, 'sentrypulse_ingest_buffer_size')).toBe(42);
    expect(sample(text, 'sentrypulse_ingest_events_total')).toBe(10);
    expect(sample(text, 'sentrypulse_test_alerts_total', { channel: 'email' })).toBe(1);
  });

  it('reports every queue the worker knows and the ingest stream backlog, without any module wiring', async () => {
    const checks = producerFor(ctx);
    await enqueue(checks, checkJob, { monitor_id: 1 }, { jobId: 'm1', delay: 60_000 });
    const stream = ingestStreamKey(prefix);
    await ctx.redis.xadd(stream, '*', 'e', '1');
    await ctx.redis.xadd(stream, '*', 'e', '2');
    const text = await (await fetch(`${base}/metrics`)).text();
    for (const queue of QUEUE_NAMES) expect(sample(text, 'sentrypulse_queue_jobs', { queue, state: 'waiting' }), queue).toBeTypeOf('number');
    expect(sample(text, 'sentrypulse_queue_jobs', { queue: QUEUES.checks, state: 'delayed' })).toBe(1);
    expect(sample(text, 'sentrypulse_ingest_stream_length', { stream })).toBe(2);
    await checks.close();
  });

  it('keeps health, readiness and a 404 for anything else', async () => {
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', mysql: true, redis: true });
    const nope = await fetch(`${base}/nope`);
    expect(nope.status).toBe(404);
    expect(nope.headers.get('content-type')).toContain('application/problem+json');
  });

  it('passes promtool check metrics with checks, queues and the ingest stream reported', async () => {
    recordCheck({ type: 'http', up: true, scheduledAt: Date.now() - 100, startedAt: Date.now() });
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('sentrypulse_checks_run_total');
    expect(text).not.toMatch(/_active_\w+_total/);
    expect(promtool(text)).toEqual({ code: 0, output: '' });
  });
});
