/** Helpers for the alert tests and benchmark: rows inserted the way the API and the engine do. */
import { encryptSecrets, readInstallationId, type Db, type IncidentEventType } from '@sentrypulse/db';
import { deliverJob, enqueueIncidentEvents, namespacedJobId, QUEUES } from '@sentrypulse/jobs';
import { SECRET_FIELDS, type ChannelType } from '@sentrypulse/shared';
import { randomBytes } from 'node:crypto';
import type { WorkerContext } from '../src/context';
import { producerFor } from '../src/jobs';

export const TEST_ENCRYPTION_KEY = randomBytes(32).toString('hex');

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export async function insertChannel(
  db: Db,
  teamId: number,
  type: ChannelType,
  config: Record<string, unknown>,
  opts: { isDefault?: boolean; name?: string; key?: string } = {},
): Promise<number> {
  const key = Buffer.from(opts.key ?? TEST_ENCRYPTION_KEY, 'hex');
  const secrets: Record<string, string> = {};
  const plain: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (SECRET_FIELDS[type].includes(k)) secrets[k] = String(v);
    else plain[k] = v;
  }
  const res = await db
    .insertInto('notification_channels')
    .values({
      team_id: teamId,
      type,
      name: opts.name ?? `${type} channel`,
      config: JSON.stringify(plain),
      secret_ciphertext: encryptSecrets(key, teamId, secrets),
      is_default: opts.isDefault ?? false,
    })
    .executeTakeFirstOrThrow();
  return Number(res.insertId);
}

export async function routeMonitor(db: Db, teamId: number, monitorId: number, channelIds: number[]): Promise<void> {
  await db.insertInto('monitor_channels').values(channelIds.map((channel_id) => ({ team_id: teamId, monitor_id: monitorId, channel_id }))).execute();
}

/** An incident and its event, as the monitoring engine writes them (outbox row). */
export async function insertIncidentEvent(
  db: Db,
  teamId: number,
  monitorId: number | null,
  type: IncidentEventType = 'incident.opened',
  incidentId?: number,
): Promise<{ eventId: number; incidentId: number }> {
  let id = incidentId;
  if (id === undefined) {
    const inc = await db
      .insertInto('incidents')
      .values({
        team_id: teamId,
        monitor_id: monitorId,
        kind: monitorId === null ? 'manual' : 'auto',
        title: monitorId === null ? 'Payments are slow' : 'Monitor is down',
        severity: 'critical',
        started_at: new Date(Date.now() - 65_000),
      })
      .executeTakeFirstOrThrow();
    id = Number(inc.insertId);
  }
  if (type === 'incident.resolved') {
    await db.updateTable('incidents').set({ status: 'resolved', resolved_at: new Date() }).where('id', '=', id).execute();
  }
  const ev = await db.insertInto('incident_events').values({ team_id: teamId, incident_id: id, monitor_id: monitorId, type }).executeTakeFirstOrThrow();
  return { eventId: Number(ev.insertId), incidentId: id };
}

/** A long-lived producer of incident-event jobs, like the monitoring engine's. */
export function eventProducer(ctx: WorkerContext): { enqueue(eventIds: number[]): Promise<void>; close(): Promise<void> } {
  const jobs = producerFor(ctx);
  return { enqueue: (ids) => enqueueIncidentEvents(jobs, ids), close: () => jobs.close() };
}

/** Enqueues incident-event jobs exactly as the monitoring engine does. */
export async function enqueueEvents(ctx: WorkerContext, eventIds: number[]): Promise<void> {
  const producer = eventProducer(ctx);
  try {
    await producer.enqueue(eventIds);
  } finally {
    await producer.close();
  }
}

/** The BullMQ job id of an alert's delivery (what failed_jobs records for it). */
export async function deliveryJobIdOf(db: Db, alertId: string | number): Promise<string> {
  return namespacedJobId(deliverJob.jobId!({ alert_id: String(alertId) }), await readInstallationId(db));
}

export async function alertRows(db: Db, teamId: number) {
  return db.selectFrom('alerts_sent').selectAll().where('team_id', '=', teamId).orderBy('id').execute();
}

/**
 * True once nothing could still send a message: every incident event was handed to the fan-out
 * queue, and neither the fan-out nor the delivery queue holds a waiting, active, delayed or
 * retrying job. A test that asserts "exactly one message" checks it after this, not after a sleep.
 */
export async function notifyIdle(ctx: WorkerContext, db: Db): Promise<boolean> {
  const unqueued = await db.selectFrom('incident_events').select('id').where('queued_at', 'is', null).executeTakeFirst();
  if (unqueued) return false;
  const jobs = producerFor(ctx);
  try {
    for (const name of [QUEUES.notify, QUEUES.alerts]) {
      const counts = await jobs.queue(name).getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
      if (Object.values(counts).some((n) => n > 0)) return false;
    }
    return true;
  } finally {
    await jobs.close();
  }
}
