import { sql, type Db, type IncidentSeverity, type IncidentStatus, type MonitorStatus, type StatusPageRow } from '@sentrypulse/db';

/**
 * Everything a public status page shows, read with a handful of indexed queries. These functions
 * select only the columns a page may show: never a monitor's name, URL, host or last error, and
 * never a check's error text. The API turns the rows into the public contract.
 */

export interface PublicComponentRow {
  id: number;
  monitor_id: number;
  display_name: string;
  group_name: string | null;
  monitor_status: MonitorStatus;
}

export interface PublicDailyRow {
  monitor_id: number;
  date: string;
  monitored_seconds: number;
  downtime_seconds: number;
  maintenance_seconds: number;
  uptime: string | null;
}

export interface PublicIncidentRow {
  id: number;
  kind: 'auto' | 'manual' | 'certificate';
  title: string;
  status: IncidentStatus;
  severity: IncidentSeverity;
  started_at: Date;
  resolved_at: Date | null;
  /** Monitors of this page the incident is linked to. */
  monitor_ids: number[];
  updates: Array<{ status: IncidentStatus; message: string; by_person: boolean; created_at: Date }>;
}

export interface PublicMaintenanceRow {
  id: number;
  title: string;
  description: string | null;
  starts_at: Date;
  ends_at: Date;
  monitor_ids: number[];
}

export function listPublicComponents(db: Db, statusPageId: number): Promise<PublicComponentRow[]> {
  return db
    .selectFrom('status_page_components as c')
    .innerJoin('monitors as m', 'm.id', 'c.monitor_id')
    .select(['c.id', 'c.monitor_id', 'c.display_name', 'c.group_name', 'm.status as monitor_status'])
    .where('c.status_page_id', '=', statusPageId)
    .orderBy('c.position')
    .execute();
}

/** Daily rollups of the monitors from `fromDate` (YYYY-MM-DD, UTC) on. */
export async function listDailyRollups(db: Db, teamId: number, monitorIds: number[], fromDate: string): Promise<PublicDailyRow[]> {
  if (monitorIds.length === 0) return [];
  const rows = await db
    .selectFrom('monitor_daily')
    .select(['monitor_id', 'date', 'monitored_seconds', 'downtime_seconds', 'maintenance_seconds', 'uptime'])
    .where('team_id', '=', teamId)
    .where('monitor_id', 'in', monitorIds)
    .where('date', '>=', fromDate)
    .execute();
  return rows.map((r) => ({ ...r, date: typeof r.date === 'string' ? r.date.slice(0, 10) : isoDay(r.date as unknown as Date) }));
}

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/**
 * Ids of the incidents shown on a page: linked to one of its monitors (incident_monitors or the
 * incident's own monitor) or placed on the page directly. Certificate warnings are internal and
 * never shown. `open` picks unresolved ones; otherwise resolved ones, newest first, before `beforeId`.
 */
export async function listPageIncidentIds(
  db: Db,
  page: Pick<StatusPageRow, 'id' | 'team_id'>,
  monitorIds: number[],
  opts: { open: boolean; limit: number; beforeId?: number | null },
): Promise<number[]> {
  const ids = monitorIds.length ? monitorIds : [0];
  let q = db
    .selectFrom('incidents as i')
    .select('i.id')
    .where('i.team_id', '=', page.team_id)
    .where('i.kind', '<>', 'certificate')
    .where((eb) =>
      eb.or([
        eb('i.monitor_id', 'in', ids),
        eb.exists(
          eb
            .selectFrom('incident_monitors as im')
            .select(sql.lit(1).as('one'))
            .whereRef('im.incident_id', '=', 'i.id')
            .where('im.monitor_id', 'in', ids),
        ),
        eb.exists(
          eb
            .selectFrom('incident_status_pages as isp')
            .select(sql.lit(1).as('one'))
            .whereRef('isp.incident_id', '=', 'i.id')
            .where('isp.status_page_id', '=', page.id),
        ),
      ]),
    );
  q = opts.open ? q.where('i.status', '<>', 'resolved') : q.where('i.status', '=', 'resolved');
  if (opts.beforeId) q = q.where('i.id', '<', opts.beforeId);
  const rows = await q.orderBy('i.id', 'desc').limit(opts.limit).execute();
  return rows.map((r) => r.id);
}

/** The incidents with their updates (newest first) and their links to `monitorIds`. */
export async function loadPublicIncidents(db: Db, teamId: number, incidentIds: number[], monitorIds: number[]): Promise<PublicIncidentRow[]> {
  if (incidentIds.length === 0) return [];
  const [incidents, updates, links] = await Promise.all([
    db
      .selectFrom('incidents')
      .select(['id', 'kind', 'title', 'status', 'severity', 'started_at', 'resolved_at', 'monitor_id'])
      .where('team_id', '=', teamId)
      .where('id', 'in', incidentIds)
      .execute(),
    db
      .selectFrom('incident_updates')
      .select(['incident_id', 'status', 'message', 'created_by', 'created_at'])
      .where('team_id', '=', teamId)
      .where('incident_id', 'in', incidentIds)
      .orderBy('incident_id')
      .orderBy('id', 'desc')
      .execute(),
    monitorIds.length
      ? db
          .selectFrom('incident_monitors')
          .select(['incident_id', 'monitor_id'])
          .where('team_id', '=', teamId)
          .where('incident_id', 'in', incidentIds)
          .where('monitor_id', 'in', monitorIds)
          .execute()
      : Promise.resolve([] as Array<{ incident_id: number; monitor_id: number }>),
  ]);
  const onPage = new Set(monitorIds);
  const byId = new Map(incidents.map((i) => [i.id, i]));
  return incidentIds
    .map((id) => byId.get(id))
    .filter((i): i is NonNullable<typeof i> => i !== undefined)
    .map((i) => {
      const linked = new Set(links.filter((l) => l.incident_id === i.id).map((l) => l.monitor_id));
      if (i.monitor_id !== null && onPage.has(i.monitor_id)) linked.add(i.monitor_id);
      return {
        id: i.id,
        kind: i.kind,
        title: i.title,
        status: i.status,
        severity: i.severity,
        started_at: i.started_at,
        resolved_at: i.resolved_at,
        monitor_ids: [...linked],
        updates: updates
          .filter((u) => u.incident_id === i.id)
          .map((u) => ({ status: u.status, message: u.message, by_person: u.created_by !== null, created_at: u.created_at })),
      };
    });
}

/** Maintenance windows touching the page's monitors that have not ended yet, soonest first. */
export async function listPublicMaintenances(db: Db, teamId: number, monitorIds: number[], now: Date, limit = 20): Promise<PublicMaintenanceRow[]> {
  if (monitorIds.length === 0) return [];
  const windows = await db
    .selectFrom('maintenance_windows as w')
    .select(['w.id', 'w.title', 'w.description', 'w.starts_at', 'w.ends_at'])
    .where('w.team_id', '=', teamId)
    .where('w.ends_at', '>', now)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('maintenance_monitors as mm')
          .select(sql.lit(1).as('one'))
          .whereRef('mm.maintenance_id', '=', 'w.id')
          .where('mm.monitor_id', 'in', monitorIds),
      ),
    )
    .orderBy('w.starts_at')
    .limit(limit)
    .execute();
  if (windows.length === 0) return [];
  const links = await db
    .selectFrom('maintenance_monitors')
    .select(['maintenance_id', 'monitor_id'])
    .where('team_id', '=', teamId)
    .where(
      'maintenance_id',
      'in',
      windows.map((w) => w.id),
    )
    .where('monitor_id', 'in', monitorIds)
    .execute();
  return windows.map((w) => ({ ...w, monitor_ids: links.filter((l) => l.maintenance_id === w.id).map((l) => l.monitor_id) }));
}
