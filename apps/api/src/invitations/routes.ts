import {
  CreatedInvitation,
  CreateInvitationBody,
  InvitationList,
  InvitationParams,
  InvitationPreview,
  InvitationTokenParams,
  PaginationQuery,
  TeamParams,
} from '@sentrypulse/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../context';
import { numericCursor } from '../pagination';
import * as invitations from './service';

const tags = ['teams'];

/** Invitations by email: managed by the team under members.*, accepted through a link whose token is the credential. */
export const invitationRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/teams/:teamId/invitations',
    {
      config: { permission: 'members.read' },
      schema: { tags, summary: 'Pending invitations', params: TeamParams, querystring: PaginationQuery, response: { 200: InvitationList } },
    },
    async (req) => invitations.listInvitations(contextOf(req), req.query.limit, numericCursor(req.query.cursor)),
  );

  app.post(
    '/teams/:teamId/invitations',
    {
      config: { permission: 'members.manage' },
      schema: {
        tags,
        summary: 'Invite by email; the response carries the accept link (shown once)',
        problems: [409],
        params: TeamParams,
        body: CreateInvitationBody,
        response: { 201: CreatedInvitation },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await invitations.createInvitation(contextOf(req), req.body)),
  );

  app.delete(
    '/teams/:teamId/invitations/:invitationId',
    { config: { permission: 'members.manage' }, schema: { tags, summary: 'Revoke an invitation', params: InvitationParams } },
    async (req, reply) => {
      await invitations.revokeInvitation(contextOf(req), req.params.invitationId);
      return reply.code(204).send();
    },
  );

  app.get(
    '/invitations/:token',
    { config: { public: true }, schema: { tags, summary: 'What an invitation link is for', problems: [410], params: InvitationTokenParams, response: { 200: InvitationPreview } } },
    async (req) => invitations.previewInvitation(contextOf(req), req.params.token),
  );

  app.post(
    '/invitations/:token/accept',
    {
      schema: {
        tags,
        summary: 'Accept an invitation as the invited account',
        problems: [403, 409, 410],
        params: InvitationTokenParams,
        body: z.strictObject({}).nullish(),
        response: { 200: z.object({ team_id: z.number() }) },
      },
    },
    async (req) => invitations.acceptInvitation(contextOf(req), req.params.token),
  );
};
