import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, EscalationSnapshot, EscalationStopReason } from '../schema';

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * Escalation persistence (SPEC 11, ADR 0123), shared by the api (policies, acknowledge) and the
 * worker (fan-out, step and reminder jobs). Every query takes the team id it filters by.
 */

/** The policy an incident of this monitor follows: the monitor's own, else the team default, else none. */
export async function escalationPolicyFor(db: Executor, teamId: number, monitorId: number | null): Promise<{ id: number; snapshot: EscalationSnapshot } | null> {
  let policyId: number | null = null;
  if (monitorId !== null) {
    const m = await db.selectFrom('monitors').select('escalation_policy_id').where('team_id', '=', teamId).where('id', '=', monitorId).executeTakeFirst();
    policyId = m?.escalation_policy_id ?? null;
  }
  let q = db.selectFrom('escalation_policies').selectAll().where('team_id', '=', teamId);
  q = policyId !== null ? q.where('id', '=', policyId) : q.where('is_default', '=', true).orderBy('id').limit(1);
  const p = await q.executeTakeFirst();
  if (!p) return null;
  return { id: p.id, snapshot: { steps: p.steps, repeat: p.repeat_count, remind_every_seconds: p.remind_every_seconds } };
}

/** Starts an incident's escalation once (a replayed fan-out keeps the first row). */
export async function startIncidentEscalation(db: Executor, teamId: number, incidentId: number, policyId: number, snapshot: EscalationSnapshot, startedAt: Date): Promise<void> {
  await db
    .insertInto('incident_escalations')
    .ignore()
    .values({ incident_id: incidentId, team_id: teamId, policy_id: policyId, policy: JSON.stringify(snapshot), started_at: startedAt })
    .execute();
}

export function findIncidentEscalation(db: Executor, teamId: number, incidentId: number) {
  return db.selectFrom('incident_escalations').selectAll().where('team_id', '=', teamId).where('incident_id', '=', incidentId).executeTakeFirst();
}

/** Marks the escalation stopped (first reason kept). */
export async function stopIncidentEscalation(db: Executor, teamId: number, incidentId: number, reason: EscalationStopReason): Promise<void> {
  await db
    .updateTable('incident_escalations')
    .set({ stopped_at: sql<Date>`CURRENT_TIMESTAMP(3)`, stopped_reason: reason, next_at: null })
    .where('team_id', '=', teamId)
    .where('incident_id', '=', incidentId)
    // 'exhausted' (every step notified) still gives way to the acknowledgement or resolution that ends it.
    .where((eb) => eb.or([eb('stopped_at', 'is', null), eb('stopped_reason', '=', 'exhausted')]))
    .execute();
}

export async function recordEscalationProgress(db: Executor, teamId: number, incidentId: number, set: { last_round?: number; last_step?: number; next_at?: Date | null; reminders_sent?: number }): Promise<void> {
  await db.updateTable('incident_escalations').set(set).where('team_id', '=', teamId).where('incident_id', '=', incidentId).execute();
}

/**
 * The channels an incident's opening reached: every channel with an opened or escalated alert row
 * for it (sent, pending or failed: a delivery still retrying counts; suppressed ones too, so the
 * resolution's own maintenance check decides). Ascending ids.
 */
export async function notifiedChannelIds(db: Executor, teamId: number, incidentId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('alerts_sent')
    .select('channel_id')
    .distinct()
    .where('team_id', '=', teamId)
    .where('incident_id', '=', incidentId)
    .where('event_type', 'in', ['incident.opened', 'incident.escalated'])
    .orderBy('channel_id')
    .execute();
  return rows.map((r) => r.channel_id);
}

/** Enabled channels of the team among `ids`, ascending. */
export async function enabledChannelsAmong(db: Executor, teamId: number, ids: number[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('notification_channels').select(['id', 'type']).where('team_id', '=', teamId).where('enabled', '=', true).where('id', 'in', ids).orderBy('id').execute();
}

/**
 * Sets (or clears) a monitor's escalation policy; false when the policy is not one of the team's
 * (nothing written). Call inside the caller's transaction to roll the monitor back too.
 */
export async function assignMonitorEscalationPolicy(db: Executor, teamId: number, monitorId: number, policyId: number | null): Promise<boolean> {
  if (policyId !== null) {
    const p = await db.selectFrom('escalation_policies').select('id').where('team_id', '=', teamId).where('id', '=', policyId).executeTakeFirst();
    if (!p) return false;
  }
  await db.updateTable('monitors').set({ escalation_policy_id: policyId }).where('team_id', '=', teamId).where('id', '=', monitorId).execute();
  return true;
}
