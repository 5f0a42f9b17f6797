import { invalidateStatusPagesForTeam } from '@sentrypulse/db';
import { CHECKS_QUEUE, checksQueue, NOTIFY_QUEUE, type CheckJobData } from '@sentrypulse/db';
import { Queue, Worker } from 'bullmq';
import { runCheck } from '../checks';
import type { RunCheckOptions } from '../checks';
import type { WorkerContext } from '../context';
import { watchQueue, watchWorker } from '../metrics';
import type { RunningModule, WorkerModule } from '../module';
import { createCheckEngine, type RunCheck } from './engine';
import { reconcileSchedules, refreshAllUptime, runRetention, runRollup, sweepOutbox } from './housekeeping';

const HOUSEKEEPING_QUEUE = 'monitoring-housekeeping';

export interface MonitoringOptions {
  /** Checks run at once per worker process (they wait on the network, not the CPU). */
  concurrency?: number;
  runCheck?: RunCheck;
  runOptions?: Partial<RunCheckOptions>;
  /** Housekeeping (uptime refresh, rollups, retention, outbox) and start-up reconciliation. */
  housekeeping?: boolean;
}

/**
 * Monitoring in the worker: the 'checks' queue (one job scheduler per monitor, shared by every
 * worker process, each due check runs once) and housekeeping jobs on their own schedulers.
 */
export function monitoringModule(opts: MonitoringOptions = {}): WorkerModule {
  return {
    name: 'monitoring',
    async start(ctx: WorkerContext): Promise<RunningModule> {
      const checks = checksQueue(ctx.bullConnection(), ctx.bullPrefix);
      const notify = new Queue(NOTIFY_QUEUE, { connection: ctx.bullConnection(), prefix: ctx.bullPrefix });
      const housekeepingQueue = new Queue(HOUSEKEEPING_QUEUE, { connection: ctx.bullConnection(), prefix: ctx.bullPrefix });
      const engine = createCheckEngine({
        db: ctx.db,
        checks,
        notify,
        runCheck: opts.runCheck ?? runCheck,
        runOptions: { allowPrivate: ctx.config.outboundAllowPrivate, ...opts.runOptions },
        log: ctx.log,
        invalidateStatusPages: (teamId) => invalidateStatusPagesForTeam(ctx.redis, ctx.config.redisPrefix, teamId),
      });

      const worker = new Worker<CheckJobData, string>(CHECKS_QUEUE, (job) => engine.process(job), {
        connection: ctx.bullConnection(),
        prefix: ctx.bullPrefix,
        concurrency: opts.concurrency ?? 1000,
        // Completed checks leave nothing in Redis; their results are in MySQL.
        removeOnComplete: { count: 0 },
        removeOnFail: { count: 1000 },
      });
      watchWorker(worker, CHECKS_QUEUE);
      const unwatch = watchQueue(checks);
      worker.on('failed', (job, err) => ctx.log.warn({ jobId: job?.id, err: err.message }, 'check job failed'));
      worker.on('error', (err) => ctx.log.warn({ err: err.message }, 'checks worker error'));

      const housekeeping = new Worker(
        HOUSEKEEPING_QUEUE,
        async (job) => {
          switch (job.name) {
            case 'reconcile':
              return reconcileSchedules(ctx.db, checks);
            case 'uptime':
              return refreshAllUptime(ctx.db);
            case 'rollup':
              return runRollup(ctx.db, ctx.redis, ctx.config.redisPrefix);
            case 'retention':
              return runRetention(ctx.db, ctx.config.checkRetentionDays);
            case 'outbox':
              return sweepOutbox(ctx.db, notify);
            default:
              return null;
          }
        },
        { connection: ctx.bullConnection(), prefix: ctx.bullPrefix, concurrency: 1 },
      );
      housekeeping.on('failed', (job, err) => ctx.log.error({ job: job?.name, err: err.message }, 'monitoring housekeeping failed'));

      if (opts.housekeeping !== false) {
        const every = (name: string, ms: number) =>
          housekeepingQueue.upsertJobScheduler(name, { every: ms }, { name, opts: { removeOnComplete: true, removeOnFail: 50 } });
        await every('uptime', 60_000);
        await every('rollup', 10 * 60_000);
        await every('retention', 60 * 60_000);
        await every('outbox', 30_000);
        // One reconciliation per start-up wave: the job id dedupes several workers starting together.
        await housekeepingQueue.add('reconcile', {}, { jobId: `reconcile-${Math.floor(Date.now() / 60_000)}`, removeOnComplete: true, removeOnFail: 10 });
      }

      return {
        async close() {
          unwatch();
          await worker.close();
          await housekeeping.close();
          await engine.close();
          await Promise.allSettled([checks.close(), notify.close(), housekeepingQueue.close()]);
        },
      };
    },
  };
}
