import { insertEvent, resolveIncident, sql, type Db } from '@sentrypulse/db';
import { publishEvents, type JobProducer } from '@sentrypulse/jobs';
import type { CreateIncidentBody, Incident, IncidentStatus } from '@sentrypulse/shared';
import type { FastifyBaseLogger } from 'fastify';
import { BadRequest, Conflict, NotFound } from '../errors';
import { REDIS_TIMEOUT_MS } from '../jobs';
import type { TeamContext } from '../types';

export interface IncidentDeps {
  db: Db;
  jobs: JobProducer;
  log: FastifyBaseLogger;
}

/** After commit: queue the events for the alert dispatcher (the outbox sweep retries failures). */
function publish(deps: IncidentDeps, eventIds: string[]): Promise<void> {
  return publishEvents({ ...deps, timeoutMs: REDIS_TIMEOUT_MS }, eventIds);
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

async function loadIncidents(db: Db, teamId: number, ids: number[]): Promise<Incident[]> {
  if (ids.length === 0) return [];
  const [rows, updates, monitors, pages] = await Promise.all([
    db.selectFrom('incidents').selectAll().where('team_id', '=', teamId).where('id', 'in', ids).execute(),
    db.selectFrom('incident_updates').selectAll().where('team_id', '=', teamId).where('incident_id', 'in', ids).orderBy('id').execute(),
    db.selectFrom('incident_monitors').select(['incident_id', 'monitor_id']).where('team_id', '=', teamId).where('incident_id', 'in', ids).execute(),
    db.selectFrom('incident_status_pages').select(['incident_id', 'status_page_id']).where('team_id', '=', teamId).where('incident_id', 'in', ids).execute(),
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
      postmortem: r.postmortem,
      updates: updates
        .filter((u) => u.incident_id === r.id)
        .map((u) => ({ id: u.id, status: u.status, message: u.message, created_by: u.created_by, created_at: u.created_at.toISOString() })),
      created_at: r.created_at.toISOString(),
    }));
}

export async function getIncident(db: Db, team: TeamContext, id: number): Promise<Incident> {
  const [incident] = await loadIncidents(db, team.id, [id]);
  if (!incident) throw new NotFound('Incident');
  return incident;
}

export async function listIncidents(
  db: Db,
  team: TeamContext,
  q: { limit: number; cursor: number | null; status?: 'open' | 'resolved'; monitor_id?: number },
): Promise<{ items: Incident[]; next_cursor: string | null }> {
  let query = db.selectFrom('incidents as i').select('i.id').where('i.team_id', '=', team.id);
  if (q.status === 'open') query = query.where('i.status', '!=', 'resolved');
  if (q.status === 'resolved') query = query.where('i.status', '=', 'resolved');
  if (q.monitor_id) {
    const monitorId = q.monitor_id;
    query = query.where((eb) => eb.exists(eb.selectFrom('incident_monitors as im').select('im.monitor_id').whereRef('im.incident_id', '=', 'i.id').where('im.monitor_id', '=', monitorId)));
  }
  if (q.cursor !== null) query = query.where('i.id', '<', q.cursor);
  const rows = await query.orderBy('i.id', 'desc').limit(q.limit + 1).execute();
  const page = rows.slice(0, q.limit).map((r) => r.id);
  return { items: await loadIncidents(db, team.id, page), next_cursor: rows.length > q.limit ? String(page[page.length - 1]) : null };
}

/** Every id must name a row of this team; otherwise a 400 that names the first unknown one. */
async function assertTeamIds(db: Db, teamId: number, table: 'monitors' | 'status_pages', ids: number[], field: string) {
  if (ids.length === 0) return;
  const rows = await sql<{ id: number }>`SELECT id FROM ${sql.table(table)} WHERE team_id = ${teamId} AND id IN (${sql.join(ids)})`.execute(db);
  const found = new Set(rows.rows.map((r) => Number(r.id)));
  const missing = ids.find((id) => !found.has(id));
  if (missing !== undefined) {
    throw new BadRequest(`${field} contains ${missing}, which is not a ${table === 'monitors' ? 'monitor' : 'status page'} of this team.`, {
      errors: [{ path: field, message: `unknown id ${missing}` }],
    });
  }
}

export async function createIncident(deps: IncidentDeps, team: TeamContext, userId: number, body: CreateIncidentBody): Promise<Incident> {
  await assertTeamIds(deps.db, team.id, 'monitors', body.monitor_ids, 'monitor_ids');
  await assertTeamIds(deps.db, team.id, 'status_pages', body.status_page_ids, 'status_page_ids');
  const { id, events } = await deps.db.transaction().execute(async (trx) => {
    const res = await trx
      .insertInto('incidents')
      .values({ team_id: team.id, monitor_id: null, kind: 'manual', title: body.title, status: body.status, severity: body.severity, started_at: new Date(), created_by: userId })
      .executeTakeFirstOrThrow();
    const id = Number(res.insertId);
    await trx.insertInto('incident_updates').values({ incident_id: id, team_id: team.id, status: body.status, message: body.message, created_by: userId }).execute();
    if (body.monitor_ids.length) await trx.insertInto('incident_monitors').values(body.monitor_ids.map((m) => ({ incident_id: id, monitor_id: m, team_id: team.id }))).execute();
    if (body.status_page_ids.length) await trx.insertInto('incident_status_pages').values(body.status_page_ids.map((p) => ({ incident_id: id, status_page_id: p, team_id: team.id }))).execute();
    const events = [await insertEvent(trx, team.id, id, body.monitor_ids[0] ?? null, null, 'incident.opened')];
    return { id, events };
  });
  await publish(deps, events);
  return getIncident(deps.db, team, id);
}

export async function updateIncident(
  deps: IncidentDeps,
  team: TeamContext,
  id: number,
  body: { title?: string; severity?: 'critical' | 'major' | 'minor'; monitor_ids?: number[]; status_page_ids?: number[] },
): Promise<Incident> {
  if (body.monitor_ids) await assertTeamIds(deps.db, team.id, 'monitors', body.monitor_ids, 'monitor_ids');
  if (body.status_page_ids) await assertTeamIds(deps.db, team.id, 'status_pages', body.status_page_ids, 'status_page_ids');
  await deps.db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('incidents').select(['id', 'kind', 'monitor_id']).where('team_id', '=', team.id).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!current) throw new NotFound('Incident');
    const set: Record<string, unknown> = { updated_at: new Date() };
    if (body.title !== undefined) set.title = body.title;
    if (body.severity !== undefined) set.severity = body.severity;
    await trx.updateTable('incidents').set(set).where('id', '=', id).execute();
    if (body.monitor_ids) {
      // An automatic incident keeps its own monitor in the list.
      const ids = new Set(body.monitor_ids);
      if (current.kind !== 'manual' && current.monitor_id !== null) ids.add(current.monitor_id);
      await trx.deleteFrom('incident_monitors').where('incident_id', '=', id).execute();
      if (ids.size) await trx.insertInto('incident_monitors').values([...ids].map((m) => ({ incident_id: id, monitor_id: m, team_id: team.id }))).execute();
    }
    if (body.status_page_ids) {
      await trx.deleteFrom('incident_status_pages').where('incident_id', '=', id).execute();
      if (body.status_page_ids.length) await trx.insertInto('incident_status_pages').values(body.status_page_ids.map((p) => ({ incident_id: id, status_page_id: p, team_id: team.id }))).execute();
    }
  });
  return getIncident(deps.db, team, id);
}

/** A timeline entry. Resolving closes the incident (and, for an outage incident, its running outage). */
export async function postUpdate(deps: IncidentDeps, team: TeamContext, userId: number, id: number, status: IncidentStatus, message: string): Promise<Incident> {
  const events = await deps.db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('incidents').select(['id', 'status', 'monitor_id', 'kind']).where('team_id', '=', team.id).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!current) throw new NotFound('Incident');
    if (current.status === 'resolved') throw new Conflict('The incident is resolved; its timeline is closed.');
    const now = new Date();
    if (status === 'resolved') {
      if (current.kind === 'auto' && current.monitor_id !== null) {
        await trx.updateTable('monitor_outages').set({ ended_at: now }).where('monitor_id', '=', current.monitor_id).where('ended_at', 'is', null).execute();
      }
      return resolveIncident(trx, team.id, id, current.monitor_id, now, message, userId);
    }
    await trx.updateTable('incidents').set({ status, updated_at: now }).where('id', '=', id).execute();
    const upd = await trx.insertInto('incident_updates').values({ incident_id: id, team_id: team.id, status, message, created_by: userId }).executeTakeFirstOrThrow();
    return [await insertEvent(trx, team.id, id, current.monitor_id, Number(upd.insertId), 'incident.updated')];
  });
  await publish(deps, events);
  return getIncident(deps.db, team, id);
}

/** Acknowledging is idempotent: the first acknowledgement (who, when) is kept. */
export async function acknowledge(deps: IncidentDeps, team: TeamContext, userId: number, id: number): Promise<Incident> {
  const current = await deps.db.selectFrom('incidents').select(['id', 'status', 'acknowledged_at']).where('team_id', '=', team.id).where('id', '=', id).executeTakeFirst();
  if (!current) throw new NotFound('Incident');
  if (current.status === 'resolved') throw new Conflict('The incident is already resolved.');
  await deps.db
    .updateTable('incidents')
    .set({ acknowledged_by: userId, acknowledged_at: new Date() })
    .where('id', '=', id)
    .where('team_id', '=', team.id)
    .where('acknowledged_at', 'is', null)
    .execute();
  return getIncident(deps.db, team, id);
}

export async function setPostmortem(deps: IncidentDeps, team: TeamContext, id: number, postmortem: string): Promise<Incident> {
  const current = await deps.db.selectFrom('incidents').select(['id', 'status']).where('team_id', '=', team.id).where('id', '=', id).executeTakeFirst();
  if (!current) throw new NotFound('Incident');
  if (current.status !== 'resolved') throw new Conflict('A postmortem can be written once the incident is resolved.');
  await deps.db.updateTable('incidents').set({ postmortem, updated_at: new Date() }).where('id', '=', id).where('team_id', '=', team.id).execute();
  return getIncident(deps.db, team, id);
}

export async function listEvents(db: Db, team: TeamContext, limit: number, cursor: number | null) {
  let q = db.selectFrom('incident_events').select(['id', 'incident_id', 'monitor_id', 'type', 'created_at']).where('team_id', '=', team.id);
  if (cursor !== null) q = q.where('id', '<', String(cursor));
  const rows = await q.orderBy('id', 'desc').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  return {
    items: page.map((e) => ({ id: String(e.id), incident_id: e.incident_id, monitor_id: e.monitor_id, type: e.type, created_at: e.created_at.toISOString() })),
    next_cursor: rows.length > limit ? String(page[page.length - 1]!.id) : null,
  };
}
