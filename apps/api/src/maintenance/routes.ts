import { invalidateStatusPagesOnChange } from '../status-pages/invalidate-on-change';
import { CreateMaintenanceBody, Maintenance, MaintenanceList, MaintenanceListQuery, MaintenanceParams, TeamParams } from '@sentrypulse/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { contextOf } from '../context';
import { numericCursor } from '../pagination';
import * as service from './service';

const tags = ['maintenance'];

/** Scheduled maintenance windows (SPEC 4.3): suppress incidents and alerts for their monitors. */
export const maintenanceRoutes: FastifyPluginAsyncZod = async (app) => {
  invalidateStatusPagesOnChange(app);
  const base = '/teams/:teamId/maintenance';
  app.get(
    base,
    { config: { permission: 'monitors.read' }, schema: { tags, summary: 'Maintenance windows', params: TeamParams, querystring: MaintenanceListQuery, response: { 200: MaintenanceList } } },
    async (req) => service.listMaintenance(contextOf(req), { ...req.query, cursor: numericCursor(req.query.cursor) }),
  );
  app.post(
    base,
    { config: { permission: 'monitors.write' }, schema: { tags, summary: 'Schedule a maintenance window', params: TeamParams, body: CreateMaintenanceBody, response: { 201: Maintenance } } },
    async (req, reply) => reply.code(201).send(await service.createMaintenance(contextOf(req), req.body)),
  );
  app.get(
    `${base}/:maintenanceId`,
    { config: { permission: 'monitors.read' }, schema: { tags, summary: 'One maintenance window', params: MaintenanceParams, response: { 200: Maintenance } } },
    async (req) => service.getMaintenance(contextOf(req), req.params.maintenanceId),
  );
  app.post(
    `${base}/:maintenanceId/end`,
    {
      config: { permission: 'monitors.write' },
      schema: { tags, summary: 'End a maintenance window in progress now; subscribers are told it completed', problems: [409], params: MaintenanceParams, response: { 200: Maintenance } },
    },
    async (req) => service.endMaintenance(contextOf(req), req.params.maintenanceId),
  );
  app.delete(
    `${base}/:maintenanceId`,
    { config: { permission: 'monitors.write' }, schema: { tags, summary: 'Delete a maintenance window (nobody is told; to finish one early, end it)', params: MaintenanceParams } },
    async (req, reply) => {
      await service.deleteMaintenance(contextOf(req), req.params.maintenanceId);
      return reply.code(204).send();
    },
  );
};
