'use client';
import {
  CreatedInvitation,
  InvitationList,
  InvitationPreview,
  Member,
  MemberList,
  Ok,
  Team,
  TeamList,
  type CreateInvitationBody,
  type Plan,
  type Role,
} from '@sentrypulse/shared';
import { z } from 'zod';
import { request, requestVoid } from './client';

export const teamPaths = {
  list: '/api/teams',
  team: (teamId: number) => `/api/teams/${teamId}`,
  members: (teamId: number) => `/api/teams/${teamId}/members?limit=100`,
  invitations: (teamId: number) => `/api/teams/${teamId}/invitations?limit=100`,
};

export const listTeams = () => request(TeamList, teamPaths.list);
export const getTeam = (teamId: number) => request(Team, teamPaths.team(teamId));
export const createTeam = (name: string) => request(Team, '/api/teams', { method: 'POST', body: { name } });
export const renameTeam = (teamId: number, name: string) => request(Team, teamPaths.team(teamId), { method: 'PATCH', body: { name } });
export const deleteTeam = (teamId: number) => requestVoid(teamPaths.team(teamId), { method: 'DELETE' });
export const changePlan = (teamId: number, plan: Plan) => request(Team, `/api/teams/${teamId}/plan`, { method: 'PUT', body: { plan } });
export const transferOwnership = (teamId: number, userId: number) =>
  request(Team, `/api/teams/${teamId}/transfer`, { method: 'POST', body: { user_id: userId } });
export const leaveTeam = (teamId: number) => request(Ok, `/api/teams/${teamId}/leave`, { method: 'POST', body: {} });

export const listMembers = (teamId: number) => request(MemberList, teamPaths.members(teamId));
export const changeRole = (teamId: number, userId: number, role: Role) =>
  request(Member, `/api/teams/${teamId}/members/${userId}`, { method: 'PATCH', body: { role } });
export const removeMember = (teamId: number, userId: number) =>
  requestVoid(`/api/teams/${teamId}/members/${userId}`, { method: 'DELETE' });

export const listInvitations = (teamId: number) => request(InvitationList, teamPaths.invitations(teamId));
export const createInvitation = (teamId: number, body: CreateInvitationBody) =>
  request(CreatedInvitation, `/api/teams/${teamId}/invitations`, { method: 'POST', body });
export const revokeInvitation = (teamId: number, invitationId: number) =>
  requestVoid(`/api/teams/${teamId}/invitations/${invitationId}`, { method: 'DELETE' });

export const previewInvitation = (token: string) =>
  request(InvitationPreview, `/api/invitations/${encodeURIComponent(token)}`, { auth: false });
export const acceptInvitation = (token: string) =>
  request(z.object({ team_id: z.number() }), `/api/invitations/${encodeURIComponent(token)}/accept`, { method: 'POST', body: {} });
