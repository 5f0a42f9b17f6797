import { sql, type Db } from '@sentrypulse/db';
import { withTimeout } from '@sentrypulse/shared';
import { deliverJob, DELIVERY_ATTEMPTS, DELIVERY_BACKOFF_MS, incidentEventJob } from './definitions';
import { enqueueMany, type JobProducer } from './producer';

/** The alert dispatcher's input: one 'incident-event' job per incident_events row. */
export function enqueueIncidentEvents(producer: JobProducer, eventIds: Array<number | string>): Promise<void> {
  return enqueueMany(producer, incidentEventJob, eventIds.map((id) => ({ event_id: Number(id) })));
}

export interface PublishDeps {
  db: Db;
  jobs: JobProducer;
  log: { warn(obj: object, msg: string): void };
  /** Request paths bound the wait for Redis; the worker's connection waits for it instead. */
  timeoutMs?: number;
}

/**
 * After commit: hand incident events to the alert dispatcher and mark them queued. If Redis is
 * away the rows keep queued_at NULL and the worker's outbox sweep queues them (no event is lost,
 * none blocks the caller). The one copy for the api (manual incidents) and the worker (engine).
 */
export async function publishEvents(deps: PublishDeps, eventIds: string[]): Promise<void> {
  if (eventIds.length === 0) return;
  try {
    const queued = enqueueIncidentEvents(deps.jobs, eventIds);
    await (deps.timeoutMs === undefined ? queued : withTimeout(queued, deps.timeoutMs));
    await deps.db.updateTable('incident_events').set({ queued_at: sql<Date>`CURRENT_TIMESTAMP(3)` }).where('id', 'in', eventIds).execute();
  } catch (err) {
    deps.log.warn({ err: (err as Error).message, eventIds }, 'incident events not queued yet; the outbox sweep will retry');
  }
}

export interface DeliveryPolicy {
  attempts: number;
  backoffMs: number;
}

/** One 'deliver' job per alerts_sent row (ADR 0021); tests shorten the policy. */
export function enqueueDeliveries(
  producer: JobProducer,
  alertIds: Array<string | number>,
  policy: DeliveryPolicy = { attempts: DELIVERY_ATTEMPTS, backoffMs: DELIVERY_BACKOFF_MS },
): Promise<void> {
  return enqueueMany(
    producer,
    deliverJob,
    alertIds.map((id) => ({ alert_id: String(id) })),
    { attempts: policy.attempts, backoff: { type: 'alert', delay: policy.backoffMs } },
  );
}
