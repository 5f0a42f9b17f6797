import type { Db } from '@sentrypulse/db';

export async function insertSeries(
  db: Db,
  row: { team_id: number; title: string; description: string | null; rrule: string; timezone: string; starts_at_local: string; duration_minutes: number; monitor_ids: number[]; created_by: number | null },
): Promise<number> {
  const res = await db.insertInto('maintenance_series').values({ ...row, monitor_ids: JSON.stringify(row.monitor_ids) }).executeTakeFirstOrThrow();
  return Number(res.insertId);
}

export function findSeries(db: Db, teamId: number, id: number) {
  return db.selectFrom('maintenance_series').selectAll().where('team_id', '=', teamId).where('id', '=', id).executeTakeFirst();
}

export function listSeries(db: Db, teamId: number, beforeId: number | null, limit: number) {
  let q = db.selectFrom('maintenance_series').selectAll().where('team_id', '=', teamId);
  if (beforeId !== null) q = q.where('id', '<', beforeId);
  return q.orderBy('id', 'desc').limit(limit).execute();
}

export async function deleteSeries(db: Db, teamId: number, id: number): Promise<number> {
  const res = await db.deleteFrom('maintenance_series').where('team_id', '=', teamId).where('id', '=', id).executeTakeFirst();
  return Number(res.numDeletedRows);
}

export async function teamMonitorIds(db: Db, teamId: number, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('monitors').select('id').where('team_id', '=', teamId).where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}
