import { sql, type Db } from '@sentrypulse/db';
import type { CreateMaintenanceBody, Maintenance } from '@sentrypulse/shared';
import { BadRequest, NotFound } from '../errors';
import type { TeamContext } from '../types';

async function load(db: Db, teamId: number, ids: number[]): Promise<Maintenance[]> {
  if (ids.length === 0) return [];
  const [rows, links] = await Promise.all([
    db.selectFrom('maintenance_windows').selectAll().where('team_id', '=', teamId).where('id', 'in', ids).execute(),
    db.selectFrom('maintenance_monitors').select(['maintenance_id', 'monitor_id']).where('team_id', '=', teamId).where('maintenance_id', 'in', ids).execute(),
  ]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids
    .map((id) => byId.get(id))
    .filter((r) => r !== undefined)
    .map((r) => ({
      id: r.id,
      title: r.title,
      description: r.description,
      starts_at: r.starts_at.toISOString(),
      ends_at: r.ends_at.toISOString(),
      monitor_ids: links.filter((l) => l.maintenance_id === r.id).map((l) => l.monitor_id),
      created_at: r.created_at.toISOString(),
    }));
}

export async function getMaintenance(db: Db, team: TeamContext, id: number): Promise<Maintenance> {
  const [m] = await load(db, team.id, [id]);
  if (!m) throw new NotFound('Maintenance window');
  return m;
}

export async function createMaintenance(db: Db, team: TeamContext, userId: number, body: CreateMaintenanceBody): Promise<Maintenance> {
  const found = await sql<{ id: number }>`SELECT id FROM monitors WHERE team_id = ${team.id} AND id IN (${sql.join(body.monitor_ids)})`.execute(db);
  const ok = new Set(found.rows.map((r) => Number(r.id)));
  const missing = body.monitor_ids.find((id) => !ok.has(id));
  if (missing !== undefined) {
    throw new BadRequest(`monitor_ids contains ${missing}, which is not a monitor of this team.`, { errors: [{ path: 'monitor_ids', message: `unknown id ${missing}` }] });
  }
  const id = await db.transaction().execute(async (trx) => {
    const res = await trx
      .insertInto('maintenance_windows')
      .values({ team_id: team.id, title: body.title, description: body.description ?? null, starts_at: new Date(body.starts_at), ends_at: new Date(body.ends_at), created_by: userId })
      .executeTakeFirstOrThrow();
    const id = Number(res.insertId);
    await trx.insertInto('maintenance_monitors').values(body.monitor_ids.map((m) => ({ maintenance_id: id, monitor_id: m, team_id: team.id }))).execute();
    return id;
  });
  return getMaintenance(db, team, id);
}

export async function listMaintenance(
  db: Db,
  team: TeamContext,
  q: { limit: number; cursor: number | null; when: 'upcoming' | 'active' | 'past' | 'all' },
  now = new Date(),
): Promise<{ items: Maintenance[]; next_cursor: string | null }> {
  let query = db.selectFrom('maintenance_windows').select('id').where('team_id', '=', team.id);
  if (q.when === 'upcoming') query = query.where('starts_at', '>', now);
  if (q.when === 'active') query = query.where('starts_at', '<=', now).where('ends_at', '>', now);
  if (q.when === 'past') query = query.where('ends_at', '<=', now);
  if (q.cursor !== null) query = query.where('id', '<', q.cursor);
  const rows = await query.orderBy('id', 'desc').limit(q.limit + 1).execute();
  const page = rows.slice(0, q.limit).map((r) => r.id);
  return { items: await load(db, team.id, page), next_cursor: rows.length > q.limit ? String(page[page.length - 1]) : null };
}

/** Ending a window early: deleting it removes the suppression from then on. */
export async function deleteMaintenance(db: Db, team: TeamContext, id: number): Promise<void> {
  const res = await db.deleteFrom('maintenance_windows').where('team_id', '=', team.id).where('id', '=', id).executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw new NotFound('Maintenance window');
}
