import {
  addDays,
  backfillGoal,
  daysBetween,
  goalDailyFromRaw,
  goalDailyFromRollups,
  localDayStartUtc,
  parseGoalProps,
  type Db,
  type GoalDay,
  type GoalDef,
} from '@sentrypulse/db';
import type { CreateGoalBody, Goal, GoalStats, GoalsQuery } from '@sentrypulse/shared';
import { teamScope, type ServiceContext } from '../context';
import { Conflict, NotFound } from '../errors';
import { dailyTotals, type StatsSite } from '../analytics/stats';
import { countGoals, deleteGoalRow, findGoalSite, insertGoal, listGoalRows } from './queries';

const MAX_GOALS = 100;

async function siteOf(ctx: ServiceContext, siteId: number): Promise<StatsSite> {
  const row = await findGoalSite(ctx.db, teamScope(ctx).id, siteId);
  if (!row) throw new NotFound('Site');
  const agg = row.aggregated_through;
  return { id: row.id, timezone: row.timezone, aggregated_through: agg ? new Date(agg).toISOString().slice(0, 10) : null };
}

type GoalRow = Awaited<ReturnType<typeof listGoalRows>>[number];

function toGoal(r: GoalRow): Goal {
  return { id: r.id, name: r.name, type: r.type, path: r.path, event: r.event, props: parseGoalProps(r.props), created_at: new Date(r.created_at).toISOString() };
}

function defOf(r: GoalRow): GoalDef {
  return { id: r.id, type: r.type, path: r.path, event: r.event, props: parseGoalProps(r.props) };
}

/** Past days from goals_daily (up to aggregated_through), later days from raw: the same split as the stats. */
async function goalDays(db: Db, site: StatsSite, goal: GoalDef, from: string, to: string): Promise<GoalDay[]> {
  const agg = site.aggregated_through;
  const rollupTo = agg && agg >= from ? (agg < to ? agg : to) : null;
  const rawFrom = rollupTo ? addDays(rollupTo, 1) : from;
  const [rolled, raw] = await Promise.all([
    rollupTo ? goalDailyFromRollups(db, goal.id, from, rollupTo) : [],
    rawFrom <= to
      ? goalDailyFromRaw(db, { siteId: site.id, timezone: site.timezone, fromUtc: localDayStartUtc(rawFrom, site.timezone), toUtc: localDayStartUtc(addDays(to, 1), site.timezone) }, goal)
      : [],
  ]);
  return [...rolled, ...raw];
}

const sum = (days: { visitors: number }[]) => days.reduce((n, d) => n + d.visitors, 0);
const rate = (v: number, total: number) => (total ? Math.round((v / total) * 1000) / 10 : 0);
const pct = (cur: number, prev: number) => (prev === 0 ? null : Math.round(((cur - prev) / prev) * 1000) / 10);

export async function listGoals(ctx: ServiceContext, siteId: number, q: GoalsQuery): Promise<{ items: GoalStats[] }> {
  const site = await siteOf(ctx, siteId);
  const rows = await listGoalRows(ctx.db, teamScope(ctx).id, siteId);
  const span = daysBetween(q.from, q.to) + 1;
  const prevFrom = addDays(q.from, -span);
  const prevTo = addDays(q.from, -1);
  const db = ctx.readDb;
  const [cur, prev] = await Promise.all([dailyTotals(db, site, q.from, q.to), dailyTotals(db, site, prevFrom, prevTo)]);
  const total = sum(cur);
  const prevTotal = sum(prev);
  const items = await Promise.all(
    rows.map(async (r) => {
      const def = defOf(r);
      const [now, before] = await Promise.all([goalDays(db, site, def, q.from, q.to), goalDays(db, site, def, prevFrom, prevTo)]);
      const visitors = sum(now);
      const conversions = now.reduce((n, d) => n + d.conversions, 0);
      const prevVisitors = sum(before);
      const prevConversions = before.reduce((n, d) => n + d.conversions, 0);
      const conversion_rate = rate(visitors, total);
      const prevRate = rate(prevVisitors, prevTotal);
      return {
        ...toGoal(r),
        visitors,
        conversions,
        conversion_rate,
        change: {
          visitors: pct(visitors, prevVisitors),
          conversions: pct(conversions, prevConversions),
          conversion_rate: prevTotal ? Math.round((conversion_rate - prevRate) * 10) / 10 : null,
        },
      };
    }),
  );
  return { items };
}

export async function createGoal(ctx: ServiceContext, siteId: number, body: CreateGoalBody): Promise<Goal> {
  const site = await siteOf(ctx, siteId);
  if ((await countGoals(ctx.db, siteId)) >= MAX_GOALS) throw new Conflict(`A site has at most ${MAX_GOALS} goals.`);
  const id = await insertGoal(ctx.db, teamScope(ctx).id, siteId, body);
  const row = (await listGoalRows(ctx.db, teamScope(ctx).id, siteId)).find((r) => r.id === id)!;
  // Days already rolled up get this goal's rollups from the raw events still kept.
  await backfillGoal(ctx.db, site, defOf(row));
  return toGoal(row);
}

export async function deleteGoal(ctx: ServiceContext, siteId: number, goalId: number): Promise<void> {
  await siteOf(ctx, siteId);
  if (!(await deleteGoalRow(ctx.db, teamScope(ctx).id, siteId, goalId))) throw new NotFound('Goal');
}
