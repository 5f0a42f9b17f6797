'use client';
import Link from 'next/link';
import dynamic from 'next/dynamic';
import { useParams, useRouter } from 'next/navigation';
import { useMemo, useState } from 'react';
import { useSWRConfig } from 'swr';
import type { ResponsePoint } from '@/components/charts/response-time-chart';
import { MonitorDot, monitorTarget, monitorTone } from '@/components/monitors/monitor-status';
import { Button, ButtonLink } from '@/components/ui/button';
import { Badge, Card, PageHeader } from '@/components/ui/card';
import { useConfirm } from '@/components/ui/confirm';
import { CodeLine } from '@/components/ui/copy';
import { FormError } from '@/components/ui/field';
import { StatCard, Tabs } from '@/components/ui/stat';
import { EmptyState, ErrorState, Skeleton, SkeletonRows } from '@/components/ui/states';
import { statusLabel } from '@/components/ui/status';
import { UptimeBar } from '@/components/ui/uptime-bar';
import { messageOf } from '@/lib/api/errors';
import { useIncidents } from '@/lib/api/incidents';
import { checkNow, deleteMonitor, setMonitorPaused, useChecks, useMonitor, useMonitorStats } from '@/lib/api/monitors';
import { formatDate, formatDateTime, formatInterval, formatMs, formatRelative, formatUptime } from '@/lib/format';
import { teamHref, useCurrentTeam } from '@/lib/team';
import { BadgePanel } from '@/components/monitors/badge-panel';

const ResponseTimeChart = dynamic(() => import('@/components/charts/response-time-chart'), {
  ssr: false,
  loading: () => <Skeleton className="h-[240px] w-full" />,
});

type Range = '24h' | '7d' | '30d';

export default function MonitorDetailPage() {
  const { teamId, can } = useCurrentTeam();
  const id = Number(useParams<{ monitorId: string }>().monitorId);
  const router = useRouter();
  const swr = useSWRConfig();
  const monitor = useMonitor(teamId, id);
  const [range, setRange] = useState<Range>('24h');
  const stats = useMonitorStats(teamId, id, range === '7d' ? '7d' : '24h');
  const [errorsOnly, setErrorsOnly] = useState(false);
  const checks = useChecks(teamId, id, 50);
  const incidents = useIncidents(teamId, { monitor_id: id, limit: 10 });
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [dialog, confirm] = useConfirm();

  const points: ResponsePoint[] = useMemo(() => {
    if (!stats.data) return [];
    if (range === '30d') return stats.data.days.slice(-30).map((d) => ({ t: d.date, avg: d.avg_response_time_ms, p95: d.p95_response_time_ms }));
    return stats.data.response_times.map((b) => ({ t: b.bucket_start, avg: b.avg, p95: b.p95 }));
  }, [stats.data, range]);

  if (!teamId) return null;
  if (monitor.error && !monitor.data) return <ErrorState error={monitor.error} onRetry={() => monitor.mutate()} />;
  const m = monitor.data;
  if (!m) return <SkeletonRows rows={5} height="h-24" />;
  const paused = !m.enabled || m.status === 'paused';
  const write = can('monitors.write');

  async function act(name: string, fn: () => Promise<unknown>, done?: string) {
    setBusy(name);
    setActionError(null);
    setNotice(null);
    try {
      await fn();
      if (done) setNotice(done);
    } catch (err) {
      setActionError(messageOf(err));
    } finally {
      setBusy(null);
    }
  }

  const rows = (checks.data?.items ?? []).filter((c) => !errorsOnly || c.status !== 'up');

  return (
    <>
      {dialog}
      <PageHeader
        title={
          <span className="flex items-center gap-3">
            <MonitorDot monitor={m} />
            <span className="truncate">{m.name}</span>
            <Badge tone={monitorTone(m) === 'up' ? 'up' : monitorTone(m) === 'down' ? 'down' : monitorTone(m) === 'degraded' ? 'degraded' : 'neutral'}>
              <span data-testid="monitor-detail-status">{statusLabel(monitorTone(m))}</span>
            </Badge>
          </span>
        }
        description={
          <span className="break-all">
            {m.type.toUpperCase()} · {monitorTarget(m)} · every {formatInterval(m.interval_seconds)}
          </span>
        }
        actions={
          write ? (
            <>
              <Button variant="secondary" busy={busy === 'check'} disabled={paused} onClick={() => act('check', () => checkNow(teamId, id), 'Check queued; the result appears here in a few seconds.')}>
                Check now
              </Button>
              <Button
                variant="secondary"
                busy={busy === 'pause'}
                onClick={() =>
                  act('pause', async () => {
                    const updated = await setMonitorPaused(teamId, id, !paused);
                    await monitor.mutate(updated, { revalidate: false });
                    await swr.mutate(['monitors', teamId]);
                  })
                }
              >
                {paused ? 'Resume' : 'Pause'}
              </Button>
              <ButtonLink variant="secondary" href={teamHref(teamId, `/monitors/${id}/edit`)}>
                Edit
              </ButtonLink>
              <Button
                variant="ghost"
                onClick={async () => {
                  if (!(await confirm({ title: `Delete ${m.name}?`, body: 'Its checks and history are deleted too.', confirmLabel: 'Delete', danger: true }))) return;
                  await act('delete', async () => {
                    await deleteMonitor(teamId, id);
                    await swr.mutate(['monitors', teamId]);
                    router.replace(teamHref(teamId, '/monitors'));
                  });
                }}
              >
                Delete
              </Button>
            </>
          ) : null
        }
      />
      <FormError message={actionError} />
      {notice ? (
        <p role="status" className="mb-4 text-sm text-fg-muted">
          {notice}
        </p>
      ) : null}
      {m.type === 'heartbeat' && m.heartbeat_url ? (
        <Card title="Heartbeat URL" className="mb-6">
          <p className="mb-2 text-sm text-fg-muted">Request this URL (GET or POST) at the end of every run of your job. Last ping: {formatRelative(m.last_heartbeat_at)}.</p>
          <CodeLine text={m.heartbeat_url} />
        </Card>
      ) : null}
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-5">
        <StatCard label="Uptime 24 h" value={formatUptime(stats.data?.uptime['24h'] ?? m.uptime_24h)} />
        <StatCard label="Uptime 7 d" value={formatUptime(stats.data?.uptime['7d'])} />
        <StatCard label="Uptime 30 d" value={formatUptime(stats.data?.uptime['30d'])} />
        <StatCard label="Uptime 90 d" value={formatUptime(stats.data?.uptime['90d'])} />
        <StatCard
          label="Last check"
          value={formatMs(m.last_response_time_ms)}
          sub={m.cert_expires_at ? `cert expires ${formatDate(m.cert_expires_at)}` : formatRelative(m.last_checked_at)}
        />
      </div>
      {m.last_error && monitorTone(m) === 'down' ? (
        <p className="mt-4 rounded-md border border-down/30 bg-down/10 px-3 py-2 text-sm text-down" role="status">
          Last error: {m.last_error}
        </p>
      ) : null}
      <div className="mt-6 grid gap-6">
        <Card
          title="Response time"
          actions={
            <Tabs
              label="Chart range"
              value={range}
              onChange={setRange}
              options={[
                { value: '24h', label: '24 h' },
                { value: '7d', label: '7 d' },
                { value: '30d', label: '30 d' },
              ]}
            />
          }
        >
          {stats.error && !stats.data ? <ErrorState error={stats.error} onRetry={() => stats.mutate()} /> : null}
          {!stats.data && !stats.error ? <Skeleton className="h-[240px] w-full" /> : null}
          {stats.data && points.every((p) => p.avg === null) ? (
            <div className="grid h-[240px] place-items-center text-sm text-fg-muted">No checks in this range yet.</div>
          ) : null}
          {stats.data && points.some((p) => p.avg !== null) ? <ResponseTimeChart points={points} hourly={range !== '30d'} /> : null}
          <p className="mt-2 text-xs text-fg-muted">
            <span className="mr-3 inline-block h-0.5 w-3 bg-brand align-middle" /> average <span className="ml-4 mr-3 inline-block h-0.5 w-3 bg-degraded align-middle" /> p95
          </p>
        </Card>
        <Card title="Uptime, last 90 days">
          {stats.data ? <UptimeBar days={stats.data.days} /> : <Skeleton className="h-12 w-full" />}
        </Card>
        <div className="grid gap-6 lg:grid-cols-[3fr_2fr]">
          <Card
            title="Recent checks"
            actions={
              <label className="flex items-center gap-2 text-xs text-fg-muted">
                <input type="checkbox" checked={errorsOnly} onChange={(e) => setErrorsOnly(e.target.checked)} /> errors only
              </label>
            }
          >
            {checks.error && !checks.data ? <ErrorState error={checks.error} onRetry={() => checks.mutate()} /> : null}
            {!checks.data && !checks.error ? <SkeletonRows rows={5} height="h-8" /> : null}
            {checks.data && rows.length === 0 ? <p className="text-sm text-fg-muted">{errorsOnly ? 'No failed checks recently.' : 'No checks yet; the first runs within one interval.'}</p> : null}
            {rows.length > 0 ? (
              <div className="overflow-x-auto">
                <table className="w-full text-sm" data-testid="checks">
                  <thead>
                    <tr className="text-left text-xs text-fg-muted">
                      <th className="py-1.5 font-medium">Status</th>
                      <th className="py-1.5 font-medium">Code</th>
                      <th className="py-1.5 text-right font-medium">Time</th>
                      <th className="py-1.5 pl-4 font-medium">When</th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-border">
                    {rows.map((c) => (
                      <tr key={c.id} className="align-top">
                        <td className="py-1.5">
                          <Badge tone={c.status === 'up' ? 'up' : c.status === 'down' ? 'down' : 'degraded'}>{c.status}</Badge>
                          {c.error ? <p className="mt-1 max-w-xs break-words text-xs text-down">{c.error}</p> : null}
                        </td>
                        <td className="py-1.5 tabular-nums">{c.status_code ?? '—'}</td>
                        <td className="whitespace-nowrap py-1.5 text-right tabular-nums">{formatMs(c.response_time_ms)}</td>
                        <td className="whitespace-nowrap py-1.5 pl-4 text-fg-muted" title={formatDateTime(c.checked_at)}>
                          {formatRelative(c.checked_at)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
          </Card>
          <Card title="Incidents">
            {incidents.error && !incidents.data ? <ErrorState error={incidents.error} onRetry={() => incidents.mutate()} /> : null}
            {!incidents.data && !incidents.error ? <SkeletonRows rows={3} height="h-10" /> : null}
            {incidents.data && incidents.data.items.length === 0 ? <EmptyState title="No incidents">This monitor has not had an incident.</EmptyState> : null}
            <ul className="divide-y divide-border">
              {incidents.data?.items.map((i) => (
                <li key={i.id}>
                  <Link href={teamHref(teamId, `/incidents/${i.id}`)} className="block py-2 hover:bg-muted">
                    <p className="truncate text-sm font-medium">{i.title}</p>
                    <p className="text-xs text-fg-muted">
                      {i.status} · {formatDateTime(i.started_at)}
                    </p>
                  </Link>
                </li>
              ))}
            </ul>
          </Card>
        </div>
      </div>
      <div className="mt-6">
        <BadgePanel teamId={teamId} monitorId={id} canWrite={write} />
      </div>
    </>
  );
}
