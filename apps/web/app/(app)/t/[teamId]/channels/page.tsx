'use client';
import type { AlertStatus } from '@sentrypulse/shared';
import { useState } from 'react';
import { ChannelForm } from '@/components/channels/channel-form';
import { Button } from '@/components/ui/button';
import { Badge, Card, PageHeader } from '@/components/ui/card';
import { useConfirm } from '@/components/ui/confirm';
import { CodeLine } from '@/components/ui/copy';
import { FormError } from '@/components/ui/field';
import { EmptyState, ErrorState, SkeletonRows } from '@/components/ui/states';
import { createChannel, deleteChannel, sendTestAlert, updateChannel, useAlerts, useChannels } from '@/lib/api/channels';
import { messageOf } from '@/lib/api/errors';
import { formatDateTime, formatRelative } from '@/lib/format';
import { useCurrentTeam } from '@/lib/team';

const STATUS_TONE: Record<AlertStatus, 'up' | 'down' | 'neutral' | 'maintenance'> = { sent: 'up', failed: 'down', pending: 'neutral', suppressed: 'maintenance' };

export default function ChannelsPage() {
  const { teamId, can } = useCurrentTeam();
  const channels = useChannels(teamId);
  const [channelFilter, setChannelFilter] = useState<number | undefined>(undefined);
  const alerts = useAlerts(teamId, { channel_id: channelFilter });
  const [secret, setSecret] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [dialog, confirm] = useConfirm();
  if (!teamId) return null;
  const write = can('channels.write');
  const names = new Map(channels.data?.items.map((c) => [c.id, c.name]));

  return (
    <>
      {dialog}
      <PageHeader title="Notifications" description="Where alerts go when an incident opens, updates or resolves." />
      <FormError message={error} />
      {notice ? (
        <p role="status" className="mb-4 text-sm text-fg-muted">
          {notice}
        </p>
      ) : null}
      {secret ? (
        <div className="mb-4 space-y-1 rounded-md border border-degraded/40 bg-degraded/10 p-3">
          <p className="text-sm">Webhook signing secret. Copy it now: it is not shown again.</p>
          <CodeLine text={secret} />
        </div>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-[3fr_2fr]">
        <Card title="Channels">
          {channels.error && !channels.data ? <ErrorState error={channels.error} onRetry={() => channels.mutate()} /> : null}
          {!channels.data && !channels.error ? <SkeletonRows rows={3} /> : null}
          {channels.data && channels.data.items.length === 0 ? (
            <EmptyState title="No channels yet">Add Slack, Discord, Teams, PagerDuty, Opsgenie, ntfy, Pushover, SMS, email, Telegram, WhatsApp or a webhook; then send a test to see it arrive.</EmptyState>
          ) : null}
          <ul className="divide-y divide-border" data-testid="channels">
            {channels.data?.items.map((c) => (
              <li key={c.id} className="flex flex-wrap items-center gap-3 py-3">
                <div className="min-w-0 flex-1">
                  <p className="flex items-center gap-2 truncate text-sm font-medium">
                    {c.name} <Badge>{c.type}</Badge> {c.is_default ? <Badge tone="brand">default</Badge> : null} {!c.enabled ? <Badge tone="down">disabled</Badge> : null}
                  </p>
                  <p className="truncate text-xs text-fg-muted">{c.disabled_reason ?? Object.entries(c.config).filter(([, v]) => typeof v === 'string' || Array.isArray(v)).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`).join(' · ')}</p>
                </div>
                {write ? (
                  <div className="flex flex-wrap gap-1">
                    <Button
                      variant="secondary"
                      busy={busy === c.id}
                      onClick={async () => {
                        setBusy(c.id);
                        setError(null);
                        try {
                          await sendTestAlert(teamId, c.id);
                          setNotice(`Test queued for ${c.name}; its delivery shows in the log below.`);
                          await alerts.mutate();
                        } catch (err) {
                          setError(messageOf(err));
                        } finally {
                          setBusy(null);
                        }
                      }}
                    >
                      Send test
                    </Button>
                    <Button
                      variant="ghost"
                      onClick={async () => {
                        try {
                          await updateChannel(teamId, c.id, { enabled: !c.enabled });
                          await channels.mutate();
                        } catch (err) {
                          setError(messageOf(err));
                        }
                      }}
                    >
                      {c.enabled ? 'Disable' : 'Enable'}
                    </Button>
                    <Button
                      variant="ghost"
                      onClick={async () => {
                        if (!(await confirm({ title: `Delete ${c.name}?`, body: 'Monitors stop alerting through it.', confirmLabel: 'Delete', danger: true }))) return;
                        try {
                          await deleteChannel(teamId, c.id);
                          await channels.mutate();
                        } catch (err) {
                          setError(messageOf(err));
                        }
                      }}
                    >
                      Delete
                    </Button>
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
        </Card>
        {write ? (
          <Card title="Add a channel">
            <ChannelForm
              onCreate={async (body) => {
                const created = await createChannel(teamId, body);
                setSecret(created.secret);
                await channels.mutate();
              }}
            />
          </Card>
        ) : null}
      </div>
      <Card
        title="Delivery log"
        className="mt-6"
        actions={
          <select
            aria-label="Filter by channel"
            value={channelFilter ?? ''}
            onChange={(e) => setChannelFilter(e.target.value ? Number(e.target.value) : undefined)}
            className="rounded-md border border-border bg-surface px-2 py-1 text-xs"
          >
            <option value="">All channels</option>
            {channels.data?.items.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        }
      >
        {alerts.error && !alerts.data ? <ErrorState error={alerts.error} onRetry={() => alerts.mutate()} /> : null}
        {!alerts.data && !alerts.error ? <SkeletonRows rows={3} height="h-8" /> : null}
        {alerts.data && alerts.data.items.length === 0 ? <p className="text-sm text-fg-muted">Nothing sent yet. Use “Send test” to try a channel.</p> : null}
        {alerts.data && alerts.data.items.length > 0 ? (
          <div className="overflow-x-auto">
            <table className="w-full min-w-[36rem] text-sm" data-testid="alerts">
              <thead>
                <tr className="text-left text-xs text-fg-muted">
                  <th className="py-1.5 font-medium">Event</th>
                  <th className="py-1.5 font-medium">Channel</th>
                  <th className="py-1.5 font-medium">Status</th>
                  <th className="py-1.5 font-medium">Attempts</th>
                  <th className="py-1.5 font-medium">When</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-border">
                {alerts.data.items.map((a) => (
                  <tr key={a.id} className="align-top">
                    <td className="py-1.5">{a.event_type}</td>
                    <td className="py-1.5">{names.get(a.channel_id) ?? `#${a.channel_id}`}</td>
                    <td className="py-1.5">
                      <Badge tone={STATUS_TONE[a.status]}>{a.status}</Badge>
                      {a.last_error ? <p className="mt-1 max-w-xs break-words text-xs text-down">{a.last_error}</p> : null}
                    </td>
                    <td className="py-1.5 tabular-nums">
                      {a.attempts}
                      {a.provider_status_code ? <span className="text-xs text-fg-muted"> · HTTP {a.provider_status_code}</span> : null}
                    </td>
                    <td className="whitespace-nowrap py-1.5 text-fg-muted" title={formatDateTime(a.created_at)}>
                      {formatRelative(a.created_at)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Card>
    </>
  );
}
