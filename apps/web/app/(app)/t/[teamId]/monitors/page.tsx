'use client';
import type { Monitor, MonitorStatus } from '@sentrypulse/shared';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { MonitorDot, monitorTarget, monitorTone } from '@/components/monitors/monitor-status';
import { MonitorSparkline } from '@/components/monitors/monitor-sparkline';
import { Icon } from '@/components/shell/icons';
import { ButtonLink } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/card';
import { EmptyState, ErrorState, SkeletonRows } from '@/components/ui/states';
import { statusLabel } from '@/components/ui/status';
import { useMonitors } from '@/lib/api/monitors';
import { formatMs, formatRelative, formatUptime } from '@/lib/format';
import { teamHref, useCurrentTeam } from '@/lib/team';

type Filter = 'all' | MonitorStatus;
const FILTERS: Filter[] = ['all', 'down', 'degraded', 'up', 'paused', 'pending'];

function matches(m: Monitor, filter: Filter, q: string) {
  if (filter !== 'all' && monitorTone(m) !== filter) return false;
  if (!q) return true;
  const needle = q.toLowerCase();
  return m.name.toLowerCase().includes(needle) || monitorTarget(m).toLowerCase().includes(needle);
}

export default function MonitorsPage() {
  const { teamId, can } = useCurrentTeam();
  const { data, error, mutate, isLoading } = useMonitors(teamId);
  const [filter, setFilter] = useState<Filter>('all');
  const [q, setQ] = useState('');
  const counts = useMemo(() => {
    const c: Record<string, number> = { all: data?.items.length ?? 0 };
    for (const m of data?.items ?? []) c[monitorTone(m)] = (c[monitorTone(m)] ?? 0) + 1;
    return c;
  }, [data]);
  // Down first, then degraded, then the rest by name: what needs attention is on top.
  const rows = useMemo(() => {
    const order = { down: 0, degraded: 1, pending: 2, up: 3, paused: 4, maintenance: 5 } as Record<string, number>;
    return (data?.items ?? []).filter((m) => matches(m, filter, q)).sort((a, b) => order[monitorTone(a)]! - order[monitorTone(b)]! || a.name.localeCompare(b.name));
  }, [data, filter, q]);
  if (!teamId) return null;

  return (
    <>
      <PageHeader
        title="Monitors"
        description={data ? `${counts.all} monitor${counts.all === 1 ? '' : 's'}, ${counts.down ?? 0} down` : 'Uptime of your sites, APIs, hosts and jobs.'}
        actions={can('monitors.write') ? <ButtonLink href={teamHref(teamId, '/monitors/new')}>New monitor</ButtonLink> : null}
      />
      {error && !data ? <ErrorState error={error} onRetry={() => mutate()} /> : null}
      {isLoading && !data ? <SkeletonRows rows={6} /> : null}
      {data && data.items.length === 0 ? (
        <EmptyState
          title="No monitors yet"
          action={can('monitors.write') ? <ButtonLink href={teamHref(teamId, '/monitors/new')}>Create your first monitor</ButtonLink> : null}
        >
          Add a URL, a host and port, a DNS record or a heartbeat; SentryPulse checks it on a schedule and opens an incident when it fails.
        </EmptyState>
      ) : null}
      {data && data.items.length > 0 ? (
        <>
          <div className="mb-4 flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
            <div role="group" aria-label="Filter by status" className="flex flex-wrap gap-1">
              {FILTERS.filter((f) => f === 'all' || counts[f]).map((f) => (
                <button
                  key={f}
                  type="button"
                  aria-pressed={filter === f}
                  onClick={() => setFilter(f)}
                  className="rounded-full border border-border px-3 py-1 text-xs font-medium text-fg-muted hover:bg-muted aria-pressed:border-brand aria-pressed:bg-brand/10 aria-pressed:text-brand"
                >
                  {f === 'all' ? 'All' : statusLabel(f as never)} <span className="tabular-nums">{counts[f] ?? 0}</span>
                </button>
              ))}
            </div>
            <label className="relative block sm:w-64">
              <span className="sr-only">Search monitors</span>
              <Icon name="search" className="pointer-events-none absolute left-2.5 top-2.5 size-4 text-fg-muted" />
              <input
                type="search"
                value={q}
                onChange={(e) => setQ(e.target.value)}
                placeholder="Search by name or URL"
                className="w-full rounded-md border border-border bg-surface py-2 pl-8 pr-3 text-sm"
              />
            </label>
          </div>
          {rows.length === 0 ? (
            <EmptyState title="No monitor matches">Clear the search or pick another status.</EmptyState>
          ) : (
            <ul className="divide-y divide-border overflow-hidden rounded-lg border border-border bg-surface" data-testid="monitor-list">
              {rows.map((m) => (
                // Off-screen rows skip layout and paint until scrolled to (500+ monitors).
                <li key={m.id} className="[contain-intrinsic-size:auto_64px] [content-visibility:auto]">
                  <Link href={teamHref(teamId, `/monitors/${m.id}`)} className="grid grid-cols-[auto_1fr_auto] items-center gap-x-3 gap-y-1 px-4 py-3 hover:bg-muted sm:grid-cols-[auto_minmax(0,1fr)_5rem_8rem_9rem]">
                    <MonitorDot monitor={m} />
                    <div className="min-w-0">
                      <p className="truncate text-sm font-medium" data-testid="monitor-name">
                        {m.name}
                      </p>
                      <p className="truncate text-xs text-fg-muted">{monitorTarget(m)}</p>
                    </div>
                    <div className="text-right text-sm tabular-nums sm:order-none">
                      <span className="font-medium">{formatUptime(m.uptime_24h)}</span>
                      <span className="block text-xs text-fg-muted">24 h</span>
                    </div>
                    <div className="hidden sm:block">
                      <MonitorSparkline teamId={teamId} monitorId={m.id} lastCheckedAt={m.last_checked_at} />
                    </div>
                    <div className="col-start-2 whitespace-nowrap text-xs text-fg-muted sm:col-start-auto sm:text-right">
                      <span data-testid="monitor-status" className="sr-only">{statusLabel(monitorTone(m))}</span>
                      {formatMs(m.last_response_time_ms)} · {formatRelative(m.last_checked_at)}
                    </div>
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </>
      ) : null}
    </>
  );
}
