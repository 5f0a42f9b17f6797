import { monitorIdsByName } from '@sentrypulse/db';
import { CreateStatusPageBody } from '@sentrypulse/shared';
import { createStatusPage } from '../status-pages/service';
import { demoMonitors, type DemoMonitorKey } from './monitoring-history';
import type { DemoContext } from './seed';

export const DEMO_STATUS_SLUG = 'demo';

/** What visitors see: display names and groups, never the monitors' internal names or URLs. */
export const DEMO_COMPONENTS: Array<{ key: DemoMonitorKey; name: string; group: string }> = [
  { key: 'dashboard', name: 'Dashboard', group: 'Website & API' },
  { key: 'api', name: 'REST API', group: 'Website & API' },
  { key: 'database', name: 'Database', group: 'Infrastructure' },
  { key: 'cache', name: 'Cache', group: 'Infrastructure' },
  { key: 'backup', name: 'Nightly backups', group: 'Background jobs' },
];

/** A public page (`/status/demo`) over the demo monitors; the seeded incidents show in its history. */
export async function seedStatusPage(ctx: DemoContext): Promise<void> {
  const byName = await monitorIdsByName(ctx.db, ctx.team.id);
  const specs = new Map(demoMonitors(ctx.config).map((m) => [m.key, m.body.name]));
  await createStatusPage(
    ctx,
    CreateStatusPageBody.parse({
      slug: DEMO_STATUS_SLUG,
      title: 'SentryPulse Demo',
      description: 'Live status of the demo services running on this machine: the dashboard, the API, their database and cache, and the nightly backup job.',
      accent_color: '#4f46e5',
      components: DEMO_COMPONENTS.map((c) => ({ monitor_id: byName.get(specs.get(c.key)!)!, name: c.name, group: c.group })),
    }),
  );
}
