import { dateRange, parseGoalProps, type GoalDef } from '@sentrypulse/db';
import type { BreakdownItem, BreakdownQuery, ExportQuery, StatsQuery, StatsResponse } from '@sentrypulse/shared';
import type { z } from 'zod';
import { teamScope, type ServiceContext } from '../context';
import { NotFound } from '../errors';
import { findSiteGoal, findStatsSite } from './queries';
import { breakdown, dailyTotals, realtime, stats, toCsv, type StatsSite } from './stats';

/** The team's site (404 for another team's id); the figures are then read from the replica. */
async function siteOf(ctx: ServiceContext, siteId: number): Promise<StatsSite> {
  const row = await findStatsSite(ctx.db, teamScope(ctx).id, siteId);
  if (!row) throw new NotFound('Site');
  const agg = row.aggregated_through;
  return { id: row.id, timezone: row.timezone, aggregated_through: agg ? new Date(agg).toISOString().slice(0, 10) : null };
}

export async function siteStats(ctx: ServiceContext, siteId: number, q: StatsQuery): Promise<StatsResponse> {
  return stats(ctx.readDb, await siteOf(ctx, siteId), q.from, q.to, q.filter);
}

export async function siteBreakdown(ctx: ServiceContext, siteId: number, q: BreakdownQuery): Promise<BreakdownItem[]> {
  const site = await siteOf(ctx, siteId);
  let goal: GoalDef | undefined;
  if (q.goal !== undefined) {
    const g = await findSiteGoal(ctx.db, teamScope(ctx).id, siteId, q.goal);
    if (!g) throw new NotFound('Goal');
    goal = { id: g.id, type: g.type, path: g.path, event: g.event, props: parseGoalProps(g.props) };
  }
  return breakdown(ctx.readDb, site, q.property, q.from, q.to, q.limit, q.filter, goal);
}

/** Visitors of the last 5 minutes before `nowMs` (the ingest clock, which tests move). */
export async function siteRealtime(ctx: ServiceContext, siteId: number, nowMs: number) {
  return realtime(ctx.readDb, await siteOf(ctx, siteId), nowMs);
}

/** CSV of daily figures (every day of the range, zeros included), or of one property's breakdown. */
export async function siteExport(ctx: ServiceContext, siteId: number, q: z.infer<typeof ExportQuery>): Promise<{ filename: string; csv: string }> {
  const s = await siteOf(ctx, siteId);
  let csv: string;
  if (q.property) {
    const items = await breakdown(ctx.readDb, s, q.property, q.from, q.to, q.limit, q.filter);
    csv = toCsv([q.property, 'visitors', 'visits', 'pageviews', 'events'], items.map((i) => [i.value, i.visitors, i.visits, i.pageviews, i.events]));
  } else {
    const byDay = new Map((await dailyTotals(ctx.readDb, s, q.from, q.to, q.filter)).map((d) => [d.day, d]));
    csv = toCsv(
      ['date', 'pageviews', 'visitors', 'visits', 'bounce_rate', 'visit_duration', 'events'],
      dateRange(q.from, q.to).map((date) => {
        const d = byDay.get(date);
        if (!d) return [date, 0, 0, 0, 0, 0, 0];
        const bounce = d.visits ? Math.round((d.bounces / d.visits) * 1000) / 10 : 0;
        return [date, d.pageviews, d.visitors, d.visits, bounce, d.visits ? Math.round(d.duration_ms / d.visits / 1000) : 0, d.events];
      }),
    );
  }
  return { filename: `site-${s.id}-${q.property ?? 'daily'}-${q.from}-${q.to}.csv`, csv };
}
