import { ALERTS_QUEUE } from '@sentrypulse/db';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';

// Keyed by the config object, which every encapsulated plugin scope of one app shares.
const byApp = new WeakMap<object, Queue>();

/**
 * The 'alerts' delivery queue ("send test" adds to it), one per app instance, closed with it. The
 * connection fails fast while Redis is away so the request answers 503 instead of hanging.
 */
export function alertsQueue(app: FastifyInstance): Queue {
  let queue = byApp.get(app.config);
  if (!queue) {
    const connection = new Redis(app.config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 });
    connection.on('error', (err) => app.log.warn({ err: err.message }, 'redis error (alerts queue)'));
    const q = new Queue(ALERTS_QUEUE, { connection, prefix: `${app.config.redisPrefix}:bull` });
    byApp.set(app.config, q);
    queue = q;
    app.addHook('onClose', async () => {
      await q.close().catch(() => undefined);
      connection.disconnect();
    });
  }
  return queue;
}
