import { createDb } from '@sentrypulse/db';
import type { Config } from '@sentrypulse/shared/config';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import { jobsOf } from '../jobs';

/** Decorates the config, the MySQL pools, Redis and the job producer; closes them when the app closes. */
export const infraPlugin = fp<{ config: Config }>(async (app: FastifyInstance, { config }) => {
  const db = createDb(config.databaseUrl, { connectionLimit: 20 });
  const readDb = config.databaseReadUrl ? createDb(config.databaseReadUrl, { connectionLimit: 20 }) : db;
  // Fail fast rather than queue commands while Redis is away: requests get a 503, not a hang.
  const redis = new Redis(config.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    lazyConnect: true,
  });
  redis.on('error', (err) => app.log.warn({ err: err.message }, 'redis error'));
  await redis.connect().catch((err: Error) => app.log.error({ err: err.message }, 'redis not reachable at start'));

  app.decorate('config', config);
  app.decorate('db', db);
  app.decorate('readDb', readDb);
  app.decorate('redis', redis);
  // After config and db, which the producer reads; it adds its own close hook.
  app.decorate('jobs', jobsOf(app));

  app.addHook('onClose', async () => {
    await db.destroy();
    if (readDb !== db) await readDb.destroy();
    redis.disconnect();
  });
});
