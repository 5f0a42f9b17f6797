/**
 * Time-based uptime (SPEC 4.2, issue 3). Pure functions over half-open intervals [start, end) in
 * epoch milliseconds.
 *
 * - Downtime is a confirmed outage: from the first failing check of the outage to the first
 *   successful check after it (the engine records these as monitor_outages rows).
 * - Maintenance time is removed from both the window and the downtime.
 * - Time before the monitor existed is not counted (a monitor created an hour ago has a 24 h
 *   figure over that hour).
 * - Percentages are truncated to 4 decimals, never rounded up: any downtime shows below 100.
 */

export interface Interval {
  start: number;
  end: number;
}

/** Sorted, non-overlapping, non-empty intervals covering the same time as the input. */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ start: i.start, end: i.end });
  }
  return out;
}

export function clipIntervals(intervals: readonly Interval[], window: Interval): Interval[] {
  const out: Interval[] = [];
  for (const i of intervals) {
    const start = Math.max(i.start, window.start);
    const end = Math.min(i.end, window.end);
    if (end > start) out.push({ start, end });
  }
  return out;
}

/** `a` minus the time covered by `b`. */
export function subtractIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const cut = mergeIntervals(b);
  const out: Interval[] = [];
  for (const i of mergeIntervals(a)) {
    let cursor = i.start;
    for (const c of cut) {
      if (c.end <= cursor || c.start >= i.end) continue;
      if (c.start > cursor) out.push({ start: cursor, end: c.start });
      cursor = Math.max(cursor, c.end);
      if (cursor >= i.end) break;
    }
    if (cursor < i.end) out.push({ start: cursor, end: i.end });
  }
  return out;
}

export function totalLength(intervals: readonly Interval[]): number {
  return mergeIntervals(intervals).reduce((sum, i) => sum + (i.end - i.start), 0);
}

/** Percentage with 4 decimals, truncated toward zero; exact integer arithmetic. */
export function truncatedPercent(good: number, total: number): number {
  if (total <= 0) throw new RangeError('total must be positive');
  if (good >= total) return 100;
  if (good <= 0) return 0;
  const scaled = (BigInt(Math.floor(good)) * 1_000_000n) / BigInt(Math.ceil(total));
  return Number(scaled) / 10_000;
}

export interface UptimeInput {
  window: Interval;
  /** When the monitor was created; time before it is not counted. */
  monitoredFrom?: number;
  /** Confirmed outages (end = Infinity or the window end while still down). */
  outages: readonly Interval[];
  maintenance?: readonly Interval[];
}

export interface UptimeFigures {
  /** null when no monitored time is left in the window (all maintenance, or not created yet). */
  uptime: number | null;
  monitoredMs: number;
  downtimeMs: number;
  maintenanceMs: number;
}

export function uptimeFigures(input: UptimeInput): UptimeFigures {
  const window = { start: Math.max(input.window.start, input.monitoredFrom ?? input.window.start), end: input.window.end };
  if (window.end <= window.start) return { uptime: null, monitoredMs: 0, downtimeMs: 0, maintenanceMs: 0 };
  const maintenance = mergeIntervals(clipIntervals(input.maintenance ?? [], window));
  const maintenanceMs = totalLength(maintenance);
  const monitoredMs = window.end - window.start - maintenanceMs;
  const downtimeMs = totalLength(subtractIntervals(clipIntervals(input.outages, window), maintenance));
  if (monitoredMs <= 0) return { uptime: null, monitoredMs: 0, downtimeMs: 0, maintenanceMs };
  return { uptime: truncatedPercent(monitoredMs - downtimeMs, monitoredMs), monitoredMs, downtimeMs, maintenanceMs };
}

export function uptimePercent(input: UptimeInput): number | null {
  return uptimeFigures(input).uptime;
}

const DAY_MS = 86_400_000;

/** UTC calendar day [start, end) of a 'YYYY-MM-DD' date. */
export function utcDay(date: string): Interval {
  const start = Date.parse(`${date}T00:00:00.000Z`);
  return { start, end: start + DAY_MS };
}

export function utcDateOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The last `days` UTC dates ending with the day of `now`, oldest first. */
export function lastUtcDates(now: number, days: number): string[] {
  const today = utcDay(utcDateOf(now)).start;
  return Array.from({ length: days }, (_, i) => utcDateOf(today - (days - 1 - i) * DAY_MS));
}

export const UPTIME_WINDOWS = { '24h': DAY_MS, '7d': 7 * DAY_MS, '30d': 30 * DAY_MS, '90d': 90 * DAY_MS } as const;
export type UptimeWindow = keyof typeof UPTIME_WINDOWS;
