import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Db } from '../connection';
import { transactionWithRetry } from '../retry';
import { addDays, localDate, localDayStartUtc, offsetSegments } from './analytics-time';

/**
 * Goals: a pageview whose path matches a pattern (`*` = any run of characters), or a custom event
 * by name whose properties include every given value. Per local day: unique visitors who
 * converted and conversions (matching events). The same raw query feeds the aggregator (which
 * stores it in goals_daily) and the API for days not rolled up yet, so both agree by construction.
 */
export interface GoalDef {
  id: number;
  type: 'page' | 'event';
  path: string | null;
  event: string | null;
  props: Record<string, string> | null;
}

export interface GoalDay {
  day: string;
  visitors: number;
  conversions: number;
}

export interface GoalScope {
  siteId: number;
  timezone: string;
  fromUtc: number;
  toUtc: number;
}

/** `/blog/*` → LIKE '/blog/%' with `%`, `_` and `\` of the pattern matched literally. */
export function pathPatternToLike(pattern: string): string {
  return pattern.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, '%');
}

export function parseGoalProps(raw: unknown): Record<string, string> | null {
  if (raw === null || raw === undefined) return null;
  const v = typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw;
  if (!v || typeof v !== 'object' || Object.keys(v).length === 0) return null;
  return v as Record<string, string>;
}

/** The goal as one boolean SQL expression over a pageviews_raw row. */
export function goalMatch(goal: GoalDef): RawBuilder<SqlBool> {
  if (goal.type === 'page') {
    return sql<SqlBool>`(name = 'pageview' AND pathname LIKE ${pathPatternToLike(goal.path ?? '')} ESCAPE '\\\\')`;
  }
  const conds = Object.entries(goal.props ?? {}).map(
    ([k, v]) =>
      sql`EXISTS (SELECT 1 FROM JSON_TABLE(pageviews_raw.props, '$[*]' COLUMNS (k VARCHAR(100) PATH '$[0]', v VARCHAR(500) PATH '$[1]')) AS gp WHERE gp.k = ${k} AND gp.v = ${v})`,
  );
  return sql<SqlBool>`(name = ${goal.event ?? ''} ${conds.length ? sql`AND ${sql.join(conds, sql` AND `)}` : sql``})`;
}

function localDay(s: GoalScope): RawBuilder<string> {
  const segments = offsetSegments(s.timezone, s.fromUtc, s.toUtc);
  if (segments.length === 1) return sql<string>`DATE_FORMAT(DATE_ADD(ts, INTERVAL ${sql.lit(segments[0]!.offsetMinutes)} MINUTE), '%Y-%m-%d')`;
  const whens = segments.slice(0, -1).map((x) => sql`WHEN ts < ${new Date(x.untilUtc)} THEN ${sql.lit(x.offsetMinutes)}`);
  const last = segments[segments.length - 1]!.offsetMinutes;
  return sql<string>`DATE_FORMAT(DATE_ADD(ts, INTERVAL (CASE ${sql.join(whens, sql` `)} ELSE ${sql.lit(last)} END) MINUTE), '%Y-%m-%d')`;
}

export async function goalDailyFromRaw(db: Db, s: GoalScope, goal: GoalDef): Promise<GoalDay[]> {
  const { rows } = await sql<{ day: string; visitors: unknown; conversions: unknown }>`
    SELECT ${localDay(s)} AS day, COUNT(DISTINCT visitor_id) AS visitors, COUNT(*) AS conversions
    FROM pageviews_raw
    WHERE site_id = ${s.siteId} AND ts >= ${new Date(s.fromUtc)} AND ts < ${new Date(s.toUtc)} AND ${goalMatch(goal)}
    GROUP BY day ORDER BY day
  `.execute(db);
  return rows.map((r) => ({ day: String(r.day), visitors: Number(r.visitors), conversions: Number(r.conversions) }));
}

export async function goalDailyFromRollups(db: Db, goalId: number, from: string, to: string): Promise<GoalDay[]> {
  const rows = await db
    .selectFrom('goals_daily')
    .select([sql<string>`DATE_FORMAT(date, '%Y-%m-%d')`.as('day'), 'visitors', 'conversions'])
    .where('goal_id', '=', goalId)
    .where('date', '>=', sql<Date>`${from}`)
    .where('date', '<=', sql<Date>`${to}`)
    .orderBy('date')
    .execute();
  return rows.map((r) => ({ day: r.day, visitors: Number(r.visitors), conversions: Number(r.conversions) }));
}

export async function listGoalDefs(db: Db, siteId: number): Promise<GoalDef[]> {
  const rows = await db.selectFrom('site_goals').select(['id', 'type', 'path', 'event', 'props']).where('site_id', '=', siteId).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, type: r.type, path: r.path, event: r.event, props: parseGoalProps(r.props) }));
}

/** Replaces the goals_daily rows of every goal of the site for [from, to] (local dates) from raw. */
export async function rollUpGoals(db: Db, site: { id: number; timezone: string }, from: string, to: string, goals?: GoalDef[]): Promise<void> {
  const defs = goals ?? (await listGoalDefs(db, site.id));
  if (defs.length === 0 || from > to) return;
  const scope = { siteId: site.id, timezone: site.timezone, fromUtc: localDayStartUtc(from, site.timezone), toUtc: localDayStartUtc(addDays(to, 1), site.timezone) };
  const perGoal = await Promise.all(defs.map(async (g) => ({ g, days: await goalDailyFromRaw(db, scope, g) })));
  await transactionWithRetry(db, async (trx) => {
    for (const { g, days } of perGoal) {
      await trx.deleteFrom('goals_daily').where('goal_id', '=', g.id).where('date', '>=', sql<Date>`${from}`).where('date', '<=', sql<Date>`${to}`).execute();
      if (days.length) await trx.insertInto('goals_daily').values(days.map((d) => ({ goal_id: g.id, date: d.day, visitors: d.visitors, conversions: d.conversions }))).execute();
    }
  });
}

/** A new goal's rollups for the days already rolled up whose raw events are still kept. */
export async function backfillGoal(db: Db, site: { id: number; timezone: string; aggregated_through: string | null }, goal: GoalDef): Promise<void> {
  if (!site.aggregated_through) return;
  const first = await db.selectFrom('pageviews_raw').select('ts').where('site_id', '=', site.id).orderBy('ts').limit(1).executeTakeFirst();
  if (!first) return;
  const from = localDate(first.ts.getTime(), site.timezone);
  await rollUpGoals(db, site, from, site.aggregated_through, [goal]);
}
