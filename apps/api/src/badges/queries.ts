import { sql, type Db } from '@sentrypulse/db';

export function findBadge(db: Db, teamId: number, monitorId: number) {
  return db.selectFrom('monitor_badges').selectAll().where('team_id', '=', teamId).where('monitor_id', '=', monitorId).executeTakeFirst();
}

export function findMonitor(db: Db, teamId: number, monitorId: number) {
  return db.selectFrom('monitors').select(['id']).where('team_id', '=', teamId).where('id', '=', monitorId).executeTakeFirst();
}

export async function upsertBadge(db: Db, row: { monitor_id: number; team_id: number; public_key: string; label: string | null }): Promise<void> {
  await db.insertInto('monitor_badges').values(row).onDuplicateKeyUpdate({ label: row.label }).execute();
}

export async function deleteBadge(db: Db, teamId: number, monitorId: number): Promise<void> {
  await db.deleteFrom('monitor_badges').where('team_id', '=', teamId).where('monitor_id', '=', monitorId).execute();
}

/** The badge's monitor by public key: only the fields a badge shows. */
export function badgeByKey(db: Db, key: string) {
  return db
    .selectFrom('monitor_badges as b')
    .innerJoin('monitors as m', 'm.id', 'b.monitor_id')
    .select(['b.monitor_id', 'b.team_id', 'b.label', 'm.status', 'm.uptime_percentage'])
    .where('b.public_key', '=', key)
    .executeTakeFirst();
}

/** Uptime (percent) over the last `days` full and current days from the daily rollups; null without data. */
export async function uptimeOver(db: Db, teamId: number, monitorId: number, fromDate: string): Promise<number | null> {
  const r = await db
    .selectFrom('monitor_daily')
    .select([sql<string>`SUM(monitored_seconds)`.as('monitored'), sql<string>`SUM(downtime_seconds)`.as('down'), sql<string>`SUM(maintenance_seconds)`.as('maint')])
    .where('team_id', '=', teamId)
    .where('monitor_id', '=', monitorId)
    .where('date', '>=', fromDate)
    .executeTakeFirst();
  const counted = Number(r?.monitored ?? 0) - Number(r?.maint ?? 0);
  if (!r || counted <= 0) return null;
  return Math.floor(((counted - Number(r.down ?? 0)) / counted) * 10_000) / 100;
}

/** Average response time (ms) of the last 24 h of checks. */
export async function avgResponse24h(db: Db, monitorId: number, now: Date): Promise<number | null> {
  const r = await db
    .selectFrom('monitor_checks')
    .select(sql<string | null>`AVG(response_time_ms)`.as('avg'))
    .where('monitor_id', '=', monitorId)
    .where('checked_at', '>', new Date(now.getTime() - 86_400_000))
    .where('response_time_ms', 'is not', null)
    .executeTakeFirst();
  return r?.avg == null ? null : Math.round(Number(r.avg));
}
