'use client';
import Link from 'next/link';
import { useState } from 'react';
import { messageOf } from '@/lib/api/errors';
import { useMe } from '@/lib/api/hooks';
import { resendVerification } from '@/lib/api/security';

/** Shown on every dashboard page until the account's address is confirmed. */
export function VerifyEmailBanner() {
  const { data } = useMe();
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!data || data.user.email_verified) return null;
  return (
    <div role="region" aria-label="Email verification" className="mb-6 flex flex-col gap-2 rounded-md border border-degraded/40 bg-degraded/10 px-4 py-3 text-sm sm:flex-row sm:items-center sm:justify-between">
      <p>
        Confirm <strong>{data.user.email}</strong>: until then you get no alert emails and cannot accept team invitations.{' '}
        <Link href="/account/security" className="text-brand hover:underline">
          Change the address
        </Link>
      </p>
      <div className="flex items-center gap-3">
        {note ? (
          <span role="status" className="text-fg-muted">
            {note}
          </span>
        ) : null}
        <button
          type="button"
          disabled={busy}
          className="shrink-0 rounded-md border border-border bg-surface px-3 py-1.5 font-medium hover:bg-muted disabled:opacity-50"
          onClick={async () => {
            setBusy(true);
            try {
              setNote((await resendVerification()).detail);
            } catch (err) {
              setNote(messageOf(err));
            } finally {
              setBusy(false);
            }
          }}
        >
          Send the link again
        </button>
      </div>
    </div>
  );
}
