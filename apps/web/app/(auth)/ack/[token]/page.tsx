'use client';
import { useParams } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { FormError } from '@/components/ui/field';
import { ErrorState, SkeletonRows } from '@/components/ui/states';
import { AckPreview, ackPath, acknowledgeFromLink } from '@/lib/api/escalation';
import { messageOf } from '@/lib/api/errors';
import { useApi } from '@/lib/api/hooks';
import { formatDateTime } from '@/lib/format';

/**
 * The signed acknowledge link of an alert (ADR 0121). Opening it changes nothing (chat unfurlers
 * and mail scanners fetch links); the button acknowledges, without logging in.
 */
export default function AcknowledgePage() {
  const { token } = useParams<{ token: string }>();
  const preview = useApi(AckPreview, ackPath(token), { shouldRetryOnError: false, revalidateOnFocus: false });
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (preview.error)
    return (
      <div>
        <h1 className="mb-4 text-xl font-semibold">Acknowledge incident</h1>
        <ErrorState title="This acknowledge link cannot be used" error={preview.error} />
      </div>
    );
  if (!preview.data) return <SkeletonRows rows={3} height="h-10" />;
  const p = preview.data;
  const closed = p.incident.status === 'resolved' || p.acknowledged_at !== null || p.used;

  return (
    <div>
      <h1 className="text-xl font-semibold">Acknowledge incident</h1>
      <p className="mt-2 text-sm">
        <strong>{p.incident.title}</strong> ({p.incident.severity}), since {formatDateTime(p.incident.started_at)}.
      </p>
      {done ? (
        <p role="status" className="mt-4 text-sm text-up" data-testid="ack-done">
          Acknowledged as {done}. Escalation and reminders stopped.
        </p>
      ) : closed ? (
        <p className="mt-4 text-sm text-fg-muted" data-testid="ack-closed">
          {p.incident.status === 'resolved'
            ? 'The incident is already resolved.'
            : p.acknowledged_at
              ? `Already acknowledged ${p.acknowledged_via ? `(${p.acknowledged_via}) ` : ''}${formatDateTime(p.acknowledged_at)}.`
              : 'This link was already used.'}
        </p>
      ) : (
        <div className="mt-6 space-y-3">
          <FormError message={error} />
          <Button
            className="w-full"
            busy={busy}
            onClick={async () => {
              setBusy(true);
              setError(null);
              try {
                setDone((await acknowledgeFromLink(token, p.incident.id)).acknowledged_via);
              } catch (err) {
                setError(messageOf(err));
              } finally {
                setBusy(false);
              }
            }}
          >
            Acknowledge
          </Button>
          <p className="text-xs text-fg-muted">The link works once and expires {formatDateTime(p.expires_at)}.</p>
        </div>
      )}
    </div>
  );
}
