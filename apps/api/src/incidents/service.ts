import { insertEvent, resolveIncident, transactionWithRetry } from '@sentrypulse/db';
import { publishEvents as queueEvents } from '@sentrypulse/jobs';
import type { CreateIncidentBody, Incident, IncidentStatus } from '@sentrypulse/shared';
import { teamScope, userScope, type ServiceContext } from '../context';
import { BadRequest, Conflict, NotFound } from '../errors';
import { REDIS_TIMEOUT_MS } from '../jobs';
import { keysetPage } from '../pagination';
import * as q from './queries';

/** After commit: queue the events for the alert dispatcher (the outbox sweep retries failures). */
export function publishEvents(ctx: ServiceContext, eventIds: string[]): Promise<void> {
  return queueEvents({ db: ctx.db, jobs: ctx.jobs, log: ctx.log, timeoutMs: REDIS_TIMEOUT_MS }, eventIds);
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

async function loadIncidents(ctx: ServiceContext, teamId: number, ids: number[]): Promise<Incident[]> {
  if (ids.length === 0) return [];
  const [rows, updates, monitors, pages] = await Promise.all([
    q.findIncidents(ctx.db, teamId, ids),
    q.findUpdates(ctx.db, teamId, ids),
    q.findMonitorLinks(ctx.db, teamId, ids),
    q.findStatusPageLinks(ctx.db, teamId, ids),
  ]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids
    .map((id) => byId.get(id))
    .filter((r) => r !== undefined)
    .map((r) => ({
      id: r.id,
      title: r.title,
      kind: r.kind,
      cause: r.kind === 'auto' ? (r.cause ?? 'down') : null,
      status: r.status,
      severity: r.severity,
      monitor_id: r.monitor_id,
      monitor_ids: monitors.filter((m) => m.incident_id === r.id).map((m) => m.monitor_id),
      status_page_ids: pages.filter((p) => p.incident_id === r.id).map((p) => p.status_page_id),
      started_at: r.started_at.toISOString(),
      resolved_at: iso(r.resolved_at),
      acknowledged_by: r.acknowledged_by,
      acknowledged_at: iso(r.acknowledged_at),
      acknowledged_via: r.acknowledged_via ?? null,
      postmortem: r.postmortem,
      updates: updates
        .filter((u) => u.incident_id === r.id)
        .map((u) => ({ id: u.id, status: u.status, message: u.message, created_by: u.created_by, created_at: u.created_at.toISOString() })),
      created_at: r.created_at.toISOString(),
    }));
}

export async function getIncident(ctx: ServiceContext, id: number): Promise<Incident> {
  const team = teamScope(ctx);
  const [incident] = await loadIncidents(ctx, team.id, [id]);
  if (!incident) throw new NotFound('Incident');
  return incident;
}

export async function listIncidents(
  ctx: ServiceContext,
  query: { limit: number; cursor: number | null; status?: 'open' | 'resolved'; monitor_id?: number },
): Promise<{ items: Incident[]; next_cursor: string | null }> {
  const team = teamScope(ctx);
  const rows = await q.listIncidentIds(ctx.db, team.id, query, query.cursor, query.limit + 1);
  const page = keysetPage(rows, query.limit, (r) => r.id, (r) => r.id);
  return { items: await loadIncidents(ctx, team.id, page.items), next_cursor: page.next_cursor };
}

/** Every id must name a row of this team; otherwise a 400 that names the first unknown one. */
async function assertTeamIds(ctx: ServiceContext, teamId: number, table: 'monitors' | 'status_pages', ids: number[], field: string) {
  if (ids.length === 0) return;
  const found = await q.teamIdsIn(ctx.db, teamId, table, ids);
  const missing = ids.find((id) => !found.has(id));
  if (missing !== undefined) {
    throw new BadRequest(`${field} contains ${missing}, which is not a ${table === 'monitors' ? 'monitor' : 'status page'} of this team.`, {
      errors: [{ path: field, message: `unknown id ${missing}` }],
    });
  }
}

export async function createIncident(ctx: ServiceContext, body: CreateIncidentBody): Promise<Incident> {
  const team = teamScope(ctx);
  const userId = userScope(ctx);
  await assertTeamIds(ctx, team.id, 'monitors', body.monitor_ids, 'monitor_ids');
  await assertTeamIds(ctx, team.id, 'status_pages', body.status_page_ids, 'status_page_ids');
  const { id, events } = await transactionWithRetry(ctx.db, async (trx) => {
    const id = await q.insertManualIncident(trx, team.id, { title: body.title, status: body.status, severity: body.severity, created_by: userId });
    await q.insertUpdate(trx, team.id, id, body.status, body.message, userId);
    await q.insertMonitorLinks(trx, team.id, id, body.monitor_ids);
    await q.insertStatusPageLinks(trx, team.id, id, body.status_page_ids);
    const events = [await insertEvent(trx, team.id, id, body.monitor_ids[0] ?? null, null, 'incident.opened')];
    return { id, events };
  });
  await publishEvents(ctx, events);
  return getIncident(ctx, id);
}

export async function updateIncident(
  ctx: ServiceContext,
  id: number,
  body: { title?: string; severity?: 'critical' | 'major' | 'minor'; monitor_ids?: number[]; status_page_ids?: number[] },
): Promise<Incident> {
  const team = teamScope(ctx);
  if (body.monitor_ids) await assertTeamIds(ctx, team.id, 'monitors', body.monitor_ids, 'monitor_ids');
  if (body.status_page_ids) await assertTeamIds(ctx, team.id, 'status_pages', body.status_page_ids, 'status_page_ids');
  await transactionWithRetry(ctx.db, async (trx) => {
    const current = await q.lockIncident(trx, team.id, id);
    if (!current) throw new NotFound('Incident');
    const set: { title?: string; severity?: 'critical' | 'major' | 'minor' } = {};
    if (body.title !== undefined) set.title = body.title;
    if (body.severity !== undefined) set.severity = body.severity;
    await q.updateIncidentFields(trx, team.id, id, set);
    if (body.monitor_ids) {
      // An automatic incident keeps its own monitor in the list.
      const ids = new Set(body.monitor_ids);
      if (current.kind !== 'manual' && current.monitor_id !== null) ids.add(current.monitor_id);
      await q.deleteMonitorLinks(trx, team.id, id);
      await q.insertMonitorLinks(trx, team.id, id, [...ids]);
    }
    if (body.status_page_ids) {
      await q.deleteStatusPageLinks(trx, team.id, id);
      await q.insertStatusPageLinks(trx, team.id, id, body.status_page_ids);
    }
  });
  return getIncident(ctx, id);
}

/** A timeline entry. Resolving closes the incident (and, for an outage incident, its running outage). */
export async function postUpdate(ctx: ServiceContext, id: number, status: IncidentStatus, message: string): Promise<Incident> {
  const team = teamScope(ctx);
  const userId = userScope(ctx);
  const events = await transactionWithRetry(ctx.db, async (trx) => {
    const current = await q.lockIncident(trx, team.id, id);
    if (!current) throw new NotFound('Incident');
    if (current.status === 'resolved') throw new Conflict('The incident is resolved; its timeline is closed.');
    const now = new Date();
    if (status === 'resolved') {
      if (current.kind === 'auto' && current.monitor_id !== null) await q.endOutage(trx, current.monitor_id, now);
      return resolveIncident(trx, team.id, id, current.monitor_id, now, message, userId);
    }
    await q.updateIncidentFields(trx, team.id, id, { status }, now);
    const updateId = await q.insertUpdate(trx, team.id, id, status, message, userId);
    return [await insertEvent(trx, team.id, id, current.monitor_id, updateId, 'incident.updated')];
  });
  await publishEvents(ctx, events);
  return getIncident(ctx, id);
}

/** Acknowledging is idempotent: the first acknowledgement (who, when) is kept. */
export async function acknowledge(ctx: ServiceContext, id: number): Promise<Incident> {
  const team = teamScope(ctx);
  const userId = userScope(ctx);
  const current = await q.findIncidentState(ctx.db, team.id, id);
  if (!current) throw new NotFound('Incident');
  if (current.status === 'resolved') throw new Conflict('The incident is already resolved.');
  // The first acknowledgement stops escalation and reminders and is forwarded (ADR 0123).
  const events = await transactionWithRetry(ctx.db, async (trx) => {
    if (!(await q.acknowledgeIncident(trx, team.id, id, userId))) return [];
    return [await insertEvent(trx, team.id, id, current.monitor_id, null, 'incident.acknowledged')];
  });
  await publishEvents(ctx, events);
  return getIncident(ctx, id);
}

export async function setPostmortem(ctx: ServiceContext, id: number, postmortem: string): Promise<Incident> {
  const team = teamScope(ctx);
  const current = await q.findIncidentState(ctx.db, team.id, id);
  if (!current) throw new NotFound('Incident');
  if (current.status !== 'resolved') throw new Conflict('A postmortem can be written once the incident is resolved.');
  await q.updateIncidentFields(ctx.db, team.id, id, { postmortem });
  return getIncident(ctx, id);
}

export async function listEvents(ctx: ServiceContext, limit: number, cursor: number | null) {
  const team = teamScope(ctx);
  const rows = await q.listEvents(ctx.db, team.id, cursor, limit + 1);
  return keysetPage(rows, limit, (e) => e.id, (e) => ({ id: String(e.id), incident_id: e.incident_id, monitor_id: e.monitor_id, type: e.type, created_at: e.created_at.toISOString() }));
}
