import {
  CreateEscalationPolicyBody,
  EscalationPolicy,
  EscalationPolicyList,
  EscalationPolicyParams,
  Id,
  IncidentEscalation,
  IncidentParams,
  PaginationQuery,
  TeamParams,
  UpdateEscalationPolicyBody,
} from '@sentrypulse/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../context';
import { numericCursor } from '../pagination';
import * as service from './service';

const tags = ['escalation'];
const AckToken = z.strictObject({ token: z.string().min(1).max(200) });
const AckBody = z.strictObject({ incident_id: Id.optional() });
const AckResult = z.object({ incident_id: Id, acknowledged_at: z.string(), acknowledged_via: z.string() });
const AckPreview = z.object({
  incident: z.object({ id: Id, title: z.string(), status: z.string(), severity: z.string(), started_at: z.string() }),
  acknowledged_at: z.string().nullable(),
  acknowledged_via: z.string().nullable(),
  used: z.boolean(),
  expires_at: z.string(),
});

/**
 * Escalation policies (SPEC 11, 17): read with channels.read, change with channels.write (a policy
 * is routing, like channels). Acknowledge links are public (the signed token is the credential).
 */
export const escalationRoutes: FastifyPluginAsyncZod = async (app) => {
  const base = '/teams/:teamId/escalation-policies';
  app.get(
    base,
    { config: { permission: 'channels.read' }, schema: { tags, summary: 'Escalation policies of the team', params: TeamParams, querystring: PaginationQuery, response: { 200: EscalationPolicyList } } },
    async (req) => service.listPolicies(contextOf(req), req.query.limit, numericCursor(req.query.cursor)),
  );
  app.post(
    base,
    { config: { permission: 'channels.write' }, schema: { tags, summary: 'Create an escalation policy', params: TeamParams, body: CreateEscalationPolicyBody, response: { 201: EscalationPolicy } } },
    async (req, reply) => reply.code(201).send(await service.createPolicy(contextOf(req), req.body)),
  );
  app.get(
    `${base}/:policyId`,
    { config: { permission: 'channels.read' }, schema: { tags, summary: 'An escalation policy', params: EscalationPolicyParams, response: { 200: EscalationPolicy } } },
    async (req) => service.getPolicy(contextOf(req), req.params.policyId),
  );
  app.patch(
    `${base}/:policyId`,
    { config: { permission: 'channels.write' }, schema: { tags, summary: 'Change an escalation policy (running escalations keep their snapshot)', params: EscalationPolicyParams, body: UpdateEscalationPolicyBody, response: { 200: EscalationPolicy } } },
    async (req) => service.updatePolicy(contextOf(req), req.params.policyId, req.body),
  );
  app.delete(
    `${base}/:policyId`,
    { config: { permission: 'channels.write' }, schema: { tags, summary: 'Delete an escalation policy (its monitors fall back to the team default)', params: EscalationPolicyParams } },
    async (req, reply) => {
      await service.deletePolicy(contextOf(req), req.params.policyId);
      return reply.code(204).send();
    },
  );
  app.get(
    '/teams/:teamId/incidents/:incidentId/escalation',
    { config: { permission: 'incidents.read' }, schema: { tags, summary: "Where an incident's escalation stands (null when it is not escalated)", params: IncidentParams, response: { 200: IncidentEscalation.nullable() } } },
    async (req) => service.getIncidentEscalation(contextOf(req), req.params.incidentId),
  );
  app.get(
    '/public/ack/:token',
    { config: { public: true }, schema: { tags, summary: 'What a signed acknowledge link is for', params: AckToken, response: { 200: AckPreview } } },
    async (req) => service.previewAckLink(contextOf(req), req.params.token),
  );
  app.post(
    '/public/ack/:token',
    { config: { public: true }, schema: { tags, summary: 'Acknowledge an incident from a signed single-use link (no login)', problems: [403, 409, 410], params: AckToken, body: AckBody, response: { 200: AckResult } } },
    async (req) => service.acknowledgeFromLink(contextOf(req), req.params.token, req.body.incident_id),
  );
};
