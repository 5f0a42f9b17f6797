'use client';
import { SessionList } from '@sentrypulse/shared';
import { useState } from 'react';
import { useSWRConfig } from 'swr';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { FormError } from '@/components/ui/field';
import { ErrorState, SkeletonRows } from '@/components/ui/states';
import { messageOf } from '@/lib/api/errors';
import { useApi } from '@/lib/api/hooks';
import { revokeOtherSessions, revokeSession, securityPaths } from '@/lib/api/security';
import { formatDateTime } from '@/lib/format';

/** Every active login of the account, with a way to end each one. */
export function SessionsCard() {
  const sessions = useApi(SessionList, securityPaths.sessions);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const { mutate: mutateKey } = useSWRConfig();
  const run = async (key: string, fn: () => Promise<unknown>) => {
    setBusy(key);
    setError(null);
    try {
      await fn();
      await Promise.all([sessions.mutate(), mutateKey(securityPaths.events)]);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(null);
    }
  };
  const items = sessions.data?.items ?? [];
  return (
    <Card
      title="Active sessions"
      actions={
        items.length > 1 ? (
          <Button variant="secondary" busy={busy === 'others'} onClick={() => run('others', revokeOtherSessions)}>
            Sign out all other sessions
          </Button>
        ) : null
      }
    >
      <FormError message={error} />
      {sessions.error ? (
        <ErrorState error={sessions.error} onRetry={() => sessions.mutate()} />
      ) : !sessions.data ? (
        <SkeletonRows rows={2} height="h-10" />
      ) : (
        <ul className="divide-y divide-border" aria-label="Sessions">
          {items.map((s) => (
            <li key={s.id} className="flex flex-col gap-2 py-3 sm:flex-row sm:items-center sm:justify-between">
              <div className="min-w-0 text-sm">
                <p className="font-medium">
                  {s.device}
                  {s.current ? <span className="ml-2 rounded bg-brand/15 px-1.5 py-0.5 text-xs text-brand">This device</span> : null}
                </p>
                <p className="text-xs text-fg-muted">
                  {s.ip ? `Network ${s.ip} · ` : ''}signed in {formatDateTime(s.created_at)} · last used {formatDateTime(s.last_used_at)}
                </p>
              </div>
              {s.current ? null : (
                <Button variant="secondary" busy={busy === s.id} onClick={() => run(s.id, () => revokeSession(s.id))} aria-label={`Sign out ${s.device}, last used ${formatDateTime(s.last_used_at)}`}>
                  Sign out
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
