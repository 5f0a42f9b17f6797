import { sql, type Db, type MonitorCheckRow, type MonitorRow } from '@sentrypulse/db';
import type { CheckStatus } from '@sentrypulse/shared';

/**
 * The monitors feature's SQL. Every query on a team-owned table takes the team id and filters by
 * it. What the worker runs too (findMonitor, channel routing, outages, maintenance, incident
 * resolution) stays in packages/db.
 */

/** Locks the team row: two concurrent creates then count one after the other (plan limit). */
export async function lockTeam(db: Db, teamId: number): Promise<void> {
  await db.selectFrom('teams').select('id').where('id', '=', teamId).forUpdate().execute();
}

export async function countMonitors(db: Db, teamId: number): Promise<number> {
  const { n } = await db.selectFrom('monitors').select((eb) => eb.fn.countAll<number>().as('n')).where('team_id', '=', teamId).executeTakeFirstOrThrow();
  return Number(n);
}

/** Inserts a monitor of the team; `values` are the monitor's columns (validated by the service). */
export async function insertMonitor(db: Db, teamId: number, values: Record<string, unknown>): Promise<number> {
  const res = await db.insertInto('monitors').values({ ...values, team_id: teamId } as never).executeTakeFirstOrThrow();
  return Number(res.insertId);
}

export async function deleteMonitorRow(db: Db, teamId: number, id: number): Promise<void> {
  await db.deleteFrom('monitors').where('id', '=', id).where('team_id', '=', teamId).execute();
}

/** Keyset by id, oldest first; `limit` rows at most. */
export function listMonitorRows(db: Db, teamId: number, q: { afterId: number | null; status?: string; type?: string }, limit: number): Promise<MonitorRow[]> {
  let query = db.selectFrom('monitors').selectAll().where('team_id', '=', teamId);
  if (q.afterId !== null) query = query.where('id', '>', q.afterId);
  if (q.status) query = query.where('status', '=', q.status as never);
  if (q.type) query = query.where('type', '=', q.type as never);
  return query.orderBy('id').limit(limit).execute();
}

/** The monitor's row, locked for the rest of the transaction; undefined for another team's id. */
export function lockMonitor(db: Db, teamId: number, id: number): Promise<MonitorRow | undefined> {
  return db.selectFrom('monitors').selectAll().where('team_id', '=', teamId).where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function updateMonitorRow(db: Db, teamId: number, id: number, set: Record<string, unknown>): Promise<void> {
  await db.updateTable('monitors').set(set as never).where('id', '=', id).where('team_id', '=', teamId).execute();
}

/** A paused or resumed monitor starts its runtime state afresh. */
export async function setMonitorEnabled(db: Db, teamId: number, id: number, enabled: boolean, at: Date): Promise<void> {
  await db
    .updateTable('monitors')
    .set({
      enabled,
      status: enabled ? 'pending' : 'paused',
      consecutive_failures: 0,
      consecutive_successes: 0,
      failing_since: null,
      consecutive_degraded: 0,
      consecutive_fast: 0,
      degraded_since: null,
      status_changed_at: at,
      updated_at: at,
    })
    .where('id', '=', id)
    .where('team_id', '=', teamId)
    .execute();
}

/** Open incidents the monitor opened itself (auto, degraded): resolved when it is deleted. */
export async function openMonitorIncidentIds(db: Db, teamId: number, monitorId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('incidents')
    .select('id')
    .where('team_id', '=', teamId)
    .where('monitor_id', '=', monitorId)
    .where('kind', '!=', 'manual')
    .where('status', '!=', 'resolved')
    .execute();
  return rows.map((r) => r.id);
}

export interface CheckPageQuery {
  from?: Date;
  to?: Date;
  status?: 'up' | 'down' | 'degraded';
  /** Keyset: strictly older than this (checked_at, id). */
  before: { at: Date; id: string } | null;
}

/** Checks of the monitor, newest first; `limit` rows at most. */
export async function listCheckRows(db: Db, teamId: number, monitorId: number, q: CheckPageQuery, limit: number): Promise<MonitorCheckRow[]> {
  const conditions = [sql`monitor_id = ${monitorId}`, sql`team_id = ${teamId}`];
  if (q.from) conditions.push(sql`checked_at >= ${q.from}`);
  if (q.to) conditions.push(sql`checked_at <= ${q.to}`);
  if (q.status) conditions.push(sql`status = ${q.status}`);
  if (q.before) {
    // The plain upper bound keeps this a range scan; the OR only breaks ties inside one millisecond.
    conditions.push(sql`checked_at <= ${q.before.at}`, sql`(checked_at < ${q.before.at} OR id < ${q.before.id})`);
  }
  // FORCE INDEX: with only an upper bound, MariaDB's ORDER BY … LIMIT heuristic picks a `ref` scan
  // on monitor_id alone and walks every newer check (200 ms at 90 days); the range scan is ~2 ms.
  const result = await sql<MonitorCheckRow>`
    SELECT * FROM monitor_checks FORCE INDEX (monitor_checks_monitor_time_idx)
    WHERE ${sql.join(conditions, sql` AND `)}
    ORDER BY checked_at DESC, id DESC
    LIMIT ${limit}`.execute(db);
  return result.rows;
}

export function dailyRowsSince(db: Db, teamId: number, monitorId: number, fromDate: string) {
  return db.selectFrom('monitor_daily').selectAll().where('monitor_id', '=', monitorId).where('team_id', '=', teamId).where('date', '>=', fromDate).execute();
}

/** Response times of the checks that were not down since `from` (the stats chart). */
export function responseTimesSince(db: Db, teamId: number, monitorId: number, from: Date) {
  return db
    .selectFrom('monitor_checks')
    .select(['checked_at', 'response_time_ms'])
    .where('monitor_id', '=', monitorId)
    .where('team_id', '=', teamId)
    .where('checked_at', '>=', from)
    .where('status', '!=', 'down')
    .execute();
}

/** Which of the ids are monitors of the team, ascending. */
export async function ownedMonitorIds(db: Db, teamId: number, ids: number[]): Promise<number[]> {
  const rows = await db.selectFrom('monitors').select('id').where('team_id', '=', teamId).where('id', 'in', ids).orderBy('id').execute();
  return rows.map((m) => m.id);
}

export interface SparklineCheckRow {
  monitor_id: number;
  id: number | string;
  status: CheckStatus;
  response_time_ms: number | null;
  checked_at: Date;
}

/**
 * The newest `perMonitor` checks of each monitor, newest first: one UNION ALL of a `LIMIT n` per
 * monitor, each arm a backward range scan of monitor_checks_monitor_time_idx (monitor_id,
 * checked_at), so the work is n index entries and n row reads per monitor however much history
 * there is. A window function (ROW_NUMBER() OVER (PARTITION BY monitor_id ...)) would read every
 * check of every monitor asked for; MariaDB has no LATERAL join. Measured in bench/sparklines.
 */
export async function latestChecksOf(db: Db, teamId: number, monitorIds: number[], perMonitor: number): Promise<SparklineCheckRow[]> {
  const arms = monitorIds.map(
    (id) => sql`(SELECT monitor_id, id, status, response_time_ms, checked_at FROM monitor_checks FORCE INDEX (monitor_checks_monitor_time_idx)
      WHERE monitor_id = ${id} AND team_id = ${teamId} ORDER BY checked_at DESC, id DESC LIMIT ${perMonitor})`,
  );
  const { rows } = await sql<SparklineCheckRow>`${sql.join(arms, sql` UNION ALL `)}`.execute(db);
  return rows;
}

/** The heartbeat monitor a ping token belongs to (the token is the credential; no team scope). */
export function findHeartbeatMonitor(db: Db, token: string) {
  return db.selectFrom('monitors').select(['id', 'status', 'enabled']).where('heartbeat_token', '=', token).where('type', '=', 'heartbeat').executeTakeFirst();
}

export async function touchHeartbeat(db: Db, monitorId: number): Promise<void> {
  await db.updateTable('monitors').set({ last_heartbeat_at: sql<Date>`CURRENT_TIMESTAMP(3)` }).where('id', '=', monitorId).execute();
}
