import { invalidateStatusPagesForTeam, onLockRetry } from '@sentrypulse/db';
import {
  checkJob,
  checkRetentionJob,
  handle,
  outboxJob,
  QUEUES,
  reconcileJob,
  rollupJob,
  scheduleHousekeeping,
  startWorker,
  uptimeJob,
} from '@sentrypulse/jobs';
import { runCheck } from '../checks';
import type { RunCheckOptions } from '../checks';
import type { WorkerContext } from '../context';
import { producerFor, runtimeFor } from '../jobs';
import { watchWorker } from '../metrics';
import type { RunningModule, WorkerModule } from '../module';
import { createCheckEngine, type RunCheck } from './engine';
import { reconcileSchedules, refreshAllUptime, runRetention, runRollup, sweepOutbox } from './housekeeping';

export interface MonitoringOptions {
  /** Checks run at once per worker process (they wait on the network, not the CPU). */
  concurrency?: number;
  runCheck?: RunCheck;
  runOptions?: Partial<RunCheckOptions>;
  /** Housekeeping (uptime refresh, rollups, retention, outbox) and start-up reconciliation. */
  housekeeping?: boolean;
}

/**
 * Monitoring in the worker: the checks queue (one job scheduler per monitor, shared by every
 * worker process, each due check runs once) and housekeeping jobs on their own schedulers.
 */
export function monitoringModule(opts: MonitoringOptions = {}): WorkerModule {
  return {
    name: 'monitoring',
    async start(ctx: WorkerContext): Promise<RunningModule> {
      const jobs = producerFor(ctx);
      const engine = createCheckEngine({
        db: ctx.db,
        jobs,
        runCheck: opts.runCheck ?? runCheck,
        runOptions: { allowPrivate: ctx.config.outboundAllowPrivate, ...opts.runOptions },
        log: ctx.log,
        invalidateStatusPages: (teamId) => invalidateStatusPagesForTeam(ctx.redis, ctx.config.redisPrefix, teamId),
      });

      // Completed checks leave nothing in Redis; their results are in MySQL.
      const checks = startWorker(runtimeFor(ctx), QUEUES.checks, [handle(checkJob, (payload, job) => engine.process(payload, job))], {
        concurrency: opts.concurrency ?? 1000,
        // A check a killed worker held is re-run (a replay the engine recognises) once its lock
        // expires and a stalled-job check sees it: CHECK_JOB_LOCK_MS (30 s by default) each.
        lockDuration: ctx.config.checkJobLockMs,
        stalledInterval: ctx.config.checkJobLockMs,
        removeOnComplete: 0,
        removeOnFail: 1000,
      });
      watchWorker(checks);

      const housekeeping = startWorker(
        runtimeFor(ctx),
        QUEUES.housekeeping,
        [
          handle(reconcileJob, () => reconcileSchedules(ctx.db, jobs)),
          handle(uptimeJob, () => refreshAllUptime(ctx.db)),
          handle(rollupJob, () => runRollup(ctx.db, ctx.redis, ctx.config.redisPrefix)),
          handle(checkRetentionJob, () => runRetention(ctx.db, ctx.config.checkRetentionDays)),
          handle(outboxJob, () => sweepOutbox(ctx.db, jobs)),
        ],
        { concurrency: 1 },
      );

      if (opts.housekeeping !== false) await scheduleHousekeeping(jobs);
      // A check batch re-run after a deadlock or lock-wait timeout (ADR 0104) is logged; the
      // count is sentrypulse_db_lock_retries_total.
      const unsubscribe = onLockRetry((e) => ctx.log.warn({ transaction: e.label, reason: e.reason, attempt: e.attempt, outcome: e.outcome, delayMs: e.delayMs }, 'database lock conflict'));

      return {
        async close() {
          unsubscribe();
          await checks.close();
          await housekeeping.close();
          await engine.close();
          await jobs.close();
        },
      };
    },
  };
}
