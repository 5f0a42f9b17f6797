import { transactionWithRetry } from '@sentrypulse/db';
import type { CreateMaintenanceBody, Maintenance } from '@sentrypulse/shared';
import { teamScope, userScope, type ServiceContext } from '../context';
import { BadRequest, Conflict, NotFound } from '../errors';
import { keysetPage } from '../pagination';
import * as q from './queries';

async function load(ctx: ServiceContext, teamId: number, ids: number[]): Promise<Maintenance[]> {
  if (ids.length === 0) return [];
  const [rows, links] = await Promise.all([q.findWindows(ctx.db, teamId, ids), q.findWindowMonitors(ctx.db, teamId, ids)]);
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

export async function getMaintenance(ctx: ServiceContext, id: number): Promise<Maintenance> {
  const team = teamScope(ctx);
  const [m] = await load(ctx, team.id, [id]);
  if (!m) throw new NotFound('Maintenance window');
  return m;
}

export async function createMaintenance(ctx: ServiceContext, body: CreateMaintenanceBody): Promise<Maintenance> {
  const team = teamScope(ctx);
  const userId = userScope(ctx);
  const ok = await q.teamMonitorIds(ctx.db, team.id, body.monitor_ids);
  const missing = body.monitor_ids.find((id) => !ok.has(id));
  if (missing !== undefined) {
    throw new BadRequest(`monitor_ids contains ${missing}, which is not a monitor of this team.`, { errors: [{ path: 'monitor_ids', message: `unknown id ${missing}` }] });
  }
  const id = await transactionWithRetry(ctx.db, (trx) =>
      q.insertWindow(
        trx,
        team.id,
        { title: body.title, description: body.description ?? null, starts_at: new Date(body.starts_at), ends_at: new Date(body.ends_at), created_by: userId },
        body.monitor_ids,
      ),
    );
  return getMaintenance(ctx, id);
}

export async function listMaintenance(
  ctx: ServiceContext,
  query: { limit: number; cursor: number | null; when: q.MaintenanceWhen },
  now = new Date(),
): Promise<{ items: Maintenance[]; next_cursor: string | null }> {
  const team = teamScope(ctx);
  const rows = await q.listWindowIds(ctx.db, team.id, query.when, query.cursor, query.limit + 1, now);
  const page = keysetPage(rows, query.limit, (r) => r.id, (r) => r.id);
  return { items: await load(ctx, team.id, page.items), next_cursor: page.next_cursor };
}

/**
 * Ends a window in progress now, the way to finish early: suppression stops, and subscribers who
 * were told it started are told it completed. Only a window in progress can end.
 */
export async function endMaintenance(ctx: ServiceContext, id: number, now = new Date()): Promise<Maintenance> {
  const team = teamScope(ctx);
  if ((await q.endWindowNow(ctx.db, team.id, id, now)) === 1) return getMaintenance(ctx, id);
  const current = await getMaintenance(ctx, id);
  if (Date.parse(current.starts_at) > now.getTime()) throw new Conflict('This maintenance window has not started; delete it instead.');
  throw new Conflict('This maintenance window has already ended.');
}

/**
 * Deleting a window: as if it never was (scheduled by mistake). Suppression stops and nobody is
 * told; ending it early is `endMaintenance`.
 */
export async function deleteMaintenance(ctx: ServiceContext, id: number): Promise<void> {
  const team = teamScope(ctx);
  if ((await q.deleteWindow(ctx.db, team.id, id)) === 0) throw new NotFound('Maintenance window');
}
