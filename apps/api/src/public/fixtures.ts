import type { Db } from '@sentrypulse/db';
import { dateRange } from './rules';

/**
 * Rows for tests, the benchmark and the browser check: monitors with internal names, URLs and
 * error texts (which must never reach a public page), daily rollups, incidents and maintenances.
 */

export const SECRET_URL_HOST = 'internal-db-7.corp.example';
export const SECRET_ERROR = 'connect ECONNREFUSED 10.20.30.40:5432 (secret-error-text)';

let n = 0;

export async function insertMonitor(
  db: Db,
  teamId: number,
  over: Partial<{ name: string; url: string; status: 'pending' | 'up' | 'down' | 'degraded' | 'paused'; last_error: string | null }> = {},
): Promise<number> {
  n += 1;
  const res = await db
    .insertInto('monitors')
    .values({
      team_id: teamId,
      name: over.name ?? `internal-monitor-name-${n}`,
      type: 'http',
      url: over.url ?? `https://${SECRET_URL_HOST}/health?token=s3cr3t-${n}`,
      method: 'GET',
      interval_seconds: 60,
      timeout_ms: 5_000,
      status: over.status ?? 'up',
      last_error: over.last_error === undefined ? SECRET_ERROR : over.last_error,
    })
    .executeTakeFirstOrThrow();
  return Number(res.insertId);
}

/** `days` of rollups ending today; `downOn` maps a day index (0 = oldest) to downtime seconds. */
export async function insertRollups(db: Db, teamId: number, monitorId: number, days: number, downOn: Record<number, number> = {}, today = new Date()) {
  const rows = dateRange(today, days).map((date, i) => {
    const down = downOn[i] ?? 0;
    const monitored = 86_400;
    return {
      monitor_id: monitorId,
      team_id: teamId,
      date,
      checks: 1_440,
      up_checks: 1_440 - Math.ceil(down / 60),
      degraded_checks: 0,
      down_checks: Math.ceil(down / 60),
      monitored_seconds: monitored,
      downtime_seconds: down,
      maintenance_seconds: 0,
      uptime: (((monitored - down) / monitored) * 100).toFixed(4),
    };
  });
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('monitor_daily').values(rows.slice(i, i + 500)).execute();
}

export async function insertIncident(
  db: Db,
  teamId: number,
  over: Partial<{
    kind: 'auto' | 'manual' | 'certificate';
    title: string;
    status: 'investigating' | 'identified' | 'monitoring' | 'resolved';
    severity: 'critical' | 'major' | 'minor';
    monitor_id: number | null;
    monitor_ids: number[];
    status_page_ids: number[];
    started_at: Date;
    resolved_at: Date | null;
    updates: Array<{ status: 'investigating' | 'identified' | 'monitoring' | 'resolved'; message: string; created_by: number | null; created_at?: Date }>;
  }> = {},
): Promise<number> {
  const status = over.status ?? 'investigating';
  const res = await db
    .insertInto('incidents')
    .values({
      team_id: teamId,
      monitor_id: over.monitor_id ?? null,
      kind: over.kind ?? 'manual',
      title: over.title ?? 'Elevated error rates',
      status,
      severity: over.severity ?? 'major',
      started_at: over.started_at ?? new Date(Date.now() - 3_600_000),
      resolved_at: over.resolved_at === undefined ? (status === 'resolved' ? new Date() : null) : over.resolved_at,
    })
    .executeTakeFirstOrThrow();
  const id = Number(res.insertId);
  const monitorIds = over.monitor_ids ?? (over.monitor_id ? [over.monitor_id] : []);
  if (monitorIds.length) {
    await db.insertInto('incident_monitors').values(monitorIds.map((m) => ({ incident_id: id, monitor_id: m, team_id: teamId }))).execute();
  }
  if (over.status_page_ids?.length) {
    await db
      .insertInto('incident_status_pages')
      .values(over.status_page_ids.map((p) => ({ incident_id: id, status_page_id: p, team_id: teamId })))
      .execute();
  }
  for (const u of over.updates ?? []) {
    await db
      .insertInto('incident_updates')
      .values({ incident_id: id, team_id: teamId, status: u.status, message: u.message, created_by: u.created_by, created_at: u.created_at })
      .execute();
  }
  return id;
}

export async function insertMaintenance(db: Db, teamId: number, monitorIds: number[], startsAt: Date, endsAt: Date, title = 'Database upgrade', description: string | null = 'We upgrade the **database**.') {
  const res = await db
    .insertInto('maintenance_windows')
    .values({ team_id: teamId, title, description, starts_at: startsAt, ends_at: endsAt })
    .executeTakeFirstOrThrow();
  const id = Number(res.insertId);
  if (monitorIds.length) {
    await db.insertInto('maintenance_monitors').values(monitorIds.map((m) => ({ maintenance_id: id, monitor_id: m, team_id: teamId }))).execute();
  }
  return id;
}
