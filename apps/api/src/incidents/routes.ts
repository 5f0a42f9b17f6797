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
import { contextOf } from '../context';
import { numericCursor } from '../pagination';
import * as service from './service';

const tags = ['incidents'];

/**
 * Incidents (SPEC 4.3, 7): read with incidents.read; create/edit/postmortem with incidents.write;
 * timeline updates and acknowledge with incidents.respond (members too).
 */
export const incidentRoutes: FastifyPluginAsyncZod = async (app) => {
  invalidateStatusPagesOnChange(app);
  const base = '/teams/:teamId/incidents';

  app.get(
    base,
    { config: { permission: 'incidents.read' }, schema: { tags, summary: 'Incidents, newest first', params: TeamParams, querystring: IncidentListQuery, response: { 200: IncidentList } } },
    async (req) => service.listIncidents(contextOf(req), { ...req.query, cursor: numericCursor(req.query.cursor) }),
  );

  app.post(
    base,
    { config: { permission: 'incidents.write' }, schema: { tags, summary: 'Open a manual incident', params: TeamParams, body: CreateIncidentBody, response: { 201: Incident } } },
    async (req, reply) => reply.code(201).send(await service.createIncident(contextOf(req), req.body)),
  );

  app.get(
    `${base}/:incidentId`,
    { config: { permission: 'incidents.read' }, schema: { tags, summary: 'One incident with its timeline', params: IncidentParams, response: { 200: Incident } } },
    async (req) => service.getIncident(contextOf(req), req.params.incidentId),
  );

  app.patch(
    `${base}/:incidentId`,
    { config: { permission: 'incidents.write' }, schema: { tags, summary: 'Change an incident (title, severity, status)', params: IncidentParams, body: UpdateIncidentBody, response: { 200: Incident } } },
    async (req) => service.updateIncident(contextOf(req), req.params.incidentId, req.body),
  );

  app.post(
    `${base}/:incidentId/updates`,
    { config: { permission: 'incidents.respond' }, schema: { tags, summary: 'Post a timeline update', problems: [409], params: IncidentParams, body: IncidentUpdateBody, response: { 201: Incident } } },
    async (req, reply) => reply.code(201).send(await service.postUpdate(contextOf(req), req.params.incidentId, req.body.status, req.body.message)),
  );

  app.post(
    `${base}/:incidentId/acknowledge`,
    { config: { permission: 'incidents.respond' }, schema: { tags, summary: 'Acknowledge (stops escalation)', problems: [409], params: IncidentParams, response: { 200: Incident } } },
    async (req) => service.acknowledge(contextOf(req), req.params.incidentId),
  );

  app.put(
    `${base}/:incidentId/postmortem`,
    { config: { permission: 'incidents.write' }, schema: { tags, summary: 'Write or replace the postmortem', problems: [409], params: IncidentParams, body: PostmortemBody, response: { 200: Incident } } },
    async (req) => service.setPostmortem(contextOf(req), req.params.incidentId, req.body.postmortem),
  );

  app.get(
    '/teams/:teamId/incident-events',
    { config: { permission: 'incidents.read' }, schema: { tags, summary: 'Events emitted for the alert dispatcher', params: TeamParams, querystring: PaginationQuery, response: { 200: IncidentEventList } } },
    async (req) => service.listEvents(contextOf(req), req.query.limit, numericCursor(req.query.cursor)),
  );
};
