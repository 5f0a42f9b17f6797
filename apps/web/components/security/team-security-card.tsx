'use client';
import { can, type TeamMembership } from '@sentrypulse/shared';
import { useState } from 'react';
import { Card } from '@/components/ui/card';
import { FormError } from '@/components/ui/field';
import { messageOf } from '@/lib/api/errors';
import { useApi } from '@/lib/api/hooks';
import { securityPaths, setTeamRequire2fa, TeamSecurityView } from '@/lib/api/security';

/** The owner's switch: every member must use two-factor authentication to enter the team. */
export function TeamSecurityCard({ team }: { team: TeamMembership }) {
  const settings = useApi(TeamSecurityView, securityPaths.team(team.id));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const canChange = can(team.role, 'team.security');
  const s = settings.data;
  return (
    <Card title="Security">
      <label className="flex items-start gap-3 text-sm">
        <input
          type="checkbox"
          className="mt-0.5 size-4 accent-[var(--color-brand)]"
          checked={s?.require_2fa ?? false}
          disabled={!s || !canChange || busy}
          onChange={async (e) => {
            setBusy(true);
            setError(null);
            try {
              await settings.mutate(await setTeamRequire2fa(team.id, e.target.checked), { revalidate: false });
            } catch (err) {
              setError(messageOf(err));
            } finally {
              setBusy(false);
            }
          }}
        />
        <span>
          <span className="font-medium">Require two-factor authentication</span>
          <span className="block text-fg-muted">
            Members without it are asked to set it up before they can open this team.
            {s ? ` ${s.members_without_2fa} member${s.members_without_2fa === 1 ? '' : 's'} without 2FA now.` : ''}
            {canChange ? '' : ' Only the owner can change this.'}
          </span>
        </span>
      </label>
      <FormError message={error} />
    </Card>
  );
}
