import {
  ChangePlanBody,
  ChangeRoleBody,
  CreatedInvitation,
  CreateInvitationBody,
  CreateTeamBody,
  IdParam,
  InvitationList,
  InvitationParams,
  InvitationPreview,
  InvitationTokenParams,
  Member,
  MemberList,
  MemberParams,
  Ok,
  PaginationQuery,
  Team,
  TeamList,
  TeamParams,
  TransferOwnershipBody,
  UpdateTeamBody,
} from '@sentrypulse/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BadRequest } from '../errors';
import { teamOf, userOf } from '../plugins/access';
import * as invitations from './invitations';
import * as teams from './service';

const tags = ['teams'];

/** Cursors of these lists are numeric ids; anything else is a 400, not a 500. */
export function numericCursor(cursor: string | undefined): number | null {
  if (cursor === undefined) return null;
  const parsed = IdParam.safeParse(cursor);
  if (!parsed.success) throw new BadRequest('cursor is not a valid cursor for this list.');
  return parsed.data;
}

export const teamRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.db;

  app.get('/teams', { schema: { tags, summary: 'Teams of the current user', response: { 200: TeamList } } }, async (req) => ({
    items: await teams.listTeams(db, userOf(req)),
  }));

  app.post(
    '/teams',
    { schema: { tags, summary: 'Create a team (you become its owner)', body: CreateTeamBody, response: { 201: Team } } },
    async (req, reply) => reply.code(201).send(await teams.createTeam(db, userOf(req), req.body.name)),
  );

  app.get(
    '/teams/:teamId',
    { config: { permission: 'team.read' }, schema: { tags, params: TeamParams, response: { 200: Team } } },
    async (req) => teams.getTeam(db, teamOf(req)),
  );

  app.patch(
    '/teams/:teamId',
    { config: { permission: 'team.update' }, schema: { tags, summary: 'Rename', params: TeamParams, body: UpdateTeamBody, response: { 200: Team } } },
    async (req) => teams.renameTeam(db, teamOf(req), req.body.name),
  );

  app.delete(
    '/teams/:teamId',
    { config: { permission: 'team.delete' }, schema: { tags, summary: 'Delete the team and everything in it', params: TeamParams } },
    async (req, reply) => {
      await teams.deleteTeam(db, teamOf(req));
      return reply.code(204).send();
    },
  );

  app.put(
    '/teams/:teamId/plan',
    { config: { permission: 'team.plan' }, schema: { tags, summary: 'Change plan', params: TeamParams, body: ChangePlanBody, response: { 200: Team } } },
    async (req) => teams.changePlan(db, teamOf(req), req.body.plan),
  );

  app.post(
    '/teams/:teamId/transfer',
    {
      config: { permission: 'team.transfer' },
      schema: { tags, summary: 'Transfer ownership to another member', params: TeamParams, body: TransferOwnershipBody, response: { 200: Team } },
    },
    async (req) => teams.transferOwnership(db, teamOf(req), req.body.user_id),
  );

  app.post(
    '/teams/:teamId/leave',
    { config: { permission: 'team.read' }, schema: { tags, summary: 'Leave the team', params: TeamParams, response: { 200: Ok } } },
    async (req) => {
      await teams.leaveTeam(db, teamOf(req), userOf(req));
      return { ok: true as const };
    },
  );

  app.get(
    '/teams/:teamId/members',
    { config: { permission: 'members.read' }, schema: { tags, params: TeamParams, querystring: PaginationQuery, response: { 200: MemberList } } },
    async (req) => teams.listMembers(db, teamOf(req), req.query.limit, numericCursor(req.query.cursor)),
  );

  app.patch(
    '/teams/:teamId/members/:userId',
    {
      config: { permission: 'members.manage' },
      schema: { tags, summary: "Change a member's role", params: MemberParams, body: ChangeRoleBody, response: { 200: Member } },
    },
    async (req) => teams.changeRole(db, teamOf(req), req.params.userId, req.body.role),
  );

  app.delete(
    '/teams/:teamId/members/:userId',
    { config: { permission: 'members.manage' }, schema: { tags, summary: 'Remove a member', params: MemberParams } },
    async (req, reply) => {
      await teams.removeMember(db, teamOf(req), req.params.userId);
      return reply.code(204).send();
    },
  );

  app.get(
    '/teams/:teamId/invitations',
    {
      config: { permission: 'members.read' },
      schema: { tags, summary: 'Pending invitations', params: TeamParams, querystring: PaginationQuery, response: { 200: InvitationList } },
    },
    async (req) => invitations.listInvitations(db, teamOf(req), req.query.limit, numericCursor(req.query.cursor)),
  );

  app.post(
    '/teams/:teamId/invitations',
    {
      config: { permission: 'members.manage' },
      schema: {
        tags,
        summary: 'Invite by email; the response carries the accept link (shown once)',
        params: TeamParams,
        body: CreateInvitationBody,
        response: { 201: CreatedInvitation },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await invitations.createInvitation(db, teamOf(req), userOf(req), req.body, app.config.publicUrl)),
  );

  app.delete(
    '/teams/:teamId/invitations/:invitationId',
    { config: { permission: 'members.manage' }, schema: { tags, summary: 'Revoke an invitation', params: InvitationParams } },
    async (req, reply) => {
      await invitations.revokeInvitation(db, teamOf(req), req.params.invitationId);
      return reply.code(204).send();
    },
  );

  app.get(
    '/invitations/:token',
    { config: { public: true }, schema: { tags, summary: 'What an invitation link is for', params: InvitationTokenParams, response: { 200: InvitationPreview } } },
    async (req) => invitations.previewInvitation(db, req.params.token),
  );

  app.post(
    '/invitations/:token/accept',
    {
      schema: {
        tags,
        summary: 'Accept an invitation as the invited account',
        params: InvitationTokenParams,
        body: z.strictObject({}).nullish(),
        response: { 200: z.object({ team_id: z.number() }) },
      },
    },
    async (req) => invitations.acceptInvitation(db, req.params.token, userOf(req)),
  );
};
