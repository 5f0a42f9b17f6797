import { checksQueue, NOTIFY_QUEUE, type CheckJobData } from '@sentrypulse/db';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { ServiceUnavailable } from '../errors';

export interface MonitoringQueues {
  checks: Queue<CheckJobData>;
  notify: Queue;
}

// Keyed by the config object, which every encapsulated plugin scope of one app shares.
const byApp = new WeakMap<object, MonitoringQueues>();

/**
 * The BullMQ queues the monitoring routes write to (scheduler changes, check-now, incident events),
 * one set per app instance, closed with it. The connection fails fast while Redis is away, so a
 * request gets a 503 instead of hanging (ENGINEERING.md). Call it while registering a plugin (the
 * close hook cannot be added once the app has booted).
 */
export function monitoringQueues(app: FastifyInstance): MonitoringQueues {
  let queues = byApp.get(app.config);
  if (!queues) {
    const connection = new Redis(app.config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 });
    connection.on('error', (err) => app.log.warn({ err: err.message }, 'redis error (monitoring queues)'));
    const prefix = `${app.config.redisPrefix}:bull`;
    queues = { checks: checksQueue(connection, prefix), notify: new Queue(NOTIFY_QUEUE, { connection, prefix }) };
    for (const q of [queues.checks, queues.notify]) q.on('error', (err) => app.log.warn({ err: err.message }, 'monitoring queue error'));
    byApp.set(app.config, queues);
    const q = queues;
    app.addHook('onClose', async () => {
      // Bounded: closing a queue waits for its connection, which never comes while Redis is away.
      await withTimeout(Promise.allSettled([q.checks.close(), q.notify.close()]), REDIS_TIMEOUT_MS).catch(() => undefined);
      connection.disconnect();
    });
  }
  return queues;
}

/** How long a request waits for Redis before answering 503 (BullMQ waits for a connection otherwise). */
export const REDIS_TIMEOUT_MS = 3_000;

export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Runs a Redis-side step; a Redis outage becomes a clear 503 within REDIS_TIMEOUT_MS (and the
 * caller's transaction rolls back). A step that completes after the timeout leaves at most a
 * scheduler for a monitor that does not exist, which the worker removes when it fires.
 */
export async function viaRedis<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await withTimeout(fn(), REDIS_TIMEOUT_MS);
  } catch {
    throw new ServiceUnavailable(`The job queue is unavailable (${what}); nothing was changed. Try again shortly.`);
  }
}
