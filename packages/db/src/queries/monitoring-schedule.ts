import { Queue, type ConnectionOptions } from 'bullmq';

/**
 * The one place that knows how monitor checks are scheduled in BullMQ, used by the API (create,
 * edit, pause, delete, check-now) and the worker (start-up reconciliation). See ADR 0010.
 *
 * - One job scheduler per monitor, id `monitor-<id>`, `every: interval` with a per-monitor offset
 *   so 20,000 monitors at 30 s spread over the interval instead of firing in the same second.
 * - Upserting is idempotent and replaces the pending job, so an edit takes effect at the next tick;
 *   several API or worker processes may upsert the same monitor at once.
 */
export const CHECKS_QUEUE = 'checks';
export const NOTIFY_QUEUE = 'notify';

export interface CheckJobData {
  monitor_id: number;
  /** Set on check-now jobs: run even if the monitor is paused? No — only marks the origin. */
  manual?: boolean;
}

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

/** A stable slot in [1, every) for the monitor, spreading checks evenly (Fibonacci hashing). */
export function scheduleOffset(monitorId: number, everyMs: number): number {
  const hash = Math.imul(monitorId, 0x9e3779b1) >>> 0;
  return 1 + (hash % Math.max(1, everyMs - 1));
}

/**
 * When the scheduled job was due: BullMQ scheduler job ids are `repeat:<schedulerId>:<millis>`.
 * Other jobs (check-now) were due when they were created.
 */
export function scheduledTimeOf(job: { id?: string; timestamp: number; delay?: number }): number {
  const m = job.id ? /^repeat:monitor-\d+:(\d+)$/.exec(job.id) : null;
  if (m) return Number(m[1]);
  return job.timestamp + (job.delay ?? 0);
}

export function checksQueue(connection: ConnectionOptions, prefix: string): Queue<CheckJobData> {
  return new Queue<CheckJobData>(CHECKS_QUEUE, { connection, prefix });
}

export async function syncMonitorSchedule(queue: Queue<CheckJobData>, monitor: SchedulableMonitor): Promise<void> {
  const id = monitorSchedulerId(monitor.id);
  if (!monitor.enabled) {
    await queue.removeJobScheduler(id);
    return;
  }
  const every = scheduleEverySeconds(monitor) * 1000;
  await queue.upsertJobScheduler(
    id,
    { every, offset: scheduleOffset(monitor.id, every) },
    {
      name: 'check',
      data: { monitor_id: monitor.id },
      // A failed scheduled check is not retried: the next tick is the retry. Completed jobs are
      // dropped at once (the result lives in MySQL), so Redis memory stays flat.
      opts: { removeOnComplete: true, removeOnFail: 1000, attempts: 1 },
    },
  );
}

export async function removeMonitorSchedule(queue: Queue<CheckJobData>, monitorId: number): Promise<void> {
  await queue.removeJobScheduler(monitorSchedulerId(monitorId));
}

/** Queues one immediate check; the job id makes a double click within the same second one job. */
export async function enqueueCheckNow(queue: Queue<CheckJobData>, monitorId: number, now = Date.now()): Promise<string> {
  const jobId = `now-${monitorId}-${Math.floor(now / 1000)}`;
  await queue.add('check', { monitor_id: monitorId, manual: true }, { jobId, removeOnComplete: true, removeOnFail: 1000, attempts: 2 });
  return jobId;
}

/** The alert dispatcher's contract: job 'incident-event' with {event_id} on queue 'notify'. */
export async function enqueueIncidentEvents(queue: Queue, eventIds: Array<number | string>): Promise<void> {
  if (eventIds.length === 0) return;
  await queue.addBulk(
    eventIds.map((id) => ({
      name: 'incident-event',
      data: { event_id: Number(id) },
      opts: { jobId: `incident-event-${id}`, removeOnComplete: 1000, removeOnFail: 5000 },
    })),
  );
}
