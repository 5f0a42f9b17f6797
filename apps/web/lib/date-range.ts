/** Date ranges of the analytics dashboard, as local dates (YYYY-MM-DD) of the site's time zone. */

export type RangeKey = 'today' | '7d' | '30d' | '12mo' | 'custom';

export interface DateRange {
  key: RangeKey;
  from: string;
  to: string;
}

/** Today's date in a time zone ("en-CA" formats as YYYY-MM-DD). */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The preset ranges end today (inclusive): 7 d is today and the 6 days before. */
export function presetRange(key: Exclude<RangeKey, 'custom'>, today: string): DateRange {
  switch (key) {
    case 'today':
      return { key, from: today, to: today };
    case '7d':
      return { key, from: addDays(today, -6), to: today };
    case '30d':
      return { key, from: addDays(today, -29), to: today };
    case '12mo': {
      const d = new Date(`${today}T00:00:00Z`);
      d.setUTCFullYear(d.getUTCFullYear() - 1);
      return { key, from: addDays(d.toISOString().slice(0, 10), 1), to: today };
    }
  }
}

/** The period a comparison is made against: the same number of days just before. */
export function previousRange(r: { from: string; to: string }): { from: string; to: string } {
  const days = Math.round((Date.parse(r.to) - Date.parse(r.from)) / 86_400_000) + 1;
  return { from: addDays(r.from, -days), to: addDays(r.from, -1) };
}

export function rangeLabel(r: DateRange): string {
  const labels: Record<RangeKey, string> = { today: 'Today', '7d': 'Last 7 days', '30d': 'Last 30 days', '12mo': 'Last 12 months', custom: `${r.from} – ${r.to}` };
  return labels[r.key];
}

/** Analytics filters as the API's `filter` parameter: `page:/pricing;country:DE`. */
export function filterParam(filters: { property: string; value: string }[]): string | undefined {
  if (!filters.length) return undefined;
  return filters.map((f) => `${f.property}:${f.value}`).join(';');
}

/**
 * Long daily series (a year) are drawn per week: 53 points read better than 366 and render far
 * cheaper. Weeks start on Monday; the label is the first day of the week present in the data.
 * (Visitors summed per week over-count people who came back on several days, as they do in the
 * daily sum the API returns for any multi-day range.)
 */
export function weekly<T extends { date: string; pageviews: number; visitors: number }>(points: T[]): { date: string; pageviews: number; visitors: number }[] {
  const out = new Map<string, { date: string; pageviews: number; visitors: number }>();
  for (const p of points) {
    const d = new Date(`${p.date.slice(0, 10)}T00:00:00Z`);
    const monday = addDays(p.date.slice(0, 10), -((d.getUTCDay() + 6) % 7));
    const w = out.get(monday) ?? { date: p.date.slice(0, 10), pageviews: 0, visitors: 0 };
    w.pageviews += p.pageviews;
    w.visitors += p.visitors;
    out.set(monday, w);
  }
  return [...out.values()];
}

type SeriesPoint = { date: string; pageviews: number; visitors: number };

/** A chart point with the previous period's value at the same offset (null without comparison). */
export interface ComparedPoint extends SeriesPoint {
  previous_date: string | null;
  previous_pageviews: number | null;
  previous_visitors: number | null;
}

/**
 * The chart's points: the current series (per day, or per week like weekly() when `byWeek`)
 * with the previous period's series alongside. The API aligns the two point for point, so a
 * week of the current period is compared with the sum of the previous series over the same
 * offsets (not the previous period's own calendar weeks, which may split differently).
 */
export function comparedPoints(points: SeriesPoint[], previous: SeriesPoint[] | null, byWeek: boolean): ComparedPoint[] {
  const groups: number[][] = [];
  let week: string | null = null;
  points.forEach((p, i) => {
    const day = p.date.slice(0, 10);
    const monday = byWeek ? addDays(day, -((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7)) : null;
    if (!byWeek || monday !== week || !groups.length) groups.push([]);
    week = monday;
    groups[groups.length - 1]!.push(i);
  });
  return groups.map((g) => {
    const sum = (s: SeriesPoint[], k: 'pageviews' | 'visitors') => g.reduce((n, i) => n + s[i]![k], 0);
    const prev = previous && g.every((i) => previous[i] !== undefined) ? previous : null;
    return {
      date: points[g[0]!]!.date,
      pageviews: sum(points, 'pageviews'),
      visitors: sum(points, 'visitors'),
      previous_date: prev ? prev[g[0]!]!.date : null,
      previous_pageviews: prev ? sum(prev, 'pageviews') : null,
      previous_visitors: prev ? sum(prev, 'visitors') : null,
    };
  });
}
