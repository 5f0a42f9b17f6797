'use client';
import { can, type Permission, type Team } from '@sentrypulse/shared';
import { useParams } from 'next/navigation';
import { useTeams } from './api/hooks';

const LAST_TEAM = 'sp-last-team';

export function rememberTeam(teamId: number) {
  try {
    localStorage.setItem(LAST_TEAM, String(teamId));
  } catch {}
}

export function lastTeam(): number | null {
  try {
    const v = Number(localStorage.getItem(LAST_TEAM));
    return Number.isInteger(v) && v > 0 ? v : null;
  } catch {
    return null;
  }
}

/** The team in the URL (/t/:teamId/...) and the viewer's role in it. */
export function useCurrentTeam(): { teamId: number | null; team: Team | undefined; can: (p: Permission) => boolean; isLoading: boolean } {
  const params = useParams<{ teamId?: string }>();
  const teamId = params?.teamId ? Number(params.teamId) : null;
  const { data, isLoading } = useTeams();
  const team = data?.items.find((t) => t.id === teamId);
  return { teamId, team, isLoading, can: (p) => (team ? can(team.role, p) : false) };
}

export const teamHref = (teamId: number, path = '') => `/t/${teamId}${path}`;
