import {
  channelsForEvent,
  decryptSecrets,
  disableChannel,
  enabledChannelsAmong,
  escalationPolicyFor,
  findIncidentEscalation,
  notifiedChannelIds,
  startIncidentEscalation,
  stopIncidentEscalation,
  monitorsInMaintenance,
  newWebhookId,
  SecretDecryptionError,
  sql,
  type Db,
} from '@sentrypulse/db';
import { FORWARDS_ACK, nextEscalationStep, type ChannelType } from '@sentrypulse/shared';
import { ackUrlFor } from './escalation';
import { buildAlertContent, type AlertInput } from './message';
import type { DeliveryOutcome, Provider } from './providers';
import { verifiedRecipients } from './recipients';

/**
 * Alert dispatch as domain code, without BullMQ (module.ts wires it to queues):
 * - fanOut: one incident event → one alerts_sent row per routed channel (unique per event and
 *   channel, so a replay inserts nothing) → the ids of rows still pending, to enqueue.
 * - deliver: one alerts_sent row → one provider attempt → the row updated with the outcome.
 */

export interface FanOutResult {
  /** Pending rows of this event (new or left by a crashed run): enqueue one delivery job each. */
  pendingIds: string[];
  suppressed: number;
  /** Delayed jobs an opening under an escalation policy schedules (step 2 or the repeat, reminder 1). */
  schedule: ScheduledEscalation[];
}

export type ScheduledEscalation =
  | { kind: 'step'; incident_id: number; round: number; step: number; delayMs: number }
  | { kind: 'reminder'; incident_id: number; n: number; delayMs: number };

/**
 * Which channels an event goes to (ADR 0123):
 * - opened under an escalation policy (the monitor's, else the team default): step 1's channels,
 *   and the escalation starts; without a policy: the monitor's routing at once (today's behaviour);
 * - acknowledged: the channels the opening reached that take acknowledgements (FORWARDS_ACK);
 * - resolved and updated: exactly the channels the opening (and escalations) reached; an incident
 *   with no opening alert on record (older than this rule) falls back to the routing;
 * - certificate: the routing.
 */
async function routeEvent(
  db: Db,
  event: { id: string | number; team_id: number; incident_id: number; monitor_id: number | null; type: string; created_at: Date },
): Promise<{ channels: Array<{ id: number; type: ChannelType }>; schedule: ScheduledEscalation[] }> {
  const team = event.team_id;
  if (event.type === 'incident.opened') {
    const policy = await escalationPolicyFor(db, team, event.monitor_id);
    if (!policy) return { channels: await channelsForEvent(db, team, event.monitor_id), schedule: [] };
    await startIncidentEscalation(db, team, event.incident_id, policy.id, policy.snapshot, event.created_at);
    // The row as stored: a replay follows the snapshot taken the first time.
    const esc = (await findIncidentEscalation(db, team, event.incident_id))!;
    const plan = esc.policy;
    const schedule: ScheduledEscalation[] = [];
    const started = esc.started_at.getTime();
    const next = nextEscalationStep(plan, 0, 0);
    if (next) schedule.push({ kind: 'step', incident_id: event.incident_id, round: next.round, step: next.step, delayMs: Math.max(0, started + next.offsetSeconds * 1000 - Date.now()) });
    if (plan.remind_every_seconds) schedule.push({ kind: 'reminder', incident_id: event.incident_id, n: 1, delayMs: Math.max(0, started + plan.remind_every_seconds * 1000 - Date.now()) });
    return { channels: await enabledChannelsAmong(db, team, plan.steps[0]?.channel_ids ?? []), schedule };
  }
  if (event.type === 'certificate.expiring') return { channels: await channelsForEvent(db, team, event.monitor_id), schedule: [] };
  if (event.type === 'incident.acknowledged' || event.type === 'incident.resolved') {
    await stopIncidentEscalation(db, team, event.incident_id, event.type === 'incident.resolved' ? 'resolved' : 'acknowledged');
  }
  const notified = await notifiedChannelIds(db, team, event.incident_id);
  if (event.type === 'incident.acknowledged') {
    return { channels: (await enabledChannelsAmong(db, team, notified)).filter((c) => FORWARDS_ACK[c.type]), schedule: [] };
  }
  // No opening on record and no escalation: an incident older than this rule, so the routing.
  if (notified.length === 0 && !(await findIncidentEscalation(db, team, event.incident_id))) {
    return { channels: await channelsForEvent(db, team, event.monitor_id), schedule: [] };
  }
  return { channels: await enabledChannelsAmong(db, team, notified), schedule: [] };
}

export async function fanOut(db: Db, eventId: number): Promise<FanOutResult> {
  const event = await db.selectFrom('incident_events').selectAll().where('id', '=', String(eventId)).executeTakeFirst();
  // Gone with its team or incident (cascade): nothing to tell anyone.
  if (!event) return { pendingIds: [], suppressed: 0, schedule: [] };
  const eventKey = `event:${event.id}`;
  const { channels, schedule } = await routeEvent(db, event);
  let suppressed = false;
  if (event.monitor_id !== null) {
    // Judged at the event's time, not the processing time: a queue backlog must not change it.
    suppressed = (await monitorsInMaintenance(db, [event.monitor_id], event.created_at)).has(event.monitor_id);
  }
  if (channels.length > 0) {
    await db
      .insertInto('alerts_sent')
      .ignore()
      .values(
        channels.map((c) => ({
          team_id: event.team_id,
          channel_id: c.id,
          channel_type: c.type,
          event_id: String(event.id),
          event_key: eventKey,
          event_type: event.type,
          incident_id: event.incident_id,
          monitor_id: event.monitor_id,
          status: suppressed ? ('suppressed' as const) : ('pending' as const),
          last_error: suppressed ? 'suppressed: the monitor was in a maintenance window' : null,
          idempotency_key: newWebhookId(),
        })),
      )
      .execute();
  }
  const rows = await db
    .selectFrom('alerts_sent')
    .select(['id', 'status'])
    .where('event_key', '=', eventKey)
    .where('team_id', '=', event.team_id)
    .execute();
  return {
    pendingIds: rows.filter((r) => r.status === 'pending').map((r) => String(r.id)),
    suppressed: rows.filter((r) => r.status === 'suppressed').length,
    schedule,
  };
}

/** Loads what the message says about the event (incident, monitor, newest status code, update). */
export async function loadAlertInput(
  db: Db,
  alert: { team_id: number; event_id: string | number | null; event_key?: string; event_type: AlertInput['eventType']; incident_id: number | null; monitor_id: number | null; created_at: Date },
  channelName: string,
): Promise<AlertInput> {
  const teamId = alert.team_id;
  // Independent reads in parallel: the delivery latency is a chain of round trips.
  const [event, incident, monitor] = await Promise.all([
    alert.event_id !== null
      ? db.selectFrom('incident_events').selectAll().where('id', '=', String(alert.event_id)).where('team_id', '=', teamId).executeTakeFirst()
      : undefined,
    alert.incident_id !== null
      ? db
          .selectFrom('incidents')
          .select(['id', 'title', 'status', 'severity', 'kind', 'cause', 'started_at', 'resolved_at', 'acknowledged_at', 'acknowledged_via', 'acknowledged_by'])
          .where('id', '=', alert.incident_id)
          .where('team_id', '=', teamId)
          .executeTakeFirst()
      : undefined,
    alert.monitor_id !== null
      ? db
          .selectFrom('monitors')
          .select(['id', 'name', 'type', 'url', 'host', 'port', 'status', 'last_error', 'cert_expires_at', 'degraded_threshold_ms'])
          .where('id', '=', alert.monitor_id)
          .where('team_id', '=', teamId)
          .executeTakeFirst()
      : undefined,
  ]);
  const occurredAt = event?.created_at ?? alert.created_at;
  const cause = incident ? (incident.kind === 'auto' ? (incident.cause ?? 'down') : null) : null;
  const slowOpened = monitor && alert.event_type === 'incident.opened' && cause === 'degraded';
  const [last, u, slowCheck] = await Promise.all([
    monitor && alert.event_type === 'incident.opened' && !slowOpened
      ? db
          .selectFrom('monitor_checks')
          .select('status_code')
          .where('monitor_id', '=', monitor.id)
          .where('status', '=', 'down')
          .orderBy('checked_at', 'desc')
          .limit(1)
          .executeTakeFirst()
      : undefined,
    event?.update_id != null
      ? db.selectFrom('incident_updates').select(['status', 'message']).where('id', '=', event.update_id).where('team_id', '=', teamId).executeTakeFirst()
      : undefined,
    // The slow check that opened a performance incident: the newest one up to the event (a later
    // one could already be fast, and the message must say what was seen).
    slowOpened
      ? db
          .selectFrom('monitor_checks')
          .select('response_time_ms')
          .where('monitor_id', '=', monitor.id)
          .where('status', '=', 'degraded')
          .where('checked_at', '<=', occurredAt)
          .orderBy('checked_at', 'desc')
          .limit(1)
          .executeTakeFirst()
      : undefined,
  ]);
  const statusCode = last?.status_code ?? null;
  const update: AlertInput['update'] = u ?? null;
  // Who acknowledged: the member's name, or the link's recipient.
  let acknowledgedBy: string | null = incident?.acknowledged_via ?? null;
  if (incident?.acknowledged_by != null && !acknowledgedBy) {
    const user = await db.selectFrom('users').select('name').where('id', '=', incident.acknowledged_by).executeTakeFirst();
    acknowledgedBy = user?.name ?? null;
  }
  const esc = /^esc:\d+:(\d+):(\d+)$/.exec(alert.event_key ?? '');
  return {
    eventType: alert.event_type,
    teamId,
    channelName,
    occurredAt,
    incident: incident
      ? { id: incident.id, title: incident.title, status: incident.status, severity: incident.severity, cause, started_at: incident.started_at, resolved_at: incident.resolved_at, acknowledged_by: acknowledgedBy }
      : null,
    escalation: esc ? { round: Number(esc[1]), step: Number(esc[2]) + 1 } : null,
    acknowledgeable: incident ? incident.status !== 'resolved' && incident.acknowledged_at === null : false,
    monitor: monitor ?? null,
    statusCode,
    responseTimeMs: slowCheck?.response_time_ms ?? null,
    update,
  };
}

export interface DeliverDeps {
  db: Db;
  providers: Record<ChannelType, Provider>;
  encryptionKey: Buffer;
  publicUrl: string;
}

export type DeliverResult =
  /** No such row (yet): its insert may not be committed, so the caller retries for a while. */
  | { kind: 'missing' }
  | { kind: 'skipped'; reason: string }
  | { kind: 'delivered' }
  | { kind: 'failed'; error: string; retryable: boolean; retryAfterMs?: number; statusCode: number | null };

/**
 * One attempt for one alerts_sent row. Safe to run twice: a row that is no longer pending is
 * skipped. The attempt is counted before the provider is called, so a crash mid-send still shows
 * in the log. `lastAttempt` turns a retryable failure into a final one.
 */
export async function deliver(deps: DeliverDeps, alertId: string, lastAttempt: boolean): Promise<DeliverResult> {
  const { db } = deps;
  const alert = await db.selectFrom('alerts_sent').selectAll().where('id', '=', alertId).executeTakeFirst();
  if (!alert) return { kind: 'missing' };
  if (alert.status !== 'pending') return { kind: 'skipped', reason: `the alert is already ${alert.status}` };
  const channel = await db
    .selectFrom('notification_channels')
    .selectAll()
    .where('id', '=', alert.channel_id)
    .where('team_id', '=', alert.team_id)
    .executeTakeFirst();
  if (!channel) return { kind: 'skipped', reason: 'the channel no longer exists' };
  if (!channel.enabled) {
    const error = `the channel is disabled${channel.disabled_reason ? `: ${channel.disabled_reason}` : ''}`;
    await finish(db, alertId, 'failed', { last_error: error.slice(0, 500) });
    return { kind: 'failed', error, retryable: false, statusCode: null };
  }
  await db
    .updateTable('alerts_sent')
    .set({ attempts: sql<number>`attempts + 1`, last_attempt_at: sql<Date>`CURRENT_TIMESTAMP(3)`, updated_at: sql<Date>`CURRENT_TIMESTAMP(3)` })
    .where('id', '=', alertId)
    .execute();

  let outcome: DeliveryOutcome;
  try {
    const input = await loadAlertInput(db, alert, channel.name);
    input.ackUrl = ackUrlFor(deps, alert, input);
    const content = buildAlertContent(input, deps.publicUrl);
    const secrets = decryptSecrets(deps.encryptionKey, channel.team_id, channel.secret_ciphertext);
    // Account security: no alert email to an address an account has claimed but not verified.
    const recipients = channel.type === 'email' ? await verifiedRecipients(db, channel.config.to as string[]) : null;
    const config = recipients ? { ...channel.config, to: recipients.to } : channel.config;
    outcome =
      recipients && recipients.to.length === 0
        ? { kind: 'permanent', statusCode: null, error: 'every recipient is an account whose email address is not verified yet' }
        : await deps.providers[channel.type].send({
            channel: { id: channel.id, teamId: channel.team_id, type: channel.type, name: channel.name, config, secrets },
            content,
            idempotencyKey: alert.idempotency_key,
          });
  } catch (err) {
    // An undecryptable secret (wrong ENCRYPTION_KEY, row tampered) will not fix itself; anything
    // else (a MySQL blip while loading) is retried like a provider failure.
    const error = err instanceof Error ? err.message.slice(0, 480) : String(err);
    outcome = err instanceof SecretDecryptionError ? { kind: 'permanent', statusCode: null, error } : { kind: 'retryable', statusCode: null, error };
  }

  if (outcome.kind === 'delivered') {
    await finish(db, alertId, 'sent', {
      provider_status_code: outcome.statusCode,
      provider_message_id: outcome.messageId ?? null,
      last_error: null,
      sent_at: sql<Date>`CURRENT_TIMESTAMP(3)`,
    });
    return { kind: 'delivered' };
  }
  if (outcome.kind === 'permanent' && outcome.disableChannel) {
    await disableChannel(db, channel.team_id, channel.id, outcome.disableChannel);
  }
  const final = outcome.kind === 'permanent' || lastAttempt;
  await db
    .updateTable('alerts_sent')
    .set({
      status: final ? 'failed' : 'pending',
      last_error: outcome.error.slice(0, 500),
      provider_status_code: outcome.statusCode,
      updated_at: sql<Date>`CURRENT_TIMESTAMP(3)`,
    })
    .where('id', '=', alertId)
    .where('status', '=', 'pending')
    .execute();
  return {
    kind: 'failed',
    error: outcome.error,
    retryable: !final,
    statusCode: outcome.statusCode,
    ...(outcome.kind === 'retryable' && outcome.retryAfterMs !== undefined ? { retryAfterMs: outcome.retryAfterMs } : {}),
  };
}

async function finish(db: Db, alertId: string, status: 'sent' | 'failed', set: Record<string, unknown>): Promise<void> {
  await db
    .updateTable('alerts_sent')
    .set({ ...set, status, updated_at: sql<Date>`CURRENT_TIMESTAMP(3)` })
    .where('id', '=', alertId)
    .where('status', '=', 'pending')
    .execute();
}

/** Marks a row failed when its job died for good outside deliver() (stalled too often). */
export async function failAlert(db: Db, alertId: string, error: string): Promise<void> {
  await finish(db, alertId, 'failed', { last_error: error.slice(0, 500) });
}
