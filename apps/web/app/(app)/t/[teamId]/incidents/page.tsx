'use client';
import Link from 'next/link';
import { useState } from 'react';
import { IncidentStatusBadge, SeverityBadge } from '@/components/incidents/badges';
import { ButtonLink } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/card';
import { Tabs } from '@/components/ui/stat';
import { EmptyState, ErrorState, SkeletonRows } from '@/components/ui/states';
import { useIncidents } from '@/lib/api/incidents';
import { useMonitors } from '@/lib/api/monitors';
import { formatDateTime, formatDuration, formatRelative } from '@/lib/format';
import { teamHref, useCurrentTeam } from '@/lib/team';

export default function IncidentsPage() {
  const { teamId, can } = useCurrentTeam();
  const [status, setStatus] = useState<'open' | 'resolved'>('open');
  const { data, error, mutate } = useIncidents(teamId, { status });
  const monitors = useMonitors(teamId);
  const names = new Map(monitors.data?.items.map((m) => [m.id, m.name]));
  if (!teamId) return null;
  return (
    <>
      <PageHeader
        title="Incidents"
        description="Opened automatically when a monitor fails, or by hand. Updates appear on your status pages."
        actions={
          <>
            <ButtonLink variant="secondary" href={teamHref(teamId, '/maintenance')}>
              Maintenance
            </ButtonLink>
            {can('incidents.write') ? <ButtonLink href={teamHref(teamId, '/incidents/new')}>Declare incident</ButtonLink> : null}
          </>
        }
      />
      <div className="mb-4">
        <Tabs
          label="Incident status"
          value={status}
          onChange={setStatus}
          options={[
            { value: 'open', label: 'Open' },
            { value: 'resolved', label: 'Resolved' },
          ]}
        />
      </div>
      {error && !data ? <ErrorState error={error} onRetry={() => mutate()} /> : null}
      {!data && !error ? <SkeletonRows rows={4} /> : null}
      {data && data.items.length === 0 ? (
        <EmptyState title={status === 'open' ? 'All clear: no open incidents' : 'No resolved incidents yet'}>
          {status === 'open' ? 'When a monitor fails its confirmation count an incident opens here and your channels are alerted.' : 'Resolved incidents and their postmortems are kept here.'}
        </EmptyState>
      ) : null}
      {data && data.items.length > 0 ? (
        <ul className="divide-y divide-border overflow-hidden rounded-lg border border-border bg-surface" data-testid="incident-list">
          {data.items.map((i) => (
            <li key={i.id}>
              <Link href={teamHref(teamId, `/incidents/${i.id}`)} className="flex flex-col gap-1 px-4 py-3 hover:bg-muted sm:flex-row sm:items-center sm:gap-4">
                <div className="min-w-0 flex-1">
                  <p className="truncate text-sm font-medium">{i.title}</p>
                  <p className="truncate text-xs text-fg-muted">
                    {i.monitor_ids.map((id) => names.get(id) ?? `#${id}`).join(', ') || 'No monitor'} · started {formatRelative(i.started_at)}
                    {i.resolved_at ? ` · lasted ${formatDuration((Date.parse(i.resolved_at) - Date.parse(i.started_at)) / 1000)}` : ''}
                  </p>
                </div>
                <div className="flex items-center gap-2">
                  <SeverityBadge severity={i.severity} />
                  <IncidentStatusBadge status={i.status} />
                  {i.acknowledged_at ? <span className="text-xs text-fg-muted">acked</span> : null}
                  <span className="hidden text-xs text-fg-muted lg:inline">{formatDateTime(i.started_at)}</span>
                </div>
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
