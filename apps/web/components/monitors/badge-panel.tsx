'use client';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { CodeLine } from '@/components/ui/copy';
import { FormError, TextField } from '@/components/ui/field';
import { messageOf } from '@/lib/api/errors';
import { setBadge, useBadge } from '@/lib/api/subscribers';

/** A monitor's public badge (off by default: a badge is public) and the snippets to copy. */
export function BadgePanel({ teamId, monitorId, canWrite }: { teamId: number; monitorId: number; canWrite: boolean }) {
  const badge = useBadge(teamId, monitorId);
  const [label, setLabel] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (!badge.data) return null;
  const b = badge.data;
  const toggle = async (enabled: boolean) => {
    try {
      await badge.mutate(await setBadge(teamId, monitorId, { enabled, label: label.trim() || null }), { revalidate: false });
    } catch (err) {
      setError(messageOf(err));
    }
  };
  return (
    <Card title="Public badge">
      <FormError message={error} />
      {b.enabled && b.urls ? (
        <div className="space-y-2 text-sm">
          <p className="text-fg-muted">Anyone with these links sees this monitor&apos;s status, uptime and response time (never its name or URL).</p>
          <img src={b.urls.status_svg} alt="status badge" height={20} />
          <CodeLine text={`![status](${b.urls.status_svg})`} />
          <CodeLine text={`<img src="${b.urls.uptime_svg}" alt="uptime 30 days">`} />
          <CodeLine text={b.urls.response_time_svg} />
          <CodeLine text={b.urls.shields} />
          {canWrite ? (
            <Button variant="secondary" onClick={() => toggle(false)}>
              Disable badge
            </Button>
          ) : null}
        </div>
      ) : canWrite ? (
        <div className="flex flex-wrap items-end gap-3">
          <TextField label="Label (optional)" maxLength={40} value={label} onChange={(e) => setLabel(e.target.value)} placeholder="status" />
          <Button onClick={() => toggle(true)}>Enable public badge</Button>
        </div>
      ) : (
        <p className="text-sm text-fg-muted">No public badge.</p>
      )}
    </Card>
  );
}
