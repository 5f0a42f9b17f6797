'use client';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Badge, Card } from '@/components/ui/card';
import { CodeLine } from '@/components/ui/copy';
import { useConfirm } from '@/components/ui/confirm';
import { Checkbox, FormError, TextField } from '@/components/ui/field';
import { ErrorState, SkeletonRows } from '@/components/ui/states';
import { messageOf } from '@/lib/api/errors';
import { checkDomainNow, downloadSubscribersCsv, removeSubscriber, setNoticesPaused, useDomainStatus, useNoticeSettings, useSubscribers } from '@/lib/api/subscribers';

/** Subscribers of a page (SPEC 10): counts, search, remove, CSV export, pause notices. */
export function SubscribersPanel({ teamId, pageId, canWrite }: { teamId: number; pageId: number; canWrite: boolean }) {
  const [q, setQ] = useState('');
  const list = useSubscribers(teamId, pageId, q);
  const settings = useNoticeSettings(teamId, pageId);
  const [error, setError] = useState<string | null>(null);
  const [dialog, confirm] = useConfirm();
  return (
    <Card
      title="Subscribers"
      actions={
        <Button variant="secondary" onClick={() => downloadSubscribersCsv(teamId, pageId).catch((err) => setError(messageOf(err)))}>
          Export CSV
        </Button>
      }
    >
      {dialog}
      <FormError message={error} />
      <div className="mb-3 flex flex-wrap items-center gap-3 text-sm">
        {settings.data ? (
          <>
            <Badge tone="up">{settings.data.active} active</Badge>
            <Badge>{settings.data.pending} awaiting confirmation</Badge>
            <Checkbox
              label="Pause notices for this page"
              checked={settings.data.notices_paused}
              disabled={!canWrite}
              onChange={async (e) => {
                try {
                  await settings.mutate(await setNoticesPaused(teamId, pageId, e.target.checked), { revalidate: false });
                } catch (err) {
                  setError(messageOf(err));
                }
              }}
            />
          </>
        ) : null}
      </div>
      <div className="mb-3 max-w-sm">
        <TextField label="Search" type="search" placeholder="email or URL" value={q} onChange={(e) => setQ(e.target.value)} />
      </div>
      {list.error && !list.data ? <ErrorState error={list.error} onRetry={() => list.mutate()} /> : null}
      {!list.data && !list.error ? <SkeletonRows rows={3} /> : null}
      {list.data && list.data.items.length === 0 ? <p className="text-sm text-fg-muted">No subscribers{q ? ' match this search' : ' yet'}. Visitors subscribe from the public page.</p> : null}
      {list.data && list.data.items.length > 0 ? (
        <ul className="divide-y divide-border text-sm">
          {list.data.items.map((s) => (
            <li key={s.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
              <div className="min-w-0">
                <p className="truncate font-medium text-fg">{s.email ?? s.url}</p>
                <p className="text-xs text-fg-muted">
                  {s.type} · {s.status === 'active' ? 'confirmed' : 'awaiting confirmation'} · {s.component_ids.length ? `${s.component_ids.length} component(s)` : 'all components'}
                </p>
              </div>
              {canWrite ? (
                <Button
                  variant="ghost"
                  aria-label={`Remove ${s.email ?? s.url}`}
                  onClick={async () => {
                    if (!(await confirm({ title: 'Remove this subscriber?', body: 'Their address is deleted and they get no more notices.', confirmLabel: 'Remove', danger: true }))) return;
                    try {
                      await removeSubscriber(teamId, pageId, s.id);
                      await Promise.all([list.mutate(), settings.mutate()]);
                    } catch (err) {
                      setError(messageOf(err));
                    }
                  }}
                >
                  Remove
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </Card>
  );
}

const DOMAIN_TONE = { none: 'neutral', pending: 'degraded', verified: 'up', lost: 'down' } as const;

/** Custom-domain verification: the TXT record to add and its state (ADR 0137). */
export function DomainPanel({ teamId, pageId, canWrite }: { teamId: number; pageId: number; canWrite: boolean }) {
  const status = useDomainStatus(teamId, pageId);
  const [error, setError] = useState<string | null>(null);
  if (!status.data) return null;
  const d = status.data;
  if (d.status === 'none') return null;
  return (
    <Card title="Custom domain" actions={<Badge tone={DOMAIN_TONE[d.status]}>{d.status}</Badge>}>
      <FormError message={error} />
      <p className="mb-2 text-sm text-fg-muted">
        {d.status === 'verified'
          ? `${d.domain} is verified and serves this page. The record is checked daily; keep it in place.`
          : `Add this TXT record to ${d.domain}'s DNS. The page is served on the domain only once it is found${d.expires_at ? ` (the claim expires ${new Date(d.expires_at).toLocaleDateString()})` : ''}.`}
      </p>
      <div className="space-y-2">
        <CodeLine text={d.txt_name ?? ''} />
        <CodeLine text={d.txt_value ?? ''} />
      </div>
      {d.last_error ? <p className="mt-2 text-xs text-down">Last check: {d.last_error}</p> : null}
      {canWrite && d.status !== 'verified' ? (
        <Button
          className="mt-3"
          variant="secondary"
          onClick={async () => {
            try {
              await status.mutate(await checkDomainNow(teamId, pageId), { revalidate: false });
            } catch (err) {
              setError(messageOf(err));
            }
          }}
        >
          Check now
        </Button>
      ) : null}
    </Card>
  );
}
