import {
  addDays,
  breakdownFromRaw,
  breakdownFromRollups,
  dailyTotalsFromRaw,
  dailyTotalsFromRollups,
  dateRange,
  daysBetween,
  DIRECT_REFERRER,
  goalMatch,
  type GoalDef,
  hourlyFromRaw,
  localDayStartUtc,
  realtimeFromRaw,
  type BreakdownRow,
  type DayTotals,
  type Db,
  type Dimension,
  type RawScope,
} from '@sentrypulse/db';
import type { BreakdownItem, BreakdownProperty, Filter, StatsFigures, StatsResponse } from '@sentrypulse/shared';

// The stats read model over packages/db's raw and rollup queries (which the worker's aggregator
// shares): which days come from rollups and which from raw events, merged into the contract's
// figures. The service passes the handle to read from (the replica).

export interface StatsSite {
  id: number;
  timezone: string;
  /** Last local date rolled up; later days are read from raw. */
  aggregated_through: string | null;
}

function rawScope(site: StatsSite, from: string, to: string, filters?: Filter[]): RawScope {
  return {
    siteId: site.id,
    timezone: site.timezone,
    fromUtc: localDayStartUtc(from, site.timezone),
    toUtc: localDayStartUtc(addDays(to, 1), site.timezone),
    filters: filters?.map((f) => ({ property: f.property, value: f.value })),
  };
}

/**
 * Splits [from, to] into the part served by rollups (up to aggregated_through) and the part
 * served by raw events. Filtered queries always read raw: rollups are per single dimension.
 */
function split(site: StatsSite, from: string, to: string, filtered: boolean) {
  const agg = filtered ? null : site.aggregated_through;
  const rollupTo = agg && agg >= from ? (agg < to ? agg : to) : null;
  const rawFrom = rollupTo ? addDays(rollupTo, 1) : from;
  return { rollup: rollupTo ? { from, to: rollupTo } : null, raw: rawFrom <= to ? { from: rawFrom, to } : null };
}

export async function dailyTotals(db: Db, site: StatsSite, from: string, to: string, filters?: Filter[]): Promise<DayTotals[]> {
  const parts = split(site, from, to, !!filters?.length);
  const [rolled, raw] = await Promise.all([
    parts.rollup ? dailyTotalsFromRollups(db, site.id, parts.rollup.from, parts.rollup.to) : [],
    parts.raw ? dailyTotalsFromRaw(db, rawScope(site, parts.raw.from, parts.raw.to, filters)) : [],
  ]);
  return [...rolled, ...raw];
}

function figures(days: DayTotals[]): StatsFigures {
  const sum = (k: keyof Omit<DayTotals, 'day'>) => days.reduce((n, d) => n + d[k], 0);
  const visits = sum('visits');
  return {
    pageviews: sum('pageviews'),
    // Salts rotate daily, so a multi-day range counts a returning visitor once per day.
    visitors: sum('visitors'),
    visits,
    bounce_rate: visits ? Math.round((sum('bounces') / visits) * 1000) / 10 : 0,
    visit_duration: visits ? Math.round(sum('duration_ms') / visits / 1000) : 0,
    events: sum('events'),
  };
}

function pctChange(cur: number, prev: number): number | null {
  if (prev === 0) return null;
  return Math.round(((cur - prev) / prev) * 1000) / 10;
}

export async function stats(db: Db, site: StatsSite, from: string, to: string, filters?: Filter[]): Promise<StatsResponse> {
  const span = daysBetween(from, to) + 1;
  const prevFrom = addDays(from, -span);
  const prevTo = addDays(from, -1);
  const hourly = span <= 2;
  const [cur, prev, hours, prevHours] = await Promise.all([
    dailyTotals(db, site, from, to, filters),
    dailyTotals(db, site, prevFrom, prevTo, filters),
    hourly ? hourlyFromRaw(db, rawScope(site, from, to, filters)) : null,
    hourly ? hourlyFromRaw(db, rawScope(site, prevFrom, prevTo, filters)) : null,
  ]);
  const now = figures(cur);
  const before = figures(prev);

  // Both periods span the same number of days, so their series have the same length.
  const series = (start: string, end: string, days: DayTotals[], hrs: typeof hours): StatsResponse['timeseries'] => {
    if (hrs) {
      const byHour = new Map(hrs.map((h) => [h.hour, h]));
      return dateRange(start, end).flatMap((d) =>
        Array.from({ length: 24 }, (_, h) => {
          const key = `${d} ${String(h).padStart(2, '0')}:00`;
          const hit = byHour.get(key);
          return { date: key, pageviews: hit?.pageviews ?? 0, visitors: hit?.visitors ?? 0 };
        }),
      );
    }
    const byDay = new Map(days.map((d) => [d.day, d]));
    return dateRange(start, end).map((d) => ({ date: d, pageviews: byDay.get(d)?.pageviews ?? 0, visitors: byDay.get(d)?.visitors ?? 0 }));
  };
  const timeseries = series(from, to, cur, hours);
  const previous_timeseries = series(prevFrom, prevTo, prev, prevHours);

  return {
    ...now,
    change: {
      pageviews: pctChange(now.pageviews, before.pageviews),
      visitors: pctChange(now.visitors, before.visitors),
      visits: pctChange(now.visits, before.visits),
      // Bounce rate is already a percentage: its change is in points.
      bounce_rate: before.visits ? Math.round((now.bounce_rate - before.bounce_rate) * 10) / 10 : null,
      visit_duration: pctChange(now.visit_duration, before.visit_duration),
      events: pctChange(now.events, before.events),
    },
    previous: before,
    interval: hourly ? 'hour' : 'day',
    timezone: site.timezone,
    timeseries,
    previous_timeseries,
  };
}

function addRow(into: Map<string, BreakdownRow>, r: BreakdownRow) {
  const cur = into.get(r.value);
  if (!cur) into.set(r.value, { ...r });
  else {
    cur.visitors += r.visitors;
    cur.visits += r.visits;
    cur.pageviews += r.pageviews;
    cur.events += r.events;
  }
}

function rank(a: BreakdownRow, b: BreakdownRow) {
  return b.visitors - a.visitors || b.pageviews - a.pageviews || b.events - a.events || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
}

/** Top `limit` values of a property over [from, to]; each day's visitors summed. */
export async function breakdown(
  db: Db,
  site: StatsSite,
  property: BreakdownProperty,
  from: string,
  to: string,
  limit: number,
  filters?: Filter[],
  goal?: GoalDef,
): Promise<BreakdownItem[]> {
  const dimension: Dimension = property;
  const parts = split(site, from, to, !!filters?.length || !!goal);
  const scoped = (a: string, b: string): RawScope => ({ ...rawScope(site, a, b, filters), goal: goal ? goalMatch(goal) : undefined });
  const merged = new Map<string, BreakdownRow>();
  // Raw days and rolled-up days are independent queries: run them side by side.
  const [raw, top] = await Promise.all([
    parts.raw ? breakdownFromRaw(db, scoped(parts.raw.from, parts.raw.to), dimension) : [],
    parts.rollup ? breakdownFromRollups(db, site.id, dimension, parts.rollup.from, parts.rollup.to, limit) : [],
  ]);
  for (const r of raw) addRow(merged, r);
  if (parts.rollup) {
    const rawOnly = new Map(merged);
    for (const r of top) addRow(merged, r);
    // Exact top N: a value outside the rollup's top N has at most the smallest rollup visitors
    // seen (m). Only raw values that could still reach the N-th merged score need their rollup
    // figures fetched — usually none, because today's counts are small next to past days'.
    if (top.length === limit) {
      const m = top[top.length - 1]!.visitors;
      const ranked = [...merged.values()].sort(rank);
      const threshold = ranked.length >= limit ? ranked[limit - 1]!.visitors : 0;
      const inTop = new Set(top.map((r) => r.value));
      const candidates = [...rawOnly.values()].filter((r) => !inTop.has(r.value) && r.visitors + m >= threshold).map((r) => r.value);
      if (candidates.length) {
        for (const r of await breakdownFromRollups(db, site.id, dimension, parts.rollup.from, parts.rollup.to, candidates.length, candidates, true)) {
          addRow(merged, r);
        }
      }
    }
  }
  return [...merged.values()]
    .sort(rank)
    .slice(0, limit)
    .map((r) => ({ ...r, value: property === 'referrer' && r.value === '' ? DIRECT_REFERRER : r.value }));
}

export async function realtime(db: Db, site: StatsSite, nowMs: number) {
  return realtimeFromRaw(db, site.id, nowMs - 5 * 60_000);
}

/** RFC 4180 cell; cells a spreadsheet would run as a formula get a leading apostrophe. */
export function csvCell(value: string | number): string {
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: string[], rows: (string | number)[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
