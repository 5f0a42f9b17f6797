import {
  ChangePlanBody,
  ChangeRoleBody,
  CreateTeamBody,
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
import { contextOf } from '../context';
import { numericCursor } from '../pagination';
import * as teams from './service';

const tags = ['teams'];

export const teamRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/teams', { schema: { tags, summary: 'Teams of the current user', response: { 200: TeamList } } }, async (req) => ({
    items: await teams.listTeams(contextOf(req)),
  }));

  app.post(
    '/teams',
    { schema: { tags, summary: 'Create a team (you become its owner)', body: CreateTeamBody, response: { 201: Team } } },
    async (req, reply) => reply.code(201).send(await teams.createTeam(contextOf(req), req.body.name)),
  );

  app.get(
    '/teams/:teamId',
    { config: { permission: 'team.read' }, schema: { tags, summary: 'One team', params: TeamParams, response: { 200: Team } } },
    async (req) => teams.getTeam(contextOf(req)),
  );

  app.patch(
    '/teams/:teamId',
    { config: { permission: 'team.update' }, schema: { tags, summary: 'Rename', params: TeamParams, body: UpdateTeamBody, response: { 200: Team } } },
    async (req) => teams.renameTeam(contextOf(req), req.body.name),
  );

  app.delete(
    '/teams/:teamId',
    { config: { permission: 'team.delete' }, schema: { tags, summary: 'Delete the team and everything in it', params: TeamParams } },
    async (req, reply) => {
      await teams.deleteTeam(contextOf(req));
      return reply.code(204).send();
    },
  );

  app.put(
    '/teams/:teamId/plan',
    { config: { permission: 'team.plan' }, schema: { tags, operationId: 'setTeamPlan', summary: 'Change plan', params: TeamParams, body: ChangePlanBody, response: { 200: Team } } },
    async (req) => teams.changePlan(contextOf(req), req.body.plan),
  );

  app.post(
    '/teams/:teamId/transfer',
    {
      config: { permission: 'team.transfer' },
      schema: { tags, operationId: 'transferTeamOwnership', problems: [409], summary: 'Transfer ownership to another member', params: TeamParams, body: TransferOwnershipBody, response: { 200: Team } },
    },
    async (req) => teams.transferOwnership(contextOf(req), req.body.user_id),
  );

  app.post(
    '/teams/:teamId/leave',
    { config: { permission: 'team.read' }, schema: { tags, operationId: 'leaveTeam', problems: [409], summary: 'Leave the team', params: TeamParams, response: { 200: Ok } } },
    async (req) => {
      await teams.leaveTeam(contextOf(req));
      return { ok: true as const };
    },
  );

  app.get(
    '/teams/:teamId/members',
    { config: { permission: 'members.read' }, schema: { tags, summary: 'Members of the team', params: TeamParams, querystring: PaginationQuery, response: { 200: MemberList } } },
    async (req) => teams.listMembers(contextOf(req), req.query.limit, numericCursor(req.query.cursor)),
  );

  app.patch(
    '/teams/:teamId/members/:userId',
    {
      config: { permission: 'members.manage' },
      schema: { tags, summary: "Change a member's role", params: MemberParams, body: ChangeRoleBody, response: { 200: Member } },
    },
    async (req) => teams.changeRole(contextOf(req), req.params.userId, req.body.role),
  );

  app.delete(
    '/teams/:teamId/members/:userId',
    { config: { permission: 'members.manage' }, schema: { tags, summary: 'Remove a member', params: MemberParams } },
    async (req, reply) => {
      await teams.removeMember(contextOf(req), req.params.userId);
      return reply.code(204).send();
    },
  );
};
