import { analyticsAggregateJob, analyticsRetentionJob, handle, QUEUES, scheduleAnalytics, startWorker } from '@sentrypulse/jobs';
import { producerFor, runtimeFor } from '../jobs';
import type { WorkerModule } from '../module';
import { IngestDrainer } from './drain';
import { runDailyAggregation, runRetention } from './jobs';

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

    const jobs = producerFor(ctx);
    await scheduleAnalytics(jobs);
    const worker = startWorker(
      runtimeFor(ctx),
      QUEUES.analytics,
      [
        handle(analyticsAggregateJob, () => runDailyAggregation(ctx.db, ctx.log)),
        handle(analyticsRetentionJob, () => runRetention(ctx.db, ctx.log, ctx.config.pageviewRetentionDays)),
      ],
      { concurrency: 1 },
    );

    return {
      async close() {
        await worker.close();
        await jobs.close();
        await drainer.stop();
      },
    };
  },
};
