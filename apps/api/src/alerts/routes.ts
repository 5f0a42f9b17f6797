import { AlertList, AlertListQuery, TeamParams } from '@sentrypulse/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { contextOf } from '../context';
import * as alerts from './service';

/** The delivery log of the team's channels (read with channels.read). */
export const alertRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/teams/:teamId/alerts',
    {
      config: { permission: 'channels.read' },
      schema: { tags: ['channels'], summary: 'Delivery log of alerts', params: TeamParams, querystring: AlertListQuery, response: { 200: AlertList } },
    },
    async (req) => alerts.listAlerts(contextOf(req), req.query),
  );
};
