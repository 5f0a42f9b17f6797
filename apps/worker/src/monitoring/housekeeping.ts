import { maintenanceByMonitor, outagesByMonitor, refreshUptime24h, sql, type Db } from '@sentrypulse/db';
import { enqueueIncidentEvents, removeMonitorSchedule, scheduledMonitorIds, syncMonitorSchedule, type JobProducer } from '@sentrypulse/jobs';
import { lastUtcDates, uptimeFigures, utcDay } from '@sentrypulse/shared';
import type { Redis } from 'ioredis';

const CHUNK = 1000;

/** Every enabled monitor in id order, in chunks (keyset, so 20,000 monitors never load at once). */
async function* monitorChunks(db: Db, size = CHUNK) {
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('monitors')
      .select(['id', 'team_id', 'type', 'enabled', 'interval_seconds', 'created_at', 'uptime_percentage'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(size)
      .execute();
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1]!.id;
  }
}

/**
 * Makes Redis agree with MySQL: a scheduler for every enabled monitor, none for others. The API
 * keeps them in step on every change; this heals a Redis flush or a failed API call at start-up.
 */
export async function reconcileSchedules(db: Db, jobs: JobProducer): Promise<{ scheduled: number; removed: number }> {
  let scheduled = 0;
  const enabled = new Set<number>();
  for await (const chunk of monitorChunks(db)) {
    const todo = chunk.filter((m) => m.enabled);
    // Bounded parallelism: a few dozen Lua calls in flight, not 20,000.
    for (let i = 0; i < todo.length; i += 50) {
      await Promise.all(todo.slice(i, i + 50).map((m) => syncMonitorSchedule(jobs, m)));
    }
    todo.forEach((m) => enabled.add(m.id));
    scheduled += todo.length;
  }
  // Collected first: removing while paging would shift the pages.
  const stray: number[] = [];
  for await (const id of scheduledMonitorIds(jobs)) if (!enabled.has(id)) stray.push(id);
  for (const id of stray) await removeMonitorSchedule(jobs, id);
  return { scheduled, removed: stray.length };
}

export async function refreshAllUptime(db: Db, now = new Date()): Promise<number> {
  let changed = 0;
  for await (const chunk of monitorChunks(db)) changed += await refreshUptime24h(db, chunk, now);
  return changed;
}

/** Re-queues incident events whose enqueue after commit failed (older than 30 s, not queued). */
export async function sweepOutbox(db: Db, jobs: JobProducer): Promise<number> {
  const rows = await db
    .selectFrom('incident_events')
    .select('id')
    .where('queued_at', 'is', null)
    .where('created_at', '<', new Date(Date.now() - 30_000))
    .orderBy('id')
    .limit(500)
    .execute();
  if (rows.length === 0) return 0;
  const ids = rows.map((r) => r.id);
  await enqueueIncidentEvents(jobs, ids);
  await db.updateTable('incident_events').set({ queued_at: new Date() }).where('id', 'in', ids).execute();
  return ids.length;
}

/**
 * Daily rollups for the given UTC dates: check counts and response times (avg, p95) from the raw
 * checks, downtime/maintenance/monitored seconds and uptime from outages and maintenance windows.
 * Idempotent (upsert). With `counts: false` only the time-based fields are refreshed (today: the
 * engine keeps the counters live, so the raw checks are read once per day, when it is final).
 */
export async function rollupDays(db: Db, dates: string[], now = Date.now(), opts: { counts: boolean } = { counts: true }): Promise<number> {
  let rows = 0;
  for (const date of dates) {
    const day = utcDay(date);
    const end = Math.min(day.end, now);
    if (end <= day.start) continue;
    for await (const chunk of monitorChunks(db, 200)) {
      const monitors = chunk.filter((m) => m.created_at.getTime() < end);
      if (monitors.length === 0) continue;
      const ids = monitors.map((m) => m.id);
      const from = new Date(day.start);
      const to = new Date(end);
      const [outages, maintenance, checks] = await Promise.all([
        outagesByMonitor(db, ids, from, to),
        maintenanceByMonitor(db, ids, from, to),
        opts.counts
          ? db
              .selectFrom('monitor_checks')
              .select(['monitor_id', 'status', 'response_time_ms'])
              .where('monitor_id', 'in', ids)
              .where('checked_at', '>=', from)
              .where('checked_at', '<', to)
              .execute()
          : Promise.resolve([]),
      ]);
      const perMonitor = new Map<number, { up: number; degraded: number; down: number; times: number[] }>();
      for (const c of checks) {
        const s = perMonitor.get(c.monitor_id) ?? { up: 0, degraded: 0, down: 0, times: [] };
        s[c.status] += 1;
        if (c.status !== 'down' && c.response_time_ms !== null) s.times.push(c.response_time_ms);
        perMonitor.set(c.monitor_id, s);
      }
      const values = monitors.map((m) => {
        const f = uptimeFigures({ window: { start: day.start, end }, monitoredFrom: m.created_at.getTime(), outages: outages.get(m.id) ?? [], maintenance: maintenance.get(m.id) ?? [] });
        const s = perMonitor.get(m.id) ?? { up: 0, degraded: 0, down: 0, times: [] };
        const times = s.times.sort((a, b) => a - b);
        const avg = times.length ? Math.round(times.reduce((a, b) => a + b, 0) / times.length) : null;
        const p95 = times.length ? times[Math.min(times.length - 1, Math.ceil(times.length * 0.95) - 1)]! : null;
        return sql`(${m.id}, ${m.team_id}, ${date}, ${s.up + s.degraded + s.down}, ${s.up}, ${s.degraded}, ${s.down},
          ${Math.floor(f.monitoredMs / 1000)}, ${Math.ceil(f.downtimeMs / 1000)}, ${Math.floor(f.maintenanceMs / 1000)},
          ${f.uptime}, ${avg}, ${p95})`;
      });
      const timeOnly = sql`monitored_seconds = VALUES(monitored_seconds), downtime_seconds = VALUES(downtime_seconds),
          maintenance_seconds = VALUES(maintenance_seconds), uptime = VALUES(uptime), updated_at = CURRENT_TIMESTAMP(3)`;
      await sql`
        INSERT INTO monitor_daily (monitor_id, team_id, date, checks, up_checks, degraded_checks, down_checks,
          monitored_seconds, downtime_seconds, maintenance_seconds, uptime, avg_response_time_ms, p95_response_time_ms)
        VALUES ${sql.join(values)}
        ON DUPLICATE KEY UPDATE ${opts.counts ? sql`` : timeOnly}${opts.counts ? sql`checks = VALUES(checks), up_checks = VALUES(up_checks), degraded_checks = VALUES(degraded_checks),
          down_checks = VALUES(down_checks), monitored_seconds = VALUES(monitored_seconds), downtime_seconds = VALUES(downtime_seconds),
          maintenance_seconds = VALUES(maintenance_seconds), uptime = VALUES(uptime),
          avg_response_time_ms = VALUES(avg_response_time_ms), p95_response_time_ms = VALUES(p95_response_time_ms),
          updated_at = CURRENT_TIMESTAMP(3)` : sql``}
      `.execute(db);
      rows += values.length;
    }
  }
  return rows;
}

/**
 * The rollup job: today's time-based figures every run; yesterday's full recomputation from raw
 * checks once (marked in Redis; a lost mark only means one more recomputation).
 */
export async function runRollup(db: Db, redis: Pick<Redis, 'get' | 'set'>, markPrefix: string, now = Date.now()): Promise<{ today: number; finalised: string | null }> {
  const [yesterday, today] = lastUtcDates(now, 2) as [string, string];
  const todayRows = await rollupDays(db, [today], now, { counts: false });
  const mark = `${markPrefix}:monitoring:rollup-final:${yesterday}`;
  if (await redis.get(mark)) return { today: todayRows, finalised: null };
  await rollupDays(db, [yesterday], now, { counts: true });
  await redis.set(mark, '1', 'EX', 3 * 86_400);
  return { today: todayRows, finalised: yesterday };
}

/**
 * Deletes raw checks older than the retention in small batches (short locks, no long transaction),
 * and the checks of deleted monitors (monitor_checks has no FK, see the migration). Bounded by
 * `budgetMs` per run; the next run continues.
 */
export async function runRetention(db: Db, retentionDays: number, budgetMs = 20_000, batch = 5_000): Promise<{ old: number; orphans: number }> {
  const deadline = Date.now() + budgetMs;
  const cutoff = new Date(Date.now() - retentionDays * 86_400_000);
  let old = 0;
  while (Date.now() < deadline) {
    const res = await sql`DELETE FROM monitor_checks WHERE checked_at < ${cutoff} ORDER BY checked_at LIMIT ${sql.lit(batch)}`.execute(db);
    const n = Number(res.numAffectedRows ?? 0n);
    old += n;
    if (n < batch) break;
  }
  // DISTINCT on the index's first column is a loose index scan: one step per monitor, not per row.
  const inChecks = await sql<{ monitor_id: number }>`SELECT DISTINCT monitor_id FROM monitor_checks`.execute(db);
  const ids = inChecks.rows.map((r) => r.monitor_id);
  let orphans = 0;
  if (ids.length > 0) {
    const existing = new Set<number>();
    for (let i = 0; i < ids.length; i += 5000) {
      const rows = await db.selectFrom('monitors').select('id').where('id', 'in', ids.slice(i, i + 5000)).execute();
      rows.forEach((r) => existing.add(r.id));
    }
    for (const id of ids.filter((x) => !existing.has(x))) {
      while (Date.now() < deadline) {
        const res = await sql`DELETE FROM monitor_checks WHERE monitor_id = ${id} LIMIT ${sql.lit(batch)}`.execute(db);
        const n = Number(res.numAffectedRows ?? 0n);
        orphans += n;
        if (n < batch) break;
      }
    }
  }
  return { old, orphans };
}

