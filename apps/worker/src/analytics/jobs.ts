import { aggregatePendingDays, deleteExpiredRaw, listSitesForAggregation, type Db } from '@sentrypulse/db';
import type { Logger } from 'pino';

/** The 01:00 UTC job: roll up every complete local day of every site (idempotent). */
export async function runDailyAggregation(db: Db, log: Logger, nowMs = Date.now()) {
  let days = 0;
  const sites = await listSitesForAggregation(db);
  for (const site of sites) {
    const done = await aggregatePendingDays(db, site, nowMs);
    days += done.length;
    if (done.length) log.info({ site: site.id, from: done[0], to: done[done.length - 1] }, 'analytics rolled up');
  }
  return { sites: sites.length, days };
}

/** Retention: raw events past the configured days (and already rolled up) go, in batches. */
export async function runRetention(db: Db, log: Logger, retentionDays: number, nowMs = Date.now()) {
  const deleted = await deleteExpiredRaw(db, retentionDays, nowMs);
  if (deleted) log.info({ deleted, retentionDays }, 'raw pageviews deleted by retention');
  return { deleted };
}
