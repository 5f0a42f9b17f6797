// Child process of bench/ingest/run.ts: the worker's ingest drainer (Redis stream → MySQL),
// running while the load runs, as in production.
import { loadConfig } from '@sentrypulse/shared/config';
import { closeWorkerContext, createWorkerContext, IngestDrainer } from '@sentrypulse/worker/testing';

const ctx = createWorkerContext(loadConfig(process.env));
const drainer = new IngestDrainer({
  db: ctx.db,
  redis: ctx.redis,
  blocking: ctx.bullConnection(),
  redisPrefix: ctx.config.redisPrefix,
  log: ctx.log,
  count: 20,
});
drainer.start();
process.stdout.write('READY 0\n');
process.on('SIGTERM', async () => {
  await drainer.stop();
  await closeWorkerContext(ctx);
  process.exit(0);
});
