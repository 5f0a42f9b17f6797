import { IdParam, PaginationQuery, paginated, TeamParams } from '@sentrypulse/shared';
import { MaintenanceSeries, MaintenanceSeriesBody, RecurrencePreview, RecurrencePreviewBody } from '@sentrypulse/shared/recurrence';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../context';
import { numericCursor } from '../pagination';
import * as service from './service';

const tags = ['maintenance'];
const SeriesParams = z.strictObject({ teamId: IdParam, seriesId: IdParam });

/** Recurring maintenance windows (SPEC 10, ADR 0135), beside one-off windows (maintenance/). */
export const maintenanceSeriesRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/teams/:teamId/maintenance-series/preview',
    { config: { permission: 'monitors.read' }, schema: { tags, summary: 'The next five occurrences of a draft rule', params: TeamParams, body: RecurrencePreviewBody, response: { 200: RecurrencePreview } } },
    async (req) => service.previewSeries(contextOf(req), req.body),
  );
  app.post(
    '/teams/:teamId/maintenance-series',
    { config: { permission: 'monitors.write' }, schema: { tags, summary: 'Schedule recurring maintenance (RRULE subset, time zone)', params: TeamParams, body: MaintenanceSeriesBody, response: { 201: MaintenanceSeries } } },
    async (req, reply) => reply.code(201).send(await service.createSeries(contextOf(req), req.body)),
  );
  app.get(
    '/teams/:teamId/maintenance-series',
    { config: { permission: 'monitors.read' }, schema: { tags, summary: 'Recurring maintenance series of the team', params: TeamParams, querystring: PaginationQuery, response: { 200: paginated(MaintenanceSeries) } } },
    async (req) => service.listSeries(contextOf(req), req.query.limit, numericCursor(req.query.cursor)),
  );
  app.delete(
    '/teams/:teamId/maintenance-series/:seriesId',
    { config: { permission: 'monitors.write' }, schema: { tags, summary: 'End a series (future occurrences removed)', params: SeriesParams } },
    async (req, reply) => {
      await service.deleteSeries(contextOf(req), req.params.seriesId);
      return reply.code(204).send();
    },
  );
};
