import { backfillMonitor, insertResolvedIncident, refreshUptime24h } from '@sentrypulse/db';
import { scheduleEverySeconds, scheduleOffset } from '@sentrypulse/jobs';
import { CreateMonitorBody } from '@sentrypulse/shared';
import { createMaintenance } from '../maintenance/service';
import { createMonitor } from '../monitors/service';
import { demoMonitors, generateMonitoringHistory, type DemoMonitorKey } from './monitoring-history';
import { monitorUptimeRows } from './queries';
import type { DemoContext } from './seed';

/**
 * Monitors of the processes `pnpm start` runs (created through the monitor service, so they are
 * validated and scheduled like any other), their 90-day history, past incidents and maintenance.
 */
export async function seedMonitoring(ctx: DemoContext): Promise<void> {
  const { db, config, team, userId, now } = ctx;
  const created = [];
  for (const spec of demoMonitors(config)) {
    const m = await createMonitor(ctx, CreateMonitorBody.parse(spec.body));
    const every = scheduleEverySeconds({ id: m.id, enabled: true, interval_seconds: m.interval_seconds, type: m.type }) * 1000;
    created.push({ ...spec, id: m.id, name: m.name, offsetMs: scheduleOffset(m.id, every) });
  }
  const ids = new Map<DemoMonitorKey, number>(created.map((c) => [c.key, c.id]));
  const idOf = (key: DemoMonitorKey) => ids.get(key)!;

  const history = generateMonitoringHistory({ now, monitors: created });
  for (const w of history.maintenance) {
    await createMaintenance(ctx, {
      title: w.title,
      description: w.description,
      starts_at: w.starts_at.toISOString(),
      ends_at: w.ends_at.toISOString(),
      monitor_ids: w.keys.map(idOf),
    });
  }
  for (const g of history.monitors) {
    await backfillMonitor(db, { teamId: team.id, monitorId: idOf(g.key), createdAt: g.createdAt, checks: g.checks, daily: g.daily, state: g.state });
  }
  for (const inc of history.incidents) {
    await insertResolvedIncident(db, {
      teamId: team.id,
      kind: inc.kind,
      monitor_id: inc.kind === 'auto' ? idOf(inc.monitorKey) : null,
      title: inc.title,
      severity: inc.severity,
      started_at: inc.started_at,
      resolved_at: inc.resolved_at,
      postmortem: inc.postmortem,
      created_by: inc.byUser ? userId : null,
      acknowledged_by: inc.acknowledged ? userId : null,
      acknowledged_at: inc.acknowledged ? (inc.acknowledged_at ?? null) : null,
      monitor_ids: [idOf(inc.monitorKey)],
      status_page_ids: [],
      updates: inc.updates.map((u) => ({ status: u.status, message: u.message, created_by: u.byUser ? userId : null, created_at: u.created_at })),
      outages: inc.outages.map((o) => ({ monitor_id: idOf(inc.monitorKey), started_at: new Date(o.start), ended_at: new Date(o.end) })),
    });
  }
  await refreshUptime24h(db, await monitorUptimeRows(db, team.id), new Date(now));
}
