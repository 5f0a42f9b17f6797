import { lockRetryTotals } from '@sentrypulse/db';
import type { JobProducer, QueueName } from '@sentrypulse/jobs';
import type { Redis } from 'ioredis';
import { collectProcessMetrics, metricsFor } from '@sentrypulse/metrics';
import { withTimeout } from '@sentrypulse/shared';
import { Registry } from 'prom-client';

/**
 * The worker process's Prometheus registry, served at GET /metrics by ops-server.ts.
 *
 * Modules import what they record:
 *
 *   import { workerMetrics, recordCheck, watchQueue, watchWorker } from '../metrics';
 *   recordCheck({ type: 'http', up: false, scheduledAt, startedAt });   // run, failed, lateness
 *   const stop = watchQueue(queue);       // depth by state, read with getJobCounts at scrape time
 *   watchWorker(running);                 // counts failed jobs (a RunningWorker of @sentrypulse/jobs)
 *   workerMetrics.ingestBufferSize.set(buffer.length);
 *   const sent = workerMetrics.counter({ name: 'sentrypulse_alerts_sent_total', help: '...', labelNames: ['channel'] });
 *
 * One registry per process: Prometheus scrapes each worker replica separately and sums them.
 */

export const registry = new Registry();
collectProcessMetrics(registry, 'sentrypulse_worker_');

export const { counter, gauge, histogram } = metricsFor(registry);

/** BullMQ job states reported per queue. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const;

/** A scrape must answer even while Redis is away (BullMQ connections queue commands meanwhile). */
const SCRAPE_TIMEOUT_MS = 1_000;
/** The value, or null when Redis failed or did not answer within the scrape budget. */
function withinScrape<T>(p: Promise<T>): Promise<T | null> {
  return withTimeout(p, SCRAPE_TIMEOUT_MS).catch(() => null);
}

/** What a queue depth is read from (a BullMQ Queue, as JobProducer.queue returns it). */
export interface CountableQueue {
  name: string;
  getJobCounts(...states: string[]): Promise<Record<string, number>>;
}

/** What failed attempts are counted from (a RunningWorker of @sentrypulse/jobs). */
export interface FailureSource {
  queue: string;
  onFailed(listener: () => void): void;
}

const watchedQueues = new Set<CountableQueue>();
const watchedStreams = new Map<string, Redis>();

export const workerMetrics = {
  registry,
  counter,
  gauge,
  histogram,
  /** Transactions re-run or given up after an InnoDB deadlock or lock-wait timeout (ADR 0104). */
  lockRetries: counter({
    name: 'sentrypulse_db_lock_retries_total',
    help: 'Transactions re-run (outcome retry) or given up (outcome gave_up) after an InnoDB deadlock or lock-wait timeout',
    labelNames: ['reason', 'outcome'] as const,
    collect() {
      this.reset();
      for (const [key, n] of Object.entries(lockRetryTotals())) {
        const [reason, outcome] = key.split(':');
        this.inc({ reason, outcome }, n);
      }
    },
  }),
  checksRun: counter({
    name: 'sentrypulse_checks_run_total',
    help: 'Monitor checks executed, by monitor type and result',
    labelNames: ['type', 'result'] as const,
  }),
  checksFailed: counter({
    name: 'sentrypulse_checks_failed_total',
    help: 'Monitor checks whose result was down (the target failed), by monitor type',
    labelNames: ['type'] as const,
  }),
  checkLateness: histogram({
    name: 'sentrypulse_check_lateness_seconds',
    help: 'How long after its scheduled time a check started',
    labelNames: ['type'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
  }),
  jobsFailed: counter({
    name: 'sentrypulse_jobs_failed_total',
    help: 'BullMQ jobs that threw (each attempt), by queue',
    labelNames: ['queue'] as const,
  }),
  ingestEvents: counter({
    name: 'sentrypulse_ingest_events_total',
    help: 'Analytics events flushed to MySQL by this worker (ingest rate = rate() of this)',
  }),
  ingestBufferSize: gauge({
    name: 'sentrypulse_ingest_buffer_size',
    help: 'Analytics events waiting in the ingest buffer',
  }),
  queueJobs: gauge({
    name: 'sentrypulse_queue_jobs',
    help: 'Jobs per BullMQ queue and state, read from Redis at scrape time',
    labelNames: ['queue', 'state'] as const,
    async collect() {
      this.reset();
      await Promise.all(
        [...watchedQueues].map(async (queue) => {
          // A scrape while Redis is away must not fail the whole endpoint: the series just go
          // missing, and readiness reports the outage.
          const counts = await withinScrape(queue.getJobCounts(...QUEUE_STATES));
          if (!counts) return;
          for (const state of QUEUE_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
        }),
      );
    },
  }),
  ingestStreamLength: gauge({
    name: 'sentrypulse_ingest_stream_length',
    help: 'Analytics events waiting in the Redis ingest stream (written by the api, drained by workers)',
    labelNames: ['stream'] as const,
    async collect() {
      this.reset();
      await Promise.all(
        [...watchedStreams].map(async ([key, redis]) => {
          const len = await withinScrape(redis.xlen(key));
          if (len !== null) this.set({ stream: key }, len);
        }),
      );
    },
  }),
};

/** Reports a Redis stream's length on every scrape until the returned function is called. */
export function watchStream(redis: Redis, key: string): () => void {
  watchedStreams.set(key, redis);
  return () => {
    watchedStreams.delete(key);
  };
}

/**
 * Watches queues by name through one producer (ops-server.ts does this for every queue of the
 * jobs package), so depths are reported even by a worker whose modules keep their queues to
 * themselves. Returns a function that stops watching and closes the producer.
 */
export function watchQueueNames(producer: JobProducer, names: readonly QueueName[]): () => Promise<void> {
  const stops = names.map((name) => watchQueue(producer.queue(name)));
  return async () => {
    for (const stop of stops) stop();
    await producer.close();
  };
}

/** Reports a queue's depth by state on every scrape until the returned function is called. */
export function watchQueue(queue: CountableQueue): () => void {
  watchedQueues.add(queue);
  return () => {
    watchedQueues.delete(queue);
  };
}

/** Counts the jobs a BullMQ worker fails (every failed attempt) as `sentrypulse_jobs_failed_total`. */
export function watchWorker(worker: FailureSource): void {
  worker.onFailed(() => workerMetrics.jobsFailed.inc({ queue: worker.queue }));
}

export interface CheckObservation {
  type: string;
  /** The target answered as expected (false = down, counted in checks_failed). */
  up: boolean;
  /** When the check was due (the scheduler's timestamp) and when it actually started. */
  scheduledAt?: Date | number;
  startedAt?: Date | number;
}

/** One call per executed check: run count, failure count and lateness. */
export function recordCheck(obs: CheckObservation): void {
  workerMetrics.checksRun.inc({ type: obs.type, result: obs.up ? 'up' : 'down' });
  if (!obs.up) workerMetrics.checksFailed.inc({ type: obs.type });
  if (obs.scheduledAt !== undefined) {
    const started = obs.startedAt === undefined ? Date.now() : Number(obs.startedAt);
    const lateness = Math.max(0, (started - Number(obs.scheduledAt)) / 1000);
    workerMetrics.checkLateness.observe({ type: obs.type }, lateness);
  }
}
