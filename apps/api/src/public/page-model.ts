import type { Db, StatusPageRow } from '@sentrypulse/db';
import { PUBLIC_SYSTEM_MESSAGES, publicIncidentTitle, publicUpdateMessage, type PublicIncident, type PublicIncidentHistory, type PublicMaintenance, type PublicStatusPage } from '@sentrypulse/shared';
import { renderSafeMarkdown } from './markdown';
import {
  listDailyRollups,
  listPageIncidentIds,
  listPublicComponents,
  listPublicMaintenances,
  loadPublicIncidents,
  type PublicIncidentRow,
} from './queries';
import { componentStatus, dateRange, overallStatus, uptimeBar, type Severity } from './rules';

// The public read model: a page's rows (public/queries.ts) turned into the public contract by the
// status rules. The service's verbs call it with their context's handle.

export const PAST_INCIDENTS_ON_PAGE = 10;
export const HISTORY_DAYS = 90;

const SYSTEM_MESSAGES = PUBLIC_SYSTEM_MESSAGES;

/**
 * The public face of an incident. Manual incidents show the title and updates the team wrote.
 * Automatic ones were titled by the engine (with the monitor's internal name) and their system
 * updates may hold error texts, so they get a title from the components' display names and
 * canned update texts; updates a person wrote are shown as written (escaped, safe Markdown).
 */
export function toPublicIncident(row: PublicIncidentRow, nameOf: Map<number, string>): PublicIncident {
  const components = row.monitor_ids.map((id) => nameOf.get(id)).filter((n): n is string => n !== undefined);
  const title = publicIncidentTitle(row.kind, row.title, row.severity, components);
  const updates = row.updates.map((u) => {
    const message = publicUpdateMessage(u.status, u.message, u.by_person);
    return { status: u.status, message, message_html: renderSafeMarkdown(message), created_at: u.created_at.toISOString() };
  });
  // Every timeline starts with the incident and, once resolved, ends with its resolution, even
  // when nobody wrote those updates (the engine resolves automatic incidents silently).
  if (updates.length === 0) {
    const m = SYSTEM_MESSAGES.investigating;
    updates.push({ status: 'investigating', message: m, message_html: renderSafeMarkdown(m), created_at: row.started_at.toISOString() });
  }
  if (row.resolved_at && !updates.some((u) => u.status === 'resolved')) {
    const m = SYSTEM_MESSAGES.resolved;
    updates.unshift({ status: 'resolved', message: m, message_html: renderSafeMarkdown(m), created_at: row.resolved_at.toISOString() });
  }
  return {
    id: row.id,
    title,
    status: row.status,
    severity: row.severity,
    components,
    started_at: row.started_at.toISOString(),
    resolved_at: row.resolved_at ? row.resolved_at.toISOString() : null,
    updates,
  };
}

export interface PageModel {
  row: StatusPageRow;
  page: PublicStatusPage;
  /** Page-wide uptime over 90 days (all components' time summed), for the badge. */
  uptime90d: number | null;
}

/**
 * Reads everything the page shows and applies the rules. Never includes monitor names, URLs or errors.
 * bench:status times it as the uncached baseline.
 */
export async function loadPageModel(db: Db, row: StatusPageRow, now = new Date()): Promise<PageModel> {
  const components = await listPublicComponents(db, row.id);
  const monitorIds = components.map((c) => c.monitor_id);
  const nameOf = new Map(components.map((c) => [c.monitor_id, c.display_name]));
  const from = dateRange(now, HISTORY_DAYS)[0]!;

  const [rollups, openIds, pastIds, maintenances] = await Promise.all([
    listDailyRollups(db, row.team_id, monitorIds, from),
    listPageIncidentIds(db, row, monitorIds, { open: true, limit: 50 }),
    row.show_incident_history
      ? listPageIncidentIds(db, row, monitorIds, { open: false, limit: PAST_INCIDENTS_ON_PAGE + 1 })
      : Promise.resolve([] as number[]),
    listPublicMaintenances(db, row.team_id, monitorIds, now),
  ]);
  const pastShown = pastIds.slice(0, PAST_INCIDENTS_ON_PAGE);
  const incidentRows = await loadPublicIncidents(db, row.team_id, [...openIds, ...pastShown], monitorIds);
  const open = incidentRows.filter((i) => i.status !== 'resolved');
  const past = incidentRows.filter((i) => i.status === 'resolved');

  const inProgress = maintenances.filter((m) => m.starts_at <= now && m.ends_at > now);
  const maintained = new Set(inProgress.flatMap((m) => m.monitor_ids));
  const severitiesOf = new Map<number, Severity[]>();
  const pageSeverities: Severity[] = [];
  for (const i of open) {
    if (i.monitor_ids.length === 0) pageSeverities.push(i.severity);
    for (const id of i.monitor_ids) severitiesOf.set(id, [...(severitiesOf.get(id) ?? []), i.severity]);
  }

  const rollupsOf = new Map<number, typeof rollups>();
  for (const r of rollups) rollupsOf.set(r.monitor_id, [...(rollupsOf.get(r.monitor_id) ?? []), r]);

  let counted = 0;
  let up = 0;
  const publicComponents = components.map((c) => {
    const bar = uptimeBar(rollupsOf.get(c.monitor_id) ?? [], now, HISTORY_DAYS);
    counted += bar.countedSeconds;
    up += bar.upSeconds;
    return {
      id: c.id,
      name: c.display_name,
      group: c.group_name,
      status: componentStatus({
        monitorStatus: c.monitor_status,
        inMaintenance: maintained.has(c.monitor_id),
        openIncidentSeverities: severitiesOf.get(c.monitor_id) ?? [],
      }),
      uptime_90d: bar.uptime,
      days: bar.days,
    };
  });

  const status = overallStatus({
    components: publicComponents.map((c) => c.status),
    pageIncidentSeverities: pageSeverities,
    maintenanceInProgress: inProgress.length > 0,
  });

  const publicMaintenances: PublicMaintenance[] = row.show_maintenances
    ? maintenances.map((m) => ({
        id: m.id,
        title: m.title,
        description_html: m.description ? renderSafeMarkdown(m.description) : '',
        status: m.starts_at <= now ? 'in_progress' : 'scheduled',
        components: m.monitor_ids.map((id) => nameOf.get(id)).filter((n): n is string => n !== undefined),
        starts_at: m.starts_at.toISOString(),
        ends_at: m.ends_at.toISOString(),
      }))
    : [];

  const page: PublicStatusPage = {
    slug: row.slug,
    title: row.title,
    description: row.description,
    logo_url: row.logo_url,
    accent_color: row.accent_color,
    status,
    components: publicComponents,
    active_incidents: open.map((i) => toPublicIncident(i, nameOf)),
    past_incidents: past.map((i) => toPublicIncident(i, nameOf)),
    past_incidents_next_cursor: pastIds.length > PAST_INCIDENTS_ON_PAGE ? String(pastShown.at(-1)!) : null,
    maintenances: publicMaintenances,
    show_incident_history: Boolean(row.show_incident_history),
    generated_at: now.toISOString(),
  };
  return { row, page, uptime90d: counted > 0 ? Math.floor((up / counted) * 10_000) / 100 : null };
}

/** Resolved incidents of the page, newest first, keyset by incident id. */
export async function loadHistory(db: Db, row: StatusPageRow, limit: number, beforeId: number | null): Promise<PublicIncidentHistory> {
  if (!row.show_incident_history) return { items: [], next_cursor: null };
  const components = await listPublicComponents(db, row.id);
  const monitorIds = components.map((c) => c.monitor_id);
  const nameOf = new Map(components.map((c) => [c.monitor_id, c.display_name]));
  const ids = await listPageIncidentIds(db, row, monitorIds, { open: false, limit: limit + 1, beforeId });
  const shown = ids.slice(0, limit);
  const rows = await loadPublicIncidents(db, row.team_id, shown, monitorIds);
  return {
    items: rows.map((r) => toPublicIncident(r, nameOf)),
    next_cursor: ids.length > limit ? String(shown.at(-1)!) : null,
  };
}
