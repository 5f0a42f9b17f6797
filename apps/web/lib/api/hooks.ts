'use client';
import useSWR, { type SWRConfiguration } from 'swr';
import { InvitationList, MemberList, MeResponse, Team, TeamList } from '@sentrypulse/shared';
import type { z } from 'zod';
import { request } from './client';
import { teamPaths } from './teams';

/**
 * SWR hooks over the typed client: the key is the API path, the schema parses the answer.
 * Feature modules add their own (useMonitors, useIncidents, ...) with `useApi`.
 */
export function useApi<S extends z.ZodType>(schema: S, path: string | null, config?: SWRConfiguration<z.output<S>>) {
  return useSWR<z.output<S>>(path, (p: string) => request(schema, p), config);
}

export const useMe = () => useApi(MeResponse, '/api/auth/me');
export const useTeams = () => useApi(TeamList, teamPaths.list);
export const useTeam = (teamId: number | null) => useApi(Team, teamId ? teamPaths.team(teamId) : null);
export const useMembers = (teamId: number | null) => useApi(MemberList, teamId ? teamPaths.members(teamId) : null);
export const useInvitations = (teamId: number | null) => useApi(InvitationList, teamId ? teamPaths.invitations(teamId) : null);
