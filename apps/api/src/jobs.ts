import { bullPrefix, failFastConnection, JobProducer } from '@sentrypulse/jobs';
import { withTimeout } from '@sentrypulse/shared';
import type { FastifyInstance } from 'fastify';
import { ServiceUnavailable } from './errors';

// Keyed by the config object, which every encapsulated plugin scope of one app shares.
const byApp = new WeakMap<object, JobProducer>();

/** How long a request waits for Redis before answering 503 (BullMQ waits for a connection otherwise). */
export const REDIS_TIMEOUT_MS = 3_000;

/**
 * The api's one job producer (@sentrypulse/jobs): every queue the routes write to (schedulers,
 * check-now, incident events, "send test" deliveries), one per app instance, closed with it. Its
 * connection fails fast while Redis is away, so a request gets a 503 instead of hanging
 * (ENGINEERING.md). Call it while registering a plugin (the close hook cannot be added once the
 * app has booted).
 */
export function jobsOf(app: FastifyInstance): JobProducer {
  let jobs = byApp.get(app.config);
  if (!jobs) {
    const connection = failFastConnection(app.config.redisUrl, (err) => app.log.warn({ err: err.message }, 'redis error (job queues)'));
    const producer = new JobProducer({
      connection,
      prefix: bullPrefix(app.config.redisPrefix),
      db: app.db,
      onError: (err) => app.log.warn({ err: err.message }, 'job queue error'),
    });
    byApp.set(app.config, producer);
    jobs = producer;
    app.addHook('onClose', async () => {
      // Bounded: closing a queue waits for its connection, which never comes while Redis is away.
      await withTimeout(producer.close(), REDIS_TIMEOUT_MS).catch(() => undefined);
      connection.disconnect();
    });
  }
  return jobs;
}

/**
 * Runs a Redis-side step; a Redis outage becomes a clear 503 within REDIS_TIMEOUT_MS. Callers run
 * it after their transaction committed (so a worker never sees a job before its rows) and undo
 * what they wrote when it fails (ADR 0100).
 */
export async function viaRedis<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await withTimeout(fn(), REDIS_TIMEOUT_MS);
  } catch {
    throw new ServiceUnavailable(`The job queue is unavailable (${what}); nothing was changed. Try again shortly.`);
  }
}
