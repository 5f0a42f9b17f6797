import { sql, type Db } from '@sentrypulse/db';
import type { IncidentStatus } from '@sentrypulse/shared';

/** Incidents of a team, their timeline, links and events; every query takes the team id. */

export function findIncidents(db: Db, teamId: number, ids: number[]) {
  return db.selectFrom('incidents').selectAll().where('team_id', '=', teamId).where('id', 'in', ids).execute();
}

export function findUpdates(db: Db, teamId: number, ids: number[]) {
  return db.selectFrom('incident_updates').selectAll().where('team_id', '=', teamId).where('incident_id', 'in', ids).orderBy('id').execute();
}

export function findMonitorLinks(db: Db, teamId: number, ids: number[]) {
  return db.selectFrom('incident_monitors').select(['incident_id', 'monitor_id']).where('team_id', '=', teamId).where('incident_id', 'in', ids).execute();
}

export function findStatusPageLinks(db: Db, teamId: number, ids: number[]) {
  return db.selectFrom('incident_status_pages').select(['incident_id', 'status_page_id']).where('team_id', '=', teamId).where('incident_id', 'in', ids).execute();
}

/** Keyset by id, newest first; `limit` rows at most. */
export function listIncidentIds(db: Db, teamId: number, f: { status?: 'open' | 'resolved'; monitor_id?: number }, beforeId: number | null, limit: number) {
  let query = db.selectFrom('incidents as i').select('i.id').where('i.team_id', '=', teamId);
  if (f.status === 'open') query = query.where('i.status', '!=', 'resolved');
  if (f.status === 'resolved') query = query.where('i.status', '=', 'resolved');
  if (f.monitor_id) {
    const monitorId = f.monitor_id;
    query = query.where((eb) => eb.exists(eb.selectFrom('incident_monitors as im').select('im.monitor_id').whereRef('im.incident_id', '=', 'i.id').where('im.monitor_id', '=', monitorId)));
  }
  if (beforeId !== null) query = query.where('i.id', '<', beforeId);
  return query.orderBy('i.id', 'desc').limit(limit).execute();
}

/** Which of the given ids name rows of the team in `table`. */
export async function teamIdsIn(db: Db, teamId: number, table: 'monitors' | 'status_pages', ids: number[]): Promise<Set<number>> {
  const rows = await sql<{ id: number }>`SELECT id FROM ${sql.table(table)} WHERE team_id = ${teamId} AND id IN (${sql.join(ids)})`.execute(db);
  return new Set(rows.rows.map((r) => Number(r.id)));
}

export interface ManualIncidentValues {
  title: string;
  status: IncidentStatus;
  severity: 'critical' | 'major' | 'minor';
  created_by: number;
}

export async function insertManualIncident(db: Db, teamId: number, v: ManualIncidentValues): Promise<number> {
  const res = await db
    .insertInto('incidents')
    .values({ team_id: teamId, monitor_id: null, kind: 'manual', title: v.title, status: v.status, severity: v.severity, started_at: new Date(), created_by: v.created_by })
    .executeTakeFirstOrThrow();
  return Number(res.insertId);
}

/** A timeline entry; its id. */
export async function insertUpdate(db: Db, teamId: number, incidentId: number, status: IncidentStatus, message: string, userId: number): Promise<number> {
  const res = await db.insertInto('incident_updates').values({ incident_id: incidentId, team_id: teamId, status, message, created_by: userId }).executeTakeFirstOrThrow();
  return Number(res.insertId);
}

export async function insertMonitorLinks(db: Db, teamId: number, incidentId: number, monitorIds: number[]): Promise<void> {
  if (monitorIds.length) await db.insertInto('incident_monitors').values(monitorIds.map((m) => ({ incident_id: incidentId, monitor_id: m, team_id: teamId }))).execute();
}

export async function insertStatusPageLinks(db: Db, teamId: number, incidentId: number, pageIds: number[]): Promise<void> {
  if (pageIds.length) await db.insertInto('incident_status_pages').values(pageIds.map((p) => ({ incident_id: incidentId, status_page_id: p, team_id: teamId }))).execute();
}

/** The links of an incident the team owns (callers have locked it first). */
export async function deleteMonitorLinks(db: Db, teamId: number, incidentId: number): Promise<void> {
  await db.deleteFrom('incident_monitors').where('team_id', '=', teamId).where('incident_id', '=', incidentId).execute();
}

export async function deleteStatusPageLinks(db: Db, teamId: number, incidentId: number): Promise<void> {
  await db.deleteFrom('incident_status_pages').where('team_id', '=', teamId).where('incident_id', '=', incidentId).execute();
}

/** The incident's row, locked for the rest of the transaction. */
export function lockIncident(db: Db, teamId: number, id: number) {
  return db.selectFrom('incidents').select(['id', 'kind', 'status', 'monitor_id']).where('team_id', '=', teamId).where('id', '=', id).forUpdate().executeTakeFirst();
}

export function findIncidentState(db: Db, teamId: number, id: number) {
  return db.selectFrom('incidents').select(['id', 'status', 'acknowledged_at', 'monitor_id']).where('team_id', '=', teamId).where('id', '=', id).executeTakeFirst();
}

export async function updateIncidentFields(
  db: Db,
  teamId: number,
  id: number,
  set: { title?: string; severity?: 'critical' | 'major' | 'minor'; status?: IncidentStatus; postmortem?: string },
  now = new Date(),
): Promise<void> {
  await db.updateTable('incidents').set({ ...set, updated_at: now }).where('team_id', '=', teamId).where('id', '=', id).execute();
}

/** Keeps the first acknowledgement (who, when); true when this call was it. */
export async function acknowledgeIncident(db: Db, teamId: number, id: number, userId: number): Promise<boolean> {
  const res = await db
    .updateTable('incidents')
    .set({ acknowledged_by: userId, acknowledged_at: new Date() })
    .where('id', '=', id)
    .where('team_id', '=', teamId)
    .where('acknowledged_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** Ends the monitor's running outage (an outage incident resolved by hand). */
export async function endOutage(db: Db, monitorId: number, now: Date): Promise<void> {
  await db.updateTable('monitor_outages').set({ ended_at: now }).where('monitor_id', '=', monitorId).where('ended_at', 'is', null).execute();
}

/** Keyset by id, newest first; `limit` rows at most. */
export function listEvents(db: Db, teamId: number, beforeId: number | null, limit: number) {
  let q = db.selectFrom('incident_events').select(['id', 'incident_id', 'monitor_id', 'type', 'created_at']).where('team_id', '=', teamId);
  if (beforeId !== null) q = q.where('id', '<', String(beforeId));
  return q.orderBy('id', 'desc').limit(limit).execute();
}
