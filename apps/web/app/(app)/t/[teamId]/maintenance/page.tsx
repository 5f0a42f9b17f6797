'use client';
import { CreateMaintenanceBody } from '@sentrypulse/shared';
import { useState } from 'react';
import { MonitorPicker } from '@/components/monitors/monitor-picker';
import { Button } from '@/components/ui/button';
import { Badge, Card, PageHeader } from '@/components/ui/card';
import { FormError, TextArea, TextField } from '@/components/ui/field';
import { EmptyState, ErrorState, SkeletonRows } from '@/components/ui/states';
import { messageOf } from '@/lib/api/errors';
import { createMaintenance, deleteMaintenance, endMaintenance, useMaintenance } from '@/lib/api/incidents';
import { useMonitors } from '@/lib/api/monitors';
import { useZodForm } from '@/lib/forms';
import { formatDateTime } from '@/lib/format';
import { useCurrentTeam } from '@/lib/team';
import { RecurrenceEditor } from '@/components/maintenance/recurrence-editor';

/** datetime-local value (local time, no zone) to an ISO string in UTC. */
function localToIso(v: string): string {
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? v : d.toISOString();
}

export default function MaintenancePage() {
  const { teamId, can } = useCurrentTeam();
  const { data, error, mutate } = useMaintenance(teamId);
  const monitors = useMonitors(teamId);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [starts, setStarts] = useState('');
  const [ends, setEnds] = useState('');
  const [monitorIds, setMonitorIds] = useState<number[]>([]);
  const [actionError, setActionError] = useState<string | null>(null);
  const form = useZodForm(CreateMaintenanceBody, async (body) => {
    await createMaintenance(teamId!, body);
    setTitle('');
    setDescription('');
    setMonitorIds([]);
    await mutate();
  });
  if (!teamId) return null;
  const now = Date.now();
  const act = async (run: () => Promise<unknown>) => {
    setActionError(null);
    try {
      await run();
      await mutate();
    } catch (err) {
      setActionError(messageOf(err));
    }
  };
  return (
    <>
      <PageHeader title="Maintenance windows" description="Alerts are suppressed for the chosen monitors during a window, and status pages show it." />
      <div className="grid gap-6 lg:grid-cols-[3fr_2fr]">
        <Card title="Scheduled">
          <FormError message={actionError} />
          {error && !data ? <ErrorState error={error} onRetry={() => mutate()} /> : null}
          {!data && !error ? <SkeletonRows rows={3} /> : null}
          {data && data.items.length === 0 ? <EmptyState title="No maintenance scheduled">Plan a window before deploys or migrations so nobody is paged for them.</EmptyState> : null}
          <ul className="divide-y divide-border">
            {data?.items.map((w) => {
              const state = Date.parse(w.ends_at) <= now ? 'past' : Date.parse(w.starts_at) <= now ? 'active' : 'upcoming';
              return (
                <li key={w.id} className="flex flex-wrap items-center gap-3 py-3">
                  <div className="min-w-0 flex-1 basis-full sm:basis-0">
                    <p className="truncate text-sm font-medium">{w.title}</p>
                    <p className="text-xs text-fg-muted">
                      {formatDateTime(w.starts_at)} → {formatDateTime(w.ends_at)} · {w.monitor_ids.length} monitor(s)
                    </p>
                  </div>
                  <Badge tone={state === 'active' ? 'maintenance' : 'neutral'}>{state}</Badge>
                  {can('monitors.write') && state === 'active' ? (
                    <Button variant="secondary" aria-label={`End ${w.title} now`} onClick={() => act(() => endMaintenance(teamId, w.id))}>
                      End now
                    </Button>
                  ) : null}
                  {can('monitors.write') ? (
                    <Button variant="ghost" aria-label={`Delete ${w.title}`} onClick={() => act(() => deleteMaintenance(teamId, w.id))}>
                      Delete
                    </Button>
                  ) : null}
                </li>
              );
            })}
          </ul>
        </Card>
        {can('monitors.write') ? (
          <Card title="Schedule a window">
            <form
              noValidate
              className="space-y-4"
              onSubmit={(e) => {
                e.preventDefault();
                void form.submit({ title, description: description || null, starts_at: localToIso(starts), ends_at: localToIso(ends), monitor_ids: monitorIds });
              }}
            >
              <TextField label="Title" name="title" value={title} onChange={(e) => setTitle(e.target.value)} error={form.errors.title} />
              <TextArea label="Description" name="description" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} error={form.errors.description} />
              <TextField label="Starts" type="datetime-local" value={starts} onChange={(e) => setStarts(e.target.value)} error={form.errors.starts_at} />
              <TextField label="Ends" type="datetime-local" value={ends} onChange={(e) => setEnds(e.target.value)} error={form.errors.ends_at} />
              <MonitorPicker label="Monitors" monitors={monitors.data?.items ?? []} value={monitorIds} onChange={setMonitorIds} error={form.errors.monitor_ids} />
              <FormError message={form.formError} />
              <Button type="submit" busy={form.submitting}>
                Schedule
              </Button>
            </form>
          </Card>
        ) : null}
      </div>
      <div className="mt-6">
        <RecurrenceEditor teamId={teamId} monitors={monitors.data?.items ?? []} canWrite={can('monitors.write')} />
      </div>
    </>
  );
}
