'use client';
import { useEffect, type ReactNode } from 'react';
import { MfaGate } from '@/components/security/mfa-gate';
import { ButtonLink } from '@/components/ui/button';
import { EmptyState, SkeletonRows } from '@/components/ui/states';
import { rememberTeam, useCurrentTeam } from '@/lib/team';

/**
 * Every /t/:teamId page: the team must be one of the viewer's (another team's id looks missing).
 * While the team list loads, the page renders already (it only needs the id from the URL), so its
 * own requests run in parallel with /api/teams instead of after it.
 */
export default function TeamLayout({ children }: { children: ReactNode }) {
  const { teamId, team, isLoading } = useCurrentTeam();
  useEffect(() => {
    if (team) rememberTeam(team.id);
  }, [team]);
  if (!team && isLoading) return teamId ? <>{children}</> : <SkeletonRows rows={4} />;
  if (!team || !teamId) {
    return (
      <EmptyState title="Team not found" action={<ButtonLink href="/">Go to your teams</ButtonLink>}>
        This team does not exist or you are not a member of it.
      </EmptyState>
    );
  }
  return <MfaGate teamId={teamId}>{children}</MfaGate>;
}
