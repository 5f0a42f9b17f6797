'use client';
import { MFA_SETUP_REQUIRED } from '@sentrypulse/shared';
import type { ReactNode } from 'react';
import { ButtonLink } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/states';
import { ApiError } from '@/lib/api/errors';
import { useApi } from '@/lib/api/hooks';
import { securityPaths, TeamSecurityView } from '@/lib/api/security';

/**
 * A team that requires 2FA answers every team request of a member without it with a 403
 * `mfa-setup-required`: instead of a page of errors, the member is sent to set it up.
 */
export function MfaGate({ teamId, children }: { teamId: number; children: ReactNode }) {
  const probe = useApi(TeamSecurityView, securityPaths.team(teamId), { shouldRetryOnError: false });
  const err = probe.error;
  if (err instanceof ApiError && err.problem.type.endsWith(`/${MFA_SETUP_REQUIRED}`)) {
    return (
      <EmptyState title="This team requires two-factor authentication" action={<ButtonLink href="/account/security">Set up two-factor authentication</ButtonLink>}>
        Turn on two-factor authentication for your account, then come back to this team.
      </EmptyState>
    );
  }
  return <>{children}</>;
}
