import { z } from 'zod';
import { defineJob } from './definition';

/**
 * Every queue of SentryPulse. The names are the Redis layout (`<prefix>:bull:<queue>:…`) shared by
 * every api and worker process of an installation: renaming one strands the jobs queued under the
 * old name, so a rename needs a migration plan, not just an edit here.
 */
export const QUEUES = {
  /** One job scheduler per monitor (ADR 0010) plus check-now jobs. */
  checks: 'checks',
  /** Incident events for the alert dispatcher's fan-out (ADR 0021). */
  notify: 'notify',
  /** One delivery per alerts_sent row (ADR 0021, 0022). */
  alerts: 'alerts',
  /** Daily analytics rollups and raw-event retention. */
  analytics: 'analytics',
  /** Uptime refresh, daily rollups, check retention, outbox sweep, start-up reconciliation. */
  housekeeping: 'monitoring-housekeeping',
  /** Escalation steps and "still down" reminders, delayed jobs (SPEC 11, ADR 0123). */
  escalation: 'escalation',
  /** Status-page subscriber notices: fan-out batches, deliveries, the maintenance sweep (ADR 0132). */
  subscribers: 'subscribers',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Every queue name, for whoever watches them all (the worker's metrics and ops server). */
export const QUEUE_NAMES: readonly QueueName[] = Object.values(QUEUES);

const id = z.number().int().positive();
/** Jobs that carry nothing; scheduler templates without data arrive as undefined. */
const empty = z.preprocess((v) => v ?? {}, z.object({}).strict());

/** A monitor check: from the monitor's job scheduler (`monitor-<id>`) or check-now. */
export const checkJob = defineJob({
  queue: QUEUES.checks,
  name: 'check',
  schema: z.object({ monitor_id: id, manual: z.boolean().optional() }),
  // A failed scheduled check is not retried: the next tick is the retry. Completed jobs are
  // dropped at once (the result lives in MySQL), so Redis memory stays flat.
  options: { attempts: 1, removeOnComplete: true, removeOnFail: 1000 },
});

/** An incident_events row (the outbox) to fan out into alerts_sent rows and deliveries. */
export const incidentEventJob = defineJob({
  queue: QUEUES.notify,
  name: 'incident-event',
  schema: z.object({ event_id: id }),
  jobId: (p) => `incident-event-${p.event_id}`,
  // Retried by the fan-out handler itself (moved back to delayed), not by BullMQ attempts.
  options: { removeOnComplete: 1000, removeOnFail: 5000 },
});

/** Delivery attempts and backoff (ADR 0022): 30 s ×3 → 30 s, 1.5 m, 4.5 m, 13.5 m, 40.5 m. */
export const DELIVERY_ATTEMPTS = 6;
export const DELIVERY_BACKOFF_MS = 30_000;
export const DELIVERY_BACKOFF_FACTOR = 3;

/** One alerts_sent row to send; the job id from the row, so a replayed fan-out adds one job. */
export const deliverJob = defineJob({
  queue: QUEUES.alerts,
  name: 'deliver',
  schema: z.object({ alert_id: z.string().regex(/^[1-9]\d{0,19}$/, 'an alerts_sent id') }),
  jobId: (p) => `alert-${p.alert_id}`,
  options: { attempts: DELIVERY_ATTEMPTS, backoff: { type: 'alert', delay: DELIVERY_BACKOFF_MS }, removeOnComplete: 1000, removeOnFail: 5000 },
});

const analyticsOptions = { attempts: 3, backoff: { type: 'exponential', delay: 60_000 }, removeOnComplete: 100, removeOnFail: 500 } as const;

/** Roll up every complete local day of every site (idempotent), 01:00 UTC. */
export const analyticsAggregateJob = defineJob({ queue: QUEUES.analytics, name: 'aggregate', schema: empty, options: analyticsOptions });
/** Delete raw pageviews past the retention (already rolled up), 01:30 UTC. */
export const analyticsRetentionJob = defineJob({ queue: QUEUES.analytics, name: 'retention', schema: empty, options: analyticsOptions });

const housekeepingOptions = { removeOnComplete: true, removeOnFail: 50 } as const;

/** Make Redis agree with MySQL: one scheduler per enabled monitor, none for others. */
export const reconcileJob = defineJob({
  queue: QUEUES.housekeeping,
  name: 'reconcile',
  schema: empty,
  options: { removeOnComplete: true, removeOnFail: 10 },
});
/** Refresh every monitor's uptime_percentage (24 h), every minute. */
export const uptimeJob = defineJob({ queue: QUEUES.housekeeping, name: 'uptime', schema: empty, options: housekeepingOptions });
/** Daily monitor rollups (today live, yesterday finalised once), every 10 minutes. */
export const rollupJob = defineJob({ queue: QUEUES.housekeeping, name: 'rollup', schema: empty, options: housekeepingOptions });
/** Raw check retention and orphaned checks, hourly. */
export const checkRetentionJob = defineJob({ queue: QUEUES.housekeeping, name: 'retention', schema: empty, options: housekeepingOptions });
/** Re-queue incident events whose enqueue after commit failed, every 30 s. */
export const outboxJob = defineJob({ queue: QUEUES.housekeeping, name: 'outbox', schema: empty, options: housekeepingOptions });

const escalationOptions = { attempts: 8, backoff: { type: 'exponential', delay: 2_000 }, removeOnComplete: 1000, removeOnFail: 5000 } as const;

/**
 * One escalation step of one incident, due at its delay (ADR 0123): round is the repeat (0-based),
 * step the index in the policy. The id names all three, so a replayed schedule adds nothing and a
 * worker killed mid-step is retried by BullMQ's stalled-job recovery on the same job.
 */
export const escalationStepJob = defineJob({
  queue: QUEUES.escalation,
  name: 'step',
  schema: z.object({ incident_id: id, round: z.number().int().min(0).max(5), step: z.number().int().min(0).max(9) }),
  jobId: (p) => `escalation-${p.incident_id}-r${p.round}-s${p.step}`,
  options: escalationOptions,
});

/** The n-th "still down" reminder of an incident (1-based), due every remind_every_seconds. */
export const reminderJob = defineJob({
  queue: QUEUES.escalation,
  name: 'reminder',
  schema: z.object({ incident_id: id, n: z.number().int().min(1).max(10_000) }),
  jobId: (p) => `reminder-${p.incident_id}-${p.n}`,
  options: escalationOptions,
});

// ---------------------------------------------------------------------------------------------
// Status-page subscribers (SPEC 10, ADR 0132). Their own queue, so a 10,000-subscriber fan-out
// never delays an on-call alert; the same exactly-once rules as alerts (ADR 0021).

const bigId = z.string().regex(/^[1-9]\d{0,19}$/, 'a BIGINT id');

/** An incident event to turn into one notice per page that shows it (enqueued by the alert fan-out). */
export const subscriberEventJob = defineJob({
  queue: QUEUES.subscribers,
  name: 'subscriber-event',
  schema: z.object({ event_id: id }),
  jobId: (p) => `subscriber-event-${p.event_id}`,
  options: { attempts: 8, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: 1000, removeOnFail: 5000 },
});

/** One batch of a notice's fan-out: the page's active subscribers with id > after_id. */
export const SUBSCRIBER_FANOUT_BATCH = 500;
export const subscriberFanoutJob = defineJob({
  queue: QUEUES.subscribers,
  name: 'subscriber-fanout',
  schema: z.object({ notice_id: bigId, after_id: z.string().regex(/^(0|[1-9]\d{0,19})$/, 'a subscriber id or 0') }),
  jobId: (p) => `subscriber-fanout-${p.notice_id}-${p.after_id}`,
  options: { attempts: 8, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: 1000, removeOnFail: 5000 },
});

/** One subscriber_deliveries row to send (a notice, a confirmation, a verification, a welcome). */
export const subscriberDeliverJob = defineJob({
  queue: QUEUES.subscribers,
  name: 'subscriber-deliver',
  schema: z.object({ delivery_id: bigId }),
  jobId: (p) => `subscriber-delivery-${p.delivery_id}`,
  options: { attempts: DELIVERY_ATTEMPTS, backoff: { type: 'alert', delay: DELIVERY_BACKOFF_MS }, removeOnComplete: 1000, removeOnFail: 5000 },
});

/** Every 30 s: maintenance notices (scheduled, started, ended), recurring occurrences, stray deliveries. */
export const subscriberSweepJob = defineJob({ queue: QUEUES.subscribers, name: 'subscriber-sweep', schema: empty, options: housekeepingOptions });

/** Every definition, for the tests that hold each one to its contract. */
export const JOB_DEFINITIONS = [
  checkJob,
  incidentEventJob,
  deliverJob,
  analyticsAggregateJob,
  analyticsRetentionJob,
  reconcileJob,
  uptimeJob,
  rollupJob,
  checkRetentionJob,
  outboxJob,
  escalationStepJob,
  reminderJob,
  subscriberEventJob,
  subscriberFanoutJob,
  subscriberDeliverJob,
  subscriberSweepJob,
] as const;
