import { Queue, Worker } from 'bullmq';
import type { WorkerModule } from '../module';
import { IngestDrainer } from './drain';
import { runDailyAggregation, runRetention } from './jobs';

export const ANALYTICS_QUEUE = 'analytics';

/**
 * Analytics in the worker: the ingest drainer (Redis stream → pageviews_raw), and two job
 * schedulers: daily aggregation at 01:00 UTC and retention at 01:30 UTC. Scheduler ids are
 * stable, so every worker process upserting them yields one schedule.
 */
export const analyticsModule: WorkerModule = {
  name: 'analytics',
  async start(ctx) {
    const drainer = new IngestDrainer({
      db: ctx.db,
      redis: ctx.redis,
      blocking: ctx.bullConnection(),
      redisPrefix: ctx.config.redisPrefix,
      log: ctx.log.child({ module: 'analytics-ingest' }),
    });
    drainer.start();

    const connection = ctx.bullConnection();
    const queue = new Queue(ANALYTICS_QUEUE, { connection, prefix: ctx.bullPrefix });
    const opts = { removeOnComplete: { count: 100 }, removeOnFail: { count: 500 }, attempts: 3, backoff: { type: 'exponential', delay: 60_000 } };
    await queue.upsertJobScheduler('analytics-aggregate-daily', { pattern: '0 1 * * *', tz: 'UTC' }, { name: 'aggregate', data: {}, opts });
    await queue.upsertJobScheduler('analytics-retention', { pattern: '30 1 * * *', tz: 'UTC' }, { name: 'retention', data: {}, opts });

    const worker = new Worker(
      ANALYTICS_QUEUE,
      async (job) => {
        if (job.name === 'aggregate') return runDailyAggregation(ctx.db, ctx.log);
        if (job.name === 'retention') return runRetention(ctx.db, ctx.log, ctx.config.pageviewRetentionDays);
        throw new Error(`unknown analytics job ${job.name}`);
      },
      { connection: ctx.bullConnection(), prefix: ctx.bullPrefix, concurrency: 1 },
    );
    worker.on('failed', (job, err) => ctx.log.error({ job: job?.name, err: err.message }, 'analytics job failed'));

    return {
      async close() {
        await worker.close();
        await queue.close();
        await drainer.stop();
      },
    };
  },
};
