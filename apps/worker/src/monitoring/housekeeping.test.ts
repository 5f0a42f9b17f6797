import { sql } from '@sentrypulse/db';
import { bullPrefix, checkJob, incidentEventJob, jobIdOf, JobProducer, monitorSchedulerId, QUEUES } from '@sentrypulse/jobs';
import { createTestDatabase, type TestDatabase } from '@sentrypulse/db/testing';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileSchedules, refreshAllUptime, rollupDays, runRetention, runRollup, sweepOutbox } from './housekeeping';
import { createTeam, insertMonitor } from './test-support';

let database: TestDatabase;
let redis: Redis;
const prefix = bullPrefix(`sptest:${randomBytes(4).toString('hex')}`);
let teamId: number;

beforeAll(async () => {
  database = await createTestDatabase('monhk');
  redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  teamId = await createTeam(database.db);
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.unlink(...keys);
  redis.disconnect();
  await database.drop();
});

const DAY = 86_400_000;

describe('housekeeping', () => {
  it('rolls a day up: counts, avg/p95 response time, downtime and truncated uptime, maintenance excluded', async () => {
    const id = await insertMonitor(database.db, teamId, { url: 'http://x.test' });
    const date = '2026-01-10';
    const day = Date.parse(`${date}T00:00:00Z`);
    await database.db.updateTable('monitors').set({ created_at: new Date(day - DAY) } as never).where('id', '=', id).execute();
    const checks = Array.from({ length: 100 }, (_, i) => ({
      monitor_id: id,
      team_id: teamId,
      status: (i < 90 ? 'up' : i < 95 ? 'degraded' : 'down') as 'up' | 'degraded' | 'down',
      response_time_ms: i < 95 ? i + 1 : null,
      checked_at: new Date(day + i * 60_000),
    }));
    await database.db.insertInto('monitor_checks').values(checks).execute();
    // 2 h outage, of which 1 h inside maintenance
    await database.db.insertInto('monitor_outages').values({ monitor_id: id, team_id: teamId, started_at: new Date(day + 3_600_000), ended_at: new Date(day + 3 * 3_600_000) }).execute();
    const w = await database.db.insertInto('maintenance_windows').values({ team_id: teamId, title: 'm', starts_at: new Date(day + 3_600_000), ends_at: new Date(day + 2 * 3_600_000) }).executeTakeFirstOrThrow();
    await database.db.insertInto('maintenance_monitors').values({ maintenance_id: Number(w.insertId), monitor_id: id, team_id: teamId }).execute();

    await rollupDays(database.db, [date], day + 2 * DAY);
    await rollupDays(database.db, [date], day + 2 * DAY); // idempotent
    const row = await database.db.selectFrom('monitor_daily').selectAll().where('monitor_id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ checks: 100, up_checks: 90, degraded_checks: 5, down_checks: 5, downtime_seconds: 3600, maintenance_seconds: 3600, monitored_seconds: 82_800, avg_response_time_ms: 48, p95_response_time_ms: 91 });
    // (82800 - 3600) / 82800 = 95.65217… → truncated
    expect(Number(row.uptime)).toBe(95.6521);

    // the time-only refresh (today's rows) keeps the counters the engine maintains
    await database.db.deleteFrom('monitor_outages').where('monitor_id', '=', id).execute();
    await rollupDays(database.db, [date], day + 2 * DAY, { counts: false });
    const refreshed = await database.db.selectFrom('monitor_daily').selectAll().where('monitor_id', '=', id).executeTakeFirstOrThrow();
    expect(refreshed).toMatchObject({ checks: 100, p95_response_time_ms: 91, downtime_seconds: 0 });
    expect(Number(refreshed.uptime)).toBe(100);
  });

  it('finalises yesterday once and refreshes today on every run', async () => {
    const id = await insertMonitor(database.db, teamId, { url: 'http://z.test' });
    const now = Date.now();
    await database.db.updateTable('monitors').set({ created_at: new Date(now - 3 * DAY) } as never).where('id', '=', id).execute();
    const first = await runRollup(database.db, redis, prefix, now);
    expect(first.finalised).toBe(new Date(now - DAY).toISOString().slice(0, 10));
    expect(first.today).toBeGreaterThanOrEqual(1);
    const second = await runRollup(database.db, redis, prefix, now);
    expect(second.finalised).toBeNull();
    const rows = await database.db.selectFrom('monitor_daily').select('date').where('monitor_id', '=', id).execute();
    expect(rows).toHaveLength(2);
  });

  it('refreshes the 24 h uptime column only where it changed', async () => {
    const id = await insertMonitor(database.db, teamId, { url: 'http://y.test' });
    const now = new Date();
    await database.db.updateTable('monitors').set({ created_at: new Date(now.getTime() - 2 * DAY) } as never).where('id', '=', id).execute();
    await database.db.insertInto('monitor_outages').values({ monitor_id: id, team_id: teamId, started_at: new Date(now.getTime() - 2 * 3_600_000), ended_at: new Date(now.getTime() - 3_600_000) }).execute();
    expect(await refreshAllUptime(database.db, now)).toBeGreaterThanOrEqual(1);
    const m = await database.db.selectFrom('monitors').select('uptime_percentage').where('id', '=', id).executeTakeFirstOrThrow();
    expect(Number(m.uptime_percentage)).toBe(95.8333);
    expect(await refreshAllUptime(database.db, now)).toBe(0);
  });

  it('deletes old checks and checks of deleted monitors in batches, keeping recent ones', async () => {
    const keep = await insertMonitor(database.db, teamId, { url: 'http://keep.test' });
    const gone = await insertMonitor(database.db, teamId, { url: 'http://gone.test' });
    const old = new Date(Date.now() - 100 * DAY);
    const rows = (monitor_id: number, at: Date, n: number) => Array.from({ length: n }, () => ({ monitor_id, team_id: teamId, status: 'up' as const, checked_at: at }));
    await database.db.insertInto('monitor_checks').values([...rows(keep, old, 25), ...rows(keep, new Date(), 5), ...rows(gone, new Date(), 12)]).execute();
    await database.db.deleteFrom('monitors').where('id', '=', gone).execute();
    const res = await runRetention(database.db, 90, 10_000, 10);
    expect(res.old).toBeGreaterThanOrEqual(25);
    expect(res.orphans).toBe(12);
    const left = await sql<{ monitor_id: number; n: number }>`SELECT monitor_id, COUNT(*) AS n FROM monitor_checks WHERE monitor_id IN (${keep}, ${gone}) GROUP BY monitor_id`.execute(database.db);
    expect(left.rows.map((r) => [r.monitor_id, Number(r.n)])).toEqual([[keep, 5]]);
  });

  it('reconciles schedulers with the monitors table', async () => {
    const jobs = new JobProducer({ connection: redis, prefix, db: database.db });
    const queue = jobs.queue(QUEUES.checks);
    const enabled = await insertMonitor(database.db, teamId, { url: 'http://a.test', interval_seconds: 60 });
    const paused = await insertMonitor(database.db, teamId, { url: 'http://b.test', enabled: false });
    await queue.upsertJobScheduler(monitorSchedulerId(paused), { every: 60_000 }, { name: checkJob.name, data: { monitor_id: paused } });
    await queue.upsertJobScheduler(monitorSchedulerId(999_999), { every: 60_000 }, { name: checkJob.name, data: { monitor_id: 999_999 } });
    const res = await reconcileSchedules(database.db, jobs);
    expect(res.removed).toBe(2);
    expect((await queue.getJobScheduler(monitorSchedulerId(enabled)))?.every).toBe(60_000);
    expect(await queue.getJobScheduler(monitorSchedulerId(paused))).toBeFalsy();
    await jobs.close();
  });

  it('queues incident events that missed their enqueue (outbox sweep)', async () => {
    const inc = await database.db.insertInto('incidents').values({ team_id: teamId, kind: 'manual', title: 't', severity: 'minor', started_at: new Date() }).executeTakeFirstOrThrow();
    const ev = await database.db.insertInto('incident_events').values({ team_id: teamId, incident_id: Number(inc.insertId), type: 'incident.opened', created_at: new Date(Date.now() - 60_000) }).executeTakeFirstOrThrow();
    const jobs = new JobProducer({ connection: redis, prefix, db: database.db });
    expect(await sweepOutbox(database.db, jobs)).toBe(1);
    const jobId = await jobIdOf(jobs, incidentEventJob, { event_id: Number(ev.insertId) });
    expect((await jobs.queue(QUEUES.notify).getJob(jobId))?.data).toEqual({ event_id: Number(ev.insertId) });
    expect(await sweepOutbox(database.db, jobs)).toBe(0);
    await jobs.close();
  });
});
