import { analyticsAggregateJob, analyticsRetentionJob, checkJob, checkRetentionJob, outboxJob, QUEUES, reconcileJob, rollupJob, uptimeJob } from './definitions';
import type { JobDefinition } from './definition';
import { enqueue, type JobProducer } from './producer';

/**
 * Every job scheduler of SentryPulse. Scheduler ids are stable names (not namespaced by the
 * installation: upserting one replaces it, so an old installation's scheduler is taken over, and
 * the reconciliation removes monitor schedulers whose monitor does not exist).
 *
 * Monitor checks (ADR 0010): one job scheduler per monitor, id `monitor-<id>`, `every: interval`
 * with a per-monitor offset so 20,000 monitors at 30 s spread over the interval instead of firing
 * in the same second. Upserting is idempotent and replaces the pending job, so an edit takes
 * effect at the next tick; several api or worker processes may upsert the same monitor at once.
 */

export interface SchedulableMonitor {
  id: number;
  enabled: boolean | number;
  interval_seconds: number;
  type?: string;
}

/**
 * How often the monitor's job runs. A heartbeat monitor is evaluated at least every minute, so a
 * missed ping of a daily job is noticed within a minute of its deadline, not a day later.
 */
export function scheduleEverySeconds(monitor: SchedulableMonitor): number {
  return monitor.type === 'heartbeat' ? Math.min(monitor.interval_seconds, 60) : monitor.interval_seconds;
}

export function monitorSchedulerId(monitorId: number): string {
  return `monitor-${monitorId}`;
}

const MONITOR_SCHEDULER = /^monitor-(\d+)$/;

/** A stable slot in [1, every) for the monitor, spreading checks evenly (Fibonacci hashing). */
export function scheduleOffset(monitorId: number, everyMs: number): number {
  const hash = Math.imul(monitorId, 0x9e3779b1) >>> 0;
  return 1 + (hash % Math.max(1, everyMs - 1));
}

/**
 * When a check job was due: BullMQ scheduler job ids are `repeat:<schedulerId>:<millis>`. Other
 * jobs (check-now) were due when they were created.
 */
export function scheduledTimeOf(job: { id: string; timestamp: number; delay: number }): number {
  const m = /^repeat:monitor-\d+:(\d+)$/.exec(job.id);
  if (m) return Number(m[1]);
  return job.timestamp + job.delay;
}

export async function syncMonitorSchedule(producer: JobProducer, monitor: SchedulableMonitor): Promise<void> {
  const id = monitorSchedulerId(monitor.id);
  const queue = producer.queue(QUEUES.checks);
  if (!monitor.enabled) {
    await queue.removeJobScheduler(id);
    return;
  }
  const every = scheduleEverySeconds(monitor) * 1000;
  const data = checkJob.schema.parse({ monitor_id: monitor.id });
  await queue.upsertJobScheduler(id, { every, offset: scheduleOffset(monitor.id, every) }, { name: checkJob.name, data, opts: checkJob.options });
}

export async function removeMonitorSchedule(producer: JobProducer, monitorId: number): Promise<void> {
  await producer.queue(QUEUES.checks).removeJobScheduler(monitorSchedulerId(monitorId));
}

/** Monitor ids that have a scheduler, in pages of 1,000 (for the reconciliation). */
export async function* scheduledMonitorIds(producer: JobProducer): AsyncGenerator<number> {
  const queue = producer.queue(QUEUES.checks);
  for (let start = 0; ; start += 1000) {
    const schedulers = await queue.getJobSchedulers(start, start + 999, true);
    for (const s of schedulers) {
      const m = MONITOR_SCHEDULER.exec(s.key);
      if (m) yield Number(m[1]);
    }
    if (schedulers.length < 1000) return;
  }
}

/** Queues one immediate check; the job id makes a double click within the same second one job. */
export function enqueueCheckNow(producer: JobProducer, monitorId: number, now = Date.now()): Promise<string> {
  return enqueue(producer, checkJob, { monitor_id: monitorId, manual: true }, { jobId: `now-${monitorId}-${Math.floor(now / 1000)}`, attempts: 2 });
}

async function every(producer: JobProducer, def: JobDefinition, ms: number): Promise<void> {
  await producer.queue(QUEUES.housekeeping).upsertJobScheduler(def.name, { every: ms }, { name: def.name, data: {}, opts: def.options });
}

/**
 * Monitoring housekeeping: uptime every minute, rollups every 10 minutes, retention hourly, the
 * outbox sweep every 30 s, and one reconciliation per start-up wave (the job id, per minute,
 * dedupes several workers starting together).
 */
export async function scheduleHousekeeping(producer: JobProducer, now = Date.now()): Promise<void> {
  await every(producer, uptimeJob, 60_000);
  await every(producer, rollupJob, 10 * 60_000);
  await every(producer, checkRetentionJob, 60 * 60_000);
  await every(producer, outboxJob, 30_000);
  await enqueue(producer, reconcileJob, {}, { jobId: `reconcile-${Math.floor(now / 60_000)}` });
}

/** Analytics: daily aggregation at 01:00 UTC and retention at 01:30 UTC. */
export async function scheduleAnalytics(producer: JobProducer): Promise<void> {
  const queue = producer.queue(QUEUES.analytics);
  await queue.upsertJobScheduler('analytics-aggregate-daily', { pattern: '0 1 * * *', tz: 'UTC' }, { name: analyticsAggregateJob.name, data: {}, opts: analyticsAggregateJob.options });
  await queue.upsertJobScheduler('analytics-retention', { pattern: '30 1 * * *', tz: 'UTC' }, { name: analyticsRetentionJob.name, data: {}, opts: analyticsRetentionJob.options });
}
