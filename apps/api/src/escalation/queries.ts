import { sql, type Db } from '@sentrypulse/db';

/** Escalation policies and acknowledge links; every query takes the team id and filters by it. */

export function listPolicies(db: Db, teamId: number, afterId: number | null, limit: number) {
  let q = db.selectFrom('escalation_policies').selectAll().where('team_id', '=', teamId);
  if (afterId !== null) q = q.where('id', '>', afterId);
  return q.orderBy('id').limit(limit).execute();
}

export function findPolicy(db: Db, teamId: number, id: number) {
  return db.selectFrom('escalation_policies').selectAll().where('team_id', '=', teamId).where('id', '=', id).executeTakeFirst();
}

export interface PolicyValues {
  name: string;
  steps: string;
  repeat_count: number;
  remind_every_seconds: number | null;
  is_default: boolean;
}

export async function insertPolicy(db: Db, teamId: number, v: PolicyValues): Promise<number> {
  const res = await db.insertInto('escalation_policies').values({ team_id: teamId, ...v }).executeTakeFirstOrThrow();
  return Number(res.insertId);
}

export async function updatePolicy(db: Db, teamId: number, id: number, set: Partial<PolicyValues>): Promise<void> {
  await db
    .updateTable('escalation_policies')
    .set({ ...set, updated_at: sql<Date>`CURRENT_TIMESTAMP(3)` })
    .where('team_id', '=', teamId)
    .where('id', '=', id)
    .execute();
}

/** One default per team: clears the flag on the team's other policies. */
export async function clearOtherDefaults(db: Db, teamId: number, keepId: number): Promise<void> {
  await db.updateTable('escalation_policies').set({ is_default: false }).where('team_id', '=', teamId).where('id', '!=', keepId).where('is_default', '=', true).execute();
}

export async function deletePolicy(db: Db, teamId: number, id: number): Promise<number> {
  const res = await db.deleteFrom('escalation_policies').where('team_id', '=', teamId).where('id', '=', id).executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** The ids among `ids` that are channels of this team. */
export async function teamChannelIds(db: Db, teamId: number, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('notification_channels').select('id').where('team_id', '=', teamId).where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}

export function lockIncident(db: Db, teamId: number, id: number) {
  return db.selectFrom('incidents').select(['id', 'status', 'monitor_id', 'acknowledged_at']).where('team_id', '=', teamId).where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Records a link's nonce; false when it was used before. */
export async function useAckNonce(db: Db, teamId: number, incidentId: number, channelId: number | null, nonce: string): Promise<boolean> {
  const res = await db.insertInto('ack_link_uses').ignore().values({ nonce, team_id: teamId, incident_id: incidentId, channel_id: channelId }).executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

export function ackLinkUsed(db: Db, teamId: number, nonce: string) {
  return db.selectFrom('ack_link_uses').select(['incident_id', 'used_at']).where('team_id', '=', teamId).where('nonce', '=', nonce).executeTakeFirst();
}

export async function acknowledgeVia(db: Db, teamId: number, id: number, via: string, at: Date): Promise<boolean> {
  const res = await db
    .updateTable('incidents')
    .set({ acknowledged_at: at, acknowledged_via: via.slice(0, 200), updated_at: at })
    .where('team_id', '=', teamId)
    .where('id', '=', id)
    .where('acknowledged_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

export function findChannelName(db: Db, teamId: number, id: number) {
  return db.selectFrom('notification_channels').select(['name', 'type']).where('team_id', '=', teamId).where('id', '=', id).executeTakeFirst();
}

export function findIncidentSummary(db: Db, teamId: number, id: number) {
  return db.selectFrom('incidents').select(['id', 'title', 'status', 'severity', 'started_at', 'acknowledged_at', 'acknowledged_via']).where('team_id', '=', teamId).where('id', '=', id).executeTakeFirst();
}

