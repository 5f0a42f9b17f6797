import { invalidateStatusPagesOnChange } from '../status-pages/invalidate-on-change';
import {
  CheckList,
  CheckNowResult,
  ChecksQuery,
  CreateMonitorBody,
  Monitor,
  MonitorList,
  MonitorListQuery,
  MonitorParams,
  MonitorStats,
  MonitorStatsQuery,
  Sparklines,
  SparklinesQuery,
  TeamParams,
  UpdateMonitorBody,
} from '@sentrypulse/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { contextOf } from '../context';
import { numericCursor } from '../pagination';
import * as service from './service';

const tags = ['monitors'];

/** Monitors (SPEC 4.2, 7): reads need monitors.read, changes monitors.write. */
export const monitorRoutes: FastifyPluginAsyncZod = async (app) => {
  invalidateStatusPagesOnChange(app);
  const base = '/teams/:teamId/monitors';

  // The static segment wins over :monitorId.
  app.get(
    `${base}/sparklines`,
    {
      config: { permission: 'monitors.read' },
      schema: {
        tags,
        summary: 'The last 30 checks of up to 100 monitors (the list sparklines)',
        description: 'Ids of monitors the team does not have are left out of the answer.',
        params: TeamParams,
        querystring: SparklinesQuery,
        response: { 200: Sparklines },
      },
    },
    async (req) => service.sparklines(contextOf(req), req.query.ids),
  );

  app.get(
    base,
    { config: { permission: 'monitors.read' }, schema: { tags, summary: 'Monitors with their current status', params: TeamParams, querystring: MonitorListQuery, response: { 200: MonitorList } } },
    async (req) => service.listMonitors(contextOf(req), { ...req.query, cursor: numericCursor(req.query.cursor) }),
  );

  app.post(
    base,
    { config: { permission: 'monitors.write' }, schema: { tags, summary: 'Create a monitor', params: TeamParams, body: CreateMonitorBody, response: { 201: Monitor } } },
    async (req, reply) => reply.code(201).send(await service.createMonitor(contextOf(req), req.body)),
  );

  app.get(
    `${base}/:monitorId`,
    { config: { permission: 'monitors.read' }, schema: { tags, summary: 'One monitor', params: MonitorParams, response: { 200: Monitor } } },
    async (req) => service.getMonitor(contextOf(req), req.params.monitorId),
  );

  app.patch(
    `${base}/:monitorId`,
    { config: { permission: 'monitors.write' }, schema: { tags, summary: 'Change a monitor (next tick uses it)', params: MonitorParams, body: UpdateMonitorBody, response: { 200: Monitor } } },
    async (req) => service.updateMonitor(contextOf(req), req.params.monitorId, req.body),
  );

  app.delete(
    `${base}/:monitorId`,
    { config: { permission: 'monitors.write' }, schema: { tags, summary: 'Delete a monitor and its history', params: MonitorParams } },
    async (req, reply) => {
      await service.deleteMonitor(contextOf(req), req.params.monitorId);
      return reply.code(204).send();
    },
  );

  app.post(
    `${base}/:monitorId/pause`,
    { config: { permission: 'monitors.write' }, schema: { tags, summary: 'Pause checks', params: MonitorParams, response: { 200: Monitor } } },
    async (req) => service.setPaused(contextOf(req), req.params.monitorId, true),
  );

  app.post(
    `${base}/:monitorId/resume`,
    { config: { permission: 'monitors.write' }, schema: { tags, summary: 'Resume checks', params: MonitorParams, response: { 200: Monitor } } },
    async (req) => service.setPaused(contextOf(req), req.params.monitorId, false),
  );

  app.post(
    `${base}/:monitorId/check-now`,
    { config: { permission: 'monitors.write' }, schema: { tags, summary: 'Queue an immediate check', problems: [409], params: MonitorParams, response: { 202: CheckNowResult } } },
    async (req, reply) => reply.code(202).send(await service.checkNow(contextOf(req), req.params.monitorId)),
  );

  app.get(
    `${base}/:monitorId/checks`,
    { config: { permission: 'monitors.read' }, schema: { tags, summary: 'Checks, newest first', params: MonitorParams, querystring: ChecksQuery, response: { 200: CheckList } } },
    async (req) => service.listChecks(contextOf(req), req.params.monitorId, req.query),
  );

  app.get(
    `${base}/:monitorId/stats`,
    { config: { permission: 'monitors.read' }, schema: { tags, summary: 'Uptime (24h/7d/30d/90d), per-day uptime, response times', params: MonitorParams, querystring: MonitorStatsQuery, response: { 200: MonitorStats } } },
    async (req) => service.monitorStats(contextOf(req), req.params.monitorId, req.query.range),
  );
};
