import { aggregatePendingDays, findSiteForAggregation, insertRawEvents } from '@sentrypulse/db';
import { CreateSiteBody } from '@sentrypulse/shared';
import { createSite } from '../sites/service';
import { generateTrackedEvents, toRawRows, TRAFFIC_DAYS } from './analytics-traffic';
import type { DemoContext } from './seed';

/**
 * `localhost`: collect accepts a site's domain and its subdomains, so the snippet works on any page
 * served from this machine and live visits show up next to the seeded ones.
 */
export const DEMO_SITE_DOMAIN = 'localhost';

/** A website with 90 days of visits, rolled up by the real aggregator like the 01:00 job does. */
export async function seedAnalytics(ctx: DemoContext): Promise<void> {
  const site = await createSite(ctx, CreateSiteBody.parse({ name: 'Demo website', domain: DEMO_SITE_DOMAIN }));
  await insertRawEvents(ctx.db, toRawRows(site.id, site.domain, generateTrackedEvents({ now: ctx.now, domain: site.domain })));
  const agg = await findSiteForAggregation(ctx.db, site.id);
  await aggregatePendingDays(ctx.db, agg!, ctx.now, TRAFFIC_DAYS + 1);
}
