import * as rrulePackage from 'rrule';

// rrule ships CommonJS for Node and ESM for bundlers: under plain Node (tsx) its named exports sit
// on the default export, under vitest/bundlers on the namespace. Take whichever is there.
const RRule: typeof rrulePackage.RRule = (rrulePackage as { RRule?: typeof rrulePackage.RRule }).RRule ?? (rrulePackage as unknown as { default: typeof rrulePackage }).default.RRule;
type RRule = rrulePackage.RRule;
import { z } from 'zod';

/**
 * Recurring maintenance (SPEC 10, ADR 0135): an RFC 5545 RRULE subset expanded by the `rrule`
 * library over the wall clock of the series' time zone, each occurrence then placed in UTC with
 * that zone's offset on that day (so "every Sunday 02:00 Europe/Berlin" is 01:00 UTC in winter and
 * 00:00 UTC in summer). A local time that does not exist (the spring-forward gap) moves forward by
 * the gap; one that exists twice (fall back) takes the first.
 *
 * Subset: FREQ=DAILY|WEEKLY|MONTHLY, INTERVAL, BYDAY (weekday codes; MONTHLY also with an ordinal
 * such as 1MO or -1FR), BYMONTHDAY, and COUNT or UNTIL (one is required: a series ends). At most
 * 1,000 occurrences in any year.
 */

export const MAX_OCCURRENCES_PER_YEAR = 1000;
const KEYS = new Set(['FREQ', 'INTERVAL', 'BYDAY', 'BYMONTHDAY', 'COUNT', 'UNTIL']);
const FREQ: Record<string, number> = { DAILY: RRule.DAILY, WEEKLY: RRule.WEEKLY, MONTHLY: RRule.MONTHLY };
const DAYS: Record<string, (typeof RRule)['MO']> = { MO: RRule.MO, TU: RRule.TU, WE: RRule.WE, TH: RRule.TH, FR: RRule.FR, SA: RRule.SA, SU: RRule.SU };

export class RecurrenceError extends Error {
  override name = 'RecurrenceError';
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(tz) || tz === 'UTC';
  } catch {
    return false;
  }
}

/** The zone's offset from UTC (minutes) at the instant `utcMs`. */
function offsetMinutes(tz: string, utcMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(utcMs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

/** A wall-clock time of `tz` (given as the fields of a UTC Date) as the real UTC instant. */
export function wallClockToUtc(tz: string, wall: Date): Date {
  const local = wall.getTime();
  // The offsets in force a day before and after cover any transition near this time.
  const before = offsetMinutes(tz, local - 86_400_000);
  const after = offsetMinutes(tz, local + 86_400_000);
  const candidates = [...new Set([before, after])].map((o) => local - o * 60_000).filter((utc) => utcToWallClock(tz, new Date(utc)).getTime() === local);
  // Twice (fall back): the first. Never (spring forward): shifted forward by the gap, i.e. read
  // with the offset from before the change.
  return new Date(candidates.length ? Math.min(...candidates) : local - before * 60_000);
}

export function utcToWallClock(tz: string, utc: Date): Date {
  return new Date(utc.getTime() + offsetMinutes(tz, utc.getTime()) * 60_000);
}

export interface Series {
  rrule: string;
  timezone: string;
  /** Local start of the first occurrence, `YYYY-MM-DDTHH:mm`. */
  starts_at_local: string;
  duration_minutes: number;
}

/** Parses the subset strictly; throws RecurrenceError with a message for the user. */
export function parseRule(rule: string, dtstartWall: Date): RRule {
  const text = rule.trim().replace(/^RRULE:/i, '');
  const fields = new Map<string, string>();
  for (const part of text.split(';')) {
    const [k, v, ...rest] = part.split('=');
    if (!k || v === undefined || rest.length) throw new RecurrenceError(`"${part}" is not KEY=VALUE`);
    const key = k.toUpperCase();
    if (!KEYS.has(key)) throw new RecurrenceError(`${key} is not supported (use FREQ, INTERVAL, BYDAY, BYMONTHDAY, COUNT, UNTIL)`);
    if (fields.has(key)) throw new RecurrenceError(`${key} is given twice`);
    fields.set(key, v.toUpperCase());
  }
  const freq = FREQ[fields.get('FREQ') ?? ''];
  if (freq === undefined) throw new RecurrenceError('FREQ must be DAILY, WEEKLY or MONTHLY');
  const interval = fields.has('INTERVAL') ? Number(fields.get('INTERVAL')) : 1;
  if (!Number.isInteger(interval) || interval < 1 || interval > 366) throw new RecurrenceError('INTERVAL must be a whole number from 1 to 366');
  if (fields.has('COUNT') === fields.has('UNTIL')) throw new RecurrenceError('give exactly one of COUNT or UNTIL: a recurring window must end');
  let count: number | null = null;
  let until: Date | null = null;
  if (fields.has('COUNT')) {
    count = Number(fields.get('COUNT'));
    if (!Number.isInteger(count) || count < 1 || count > 10_000) throw new RecurrenceError('COUNT must be a whole number from 1 to 10000');
  } else {
    const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?$/.exec(fields.get('UNTIL')!);
    if (!m) throw new RecurrenceError('UNTIL must look like 20270131 or 20270131T235959Z');
    until = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 23), +(m[5] ?? 59), +(m[6] ?? 59)));
    if (Number.isNaN(until.getTime()) || until <= dtstartWall) throw new RecurrenceError('UNTIL must be after the first occurrence');
    if (until.getTime() - dtstartWall.getTime() > 10 * 366 * 86_400_000) throw new RecurrenceError('UNTIL must be within ten years');
  }
  let byweekday: Array<ReturnType<(typeof RRule)['MO']['nth']>> | null = null;
  if (fields.has('BYDAY')) {
    byweekday = fields.get('BYDAY')!.split(',').map((d) => {
      const m = /^([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)$/.exec(d);
      if (!m) throw new RecurrenceError(`BYDAY ${d} is not a weekday code (MO..SU, monthly also 1MO, -1FR)`);
      if (m[1] && freq !== RRule.MONTHLY) throw new RecurrenceError('BYDAY with an ordinal (1MO) needs FREQ=MONTHLY');
      const n = m[1] ? Number(m[1]) : 0;
      if (n !== 0 && (n < -5 || n > 5)) throw new RecurrenceError('a BYDAY ordinal must be from -5 to 5');
      return n ? DAYS[m[2]!]!.nth(n) : DAYS[m[2]!]!;
    });
  }
  let bymonthday: number[] | null = null;
  if (fields.has('BYMONTHDAY')) {
    if (freq !== RRule.MONTHLY) throw new RecurrenceError('BYMONTHDAY needs FREQ=MONTHLY');
    bymonthday = fields.get('BYMONTHDAY')!.split(',').map((d) => {
      const n = Number(d);
      if (!Number.isInteger(n) || n === 0 || n < -31 || n > 31) throw new RecurrenceError(`BYMONTHDAY ${d} must be 1..31 or -31..-1`);
      return n;
    });
  }
  return new RRule({ freq, interval, dtstart: dtstartWall, count, until, byweekday, bymonthday });
}

export function parseLocal(text: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(text);
  if (!m) throw new RecurrenceError('starts_at_local must look like 2027-01-31T02:00');
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!));
  if (d.getUTCMonth() !== +m[2]! - 1 || d.getUTCDate() !== +m[3]! || +m[4]! > 23 || +m[5]! > 59) throw new RecurrenceError('starts_at_local is not a real date and time');
  return d;
}

export interface Occurrence {
  starts_at: Date;
  ends_at: Date;
}

/** Checks the series (subset, end, density) and returns its rule. */
export function validateSeries(s: Series): RRule {
  if (!isTimeZone(s.timezone)) throw new RecurrenceError(`${s.timezone} is not an IANA time zone`);
  if (!Number.isInteger(s.duration_minutes) || s.duration_minutes < 1 || s.duration_minutes > 7 * 24 * 60) throw new RecurrenceError('duration_minutes must be from 1 to 10080');
  const rule = parseRule(s.rrule, parseLocal(s.starts_at_local));
  // Density: no window of a year may hold more than the cap (checked over the first year, which
  // for these frequencies is the densest; DAILY with INTERVAL 1 is 366 at most).
  const first = rule.options.dtstart;
  const yearLater = new Date(first.getTime() + 366 * 86_400_000);
  let n = 0;
  rule.between(first, yearLater, true, () => ++n <= MAX_OCCURRENCES_PER_YEAR);
  if (n > MAX_OCCURRENCES_PER_YEAR) throw new RecurrenceError(`the rule yields more than ${MAX_OCCURRENCES_PER_YEAR} occurrences a year`);
  return rule;
}

/** Occurrences (UTC) whose start lies in [from, to), at most `limit`. */
export function occurrencesBetween(s: Series, from: Date, to: Date, limit = 1000): Occurrence[] {
  const rule = validateSeries(s);
  // Widen by a day on each side in wall-clock terms, then filter in UTC.
  const walls = rule.between(new Date(from.getTime() - 86_400_000 * 2), new Date(to.getTime() + 86_400_000 * 2), true);
  const out: Occurrence[] = [];
  for (const w of walls) {
    const start = wallClockToUtc(s.timezone, w);
    if (start < from || start >= to) continue;
    out.push({ starts_at: start, ends_at: new Date(start.getTime() + s.duration_minutes * 60_000) });
    if (out.length >= limit) break;
  }
  return out;
}

/** The next `n` occurrences starting at or after `from`. */
export function nextOccurrences(s: Series, from: Date, n = 5): Occurrence[] {
  const rule = validateSeries(s);
  const out: Occurrence[] = [];
  let cursor = new Date(utcToWallClock(s.timezone, from).getTime() - 86_400_000);
  for (let guard = 0; out.length < n && guard < 50; guard++) {
    const w = rule.after(cursor, false);
    if (!w) break;
    cursor = w;
    const start = wallClockToUtc(s.timezone, w);
    if (start >= from) out.push({ starts_at: start, ends_at: new Date(start.getTime() + s.duration_minutes * 60_000) });
  }
  return out;
}

export const MaintenanceSeriesBody = z.strictObject({
  title: z.string().trim().min(1, 'must not be empty').max(200),
  description: z.string().trim().max(5000).nullable().optional(),
  rrule: z.string().trim().min(6).max(500),
  timezone: z.string().trim().min(1).max(64),
  starts_at_local: z.string().trim().max(16),
  duration_minutes: z.number().int(),
  monitor_ids: z.array(z.number().int().positive()).min(1, 'must name at least one monitor').max(500),
});
export type MaintenanceSeriesBody = z.infer<typeof MaintenanceSeriesBody>;
export const RecurrencePreviewBody = MaintenanceSeriesBody.pick({ rrule: true, timezone: true, starts_at_local: true, duration_minutes: true });
export const OccurrenceOut = z.object({ starts_at: z.string(), ends_at: z.string() });
export const RecurrencePreview = z.object({ occurrences: z.array(OccurrenceOut) });
export const MaintenanceSeries = z.object({
  id: z.number().int(),
  title: z.string(),
  description: z.string().nullable(),
  rrule: z.string(),
  timezone: z.string(),
  starts_at_local: z.string(),
  duration_minutes: z.number().int(),
  monitor_ids: z.array(z.number().int()),
  next_occurrences: z.array(OccurrenceOut),
  created_at: z.string(),
});
export type MaintenanceSeries = z.infer<typeof MaintenanceSeries>;
