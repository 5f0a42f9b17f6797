import { sql, type Db, type NoticeContent, type NoticeKind } from '@sentrypulse/db';
import { publicIncidentTitle, publicUpdateMessage, PUBLIC_SYSTEM_MESSAGES, type PublicIncidentStatus } from '@sentrypulse/shared';

/**
 * Notices (ADR 0132): one subscriber_notices row per page and thing that happened, holding the
 * public words the page shows (ADR 0073), unique per (page, key) so a replay creates nothing.
 */

interface PageRow {
  id: number;
  team_id: number;
  slug: string;
  title: string;
  logo_url: string | null;
  accent_color: string | null;
  show_maintenances: number;
}

interface ComponentRow {
  id: number;
  status_page_id: number;
  monitor_id: number;
  display_name: string;
}

/** Public pages of the team that have subscribers to tell and are not paused. */
async function pagesWithSubscribers(db: Db, teamId: number, pageIds?: number[]): Promise<PageRow[]> {
  let q = db
    .selectFrom('status_pages as p')
    .select(['p.id', 'p.team_id', 'p.slug', 'p.title', 'p.logo_url', 'p.accent_color', 'p.show_maintenances'])
    .where('p.team_id', '=', teamId)
    .where('p.is_public', '=', 1)
    .where('p.notices_paused', '=', 0)
    .where((eb) => eb.exists(eb.selectFrom('status_page_subscribers as s').select(sql.lit(1).as('one')).whereRef('s.status_page_id', '=', 'p.id').where('s.status', '=', 'active')));
  if (pageIds) q = q.where('p.id', 'in', pageIds.length ? pageIds : [0]);
  return q.execute();
}

async function componentsOf(db: Db, pageIds: number[]): Promise<ComponentRow[]> {
  if (pageIds.length === 0) return [];
  return db
    .selectFrom('status_page_components')
    .select(['id', 'status_page_id', 'monitor_id', 'display_name'])
    .where('status_page_id', 'in', pageIds)
    .orderBy('position')
    .execute();
}

function brandOf(p: PageRow): NoticeContent['page'] {
  return { slug: p.slug, title: p.title, logo_url: p.logo_url, accent_color: p.accent_color };
}

async function insertNotices(
  db: Db,
  rows: Array<{ team_id: number; status_page_id: number; kind: NoticeKind; notice_key: string; incident_id: number | null; maintenance_id: number | null; component_ids: number[]; content: NoticeContent }>,
): Promise<string[]> {
  if (rows.length === 0) return [];
  await db
    .insertInto('subscriber_notices')
    .ignore()
    .values(rows.map((r) => ({ ...r, component_ids: JSON.stringify(r.component_ids), content: JSON.stringify(r.content) })))
    .execute();
  const found = await db
    .selectFrom('subscriber_notices')
    .select(['id', 'fanned_out_at'])
    .where((eb) => eb.or(rows.map((r) => eb.and([eb('status_page_id', '=', r.status_page_id), eb('notice_key', '=', r.notice_key)]))))
    .execute();
  // Notices whose fan-out already finished need nothing more; the others (new, or left half done
  // by a crash) are fanned out again from the start, which the unique delivery key makes safe.
  return found.filter((n) => n.fanned_out_at === null).map((n) => String(n.id));
}

const EVENT_KIND: Record<string, NoticeKind | undefined> = {
  'incident.opened': 'incident.opened',
  'incident.updated': 'incident.updated',
  'incident.resolved': 'incident.resolved',
};

/** The notices of one incident event: for every page that shows the incident. Answers the ids to fan out. */
export async function noticesForEvent(db: Db, eventId: number): Promise<string[]> {
  const event = await db.selectFrom('incident_events').selectAll().where('id', '=', String(eventId)).executeTakeFirst();
  const kind = event ? EVENT_KIND[event.type] : undefined;
  if (!event || !kind) return [];
  const teamId = event.team_id;
  const incident = await db
    .selectFrom('incidents')
    .select(['id', 'kind', 'title', 'status', 'severity', 'monitor_id', 'started_at', 'resolved_at'])
    .where('id', '=', event.incident_id)
    .where('team_id', '=', teamId)
    .executeTakeFirst();
  // Certificate warnings are internal and never on a page (ADR 0073).
  if (!incident || incident.kind === 'certificate') return [];
  const [links, placed, update] = await Promise.all([
    db.selectFrom('incident_monitors').select('monitor_id').where('team_id', '=', teamId).where('incident_id', '=', incident.id).execute(),
    db.selectFrom('incident_status_pages').select('status_page_id').where('incident_id', '=', incident.id).execute(),
    event.update_id !== null
      ? db.selectFrom('incident_updates').select(['status', 'message', 'created_by']).where('id', '=', event.update_id).where('team_id', '=', teamId).executeTakeFirst()
      : // An opening without its own update: the first words of the incident (a manual one's message).
        db
          .selectFrom('incident_updates')
          .select(['status', 'message', 'created_by'])
          .where('incident_id', '=', incident.id)
          .where('team_id', '=', teamId)
          .where('status', kind === 'incident.resolved' ? '=' : '<>', 'resolved')
          .orderBy('id', kind === 'incident.resolved' ? 'desc' : 'asc')
          .limit(1)
          .executeTakeFirst(),
  ]);
  const monitors = new Set(links.map((l) => l.monitor_id));
  if (incident.monitor_id !== null) monitors.add(incident.monitor_id);
  const placedOn = new Set(placed.map((p) => p.status_page_id));

  const pages = await pagesWithSubscribers(db, teamId);
  const components = await componentsOf(db, pages.map((p) => p.id));
  const rows = [];
  for (const page of pages) {
    const shown = components.filter((c) => c.status_page_id === page.id && monitors.has(c.monitor_id));
    if (shown.length === 0 && !placedOn.has(page.id)) continue;
    const names = [...new Set(shown.map((c) => c.display_name))];
    const status = (kind === 'incident.resolved' ? 'resolved' : (update?.status ?? incident.status)) as PublicIncidentStatus;
    const message = update ? publicUpdateMessage(update.status as PublicIncidentStatus, update.message, update.created_by !== null) : PUBLIC_SYSTEM_MESSAGES[status];
    rows.push({
      team_id: teamId,
      status_page_id: page.id,
      kind,
      notice_key: `event:${event.id}`,
      incident_id: incident.id,
      maintenance_id: null,
      // A page-wide incident (placed on the page, no component of it affected) reaches everyone.
      component_ids: [...new Set(shown.map((c) => c.id))],
      content: {
        page: brandOf(page),
        title: publicIncidentTitle(incident.kind, incident.title, incident.severity, names),
        status,
        message,
        components: names,
        incident_id: incident.id,
        maintenance_id: null,
        starts_at: null,
        ends_at: null,
        occurred_at: event.created_at.toISOString(),
      },
    });
  }
  return insertNotices(db, rows);
}

type Phase = 'scheduled' | 'started' | 'ended';
const PHASE_KIND: Record<Phase, NoticeKind> = { scheduled: 'maintenance.scheduled', started: 'maintenance.started', ended: 'maintenance.ended' };
const PHASE_MESSAGE: Record<Phase, string> = {
  scheduled: 'Maintenance is scheduled for the period below.',
  started: 'Scheduled maintenance is now in progress.',
  ended: 'Scheduled maintenance has been completed.',
};

/** Look-back of the sweep: transitions older than this (a worker down for hours) are not told late. */
export const SWEEP_LOOKBACK_MS = 60 * 60_000;

/**
 * Maintenance notices due at `now`: scheduled (created within a day, not started yet), started,
 * ended, each once per page that shows the window (`show_maintenances`) and its components.
 */
export async function maintenanceNotices(db: Db, now: Date): Promise<string[]> {
  const since = new Date(now.getTime() - SWEEP_LOOKBACK_MS);
  const windows = await db
    .selectFrom('maintenance_windows')
    .select(['id', 'team_id', 'title', 'description', 'starts_at', 'ends_at', 'created_at'])
    .where((eb) =>
      eb.or([
        eb.and([eb('starts_at', '>', now), eb('created_at', '>', new Date(now.getTime() - 24 * 3_600_000))]),
        eb.and([eb('starts_at', '<=', now), eb('starts_at', '>', since)]),
        eb.and([eb('ends_at', '<=', now), eb('ends_at', '>', since)]),
        eb.and([eb('starts_at', '<=', now), eb('ends_at', '>', now)]),
      ]),
    )
    .limit(2000)
    .execute();
  if (windows.length === 0) return [];
  const links = await db.selectFrom('maintenance_monitors').select(['maintenance_id', 'monitor_id']).where('maintenance_id', 'in', windows.map((w) => w.id)).execute();
  const ids: string[] = [];
  const byTeam = new Map<number, typeof windows>();
  for (const w of windows) byTeam.set(w.team_id, [...(byTeam.get(w.team_id) ?? []), w]);
  for (const [teamId, list] of byTeam) {
    const pages = (await pagesWithSubscribers(db, teamId)).filter((p) => p.show_maintenances);
    const components = await componentsOf(db, pages.map((p) => p.id));
    const rows = [];
    for (const w of list) {
      const phase: Phase = w.ends_at <= now ? 'ended' : w.starts_at <= now ? 'started' : 'scheduled';
      if (phase === 'started' && w.starts_at <= since) continue; // long-running, told already or too late
      const monitors = new Set(links.filter((l) => l.maintenance_id === w.id).map((l) => l.monitor_id));
      for (const page of pages) {
        const shown = components.filter((c) => c.status_page_id === page.id && monitors.has(c.monitor_id));
        if (shown.length === 0) continue;
        const names = [...new Set(shown.map((c) => c.display_name))];
        rows.push({
          team_id: teamId,
          status_page_id: page.id,
          kind: PHASE_KIND[phase],
          notice_key: `maintenance:${w.id}:${w.starts_at.getTime()}:${phase}`,
          incident_id: null,
          maintenance_id: w.id,
          component_ids: [...new Set(shown.map((c) => c.id))],
          content: {
            page: brandOf(page),
            title: w.title,
            status: phase,
            message: w.description?.trim() ? `${PHASE_MESSAGE[phase]}\n\n${w.description.trim()}` : PHASE_MESSAGE[phase],
            components: names,
            incident_id: null,
            maintenance_id: w.id,
            starts_at: w.starts_at.toISOString(),
            ends_at: w.ends_at.toISOString(),
            occurred_at: (phase === 'scheduled' ? w.created_at : phase === 'started' ? w.starts_at : w.ends_at).toISOString(),
          },
        });
      }
    }
    ids.push(...(await insertNotices(db, rows)));
  }
  return ids;
}
