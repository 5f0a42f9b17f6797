import type { Db } from '@sentrypulse/db';

/**
 * The site as the stats read it: its timezone (days are local) and how far rollups reach. Read
 * from the primary, not the replica: a site created a moment ago must not answer 404.
 * The stats themselves are packages/db queries, which the worker's aggregator shares.
 */
export function findStatsSite(db: Db, teamId: number, siteId: number) {
  return db
    .selectFrom('sites')
    .select(['id', 'timezone', 'aggregated_through'])
    .where('team_id', '=', teamId)
    .where('id', '=', siteId)
    .executeTakeFirst();
}

/** A goal of the team's site, for the breakdowns' `goal` filter. */
export function findSiteGoal(db: Db, teamId: number, siteId: number, goalId: number) {
  return db
    .selectFrom('site_goals')
    .select(['id', 'type', 'path', 'event', 'props'])
    .where('team_id', '=', teamId)
    .where('site_id', '=', siteId)
    .where('id', '=', goalId)
    .executeTakeFirst();
}
