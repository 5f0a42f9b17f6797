import { transactionWithRetry } from '../retry';
import { sql, type Insertable } from 'kysely';
import type { Db } from '../connection';
import type { PageviewsDailyBreakdownsTable } from '../schema';
import { MONTH_PREFIX, ROLLUP_DIMENSIONS, valueHash } from './analytics';
import { breakdownFromRaw, dailyTotalsFromRaw, type DayTotals } from './analytics-stats';
import { addDays, localDate, localDayStartUtc } from './analytics-time';
import { rollUpGoals } from './analytics-goals';

export interface AggregationSite {
  id: number;
  timezone: string;
  aggregated_through: string | null;
}

function isoDate(d: Date | string | null): string | null {
  if (d === null) return null;
  return typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10);
}

export async function listSitesForAggregation(db: Db): Promise<AggregationSite[]> {
  const rows = await db.selectFrom('sites').select(['id', 'timezone', 'aggregated_through']).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, timezone: r.timezone, aggregated_through: isoDate(r.aggregated_through) }));
}

export async function findSiteForAggregation(db: Db, siteId: number): Promise<AggregationSite | null> {
  const r = await db.selectFrom('sites').select(['id', 'timezone', 'aggregated_through']).where('id', '=', siteId).executeTakeFirst();
  return r ? { id: r.id, timezone: r.timezone, aggregated_through: isoDate(r.aggregated_through) } : null;
}

/**
 * Rolls one local day of one site up into pageviews_daily and pageviews_daily_breakdowns.
 * Idempotent: the day's rows are replaced in one transaction, so re-running gives the same
 * numbers (and picks up events that arrived late).
 */
export async function aggregateSiteDay(db: Db, site: AggregationSite, date: string): Promise<DayTotals | null> {
  const scope = {
    siteId: site.id,
    timezone: site.timezone,
    fromUtc: localDayStartUtc(date, site.timezone),
    toUtc: localDayStartUtc(addDays(date, 1), site.timezone),
  };
  const totals = (await dailyTotalsFromRaw(db, scope))[0] ?? null;
  const breakdowns: Insertable<PageviewsDailyBreakdownsTable>[] = [];
  if (totals) {
    for (const dimension of ROLLUP_DIMENSIONS) {
      for (const row of await breakdownFromRaw(db, scope, dimension)) {
        breakdowns.push({
          site_id: site.id,
          dimension,
          date: new Date(`${date}T00:00:00Z`),
          value_hash: valueHash(row.value),
          value: row.value,
          visitors: row.visitors,
          visits: row.visits,
          pageviews: row.pageviews,
          events: row.events,
        });
      }
    }
  }
  await transactionWithRetry(db, async (trx) => {
    await trx.deleteFrom('pageviews_daily').where('site_id', '=', site.id).where('date', '=', sql<Date>`${date}`).execute();
    await trx
      .deleteFrom('pageviews_daily_breakdowns')
      .where('site_id', '=', site.id)
      .where('date', '=', sql<Date>`${date}`)
      .where('dimension', 'not like', `${MONTH_PREFIX}%`)
      .execute();
    if (totals) {
      const { day: _day, ...figures } = totals;
      await trx.insertInto('pageviews_daily').values({ site_id: site.id, date, ...figures }).execute();
    }
    for (let i = 0; i < breakdowns.length; i += 500) {
      await trx.insertInto('pageviews_daily_breakdowns').values(breakdowns.slice(i, i + 500)).execute();
    }
  });
  await rollUpGoals(db, site, date, date);
  await advanceAggregatedThrough(db, site, date);
  const monthEnd = addDays(`${addMonth(date.slice(0, 7))}-01`, -1);
  if (site.aggregated_through !== null && monthEnd <= site.aggregated_through) await compactMonth(db, site.id, date.slice(0, 7));
  return totals;
}


function addMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/**
 * Sums a fully rolled-up month of daily breakdown rows into one row per dimension and value
 * (`m:` dimensions), so a 12-month breakdown reads ~12 rows per value instead of ~365. Re-run
 * whenever a day of a complete month is (re)aggregated; idempotent.
 */
export async function compactMonth(db: Db, siteId: number, month: string): Promise<void> {
  const first = `${month}-01`;
  const last = addDays(`${addMonth(month)}-01`, -1);
  await transactionWithRetry(db, async (trx) => {
    await trx
      .deleteFrom('pageviews_daily_breakdowns')
      .where('site_id', '=', siteId)
      .where('date', '=', sql<Date>`${first}`)
      .where('dimension', 'like', `${MONTH_PREFIX}%`)
      .execute();
    await sql`
      INSERT INTO pageviews_daily_breakdowns (site_id, dimension, date, value_hash, value, visitors, visits, pageviews, events)
      SELECT site_id, CONCAT(${MONTH_PREFIX}, dimension), ${first}, value_hash, MIN(value), SUM(visitors), SUM(visits), SUM(pageviews), SUM(events)
      FROM pageviews_daily_breakdowns
      WHERE site_id = ${siteId} AND dimension NOT LIKE ${`${MONTH_PREFIX}%`} AND date >= ${first} AND date <= ${last}
      GROUP BY site_id, dimension, value_hash
    `.execute(trx);
  });
}

/**
 * `aggregated_through` only moves forward over a contiguous run of rolled-up days, so stats
 * never read rollups for a day that still has un-rolled raw data before it.
 */
async function advanceAggregatedThrough(db: Db, site: AggregationSite, date: string) {
  const current = site.aggregated_through;
  if (current !== null && current >= date) return;
  if (current === null || current < addDays(date, -1)) {
    const gapStart = current === null ? 0 : localDayStartUtc(addDays(current, 1), site.timezone);
    const earlier = await db
      .selectFrom('pageviews_raw')
      .select('site_id')
      .where('site_id', '=', site.id)
      .where('ts', '>=', new Date(gapStart))
      .where('ts', '<', new Date(localDayStartUtc(date, site.timezone)))
      .limit(1)
      .executeTakeFirst();
    if (earlier) return;
  }
  await db.updateTable('sites').set({ aggregated_through: date }).where('id', '=', site.id).execute();
  site.aggregated_through = date;
}

/** The site's local "yesterday" at `nowMs`: the last day that has fully ended. */
export function lastCompleteDay(timezone: string, nowMs: number): string {
  return addDays(localDate(nowMs, timezone), -1);
}

/**
 * What the 01:00 UTC job does per site: roll up every complete local day after
 * `aggregated_through` (or from the first raw event), re-doing the last rolled-up day too so
 * late events land. At most `maxDays` days per run.
 */
export async function aggregatePendingDays(db: Db, site: AggregationSite, nowMs: number, maxDays = 35): Promise<string[]> {
  const last = lastCompleteDay(site.timezone, nowMs);
  let from: string;
  if (site.aggregated_through) {
    from = site.aggregated_through;
  } else {
    const first = await db.selectFrom('pageviews_raw').select('ts').where('site_id', '=', site.id).orderBy('ts').limit(1).executeTakeFirst();
    if (!first) return [];
    from = localDate(first.ts.getTime(), site.timezone);
  }
  if (from < addDays(last, -(maxDays - 1))) from = addDays(last, -(maxDays - 1));
  const done: string[] = [];
  for (let d = from; d <= last; d = addDays(d, 1)) {
    await aggregateSiteDay(db, site, d);
    done.push(d);
  }
  return done;
}

/**
 * Retention: deletes raw events older than `retentionDays` in batches, but only days already
 * rolled up; and raw rows of deleted sites (pageviews_raw has no foreign key).
 */
export async function deleteExpiredRaw(db: Db, retentionDays: number, nowMs: number, batch = 5_000): Promise<number> {
  let deleted = 0;
  const sites = await listSitesForAggregation(db);
  const known = new Set(sites.map((s) => s.id));
  for (const site of sites) {
    if (!site.aggregated_through) continue;
    const rolledUpUntil = localDayStartUtc(addDays(site.aggregated_through, 1), site.timezone);
    const cutoff = new Date(Math.min(nowMs - retentionDays * 86_400_000, rolledUpUntil));
    deleted += await deleteInBatches(db, sql`site_id = ${site.id} AND ts < ${cutoff}`, batch);
  }
  // Orphans: walk the distinct site ids through the primary key (a loose index scan).
  let after = 0;
  for (;;) {
    const next = await db.selectFrom('pageviews_raw').select('site_id').where('site_id', '>', after).orderBy('site_id').limit(1).executeTakeFirst();
    if (!next) break;
    after = next.site_id;
    if (!known.has(after)) {
      const exists = await db.selectFrom('sites').select('id').where('id', '=', after).executeTakeFirst();
      if (!exists) deleted += await deleteInBatches(db, sql`site_id = ${after}`, batch);
    }
  }
  return deleted;
}

async function deleteInBatches(db: Db, where: ReturnType<typeof sql>, batch: number): Promise<number> {
  let total = 0;
  for (;;) {
    const res = await sql`DELETE FROM pageviews_raw WHERE ${where} LIMIT ${sql.lit(batch)}`.execute(db);
    const n = Number(res.numAffectedRows ?? 0);
    total += n;
    if (n < batch) return total;
  }
}
