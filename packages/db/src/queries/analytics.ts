import type { BreakdownProperty, FilterProperty } from '@sentrypulse/shared';
import { createHash } from 'node:crypto';
import type { Db } from '../connection';
import type { PageviewsRawTable } from '../schema';

/**
 * Breakdown dimensions and the raw column each reads. `exit_page` and `event_prop` are derived
 * (last pageview of a visit; one row per custom-event property) and have no single column.
 */
export const DIMENSION_COLUMNS = {
  page: 'pathname',
  entry_page: 'entry_page',
  referrer: 'referrer_source',
  utm_source: 'utm_source',
  utm_medium: 'utm_medium',
  utm_campaign: 'utm_campaign',
  browser: 'browser',
  os: 'os',
  device: 'device',
  country: 'country',
  event: 'name',
} as const satisfies Record<FilterProperty, string>;
/** Every filterable property is one column (DIMENSION_COLUMNS must name them all, and no other). */
export type ColumnDimension = FilterProperty;
export type Dimension = BreakdownProperty;
/** The derived dimensions: the breakdown properties that are not a column. */
const DERIVED_DIMENSIONS = ['exit_page', 'event_prop'] as const satisfies ReadonlyArray<Exclude<BreakdownProperty, FilterProperty>>;
/** Every breakdown property is rolled up (a unit test holds it to BreakdownProperty's options). */
export const ROLLUP_DIMENSIONS: Dimension[] = [...(Object.keys(DIMENSION_COLUMNS) as ColumnDimension[]), ...DERIVED_DIMENSIONS];

/** Breakdown rows summed over a whole month are stored under `m:<dimension>`, dated the 1st. */
export const MONTH_PREFIX = 'm:';

/** How "no referrer" is shown; stored as ''. */
export const DIRECT_REFERRER = 'Direct / None';

export function valueHash(value: string): Buffer {
  return createHash('md5').update(value).digest();
}

export type RawEventRow = PageviewsRawTable;

/**
 * Multi-row INSERT IGNORE: the primary key (site, ts, event id) makes a replayed batch (worker
 * crashed after inserting, before acknowledging) a no-op, so delivery is at-least-once without
 * double counting.
 */
export async function insertRawEvents(db: Db, rows: RawEventRow[], chunk = 1_000): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < rows.length; i += chunk) {
    const res = await db.insertInto('pageviews_raw').ignore().values(rows.slice(i, i + chunk)).executeTakeFirst();
    inserted += Number(res.numInsertedOrUpdatedRows ?? 0);
  }
  return inserted;
}

export interface CollectSite {
  id: number;
  domain: string;
  timezone: string;
  respect_dnt: boolean;
  enabled: boolean;
}

export async function findSiteByTrackingCode(db: Db, code: string): Promise<CollectSite | null> {
  const row = await db
    .selectFrom('sites')
    .select(['id', 'domain', 'timezone', 'respect_dnt', 'enabled'])
    .where('tracking_code', '=', code)
    .executeTakeFirst();
  if (!row) return null;
  return { id: row.id, domain: row.domain, timezone: row.timezone, respect_dnt: !!row.respect_dnt, enabled: !!row.enabled };
}
