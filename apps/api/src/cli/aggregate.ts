/**
 * pnpm analytics:aggregate --date 2026-11-28 [--site 12]
 * pnpm analytics:aggregate --from 2026-01-01 --to 2026-11-28 [--site 12]
 *
 * Rolls up the given local days (each site's own time zone) into pageviews_daily and the
 * breakdown rollups, with a progress bar. Idempotent: re-running a day replaces its rollups.
 * Days that have not ended yet in a site's time zone are skipped.
 */
import {
  addDays,
  aggregateSiteDay,
  createDb,
  findSiteForAggregation,
  lastCompleteDay,
  listSitesForAggregation,
  type AggregationSite,
} from '@sentrypulse/db';
import { loadConfigOrExit } from '@sentrypulse/shared/config';
import { SingleBar, Presets } from 'cli-progress';
import { parseArgs } from 'node:util';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function fail(message: string): never {
  process.stderr.write(`analytics:aggregate: ${message}\n`);
  process.exit(2);
}

function validDate(name: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (!DATE.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)) || new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v) {
    fail(`--${name} must be a date YYYY-MM-DD (got "${v}")`);
  }
  return v;
}

let values;
try {
  ({ values } = parseArgs({
    options: { date: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, site: { type: 'string' } },
    strict: true,
  }));
} catch (err) {
  fail((err as Error).message);
}
const date = validDate('date', values.date);
const from = validDate('from', values.from) ?? date;
const to = validDate('to', values.to) ?? date;
if (!from || !to) fail('give --date YYYY-MM-DD, or --from and --to');
if (date && (values.from || values.to)) fail('give either --date or --from/--to, not both');
if (from > to) fail('--from must not be after --to');
const siteId = values.site === undefined ? null : Number(values.site);
if (siteId !== null && (!Number.isInteger(siteId) || siteId <= 0)) fail('--site must be a site id');

const config = loadConfigOrExit();
const db = createDb(config.databaseUrl, { connectionLimit: 2 });
try {
  let sites: AggregationSite[];
  if (siteId !== null) {
    const one = await findSiteForAggregation(db, siteId);
    if (!one) fail(`no site with id ${siteId}`);
    sites = [one];
  } else {
    sites = await listSitesForAggregation(db);
  }
  const now = Date.now();
  const work: { site: AggregationSite; day: string }[] = [];
  let skipped = 0;
  for (const site of sites) {
    const last = lastCompleteDay(site.timezone, now);
    for (let d = from; d <= to; d = addDays(d, 1)) {
      if (d > last) skipped += 1;
      else work.push({ site, day: d });
    }
  }
  const bar = new SingleBar(
    { format: 'aggregating [{bar}] {percentage}% | {value}/{total} site-days | {eta_formatted} left | site {site} {day}', hideCursor: true },
    Presets.shades_classic,
  );
  bar.start(work.length, 0, { site: '-', day: '-' });
  let pageviews = 0;
  for (const { site, day } of work) {
    const totals = await aggregateSiteDay(db, site, day);
    pageviews += totals?.pageviews ?? 0;
    bar.increment({ site: site.id, day });
  }
  bar.stop();
  process.stdout.write(
    `rolled up ${work.length} site-days (${pageviews} pageviews) for ${sites.length} site(s)` +
      (skipped ? `; skipped ${skipped} day(s) not yet over in the site's time zone` : '') +
      '\n',
  );
} catch (err) {
  process.stderr.write(`analytics:aggregate failed: ${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
