import {
  enabledChannelsAmong,
  findIncidentEscalation,
  monitorsInMaintenance,
  newWebhookId,
  notifiedChannelIds,
  recordEscalationProgress,
  stopIncidentEscalation,
  type Db,
} from '@sentrypulse/db';
import { nextEscalationStep, stepOffsetSeconds, type AlertEventType } from '@sentrypulse/shared';
import { ACK_LINK_TTL_SECONDS, signAckToken } from '@sentrypulse/shared/ack-link';
import { createHash } from 'node:crypto';
import type { ScheduledEscalation } from './dispatcher';
import type { AlertInput } from './message';

/**
 * Escalation steps and reminders as domain code (ADR 0123); module.ts runs them as delayed jobs.
 * Both handlers are idempotent: they re-read the incident when they run (acknowledged or resolved
 * in the meantime → nothing is sent, the escalation is marked stopped), their alert rows have a
 * unique event key per (incident, round, step) or (incident, reminder n), and the next job has a
 * deterministic id. A worker killed between steps therefore neither skips (the delayed job stays
 * in Redis) nor repeats (the second run finds the rows and the next job already there) a step.
 */

export interface EscalationRun {
  pendingIds: string[];
  schedule: ScheduledEscalation[];
  /** Why nothing was sent, for the job's return value and the tests. */
  skipped?: string;
}

/** Events whose messages carry the acknowledge link (the incident is open and nobody took it). */
const ACK_LINK: Record<AlertEventType, boolean> = {
  'incident.opened': true,
  'incident.escalated': true,
  'incident.reminder': true,
  'incident.updated': true,
  'incident.acknowledged': false,
  'incident.resolved': false,
  'certificate.expiring': false,
  test: false,
};

/**
 * The signed acknowledge link of one alert (ADR 0121): the same on every retry of the row (expiry
 * from the row's creation, nonce from its idempotency key), valid for this incident only.
 */
export function ackUrlFor(
  deps: { encryptionKey: Buffer; publicUrl: string },
  alert: { team_id: number; channel_id: number; incident_id: number | null; idempotency_key: string; created_at: Date },
  input: Pick<AlertInput, 'eventType' | 'acknowledgeable'>,
): string | null {
  if (alert.incident_id === null || !input.acknowledgeable || !ACK_LINK[input.eventType]) return null;
  const token = signAckToken(deps.encryptionKey, {
    teamId: alert.team_id,
    incidentId: alert.incident_id,
    channelId: alert.channel_id,
    expiresAt: Math.floor(alert.created_at.getTime() / 1000) + ACK_LINK_TTL_SECONDS,
    nonce: createHash('sha256').update(alert.idempotency_key).digest('hex').slice(0, 16),
  });
  return `${deps.publicUrl}/ack/${token}`;
}

async function loadOpen(db: Db, incidentId: number) {
  const incident = await db.selectFrom('incidents').select(['id', 'team_id', 'monitor_id', 'status', 'acknowledged_at']).where('id', '=', incidentId).executeTakeFirst();
  if (!incident) return { skipped: 'the incident no longer exists' } as const;
  const esc = await findIncidentEscalation(db, incident.team_id, incidentId);
  if (!esc) return { skipped: 'the incident has no escalation' } as const;
  if (incident.status === 'resolved') {
    await stopIncidentEscalation(db, incident.team_id, incidentId, 'resolved');
    return { skipped: 'the incident is resolved' } as const;
  }
  if (incident.acknowledged_at !== null) {
    await stopIncidentEscalation(db, incident.team_id, incidentId, 'acknowledged');
    return { skipped: 'the incident is acknowledged' } as const;
  }
  if (esc.stopped_reason === 'acknowledged' || esc.stopped_reason === 'resolved') return { skipped: `the escalation stopped (${esc.stopped_reason})` } as const;
  return { incident, esc } as const;
}

/** One alerts_sent row per channel under `eventKey` (a replay inserts nothing); the pending ids. */
async function insertAlerts(
  db: Db,
  incident: { id: number; team_id: number; monitor_id: number | null },
  channels: Array<{ id: number; type: AlertRowChannelType }>,
  eventKey: string,
  eventType: 'incident.escalated' | 'incident.reminder',
): Promise<string[]> {
  const suppressed = incident.monitor_id !== null && (await monitorsInMaintenance(db, [incident.monitor_id], new Date())).has(incident.monitor_id);
  if (channels.length > 0) {
    await db
      .insertInto('alerts_sent')
      .ignore()
      .values(
        channels.map((c) => ({
          team_id: incident.team_id,
          channel_id: c.id,
          channel_type: c.type,
          event_id: null,
          event_key: eventKey,
          event_type: eventType,
          incident_id: incident.id,
          monitor_id: incident.monitor_id,
          status: suppressed ? ('suppressed' as const) : ('pending' as const),
          last_error: suppressed ? 'suppressed: the monitor was in a maintenance window' : null,
          idempotency_key: newWebhookId(),
        })),
      )
      .execute();
  }
  const rows = await db.selectFrom('alerts_sent').select('id').where('team_id', '=', incident.team_id).where('event_key', '=', eventKey).where('status', '=', 'pending').execute();
  return rows.map((r) => String(r.id));
}

type AlertRowChannelType = Awaited<ReturnType<typeof enabledChannelsAmong>>[number]['type'];

/** Step `step` of round `round`: notify its channels, schedule what follows. */
export async function runEscalationStep(db: Db, p: { incident_id: number; round: number; step: number }, now = Date.now()): Promise<EscalationRun> {
  const open = await loadOpen(db, p.incident_id);
  if ('skipped' in open) return { pendingIds: [], schedule: [], skipped: open.skipped };
  const { incident, esc } = open;
  const plan = esc.policy;
  const stepDef = plan.steps[p.step];
  if (!stepDef || p.round > plan.repeat) return { pendingIds: [], schedule: [], skipped: 'the step is not in the policy' };
  const channels = await enabledChannelsAmong(db, incident.team_id, stepDef.channel_ids);
  const pendingIds = await insertAlerts(db, incident, channels, `esc:${incident.id}:${p.round}:${p.step}`, 'incident.escalated');
  const next = nextEscalationStep(plan, p.round, p.step);
  const started = esc.started_at.getTime();
  const schedule: ScheduledEscalation[] = [];
  if (next) {
    const at = started + next.offsetSeconds * 1000;
    schedule.push({ kind: 'step', incident_id: incident.id, round: next.round, step: next.step, delayMs: Math.max(0, at - now) });
    await recordEscalationProgress(db, incident.team_id, incident.id, { last_round: p.round, last_step: p.step, next_at: new Date(at) });
  } else {
    await recordEscalationProgress(db, incident.team_id, incident.id, { last_round: p.round, last_step: p.step, next_at: null });
    await stopIncidentEscalation(db, incident.team_id, incident.id, 'exhausted');
  }
  return { pendingIds, schedule };
}

/** The n-th "still down" reminder to every channel notified so far; schedules reminder n+1. */
export async function runReminder(db: Db, p: { incident_id: number; n: number }, now = Date.now()): Promise<EscalationRun> {
  const open = await loadOpen(db, p.incident_id);
  if ('skipped' in open) return { pendingIds: [], schedule: [], skipped: open.skipped };
  const { incident, esc } = open;
  const every = esc.policy.remind_every_seconds;
  if (!every) return { pendingIds: [], schedule: [], skipped: 'the policy has no reminders' };
  const channels = await enabledChannelsAmong(db, incident.team_id, await notifiedChannelIds(db, incident.team_id, incident.id));
  const pendingIds = await insertAlerts(db, incident, channels, `remind:${incident.id}:${p.n}`, 'incident.reminder');
  await recordEscalationProgress(db, incident.team_id, incident.id, { reminders_sent: p.n });
  const at = esc.started_at.getTime() + (p.n + 1) * every * 1000;
  return { pendingIds, schedule: [{ kind: 'reminder', incident_id: incident.id, n: p.n + 1, delayMs: Math.max(0, at - now) }] };
}

/**
 * Start-up reconciliation (ADR 0123): the next step and the next reminder of every running
 * escalation, as jobs to add. Their ids are deterministic, so a job still delayed in Redis (the
 * normal case) makes the add a no-op; one lost with Redis data is added back with the delay it
 * has left (or at once when overdue); one that already ran finds its alert rows and sends nothing.
 */
export async function resumableEscalations(db: Db, now = Date.now()): Promise<ScheduledEscalation[]> {
  const rows = await db
    .selectFrom('incident_escalations as e')
    .innerJoin('incidents as i', (j) => j.onRef('i.id', '=', 'e.incident_id').onRef('i.team_id', '=', 'e.team_id'))
    .select(['e.incident_id', 'e.policy', 'e.started_at', 'e.last_round', 'e.last_step', 'e.reminders_sent'])
    .where('e.stopped_at', 'is', null)
    .where('i.status', '!=', 'resolved')
    .where('i.acknowledged_at', 'is', null)
    .execute();
  const out: ScheduledEscalation[] = [];
  for (const r of rows) {
    const started = r.started_at.getTime();
    const next = nextEscalationStep(r.policy, r.last_round, r.last_step);
    if (next) out.push({ kind: 'step', incident_id: r.incident_id, round: next.round, step: next.step, delayMs: Math.max(0, started + next.offsetSeconds * 1000 - now) });
    const every = r.policy.remind_every_seconds;
    if (every) {
      const n = r.reminders_sent + 1;
      out.push({ kind: 'reminder', incident_id: r.incident_id, n, delayMs: Math.max(0, started + n * every * 1000 - now) });
    }
  }
  return out;
}

/** Seconds after the opening at which a step notifies (for the incident page and the tests). */
export { stepOffsetSeconds };
