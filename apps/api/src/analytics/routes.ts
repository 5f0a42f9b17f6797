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
import { contextOf } from '../context';
import * as service from './service';

const tags = ['analytics'];

/** Site analytics for the team; the figures are read from the replica when DATABASE_READ_URL is set. */
export const statsRoutes: FastifyPluginAsyncZod = async (app) => {
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
    async (req) => service.siteStats(contextOf(req), req.params.siteId, req.query),
  );

  app.get(
    '/teams/:teamId/sites/:siteId/breakdown',
    {
      config: { permission: 'sites.read' },
      schema: { tags, summary: 'Top values of one property', params: SiteStatsParams, querystring: BreakdownQuery, response: { 200: BreakdownResponse } },
    },
    async (req) => ({ property: req.query.property, items: await service.siteBreakdown(contextOf(req), req.params.siteId, req.query) }),
  );

  app.get(
    '/teams/:teamId/sites/:siteId/realtime',
    {
      config: { permission: 'sites.read' },
      schema: { tags, summary: 'Visitors in the last 5 minutes', params: SiteStatsParams, response: { 200: RealtimeResponse } },
    },
    async (req) => service.siteRealtime(contextOf(req), req.params.siteId, app.analytics.clock()),
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
        produces: ['text/csv'],
        response: { 200: z.string().describe('CSV (RFC 4180) with a header row') },
      },
    },
    async (req, reply) => {
      const { filename, csv } = await service.siteExport(contextOf(req), req.params.siteId, req.query);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .send(csv);
    },
  );
};
