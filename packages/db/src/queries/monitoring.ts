import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { uptimeFigures, type Interval } from '@sentrypulse/shared';
import type { Database, MonitorChecksTable } from '../schema';

export type MonitorCheckRow = Selectable<MonitorChecksTable>;

type Executor = Kysely<Database> | Transaction<Database>;

/** Monitor rows are read by id in batches (the worker loads the configs of many due checks at once). */
export async function findMonitorsByIds(db: Executor, ids: number[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('monitors').selectAll().where('id', 'in', ids).execute();
}
export type MonitorRow = Awaited<ReturnType<typeof findMonitorsByIds>>[number];

export async function findMonitor(db: Executor, teamId: number, id: number): Promise<MonitorRow | undefined> {
  return db.selectFrom('monitors').selectAll().where('team_id', '=', teamId).where('id', '=', id).executeTakeFirst();
}

/** Confirmed outages of these monitors overlapping [from, to), open ones ending at `to`. */
export async function outagesByMonitor(db: Executor, monitorIds: number[], from: Date, to: Date): Promise<Map<number, Interval[]>> {
  const out = new Map<number, Interval[]>();
  if (monitorIds.length === 0) return out;
  const rows = await db
    .selectFrom('monitor_outages')
    .select(['monitor_id', 'started_at', 'ended_at'])
    .where('monitor_id', 'in', monitorIds)
    .where('started_at', '<', to)
    .where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>', from)]))
    .execute();
  for (const r of rows) {
    const list = out.get(r.monitor_id) ?? [];
    list.push({ start: r.started_at.getTime(), end: r.ended_at ? r.ended_at.getTime() : to.getTime() });
    out.set(r.monitor_id, list);
  }
  return out;
}

/** Maintenance windows of these monitors overlapping [from, to). */
export async function maintenanceByMonitor(db: Executor, monitorIds: number[], from: Date, to: Date): Promise<Map<number, Interval[]>> {
  const out = new Map<number, Interval[]>();
  if (monitorIds.length === 0) return out;
  const rows = await db
    .selectFrom('maintenance_monitors as mm')
    .innerJoin('maintenance_windows as w', 'w.id', 'mm.maintenance_id')
    .select(['mm.monitor_id', 'w.starts_at', 'w.ends_at'])
    .where('mm.monitor_id', 'in', monitorIds)
    .where('w.starts_at', '<', to)
    .where('w.ends_at', '>', from)
    .execute();
  for (const r of rows) {
    const list = out.get(r.monitor_id) ?? [];
    list.push({ start: r.starts_at.getTime(), end: r.ends_at.getTime() });
    out.set(r.monitor_id, list);
  }
  return out;
}

/** Monitors (of the given ids) inside an active maintenance window at `at`. */
export async function monitorsInMaintenance(db: Executor, monitorIds: number[], at: Date): Promise<Set<number>> {
  if (monitorIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('maintenance_monitors as mm')
    .innerJoin('maintenance_windows as w', 'w.id', 'mm.maintenance_id')
    .select('mm.monitor_id')
    .where('mm.monitor_id', 'in', monitorIds)
    .where('w.starts_at', '<=', at)
    .where('w.ends_at', '>', at)
    .execute();
  return new Set(rows.map((r) => r.monitor_id));
}

/** Time-based uptime of each monitor over [from, to) (see packages/shared/src/uptime.ts). */
export async function uptimeForMonitors(
  db: Executor,
  monitors: Array<{ id: number; created_at: Date }>,
  from: Date,
  to: Date,
): Promise<Map<number, number | null>> {
  const ids = monitors.map((m) => m.id);
  const [outages, maintenance] = await Promise.all([outagesByMonitor(db, ids, from, to), maintenanceByMonitor(db, ids, from, to)]);
  const out = new Map<number, number | null>();
  for (const m of monitors) {
    out.set(
      m.id,
      uptimeFigures({
        window: { start: from.getTime(), end: to.getTime() },
        monitoredFrom: m.created_at.getTime(),
        outages: outages.get(m.id) ?? [],
        maintenance: maintenance.get(m.id) ?? [],
      }).uptime,
    );
  }
  return out;
}

/**
 * Refreshes monitors.uptime_percentage (24 h) for a chunk of monitors, writing only the rows whose
 * figure changed. Returns how many rows changed.
 */
export async function refreshUptime24h(db: Kysely<Database>, monitors: Array<{ id: number; created_at: Date; uptime_percentage: string | null }>, now = new Date()): Promise<number> {
  const from = new Date(now.getTime() - 86_400_000);
  const figures = await uptimeForMonitors(db, monitors, from, now);
  const changed = monitors.filter((m) => {
    const next = figures.get(m.id) ?? null;
    const prev = m.uptime_percentage === null ? null : Number(m.uptime_percentage);
    return next !== prev;
  });
  if (changed.length === 0) return 0;
  const cases = sql.join(changed.map((m) => sql`WHEN ${m.id} THEN ${figures.get(m.id) ?? null}`), sql` `);
  await sql`UPDATE monitors SET uptime_percentage = CASE id ${cases} END WHERE id IN (${sql.join(changed.map((m) => m.id))})`.execute(db);
  return changed.length;
}

/** The check-runner input built from a monitors row (contract of apps/worker/src/checks). */
export function checkTargetOf(m: MonitorRow) {
  return {
    type: m.type,
    url: m.url ?? undefined,
    method: m.method ?? undefined,
    headers: m.headers ?? undefined,
    body: m.body,
    expected_status: m.expected_status ?? undefined,
    keyword: m.keyword,
    keyword_absent: Boolean(m.keyword_absent),
    json_path: m.json_path,
    json_expected: m.json_expected,
    follow_redirects: Boolean(m.follow_redirects),
    timeout_ms: m.timeout_ms,
    ssl_expiry_days: m.ssl_expiry_days,
    degraded_threshold_ms: m.degraded_threshold_ms,
    dns_record_type: m.dns_record_type ?? undefined,
    dns_expected: m.dns_expected,
    host: m.host ?? undefined,
    port: m.port ?? undefined,
  };
}
