import { transactionWithRetry } from '../retry';
import type { Kysely, Transaction } from 'kysely';
import type { CheckStatus, Database, IncidentEventType, IncidentKind, IncidentSeverity, IncidentStatus, MonitorStatus } from '../schema';

/**
 * Writing monitoring history that happened before now (the demo data; an import from another
 * tool would need the same): checks, daily rollups, confirmed outages and resolved incidents with
 * their timeline, each with its own past timestamps, which the live code paths (engine, incident
 * service) never take. The rows are the ones the engine and the rollup job write, so everything
 * that reads them (stats, status pages, uptime) cannot tell the difference.
 */

type Conn = Kysely<Database> | Transaction<Database>;

export interface BackfillCheck {
  status: CheckStatus;
  status_code: number | null;
  response_time_ms: number | null;
  /** Timing phases of http checks (null or absent for other types). */
  dns_ms?: number | null;
  connect_ms?: number | null;
  tls_ms?: number | null;
  ttfb_ms?: number | null;
  error: string | null;
  scheduled_at: Date;
  checked_at: Date;
}

export interface BackfillDaily {
  /** UTC date, YYYY-MM-DD. */
  date: string;
  checks: number;
  up_checks: number;
  degraded_checks: number;
  down_checks: number;
  monitored_seconds: number;
  downtime_seconds: number;
  maintenance_seconds: number;
  /** Percent, truncated to 4 decimals; null when nothing was monitored. */
  uptime: number | null;
  avg_response_time_ms: number | null;
  p95_response_time_ms: number | null;
}

/** The monitor's runtime state after its history (what the engine would have left behind). */
export interface BackfillMonitorState {
  status: MonitorStatus;
  status_changed_at: Date | null;
  consecutive_successes: number;
  last_scheduled_at: Date | null;
  last_checked_at: Date | null;
  last_response_time_ms: number | null;
  last_heartbeat_at?: Date | null;
}

export interface MonitorBackfill {
  teamId: number;
  monitorId: number;
  createdAt: Date;
  checks: BackfillCheck[];
  daily: BackfillDaily[];
  state: BackfillMonitorState;
}

/**
 * Moves the monitor's creation back to `createdAt` (uptime counts time from then on), inserts its
 * checks (multi-row, in chunks) and daily rollups (replacing rows of the same dates), and sets its
 * runtime state.
 */
export async function backfillMonitor(db: Kysely<Database>, b: MonitorBackfill, chunk = 2_000): Promise<void> {
  await transactionWithRetry(db, async (trx) => {
    await trx
      .updateTable('monitors')
      .set({
        created_at: b.createdAt,
        status: b.state.status,
        status_changed_at: b.state.status_changed_at,
        consecutive_failures: 0,
        consecutive_successes: b.state.consecutive_successes,
        failing_since: null,
        last_scheduled_at: b.state.last_scheduled_at,
        last_checked_at: b.state.last_checked_at,
        last_response_time_ms: b.state.last_response_time_ms,
        last_error: null,
        ...(b.state.last_heartbeat_at !== undefined ? { last_heartbeat_at: b.state.last_heartbeat_at } : {}),
      } as never)
      .where('id', '=', b.monitorId)
      .where('team_id', '=', b.teamId)
      .execute();
    for (let i = 0; i < b.checks.length; i += chunk) {
      await trx
        .insertInto('monitor_checks')
        .values(b.checks.slice(i, i + chunk).map((c) => ({ ...c, monitor_id: b.monitorId, team_id: b.teamId })))
        .execute();
    }
    if (b.daily.length > 0) {
      await trx.deleteFrom('monitor_daily').where('monitor_id', '=', b.monitorId).where('date', 'in', b.daily.map((d) => d.date)).execute();
      for (let i = 0; i < b.daily.length; i += chunk) {
        await trx
          .insertInto('monitor_daily')
          .values(b.daily.slice(i, i + chunk).map((d) => ({ ...d, monitor_id: b.monitorId, team_id: b.teamId })))
          .execute();
      }
    }
  });
}

export interface BackfillUpdate {
  status: IncidentStatus;
  message: string;
  /** null: written by the system (engine), else the user who posted it. */
  created_by: number | null;
  created_at: Date;
}

export interface BackfillIncident {
  teamId: number;
  kind: Exclude<IncidentKind, 'certificate'>;
  /** The monitor an automatic incident is about (null for manual ones). */
  monitor_id: number | null;
  title: string;
  severity: IncidentSeverity;
  started_at: Date;
  resolved_at: Date;
  postmortem: string | null;
  created_by: number | null;
  acknowledged_by?: number | null;
  acknowledged_at?: Date | null;
  /** Affected monitors (an automatic incident's own monitor is added). */
  monitor_ids: number[];
  status_page_ids: number[];
  /** The timeline, oldest first; the last one must be `resolved`. */
  updates: BackfillUpdate[];
  /** Confirmed downtime the incident stood for (automatic incidents). */
  outages: Array<{ monitor_id: number; started_at: Date; ended_at: Date }>;
}

/**
 * A resolved incident with its timeline, links, outages and outbox events (already marked queued:
 * history is never alerted about). Returns the incident id.
 */
export async function insertResolvedIncident(db: Kysely<Database>, inc: BackfillIncident): Promise<number> {
  const last = inc.updates[inc.updates.length - 1];
  if (!last || last.status !== 'resolved') throw new Error('a resolved incident needs a timeline ending with a resolved update');
  return transactionWithRetry(db, async (trx) => {
    const res = await trx
      .insertInto('incidents')
      .values({
        team_id: inc.teamId,
        monitor_id: inc.monitor_id,
        kind: inc.kind,
        title: inc.title.slice(0, 200),
        status: 'resolved',
        severity: inc.severity,
        started_at: inc.started_at,
        resolved_at: inc.resolved_at,
        acknowledged_by: inc.acknowledged_by ?? null,
        acknowledged_at: inc.acknowledged_at ?? null,
        postmortem: inc.postmortem,
        created_by: inc.created_by,
        created_at: inc.started_at,
        updated_at: inc.resolved_at,
      })
      .executeTakeFirstOrThrow();
    const id = Number(res.insertId);
    const monitors = new Set(inc.monitor_ids);
    if (inc.monitor_id !== null) monitors.add(inc.monitor_id);
    if (monitors.size) await trx.insertInto('incident_monitors').values([...monitors].map((m) => ({ incident_id: id, monitor_id: m, team_id: inc.teamId }))).execute();
    if (inc.status_page_ids.length) {
      await trx.insertInto('incident_status_pages').values(inc.status_page_ids.map((p) => ({ incident_id: id, status_page_id: p, team_id: inc.teamId }))).execute();
    }
    for (const [i, u] of inc.updates.entries()) {
      const upd = await trx
        .insertInto('incident_updates')
        .values({ incident_id: id, team_id: inc.teamId, status: u.status, message: u.message, created_by: u.created_by, created_at: u.created_at })
        .executeTakeFirstOrThrow();
      const type: IncidentEventType = i === 0 ? 'incident.opened' : u.status === 'resolved' ? 'incident.resolved' : 'incident.updated';
      await trx
        .insertInto('incident_events')
        .values({ team_id: inc.teamId, incident_id: id, monitor_id: inc.monitor_id ?? inc.monitor_ids[0] ?? null, update_id: i === 0 ? null : Number(upd.insertId), type, created_at: u.created_at, queued_at: u.created_at })
        .execute();
    }
    if (inc.outages.length) {
      await trx
        .insertInto('monitor_outages')
        .values(inc.outages.map((o) => ({ monitor_id: o.monitor_id, team_id: inc.teamId, incident_id: id, started_at: o.started_at, ended_at: o.ended_at })))
        .execute();
    }
    return id;
  });
}

/** The monitors of a team by name (the demo's later seeders find the earlier ones' monitors). */
export async function monitorIdsByName(db: Conn, teamId: number): Promise<Map<string, number>> {
  const rows = await db.selectFrom('monitors').select(['id', 'name']).where('team_id', '=', teamId).orderBy('id').execute();
  return new Map(rows.map((r) => [r.name, r.id]));
}
