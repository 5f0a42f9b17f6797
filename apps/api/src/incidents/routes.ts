import { invalidateStatusPagesOnChange } from '../status-pages/invalidate-on-change';
import {
  CreateIncidentBody,
  Incident,
  IncidentEventList,
  IncidentList,
  IncidentListQuery,
  IncidentParams,
  IncidentUpdateBody,
  PaginationQuery,
  PostmortemBody,
  TeamParams,
  UpdateIncidentBody,
} from '@sentrypulse/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { teamOf, userOf } from '../plugins/access';
import { jobsOf } from '../jobs';
import { numericCursor } from '../teams/routes';
import * as service from './service';

const tags = ['incidents'];

/**
 * Incidents (SPEC 4.3, 7): read with incidents.read; create/edit/postmortem with incidents.write;
 * timeline updates and acknowledge with incidents.respond (members too).
 */
export const incidentRoutes: FastifyPluginAsyncZod = async (app) => {
  invalidateStatusPagesOnChange(app);
  const deps: service.IncidentDeps = { db: app.db, jobs: jobsOf(app), log: app.log };
  const base = '/teams/:teamId/incidents';

  app.get(
    base,
    { config: { permission: 'incidents.read' }, schema: { tags, params: TeamParams, querystring: IncidentListQuery, response: { 200: IncidentList } } },
    async (req) => service.listIncidents(app.db, teamOf(req), { ...req.query, cursor: numericCursor(req.query.cursor) }),
  );

  app.post(
    base,
    { config: { permission: 'incidents.write' }, schema: { tags, summary: 'Open a manual incident', params: TeamParams, body: CreateIncidentBody, response: { 201: Incident } } },
    async (req, reply) => reply.code(201).send(await service.createIncident(deps, teamOf(req), userOf(req), req.body)),
  );

  app.get(
    `${base}/:incidentId`,
    { config: { permission: 'incidents.read' }, schema: { tags, params: IncidentParams, response: { 200: Incident } } },
    async (req) => service.getIncident(app.db, teamOf(req), req.params.incidentId),
  );

  app.patch(
    `${base}/:incidentId`,
    { config: { permission: 'incidents.write' }, schema: { tags, params: IncidentParams, body: UpdateIncidentBody, response: { 200: Incident } } },
    async (req) => service.updateIncident(deps, teamOf(req), req.params.incidentId, req.body),
  );

  app.post(
    `${base}/:incidentId/updates`,
    { config: { permission: 'incidents.respond' }, schema: { tags, summary: 'Post a timeline update', params: IncidentParams, body: IncidentUpdateBody, response: { 201: Incident } } },
    async (req, reply) => reply.code(201).send(await service.postUpdate(deps, teamOf(req), userOf(req), req.params.incidentId, req.body.status, req.body.message)),
  );

  app.post(
    `${base}/:incidentId/acknowledge`,
    { config: { permission: 'incidents.respond' }, schema: { tags, params: IncidentParams, response: { 200: Incident } } },
    async (req) => service.acknowledge(deps, teamOf(req), userOf(req), req.params.incidentId),
  );

  app.put(
    `${base}/:incidentId/postmortem`,
    { config: { permission: 'incidents.write' }, schema: { tags, params: IncidentParams, body: PostmortemBody, response: { 200: Incident } } },
    async (req) => service.setPostmortem(deps, teamOf(req), req.params.incidentId, req.body.postmortem),
  );

  app.get(
    '/teams/:teamId/incident-events',
    { config: { permission: 'incidents.read' }, schema: { tags, summary: 'Events emitted for the alert dispatcher', params: TeamParams, querystring: PaginationQuery, response: { 200: IncidentEventList } } },
    async (req) => service.listEvents(app.db, teamOf(req), req.query.limit, numericCursor(req.query.cursor)),
  );
};
