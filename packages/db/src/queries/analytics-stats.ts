import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Db } from '../connection';
import { DIMENSION_COLUMNS, DIRECT_REFERRER, MONTH_PREFIX, valueHash, type ColumnDimension, type Dimension } from './analytics';
import { addDays, offsetSegments } from './analytics-time';

/**
 * [from, to] (rolled-up dates) as the whole months inside it (read from the `m:` month rows)
 * and the remaining day ranges at either end (read from the daily rows).
 */
export function monthSplit(from: string, to: string): { months: string[]; days: [string, string][] } {
  const months: string[] = [];
  let cursor = from;
  const days: [string, string][] = [];
  // Leading partial month.
  if (!from.endsWith('-01')) {
    const nextMonth = addDays(`${from.slice(0, 7)}-28`, 4).slice(0, 7) + '-01';
    const end = addDays(nextMonth, -1) < to ? addDays(nextMonth, -1) : to;
    days.push([from, end]);
    cursor = addDays(end, 1);
  }
  while (cursor <= to) {
    const nextMonth = addDays(`${cursor.slice(0, 7)}-28`, 4).slice(0, 7) + '-01';
    const monthEnd = addDays(nextMonth, -1);
    if (monthEnd <= to) months.push(cursor);
    else days.push([cursor, to]);
    cursor = nextMonth;
  }
  return { months, days };
}

/**
 * Figures computed from pageviews_raw, grouped by the site's local day. The same functions feed
 * the daily aggregation (which stores their output as rollups) and the stats API for days not
 * rolled up yet, so "today from raw" and "past days from rollups" agree by construction.
 */

export interface RawScope {
  siteId: number;
  timezone: string;
  fromUtc: number;
  toUtc: number;
  filters?: { property: ColumnDimension; value: string }[];
  /** Only the events converting a goal (goalMatch from analytics-goals): "top sources by conversions". */
  goal?: RawBuilder<SqlBool>;
}

export interface DayTotals {
  day: string;
  pageviews: number;
  events: number;
  visitors: number;
  visits: number;
  bounces: number;
  duration_ms: number;
}

export interface BreakdownRow {
  value: string;
  visitors: number;
  visits: number;
  pageviews: number;
  events: number;
}

export interface DayBreakdownRow extends BreakdownRow {
  day: string;
}

/** `ts` shifted to local wall time, with a CASE over the DST segments of the range. */
function localTs(tz: string, fromUtc: number, toUtc: number): RawBuilder<Date> {
  const segments = offsetSegments(tz, fromUtc, toUtc);
  if (segments.length === 1) return sql<Date>`DATE_ADD(ts, INTERVAL ${sql.lit(segments[0]!.offsetMinutes)} MINUTE)`;
  const whens = segments
    .slice(0, -1)
    .map((s) => sql`WHEN ts < ${new Date(s.untilUtc)} THEN ${sql.lit(s.offsetMinutes)}`);
  const last = segments[segments.length - 1]!.offsetMinutes;
  return sql<Date>`DATE_ADD(ts, INTERVAL (CASE ${sql.join(whens, sql` `)} ELSE ${sql.lit(last)} END) MINUTE)`;
}

function dayExpr(s: RawScope) {
  return sql<string>`DATE_FORMAT(${localTs(s.timezone, s.fromUtc, s.toUtc)}, '%Y-%m-%d')`;
}

function hourExpr(s: RawScope) {
  return sql<string>`DATE_FORMAT(${localTs(s.timezone, s.fromUtc, s.toUtc)}, '%Y-%m-%d %H:00')`;
}

function filterValue(property: ColumnDimension, value: string): string {
  return property === 'referrer' && value === DIRECT_REFERRER ? '' : value;
}

/** The filters as one boolean SQL expression over a raw row (TRUE when there are none). */
function matchExpr(s: RawScope): RawBuilder<SqlBool> {
  const f = s.filters ?? [];
  const parts = f.map((x) => sql`${sql.ref(DIMENSION_COLUMNS[x.property])} = ${filterValue(x.property, x.value)}`);
  if (s.goal) parts.push(s.goal);
  if (parts.length === 0) return sql<SqlBool>`TRUE`;
  return sql<SqlBool>`(${sql.join(parts, sql` AND `)})`;
}

function scopeWhere(s: RawScope) {
  return sql`site_id = ${s.siteId} AND ts >= ${new Date(s.fromUtc)} AND ts < ${new Date(s.toUtc)}`;
}

const num = (v: unknown) => Number(v ?? 0);

/**
 * Per local day: pageviews, custom events, unique visitors, visits, bounces (one pageview and no
 * custom event) and summed visit duration. A visit's part inside each day counts for that day.
 * With filters, counts cover the matching events, and bounce/duration the visits containing one.
 */
export async function dailyTotalsFromRaw(db: Db, s: RawScope): Promise<DayTotals[]> {
  const m = matchExpr(s);
  const { rows } = await sql<Record<string, unknown>>`
    SELECT d AS day, SUM(pvm) AS pageviews, SUM(evm) AS events, COUNT(DISTINCT visitor_id) AS visitors,
           COUNT(*) AS visits, SUM(pv = 1 AND ev = 0) AS bounces, SUM(dur) AS duration_ms
    FROM (
      SELECT ${dayExpr(s)} AS d, visit_id, MIN(visitor_id) AS visitor_id,
             SUM(name = 'pageview') AS pv, SUM(name <> 'pageview') AS ev,
             SUM(${m} AND name = 'pageview') AS pvm, SUM(${m} AND name <> 'pageview') AS evm,
             SUM(${m}) AS hits,
             TIMESTAMPDIFF(MICROSECOND, MIN(ts), MAX(ts)) DIV 1000 AS dur
      FROM pageviews_raw
      WHERE ${scopeWhere(s)}
      GROUP BY d, visit_id
      HAVING hits > 0
    ) v
    GROUP BY d
    ORDER BY d
  `.execute(db);
  return rows.map((r) => ({
    day: String(r.day),
    pageviews: num(r.pageviews),
    events: num(r.events),
    visitors: num(r.visitors),
    visits: num(r.visits),
    bounces: num(r.bounces),
    duration_ms: num(r.duration_ms),
  }));
}

/** Pageviews and unique visitors per local hour (for ranges up to two days). */
export async function hourlyFromRaw(db: Db, s: RawScope): Promise<{ hour: string; pageviews: number; visitors: number }[]> {
  const { rows } = await sql<Record<string, unknown>>`
    SELECT ${hourExpr(s)} AS h, SUM(name = 'pageview') AS pageviews, COUNT(DISTINCT visitor_id) AS visitors
    FROM pageviews_raw
    WHERE ${scopeWhere(s)} AND ${matchExpr(s)}
    GROUP BY h ORDER BY h
  `.execute(db);
  return rows.map((r) => ({ hour: String(r.h), pageviews: num(r.pageviews), visitors: num(r.visitors) }));
}

/**
 * One breakdown per local day. Rows with an empty value are kept for `referrer` (direct
 * traffic) and dropped elsewhere (unknown country, no UTM...).
 */
export async function breakdownFromRaw(db: Db, s: RawScope, dimension: Dimension): Promise<DayBreakdownRow[]> {
  const d = dayExpr(s);
  const m = matchExpr(s);
  let query: RawBuilder<Record<string, unknown>>;
  if (dimension === 'exit_page') {
    query = sql`
      SELECT d AS day, pathname AS value, COUNT(DISTINCT visitor_id) AS visitors, COUNT(*) AS visits,
             COUNT(*) AS pageviews, 0 AS events
      FROM (
        SELECT ${d} AS d, visitor_id, pathname,
               ROW_NUMBER() OVER (PARTITION BY ${d}, visit_id ORDER BY ts DESC, event_id DESC) AS rn
        FROM pageviews_raw
        WHERE ${scopeWhere(s)} AND name = 'pageview' AND ${m}
      ) x
      WHERE rn = 1
      GROUP BY d, value`;
  } else if (dimension === 'event_prop') {
    query = sql`
      SELECT ${d} AS day, CONCAT(jt.k, '=', jt.v) AS value, COUNT(DISTINCT visitor_id) AS visitors,
             COUNT(DISTINCT visit_id) AS visits, 0 AS pageviews, COUNT(*) AS events
      FROM pageviews_raw,
           JSON_TABLE(props, '$[*]' COLUMNS (k VARCHAR(100) PATH '$[0]', v VARCHAR(500) PATH '$[1]')) AS jt
      WHERE ${scopeWhere(s)} AND name <> 'pageview' AND props IS NOT NULL AND ${m}
      GROUP BY day, value`;
  } else {
    const col = sql.ref(DIMENSION_COLUMNS[dimension]);
    const only =
      dimension === 'page' || dimension === 'entry_page'
        ? sql`AND name = 'pageview'`
        : dimension === 'event'
          ? sql`AND name <> 'pageview'`
          : sql``;
    const nonEmpty = dimension === 'referrer' ? sql`` : sql`AND ${col} <> ''`;
    query = sql`
      SELECT ${d} AS day, ${col} AS value, COUNT(DISTINCT visitor_id) AS visitors, COUNT(DISTINCT visit_id) AS visits,
             SUM(name = 'pageview') AS pageviews, SUM(name <> 'pageview') AS events
      FROM pageviews_raw
      WHERE ${scopeWhere(s)} ${only} ${nonEmpty} AND ${m}
      GROUP BY day, value`;
  }
  const { rows } = await query.execute(db);
  return rows.map((r) => ({
    day: String(r.day),
    value: String(r.value ?? ''),
    visitors: num(r.visitors),
    visits: num(r.visits),
    pageviews: num(r.pageviews),
    events: num(r.events),
  }));
}

/** Visitors and pageviews since `sinceUtc` (realtime: the last five minutes). */
export async function realtimeFromRaw(db: Db, siteId: number, sinceUtc: number) {
  const { rows } = await sql<{ visitors: unknown; pageviews: unknown }>`
    SELECT COUNT(DISTINCT visitor_id) AS visitors, COALESCE(SUM(name = 'pageview'), 0) AS pageviews
    FROM pageviews_raw WHERE site_id = ${siteId} AND ts >= ${new Date(sinceUtc)}
  `.execute(db);
  return { visitors: num(rows[0]?.visitors), pageviews: num(rows[0]?.pageviews) };
}

// ---- rollups -------------------------------------------------------------------------------

export async function dailyTotalsFromRollups(db: Db, siteId: number, from: string, to: string): Promise<DayTotals[]> {
  const rows = await db
    .selectFrom('pageviews_daily')
    .select([
      sql<string>`DATE_FORMAT(date, '%Y-%m-%d')`.as('day'),
      'pageviews',
      'events',
      'visitors',
      'visits',
      'bounces',
      'duration_ms',
    ])
    .where('site_id', '=', siteId)
    .where('date', '>=', sql<Date>`${from}`)
    .where('date', '<=', sql<Date>`${to}`)
    .orderBy('date')
    .execute();
  return rows.map((r) => ({
    day: r.day,
    pageviews: num(r.pageviews),
    events: num(r.events),
    visitors: num(r.visitors),
    visits: num(r.visits),
    bounces: num(r.bounces),
    duration_ms: num(r.duration_ms),
  }));
}

/**
 * Top values of a dimension over a date range from the rollups, summed across days (visitors
 * are the sum of daily visitors). With `onlyValues`, the figures of exactly those values.
 * Grouping is by the 16-byte hash only (a small in-memory temporary table); the value text is
 * fetched afterwards by primary key for the rows returned.
 */
export async function breakdownFromRollups(
  db: Db,
  siteId: number,
  dimension: Dimension,
  from: string,
  to: string,
  limit: number,
  onlyValues?: string[],
  only = false,
): Promise<BreakdownRow[]> {
  if (only && (!onlyValues || onlyValues.length === 0)) return [];
  const { months, days } = monthSplit(from, to);
  const monthDim = `${MONTH_PREFIX}${dimension}`;
  let q = db
    .selectFrom('pageviews_daily_breakdowns')
    .select([
      'value_hash',
      sql<Date>`MAX(date)`.as('last_date'),
      sql<number>`SUM(visitors)`.as('visitors'),
      sql<number>`SUM(visits)`.as('visits'),
      sql<number>`SUM(pageviews)`.as('pageviews'),
      sql<number>`SUM(events)`.as('events'),
    ])
    .where('site_id', '=', siteId)
    .where((eb) =>
      eb.or([
        ...days.map(([a, b]) => eb.and([eb('dimension', '=', dimension), eb('date', '>=', sql<Date>`${a}`), eb('date', '<=', sql<Date>`${b}`)])),
        ...(months.length ? [eb.and([eb('dimension', '=', monthDim), eb('date', 'in', months.map((m) => sql<Date>`${m}`))])] : []),
      ]),
    )
    .groupBy('value_hash');
  if (only) q = q.where('value_hash', 'in', onlyValues!.map(valueHash));
  const rows = await q
    .orderBy(sql`SUM(visitors)`, 'desc')
    .orderBy(sql`SUM(pageviews)`, 'desc')
    .orderBy(sql`SUM(events)`, 'desc')
    .limit(limit)
    .execute();
  if (rows.length === 0) return [];
  const texts = await db
    .selectFrom('pageviews_daily_breakdowns')
    .select(['value_hash', 'value'])
    .where('site_id', '=', siteId)
    .where('dimension', 'in', [dimension, monthDim])
    .where((eb) => eb.or(rows.map((r) => eb.and([eb('date', '=', r.last_date), eb('value_hash', '=', r.value_hash)]))))
    .execute();
  const byHash = new Map(texts.map((t) => [t.value_hash.toString('hex'), t.value]));
  return rows.map((r) => ({
    value: byHash.get(r.value_hash.toString('hex')) ?? '',
    visitors: num(r.visitors),
    visits: num(r.visits),
    pageviews: num(r.pageviews),
    events: num(r.events),
  }));
}
