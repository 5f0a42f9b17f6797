'use client';
import { useState } from 'react';
import { PolicyEditor, timelinePreview } from '@/components/escalation/policy-editor';
import { Button } from '@/components/ui/button';
import { Badge, Card, PageHeader } from '@/components/ui/card';
import { useConfirm } from '@/components/ui/confirm';
import { FormError } from '@/components/ui/field';
import { EmptyState, ErrorState, SkeletonRows } from '@/components/ui/states';
import { useChannels } from '@/lib/api/channels';
import { createPolicy, deletePolicy, updatePolicy, usePolicies } from '@/lib/api/escalation';
import { messageOf } from '@/lib/api/errors';
import { useCurrentTeam } from '@/lib/team';

export default function EscalationPage() {
  const { teamId, can } = useCurrentTeam();
  const policies = usePolicies(teamId);
  const channels = useChannels(teamId);
  const [editing, setEditing] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dialog, confirm] = useConfirm();
  if (!teamId) return null;
  const write = can('channels.write');
  const all = channels.data?.items ?? [];

  return (
    <>
      {dialog}
      <PageHeader title="Escalation" description="Who is woken, in which order, while nobody acknowledges. Acknowledging (dashboard, API or the link in any alert) stops it." />
      <FormError message={error} />
      <div className="grid gap-6 lg:grid-cols-[3fr_2fr]">
        <Card title="Policies">
          {policies.error && !policies.data ? <ErrorState error={policies.error} onRetry={() => policies.mutate()} /> : null}
          {!policies.data && !policies.error ? <SkeletonRows rows={3} /> : null}
          {policies.data && policies.data.items.length === 0 ? (
            <EmptyState title="No escalation policies">Without one, monitors alert their channels at once and nothing escalates.</EmptyState>
          ) : null}
          <ul className="divide-y divide-border" data-testid="policies">
            {policies.data?.items.map((p) => (
              <li key={p.id} className="py-3">
                <div className="flex flex-wrap items-center gap-2">
                  <p className="flex-1 truncate text-sm font-medium">
                    {p.name} {p.is_default ? <Badge tone="brand">team default</Badge> : null}
                  </p>
                  {write ? (
                    <div className="flex gap-1">
                      <Button variant="ghost" onClick={() => setEditing(editing === p.id ? null : p.id)}>
                        {editing === p.id ? 'Close' : 'Edit'}
                      </Button>
                      <Button
                        variant="ghost"
                        onClick={async () => {
                          if (!(await confirm({ title: `Delete ${p.name}?`, body: 'Its monitors fall back to the team default. Running escalations finish as planned.', confirmLabel: 'Delete', danger: true }))) return;
                          try {
                            await deletePolicy(teamId, p.id);
                            await policies.mutate();
                          } catch (err) {
                            setError(messageOf(err));
                          }
                        }}
                      >
                        Delete
                      </Button>
                    </div>
                  ) : null}
                </div>
                <p className="mt-1 text-xs text-fg-muted">
                  {timelinePreview(p.steps, p.repeat, all).join('; ')}
                  {p.remind_every_seconds ? ` · reminders every ${p.remind_every_seconds / 60} min` : ''}
                </p>
                {editing === p.id ? (
                  <div className="mt-3">
                    <PolicyEditor
                      channels={all}
                      policy={p}
                      onSave={async (body) => {
                        await updatePolicy(teamId, p.id, body);
                        setEditing(null);
                        await policies.mutate();
                      }}
                    />
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
        </Card>
        {write ? (
          <Card title="New policy">
            {all.length === 0 ? (
              <p className="text-sm text-fg-muted">Add a notification channel first.</p>
            ) : (
              <PolicyEditor
                channels={all}
                onSave={async (body) => {
                  await createPolicy(teamId, body);
                  await policies.mutate();
                }}
              />
            )}
          </Card>
        ) : null}
      </div>
    </>
  );
}
