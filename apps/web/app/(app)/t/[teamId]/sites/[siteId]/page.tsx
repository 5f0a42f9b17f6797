'use client';
import { FilterProperty, type BreakdownProperty } from '@sentrypulse/shared';
import dynamic from 'next/dynamic';
import { useParams, useRouter } from 'next/navigation';
import { useMemo, useState } from 'react';
import { BreakdownCard } from '@/components/analytics/breakdown-card';
import { SiteSettings } from '@/components/analytics/site-settings';
import { RangePicker } from '@/components/analytics/range-picker';
import { Icon } from '@/components/shell/icons';
import { Button } from '@/components/ui/button';
import { Card, PageHeader } from '@/components/ui/card';
import { CodeLine } from '@/components/ui/copy';
import { FormError } from '@/components/ui/field';
import { Tabs } from '@/components/ui/stat';
import { ErrorState, Skeleton, SkeletonRows } from '@/components/ui/states';
import { messageOf } from '@/lib/api/errors';
import { downloadCsv, useRealtime, useSite, useSiteStats } from '@/lib/api/sites';
import { comparedPoints, filterParam, presetRange, rangeLabel, todayIn, type DateRange } from '@/lib/date-range';
import { formatChange, formatCompact, formatDuration } from '@/lib/format';
import { teamHref, useCurrentTeam } from '@/lib/team';

const VisitorsChart = dynamic(() => import('@/components/charts/visitors-chart'), { ssr: false, loading: () => <Skeleton className="h-[260px] w-full" /> });

type Filter = { property: FilterProperty; value: string };

const FILTER_LABEL: Record<FilterProperty, string> = {
  page: 'Page',
  entry_page: 'Entry page',
  referrer: 'Source',
  utm_source: 'UTM source',
  utm_medium: 'UTM medium',
  utm_campaign: 'UTM campaign',
  browser: 'Browser',
  os: 'OS',
  device: 'Device',
  country: 'Country',
  event: 'Event',
};

function Figure({ label, value, change, previous, compare, invert = false, testId }: { label: string; value: string; change: number | null; previous: string; compare: boolean; invert?: boolean; testId?: string }) {
  const good = change === null ? null : invert ? change < 0 : change > 0;
  return (
    <div className="min-w-0 px-4 py-3">
      <p className="truncate text-xs font-medium uppercase tracking-wide text-fg-muted">{label}</p>
      <p className="mt-1 text-2xl font-semibold tabular-nums" data-testid={testId}>
        {value}
      </p>
      {compare ? (
        <p className="mt-0.5 truncate text-xs">
          <span className={change === null || change === 0 ? 'text-fg-muted' : good ? 'text-up' : 'text-down'}>{formatChange(change)}</span>
          <span className="text-fg-muted"> vs {previous}</span>
        </p>
      ) : null}
    </div>
  );
}

export default function SiteDashboardPage() {
  const { teamId, can } = useCurrentTeam();
  const router = useRouter();
  const siteId = Number(useParams<{ siteId: string }>().siteId);
  const site = useSite(teamId, siteId);
  const tz = site.data?.timezone ?? 'UTC';
  const today = todayIn(tz);
  // ?range=today|7d|30d|12mo opens a preset (links, and the e2e timing of a year of data).
  const [initialKey] = useState<'today' | '7d' | '30d' | '12mo'>(() => {
    const key = typeof window === 'undefined' ? null : new URLSearchParams(window.location.search).get('range');
    return key === 'today' || key === '7d' || key === '30d' || key === '12mo' ? key : '30d';
  });
  const [range, setRange] = useState<DateRange | null>(null);
  const effective = range ?? presetRange(initialKey, today);
  const [filters, setFilters] = useState<Filter[]>([]);
  const [compare, setCompare] = useState(true);
  const [metric, setMetric] = useState<'visitors' | 'pageviews'>('visitors');
  const [exportError, setExportError] = useState<string | null>(null);
  const params = useMemo(() => (site.data ? { from: effective.from, to: effective.to, filter: filterParam(filters) } : null), [site.data, effective.from, effective.to, filters]);
  const stats = useSiteStats(teamId, siteId, params);
  // Realtime waits for the figures: it is the least urgent of the first requests.
  const realtime = useRealtime(stats.data ? teamId : null, siteId);

  if (!teamId) return null;
  if (site.error && !site.data) return <ErrorState error={site.error} onRetry={() => site.mutate()} />;
  if (!site.data) return <SkeletonRows rows={4} height="h-24" />;
  const s = stats.data;
  const addFilter = (property: BreakdownProperty, value: string) => {
    // exit_page and event_prop tabs are not filterable, so they never call this.
    const parsed = FilterProperty.safeParse(property);
    if (!parsed.success) return;
    const p = parsed.data;
    setFilters((f) => [...f.filter((x) => x.property !== p), { property: p, value }]);
  };

  return (
    <>
      <PageHeader
        title={site.data.name}
        description={
          <span className="flex flex-wrap items-center gap-3">
            <span>{site.data.domain}</span>
            <span className="inline-flex items-center gap-1.5" data-testid="realtime">
              <span className="relative inline-flex size-2">
                <span className="absolute inline-flex size-full animate-ping rounded-full bg-up opacity-60" />
                <span className="relative inline-flex size-2 rounded-full bg-up" />
              </span>
              <span className="tabular-nums">{realtime.data ? realtime.data.visitors : '…'}</span> current visitor{realtime.data?.visitors === 1 ? '' : 's'}
            </span>
          </span>
        }
        actions={
          <Button
            variant="secondary"
            onClick={async () => {
              setExportError(null);
              try {
                await downloadCsv(teamId, siteId, params!, `${site.data!.domain}-${effective.from}-${effective.to}.csv`);
              } catch (err) {
                setExportError(messageOf(err));
              }
            }}
          >
            <Icon name="download" /> Export CSV
          </Button>
        }
      />
      <FormError message={exportError} />
      <div className="mb-4 flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
        <RangePicker value={effective} today={today} onChange={setRange} />
        <label className="flex items-center gap-2 text-xs text-fg-muted">
          <input type="checkbox" checked={compare} onChange={(e) => setCompare(e.target.checked)} /> Compare to previous period
        </label>
      </div>
      {filters.length ? (
        <div className="mb-4 flex flex-wrap items-center gap-2" aria-label="Active filters">
          {filters.map((f) => (
            <span key={f.property} className="inline-flex items-center gap-1 rounded-full bg-brand/10 py-1 pl-3 pr-1 text-xs text-brand">
              {FILTER_LABEL[f.property] ?? f.property} is <strong className="max-w-[14rem] truncate">{f.value || '(none)'}</strong>
              <button type="button" onClick={() => setFilters((all) => all.filter((x) => x !== f))} aria-label={`Remove filter ${f.property}`} className="rounded-full p-0.5 hover:bg-brand/20">
                <Icon name="close" className="size-3.5" />
              </button>
            </span>
          ))}
          <button type="button" onClick={() => setFilters([])} className="text-xs text-fg-muted hover:underline">
            Clear all
          </button>
        </div>
      ) : null}
      {stats.error && !s ? <ErrorState error={stats.error} onRetry={() => stats.mutate()} /> : null}
      <section className="rounded-lg border border-border bg-surface" aria-label={`Figures, ${rangeLabel(effective)}`}>
        <div className="grid grid-cols-2 divide-border border-b border-border sm:grid-cols-3 lg:grid-cols-5 lg:divide-x">
          {s ? (
            <>
              <Figure label="Unique visitors" testId="stat-visitors" value={formatCompact(s.visitors)} change={s.change.visitors} previous={formatCompact(s.previous.visitors)} compare={compare} />
              <Figure label="Visits" value={formatCompact(s.visits)} change={s.change.visits} previous={formatCompact(s.previous.visits)} compare={compare} />
              <Figure label="Pageviews" testId="stat-pageviews" value={formatCompact(s.pageviews)} change={s.change.pageviews} previous={formatCompact(s.previous.pageviews)} compare={compare} />
              <Figure label="Bounce rate" value={`${Math.round(s.bounce_rate)}%`} change={s.change.bounce_rate} previous={`${Math.round(s.previous.bounce_rate)}%`} compare={compare} invert />
              <Figure label="Visit duration" value={formatDuration(s.visit_duration)} change={s.change.visit_duration} previous={formatDuration(s.previous.visit_duration)} compare={compare} />
            </>
          ) : (
            Array.from({ length: 5 }, (_, i) => (
              <div key={i} className="px-4 py-3">
                <Skeleton className="h-3 w-20" />
                <Skeleton className="mt-2 h-7 w-16" />
                <Skeleton className="mt-1 h-3 w-24" />
              </div>
            ))
          )}
        </div>
        <div className="p-4">
          <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
            {compare ? (
              <p className="flex items-center gap-3 text-xs text-fg-muted" data-testid="chart-legend">
                <span className="flex items-center gap-1.5 whitespace-nowrap">
                  <span aria-hidden className="inline-block h-0.5 w-4 bg-brand" /> This period
                </span>
                <span className="flex items-center gap-1.5 whitespace-nowrap">
                  <span aria-hidden className="inline-block w-4 border-t-[1.5px] border-dashed border-fg-muted" /> Previous period
                </span>
              </p>
            ) : (
              <span />
            )}
            <Tabs
              label="Chart metric"
              value={metric}
              onChange={setMetric}
              options={[
                { value: 'visitors', label: 'Visitors' },
                { value: 'pageviews', label: 'Pageviews' },
              ]}
            />
          </div>
          {s ? (
            <VisitorsChart points={comparedPoints(s.timeseries, s.previous_timeseries, s.interval === 'day' && s.timeseries.length > 120)} metric={metric} hourly={s.interval === 'hour'} compare={compare} />
          ) : (
            <Skeleton className="h-[260px] w-full" />
          )}
        </div>
      </section>
      <div className="mt-6 grid gap-6 md:grid-cols-2">
        <BreakdownCard
          teamId={teamId}
          siteId={siteId}
          title="Sources"
          params={params}
          onFilter={addFilter}
          tabs={[
            { property: 'referrer', label: 'Referrer' },
            { property: 'utm_source', label: 'Source' },
            { property: 'utm_medium', label: 'Medium' },
            { property: 'utm_campaign', label: 'Campaign' },
          ]}
        />
        <BreakdownCard
          teamId={teamId}
          siteId={siteId}
          title="Pages"
          params={params}
          onFilter={addFilter}
          tabs={[
            { property: 'page', label: 'Top' },
            { property: 'entry_page', label: 'Entry' },
            { property: 'exit_page', label: 'Exit', filterable: false },
          ]}
        />
        <BreakdownCard teamId={teamId} siteId={siteId} title="Countries" params={params} onFilter={addFilter} tabs={[{ property: 'country', label: 'Country' }]} />
        <BreakdownCard
          teamId={teamId}
          siteId={siteId}
          title="Devices"
          params={params}
          onFilter={addFilter}
          tabs={[
            { property: 'browser', label: 'Browser' },
            { property: 'os', label: 'OS' },
            { property: 'device', label: 'Size' },
          ]}
        />
        <BreakdownCard
          teamId={teamId}
          siteId={siteId}
          title="Goals and events"
          params={params}
          onFilter={addFilter}
          tabs={[
            { property: 'event', label: 'Events' },
            { property: 'event_prop', label: 'Properties', filterable: false },
          ]}
        />
        <Card title="Tracking snippet">
          <p className="mb-2 text-sm text-fg-muted">
            Paste this line into the <code className="font-mono">&lt;head&gt;</code> of every page of {site.data.domain}. Custom events:{' '}
            <code className="font-mono text-xs">window.sentrypulse(&apos;signup&apos;, {'{'}plan: &apos;pro&apos;{'}'})</code>
          </p>
          <CodeLine text={site.data.snippet} />
        </Card>
      </div>
      {can('sites.write') ? (
        <div className="mt-6">
          <SiteSettings
            key={site.data.id}
            teamId={teamId}
            site={site.data}
            onSaved={(s) => void site.mutate(s, { revalidate: false })}
            onDeleted={() => router.replace(teamHref(teamId, '/sites'))}
          />
        </div>
      ) : null}
    </>
  );
}
