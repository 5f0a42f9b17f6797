import { applyCheckResults, checkTargetOf, findMonitorsByIds, type CheckOutcomeInput, type Db, type MonitorRow } from '@sentrypulse/db';
import { publishEvents, removeMonitorSchedule, scheduledTimeOf, type checkJob, type JobInfo, type JobProducer, type PayloadOf } from '@sentrypulse/jobs';
import { checkBatchDecision } from '@sentrypulse/shared';
import type { Logger } from 'pino';
import type { CheckResult, CheckTarget, RunCheckOptions } from '../checks';
import { recordCheck } from '../metrics';
import { BatchLoader, BatchWriter } from './batching';
import { evaluateHeartbeat } from './heartbeat';

export type RunCheck = (target: CheckTarget, opts: RunCheckOptions) => Promise<CheckResult>;

export interface CheckEngineDeps {
  db: Db;
  /** Where incident events go and where a deleted monitor's scheduler is removed. */
  jobs: JobProducer;
  runCheck: RunCheck;
  runOptions: RunCheckOptions;
  log: Logger;
  /** Marks a team's cached status pages stale (after commit) so a status change shows within seconds. */
  invalidateStatusPages?: (teamId: number) => Promise<unknown>;
}

/**
 * The check job processor and its batching (ADR 0011): monitor configs are loaded in batches,
 * results written in batches through applyCheckResults, and a job completes only once its result
 * is committed (so a crash loses nothing that BullMQ considers done).
 */
export function createCheckEngine(deps: CheckEngineDeps) {
  const loader = new BatchLoader<number, MonitorRow>(async (ids) => {
    const rows = await findMonitorsByIds(deps.db, ids);
    return new Map(rows.map((r) => [r.id, r]));
  });
  const writer = new BatchWriter<CheckOutcomeInput, string[]>(async (items) => {
    const res = await applyWithRetry(deps.db, items);
    await publishEvents(deps, res.eventIds);
    if (deps.invalidateStatusPages) await Promise.all(res.changedTeamIds.map((id) => deps.invalidateStatusPages!(id)));
    return res.eventIds;
  });

  async function process(payload: PayloadOf<typeof checkJob>, job: Pick<JobInfo, 'id' | 'timestamp' | 'delay'>): Promise<string> {
    const scheduledAt = scheduledTimeOf(job);
    const monitor = await loader.load(payload.monitor_id);
    if (!monitor) {
      // Deleted while Redis could not be told: heal by removing the scheduler. (The api schedules
      // a new monitor only after its commit, so "not found" never means "not committed yet".)
      await removeMonitorSchedule(deps.jobs, payload.monitor_id);
      return 'monitor gone';
    }
    if (!monitor.enabled) return 'paused';
    const startedAt = Date.now();
    let outcome: CheckOutcomeInput;
    if (monitor.type === 'heartbeat') {
      const verdict = evaluateHeartbeat(monitor, startedAt);
      if (!verdict) return 'awaiting first heartbeat';
      outcome = {
        monitor_id: monitor.id,
        scheduled_at: new Date(scheduledAt),
        checked_at: new Date(startedAt),
        status: verdict.status,
        status_code: null,
        response_time_ms: null,
        timings: { dns: null, connect: null, tls: null, ttfb: null },
        error: verdict.error,
        cert_expires_at: null,
        cert_days_left: null,
      };
    } else {
      const r = await deps.runCheck(checkTargetOf(monitor) as CheckTarget, deps.runOptions);
      outcome = { monitor_id: monitor.id, scheduled_at: new Date(scheduledAt), checked_at: new Date(startedAt), ...r };
    }
    recordCheck({ type: monitor.type, up: outcome.status !== 'down', scheduledAt, startedAt });
    await writer.submit(outcome);
    return outcome.status;
  }

  return { process, close: () => writer.close() };
}

async function applyWithRetry(db: Db, items: CheckOutcomeInput[]) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await applyCheckResults(db, items, checkBatchDecision);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt < 3 && (code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT')) continue;
      throw err;
    }
  }
}
