import {
  BreakdownQuery,
  BreakdownResponse,
  ExportQuery,
  RealtimeResponse,
  SiteStatsParams,
  StatsQuery,
  StatsResponse,
} from '@sentrypulse/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { teamOf } from '../plugins/access';
import { dateRange } from '@sentrypulse/db';
import { breakdown, dailyTotals, findStatsSite, realtime, stats, toCsv } from './stats';

const tags = ['analytics'];

/** Stats read from `app.readDb` (the replica when DATABASE_READ_URL is set). */
export const statsRoutes: FastifyPluginAsyncZod = async (app) => {
  const site = (teamId: number, siteId: number) => findStatsSite(app.db, teamId, siteId);

  app.get(
    '/teams/:teamId/sites/:siteId/stats',
    {
      config: { permission: 'sites.read' },
      schema: {
        tags,
        summary: 'Summary with change vs the previous period, and a timeseries (hourly up to 2 days)',
        description: 'Visitors over a multi-day range are the sum of daily unique visitors: salts rotate daily, so days cannot be linked.',
        params: SiteStatsParams,
        querystring: StatsQuery,
        response: { 200: StatsResponse },
      },
    },
    async (req) => {
      const s = await site(teamOf(req).id, req.params.siteId);
      return stats(app.readDb, s, req.query.from, req.query.to, req.query.filter);
    },
  );

  app.get(
    '/teams/:teamId/sites/:siteId/breakdown',
    {
      config: { permission: 'sites.read' },
      schema: { tags, summary: 'Top values of one property', params: SiteStatsParams, querystring: BreakdownQuery, response: { 200: BreakdownResponse } },
    },
    async (req) => {
      const q = req.query;
      const s = await site(teamOf(req).id, req.params.siteId);
      return { property: q.property, items: await breakdown(app.readDb, s, q.property, q.from, q.to, q.limit, q.filter) };
    },
  );

  app.get(
    '/teams/:teamId/sites/:siteId/realtime',
    {
      config: { permission: 'sites.read' },
      schema: { tags, summary: 'Visitors in the last 5 minutes', params: SiteStatsParams, response: { 200: RealtimeResponse } },
    },
    async (req) => realtime(app.readDb, await site(teamOf(req).id, req.params.siteId), app.analytics.clock()),
  );

  app.get(
    '/teams/:teamId/sites/:siteId/export',
    {
      config: { permission: 'sites.read' },
      schema: {
        tags,
        summary: 'CSV: daily figures, or one property breakdown with ?property=',
        params: SiteStatsParams,
        querystring: ExportQuery,
        response: { 200: z.string() },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const s = await site(teamOf(req).id, req.params.siteId);
      let csv: string;
      if (q.property) {
        const items = await breakdown(app.readDb, s, q.property, q.from, q.to, q.limit, q.filter);
        csv = toCsv([q.property, 'visitors', 'visits', 'pageviews', 'events'], items.map((i) => [i.value, i.visitors, i.visits, i.pageviews, i.events]));
      } else {
        const byDay = new Map((await dailyTotals(app.readDb, s, q.from, q.to, q.filter)).map((d) => [d.day, d]));
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
      const name = `site-${s.id}-${q.property ?? 'daily'}-${q.from}-${q.to}.csv`;
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(csv);
    },
  );
};
