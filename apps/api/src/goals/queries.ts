import type { Db } from '@sentrypulse/db';
import type { CreateGoalBody } from '@sentrypulse/shared';

export function findGoalSite(db: Db, teamId: number, siteId: number) {
  return db.selectFrom('sites').select(['id', 'timezone', 'aggregated_through']).where('team_id', '=', teamId).where('id', '=', siteId).executeTakeFirst();
}

export function listGoalRows(db: Db, teamId: number, siteId: number) {
  return db
    .selectFrom('site_goals')
    .select(['id', 'name', 'type', 'path', 'event', 'props', 'created_at'])
    .where('team_id', '=', teamId)
    .where('site_id', '=', siteId)
    .orderBy('id')
    .execute();
}

export async function countGoals(db: Db, siteId: number): Promise<number> {
  const r = await db.selectFrom('site_goals').select((eb) => eb.fn.countAll<number>().as('n')).where('site_id', '=', siteId).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function insertGoal(db: Db, teamId: number, siteId: number, b: CreateGoalBody): Promise<number> {
  const props = b.props && Object.keys(b.props).length ? JSON.stringify(b.props) : null;
  const res = await db
    .insertInto('site_goals')
    .values({ team_id: teamId, site_id: siteId, name: b.name, type: b.type, path: b.path ?? null, event: b.event ?? null, props })
    .executeTakeFirstOrThrow();
  return Number(res.insertId);
}

export async function deleteGoalRow(db: Db, teamId: number, siteId: number, goalId: number): Promise<boolean> {
  const res = await db.deleteFrom('site_goals').where('team_id', '=', teamId).where('site_id', '=', siteId).where('id', '=', goalId).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}
