import { CreateGoalBody } from '@sentrypulse/shared';
import { createGoal } from '../goals/service';
import { listSites } from '../sites/service';
import { DEMO_SITE_DOMAIN } from './analytics';
import type { DemoContext } from './seed';

/** Goals on the demo website (after seedAnalytics): backfilled from its raw events on creation. */
export async function seedGoals(ctx: DemoContext): Promise<void> {
  const site = (await listSites(ctx, 100, null)).items.find((s) => s.domain === DEMO_SITE_DOMAIN);
  if (!site) return;
  for (const body of [
    { name: 'Visited pricing', type: 'page', path: '/pricing' },
    { name: 'Read the docs', type: 'page', path: '/docs/*' },
    { name: 'Signup', type: 'event', event: 'Signup' },
  ]) {
    await createGoal(ctx, site.id, CreateGoalBody.parse(body));
  }
}
