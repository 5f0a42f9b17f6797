import { createDb, type Db } from '@sentrypulse/db';
import { bullPrefix } from '@sentrypulse/jobs';
import type { Config } from '@sentrypulse/shared/config';
import { Redis } from 'ioredis';
import pino, { type Logger } from 'pino';

/** What every worker module gets: config, pools and a logger. Built once in main.ts (or a test). */
export interface WorkerContext {
  config: Config;
  db: Db;
  /** Stats/aggregation reads go to the replica when DATABASE_READ_URL is set. */
  readDb: Db;
  /** A general-purpose connection (not for BullMQ blocking commands). */
  redis: Redis;
  log: Logger;
  /** A new connection suitable for BullMQ Workers/Queues (maxRetriesPerRequest: null). */
  bullConnection(): Redis;
  /** BullMQ key prefix, so tests and deployments sharing one Redis stay apart. */
  bullPrefix: string;
}

export function createWorkerContext(config: Config, log: Logger = pino({ level: config.logLevel })): WorkerContext {
  const db = createDb(config.databaseUrl, { connectionLimit: 20 });
  const readDb = config.databaseReadUrl ? createDb(config.databaseReadUrl, { connectionLimit: 10 }) : db;
  const connections: Redis[] = [];
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2 });
  redis.on('error', (err) => log.warn({ err: err.message }, 'redis error'));
  connections.push(redis);
  return {
    config,
    db,
    readDb,
    redis,
    log,
    bullPrefix: bullPrefix(config.redisPrefix),
    bullConnection() {
      const c = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
      c.on('error', (err) => log.warn({ err: err.message }, 'redis error (bullmq)'));
      connections.push(c);
      return c;
    },
    // Not part of the interface contract for modules; main.ts and tests call closeWorkerContext.
    ...({ __connections: connections } as object),
  } as WorkerContext;
}

export async function closeWorkerContext(ctx: WorkerContext): Promise<void> {
  const connections = (ctx as unknown as { __connections: Redis[] }).__connections ?? [];
  await Promise.allSettled(connections.map((c) => c.quit()));
  await ctx.db.destroy();
  if (ctx.readDb !== ctx.db) await ctx.readDb.destroy();
}
