/**
 * Day boundaries in a site's time zone, computed with Intl (no tz tables needed in MySQL).
 * Stats and rollups use local days; raw rows are stored in UTC.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Minutes to add to UTC to get local wall time in `tz` at instant `utcMs`. */
export function tzOffsetMinutes(tz: string, utcMs: number): number {
  const parts = formatter(tz).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((wall - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

/** The local calendar date (`YYYY-MM-DD`) of an instant. */
export function localDate(utcMs: number, tz: string): string {
  return new Date(utcMs + tzOffsetMinutes(tz, utcMs) * 60_000).toISOString().slice(0, 10);
}

/** The UTC instant at which local date `date` (`YYYY-MM-DD`) begins in `tz`. */
export function localDayStartUtc(date: string, tz: string): number {
  const wall = Date.parse(`${date}T00:00:00Z`);
  let guess = wall - tzOffsetMinutes(tz, wall) * 60_000;
  // A second pass settles days where the offset differs between the guess and the answer (DST).
  guess = wall - tzOffsetMinutes(tz, guess) * 60_000;
  return guess;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Every date from `from` to `to`, inclusive. */
export function dateRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

export interface OffsetSegment {
  /** The segment applies to instants before this (the last one has Infinity). */
  untilUtc: number;
  offsetMinutes: number;
}

/**
 * The UTC offsets in force over [fromUtc, toUtc), as segments: usually one, two or three
 * (DST changes). Transitions are located to the minute by bisection.
 */
export function offsetSegments(tz: string, fromUtc: number, toUtc: number): OffsetSegment[] {
  const segments: OffsetSegment[] = [];
  let current = tzOffsetMinutes(tz, fromUtc);
  const step = 86_400_000; // offsets never change twice within a day
  let prevT = fromUtc;
  for (let t = fromUtc + step; ; t += step) {
    const at = Math.min(t, toUtc);
    const off = tzOffsetMinutes(tz, at);
    if (off !== current) {
      let lo = prevT;
      let hi = at;
      while (hi - lo > 60_000) {
        const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
        if (tzOffsetMinutes(tz, mid) === current) lo = mid;
        else hi = mid;
      }
      segments.push({ untilUtc: hi, offsetMinutes: current });
      current = off;
    }
    prevT = at;
    if (at >= toUtc) break;
  }
  segments.push({ untilUtc: Number.POSITIVE_INFINITY, offsetMinutes: current });
  return segments;
}
