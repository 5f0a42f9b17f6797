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
  TeamParams,
  UpdateMonitorBody,
} from '@sentrypulse/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { teamOf } from '../plugins/access';
import { numericCursor } from '../teams/routes';
import { publishEvents } from '@sentrypulse/jobs';
import { jobsOf, REDIS_TIMEOUT_MS } from '../jobs';
import * as service from './service';
import { sparklineRoutes } from './sparklines';

const tags = ['monitors'];

/** Monitors (SPEC 4.2, 7): reads need monitors.read, changes monitors.write. */
export const monitorRoutes: FastifyPluginAsyncZod = async (app) => {
  invalidateStatusPagesOnChange(app);
  const jobs = jobsOf(app);
  const deps: service.MonitorDeps = {
    db: app.db,
    jobs,
    apiPublicUrl: app.config.apiPublicUrl,
    publishEvents: (ids) => publishEvents({ db: app.db, jobs, log: app.log, timeoutMs: REDIS_TIMEOUT_MS }, ids),
  };
  const base = '/teams/:teamId/monitors';
  // GET /teams/:teamId/monitors/sparklines (its own file; the static segment wins over :monitorId).
  await app.register(sparklineRoutes);

  app.get(
    base,
    { config: { permission: 'monitors.read' }, schema: { tags, summary: 'Monitors with their current status', params: TeamParams, querystring: MonitorListQuery, response: { 200: MonitorList } } },
    async (req) => service.listMonitors(deps, teamOf(req), { ...req.query, cursor: numericCursor(req.query.cursor) }),
  );

  app.post(
    base,
    { config: { permission: 'monitors.write' }, schema: { tags, summary: 'Create a monitor', params: TeamParams, body: CreateMonitorBody, response: { 201: Monitor } } },
    async (req, reply) => reply.code(201).send(await service.createMonitor(deps, teamOf(req), req.body)),
  );

  app.get(
    `${base}/:monitorId`,
    { config: { permission: 'monitors.read' }, schema: { tags, summary: 'One monitor', params: MonitorParams, response: { 200: Monitor } } },
    async (req) => service.getMonitor(deps, teamOf(req), req.params.monitorId),
  );

  app.patch(
    `${base}/:monitorId`,
    { config: { permission: 'monitors.write' }, schema: { tags, summary: 'Change a monitor (next tick uses it)', params: MonitorParams, body: UpdateMonitorBody, response: { 200: Monitor } } },
    async (req) => service.updateMonitor(deps, teamOf(req), req.params.monitorId, req.body),
  );

  app.delete(
    `${base}/:monitorId`,
    { config: { permission: 'monitors.write' }, schema: { tags, summary: 'Delete a monitor and its history', params: MonitorParams } },
    async (req, reply) => {
      await service.deleteMonitor(deps, teamOf(req), req.params.monitorId);
      return reply.code(204).send();
    },
  );

  app.post(
    `${base}/:monitorId/pause`,
    { config: { permission: 'monitors.write' }, schema: { tags, summary: 'Pause checks', params: MonitorParams, response: { 200: Monitor } } },
    async (req) => service.setPaused(deps, teamOf(req), req.params.monitorId, true),
  );

  app.post(
    `${base}/:monitorId/resume`,
    { config: { permission: 'monitors.write' }, schema: { tags, summary: 'Resume checks', params: MonitorParams, response: { 200: Monitor } } },
    async (req) => service.setPaused(deps, teamOf(req), req.params.monitorId, false),
  );

  app.post(
    `${base}/:monitorId/check-now`,
    { config: { permission: 'monitors.write' }, schema: { tags, summary: 'Queue an immediate check', problems: [409], params: MonitorParams, response: { 202: CheckNowResult } } },
    async (req, reply) => reply.code(202).send(await service.checkNow(deps, teamOf(req), req.params.monitorId)),
  );

  app.get(
    `${base}/:monitorId/checks`,
    { config: { permission: 'monitors.read' }, schema: { tags, summary: 'Checks, newest first', params: MonitorParams, querystring: ChecksQuery, response: { 200: CheckList } } },
    async (req) => service.listChecks(deps, teamOf(req), req.params.monitorId, req.query),
  );

  app.get(
    `${base}/:monitorId/stats`,
    { config: { permission: 'monitors.read' }, schema: { tags, summary: 'Uptime (24h/7d/30d/90d), per-day uptime, response times', params: MonitorParams, querystring: MonitorStatsQuery, response: { 200: MonitorStats } } },
    async (req) => service.monitorStats(deps, teamOf(req), req.params.monitorId, req.query.range),
  );
};
