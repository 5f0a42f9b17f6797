'use client';
import type { BreakdownProperty } from '@sentrypulse/shared';
import { useEffect, useRef, useState } from 'react';
import { useBreakdown, type StatsParams } from '../../lib/api/sites';
import { formatCompact } from '../../lib/format';
import { useVisible } from '../../lib/use-visible';
import { Tabs } from '../ui/stat';
import { ErrorState, Skeleton } from '../ui/states';

export interface BreakdownTab {
  property: BreakdownProperty;
  label: string;
  /** Properties that cannot be filtered on (exit_page, event_prop) render as plain rows. */
  filterable?: boolean;
}

/** What a breakdown counts: events for event names and properties, visitors for the rest. */
export const BREAKDOWN_METRIC = {
  page: 'visitors',
  entry_page: 'visitors',
  exit_page: 'visitors',
  referrer: 'visitors',
  utm_source: 'visitors',
  utm_medium: 'visitors',
  utm_campaign: 'visitors',
  browser: 'visitors',
  os: 'visitors',
  device: 'visitors',
  country: 'visitors',
  event: 'events',
  event_prop: 'events',
} as const satisfies Record<BreakdownProperty, 'visitors' | 'events'>;

const COUNTRY = typeof Intl !== 'undefined' && 'DisplayNames' in Intl ? new Intl.DisplayNames(['en'], { type: 'region' }) : null;
function display(property: BreakdownProperty, value: string) {
  if (!value) return '(none)';
  if (property === 'country' && COUNTRY && /^[A-Z]{2}$/.test(value)) {
    try {
      return COUNTRY.of(value) ?? value;
    } catch {
      return value;
    }
  }
  return value;
}

function Rows({
  items,
  property,
  metric,
  onPick,
}: {
  items: { value: string; visitors: number; pageviews: number; events: number }[];
  property: BreakdownProperty;
  metric: 'visitors' | 'events';
  onPick?: (value: string) => void;
}) {
  const max = Math.max(1, ...items.map((i) => i[metric]));
  return (
    <ul className="space-y-1">
      {items.map((i) => {
        const content = (
          <>
            <span className="absolute inset-y-0 left-0 rounded bg-brand/10" style={{ width: `${(i[metric] / max) * 100}%` }} aria-hidden />
            <span className="relative min-w-0 flex-1 truncate">{display(property, i.value)}</span>
            <span className="relative tabular-nums text-fg-muted">{formatCompact(i[metric])}</span>
          </>
        );
        return (
          <li key={i.value}>
            {onPick ? (
              <button
                type="button"
                onClick={() => onPick(i.value)}
                className="relative flex w-full items-center gap-3 rounded px-2 py-1.5 text-left text-sm hover:bg-muted"
                title={`Filter by ${i.value}`}
              >
                {content}
              </button>
            ) : (
              <div className="relative flex items-center gap-3 rounded px-2 py-1.5 text-sm">{content}</div>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** The "show more" list: up to 100 rows with a search box, in a native modal dialog. */
function MoreDialog({
  teamId,
  siteId,
  tab,
  params,
  onPick,
  onClose,
}: {
  teamId: number;
  siteId: number;
  tab: BreakdownTab;
  params: StatsParams;
  onPick?: (v: string) => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [q, setQ] = useState('');
  const { data, error } = useBreakdown(teamId, siteId, tab.property, params, 100);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  const metric = BREAKDOWN_METRIC[tab.property];
  const items = (data?.items ?? []).filter((i) => i.value.toLowerCase().includes(q.toLowerCase()));
  return (
    <dialog
      ref={ref}
      onClose={onClose}
      className="m-auto w-[min(40rem,calc(100vw-2rem))] rounded-lg border border-border bg-surface p-0 text-fg shadow-xl backdrop:bg-black/40"
      aria-label={`All ${tab.label}`}
    >
      <div className="flex items-center justify-between gap-3 border-b border-border px-4 py-3">
        <h2 className="text-sm font-semibold">{tab.label}</h2>
        <button type="button" onClick={() => ref.current?.close()} className="rounded px-2 py-1 text-sm text-fg-muted hover:bg-muted">
          Close
        </button>
      </div>
      <div className="p-4">
        <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Search" aria-label={`Search ${tab.label}`} className="mb-3 w-full rounded-md border border-border bg-surface px-3 py-2 text-sm" autoFocus />
        <div className="max-h-[60vh] overflow-auto">
          {error ? <ErrorState error={error} /> : null}
          {!data && !error ? <Skeleton className="h-64 w-full" /> : null}
          {data ? (
            <Rows
              items={items}
              property={tab.property}
              metric={metric}
              onPick={
                onPick
                  ? (v) => {
                      onPick(v);
                      ref.current?.close();
                    }
                  : undefined
              }
            />
          ) : null}
        </div>
      </div>
    </dialog>
  );
}

/** One top-N card; rows filter the dashboard when clicked; "Show more" lists up to 100. */
export function BreakdownCard({
  teamId,
  siteId,
  title,
  tabs,
  params,
  onFilter,
}: {
  teamId: number;
  siteId: number;
  title: string;
  tabs: BreakdownTab[];
  params: StatsParams | null;
  onFilter: (property: BreakdownProperty, value: string) => void;
}) {
  const [active, setActive] = useState(tabs[0]!.property);
  const [more, setMore] = useState(false);
  const tab = tabs.find((t) => t.property === active)!;
  // Cards below the fold load when scrolled near: the first paint's requests go to what is seen.
  const [ref, visible] = useVisible<HTMLElement>('300px');
  const { data, error, mutate } = useBreakdown(teamId, siteId, tab.property, visible ? params : null, 8);
  const metric = BREAKDOWN_METRIC[tab.property];
  const pick = tab.filterable === false ? undefined : (v: string) => onFilter(tab.property, v);
  return (
    <section ref={ref} className="flex min-w-0 flex-col rounded-lg border border-border bg-surface" data-testid={`breakdown-${tabs[0]!.property}`}>
      <header className="flex flex-wrap items-center justify-between gap-2 border-b border-border px-4 py-3">
        <h2 className="text-sm font-semibold">{title}</h2>
        {tabs.length > 1 ? <Tabs label={`${title} by`} value={active} onChange={setActive} options={tabs.map((t) => ({ value: t.property, label: t.label }))} /> : null}
      </header>
      <div className="flex flex-1 flex-col p-3 md:min-h-[19rem]">
        <div className="mb-1 flex justify-between px-2 text-xs text-fg-muted">
          <span>{tab.label}</span>
          <span>{metric === 'events' ? 'Events' : 'Visitors'}</span>
        </div>
        {error && !data ? <ErrorState error={error} onRetry={() => mutate()} /> : null}
        {!data && !error ? <Skeleton className="h-60 w-full" /> : null}
        {data && data.items.length === 0 ? <p className="grid flex-1 place-items-center text-sm text-fg-muted">No data for this period</p> : null}
        {data && data.items.length > 0 ? <Rows items={data.items} property={tab.property} metric={metric} onPick={pick} /> : null}
        {data && data.items.length >= 8 ? (
          <button type="button" onClick={() => setMore(true)} className="mt-auto self-center rounded px-3 py-1.5 text-xs font-medium text-brand hover:bg-muted">
            Show more
          </button>
        ) : null}
      </div>
      {more && params ? <MoreDialog teamId={teamId} siteId={siteId} tab={tab} params={params} onPick={pick} onClose={() => setMore(false)} /> : null}
    </section>
  );
}
