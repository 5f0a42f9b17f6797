import type { Db } from '@sentrypulse/db';

/** Sites of a team; every query takes the team id. */

const COLUMNS = ['id', 'team_id', 'name', 'domain', 'tracking_code', 'timezone', 'respect_dnt', 'enabled', 'created_at', 'updated_at'] as const;

export type SiteRow = NonNullable<Awaited<ReturnType<typeof findSite>>>;

export function findSite(db: Db, teamId: number, siteId: number) {
  return db.selectFrom('sites').select(COLUMNS).where('team_id', '=', teamId).where('id', '=', siteId).executeTakeFirst();
}

/** Keyset by id, newest first. */
export function listSites(db: Db, teamId: number, limit: number, beforeId: number | null) {
  let q = db.selectFrom('sites').select(COLUMNS).where('team_id', '=', teamId).orderBy('id', 'desc').limit(limit);
  if (beforeId !== null) q = q.where('id', '<', beforeId);
  return q.execute();
}

export async function countSites(db: Db, teamId: number): Promise<number> {
  const row = await db
    .selectFrom('sites')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('team_id', '=', teamId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface SiteValues {
  name: string;
  domain: string;
  tracking_code: string;
  timezone: string;
  respect_dnt: boolean;
  enabled: boolean;
}

/** A domain the team already tracks is a duplicate-key error for the caller to turn into a 409. */
export async function insertSite(db: Db, teamId: number, v: SiteValues): Promise<number> {
  const res = await db.insertInto('sites').values({ team_id: teamId, ...v }).executeTakeFirstOrThrow();
  return Number(res.insertId);
}

export async function updateSite(db: Db, teamId: number, siteId: number, changes: Partial<Omit<SiteValues, 'tracking_code'>>): Promise<void> {
  await db
    .updateTable('sites')
    .set({ ...changes, updated_at: new Date() })
    .where('team_id', '=', teamId)
    .where('id', '=', siteId)
    .execute();
}

/** Rollups go with the site (foreign keys); raw events are removed in batches by retention. */
export async function deleteSite(db: Db, teamId: number, siteId: number): Promise<void> {
  await db.deleteFrom('sites').where('team_id', '=', teamId).where('id', '=', siteId).execute();
}
