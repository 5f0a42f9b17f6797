import { sql, type Db } from '@sentrypulse/db';

/** Maintenance windows of a team and the monitors they cover; every query takes the team id. */

export function findWindows(db: Db, teamId: number, ids: number[]) {
  return db.selectFrom('maintenance_windows').selectAll().where('team_id', '=', teamId).where('id', 'in', ids).execute();
}

export function findWindowMonitors(db: Db, teamId: number, ids: number[]) {
  return db.selectFrom('maintenance_monitors').select(['maintenance_id', 'monitor_id']).where('team_id', '=', teamId).where('maintenance_id', 'in', ids).execute();
}

/** Which of the given monitor ids belong to the team. */
export async function teamMonitorIds(db: Db, teamId: number, monitorIds: number[]): Promise<Set<number>> {
  const found = await sql<{ id: number }>`SELECT id FROM monitors WHERE team_id = ${teamId} AND id IN (${sql.join(monitorIds)})`.execute(db);
  return new Set(found.rows.map((r) => Number(r.id)));
}

export interface WindowValues {
  title: string;
  description: string | null;
  starts_at: Date;
  ends_at: Date;
  created_by: number;
}

export async function insertWindow(db: Db, teamId: number, v: WindowValues, monitorIds: number[]): Promise<number> {
  const res = await db.insertInto('maintenance_windows').values({ team_id: teamId, ...v }).executeTakeFirstOrThrow();
  const id = Number(res.insertId);
  await db.insertInto('maintenance_monitors').values(monitorIds.map((m) => ({ maintenance_id: id, monitor_id: m, team_id: teamId }))).execute();
  return id;
}

export type MaintenanceWhen = 'upcoming' | 'active' | 'past' | 'all';

/** Keyset by id, newest first; `limit` rows at most. */
export function listWindowIds(db: Db, teamId: number, when: MaintenanceWhen, beforeId: number | null, limit: number, now: Date) {
  let query = db.selectFrom('maintenance_windows').select('id').where('team_id', '=', teamId);
  if (when === 'upcoming') query = query.where('starts_at', '>', now);
  if (when === 'active') query = query.where('starts_at', '<=', now).where('ends_at', '>', now);
  if (when === 'past') query = query.where('ends_at', '<=', now);
  if (beforeId !== null) query = query.where('id', '<', beforeId);
  return query.orderBy('id', 'desc').limit(limit).execute();
}

/** The number of windows deleted (0 or 1). */
export async function deleteWindow(db: Db, teamId: number, id: number): Promise<number> {
  const res = await db.deleteFrom('maintenance_windows').where('team_id', '=', teamId).where('id', '=', id).executeTakeFirst();
  return Number(res.numDeletedRows);
}

/**
 * Ends a window that is in progress at `now` (ends_at = now): 1 if it was, 0 otherwise. The
 * row stays, so the subscriber sweep tells "completed" and the status page lists it as past.
 */
export async function endWindowNow(db: Db, teamId: number, id: number, now: Date): Promise<number> {
  const res = await db
    .updateTable('maintenance_windows')
    .set({ ends_at: now })
    .where('team_id', '=', teamId)
    .where('id', '=', id)
    .where('starts_at', '<=', now)
    .where('ends_at', '>', now)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}
