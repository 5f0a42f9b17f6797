import type { Db } from '@sentrypulse/db';

/**
 * Status page rows for the team-side CRUD. Every query takes the team id and filters by it, so a
 * page of another team is simply not found (components are reached through their page's id).
 */

export interface StatusPageValues {
  slug: string;
  title: string;
  description: string | null;
  is_public: boolean;
  logo_url: string | null;
  accent_color: string | null;
  custom_domain: string | null;
  show_incident_history: boolean;
  show_maintenances: boolean;
}

export interface ComponentValues {
  monitor_id: number;
  name: string;
  group?: string | null;
}

export function findStatusPage(db: Db, teamId: number, id: number) {
  return db.selectFrom('status_pages').selectAll().where('team_id', '=', teamId).where('id', '=', id).executeTakeFirst();
}

/** Keyset pagination, newest first. */
export function listStatusPages(db: Db, teamId: number, limit: number, beforeId: number | null) {
  let q = db.selectFrom('status_pages').selectAll().where('team_id', '=', teamId);
  if (beforeId !== null) q = q.where('id', '<', beforeId);
  return q.orderBy('id', 'desc').limit(limit).execute();
}

export async function countStatusPages(db: Db, teamId: number): Promise<number> {
  const row = await db
    .selectFrom('status_pages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('team_id', '=', teamId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertStatusPage(trx: Db, teamId: number, v: StatusPageValues): Promise<number> {
  const res = await trx
    .insertInto('status_pages')
    .values({ team_id: teamId, ...v })
    .executeTakeFirstOrThrow();
  return Number(res.insertId);
}

export async function updateStatusPage(trx: Db, teamId: number, id: number, v: Partial<StatusPageValues>): Promise<void> {
  await trx
    .updateTable('status_pages')
    .set({ ...v, updated_at: new Date() })
    .where('team_id', '=', teamId)
    .where('id', '=', id)
    .execute();
}

export async function deleteStatusPage(db: Db, teamId: number, id: number): Promise<boolean> {
  const res = await db.deleteFrom('status_pages').where('team_id', '=', teamId).where('id', '=', id).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/** Replaces a page's components; the list order becomes `position`. Call inside a transaction. */
export async function replaceComponents(trx: Db, statusPageId: number, components: ComponentValues[]): Promise<void> {
  await trx.deleteFrom('status_page_components').where('status_page_id', '=', statusPageId).execute();
  if (components.length === 0) return;
  await trx
    .insertInto('status_page_components')
    .values(
      components.map((c, position) => ({
        status_page_id: statusPageId,
        monitor_id: c.monitor_id,
        display_name: c.name,
        group_name: c.group ?? null,
        position,
      })),
    )
    .execute();
}

export function listComponents(db: Db, statusPageIds: number[]) {
  if (statusPageIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('status_page_components')
    .selectAll()
    .where('status_page_id', 'in', statusPageIds)
    .orderBy('status_page_id')
    .orderBy('position')
    .execute();
}

/** Which of `monitorIds` belong to the team (a page may only show the team's own monitors). */
export async function monitorIdsOfTeam(db: Db, teamId: number, monitorIds: number[]): Promise<Set<number>> {
  if (monitorIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('monitors')
    .select('id')
    .where('team_id', '=', teamId)
    .where('id', 'in', monitorIds)
    .execute();
  return new Set(rows.map((r) => Number(r.id)));
}

export type StatusPageComponentRow = Awaited<ReturnType<typeof listComponents>>[number];
