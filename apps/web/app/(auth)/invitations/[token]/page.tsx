'use client';
import { InvitationPreview } from '@sentrypulse/shared';
import { useParams, useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { Button, ButtonLink } from '@/components/ui/button';
import { FormError } from '@/components/ui/field';
import { ErrorState, SkeletonRows } from '@/components/ui/states';
import { me } from '@/lib/api/auth';
import { messageOf } from '@/lib/api/errors';
import { useApi } from '@/lib/api/hooks';
import { getAccessToken } from '@/lib/api/session';
import { acceptInvitation } from '@/lib/api/teams';
import { formatDate } from '@/lib/format';
import { teamHref } from '@/lib/team';

export default function InvitationPage() {
  const { token } = useParams<{ token: string }>();
  const router = useRouter();
  const preview = useApi(InvitationPreview, `/api/invitations/${encodeURIComponent(token)}`, { shouldRetryOnError: false });
  const [signedInAs, setSignedInAs] = useState<string | null | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    getAccessToken().then(async (t) => {
      if (!t) return setSignedInAs(null);
      try {
        setSignedInAs((await me()).user.email);
      } catch {
        setSignedInAs(null);
      }
    });
  }, []);

  if (preview.error) {
    return <ErrorState title="This invitation cannot be used" error={preview.error} />;
  }
  if (!preview.data || signedInAs === undefined) return <SkeletonRows rows={3} height="h-10" />;
  const inv = preview.data;
  const here = `/invitations/${encodeURIComponent(token)}`;

  return (
    <div>
      <h1 className="text-xl font-semibold">Join {inv.team_name}</h1>
      <p className="mt-2 text-sm text-fg-muted">
        {inv.invited_by_name} invited <strong className="text-fg">{inv.email}</strong> as <strong className="text-fg">{inv.role}</strong>. The link
        expires on {formatDate(inv.expires_at)}.
      </p>
      <div className="mt-6 space-y-3">
        {signedInAs ? (
          <>
            <p className="text-sm">
              Signed in as <strong>{signedInAs}</strong>.
            </p>
            <FormError message={error} />
            <Button
              className="w-full"
              busy={busy}
              onClick={async () => {
                setBusy(true);
                setError(null);
                try {
                  const res = await acceptInvitation(token);
                  router.replace(teamHref(res.team_id, '/monitors'));
                } catch (err) {
                  setError(messageOf(err));
                  setBusy(false);
                }
              }}
            >
              Accept invitation
            </Button>
          </>
        ) : (
          <>
            <ButtonLink className="w-full" href={`/register?email=${encodeURIComponent(inv.email)}&next=${encodeURIComponent(here)}`}>
              Create an account to join
            </ButtonLink>
            <ButtonLink variant="secondary" className="w-full" href={`/login?next=${encodeURIComponent(here)}`}>
              I already have an account
            </ButtonLink>
          </>
        )}
      </div>
    </div>
  );
}
